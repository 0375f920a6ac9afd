"""Quality page (AppTest): score in the background, the planted slop cluster ranks first, drill-in highlights
matched phrases with data text escaped, excluding a cluster marks exactly its rows, teaching adds a score."""
from __future__ import annotations

import time

import pytest
from streamlit.testing.v1 import AppTest

from mixmap.core.quality.dataset import score_dataset
from mixmap.core.store.marks import read_marks
from tests.conftest import open_app, shown_text
from tests.quality_data import SLOP_CLUSTER, build_planted, write_planted

PAGE = "pages/quality.py"


@pytest.fixture
def planted(workspace, tmp_path):
    return build_planted(workspace, write_planted(tmp_path))


def open_page(ds, monkeypatch) -> AppTest:
    return open_app(ds.workspace.root, monkeypatch, page=PAGE, title="Quality")


@pytest.fixture
def page(planted, monkeypatch):
    ds, _ = planted
    score_dataset(ds, n_jobs=1)
    return open_page(ds, monkeypatch)


def metric(at, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def test_score_button_runs_a_background_job(planted, monkeypatch):
    ds, _ = planted
    at = open_page(ds, monkeypatch)
    assert not at.metric and "not scored yet" in at.info[0].value
    at.button(key="quality.score").click().run()
    assert not at.exception, [e.value for e in at.exception]
    deadline = time.time() + 60
    while not ds.has_frame("signals") and time.time() < deadline:
        time.sleep(0.1)
    time.sleep(0.5)  # let the job record itself as done
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert metric(at, "Rows scored") == f"{ds.count():,}"


def test_clusters_are_ranked_and_the_threshold_moves_the_share(page, planted):
    _, groups = planted
    table = page.dataframe(key="quality.clusters").value
    assert table.iloc[0]["cluster"] == SLOP_CLUSTER and table.iloc[0]["size"] == len(groups["slop"])
    assert table.iloc[-1]["cluster"] == -1
    assert table.iloc[0]["why"] and table.iloc[0]["phrases"]
    above = metric(page, "Above threshold")
    page.slider(key="quality.threshold").set_value(0.0).run()
    assert not page.exception
    assert metric(page, "Above threshold") != above
    page.radio(key="quality.rank_by").set_value("share").run()
    assert not page.exception and page.dataframe(key="quality.clusters").value.iloc[0]["cluster"] == SLOP_CLUSTER


def test_colour_by_signals(page):
    box = page.selectbox(key="quality.color_by")
    assert box.options[0] == "slop_score" and "n_words" in box.options and "cluster" in box.options
    for option in ("n_words", "cluster", "gopher_pass"):
        page.selectbox(key="quality.color_by").set_value(
            "cluster_label" if option == "cluster" else option).run()
        assert not page.exception, option


def test_drill_in_highlights_phrases_and_keeps_markup_inert(page, planted):
    _, groups = planted
    page.session_state["quality.cluster_pick"] = SLOP_CLUSTER
    page.run()
    assert not page.exception, [e.value for e in page.exception]
    assert shown_text(page.subheader[-1].value).startswith(f"{len(groups['slop'])} rows selected (cluster {SLOP_CLUSTER}:")
    page.number_input(key="quality.examples").set_value(len(groups["slop"])).run()
    boxes = [h.value for h in page.html if "matched:" in h.value]
    assert len(boxes) == len(groups["slop"])
    joined = "\n".join(boxes)
    assert "<mark" in joined and "As an AI language model</mark>" in joined
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in joined or "&lt;script&gt;" in joined
    assert "<script" not in joined and "<img" not in joined  # data markup never becomes an element
    assert "**bold**" in joined  # markdown in data is shown as typed
    phrases = next(d.value for d in page.dataframe if "phrase" in d.value.columns)
    assert len(phrases) and phrases.iloc[0]["count_rest"] == 0


def test_exclude_cluster_marks_exactly_its_rows_and_undo(page, planted):
    ds, groups = planted
    page.session_state["quality.cluster_pick"] = SLOP_CLUSTER
    page.run()
    page.button(key="quality.exclude").click().run()
    assert not page.exception, [e.value for e in page.exception]
    marks = read_marks(ds).to_pylist()
    assert {m["id"] for m in marks if m["mark"] == "exclude"} == set(groups["slop"])
    log = ds.marks_log().to_pylist()
    assert len(log) == 1 and "quality: exclude cluster" in str(log[-1])
    page.button(key="quality.undo").click().run()
    assert not page.exception
    assert not [m for m in read_marks(ds).to_pylist() if m["mark"] == "exclude"]


def test_exclude_a_map_selection(page, planted):
    ds, groups = planted
    layout = ds.read_frame("layout").to_pandas().set_index("id")
    bikes = layout.loc[groups["bikes"]]
    box = {"x": [bikes["x"].min() - 0.01, bikes["x"].max() + 0.01],
           "y": [bikes["y"].min() - 0.01, bikes["y"].max() + 0.01]}
    inside = set(layout[(layout["x"].between(*box["x"])) & (layout["y"].between(*box["y"]))].index)
    page.session_state["quality.selection"] = {"points": [], "box": [box], "lasso": []}
    page.run()
    assert page.subheader[-1].value.startswith(f"{len(inside)} rows selected (map selection)")
    page.button(key="quality.exclude").click().run()
    assert {m["id"] for m in read_marks(ds).to_pylist() if m["mark"] == "exclude"} == inside


def test_teach_it_adds_the_taught_score(page, planted):
    ds, groups = planted
    page.session_state["quality.cluster_pick"] = SLOP_CLUSTER
    page.run()
    page.session_state["quality.labels"] = {groups["slop"][0]: 1, groups["slop"][1]: 1,
                                            groups["bikes"][0]: 0, groups["kitchen"][0]: 0}
    page.run()
    page.button(key="quality.teach").click().run()
    assert not page.exception, [e.value for e in page.exception]
    assert "taught_score" in ds.read_frame("signals").column_names
    page.run()
    assert page.radio(key="quality.column").value == "taught_score"
    assert page.dataframe(key="quality.clusters").value.iloc[0]["cluster"] == SLOP_CLUSTER


def test_highlight_html_escapes_every_piece():
    from mixmap.core.quality.scoring import explain_row
    from mixmap.ui.quality import highlight_html

    text = 'As an AI language model <script>alert(1)</script> it\'s important to note <b>x</b> & "q"'
    out = highlight_html(text, explain_row(text))
    assert "<script" not in out and "<b>" not in out
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in out and "&amp;" in out
    assert out.count("<mark") == 2
    assert highlight_html("a" * 20, [], limit=5).startswith("aaaaa<span")


def test_scored_but_not_mapped_shows_metrics_and_a_build_hint(workspace, tmp_path, monkeypatch):
    from mixmap.core.ingest.files import ingest_into

    ds = workspace.dataset("plain", create=True)
    ingest_into(ds, write_planted(tmp_path))
    score_dataset(ds, n_jobs=1)
    at = open_page(ds, monkeypatch)
    assert metric(at, "Rows scored") == f"{ds.count():,}"
    assert any("Build the map" in i.value for i in at.info)


def test_phrases_can_be_compared_with_another_dataset(planted, monkeypatch, tmp_path):
    from mixmap.core.ingest.files import ingest_into
    from tests.conftest import write_jsonl

    ds, _ = planted
    score_dataset(ds, n_jobs=1)
    lines = [{"text": f"As an AI language model, I can help with question {i}."} for i in range(60)]
    ingest_into(ds.workspace.dataset("chatref", create=True), write_jsonl(tmp_path / "ref.jsonl", lines))
    at = open_app(ds.workspace.root, monkeypatch, page=PAGE, title="Quality", session={"dataset": "qual"})
    at.session_state["quality.cluster_pick"] = SLOP_CLUSTER
    at.run()
    phrases = next(d.value for d in at.dataframe if "phrase" in d.value.columns)
    assert "ai language model" in phrases["phrase"].tolist()
    at.selectbox(key="quality.against").set_value("chatref").run()
    assert not at.exception, [e.value for e in at.exception]
    phrases = next(d.value for d in at.dataframe if "phrase" in d.value.columns)
    assert "ai language model" not in phrases["phrase"].tolist() and len(phrases)


def test_cluster_names_get_a_column_wide_enough_to_show_them_whole():
    import pandas as pd

    from mixmap.ui.quality import text_width

    short, long = pd.Series(["1: a"]), pd.Series(["12: alpha · bravo · charlie · delta", "3: x"])
    assert text_width(short) == 120
    assert text_width(long) >= 7 * len(long[0]) and text_width(long) > text_width(short)
    assert text_width(pd.Series(["w" * 500])) == 560
