"""Checks page (AppTest): run a check in the background, each check's count in the summary, the map coloured
by it, the flagged rows to read with data markup inert, one undoable exclusion, a slice per language."""
from __future__ import annotations

import time

import pytest

from mixmap.core.checks.dataset import decontaminate, find_dataset_pii, identify_dataset_languages
from mixmap.core.curate.slices import load_slices
from mixmap.core.store.marks import read_marks
from tests.checks_data import build_checks_dataset
from tests.conftest import open_app

PAGE = "pages/checks.py"


@pytest.fixture
def built(workspace, tmp_path):
    return build_checks_dataset(workspace, tmp_path)


def open_page(ds, monkeypatch, session=None):
    return open_app(ds.workspace.root, monkeypatch, page=PAGE, title="Checks", session=session)


def summary_of(at):
    return at.dataframe[0].value  # the checks table comes first on the page


@pytest.fixture
def checked(built, monkeypatch):
    ds, ref, groups = built
    identify_dataset_languages(ds, n_jobs=1)
    find_dataset_pii(ds, n_jobs=1)
    decontaminate(ds, ref, n_jobs=1)
    return ds, groups


def test_a_check_runs_in_the_background_and_its_count_appears(built, monkeypatch):
    ds, _, groups = built
    at = open_page(ds, monkeypatch)
    table = summary_of(at)
    assert list(table["checked"]) == ["not run"] * 3 and "No check has run" in at.info[0].value
    at.button(key="checks.run_pii").click().run()
    assert not at.exception, [e.value for e in at.exception]
    deadline = time.time() + 60
    while not ds.has_frame("pii") and time.time() < deadline:
        time.sleep(0.1)
    time.sleep(0.5)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    table = summary_of(at).set_index("check")
    assert table.loc["Personal data and secrets", "rows flagged"] == len(groups["pii"])


def test_every_check_has_its_count_map_and_rows(checked, monkeypatch):
    ds, groups = checked
    at = open_page(ds, monkeypatch)
    table = summary_of(at).set_index("check")
    assert table.loc["Contamination with eval sets", "rows flagged"] == 2
    assert table.loc["Language", "rows flagged"] == 3
    assert table.loc["Personal data and secrets", "rows flagged"] == len(groups["pii"])
    for check, expected in (("decontam", 2), ("langid", 3), ("pii", len(groups["pii"]))):
        at.radio(key="checks.check").set_value(check).run()
        assert not at.exception, [e.value for e in at.exception]
        assert f"**{expected:,}** of {ds.count():,} rows flagged" in at.markdown[-1].value or any(
            f"**{expected:,}** of" in m.value for m in at.markdown)
        assert at.get("plotly_chart"), check


def test_rows_to_read_highlight_matches_and_keep_markup_inert(checked, monkeypatch):
    ds, groups = checked
    at = open_page(ds, monkeypatch, session={"checks.check": "pii"})
    at.number_input(key="checks.rows").set_value(10).run()
    boxes = "\n".join(h.value for h in at.html if "matched:" in h.value)
    assert boxes.count("matched:") == len(groups["pii"])
    assert "<mark" in boxes and "maria.garcia@outlook.com</mark>" in boxes
    assert "&lt;script&gt;" in boxes and "<script" not in boxes and "<b>" not in boxes
    at.radio(key="checks.check").set_value("decontam").run()
    boxes = "\n".join(h.value for h in at.html if "matched:" in h.value)
    assert "eval item evalset:" in boxes and "powerhouse of the cell" in boxes.lower()


def test_exclude_marks_exactly_the_flagged_rows_and_undo(checked, monkeypatch):
    ds, groups = checked
    at = open_page(ds, monkeypatch, session={"checks.check": "pii"})
    at.button(key="checks.exclude").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert {m["id"] for m in read_marks(ds).to_pylist() if m["mark"] == "exclude"} == set(groups["pii"])
    at.button(key="checks.undo").click().run()
    assert not at.exception and read_marks(ds).num_rows == 0


def test_languages_to_keep_and_a_slice_per_language(checked, monkeypatch):
    ds, _ = checked
    at = open_page(ds, monkeypatch, session={"checks.check": "langid"})
    assert at.multiselect(key="checks.keep").value == ["en"]
    at.multiselect(key="checks.keep").set_value(["en", "fr"]).run()
    assert any("**2** of" in m.value for m in at.markdown)
    at.button(key="checks.slices").click().run()
    assert not at.exception, [e.value for e in at.exception]
    slices = load_slices(ds)
    assert {"lang_en", "lang_fr", "lang_zh", "lang_de"} <= set(slices)
    assert slices["lang_fr"] == {"where": ["lang", "=", "fr"]}
