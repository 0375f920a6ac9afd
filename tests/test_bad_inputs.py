"""Bad input: every file of tests/bad_inputs.py gets a clear message in core, the CLI and the Data page, and a
failed ingest leaves the store exactly as it was. Hypothesis fuzzes ingest with random JSONL lines."""
from __future__ import annotations

import json
import math
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as hs

from mixmap.cli.main import main
from mixmap.core.errors import IngestError
from mixmap.core.ingest.files import TextSpec, ingest_file, ingest_into, preview_records
from mixmap.core.store.marks import apply_marks
from mixmap.core.store.workspace import Workspace
from tests.bad_inputs import CASES, write_corpus
from tests.conftest import ROOT, open_app, shown_text, synthetic_rows, write_jsonl

ERRORS = [c for c in CASES if c.outcome != "ok"]
FUZZ_EXAMPLES = int(os.environ.get("MIXMAP_FUZZ_EXAMPLES", "150"))  # raise it for a deeper local run


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    return write_corpus(tmp_path_factory.mktemp("bad_inputs"))


@pytest.fixture(scope="module")
def base_workspace(tmp_path_factory):
    """A workspace holding dataset `d` (20 rows, one marking action) that failed ingests must not touch."""
    folder = tmp_path_factory.mktemp("base")
    ws = Workspace(folder / "ws")
    ds = ws.dataset("d", create=True)
    ingest_into(ds, write_jsonl(folder / "good.jsonl", synthetic_rows(5)))
    apply_marks(ds, ds.read_rows(["id"]).column("id").to_pylist()[:3], mark="exclude", message="before")
    return ws.root


@pytest.fixture
def ws_root(base_workspace, tmp_path):
    root = tmp_path / "ws"
    shutil.copytree(base_workspace, root)
    return root


def snapshot(root) -> dict:
    """Every table's version and row count, and every dataset's meta.json: what 'unchanged' means."""
    ws = Workspace(root)
    tables = {}
    for folder in sorted((ws.root / "lance").glob("*.lance")):
        table = ws.db.open_table(folder.name[: -len(".lance")])
        tables[folder.name] = (table.version, table.count_rows())
    metas = {name: (ws.root / "datasets" / name / "meta.json").read_text() for name in ws.list_datasets()}
    return {"tables": tables, "datasets": ws.list_datasets(), "meta": metas}


def assert_clear(message: str, case) -> None:
    assert "\n" not in message.strip(), message
    assert "Traceback" not in message
    for pattern in case.expect:
        assert re.search(pattern, message), f"{case.name}: {pattern!r} not in {message!r}"


def spec_of(case) -> TextSpec | None:
    return TextSpec(**case.spec) if case.spec else None


# ---- core -----------------------------------------------------------------------------------------------
@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_core_answers_each_bad_file(case, corpus):
    path = corpus[case.name]
    if case.outcome == "ok":
        result = ingest_file(path, spec=spec_of(case))
        assert result.rows.column("text").to_pylist() == list(case.texts)
        assert not result.bad_rows
        ids = result.rows.column("id").to_pylist()
        assert len(set(ids)) == len(ids) == case.good_rows
        return
    with pytest.raises(IngestError) as aborted:
        ingest_file(path, spec=spec_of(case), on_error="abort")
    assert_clear(str(aborted.value), case)
    if case.outcome == "error":
        with pytest.raises(IngestError) as skipped:
            ingest_file(path, spec=spec_of(case), on_error="skip")
        assert_clear(str(skipped.value), case)
    else:
        result = ingest_file(path, spec=spec_of(case), on_error="skip")
        assert result.rows.num_rows == case.good_rows
        assert [b.line for b in result.bad_rows] == list(case.bad_lines)
        assert all(b.file == path.name for b in result.bad_rows)


def test_duplicate_user_ids_are_kept_as_metadata(corpus, workspace, tmp_path):
    ds = workspace.dataset("dups", create=True)
    result = ingest_into(ds, corpus["duplicate_ids"])
    assert result.source_info["added"] == 3 and ds.count() == 3
    rows = ds.read_rows().to_pylist()
    assert len({r["id"] for r in rows}) == 3  # our ids stay unique, even for the repeated text "alpha"
    assert [json.loads(r["meta"]) for r in rows] == [{"id": 7}] * 3
    from mixmap.core.export.write import export_rows

    export_rows(ds, tmp_path / "out.jsonl", marked="any")
    exported = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text().splitlines()]
    assert [r["meta_id"] for r in exported] == [7, 7, 7] and len({r["id"] for r in exported}) == 3


def test_lone_surrogates_in_metadata_survive_as_escapes(corpus, workspace):
    ds = workspace.dataset("sur", create=True)
    ingest_into(ds, corpus["lone_surrogate"])
    assert json.loads(ds.read_rows(["meta"]).column("meta")[0].as_py()) == {"note": "meta \udfff too"}


