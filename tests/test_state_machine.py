"""A model-based test of curation (issue 14): random sequences of ingest (whole, in parts, again, with another
template), mark / undo / redo (also killed between the marks log and table), dedup --apply, build (with model switches and re-clusters), export and replay,
checked after every step against a simple in-memory model of what the dataset should hold.

Checked after every step: no row lost or doubled (the rows are exactly the model's, as (source, text) and
ids), the marks are the model's, the map and clusters hold every built row once and say which model made
them; exports hold exactly the rows the model selects; a replay is byte-identical when nothing it depends
on changed, and otherwise either identical or a clear error, never touching the export, its manifest or
the dataset. Bounded for CI by the "ci" Hypothesis profile (50 examples); bench/bench_state_machine.py runs
the same machine with 1,000 (`HYPOTHESIS_PROFILE=bench` does it here too).
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from mixmap.core.errors import MixmapError
from tests.conftest import FakeEmbedder, OtherFakeEmbedder, PcaReducer

_COMMON = {"deadline": None, "suppress_health_check": list(HealthCheck), "database": None}
settings.register_profile("ci", max_examples=50, stateful_step_count=12, **_COMMON)
settings.register_profile("bench", max_examples=1000, stateful_step_count=12, **_COMMON)
PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "ci")

WORDS = ["oven bake", "flour sugar", "planet orbit", "loan credit", "python loop", "moon rocket"]
TEMPLATES = {"a": "{instruction}\n{output}", "b": "{output}\n{instruction}"}
EMBEDDERS = {"bow16": FakeEmbedder, "bow12": OtherFakeEmbedder}
records = st.lists(st.fixed_dictionaries({"instruction": st.sampled_from(WORDS[:3]), "output": st.sampled_from(WORDS)}),
                   min_size=1, max_size=8)


class KMeans3:
    """A cheap deterministic clusterer (the real default, HDBSCAN on a 5-D UMAP, costs seconds a build)."""

    def fit_predict(self, points):
        from sklearn.cluster import KMeans

        return KMeans(n_clusters=3, n_init=1, random_state=0).fit_predict(points)


def render(record: dict, template: str) -> str:
    return TEMPLATES[template].format(**record)


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


class CurationMachine(RuleBasedStateMachine):
    """The model: files ingested ((path, source) -> texts), rows (id -> (source, text)), marks (id -> (mark,
    tags)) with a linear undo / redo stack, which model made the map, and when each row got its cluster."""

    @initialize()
    def start(self):
        from mixmap.core.store.workspace import Workspace

        self.tmp = Path(tempfile.mkdtemp(prefix="mixmap-sm-"))
        self.ws = Workspace(self.tmp / "ws")
        self.ds = self.ws.dataset("d", create=True)
        self.files: dict[Path, tuple[str | None, str, list[dict]]] = {}  # path -> (--source, template, records)
        self.rows: dict[str, tuple[str, str]] = {}
        self.marks: dict[str, tuple[str, tuple[str, ...]]] = {}
        self.done: list[tuple[list[str], list, list]] = []
        self.undone: list[tuple[list[str], list, list]] = []
        self.vectors_model: str | None = None  # the model of the latest embedding
        self.map_model: str | None = None  # the model the latest build made the map and clusters with
        self.cluster_stamp: dict[str, int] = {}  # id -> build number its cluster value was set at
        self.layout: dict[str, tuple[float, float]] = {}
        self._clusters_then: dict[str, int] = {}
        self.builds = 0
        self.exports: list[dict] = []
        self.counter = 0

    def teardown(self):
        shutil.rmtree(getattr(self, "tmp", "/nonexistent"), ignore_errors=True)

    # ---- helpers ------------------------------------------------------------------------------------
    def _new_path(self, stem: str) -> Path:
        self.counter += 1
        return self.tmp / f"{stem}{self.counter}.jsonl"

    def _ingest(self, path: Path, source: str | None, template: str, recs: list[dict]) -> None:
        from mixmap.core.ingest.files import TextSpec, ingest_into

        before = set(self.rows)
        result = ingest_into(self.ds, path, spec=TextSpec(template=TEMPLATES[template]), source=source)
        stored = self.ds.read_rows(["id", "source", "text"]).to_pydict()
        new = {i: (s, t) for i, s, t in zip(stored["id"], stored["source"], stored["text"]) if i not in before}
        name = source or path.stem
        if path in self.files:
            assert not new and result.source_info["added"] == 0, "a re-ingest of the same file added rows"
            return
        assert Counter(new.values()) == Counter((name, render(r, template)) for r in recs), "ingest lost rows"
        self.files[path] = (source, template, recs)
        self.rows.update(new)

    def _write(self, path: Path, recs: list[dict]) -> Path:
        path.write_text("".join(json.dumps(r) + "\n" for r in recs), encoding="utf-8")
        return path

    def _stale(self) -> bool:
        return self.map_model is not None and self.vectors_model != self.map_model

    # ---- ingest -------------------------------------------------------------------------------------
    @rule(recs=records, template=st.sampled_from(sorted(TEMPLATES)))
    def ingest_whole(self, recs, template):
        path = self._write(self._new_path("file"), recs)
        self._ingest(path, None, template, recs)

    @rule(recs=records, cut=st.integers(0, 6), template=st.sampled_from(sorted(TEMPLATES)), whole_too=st.booleans())
    def ingest_in_parts(self, recs, cut, template, whole_too):
        """Two parts of one file under one --source (the same text may be in both), maybe the whole file too."""
        source = f"split{self.counter}"
        cut = min(cut, len(recs))
        for part in (recs[:cut], recs[cut:]):
            if part:
                self._ingest(self._write(self._new_path("part"), part), source, template, part)
        if whole_too:
            self._ingest(self._write(self._new_path("whole"), recs), source, template, recs)

    @precondition(lambda self: self.files)
    @rule(data=st.data())
    def ingest_again(self, data):
        path = data.draw(st.sampled_from(sorted(self.files)))
        source, template, recs = self.files[path]
        self._ingest(path, source, template, recs)

    @precondition(lambda self: self.files)
    @rule(data=st.data())
    def ingest_with_another_template(self, data):
        """Refused with a clear message, storing nothing (another mapping would add every row again)."""
        from mixmap.core.errors import IngestError
        from mixmap.core.ingest.files import TextSpec, ingest_into

        path = data.draw(st.sampled_from(sorted(self.files)))
        source, template, _ = self.files[path]
        other = "b" if template == "a" else "a"
        with pytest.raises(IngestError, match="would add every row"):
            ingest_into(self.ds, path, spec=TextSpec(template=TEMPLATES[other]), source=source)

    # ---- marks --------------------------------------------------------------------------------------
    @precondition(lambda self: self.rows)
    @rule(data=st.data(), mark=st.sampled_from(["include", "exclude", "", None]), tag=st.sampled_from([None, "t1", "t2"]))
    def mark(self, data, mark, tag):
        from mixmap.core.store.marks import apply_marks

        ids = data.draw(st.lists(st.sampled_from(sorted(self.rows)), min_size=1, max_size=5, unique=True))
        before = [self.marks.get(i, ("", ())) for i in ids]
        after = [(m if mark is None else mark, t if tag is None or tag in t else (*t, tag)) for m, t in before]
        apply_marks(self.ds, ids, mark=mark, add_tags=[tag] if tag else [])
        self._record(ids, before, after)

    @precondition(lambda self: self.rows)
    @rule(data=st.data(), mark=st.sampled_from(["include", "exclude"]))
    def mark_killed_before_the_table(self, data, mark):
        """Killed between the marks-log append and the marks-table upsert: the log is the truth, so the action
        counts (readers replay the log past the table; the next action repairs it)."""
        from mixmap.core.store.marks import apply_marks
        from mixmap.core.store.tables import Dataset

        ids = data.draw(st.lists(st.sampled_from(sorted(self.rows)), min_size=1, max_size=5, unique=True))
        before = [self.marks.get(i, ("", ())) for i in ids]
        real_append, real_upsert, appended = Dataset.append_marks_log, Dataset.upsert_marks, []

        def append(dataset, entry):
            real_append(dataset, entry)
            appended.append(entry)

        def upsert(dataset, batch):  # the repair of an earlier kill runs first, before this action's append
            if appended:
                raise KeyboardInterrupt("killed between the log append and the upsert")
            real_upsert(dataset, batch)

        Dataset.append_marks_log, Dataset.upsert_marks = append, upsert
        try:
            with pytest.raises(KeyboardInterrupt):
                apply_marks(self.ds, ids, mark=mark)
        finally:
            Dataset.append_marks_log, Dataset.upsert_marks = real_append, real_upsert
        self._record(ids, before, [(mark, tags) for _, tags in before])

    def _record(self, ids, before, after):
        self.marks.update(zip(ids, after))
        self.done.append((ids, before, after))
        self.undone.clear()

    @rule(redo=st.booleans())
    def undo_or_redo(self, redo):
        from mixmap.core.store.marks import MarksError
        from mixmap.core.store.marks import redo as redo_marks
        from mixmap.core.store.marks import undo as undo_marks

        stack = self.undone if redo else self.done
        if not stack:
            with pytest.raises(MarksError):
                (redo_marks if redo else undo_marks)(self.ds)
            return
        (redo_marks if redo else undo_marks)(self.ds)
        ids, before, after = stack.pop()
        self.marks.update(zip(ids, after if redo else before))
        (self.done if redo else self.undone).append((ids, before, after))

    @precondition(lambda self: self.rows)
    @rule()
    def dedup_apply(self):
        """Exact duplicates: rows marked include stay, excluded ones stay excluded, each group keeps a row."""
        from mixmap.core.dedup.actions import apply_dedup, group_duplicates
        from mixmap.core.dedup.dataset import compute_duplicate_pairs, pairs_info

        info = pairs_info(self.ds, "exact")
        if info is None or info.get("rows") != self.ds.count():  # as `mixmap dedup` does
            compute_duplicate_pairs(self.ds, method="exact")
        applied = apply_dedup(self.ds, method="exact", grouping=group_duplicates(self.ds, method="exact"))
        now = self._stored_marks()
        changed = [i for i in self.rows if now.get(i, ("", ())) != self.marks.get(i, ("", ()))]
        groups: dict[str, list[str]] = {}
        for i, (_, text) in self.rows.items():
            groups.setdefault(text, []).append(i)
        for i in changed:
            assert self.marks.get(i, ("", ()))[0] == "" and now[i][0] == "exclude", "dedup changed a marked row"
            assert len(groups[self.rows[i][1]]) > 1, "dedup excluded a row that has no copy"
        for members in groups.values():
            kept_before = [i for i in members if self.marks.get(i, ("", ()))[0] != "exclude"]
            kept_after = [i for i in members if now.get(i, ("", ()))[0] != "exclude"]
            assert bool(kept_after) == bool(kept_before), "dedup excluded every copy"
            unmarked = [i for i in kept_after if now.get(i, ("", ()))[0] == ""]
            assert len(members) == 1 or len(unmarked) <= 1, "dedup left two unmarked copies"
        assert applied["marked"] == len(changed)
        if changed:
            self._record(changed, [self.marks.get(i, ("", ())) for i in changed], [now[i] for i in changed])

    # ---- build --------------------------------------------------------------------------------------
    @precondition(lambda self: self.rows)
    @rule(model=st.sampled_from(sorted(EMBEDDERS)), recluster=st.booleans())
    def build(self, model, recluster):
        from mixmap.core.build.pipeline import build_dataset
        from mixmap.core.embed.protocol import model_key

        embedder = EMBEDDERS[model]()
        result = build_dataset(self.ds, embedder, reducer=PcaReducer(), cluster_reducer=PcaReducer(),
                               clusterer=KMeans3(), recluster=recluster)
        self.builds += 1
        event("build: " + ("clusters found (20+ rows)" if len(self.rows) >= 20 else "one cluster (under 20 rows)")
              + (", model switch" if self.map_model not in (None, embedder.name) else ""))
        switched = self.map_model not in (None, embedder.name)
        layout = self._frame("layout", ["x", "y"])
        clusters = self._frame("clusters", ["cluster"])
        assert sorted(layout) == sorted(self.rows) and sorted(clusters) == sorted(self.rows)
        assert self.ds.read_frame("layout").num_rows == len(self.rows) == self.ds.read_frame("clusters").num_rows
        for kind in ("layout", "clusters", "cluster_info"):
            assert self.ds.frame_origin(kind)["model_key"] == model_key(embedder.name)
        assert result["project"]["refit"] == (switched or self.map_model is None)
        if not switched:  # no placed point moves
            assert {i: layout[i] for i in self.layout} == self.layout
        fresh = recluster or switched or self.map_model is None
        assert bool(result["cluster"] and result["cluster"]["reclustered"]) == fresh
        if not fresh:  # clustered rows keep their cluster; new rows joined
            assert {i: clusters[i] for i in self.cluster_stamp} == self._clusters_then
        for i in self.rows:
            if fresh or i not in self.cluster_stamp:
                self.cluster_stamp[i] = self.builds
        self.layout, self._clusters_then = layout, clusters
        self.vectors_model = self.map_model = embedder.name

    @precondition(lambda self: self.map_model is not None)
    @rule()
    def build_with_the_other_model(self):
        """`build --fast` then `build`: the switch the issue found keeping the old map."""
        self.build(next(k for k, e in EMBEDDERS.items() if e.name != self.map_model), recluster=False)

    @precondition(lambda self: self.rows)
    @rule(model=st.sampled_from(sorted(EMBEDDERS)))
    def embed_only(self, model):
        """Vectors of another model without a build: exports then refuse the old map until the next build."""
        from mixmap.core.embed.stage import embed_dataset

        embed_dataset(self.ds, EMBEDDERS[model]())
        self.vectors_model = EMBEDDERS[model].name

    # ---- export and replay --------------------------------------------------------------------------
    @precondition(lambda self: self.rows)  # (`mixmap export` needs an existing dataset)
    @rule(marked=st.sampled_from(["exclude", "include", "any"]))
    def export(self, marked):
        from mixmap.core.errors import StoreError
        from mixmap.core.export.write import export_rows

        out = self._new_path("export")
        if self._stale():
            with pytest.raises(StoreError, match="mixmap build"):
                export_rows(self.ds, out, marked=marked)
            assert not out.exists()
            return
        manifest = export_rows(self.ds, out, marked=marked)
        exported = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
        mark_of = {i: self.marks.get(i, ("", ()))[0] for i in self.rows}
        wanted = {i for i in self.rows if marked == "any" or (mark_of[i] == "include" if marked == "include"
                                                               else mark_of[i] != "exclude")}
        assert sorted(r["id"] for r in exported) == sorted(wanted), "the export is not the model's selection"
        assert all((r["source"], r["text"]) == self.rows[r["id"]] for r in exported)
        manifest_file = out.with_name(out.name + ".manifest.json")
        self.exports.append({"out": out, "manifest": manifest_file, "sha": sha(out), "manifest_sha": sha(manifest_file),
                             "stamps": {i: self.cluster_stamp.get(i) for i in manifest["ids"]}})

    @precondition(lambda self: self.exports)
    @rule(data=st.data())
    def replay(self, data):
        from mixmap.core.export.replay import replay_manifest

        shipped = data.draw(st.sampled_from(self.exports))
        target = self._new_path("replay")
        unchanged = not self._stale() and all(self.cluster_stamp.get(i) == s for i, s in shipped["stamps"].items())
        clusters = self._frame("clusters", ["cluster"]) if self.ds.has_frame("clusters") else None
        try:
            result = replay_manifest(self.ws, shipped["manifest"], out=target)
        except MixmapError as exc:
            assert not unchanged, f"replay of an unchanged export failed: {exc}"
        else:
            assert result["identical"] or not unchanged, "replay of an unchanged export differs"
        assert sha(shipped["out"]) == shipped["sha"] and sha(shipped["manifest"]) == shipped["manifest_sha"]
        if clusters is not None:
            assert self._frame("clusters", ["cluster"]) == clusters, "a replay changed the clusters"

    # ---- after every step ---------------------------------------------------------------------------
    def _stored_marks(self) -> dict:
        from mixmap.core.store.marks import read_marks

        table = read_marks(self.ds).to_pydict()
        return {i: (m or "", tuple(t or ())) for i, m, t in zip(table["id"], table["mark"], table["tags"])}

    def _frame(self, kind: str, columns: list[str]) -> dict:
        table = self.ds.read_frame(kind).to_pydict()
        values = [table[c] for c in columns]
        return {i: v[0] if len(v) == 1 else tuple(v) for i, *v in zip(table["id"], *values)}

    @invariant()
    def rows_are_the_models(self):
        if not hasattr(self, "ds"):
            return
        stored = self.ds.read_rows(["id", "source", "text"]).to_pydict()
        assert len(stored["id"]) == len(set(stored["id"])) == len(self.rows), "a row was lost or doubled"
        assert dict(zip(stored["id"], zip(stored["source"], stored["text"]))) == self.rows

    @invariant()
    def marks_are_the_models(self):
        if not hasattr(self, "ds"):
            return
        expected = {i: state for i, state in self.marks.items() if state[0] or state[1]}
        assert self._stored_marks() == expected


CurationMachine.TestCase.settings = settings.get_profile(PROFILE)
TestCuration = CurationMachine.TestCase
