"""Issue 14, the root: one owner per piece of state, derived frames that know what they came from.

Regression tests for defects 5-8 (each failed on main before the fix): concurrent stages losing meta.json
writes, a crash between the marks log and the marks table shipping excluded rows, a model switch keeping the
old map, and new rows re-clustering / moving the map.
"""
from __future__ import annotations

import json
import threading

import numpy as np
import pytest

from mixmap.core.ingest.files import ingest_into
from mixmap.core.store.workspace import Workspace
from tests.conftest import write_jsonl


def test_concurrent_stages_lose_no_meta_writes(tmp_path):
    """Defect 7: 30 ingests of 30 files, each racing another stage recording its summary, keep all 60 records."""
    from mixmap.core.checks.dataset import _remember

    files = [write_jsonl(tmp_path / f"part{i}.jsonl", [{"text": f"row {i} a"}, {"text": f"row {i} b"}])
             for i in range(30)]
    root = tmp_path / "ws"
    ingest_into(Workspace(root).dataset("d", create=True), write_jsonl(tmp_path / "seed.jsonl", [{"text": "seed"}]))
    barrier = threading.Barrier(60)
    errors: list[BaseException] = []

    def ingest(path):
        try:
            barrier.wait()
            ingest_into(Workspace(root).dataset("d"), path)
        except BaseException as exc:  # noqa: BLE001  (reported below)
            errors.append(exc)

    def record(i):
        try:
            barrier.wait()
            _remember(Workspace(root).dataset("d"), f"check{i}", {"rows": i})
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=ingest, args=(p,)) for p in files]
    threads += [threading.Thread(target=record, args=(i,)) for i in range(30)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    meta = Workspace(root).dataset("d").meta
    assert len(meta["sources"]) == 31
    assert sorted(meta["checks"]) == sorted(f"check{i}" for i in range(30))
    assert Workspace(root).dataset("d").count() == 61


def test_a_crash_between_log_and_table_never_ships_excluded_rows(tmp_path, monkeypatch):
    """Defect 8: the marks log took the exclude, the marks table did not (killed in between): export, the
    slices and read_marks still see the exclude, before any writer repairs the table."""
    from mixmap.core.export.write import export_rows
    from mixmap.core.store.marks import apply_marks, read_marks
    from mixmap.core.store.tables import Dataset

    ds = Workspace(tmp_path / "ws").dataset("d", create=True)
    ingest_into(ds, write_jsonl(tmp_path / "rows.jsonl", [{"text": f"row {i}"} for i in range(6)]))
    ids = ds.read_rows(["id"]).column("id").to_pylist()
    apply_marks(ds, ids[:1], mark="include", add_tags=["kept"])

    def killed(self, batch):
        raise KeyboardInterrupt("killed between the log append and the marks upsert")

    monkeypatch.setattr(Dataset, "upsert_marks", killed)
    with pytest.raises(KeyboardInterrupt):
        apply_marks(ds, ids[:3], mark="exclude")
    monkeypatch.undo()
    fresh = Workspace(tmp_path / "ws").dataset("d")
    assert dict(zip(*read_marks(fresh).select(["id", "mark"]).to_pydict().values())) == {i: "exclude" for i in ids[:3]}
    assert read_marks(fresh, ids=ids[:1]).column("tags").to_pylist() == [["kept"]]
    export_rows(fresh, tmp_path / "out.jsonl")
    exported = [json.loads(line)["id"] for line in (tmp_path / "out.jsonl").read_text().splitlines()]
    assert exported == ids[3:]


def _frame(ds, kind: str, column: str) -> dict:
    table = ds.read_frame(kind)
    return dict(zip(table.column("id").to_pylist(), table.column(column).to_pylist()))


def _layout(ds) -> dict:
    table = ds.read_frame("layout")
    return {i: (x, y) for i, x, y in zip(*table.select(["id", "x", "y"]).to_pydict().values())}


def test_switching_the_model_remakes_the_map_and_clusters(workspace, rows_file, tmp_path):
    """Defect 5: `build --fast` then `build` with another model must not keep the first model's map and
    clusters, nor place later rows with a reducer fitted on the first model's vectors; exports name the
    model that made the map, and refuse frames made from other vectors than the current ones."""
    from mixmap.core.build.pipeline import build_dataset
    from mixmap.core.embed.protocol import model_key
    from mixmap.core.embed.stage import embed_dataset
    from mixmap.core.errors import StoreError
    from mixmap.core.explore.view import map_frame
    from mixmap.core.export.write import export_rows
    from tests.conftest import FakeEmbedder, OtherFakeEmbedder

    ds = workspace.dataset("switched", create=True)
    fresh = workspace.dataset("fresh", create=True)  # built with the second model only
    for d in (ds, fresh):
        ingest_into(d, rows_file)
    build_dataset(ds, FakeEmbedder())
    for d in (ds, fresh):
        build_dataset(d, OtherFakeEmbedder())
    assert _layout(ds) == _layout(fresh)
    assert _frame(ds, "clusters", "cluster") == _frame(fresh, "clusters", "cluster")
    later = write_jsonl(tmp_path / "later.jsonl", [{"text": "oven bake flour sugar"}, {"text": "planet orbit moon"}])
    for d in (ds, fresh):
        ingest_into(d, later)
        build_dataset(d, OtherFakeEmbedder())
    assert _layout(ds) == _layout(fresh)  # placed by the reducer fitted on the second model's vectors
    manifest = export_rows(ds, tmp_path / "out.jsonl")
    assert manifest["model"] == OtherFakeEmbedder.name
    assert manifest["derived_from"]["clusters"]["model_key"] == model_key(OtherFakeEmbedder.name)
    embed_dataset(ds, FakeEmbedder())  # vectors switched back without a build: the map is now behind them
    with pytest.raises(StoreError, match="mixmap build switched"):
        export_rows(ds, tmp_path / "stale.jsonl")
    assert not (tmp_path / "stale.jsonl").exists()
    with pytest.raises(StoreError, match="were made from"):
        map_frame(ds)  # the map page and report cards read it: refused too
    assert build_dataset(ds, FakeEmbedder())["project"]["refit"]
    assert export_rows(ds, tmp_path / "again.jsonl")["model"] == FakeEmbedder.name


def test_new_rows_join_clusters_and_a_recluster_is_explicit(built_dataset, tmp_path):
    """Defect 6: a slice saved as `cluster = 2` keeps its rows after new rows are built (they join clusters
    by the 10-nn vote; no point moves); `--recluster` is logged and the slice then says its ids changed."""
    from mixmap.core.build.pipeline import build_dataset
    from mixmap.core.curate.mixes import build_mix, load_mix, save_mix
    from mixmap.core.curate.slices import MixError, save_slice, slice_ids
    from tests.conftest import FakeEmbedder

    ds = built_dataset
    save_slice(ds, "c2", {"where": ["cluster", "=", 2]})
    save_mix(ds, {"name": "m2", "components": [{"name": "two", "slice": {"where": ["cluster", "=", 2]}, "rows": 5}]})
    before_ids = slice_ids(ds, {"slice": "c2"})
    clusters, layout = _frame(ds, "clusters", "cluster"), _layout(ds)
    assert before_ids
    ingest_into(ds, write_jsonl(tmp_path / "more.jsonl", [
        {"text": "recipe oven bake flour sugar butter dough"}, {"text": "planet star orbit galaxy telescope moon"}]))
    result = build_dataset(ds, FakeEmbedder())
    assert set(before_ids) <= set(slice_ids(ds, {"slice": "c2"}))
    after = _frame(ds, "clusters", "cluster")
    assert {i: after[i] for i in clusters} == clusters
    assert {i: p for i, p in _layout(ds).items() if i in layout} == layout
    assert len(after) == len(clusters) + 2
    assert result["cluster"]["reclustered"] is False and result["cluster"]["joined"] == 2
    assert build_mix(ds, load_mix(ds, "m2")).ids  # the same clustering: the mix still builds
    again = build_dataset(ds, FakeEmbedder(), recluster=True)["cluster"]
    assert again["reclustered"] and again["clustering"] == 2
    history = ds.meta["cluster_history"]
    assert [(e["clustering"], e["reason"]) for e in history] == [(1, "first clustering"), (2, "asked (--recluster)")]
    with pytest.raises(MixError, match="re-clustered since"):
        slice_ids(ds, {"slice": "c2"})
    with pytest.raises(MixError, match="cluster ids changed"):
        build_mix(ds, load_mix(ds, "m2"))
    save_slice(ds, "c2", {"where": ["cluster", "=", 2]})  # saved again: it means the new cluster 2
    assert set(slice_ids(ds, {"slice": "c2"})) == {i for i, c in _frame(ds, "clusters", "cluster").items() if c == 2}


def test_adding_rows_to_the_bundled_sample_moves_no_point(tmp_path):
    """Defect 6: the sample ships no fitted reducer; two new rows are placed by their nearest rows on the
    stored map and join its clusters: none of the 2,000 points moves and no cluster changes."""
    from mixmap.core.build.pipeline import build_dataset
    from mixmap.core.embed.protocol import DEFAULT_MODEL
    from mixmap.core.ingest.sample import install_sample

    ws = Workspace(tmp_path / "ws")
    assert install_sample(ws)["prebuilt"]
    ds = ws.dataset("sample")
    assert not ds.has_reducer()
    layout, clusters = _layout(ds), _frame(ds, "clusters", "cluster")
    _, vectors = ds.read_vectors()

    class LikeMiniLM:  # stands in for MiniLM on two new rows: near the first sample row
        name, dim = DEFAULT_MODEL, vectors.shape[1]

        def embed(self, texts):
            return np.stack([vectors[0] + 0.01 * (i + 1) for i in range(len(texts))]).astype(np.float32)

    ingest_into(ds, write_jsonl(tmp_path / "two.jsonl", [{"text": "a new row"}, {"text": "another new row"}]))
    result = build_dataset(ds, LikeMiniLM())
    assert {i: p for i, p in _layout(ds).items() if i in layout} == layout
    assert result["project"] == {"placed": 2, "total": 2002, "strategy": "knn on the stored layout", "refit": False}
    after = _frame(ds, "clusters", "cluster")
    assert {i: after[i] for i in clusters} == clusters and len(after) == 2002


def test_meta_json_has_one_writer():
    """The root of defect 7: no module outside the store names meta.json, and the store writes it in one place
    (Dataset.edit_meta); a stage changes meta only through edit_meta / update_meta."""
    from tests.conftest import ROOT

    outside = [p for folder in ("core", "cli", "ui", "pages") for p in (ROOT / folder).rglob("*.py")
               if "meta.json" in p.read_text(encoding="utf-8") and p.parent.name != "store"]
    assert outside == []
    writers = [(p.name, line.strip()) for p in (ROOT / "core" / "store").glob("*.py")
               for line in p.read_text(encoding="utf-8").splitlines() if "meta.json\", meta" in line]
    assert writers == [("manifest.py", 'write_json_atomic(self.dir / "meta.json", meta)')]  # inside edit_meta


def test_signals_scored_before_rows_were_added_are_refused(tmp_path):
    """The root, for signals: a slice on slop_score or an export with signals after rows were added since
    scoring is refused with the command to run, instead of silently treating the new rows as unscored."""
    from mixmap.core.curate.slices import slice_ids
    from mixmap.core.errors import StoreError
    from mixmap.core.export.write import export_rows
    from mixmap.core.quality.dataset import score_dataset

    ds = Workspace(tmp_path / "ws").dataset("d", create=True)
    ingest_into(ds, write_jsonl(tmp_path / "a.jsonl", [{"text": f"a plain answer number {i} about bread"} for i in range(6)]))
    score_dataset(ds)
    assert len(slice_ids(ds, {"where": ["slop_score", ">=", 0]})) == 6
    ingest_into(ds, write_jsonl(tmp_path / "b.jsonl", [{"text": "As an AI language model, I delve into it."}]))
    with pytest.raises(StoreError, match="mixmap score d"):
        slice_ids(ds, {"where": ["slop_score", ">=", 0]})
    with pytest.raises(StoreError, match="cover 6 rows but it has 7"):
        export_rows(ds, tmp_path / "out.jsonl", extra_frames=("clusters", "signals"))
    score_dataset(ds)
    assert len(slice_ids(ds, {"where": ["slop_score", ">=", 0]})) == 7
