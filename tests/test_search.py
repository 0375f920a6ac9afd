"""Search by words, exact text and meaning: core, CLI and the Map page (AppTest)."""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from mixmap.cli.main import main
from mixmap.core.embed.registry import register_embedder
from mixmap.core.explore.search import SearchError, search_ids, similar_ids
from mixmap.core.store.marks import read_marks
from tests.conftest import open_app, shown_text


def texts_of(ds, ids):
    rows = {r["id"]: r["text"] for r in ds.read_rows(["id", "text"], ids=ids).to_pylist()}
    return [rows[i] for i in ids]


def test_words_finds_rows_with_every_word_best_first(built_dataset):
    ids = search_ids(built_dataset, "telescope nebula", by="words", k=500)
    texts = texts_of(built_dataset, ids)
    rows = built_dataset.read_rows(["text"]).column("text").to_pylist()
    assert 0 < len(ids) == sum("telescope" in t and "nebula" in t for t in rows)  # every such row, no other
    assert all("telescope" in t and "nebula" in t for t in texts)
    top = texts_of(built_dataset, ids[:1])[0]
    assert top.count("telescope") + top.count("nebula") >= 2  # BM25: more matches rank higher


def test_text_is_an_exact_case_insensitive_phrase_with_wildcards_taken_literally(built_dataset):
    ids = search_ids(built_dataset, "TELL ME ABOUT cooking 1", by="text", k=500)
    texts = texts_of(built_dataset, ids)
    assert len(ids) == 11 and all("tell me about cooking 1" in t.lower() for t in texts)  # 1, 10-19
    assert search_ids(built_dataset, "%", by="text") == []  # LIKE wildcards match themselves, not everything
    assert search_ids(built_dataset, "_", by="text") == []
    assert search_ids(built_dataset, "' OR 1=1 --", by="text") == []


def test_meaning_returns_the_k_nearest_rows_of_the_query_topic(built_dataset, fake_embedder):
    ids = search_ids(built_dataset, "budget savings loan debt invest", by="meaning", k=20, embedder=fake_embedder)
    metas = {r["id"]: r["meta"] for r in built_dataset.read_rows(["id", "meta"], ids=ids).to_pylist()}
    finance = sum('"topic": "finance"' in metas[i] for i in ids)
    assert len(ids) == 20 and finance >= 16  # 4 topics: a random 20 would hold about 5


def test_bad_searches_say_what_is_wrong(built_dataset):
    assert search_ids(built_dataset, "   ") == []
    with pytest.raises(SearchError, match="not one of"):
        search_ids(built_dataset, "x", by="regex")
    with pytest.raises(SearchError, match="at most"):
        search_ids(built_dataset, "x" * 2000)
    with pytest.raises(SearchError, match="at least 1"):
        search_ids(built_dataset, "x", k=0)


def test_cli_search_lists_rows_and_ids(built_dataset, fake_embedder):
    register_embedder(fake_embedder)
    root = str(built_dataset.workspace.root)
    runner = CliRunner()
    out = runner.invoke(main, ["--workspace", root, "search", "synth", "orbit galaxy", "--json"])
    assert out.exit_code == 0, out.output
    result = json.loads(out.output)
    assert result["count"] > 0 and result["rows"] and result["by"] == "words"
    ids = runner.invoke(main, ["--workspace", root, "search", "synth", "recipe oven bake", "--by", "meaning",
                               "-k", "5", "--ids-only", "--json"])
    assert ids.exit_code == 0, ids.output
    assert ids.output and len(json.loads(ids.output)) == 5
    bad = runner.invoke(main, ["--workspace", root, "search", "synth", "x", "-k", "0"])
    assert bad.exit_code == 1 and "error:" in bad.output


