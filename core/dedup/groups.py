"""Duplicates: detect candidate pairs once (mixmap.core.dedup.pairs), then group and pick keepers as often as you like.

    pairs = find_minhash_pairs(texts, threshold=0.5, candidate_threshold=0.4)   # seconds; store it
    groups = group_pairs(pairs, len(texts), threshold=0.6)                       # milliseconds per slider move
    keep = choose_keepers(groups, policy="longest", texts=texts)
    dedup_summary(groups, keep)["message"]                                       # 'removes 1,234 rows (5.1%)'

A group is a connected component of the pairs at or above the threshold; every row of a group but its
keeper is a removal candidate. Group ids are -1 for rows in no group.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Literal

import numpy as np

from mixmap.core.dedup.pairs import (
    PAIR_COLUMNS,
    LshParams,
    choose_lsh_params,
    empty_pairs,
    find_exact_pairs,
    find_minhash_pairs,
    find_semantic_pairs,
    normalize_text,
)
from mixmap.core.errors import MixmapError
from mixmap.core.vectors import unit_rows

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa

__all__ = [
    "DETECTORS", "KEEP_POLICIES", "PAIR_COLUMNS", "LshParams", "choose_keepers", "choose_lsh_params",
    "dedup_summary", "describe_groups", "diff_words", "empty_pairs", "find_exact_pairs", "find_minhash_pairs",
    "find_semantic_pairs", "group_pairs", "normalize_text",
]

SINGLETON = -1
# method name -> (detector, the threshold its defaults are tuned for); semantic takes vectors, not texts
DETECTORS = {
    "exact": (find_exact_pairs, 1.0),
    "minhash": (find_minhash_pairs, 0.5),
    "semantic": (find_semantic_pairs, 0.9),
}
KEEP_POLICIES = ("first", "longest", "quality", "central")
KeepPolicy = Literal["first", "longest", "quality", "central"]
DiffOp = tuple[str, str, str]


def group_pairs(pairs: pd.DataFrame | pa.Table, n_rows: int, *, threshold: float = 0.0, method: str | None = None
                ) -> np.ndarray:
    """Group id per row (int64, -1 = in no group) from the pairs with sim >= threshold (and of `method`,
    if given). Ids are 0..G-1, numbered by each group's first row, so they are stable across calls."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    names = list(getattr(pairs, "column_names", None) or pairs.columns)  # a pyarrow Table or a DataFrame
    missing = [c for c in ("i", "j", "sim") if c not in names]
    if missing:
        raise MixmapError(f"pairs need columns i, j, sim; missing {missing}")
    column = {c: np.asarray(pairs[c]) for c in names if c in PAIR_COLUMNS}
    use = column["sim"] >= np.float32(threshold)
    if method is not None and "method" in column:
        use &= column["method"] == method
    i, j = column["i"][use], column["j"][use]
    if len(i) and (min(i.min(), j.min()) < 0 or max(i.max(), j.max()) >= n_rows):
        raise MixmapError(f"pairs refer to rows outside 0..{n_rows - 1}; were they computed on another table?")
    groups = np.full(n_rows, SINGLETON, np.int64)
    if len(i) == 0:
        return groups
    graph = coo_matrix((np.ones(len(i), np.int8), (i, j)), shape=(n_rows, n_rows)).tocsr()
    _, labels = connected_components(graph, directed=False)
    sizes = np.bincount(labels)
    in_group = sizes[labels] > 1
    # renumber: labels already increase with each component's first row; compact them to 0..G-1
    _, compact = np.unique(labels[in_group], return_inverse=True)
    groups[in_group] = compact
    return groups


def choose_keepers(group_ids: np.ndarray, *, policy: KeepPolicy = "first", texts: Sequence[str] | None = None,
                   quality: np.ndarray | None = None, vectors: np.ndarray | None = None,
                   order: np.ndarray | None = None, prefer: np.ndarray | None = None) -> np.ndarray:
    """Keep mask (bool per row): every row not in a group, plus one keeper per group.

    `prefer` (a tier per row, higher first) outranks the policy: the keeper is the policy's best row of its
    group's highest tier (stored marks give include 2, unmarked 1, exclude 0, so an excluded row is never
    kept while a copy is not excluded).

    policy: 'first' (lowest `order`, default row position), 'longest' (most characters of `texts`),
    'quality' (highest `quality` score; NaN counts as lowest), 'central' (highest cosine to its group's
    mean vector, from `vectors`). Ties go to the first row, so the choice is deterministic."""
    groups = np.asarray(group_ids)
    n = len(groups)
    rank = np.arange(n) if order is None else np.asarray(order)
    if len(rank) != n:
        raise MixmapError(f"order has {len(rank)} values for {n} rows")
    tier = np.zeros(n) if prefer is None else np.asarray(prefer, float)
    if len(tier) != n:
        raise MixmapError(f"prefer has {len(tier)} values for {n} rows")
    if policy == "first":
        score = np.zeros(n)
    elif policy == "longest":
        score = _need(texts, "texts", "longest", n, lambda t: np.fromiter((len(x or "") for x in t), float, n))
    elif policy == "quality":
        score = _need(quality, "quality", "quality", n, lambda q: np.nan_to_num(
            np.asarray(q, float), nan=-np.inf))
    elif policy == "central":
        score = _need(vectors, "vectors", "central", n, lambda v: _centrality(groups, np.asarray(v, np.float32)))
    else:
        raise MixmapError(f"unknown keep policy {policy!r}; choose one of {', '.join(KEEP_POLICIES)}")
    keep = groups == SINGLETON
    members = np.flatnonzero(~keep)
    if len(members):
        # sort members by group, then highest tier, best score, rank; the first of each group is its keeper
        ordered = members[np.lexsort((rank[members], -score[members], -tier[members], groups[members]))]
        first = np.ones(len(ordered), bool)
        first[1:] = groups[ordered][1:] != groups[ordered][:-1]
        keep[ordered[first]] = True
    return keep


