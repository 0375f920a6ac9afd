"""Checks on a stored dataset: frames slices can use, the summary, one undoable exclusion, a redacted export
that replays byte for byte, and the CLI commands with --json."""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from mixmap.cli.main import main
from mixmap.core.checks.actions import check_summary, contamination_matches, exclude_flagged, flagged_ids
from mixmap.core.checks.dataset import (
    ChecksError,
    decontaminate,
    find_dataset_pii,
    identify_dataset_languages,
)
from mixmap.core.curate.slices import slice_ids
from mixmap.core.export.replay import replay_manifest
from mixmap.core.export.write import export_rows, manifest_path
from mixmap.core.store.marks import read_marks, undo
from tests.checks_data import EVAL_TEXTS, PII_TEXTS, build_checks_dataset


@pytest.fixture
def checked(workspace, tmp_path):
    ds, ref, groups = build_checks_dataset(workspace, tmp_path)
    return ds, ref, groups


def test_languages_are_a_frame_that_slices_read(checked):
    ds, _, groups = checked
    summary = identify_dataset_languages(ds, n_jobs=1)
    assert summary["main_language"] == "en" and summary["rows"] == ds.count()
    for lang in ("fr", "zh", "de"):
        assert slice_ids(ds, {"where": ["lang", "=", lang]}) == groups[lang]
    assert set(flagged_ids(ds, "langid")) == set(groups["fr"] + groups["zh"] + groups["de"])
    assert set(flagged_ids(ds, "langid", keep=("en", "fr"))) == set(groups["zh"] + groups["de"])


def test_pii_counts_per_row(checked):
    ds, _, groups = checked
    summary = find_dataset_pii(ds, n_jobs=1)
    assert summary["rows_flagged"] == len(groups["pii"]) == len(PII_TEXTS) + 1
    assert summary["found"] == {"email": 2, "phone": 1, "ip_address": 0, "card_number": 1, "secret": 1}
    assert set(flagged_ids(ds, "pii")) == set(groups["pii"])
    assert len(flagged_ids(ds, "pii", kinds=("card_number",))) == 1
    assert sorted(slice_ids(ds, {"where": ["pii_count", ">", 0]})) == sorted(groups["pii"])


def test_decontamination_lists_rows_spans_and_items(checked):
    ds, ref, groups = checked
    summary = decontaminate(ds, ref, n=13, n_jobs=1)
    assert summary["rows_flagged"] == 2 and summary["items_matched"] == 2 and summary["eval_items"] == len(EVAL_TEXTS)
    matches = contamination_matches(ds)
    assert set(matches["row_id"]) == set(groups["contaminated"])
    texts = ds.read_rows(["id", "text"], ids=list(matches["row_id"])).to_pandas().set_index("id")["text"]
    items = ref.read_rows(["id", "text"]).to_pandas().set_index("id")["text"]
    for m in matches.itertuples():
        copied = " ".join(texts[m.row_id][m.row_start:m.row_end].lower().replace(",", "").split())
        source = items[m.item_id][m.item_start:m.item_end].lower().replace(",", "")
        assert copied == " ".join(source.split())
    again = decontaminate(ds, ref, n=13, n_jobs=1)  # a rerun replaces this reference's overlaps, not adds
    assert again["matches"] == len(contamination_matches(ds)) == 2
    with pytest.raises(ChecksError, match="own reference"):
        decontaminate(ds, ds)


def test_summary_and_one_undoable_exclusion(checked):
    ds, ref, groups = checked
    assert [c["ran"] for c in check_summary(ds)] == [False, False, False]
    with pytest.raises(ChecksError, match="mixmap pii"):
        flagged_ids(ds, "pii")
    find_dataset_pii(ds, n_jobs=1)
    decontaminate(ds, ref, n_jobs=1)
    entries = {c["check"]: c for c in check_summary(ds)}
    assert entries["pii"]["flagged"] == len(groups["pii"]) and entries["decontam"]["flagged"] == 2
    assert not entries["langid"]["ran"]
    result = exclude_flagged(ds, "pii")
    marks = read_marks(ds).to_pandas()
    assert result["excluded"] == len(groups["pii"]) and set(marks["id"]) == set(groups["pii"])
    assert all("check:pii" in list(t) for t in marks["tags"])
    undo(ds)
    assert read_marks(ds).num_rows == 0


def test_redacted_export_has_no_planted_item_and_replays_identically(checked, tmp_path):
    ds, _, groups = checked
    out = tmp_path / "out" / "redacted.jsonl"
    manifest = export_rows(ds, out, marked="any", redact=True)
    written = out.read_text(encoding="utf-8")
    for needle in ("maria.garcia@outlook.com", "7946 0958", "4111 1111", "ghp_", "evil@example.com"):
        assert needle not in written
    assert "<EMAIL>" in written and "<CARD_NUMBER>" in written and "<SECRET>" in written
    assert '<script>alert(\\"x\\")</script>' in written  # markup is data: redaction leaves it as typed
    assert manifest["redaction"]["rows_redacted"] == len(groups["pii"])
    assert manifest["redaction"]["replaced"]["email"] == 2 * 2  # the text and the original `output` column
    saved = json.loads(manifest_path(out).read_text(encoding="utf-8"))
    assert saved["redaction"]["placeholders"]["phone"] == "<PHONE>"
    before = out.read_bytes()
    result = replay_manifest(ds.workspace, manifest_path(out))
    assert result["identical"] and out.read_bytes() == before
    plain = export_rows(ds, tmp_path / "plain.jsonl", marked="any")
    assert "redaction" not in plain and "maria.garcia@outlook.com" in (tmp_path / "plain.jsonl").read_text()


def test_cli_commands_with_json(checked, tmp_path):
    ds, ref, groups = checked
    runner = CliRunner()
    base = ["--workspace", str(ds.workspace.root)]

    def run(*args):
        result = runner.invoke(main, [*base, *args], catch_exceptions=False)
        assert result.exit_code == 0, result.output
        return json.loads(result.output)

    lang = run("langid", ds.name, "--json")
    assert lang["main_language"] == "en" and lang["languages"]["fr"] == 1
    pii = run("pii", ds.name, "--json")
    assert pii["rows_flagged"] == len(groups["pii"])
    dec = run("decontaminate", ds.name, "--against", ref.name, "--n", "13", "--json")
    assert dec["against"][0]["rows_flagged"] == 2 and len(dec["flagged"]) == 2
    first = dec["flagged"][0]
    assert first["item_text"] and first["span"] and first["row"] in groups["contaminated"]
    excluded = run("decontaminate", ds.name, "--against", ref.name, "--exclude", "--json")["excluded"]
    assert excluded["excluded"] == 2
    summary = run("checks", ds.name, "--json")
    assert [c["ran"] for c in summary["checks"]] == [True, True, True]
    exported = run("export", ds.name, "--out", str(tmp_path / "cli.jsonl"), "--redact", "--with-signals", "--json")
    assert exported["redaction"]["rows_redacted"] == len(groups["pii"])
    first_row = json.loads((tmp_path / "cli.jsonl").read_text().splitlines()[0])
    assert {"lang", "pii_count", "contaminated"} <= set(first_row)
    bad = runner.invoke(main, [*base, "decontaminate", ds.name, "--against", "nope"])
    assert bad.exit_code == 1 and "no dataset named 'nope'" in bad.output