# ---- CLI ------------------------------------------------------------------------------------------------
def cli(root, *args):
    return CliRunner().invoke(main, ["--workspace", str(root), "ingest", *args])


@pytest.mark.parametrize("case", ERRORS, ids=lambda c: c.name)
def test_cli_exits_1_with_one_line_and_leaves_the_store_unchanged(case, corpus, ws_root):
    before = snapshot(ws_root)
    modes = ("abort", "skip") if case.outcome == "error" else ("abort",)
    for mode in modes:
        for dataset in ("d", "fresh"):
            result = cli(ws_root, str(corpus[case.name]), "--dataset", dataset, "--on-error", mode, *case.args)
            assert result.exit_code == 1, (mode, result.output)
            assert result.stdout == ""
            assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1, result.stderr
            assert_clear(result.stderr, case)
            assert snapshot(ws_root) == before, f"{case.name} ({mode}) changed the store"


@pytest.mark.parametrize("case", [c for c in CASES if c.outcome == "rows"], ids=lambda c: c.name)
def test_cli_skip_lists_bad_rows_with_file_and_line(case, corpus, ws_root):
    result = cli(ws_root, str(corpus[case.name]), "--dataset", "d", "--json", *case.args)
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert out["added"] == case.good_rows and out["bad_rows"] == len(case.bad_lines)
    skipped = [line for line in result.stderr.splitlines() if line.startswith("skipped ")]
    assert [int(re.match(rf"skipped {re.escape(case.filename)}:(\d+): ", s).group(1)) for s in skipped] == list(
        case.bad_lines)


@pytest.mark.parametrize("name", ["utf16_bom_jsonl", "utf16_bom_csv", "duplicate_ids"])
def test_cli_reads_the_odd_but_valid_files(name, corpus, ws_root):
    case = next(c for c in CASES if c.name == name)
    result = cli(ws_root, str(corpus[name]), "--dataset", "odd", "--json")
    assert result.exit_code == 0, result.output
    ds = Workspace(ws_root).dataset("odd")
    assert ds.read_rows(["text"]).column("text").to_pylist() == list(case.texts)
    again = cli(ws_root, str(corpus[name]), "--dataset", "odd", "--json")
    assert json.loads(again.stdout)["added"] == 0  # re-ingesting adds nothing twice


def test_a_real_process_exits_1(corpus, ws_root):
    proc = subprocess.run([sys.executable, "-m", "mixmap.cli", "--workspace", str(ws_root), "ingest",
                           str(corpus["binary"]), "--dataset", "d"], capture_output=True, text=True, cwd=ROOT,
                          check=False)
    assert proc.returncode == 1 and proc.stdout == ""
    assert proc.stderr.startswith("error: binary.jsonl: looks like a binary file") and proc.stderr.count("\n") == 1


# ---- the Data page ------------------------------------------------------------------------------------------
def test_data_page_shows_st_error_for_each_bad_file(corpus, ws_root, monkeypatch):
    monkeypatch.setenv("MIXMAP_DATA_DIRS", str(Path(next(iter(corpus.values()))).parent))  # --data-dir
    at = open_app(ws_root, monkeypatch, page="pages/data.py")
    before = snapshot(ws_root)
    for case in ERRORS:
        if case.name == "wrong_column":
            continue  # not reachable here: the page offers only the file's own columns
        at.text_input(key="data.path").input(str(corpus[case.name])).run()
        assert not at.exception, (case.name, [e.value for e in at.exception])
        if case.preview_error:
            shown = [shown_text(e.value) for e in at.error if f"{case.filename}:" in shown_text(e.value)]
            assert shown, f"{case.name}: no st.error at the preview"
            assert_clear(shown[0], case)
            continue
        if case.spec.get("template"):
            at.radio(key="data.mode").set_value("a template over columns").run()
            at.text_area(key="data.template").input(case.spec["template"]).run()
        elif at.radio(key="data.mode").value != "one column":
            at.radio(key="data.mode").set_value("one column").run()
        at.text_input(key="data.dataset_name").input("d")
        at.radio(key="data.on_error").set_value("abort")
        at.button(key="data.go").click().run()
        deadline = time.time() + 60
        while not any(f"{case.filename}:" in shown_text(e.value) for e in at.error) and time.time() < deadline:
            time.sleep(0.3)
            at.run()
        assert not at.exception, (case.name, [e.value for e in at.exception])
        shown = [shown_text(e.value) for e in at.error if f"{case.filename}:" in shown_text(e.value)]
        assert shown, f"{case.name}: no st.error after ingest ({[e.value for e in at.error]})"
        message = shown[0].split(" failed: ", 1)[1]
        if case.name != "parquet_schema":  # the page falls back to the first column instead of asking
            assert_clear(message, case)
        if case.name == "wrong_template":
            at.radio(key="data.mode").set_value("one column").run()
    assert snapshot(ws_root) == before


