"""One stable map for many sets: references placed with the candidate's fitted reducer, and map grids.

A **reference** is a dataset with meta `role="reference"` and `map_of=<candidate>`. It is embedded with the
candidate's model and placed on the candidate's map with the candidate's fitted 2-D reducer (`transform`),
so no candidate point ever moves. If the candidate has a layout but no saved reducer, one is fitted (UMAP
started from the stored layout, so its frame matches it closely) and saved; the stored layout is not touched.
Any other dataset can share the map the same way with `place_dataset`.

The map grid (`Grid`, `density_difference`) gives the cells for cell-level gaps and the density-difference
layer: per cell, the share of reference rows minus the share of candidate rows.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from mixmap.core.build.project import EXACT_KNN_MAX, SizedUmap
from mixmap.core.embed.registry import dataset_embedder as embedder_for
from mixmap.core.embed.registry import register_embedder  # noqa: F401  (re-exported)
from mixmap.core.errors import MixmapError

ROLE_REFERENCE = "reference"


class CoverageError(MixmapError):
    """A reference, spec or coverage request that cannot be served as asked."""


# ---- placing sets on one map ----------------------------------------------------------------------------
@dataclass
class AnchoredUmap(SizedUmap):
    """SizedUmap whose fit starts from given 2-D coordinates (used when a layout exists but no reducer)."""

    init: np.ndarray | None = field(default=None, repr=False)

    def _umap_model(self, n: int, knn=None):
        model = super()._umap_model(n, knn)
        if self.init is not None and len(self.init) == n:
            model.set_params(init=np.asarray(self.init, dtype=np.float64))
        return model

    def fit_transform(self, X: np.ndarray, progress=None) -> np.ndarray:
        init = None if self.init is None else np.asarray(self.init, dtype=np.float32)
        if init is not None and len(init) == len(X) and 4 <= len(X) <= min(self.full_fit_max, EXACT_KNN_MAX):
            # The small-map reducer places rows among the fitted rows' own coordinates: with the stored layout
            # as those coordinates it is exact, and no UMAP fit is needed to have one.
            self.strategy, self._ref, self._ref_coords, self.init = "exact-knn", np.asarray(X, np.float32), init, None
            return init
        try:
            return super().fit_transform(X, progress)
        finally:
            self.init = None  # keep the saved reducer small


def ensure_reducer(candidate) -> Path:
    """The candidate's fitted 2-D reducer, fitting and saving one if missing (stored layout untouched)."""
    from mixmap.core.build.project import project_dataset

    path = candidate.reducer_path
    if candidate.has_reducer():
        return path
    layout = candidate.read_frame("layout")
    if layout is None or layout.num_rows == 0:
        project_dataset(candidate)  # nothing on the map yet: this is the candidate's first fit
        return path
    ids, vectors = candidate.read_vectors()
    coords = layout.to_pandas().set_index("id").reindex(ids)[["x", "y"]]
    known = coords.notna().all(axis=1).to_numpy()
    reducer = AnchoredUmap(init=coords.to_numpy()[known])
    reducer.fit_transform(vectors[known])
    candidate.save_reducer(reducer)
    with candidate.edit_meta() as meta:
        meta["project"] = {**(meta.get("project") or {}), "reducer_fitted_after_layout": True}
    return path


def place_dataset(dataset, candidate, *, embedder=None, progress: Callable[[int, int], None] | None = None) -> dict:
    """Embed `dataset` with the candidate's model and place its rows with the candidate's reducer.

    Rows already placed keep their coordinates; the candidate's layout is never written.
    """
    from mixmap.core.embed.protocol import model_key
    from mixmap.core.embed.stage import embed_dataset, embed_prompts

    embedder = embedder or embedder_for(candidate)
    key = model_key(embedder.name)
    if key != candidate.meta.get("model_key"):
        raise CoverageError(f"{candidate.name!r} was embedded with {candidate.meta.get('model')!r}, not "
                            f"{embedder.name!r}: a set must be embedded with the candidate's model to share its map")
    embedded = embed_dataset(dataset, embedder, progress=progress)
    embed_prompts(dataset, embedder, progress=progress)
    ensure_reducer(candidate)
    reducer = candidate.load_reducer()
    ids, vectors = dataset.read_vectors(model_key=key)
    layout = dataset.read_frame("layout")
    known = set(layout.column("id").to_pylist()) if layout is not None else set()
    new = np.array([i not in known for i in ids], dtype=bool)
    if new.any():
        coords = np.asarray(reducer.transform(vectors[new]), dtype=np.float32)
        added = pa.table({"id": pa.array([i for i, n in zip(ids, new) if n], pa.string()),
                          "x": coords[:, 0], "y": coords[:, 1]})
        dataset.write_frame("layout", added if layout is None else pa.concat_tables([layout, added.cast(layout.schema)]))
    dataset.update_meta(map_of=candidate.name)
    return {"embedded": embedded["embedded"], "placed": int(new.sum()), "total": len(ids)}


def references_of(workspace, name: str) -> list[str]:
    """Names of the reference sets placed on dataset `name`'s map."""
    out = []
    for other in workspace.list_datasets():
        meta = workspace.dataset(other).meta
        if meta.get("role") == ROLE_REFERENCE and meta.get("map_of") == name:
            out.append(other)
    return out


