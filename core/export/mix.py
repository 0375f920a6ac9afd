"""Export a mix: build it from its recipe and write its rows with a manifest that replays it exactly."""
from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from mixmap.core.curate.mixes import _marks_frame, _uses_marks, build_mix, load_mix
from mixmap.core.export.write import export_rows
from mixmap.core.store.marks import marks_snapshot


def export_mix(dataset, mix: str | Mapping, out: str | Path, *, fmt: str | None = None, embedder=None,
               extra_frames: tuple[str, ...] = ("clusters",), marks: pd.DataFrame | Mapping | None = None,
               slices: Mapping[str, dict] | None = None) -> dict:
    """Build a mix (saved name or recipe) and export its rows; the manifest holds everything to replay it:
    the recipe with seeds, slice definitions, the marks used (version and snapshot), tokenizer, model,
    parameters, source sha256s and per-component counts."""
    recipe = load_mix(dataset, mix) if isinstance(mix, str) else dict(mix)
    result = build_mix(dataset, recipe, embedder=embedder, marks=marks, slices=slices)
    snapshot = None
    if _uses_marks(result.recipe, result.slices):
        if marks is None:
            snapshot = marks_snapshot(dataset, result.marks_version)
        else:
            frame = _marks_frame(marks)
            snapshot = {"include": sorted(frame.loc[frame["mark"] == "include", "id"]),
                        "exclude": sorted(frame.loc[frame["mark"] == "exclude", "id"]),
                        "tags": dict(marks.get("tags") or {}) if isinstance(marks, Mapping) else {}}
    extra = {"kind": "mix", "mix": result.recipe["name"], "recipe": result.recipe, "slices": result.slices,
             "marks_version": result.marks_version, "marks": snapshot, "tokenizer": result.tokenizer,
             "tokens": result.tokens, "components": result.components}
    return export_rows(dataset, out, fmt=fmt, ids=result.ids, extra_frames=tuple(extra_frames), extra=extra)