def test_preview_uses_the_same_messages_as_ingest(corpus):
    for case in ERRORS:
        if case.preview_error:
            with pytest.raises(IngestError) as exc:
                preview_records(corpus[case.name])
            assert_clear(str(exc.value), case)


def test_data_page_preview_cuts_huge_cells(corpus, ws_root, monkeypatch):
    monkeypatch.setenv("MIXMAP_DATA_DIRS", str(Path(corpus["huge_line"]).parent))
    at = open_app(ws_root, monkeypatch, page="pages/data.py")
    at.text_input(key="data.path").input(str(corpus["huge_line"])).run()
    assert not at.exception
    previews = [d.value for d in at.dataframe if "text" in d.value.columns]
    assert len(previews) == 1 and previews[0]["text"].str.len().max() == 500


# ---- fuzzing ------------------------------------------------------------------------------------------------
json_scalars = hs.none() | hs.booleans() | hs.integers() | hs.floats() | hs.text(max_size=30)
json_values = hs.recursive(json_scalars, lambda inner: hs.lists(inner, max_size=3)
                           | hs.dictionaries(hs.text(max_size=5), inner, max_size=3), max_leaves=6)
records = hs.dictionaries(hs.sampled_from(["text", "id", "source", "meta", "x", "é", ""]), json_values, max_size=4)
lines = hs.one_of(
    records.map(lambda r: json.dumps(r, ensure_ascii=False)),  # valid rows, odd values (NaN, nesting, ...)
    hs.text(max_size=40),  # garbage lines
    json_values.map(json.dumps),  # JSON that is not an object
)


def _expected_text(record) -> str | None:
    if not isinstance(record, dict) or "text" not in record:
        return None
    value = record["text"]
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return None
    return value


@settings(max_examples=FUZZ_EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=hs.lists(lines, max_size=12))
def test_fuzzed_jsonl_is_ingested_or_refused_cleanly(tmp_path_factory, body):
    path = tmp_path_factory.mktemp("fuzz") / "f.jsonl"
    text = "\n".join(body)
    path.write_bytes(text.encode("utf-8", "surrogatepass"))
    try:
        result = ingest_file(path, spec=TextSpec(column="text"))
    except IngestError as exc:
        assert str(exc) and "Traceback" not in str(exc)
        return
    # Every non-blank line is either a row or a bad row, never both, never silently lost.
    numbered = [(i, line) for i, line in enumerate(text.split("\n"), start=1) if line.strip()]
    got = dict(zip(result.rows.column("row_index").to_pylist(), result.rows.column("text").to_pylist()))
    bad = {b.line for b in result.bad_rows}
    assert not (got.keys() & bad)
    for line_no, line in numbered:
        line = line.removeprefix("\ufeff") if line_no == 1 else line
        if line_no in got:
            assert got[line_no] == _expected_text(json.loads(line))
        else:
            assert line_no in bad, (line_no, line)
            try:
                record = json.loads(line)
            except (ValueError, RecursionError):
                continue
            assert _expected_text(record) is None or len(record["text"]) > 1_000_000
    ids = result.rows.column("id").to_pylist()
    assert len(set(ids)) == len(ids)
    for meta in result.rows.column("meta").to_pylist():
        assert isinstance(json.loads(meta), dict)


@settings(max_examples=max(10, FUZZ_EXAMPLES // 4), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=hs.lists(records, min_size=1, max_size=8))
def test_fuzzed_records_round_trip_through_the_store(tmp_path_factory, rows):
    folder = tmp_path_factory.mktemp("fuzzstore")
    path = folder / "r.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8",
                    errors="surrogatepass")
    ds = Workspace(folder / "ws").dataset("f", create=True)
    expected = [t for t in (_expected_text(r) for r in rows) if t is not None]
    try:
        first = ingest_into(ds, path, spec=TextSpec(column="text"))
    except IngestError:
        assert not expected
        assert ds.count() == 0 and not Workspace(folder / "ws").list_datasets()
        return
    assert ds.read_rows(["text"]).column("text").to_pylist() == expected
    assert first.source_info["added"] == len(expected)
    assert ingest_into(ds, path, spec=TextSpec(column="text")).source_info["added"] == 0
    for meta, record in zip(ds.read_rows(["meta"]).column("meta").to_pylist(),
                            [r for r in rows if _expected_text(r) is not None]):
        stored = json.loads(meta)
        assert set(stored) == set(record) - {"text"}
        for key, value in record.items():
            if key != "text":
                value = None if isinstance(value, float) and math.isnan(value) else value
                assert json.dumps(stored[key]) == json.dumps(value)
