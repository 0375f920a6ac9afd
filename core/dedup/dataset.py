"""Duplicates on a stored dataset: compute candidate pairs once per method, regroup from them as often as you like.

    compute_duplicate_pairs(ds, method="minhash")       # seconds; stored as the frame dup_pairs_minhash
    table, summary = duplicate_groups(ds, method="minhash", threshold=0.6, policy="longest")  # reads + regroups
    apply_dedup(ds, method="minhash", threshold=0.6, policy="longest")    # one marking action, one undo

    stored = load_pairs(ds, "minhash")                  # a UI reads the pairs once ...
    grouping = regroup(stored, threshold=0.7, policy="first")   # ... and regroups per slider move (ms)

The pairs frame `dup_pairs_<method>` holds one row per candidate pair: positions i, j in the rows table's
scan order at compute time, the row ids id_i, id_j (the truth: positions are re-derived from the ids when
read, so pairs survive rows added later), sim (float32) and each row's text length len_i, len_j (so the
'longest' keep policy never reads the texts again). The schema metadata records the method, the candidate
threshold, the parameters, the row count and the time it took.

Candidates are kept down to a low *candidate* threshold (minhash 0.4, semantic 0.8, exact 1.0), so any
threshold at or above it regroups from the stored pairs without recomputing.

Keep policies: first (earliest row in the dataset), longest (most characters), quality (the `signals`
frame's `quality_score`, higher is better, or else its `slop_score`, lower is better; rows with no score
lose), central (highest cosine to its group's mean vector, from the stored embeddings).
"""
from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from mixmap.core.dedup.finders import FINDERS
from mixmap.core.dedup.groups import (
    KEEP_POLICIES,
    SINGLETON,
    choose_keepers,
    dedup_summary,
    group_pairs,
)
from mixmap.core.errors import MixmapError
from mixmap.core.vectors import unit_rows

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa


# method -> (candidate threshold stored, default grouping threshold); see mixmap.core.dedup.pairs for the defaults
# the built-in finders, as the CLI and pages list them (a finder registered later is found by name too)
METHODS = tuple(FINDERS)
CANDIDATE_THRESHOLDS = {name: f.candidate_threshold for name, f in FINDERS.items()}
DEFAULT_THRESHOLDS = {name: f.default_threshold for name, f in FINDERS.items()}
# semantic: exact kNN over all rows up to this many (O(n^2)); above it, within clusters (SemDeDup) if clustered
DUPLICATE_TAG = "duplicate"
# Keeper tiers from the stored marks (choose_keepers' `prefer`): an included row first, an excluded one last.
MARK_TIERS = {"include": 2, "": 1, "exclude": 0}
Progress = Callable[[str, int, int], None]


def pairs_frame(method: str) -> str:
    return f"dup_pairs_{_check_method(method)}"


def _check_method(method: str) -> str:
    if method not in FINDERS:
        raise MixmapError(f"unknown duplicate method {method!r}; choose one of {', '.join(FINDERS)}")
    return method


# ---------------------------------------------------------------------------------------------- compute

