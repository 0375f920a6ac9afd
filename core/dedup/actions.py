"""Acting on duplicate groups of a stored dataset: list them, or exclude every copy but the keeper."""
from __future__ import annotations

import numpy as np
import pandas as pd

from mixmap.core.dedup.dataset import (
    DUPLICATE_TAG,
    MARK_TIERS,
    Grouping,
    StoredPairs,
    _check_method,
    load_pairs,
    paired_vectors,
    quality_scores,
    regroup,
)
from mixmap.core.dedup.finders import FINDERS
from mixmap.core.errors import MixmapError
from mixmap.core.store.marks import apply_marks, marks_version, read_marks


def duplicate_groups(dataset, *, method: str, threshold: float | None = None, policy: str = "first"
                     ) -> tuple[pd.DataFrame, dict]:
    """(groups, summary) from the stored pairs of `method` at `threshold` (default: the method's default).

    groups: one row per group, largest first, then least similar: group, size, keeper (id), members (ids),
    max_sim (the highest similarity of a pair inside it). summary: dedup_summary's counts and 'message',
    plus method, threshold, policy, candidate_threshold, pairs, rows_added_since (and quality_column)."""
    grouping = group_duplicates(dataset, method=method, threshold=threshold, policy=policy)
    return grouping.table, grouping.summary


def group_duplicates(dataset, *, method: str, threshold: float | None = None, policy: str = "first",
                     stored: StoredPairs | None = None) -> Grouping:
    """duplicate_groups, returning the full Grouping (per-row group ids and keep mask).

    The stored marks come first: a group's keeper is never a row the curator excluded while a copy is not
    excluded, and rows marked include are all kept (the policy picks among the rest)."""
    threshold = FINDERS[_check_method(method)].default_threshold if threshold is None else float(threshold)
    if not 0.0 < threshold <= 1.0:  # also refuses nan
        raise MixmapError(f"a duplicate threshold is a similarity in (0, 1], not {threshold!r}")
    stored = stored or load_pairs(dataset, method)
    quality = None
    if policy == "quality":
        quality, column = quality_scores(dataset, stored.ids)
    grouping = regroup(stored, threshold=threshold, policy=policy, quality=quality,
                       vectors=paired_vectors(dataset, stored) if policy == "central" else None,
                       prefer=mark_tiers(dataset, stored.ids))
    if policy == "quality":
        grouping.summary["quality_column"] = column
    return grouping


def _current_marks(dataset, ids) -> pd.Series:
    marks = read_marks(dataset).select(["id", "mark"]).to_pandas()
    return pd.Series(marks["mark"].fillna("").to_numpy(), index=marks["id"].to_numpy()).reindex(ids).fillna("")


def mark_tiers(dataset, ids: np.ndarray) -> np.ndarray:
    """MARK_TIERS of each row's stored mark (unmarked for rows with none)."""
    return _current_marks(dataset, ids).map(MARK_TIERS).fillna(MARK_TIERS[""]).to_numpy(float)


def apply_dedup(dataset, *, method: str, threshold: float | None = None, policy: str = "first",
                tag: str | None = DUPLICATE_TAG, message: str = "", grouping: Grouping | None = None) -> dict:
    """Mark every grouped row but its group's keeper `exclude` (and tag it), as ONE marking action, so one
    undo reverts it. Returns the summary plus marked (rows newly excluded) and marks_version.

    Rows already excluded are left as they are, and rows marked include are never excluded (also when the
    marks changed after `grouping` was made)."""
    grouping = grouping or group_duplicates(dataset, method=method, threshold=threshold, policy=policy)
    summary = dict(grouping.summary)
    removed = grouping.removed_ids
    now = _current_marks(dataset, removed)
    removed = [i for i, mark in zip(removed, now.to_numpy()) if mark == ""]
    text = message or (f"dedup {summary['method']} >= {summary['threshold']:g}, keep {summary['policy']}: "
                       f"exclude {len(removed):,} rows in {summary['groups']:,} groups")
    tags = [tag] if tag else []
    marked = apply_marks(dataset, removed, mark="exclude", add_tags=tags, message=text) if removed else 0
    summary.update(marked=marked, message=text, marks_version=marks_version(dataset))
    return summary