def is_reference(dataset) -> bool:
    return dataset.meta.get("role") == ROLE_REFERENCE


def add_reference(candidate, path: str | Path, *, name: str | None = None, spec=None, source: str | None = None,
                  on_error: str = "skip", embedder=None, progress: Callable[[int, int], None] | None = None) -> dict:
    """Ingest `path` as a reference set of `candidate` (default name: <candidate>-<file stem>) and place it."""
    from mixmap.core.ingest.files import default_source_name, ingest_into
    from mixmap.core.store.filters import validate_name

    if is_reference(candidate):
        raise CoverageError(f"{candidate.name!r} is itself a reference; add references to the dataset it maps")
    if not candidate.meta.get("model_key"):
        raise CoverageError(f"{candidate.name!r} has no embeddings yet; run `mixmap build {candidate.name}` first")
    ws = candidate.workspace
    name = name or f"{candidate.name}-{default_source_name(Path(path))}".replace(".", "-").replace("__", "_")[:64]
    validate_name(name, what="reference name")
    if name == candidate.name:
        raise CoverageError("a reference needs its own name; pass --as REF")
    created = not ws.exists(name)
    ref = ws.dataset(name, create=True)
    if not created and (ref.meta.get("role") != ROLE_REFERENCE or ref.meta.get("map_of") != candidate.name):
        raise CoverageError(f"dataset {name!r} exists and is not a reference of {candidate.name!r}; "
                            "pick another name with --as")
    ref.update_meta(role=ROLE_REFERENCE, map_of=candidate.name)
    try:
        result = ingest_into(ref, path, spec=spec, source=source, on_error=on_error)
    except MixmapError:
        if created:
            ws.delete_dataset(name)
        raise
    placed = place_dataset(ref, candidate, embedder=embedder, progress=progress)
    return {"reference": name, "candidate": candidate.name, "added": result.source_info.get("added", 0),
            "rows": ref.count(), "bad_rows": len(result.bad_rows), **placed}


@dataclass
class Grid:
    """A square grid over the map: `size` x `size` cells spanning [x0, x1] x [y0, y1]."""

    x0: float
    x1: float
    y0: float
    y1: float
    size: int

    @classmethod
    def around(cls, *points: np.ndarray, size: int) -> Grid:
        xy = np.vstack([p for p in points if len(p)])
        lo, hi = np.nanmin(xy, axis=0), np.nanmax(xy, axis=0)
        pad = np.maximum((hi - lo) * 0.01, 1e-6)
        return cls(float(lo[0] - pad[0]), float(hi[0] + pad[0]), float(lo[1] - pad[1]), float(hi[1] + pad[1]), size)

    def cell_of(self, xy: np.ndarray) -> np.ndarray:
        """Cell number (iy * size + ix) per point."""
        ix = np.clip(((xy[:, 0] - self.x0) / (self.x1 - self.x0) * self.size).astype(int), 0, self.size - 1)
        iy = np.clip(((xy[:, 1] - self.y0) / (self.y1 - self.y0) * self.size).astype(int), 0, self.size - 1)
        return (iy * self.size + ix).astype(np.int32)

    def centres(self) -> tuple[np.ndarray, np.ndarray]:
        step_x, step_y = (self.x1 - self.x0) / self.size, (self.y1 - self.y0) / self.size
        return self.x0 + step_x * (np.arange(self.size) + 0.5), self.y0 + step_y * (np.arange(self.size) + 0.5)


def default_grid_size(n_reference: int, n_candidate: int) -> int:
    return int(np.clip(np.sqrt(max(min(n_reference, n_candidate), 1)) / 2, 6, 40))


@dataclass
class DensityGrid:
    """Shares of each set per grid cell (smoothed), for the map's density-difference layer."""

    x: np.ndarray  # cell centres, (size,)
    y: np.ndarray
    reference: np.ndarray  # (size, size), rows = y, sums to 1
    candidate: np.ndarray

    @property
    def difference(self) -> np.ndarray:
        """Reference share minus candidate share: > 0 where the candidate is thin (a gap)."""
        return self.reference - self.candidate

    def to_frame(self) -> pd.DataFrame:
        gx, gy = np.meshgrid(self.x, self.y)
        return pd.DataFrame({"x": gx.ravel(), "y": gy.ravel(), "reference": self.reference.ravel(),
                             "candidate": self.candidate.ravel(), "difference": self.difference.ravel()})


def density_difference(candidate_xy: np.ndarray, reference_xy: np.ndarray, *, size: int = 48,
                       smooth: float = 1.0) -> DensityGrid:
    """Per-cell share of reference and candidate rows on a `size` grid, Gaussian-smoothed by `smooth` cells."""
    from scipy.ndimage import gaussian_filter

    grid = Grid.around(candidate_xy, reference_xy, size=size)

    def shares(xy: np.ndarray) -> np.ndarray:
        counts = np.bincount(grid.cell_of(xy), minlength=size * size).reshape(size, size).astype(float)
        if smooth > 0:
            counts = gaussian_filter(counts, smooth, mode="constant")
        return counts / max(counts.sum(), 1e-12)

    x, y = grid.centres()
    return DensityGrid(x=x, y=y, reference=shares(reference_xy), candidate=shares(candidate_xy))