def _need(value, name: str, policy: str, n: int, convert) -> np.ndarray:
    if value is None:
        raise MixmapError(f"keep policy {policy!r} needs {name}; pass {name}= or choose another policy")
    if len(value) != n:
        raise MixmapError(f"{name} has {len(value)} entries for {n} rows")
    return convert(value)


def _centrality(groups: np.ndarray, vectors: np.ndarray) -> np.ndarray:
    """Cosine of each row to its group's mean direction (0 for rows in no group)."""
    from scipy.sparse import csr_matrix

    score = np.zeros(len(groups))
    members = np.flatnonzero(groups != SINGLETON)
    if len(members) == 0:
        return score
    unit = unit_rows(vectors[members])
    g = groups[members]
    # group sums as a sparse (groups x members) product: np.add.at is ~50x slower on 384-d rows
    onehot = csr_matrix((np.ones(len(members), np.float32), (g, np.arange(len(members)))),
                        shape=(int(g.max()) + 1, len(members)))
    sums = onehot @ unit
    # for unit rows, argmax of v . sum equals argmax of cosine to the centroid: no need to normalise it
    score[members] = np.einsum("ij,ij->i", unit, sums[g])
    return score


def dedup_summary(group_ids: np.ndarray, keep: np.ndarray) -> dict:
    """Counts for a live preview: rows, groups, rows in groups, rows removed and the share removed."""
    groups = np.asarray(group_ids)
    keep = np.asarray(keep, bool)
    n = len(groups)
    in_groups = int((groups != SINGLETON).sum())
    removed = int((~keep).sum())
    n_groups = len(np.unique(groups[groups != SINGLETON]))
    share = removed / n if n else 0.0
    return {"rows": n, "groups": n_groups, "rows_in_groups": in_groups, "removed": removed,
            "kept": n - removed, "removed_fraction": share,
            "message": f"removes {removed:,} of {n:,} rows ({share:.1%}) in {n_groups:,} groups"}


def describe_groups(group_ids: np.ndarray, keep: np.ndarray, *, ids: Sequence[str] | None = None) -> pd.DataFrame:
    """One row per group, largest first: group, size, keeper, members (row positions, or `ids` if given)."""
    import pandas as pd

    groups = np.asarray(group_ids)
    keep = np.asarray(keep, bool)
    members = np.flatnonzero(groups != SINGLETON)
    if len(members) == 0:
        return pd.DataFrame({"group": [], "size": [], "keeper": [], "members": []})
    label = np.asarray(ids, dtype=object) if ids is not None else np.arange(len(groups))
    frame = pd.DataFrame({"group": groups[members], "row": label[members]})
    by_group = frame.groupby("group", sort=True)["row"]
    keepers = frame[keep[members]].groupby("group")["row"].first()
    out = pd.DataFrame({"size": by_group.size(), "keeper": keepers, "members": by_group.agg(list)})
    out = out.rename_axis("group").reset_index()
    return out.sort_values(["size", "group"], ascending=[False, True], ignore_index=True)


def diff_words(a: str, b: str) -> list[DiffOp]:
    """Word-level differences for side-by-side highlighting: [(tag, text_in_a, text_in_b), ...] with tag one
    of 'equal', 'replace', 'delete' (only in a), 'insert' (only in b). Joining the a-parts with spaces gives
    a's words back (whitespace collapsed)."""
    from difflib import SequenceMatcher

    wa, wb = (a or "").split(), (b or "").split()
    # autojunk off: it would treat common words in texts over 200 words as junk and misalign the diff
    matcher = SequenceMatcher(None, wa, wb, autojunk=False)
    return [(tag, " ".join(wa[i1:i2]), " ".join(wb[j1:j2])) for tag, i1, i2, j1, j2 in matcher.get_opcodes()]
