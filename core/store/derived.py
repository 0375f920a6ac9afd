"""Readers' side of derived frames: a frame made from other vectors than the dataset's current ones is
refused with what to run, never joined in silently.

Stages record what a frame was derived from in the frame itself (`Dataset.write_frame(derived_from=...)`):
the model key of the vectors, the row count, the clustering number. Signals (scored for every row at
once) are behind when rows were added since. The marks table's position in the
marks log is kept in marks_state.json and replayed past by `mixmap.core.store.marks.read_marks`.
"""
from __future__ import annotations

from mixmap.core.errors import StoreError

MODEL_FRAMES = ("layout", "clusters", "cluster_info")  # frames made from the vectors of one model


ROW_FRAMES = {"signals": "mixmap score"}  # per-row frames a stage computes for all rows at once: the command


def behind_reason(dataset, kind: str) -> str | None:
    """Why `kind` cannot be trusted with the dataset's current rows and vectors, or None (current, or not
    recorded: frames written before origins were)."""
    if kind in ROW_FRAMES:
        made_for, now = (dataset.frame_origin(kind) or {}).get("rows"), dataset.count()
        if made_for is not None and made_for != now:
            return (f"the {kind} of {dataset.name!r} cover {made_for:,} rows but it has {now:,} now; run "
                    f"`{ROW_FRAMES[kind]} {dataset.name}` again")
        return None
    if kind not in MODEL_FRAMES:
        return None
    origin = dataset.frame_origin(kind) or {}
    made_from, now = origin.get("model_key"), dataset.meta.get("model_key")
    if made_from and now and made_from != now:
        return (f"the {kind} of {dataset.name!r} were made from {made_from!r} vectors, but its vectors now come from "
                f"{dataset.meta.get('model')!r}")
    return None


def require_current(dataset, kinds) -> dict:
    """{kind: origin} of the frames; raises StoreError naming the first one that is behind its vectors."""
    for kind in kinds:
        reason = behind_reason(dataset, kind)
        if reason:
            fix = "" if kind in ROW_FRAMES else f"; run `mixmap build {dataset.name}` to make the map and clusters again"
            raise StoreError(reason + fix)
    return {kind: dataset.frame_origin(kind) for kind in kinds if dataset.has_frame(kind)}
