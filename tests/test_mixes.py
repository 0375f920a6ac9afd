"""Slices, seeded sampling, mixes, report cards, HF export and byte-identical replay."""
import json
import shutil

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mixmap.core.build.cluster import write_clusters
from mixmap.core.curate.mixes import build_mix, check_recipe, list_mixes, load_mix, parse_component, save_mix
from mixmap.core.curate.report import compare_cards, composition, report_card, structure_flags, vendi_score
from mixmap.core.curate.sampling import (
    farthest_point_order,
    mean_nn_distance,
    random_order,
    stratified_order,
    take,
    weighted_order,
)
from mixmap.core.curate.slices import MixError, load_slices, save_slice, slice_ids
from mixmap.core.embed.stage import embed_dataset
from mixmap.core.errors import MixmapError
from mixmap.core.export.mix import export_mix
from mixmap.core.export.replay import replay_manifest
from mixmap.core.export.write import export_rows, manifest_path
from mixmap.core.ingest.files import ingest_into
from mixmap.core.store.marks import apply_marks, marks_version, read_marks
from mixmap.core.store.workspace import Workspace
from tests.conftest import TOPICS, FakeEmbedder, synthetic_rows, write_jsonl


def fast_build(workspace, rows_file, name="synth"):
    """Ingest + fake-embed + clusters = planted topic: the parts mixes need, without UMAP's cost."""
    ds = workspace.dataset(name, create=True)
    ingest_into(ds, rows_file)
    embed_dataset(ds, FakeEmbedder())
    rows = ds.read_rows(["id", "meta"]).to_pylist()
    topics = sorted(TOPICS)
    labels = np.array([topics.index(json.loads(r["meta"])["topic"]) for r in rows])
    write_clusters(ds, [r["id"] for r in rows], labels, {i: [t] for i, t in enumerate(topics)})
    return ds


@pytest.fixture(scope="module")
def mixds(tmp_path_factory):
    root = tmp_path_factory.mktemp("mixes")
    return fast_build(Workspace(root / "ws"), write_jsonl(root / "rows.jsonl", synthetic_rows(60)))


def ids_of(ds, topic):
    return {r["id"] for r in ds.read_rows(["id", "meta"]).to_pylist() if json.loads(r["meta"])["topic"] == topic}


# ---- sampling ---------------------------------------------------------------------------------------------
@settings(max_examples=60, deadline=None)
@given(sizes=st.lists(st.integers(1, 60), min_size=1, max_size=7), cap=st.integers(1, 40), floor=st.integers(0, 15),
       k=st.integers(0, 200), seed=st.integers(0, 2**16), equal=st.booleans())
def test_stratified_respects_every_cap_and_floor(sizes, cap, floor, k, seed, equal):
    labels = np.repeat(np.arange(len(sizes)), sizes)
    order = stratified_order(labels, seed=seed, cap=cap, floor=floor, allocation="equal" if equal else "proportional")
    assert len(set(order.tolist())) == len(order)
    picked = take(order, rows=k)
    counts = np.bincount(labels[picked], minlength=len(sizes))
    assert (counts <= np.minimum(cap, sizes)).all()
    needed = np.minimum(np.minimum(floor, cap), sizes)
    if k >= needed.sum():
        assert (counts >= needed).all()
    assert len(picked) == min(k, int(np.minimum(cap, sizes).sum()))


def test_stratified_per_stratum_caps_and_proportional_shares():
    labels = np.array(["big"] * 600 + ["mid"] * 300 + ["small"] * 100)
    picked = take(stratified_order(labels, seed=1, cap={"big": 200}, floor={"small": 40}), rows=400)
    counts = {v: int((labels[picked] == v).sum()) for v in ("big", "mid", "small")}
    assert counts["big"] == 200 and counts["small"] >= 40 and sum(counts.values()) == 400
    proportional = take(stratified_order(labels, seed=1), rows=100)
    assert {v: int((labels[proportional] == v).sum()) for v in ("big", "mid", "small")} == {"big": 60, "mid": 30, "small": 10}


