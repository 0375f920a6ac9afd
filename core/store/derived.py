"""Readers' side of derived frames: a frame made from other vectors than the dataset's current ones is
refused with what to run, never joined in silently.

Stages record what a frame was derived from in the frame itself (`Dataset.write_frame(derived_from=...)`):
the model key of the vectors, the row count, the clustering number. The marks table's position in the
marks log is kept in marks_state.json and replayed past by `mixmap.core.store.marks.read_marks`.
"""
from __future__ import annotations

from mixmap.core.errors import StoreError

MODEL_FRAMES = ("layout", "clusters", "cluster_info")  # frames made from the vectors of one model


def behind_reason(dataset, kind: str) -> str | None:
    """Why `kind` cannot be trusted with the dataset's current vectors, or None (current, or not recorded)."""
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
            raise StoreError(f"{reason}; run `mixmap build {dataset.name}` to make the map and clusters again")
    return {kind: dataset.frame_origin(kind) for kind in kinds if dataset.has_frame(kind)}