def test_map_page_search_selects_the_hits_and_marks_them(built_dataset, monkeypatch):
    at = open_app(built_dataset.workspace.root, monkeypatch, title="Map")
    at.radio(key="map.search_by").set_value("text").run()
    at.text_input(key="map.search").input("tell me about finance 3").run()
    assert not at.exception, [e.value for e in at.exception]
    assert "11 rows selected (search by text" in at.subheader[0].value
    at.radio(key="map.mark_action").set_value("exclude").run()  # Apply is enabled once an action is picked
    next(b for b in at.button if b.label.startswith("Apply to 11")).click().run()
    marks = read_marks(built_dataset).to_pandas()
    excluded = set(marks.loc[marks["mark"] == "exclude", "id"])
    expected = set(search_ids(built_dataset, "tell me about finance 3", by="text"))
    assert len(expected) == 11 and excluded == expected
    # a search that finds nothing says so instead of showing an empty selection
    at.text_input(key="map.search").input("no such phrase anywhere").run()
    assert any("No rows match" in i.value for i in at.info)


def test_similar_rows_are_the_nearest_to_the_selection_and_exclude_it(built_dataset):
    rows = built_dataset.read_rows(["id", "meta"]).to_pylist()
    space = [r["id"] for r in rows if '"topic": "space"' in r["meta"]]
    picked = space[:10]
    more = similar_ids(built_dataset, picked, k=20)
    assert len(more) == 20 and not set(more) & set(picked)
    assert sum(i in set(space) for i in more) >= 16  # mostly the same topic (4 topics: chance is ~5)
    assert similar_ids(built_dataset, [], k=5) == []


def test_map_page_adds_rows_like_the_selection(built_dataset, monkeypatch):
    at = open_app(built_dataset.workspace.root, monkeypatch, title="Map")
    at.radio(key="map.search_by").set_value("text").run()
    at.text_input(key="map.search").input("tell me about space 3").run()
    at.number_input(key="map.search_k").set_value(15).run()
    at.button(key="map.similar").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert "26 rows selected (11 selected + 15 like them)" in shown_text(at.subheader[0].value)


def test_build_keeps_the_full_text_index_current(built_dataset, fake_embedder, tmp_path):
    from mixmap.core.build.pipeline import build_dataset
    from mixmap.core.ingest.files import ingest_into
    from tests.conftest import write_jsonl

    def stats():
        tbl = built_dataset._open("rows")
        fts = [i for i in tbl.list_indices() if i.index_type == "FTS"]
        return tbl.index_stats(fts[0].name) if fts else None

    assert stats() is not None and stats().num_unindexed_rows == 0  # built with the map, before any search
    ingest_into(built_dataset, write_jsonl(tmp_path / "more.jsonl", [{"text": f"zeppelin row {i}"} for i in range(4)]))
    assert stats().num_unindexed_rows == 4
    assert len(search_ids(built_dataset, "zeppelin")) == 4  # unindexed rows are searched too
    result = build_dataset(built_dataset, fake_embedder)
    assert stats().num_unindexed_rows == 0 and "index" in result["seconds"]
    assert len(search_ids(built_dataset, "zeppelin")) == 4


def test_picking_a_search_mode_before_typing_keeps_the_map_selection(built_dataset, monkeypatch):
    layout = built_dataset.read_frame("layout").to_pandas()
    box = {"x": [layout["x"].min() - 1, layout["x"].max() + 1], "y": [layout["y"].min() - 1, layout["y"].max() + 1]}
    at = open_app(built_dataset.workspace.root, monkeypatch, title="Map",
                  session={"map.selection": {"points": [], "box": [box], "lasso": []}})
    assert at.subheader[0].value.startswith("160 rows selected (map selection)")
    at.radio(key="map.search_by").set_value("meaning").run()
    assert at.subheader[0].value.startswith("160 rows selected (map selection)")
    at.text_input(key="map.search").input("tell me about space 3").run()
    at.radio(key="map.search_by").set_value("text").run()  # a new mode reruns the search
    assert at.subheader[0].value.startswith("11 rows selected (search by text")
    at.text_input(key="map.search").input("").run()  # clearing the box ends the search
    assert not at.subheader