def test_strategies_are_seeded():
    assert (random_order(50, seed=3) == random_order(50, seed=3)).all()
    assert not (random_order(50, seed=3) == random_order(50, seed=4)).all()
    w = np.linspace(0, 1, 100)
    assert (weighted_order(w, seed=5) == weighted_order(w, seed=5)).all()
    top = weighted_order(w, seed=5)[:20]
    assert w[top].mean() > 0.6 and 0 not in top.tolist()[:99]  # zero weight goes last


def planted_vectors(seed: int, sizes=(600, 300, 150, 80, 40, 20, 10, 5), dim: int = 16) -> np.ndarray:
    """Text-like structure: skewed topics, each made of sub-topics, each of near-duplicates."""
    rng = np.random.default_rng(seed)
    parts = []
    for centre, n in zip(rng.normal(size=(len(sizes), dim)), sizes):
        subs = centre + 0.5 * rng.normal(size=(max(1, n // 10), dim))
        parts.append(subs[rng.integers(len(subs), size=n)] + 0.05 * rng.normal(size=(n, dim)))
    return np.vstack(parts)


def test_diversity_beats_random_on_mean_nearest_neighbour_distance():
    sizes = (600, 300, 150, 80, 40, 20, 10, 5)
    for seed in range(5):
        vectors = planted_vectors(seed, sizes)
        diverse = list(take(farthest_point_order(vectors, seed=seed), rows=60))
        random = take(random_order(len(vectors), seed=seed), rows=60)
        assert mean_nn_distance(vectors[diverse]) > 1.5 * mean_nn_distance(vectors[random])
        topics = {int(np.searchsorted(np.cumsum(sizes), i, side="right")) for i in diverse}
        assert topics == set(range(len(sizes)))  # even the 5-row topic is reached


def test_token_quota_takes_rows_that_fit():
    counts = np.array([50, 10, 10, 100, 10, 10])
    assert take(range(6), tokens=35, token_counts=counts) == [1, 2, 4]
    assert take(range(6), rows=2, tokens=1000, token_counts=counts) == [0, 1]


# ---- slices -----------------------------------------------------------------------------------------------
def test_slices_filter_search_and_combine(mixds):
    python = ids_of(mixds, "python")
    assert set(slice_ids(mixds, {"where": ["topic", "=", "python"]})) == python  # metadata column
    assert set(slice_ids(mixds, {"where": ["cluster", "=", sorted(TOPICS).index("python")]})) == python  # frame
    assert set(slice_ids(mixds, {"fts": "python"})) == python  # native full-text index ("Tell me about python i")
    assert set(slice_ids(mixds, {"semantic": "python function class import", "k": 30}, embedder=FakeEmbedder())) <= python
    both = {"or": [{"where": ["topic", "=", "python"]}, {"where": ["topic", "in", ["space"]]}]}
    assert set(slice_ids(mixds, both)) == python | ids_of(mixds, "space")
    assert set(slice_ids(mixds, {"and": [both, {"not": {"fts": "python"}}]})) == ids_of(mixds, "space")
    picked = sorted(python)[:3]
    assert set(slice_ids(mixds, {"ids": picked})) == set(picked)
    assert len(slice_ids(mixds, {"where": ["row_index", "between", [1, 10]]})) == 10


def test_saved_slices_refer_to_each_other_and_loops_are_refused(mixds):
    save_slice(mixds, "py", {"where": ["topic", "=", "python"]})
    save_slice(mixds, "not-py", {"not": {"slice": "py"}})
    assert set(slice_ids(mixds, {"slice": "not-py"})) == set(slice_ids(mixds, {"all": True})) - ids_of(mixds, "python")
    with pytest.raises(MixError, match="refers to itself|loop"):
        save_slice(mixds, "py", {"slice": "not-py"})
    assert load_slices(mixds)["py"] == {"where": ["topic", "=", "python"]}


def test_user_input_is_quoted_or_refused(mixds):
    assert slice_ids(mixds, {"where": ["source", "=", "' OR 1=1 --"]}) == []
    assert slice_ids(mixds, {"where": ["text", "contains", "%' OR '1'='1"]}) == []
    for bad in ({"where": ["meta; DROP", "=", 1]}, {"where": ["source", "LIKE", "x"]}, {"fts": ""}, {"nope": 1},
                {"and": []}, {"slice": "../x"}):
        with pytest.raises(Exception) as info:
            slice_ids(mixds, bad)
        assert "MixmapError" in [c.__name__ for c in type(info.value).__mro__], bad


def test_marks_columns_in_slices(mixds):
    ids = sorted(ids_of(mixds, "finance"))[:4]
    apply_marks(mixds, ids[:2], mark="exclude", add_tags=["check"])
    try:
        assert set(slice_ids(mixds, {"where": ["mark", "=", "exclude"]})) == set(ids[:2])
        assert set(slice_ids(mixds, {"where": ["tags", "=", "check"]})) == set(ids[:2])
    finally:
        from mixmap.core.store.marks import undo

        undo(mixds)


# ---- mixes ------------------------------------------------------------------------------------------------
RECIPE = {
    "name": "m1", "seed": 7, "budget": {"tokens": 2500},
    "components": [
        {"name": "py", "slice": {"where": ["topic", "=", "python"]}, "strategy": "diversity", "rows": 12},
        {"name": "rest", "slice": {"not": {"where": ["topic", "=", "python"]}},
         "strategy": {"kind": "stratified", "cap": 10, "floor": 3}, "weight": 2},
        {"name": "late", "slice": {"all": True}, "strategy": "random", "weight": 1},
    ],
}


def test_mix_components_quotas_and_budget(mixds):
    result = build_mix(mixds, RECIPE)
    comps = {c["name"]: c for c in result.components}
    assert comps["py"]["rows"] == 12 and set(result.ids) >= {i for i, c in result.component_of.items() if c == "py"}
    assert len(result.ids) == len(set(result.ids)) == sum(c["rows"] for c in result.components)
    rest = [i for i, c in result.component_of.items() if c == "rest"]
    assert not set(rest) & ids_of(mixds, "python")
    per_topic = {t: len(set(rest) & ids_of(mixds, t)) for t in TOPICS if t != "python"}
    assert all(3 <= n <= 10 for n in per_topic.values())
    assert result.tokens <= 2500 and result.tokens == sum(c["tokens"] for c in result.components)
    assert build_mix(mixds, RECIPE).ids == result.ids  # seeded: same recipe, same rows
    other = build_mix(mixds, {**RECIPE, "seed": 8})
    assert other.ids != result.ids


def test_mix_respects_marks_and_recipe_errors(mixds):
    excluded = sorted(ids_of(mixds, "space"))[:30]
    apply_marks(mixds, excluded, mark="exclude")
    try:
        everything = {"name": "all", "components": [{"slice": {"all": True}}]}
        assert not set(build_mix(mixds, everything).ids) & set(excluded)
        assert set(build_mix(mixds, {**everything, "marked": "any"}).ids) >= set(excluded)
        pinned = build_mix(mixds, {**everything, "marks_version": marks_version(mixds) - 1})
        assert set(pinned.ids) >= set(excluded)  # the marks as they were before
    finally:
        from mixmap.core.store.marks import undo

        undo(mixds)
    for bad, says in (({"name": "x", "components": []}, "at least one component"),
                      ({"name": "x", "components": [{"weight": 1}]}, "budget"),
                      ({"name": "x", "components": [{"rows": 1, "tokens": 2}]}, "not rows and tokens"),
                      ({"name": "x", "components": [{"strategy": "magic"}]}, "strategy must be one of"),
                      ({"name": "bad name", "components": [{}]}, "is not allowed")):
        with pytest.raises(MixmapError, match=says):
            check_recipe(bad)


def test_saved_mixes_and_cli_component_shorthand(mixds):
    comp = parse_component("name=a,slice=py,strategy=stratified,rows=20,cap=4,floor=1,by=cluster")
    assert comp == {"name": "a", "slice": "py", "rows": "20", "strategy": {"kind": "stratified", "cap": 4, "floor": 1, "by": "cluster"}}
    save_slice(mixds, "py", {"where": ["topic", "=", "python"]})
    save_mix(mixds, {"name": "saved", "components": [comp]})
    assert "saved" in list_mixes(mixds) and load_mix(mixds, "saved")["components"][0]["rows"] == 20
    assert len(build_mix(mixds, load_mix(mixds, "saved")).ids) == 4  # one cluster, capped at 4


def test_report_card_and_composition(mixds):
    card = report_card(mixds)
    assert card["rows"] == 240 and card["quality"] == "n/a" and card["relevance"] == "n/a"
    assert card["diversity"]["effective_clusters"] == pytest.approx(4.0)
    python_only = report_card(mixds, sorted(ids_of(mixds, "python")))
    assert python_only["diversity"]["effective_clusters"] == pytest.approx(1.0)
    assert python_only["diversity"]["vendi"] < card["diversity"]["vendi"]
    side = compare_cards({"all": card, "python": python_only})
    assert {"metric": "diversity.effective_clusters", "all": 4.0, "python": 1.0} in side
    comp = composition(mixds, sorted(ids_of(mixds, "python")))
    python_row = next(r for r in comp if r["by"] == "cluster" and r["value"].endswith("python"))
    assert python_row["before"] == 60 and python_row["after"] == 60 and python_row["after_share"] == 1.0


def test_structure_heuristics_and_vendi():
    flags = structure_flags([
        "First, heat the pan. Then, add oil. Finally, fry.",
        "Items:\n- apples\n- pears\n- plums",
        "```python\nprint(1)\n```",
        "user: hi\n\nassistant: hello\n\nuser: how are you?\n\nassistant: fine",
        "A plain sentence.",
    ])
    assert flags.to_numpy().astype(int).tolist() == [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1], [0, 0, 0, 0]]
    assert vendi_score(np.ones((5, 4))) == pytest.approx(1.0)
    assert vendi_score(np.eye(4)) == pytest.approx(4.0)


# ---- export and replay ------------------------------------------------------------------------------------
def test_hf_export_loads_back(mixds, tmp_path):
    import datasets

    manifest = export_mix(mixds, RECIPE, tmp_path / "m_hf", fmt="hf")
    loaded = datasets.load_from_disk(str(tmp_path / "m_hf"))
    assert len(loaded) == manifest["counts"]["rows_exported"] and {"id", "text", "topic", "cluster"} <= set(loaded.column_names)
    again = export_mix(mixds, RECIPE, tmp_path / "m_hf", fmt="hf")  # overwrite in place
    assert again["output"]["sha256"] == manifest["output"]["sha256"]
    assert not list(tmp_path.glob(".*tmp*"))


def test_manifest_holds_the_recipe(mixds, tmp_path):
    save_slice(mixds, "py", {"where": ["topic", "=", "python"]})
    recipe = {**RECIPE, "components": [{**RECIPE["components"][0], "slice": "py"}, *RECIPE["components"][1:]]}
    m = export_mix(mixds, recipe, tmp_path / "m.jsonl")
    saved = json.loads(manifest_path(tmp_path / "m.jsonl").read_text())
    assert saved["kind"] == "mix" and saved["slices"] == {"py": {"where": ["topic", "=", "python"]}}
    assert [c["seed"] for c in saved["recipe"]["components"]] == [7, 8, 9]
    assert saved["marks_version"] == marks_version(mixds) and saved["marks"] == {"include": [], "exclude": [], "tags": {}}
    assert [c["rows"] for c in saved["components"]] == [c["rows"] for c in m["components"]]
    assert saved["sources"][0]["sha256"] and saved["model"] == "fake-bow-16" and saved["tokenizer"].startswith("all-MiniLM")
    assert sum(c["rows"] for c in saved["components"]) == saved["counts"]["rows_exported"] == len(saved["ids"])


@pytest.mark.parametrize("fmt", ["jsonl", "hf"])
def test_replay_is_byte_identical_in_a_fresh_workspace(built_dataset, tmp_path, fmt):
    """Acceptance: export a mix, replay its manifest in a new workspace (re-ingest + build) -> same bytes."""
    ds = built_dataset
    ids = ds.read_rows(["id"]).column("id").to_pylist()
    apply_marks(ds, ids[::9], mark="exclude", message="drop some")
    save_slice(ds, "py", {"fts": "python"})
    recipe = {"name": "r", "seed": 3, "budget": {"rows": 60}, "components": [
        {"name": "py", "slice": "py", "strategy": "diversity", "rows": 15},
        {"name": "rest", "slice": {"not": {"slice": "py"}}, "strategy": {"kind": "stratified", "cap": 12, "floor": 2},
         "weight": 1}]}
    out = tmp_path / ("mix.jsonl" if fmt == "jsonl" else "mix_hf")
    original = export_mix(ds, recipe, out, fmt=fmt)
    first = out.read_bytes() if fmt == "jsonl" else {p.name: p.read_bytes() for p in out.iterdir()}
    apply_marks(ds, ids, mark="exclude", message="later: exclude everything")  # replay must use the manifest's marks
    fresh = Workspace(tmp_path / "fresh")
    result = replay_manifest(fresh, manifest_path(out), out=tmp_path / ("again.jsonl" if fmt == "jsonl" else "again_hf"),
                             embedder=FakeEmbedder())
    assert result["steps"] == ["ingested sources", "built"] and result["identical"], result
    again = tmp_path / ("again.jsonl" if fmt == "jsonl" else "again_hf")
    second = again.read_bytes() if fmt == "jsonl" else {p.name: p.read_bytes() for p in again.iterdir()}
    assert second == first and result["rows"] == original["counts"]["rows_exported"] > 30


def test_replay_of_a_plain_export_and_changed_sources(mixds, tmp_path):
    out = tmp_path / "plain.parquet"
    manifest = export_rows(mixds, out, marked="any")
    shutil.copy(out, tmp_path / "first.parquet")
    result = replay_manifest(mixds.workspace, manifest_path(out))
    assert result["identical"] and (tmp_path / "first.parquet").read_bytes() == out.read_bytes()
    changed = json.loads(manifest_path(out).read_text())
    changed["sources"][0]["sha256"] = "0" * 64
    (tmp_path / "bad.json").write_text(json.dumps(changed))
    with pytest.raises(MixError, match="differs"):
        replay_manifest(mixds.workspace, tmp_path / "bad.json")
    assert manifest["counts"]["rows_exported"] == 240


# ---- pages (AppTest) --------------------------------------------------------------------------------------
@pytest.fixture
def mixes_app(workspace, rows_file, monkeypatch):

    from tests.conftest import open_app

    ds = fast_build(workspace, rows_file)
    return open_app(workspace.root, monkeypatch, page="pages/mixes.py"), ds


def test_mixes_page_builds_saves_and_reports(mixes_app):
    at, ds = mixes_app
    assert at.title[0].value == "Mixes"
    assert at.subheader[0].value.startswith("100 rows")  # the default component: 100 random rows
    at.selectbox(key="mixes.c0.strategy").set_value("stratified").run()
    at.selectbox(key="mixes.c0.quota").set_value("rows").run()
    at.number_input(key="mixes.c0.amount").set_value(40.0).run()
    at.number_input(key="mixes.c0.cap").set_value(7).run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.subheader[0].value.startswith("28 rows")  # 4 clusters x cap 7
    assert any(m.label == "Effective clusters" for m in at.metric)
    save = at.button(key="mixes.save")
    assert save.disabled and "Give the mix a name" in save.help  # disabled, and says why
    assert any("Give the mix a name" in c.value for c in at.caption)
    at.text_input(key="mixes.name").input("capped").run()
    assert not at.button(key="mixes.save").disabled
    assert not any("Give the mix a name" in c.value for c in at.caption)
    at.button(key="mixes.save").click().run()
    assert not at.exception and load_mix(ds, "capped")["components"][0]["strategy"]["cap"] == 7
    at.selectbox(key="mixes.base").set_value("capped").run()
    assert at.number_input(key="mixes.c0.cap").value == 7 and at.subheader[0].value.startswith("28 rows")


def test_mixes_page_saves_a_slice_and_compares(mixes_app):
    at, ds = mixes_app
    at.selectbox(key="mixes.where_column").set_value("topic").run()
    at.text_input(key="mixes.where_value").input("python").run()
    assert any("→ 40 rows" in t.value for t in at.text)
    at.text_input(key="mixes.slice_name").input("py").run()
    at.button(key="mixes.save_slice").click().run()
    assert not at.exception and load_slices(ds)["py"] == {"where": ["topic", "=", "python"]}
    save_mix(ds, {"name": "only-py", "components": [{"slice": "py"}]})
    at.run()
    at.selectbox(key="mixes.right").set_value("only-py").run()
    assert not at.exception, [e.value for e in at.exception]
    side = next(d.value for d in at.dataframe if "metric" in d.value.columns)
    row = side[side["metric"] == "diversity.effective_clusters"].iloc[0]
    assert row["(whole dataset)"] == "4.0" and row["only-py"] == "1.0"


def test_mixes_page_history_undo_redo_and_diff(mixes_app):
    at, ds = mixes_app
    ids = ds.read_rows(["id"]).column("id").to_pylist()
    apply_marks(ds, ids[:5], mark="exclude", message="<b>not html</b>")
    before = read_marks(ds).to_pylist()
    apply_marks(ds, ids[:9], mark="include", add_tags=["t"])
    at.run()
    history = next(d.value for d in at.dataframe if "what" in d.value.columns)
    assert list(history["version"]) == [2, 1] and "<b>not html</b>" in set(history["message"])
    at.button(key="mixes.undo").click().run()
    assert not at.exception and read_marks(ds).to_pylist() == before and marks_version(ds) == 3
    at.button(key="mixes.redo").click().run()
    assert len(read_marks(ds).to_pylist()) == 9
    at.number_input(key="mixes.diff_a").set_value(0).run()
    assert any("9 rows changed" in t.value for t in at.text)
    assert not at.exception


def test_export_page_writes_a_mix_as_hf_folder(mixes_app, tmp_path):
    import datasets

    at, ds = mixes_app
    save_mix(ds, {"name": "small", "seed": 1, "components": [{"strategy": "diversity", "rows": 12}]})
    at.switch_page("pages/export.py").run()
    at.radio(key="export.what").set_value("a saved mix").run()
    at.selectbox(key="export.format").set_value("hf").run()
    out = ds.workspace.root / "exports" / "small_hf"
    at.text_input(key="export.out.hf.synth-small").input("small_hf").run()
    at.button(key="export.go").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert len(datasets.load_from_disk(str(out))) == 12 and "Wrote 12 rows" in at.success[0].value
    at.selectbox(key="export.replay_path").set_value(manifest_path(out).name).run()
    at.button(key="export.replay").click().run()
    assert "Byte-identical" in at.success[-1].value


# ---- CLI ----------------------------------------------------------------------------------------------------
def cli(ws, *args, ok=True):
    from click.testing import CliRunner

    from mixmap.cli.main import main

    result = CliRunner().invoke(main, ["--workspace", str(ws), *args])
    if ok:
        assert result.exit_code == 0, result.output
    return result


def test_cli_history_undo_redo(workspace, rows_file):
    fast_build(workspace, rows_file)
    root = workspace.root
    by_meta = json.loads(cli(root, "mark", "synth", "--where", "topic", "=", "python", "--tag", "py", "--json").output)
    assert by_meta["marked"] == 40  # a metadata column, resolved as a slice
    cli(root, "undo", "synth")
    assert "cannot filter" in cli(root, "mark", "synth", "--where", "row_index", "=", "x", "--exclude", ok=False).output
    cli(root, "slice", "save", "synth", "py", "--where", "topic", "=", "python", "--json")
    marked = json.loads(cli(root, "mark", "synth", "--slice", "py", "--exclude", "-m", "no python", "--json").output)
    assert marked["marked"] == 40 and marked["marks_version"] == 3
    cli(root, "mark", "synth", "--slice", "py", "--tag", "code")
    entries = json.loads(cli(root, "history", "synth", "--json").output)
    assert [e["message"] for e in entries][2:] == ["no python", ""] and entries[3]["what"] == "+code on 40 rows"
    undone = json.loads(cli(root, "undo", "synth", "--json").output)
    assert undone["undo"] == 4 and undone["marks_version"] == 5
    assert json.loads(cli(root, "redo", "synth", "--json").output)["redo"] == 4
    diff = json.loads(cli(root, "history", "synth", "--diff", "2", "6", "--json").output)
    assert diff["changes"] == {"+tag code": 40, "unmarked → exclude": 40}
    assert "v6" in cli(root, "history", "synth").output
    cli(root, "redo", "synth", ok=False)
    failed = cli(root, "redo", "synth", ok=False)
    assert failed.exit_code == 1 and failed.output == "error: nothing to redo in synth\n"


def test_cli_mix_create_show_export_and_replay(workspace, rows_file, tmp_path):
    fast_build(workspace, rows_file)
    root = workspace.root
    cli(root, "slice", "save", "synth", "py", "--fts", "python")
    listed = json.loads(cli(root, "slice", "list", "synth", "--json").output)
    assert listed == [{"slice": "py", "definition": {"fts": "python"}, "describe": 'text matches "python"', "rows": 40}]
    created = json.loads(cli(root, "mix", "create", "synth", "v1", "--component", "name=code,slice=py,strategy=diversity,rows=10",
                             "--component", "name=rest,strategy=stratified,cap=5,weight=1", "--budget-rows", "30",
                             "--seed", "4", "--json").output)
    assert [c["rows"] for c in created["components"]] == [10, 20] and created["rows"] == 30  # 4 clusters x cap 5
    spec = tmp_path / "v2.yaml"
    spec.write_text("seed: 1\nbudget: {tokens: 800}\ncomponents:\n  - {slice: py, strategy: random, weight: 1}\n")
    v2 = json.loads(cli(root, "mix", "create", "synth", "v2", "--spec", str(spec), "--json").output)
    assert 700 < v2["tokens"] <= 800 and v2["tokenizer"].startswith("all-MiniLM-L6-v2")
    assert json.loads(cli(root, "mix", "list", "synth", "--json").output) == ["v1", "v2"]
    shown = json.loads(cli(root, "mix", "show", "synth", "v1", "--json").output)
    assert shown["report"]["diversity"]["clusters_present"] == 4 and shown["composition"][0]["by"] == "source"
    compared = json.loads(cli(root, "mix", "compare", "synth", "v1", "v2", "--json").output)
    assert {"metric": "diversity.clusters_present", "v1": 4, "v2": 1} in compared
    out = tmp_path / "v1.jsonl"
    exported = json.loads(cli(root, "mix", "export", "synth", "v1", "--out", str(out), "--json").output)
    assert exported["counts"]["rows_exported"] == 30 and len(out.read_text().splitlines()) == 30
    first = out.read_bytes()
    cli(root, "mark", "synth", "--where", "source", "=", "synthetic", "--exclude")  # marks change after the export
    replayed = json.loads(cli(root, "export", "--manifest", str(manifest_path(out)), "--json").output)
    assert replayed["identical"] and out.read_bytes() == first
    hf = tmp_path / "hf"
    cli(root, "export", "synth", "--out", str(hf), "--format", "hf", "--marked", "any")
    assert (hf / "dataset_info.json").is_file()
    bad = cli(root, "export", "synth", ok=False)
    assert bad.exit_code == 1 and "--manifest" in bad.output
    assert cli(root, "mix", "show", "synth", "nope", ok=False).output.startswith("error: no mix named 'nope'")


def test_replay_reingests_rows_that_name_their_own_source(tmp_path):
    """Rows carrying a `source` column keep it on re-ingest, so ids (hashes of source + text) match."""
    rows = [dict(r, source=("web", "books")[i % 2]) for i, r in enumerate(synthetic_rows(10))]
    data = write_jsonl(tmp_path / "mixed.jsonl", rows)
    ds = Workspace(tmp_path / "a").dataset("mixed", create=True)
    ingest_into(ds, data)
    recipe = {"name": "web", "seed": 2, "components": [
        {"slice": {"where": ["source", "=", "web"]}, "strategy": "random", "rows": 7},
        {"slice": {"where": ["topic", "in", ["space", "finance"]]}, "strategy": "random", "tokens": 60}]}
    export_mix(ds, recipe, tmp_path / "web.csv", extra_frames=())
    first = (tmp_path / "web.csv").read_bytes()
    result = replay_manifest(Workspace(tmp_path / "b"), manifest_path(tmp_path / "web.csv"), out=tmp_path / "again.csv")
    assert result["steps"] == ["ingested sources"] and result["identical"]
    assert (tmp_path / "again.csv").read_bytes() == first