def compute_duplicate_pairs(dataset, *, method: str, candidate_threshold: float | None = None,
                            progress: Progress | None = None) -> dict:
    """Find candidate pairs with `method` down to `candidate_threshold` and store them (replacing any before).

    Returns the stored info: method, candidate_threshold, rows, pairs, seconds, params."""
    import pyarrow as pa

    _check_method(method)
    low = FINDERS[method].candidate_threshold if candidate_threshold is None else float(candidate_threshold)
    if not 0.0 < low <= 1.0:
        raise MixmapError(f"candidate threshold must be in (0, 1], got {low}")
    report = progress or (lambda stage, done, total: None)
    started = time.perf_counter()
    report("read rows", 0, 1)
    rows = dataset.read_rows(["id", "text"])
    ids = np.asarray(rows.column("id").to_pylist(), dtype=object)
    texts = rows.column("text").to_pylist()
    if len(ids) == 0:
        raise MixmapError(f"dataset {dataset.name!r} has no rows; ingest some first")
    report("read rows", 1, 1)
    report(f"find {method} pairs", 0, 1)
    pairs, params = FINDERS[method].find(dataset, ids, texts, low)
    report(f"find {method} pairs", 1, 1)
    report("store pairs", 0, 1)
    i = pairs["i"].to_numpy(np.int64)
    j = pairs["j"].to_numpy(np.int64)
    lengths = np.fromiter((len(t or "") for t in texts), np.int64, count=len(texts))
    info = {"method": method, "candidate_threshold": low, "rows": len(ids), "pairs": len(i),
            "seconds": round(time.perf_counter() - started, 3), "params": params,
            "computed": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
    table = pa.table({
        "i": pa.array(i, pa.int64()), "j": pa.array(j, pa.int64()),
        "id_i": pa.array(ids[i].tolist(), pa.string()), "id_j": pa.array(ids[j].tolist(), pa.string()),
        "sim": pa.array(pairs["sim"].to_numpy(np.float32), pa.float32()),
        "len_i": pa.array(lengths[i], pa.int64()), "len_j": pa.array(lengths[j], pa.int64()),
    }).replace_schema_metadata({"mixmap.dedup": json.dumps(info)})
    dataset.write_frame(pairs_frame(method), table)
    report("store pairs", 1, 1)
    return info


# ----------------------------------------------------------------------------------------------- regroup

@dataclass
class StoredPairs:
    """Pairs read back for regrouping: positions into `ids` (the rows table's current order)."""

    method: str
    ids: np.ndarray
    i: np.ndarray
    j: np.ndarray
    sim: np.ndarray
    lengths: np.ndarray  # characters per row; -1 where unknown (rows in no pair)
    info: dict = field(default_factory=dict)

    @property
    def candidate_threshold(self) -> float:
        return float(self.info.get("candidate_threshold", 0.0))

    @property
    def rows_added_since(self) -> int:
        return max(0, len(self.ids) - int(self.info.get("rows", len(self.ids))))


def pairs_info(dataset, method: str) -> dict | None:
    """What is stored for `method` (see compute_duplicate_pairs), or None when nothing is."""
    table = dataset.read_frame(pairs_frame(method), ["i"], where="i < 0")
    if table is None:
        return None
    return _info(table.schema)


def _info(schema: pa.Schema) -> dict:
    raw = (schema.metadata or {}).get(b"mixmap.dedup")
    return json.loads(raw) if raw else {}


def load_pairs(dataset, method: str, *, ids: np.ndarray | None = None) -> StoredPairs:
    """The stored pairs of `method`, positioned on the dataset's rows (read them once, regroup many times)."""
    import pandas as pd

    table = dataset.read_frame(pairs_frame(method))
    if table is None:
        raise MixmapError(f"no {method} pairs stored for {dataset.name!r}; compute them first "
                          f"(`mixmap dedup {dataset.name} --method {method}` or the Duplicates page)")
    if ids is None:
        ids = np.asarray(dataset.read_rows(["id"]).column("id").to_pylist(), dtype=object)
    index = pd.Index(ids)
    i = index.get_indexer(pd.Index(table.column("id_i").to_pylist(), dtype=object))
    j = index.get_indexer(pd.Index(table.column("id_j").to_pylist(), dtype=object))
    ok = (i >= 0) & (j >= 0)  # a pair whose row is gone (dataset re-created) is dropped
    lengths = np.full(len(ids), -1, np.int64)
    lengths[i[ok]] = table.column("len_i").to_numpy()[ok]
    lengths[j[ok]] = table.column("len_j").to_numpy()[ok]
    return StoredPairs(method=method, ids=ids, i=i[ok], j=j[ok], sim=table.column("sim").to_numpy()[ok],
                       lengths=lengths, info=_info(table.schema))


@dataclass
class Grouping:
    """One regrouping: group id per row (-1 = none), keep mask, the summary, and the groups as a table.

    `groups` is one row per group, largest first, then least similar: group, size, keeper (id), max_sim (the
    highest similarity of a pair inside it), first (the id of its first row); built with numpy, so it costs
    milliseconds at 100k rows. `members(g)` lists one group's ids; `table` adds a members column for all."""

    ids: np.ndarray
    group_ids: np.ndarray
    keep: np.ndarray
    groups: pd.DataFrame
    summary: dict
    _order: np.ndarray = field(repr=False)  # grouped row positions, sorted by group then position
    _starts: np.ndarray = field(repr=False)  # where each group (0..G-1) starts in _order

    @property
    def removed_ids(self) -> list[str]:
        """Rows in a group that are not its keeper: what apply_dedup excludes."""
        return self.ids[~self.keep].tolist()

    def members(self, group: int) -> list[str]:
        """The ids of one group, in dataset order."""
        stop = self._starts[group + 1] if group + 1 < len(self._starts) else len(self._order)
        return self.ids[self._order[self._starts[group]:stop]].tolist()

    @property
    def table(self) -> pd.DataFrame:
        """`groups` plus a members column (lists of ids), in the same order."""
        parts = np.split(self.ids[self._order], self._starts[1:]) if len(self._order) else []
        members = [parts[g].tolist() for g in self.groups["group"]]
        return self.groups.drop(columns="first").assign(members=members)[
            ["group", "size", "keeper", "members", "max_sim"]]


def regroup(stored: StoredPairs, *, threshold: float, policy: str = "first", quality: np.ndarray | None = None,
            vectors: Callable[[np.ndarray], np.ndarray] | np.ndarray | None = None,
            prefer: np.ndarray | None = None) -> Grouping:
    """Group the stored pairs at `threshold` and pick keepers. `quality` (one score per row, higher better) is
    needed for policy 'quality'; `vectors` for 'central': a matrix over all rows, or a cheap lookup from row
    positions (into stored.ids) to their vectors, called per block of grouped rows (see paired_vectors).
    `prefer` (a tier per row, see choose_keepers) outranks the policy; rows of the top tier (include marks,
    MARK_TIERS) are all kept."""
    import pandas as pd

    if policy not in KEEP_POLICIES:
        raise MixmapError(f"unknown keep policy {policy!r}; choose one of {', '.join(KEEP_POLICIES)}")
    if threshold < stored.candidate_threshold - 1e-6:
        raise MixmapError(f"{stored.method} pairs are stored down to {stored.candidate_threshold:g}; for a "
                          f"threshold of {threshold:g} compute them again with a candidate threshold of "
                          f"{threshold:g} or less")
    n = len(stored.ids)
    use = stored.sim >= np.float32(threshold)
    groups = group_pairs(pd.DataFrame({"i": stored.i[use], "j": stored.j[use], "sim": stored.sim[use]}), n)
    members = np.flatnonzero(groups != SINGLETON)
    order = members[np.argsort(groups[members], kind="stable")]  # grouped rows by group, then position
    in_order = groups[order]
    starts = np.flatnonzero(np.r_[True, in_order[1:] != in_order[:-1]]) if len(order) else np.empty(0, np.int64)
    score = None
    if policy == "longest":  # the stored lengths: the same choice as choose_keepers' 'longest', without texts
        score = stored.lengths.astype(float)
    elif policy == "quality":
        score = quality
    elif policy == "central":
        if vectors is None:
            raise MixmapError("keep policy 'central' needs the rows' embeddings; embed the dataset first")
        score = np.zeros(n)
        if len(order):
            fetch = (lambda part: vectors(order[part])) if callable(vectors) else (
                lambda part: np.asarray(vectors)[order[part]])
            score[order] = _centrality(fetch, in_order, starts)
    # every policy but 'first' is "highest score wins, ties to the first row": choose_keepers' 'quality'
    keep = choose_keepers(groups, policy="first" if score is None else "quality", quality=score, prefer=prefer)
    n_groups = len(starts)
    keeper = np.empty(n_groups, np.int64)
    kept = members[keep[members]]
    keeper[groups[kept]] = kept
    if prefer is not None:
        keep |= np.asarray(prefer) >= MARK_TIERS["include"]  # a curator's include is never overridden
    top = np.zeros(n_groups, np.float32)
    np.maximum.at(top, groups[stored.i[use]], stored.sim[use])
    table = pd.DataFrame({"group": np.arange(n_groups), "size": np.diff(np.r_[starts, len(order)]),
                          "keeper": stored.ids[keeper], "max_sim": top.astype(float),
                          "first": stored.ids[order[starts]]})
    # largest first, then the least similar: the borderline groups that tell whether the threshold is right
    table = table.sort_values(["size", "max_sim", "group"], ascending=[False, True, True], ignore_index=True)
    summary = dedup_summary(groups, keep)
    summary.update(method=stored.method, threshold=float(threshold), policy=policy,
                   candidate_threshold=stored.candidate_threshold, pairs=len(stored.i),
                   rows_added_since=stored.rows_added_since)
    return Grouping(ids=stored.ids, group_ids=groups, keep=keep, groups=table, summary=summary,
                    _order=order, _starts=starts)


def _centrality(fetch: Callable[[slice], np.ndarray], groups: np.ndarray, starts: np.ndarray,
                block: int = 8192) -> np.ndarray:
    """Each row's score against its group's mean direction, for rows sorted by group: `fetch(slice)` gives
    those rows' vectors, `groups` their group ids (0..G-1, ascending), `starts` where each group begins.
    For unit rows, the argmax of v . (sum of the group's unit rows) is the argmax of cosine to the
    centroid, so the sums need no normalising. Two passes over blocks of rows keep every temporary small
    (tens of MB at 384 dims), which matters more than the arithmetic on a busy machine."""
    from scipy.sparse import csr_matrix

    def unit(part: slice) -> np.ndarray:
        return unit_rows(fetch(part))

    n = len(groups)
    blocks = [slice(a, min(a + block, n)) for a in range(0, n, block)]
    sums = None
    for part in blocks:  # pass 1: per-group sums of unit rows
        g = groups[part]
        onehot = csr_matrix((np.ones(len(g), np.float32), (g, np.arange(len(g)))), shape=(len(starts), len(g)))
        add = onehot @ unit(part)
        sums = add if sums is None else sums + add
    score = np.empty(n)
    for part in blocks:  # pass 2: each row against its group's sum
        score[part] = np.einsum("ij,ij->i", unit(part), sums[groups[part]])
    return score


def quality_scores(dataset, ids: np.ndarray) -> tuple[np.ndarray, str]:
    """(score per row, higher is better, NaN where missing; the column used) from the `signals` frame."""
    import pandas as pd

    table = dataset.read_frame("signals")
    if table is not None:
        for column, sign in (("quality_score", 1.0), ("slop_score", -1.0)):
            if column in table.column_names:
                frame = table.select(["id", column]).to_pandas()
                score = pd.Series(frame[column].to_numpy(float), index=frame["id"]).reindex(ids)
                return sign * score.to_numpy(float), column
    raise MixmapError(f"keep policy 'quality' needs quality scores; run `mixmap score {dataset.name}` first "
                      "(or choose first, longest or central)")


def vector_reader(dataset) -> Callable[[list[str]], np.ndarray]:
    """A function of row ids returning their stored vectors in that order (zeros for rows with none)."""
    import pandas as pd

    def read(ids: list[str]) -> np.ndarray:
        got, matrix = dataset.read_vectors(ids=ids)
        where = pd.Index(got, dtype=object).get_indexer(pd.Index(ids, dtype=object))
        out = np.zeros((len(ids), matrix.shape[1] if matrix.ndim == 2 and len(got) else 1), np.float32)
        out[where >= 0] = matrix[where[where >= 0]] if len(got) else 0.0
        return out

    return read


def paired_vectors(dataset, stored: StoredPairs) -> Callable[[np.ndarray], np.ndarray]:
    """Read the vectors of every row in any stored pair once (a superset of the grouped rows at any
    threshold); returns a lookup by row position for regroup(vectors=...), so 'central' costs no reads."""
    paired = np.unique(np.concatenate([stored.i, stored.j]))
    matrix = vector_reader(dataset)(stored.ids[paired].tolist())
    slot = np.full(len(stored.ids), -1, np.int64)
    slot[paired] = np.arange(len(paired))

    def lookup(positions: np.ndarray) -> np.ndarray:
        return matrix[slot[positions]]

    return lookup
