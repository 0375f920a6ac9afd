"""Projection to 2-D with UMAP, kept fitted so later rows are placed without moving earlier ones.

A Reducer is any object with `fit_transform(X) -> ndarray` and `transform(X) -> ndarray` (umap.UMAP,
a PCA, or the `SizedUmap` below). `project_dataset` fits once, saves the fitted reducer beside the
dataset and writes the `layout` frame (id, x, y); a later call only `transform`s rows without coordinates.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from mixmap.core.errors import PipelineError
from mixmap.core.vectors import knn_indices, nearest_neighbours

SEED = 42
FULL_FIT_MAX = 50_000  # full UMAP fit up to here (measured ~17 s warm at 50k)
PCA_FIT_MAX = 150_000  # PCA to 50 dims then a full fit up to here (~10% faster, no loss)
FIT_SAMPLE = 50_000  # beyond: fit on a sample and place the rest by nearest sample neighbours
KNN_REFERENCE = 10_000  # sample points the rest are placed against (cost grows linearly with this)
KNN_K = 10
# Up to here the UMAP neighbour graph is computed exactly with numpy instead of by pynndescent: pynndescent's
# numba kernels are compiled again in every new process (~25-35 s on 2 cores, not kept in numba's disk cache),
# which was most of a `build --fast` of a 5,000-row file; the exact graph costs ~1.5 s at 5k, ~10 s at 20k.
EXACT_KNN_MAX = 20_000


def knn_place(reference: np.ndarray, reference_coords: np.ndarray, query: np.ndarray, *, k: int = KNN_K):
    """Coordinates for query rows: inverse-distance-weighted mean of their nearest reference rows' coordinates.

    This is the initialisation UMAP's own `transform` starts from, without its optimisation epochs: at a
    million rows those epochs cost minutes, and the map they refine is already fixed by the sample.
    """
    idx, d2 = knn_indices(reference, query, k=k)
    weights = 1.0 / (np.sqrt(d2) + 1e-6)
    weights /= weights.sum(axis=1, keepdims=True)
    return (reference_coords[idx] * weights[..., None]).sum(axis=1).astype(np.float32)


@dataclass
class SizedUmap:
    """UMAP whose strategy follows the data size: full fit; PCA(50) + fit; or fit on a sample + transform.

    The strategy is chosen at fit time and recorded in `strategy`, so `transform` repeats the same steps.
    """

    n_components: int = 2
    n_neighbors: int = 15
    min_dist: float = 0.1
    metric: str = "cosine"
    random_state: int = SEED
    full_fit_max: int = FULL_FIT_MAX
    pca_fit_max: int = PCA_FIT_MAX
    fit_sample: int = FIT_SAMPLE
    strategy: str = ""
    _pca: object = field(default=None, repr=False)
    _umap: object = field(default=None, repr=False)
    _ref: np.ndarray | None = field(default=None, repr=False)  # PCA rows of the kNN reference sample
    _ref_coords: np.ndarray | None = field(default=None, repr=False)

    def _umap_model(self, n: int, knn: tuple[np.ndarray, np.ndarray] | None = None):
        import warnings

        import umap

        # A fixed random_state makes UMAP single-threaded; it says so on every fit. Reproducibility wins.
        warnings.filterwarnings("ignore", message=".*n_jobs value.*overridden.*")
        # Without a search index UMAP cannot `transform`; rows placed later go through knn_place instead.
        warnings.filterwarnings("ignore", message=".*knn_search_index.*")
        extra = {"precomputed_knn": knn} if knn is not None else {}
        return umap.UMAP(**extra,
            n_components=self.n_components,
            n_neighbors=min(self.n_neighbors, max(2, n - 1)),
            min_dist=self.min_dist,
            metric=self.metric,
            random_state=self.random_state,
            init="spectral" if n > self.n_components + 1 else "random",
        )

    def fit_transform(self, X: np.ndarray, progress: Callable[[int, int], None] | None = None) -> np.ndarray:
        X = np.asarray(X, dtype=np.float32)
        n = len(X)
        if n < 4:
            # UMAP needs a neighbourhood; with a handful of rows a PCA layout is honest enough.
            self.strategy = "pca"
            return self._fit_pca(X, self.n_components)
        if n <= min(self.full_fit_max, EXACT_KNN_MAX):
            # exact neighbour graph; later rows are placed among all fitted rows by knn_place
            self.strategy = "exact-knn"
            k = min(self.n_neighbors, max(2, n - 1))
            idx, dist = nearest_neighbours(X, X, k=k)
            out = self._umap_model(n, (idx, np.maximum(dist, 0.0))).fit_transform(X).astype(np.float32)
            self._ref, self._ref_coords = X, out
            return out
        if n <= self.full_fit_max:
            self.strategy = "full"
            self._umap = self._umap_model(n)
            return self._umap.fit_transform(X).astype(np.float32)
        Z = self._fit_pca(X, 50)
        self._umap = self._umap_model(n)
        if n <= self.pca_fit_max:
            self.strategy = "pca50+full"
            return self._umap.fit_transform(Z).astype(np.float32)
        self.strategy = "pca50+sample+knn"
        rng = np.random.default_rng(self.random_state)
        sample = np.sort(rng.choice(n, size=self.fit_sample, replace=False))
        out = np.empty((n, self.n_components), dtype=np.float32)
        out[sample] = self._umap.fit_transform(Z[sample])
        reference = sample[np.sort(rng.choice(len(sample), size=min(KNN_REFERENCE, len(sample)), replace=False))]
        self._ref, self._ref_coords = Z[reference], out[reference]
        rest = np.setdiff1d(np.arange(n), sample)
        for start in range(0, len(rest), 100_000):
            part = rest[start : start + 100_000]
            out[part] = knn_place(self._ref, self._ref_coords, Z[part])
            if progress:
                progress(start + len(part), len(rest))
        return out

    def _fit_pca(self, X: np.ndarray, dims: int) -> np.ndarray:
        from sklearn.decomposition import PCA

        dims = max(1, min(dims, X.shape[0], X.shape[1]))
        # 100k rows pin the principal axes down; fitting on more only costs time.
        fit_rows = X if len(X) <= 100_000 else X[np.random.default_rng(self.random_state).choice(len(X), 100_000, replace=False)]
        self._pca = PCA(n_components=dims, random_state=self.random_state).fit(fit_rows)
        Z = np.vstack([self._pca.transform(X[i : i + 200_000]) for i in range(0, len(X), 200_000)]).astype(np.float32)
        if Z.shape[1] < self.n_components:
            Z = np.pad(Z, ((0, 0), (0, self.n_components - Z.shape[1])))
        return Z

    def transform(self, X: np.ndarray) -> np.ndarray:
        X = np.asarray(X, dtype=np.float32)
        if not self.strategy:
            raise PipelineError("the reducer is not fitted yet")
        if self.strategy == "pca":
            Z = self._pca.transform(X).astype(np.float32)
            return np.pad(Z, ((0, 0), (0, max(0, self.n_components - Z.shape[1]))))[:, : self.n_components]
        Z = self._pca.transform(X).astype(np.float32) if self._pca is not None else X
        if self._ref is not None:
            return knn_place(self._ref, self._ref_coords, Z)
        return self._umap.transform(Z).astype(np.float32)


def layout_model(dataset) -> str | None:
    """The model key the layout was made from: its recorded origin, else (a layout from before origins were
    recorded) the one the fit recorded in meta, else None (unknown: trusted as the current model)."""
    origin = dataset.frame_origin("layout")
    if origin is not None:
        return origin.get("model_key")
    return (dataset.meta.get("project") or {}).get("model_key")


def project_dataset(
    dataset,
    *,
    reducer=None,
    refit: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> dict:
    """Write the `layout` frame. Fits once; afterwards only rows without coordinates are placed, so no point
    moves. The map is fitted again when asked (`refit`) or when the vectors now come from another model than
    the one the map was made from (a reducer fitted on one model's vectors cannot place another's)."""
    ids, vectors = dataset.read_vectors()
    if not ids:
        raise PipelineError(f"dataset {dataset.name!r} has no embeddings; run `mixmap embed {dataset.name}` first")
    key = dataset.meta.get("model_key")
    layout = None if refit else dataset.read_frame("layout")
    made_from = layout_model(dataset) if layout is not None else None
    if layout is not None and layout.num_rows and made_from in (None, key):
        known = layout.column("id")
        is_new = pc.invert(pc.is_in(pa.array(ids, pa.string()), value_set=known)).to_numpy(zero_copy_only=False)
        strategy = (dataset.meta.get("project") or {}).get("strategy")
        if not is_new.any():
            return {"placed": 0, "total": layout.num_rows, "strategy": strategy, "refit": False}
        if dataset.has_reducer():
            fitted = dataset.load_reducer()
            coords, strategy = fitted.transform(vectors[is_new]), getattr(fitted, "strategy", type(fitted).__name__)
        else:  # a map that came without its reducer (the bundled sample): place by the rows already on it
            coords, strategy = _place_by_layout(layout, ids, vectors, is_new), "knn on the stored layout"
        new_ids = [i for i, new in zip(ids, is_new) if new]
        added = pa.table({"id": new_ids, "x": coords[:, 0], "y": coords[:, 1]}).cast(layout.schema)
        total = layout.num_rows + len(new_ids)
        dataset.write_frame("layout", pa.concat_tables([layout, added]), derived_from={"model_key": key, "rows": total})
        return {"placed": len(new_ids), "total": total, "strategy": strategy, "refit": False}
    if refit:
        reason = "asked (--refit)"
    elif layout is None or not layout.num_rows:
        reason = "first fit"
    else:
        reason = f"model changed: the map was made from {made_from!r} vectors, the vectors are now {key!r}"
    reducer = reducer or SizedUmap()
    coords = reducer.fit_transform(vectors)
    dataset.save_reducer(reducer)
    params = {"method": "umap", "n_neighbors": 15, "metric": "cosine", "seed": SEED, "model_key": key,
              "strategy": getattr(reducer, "strategy", type(reducer).__name__), "fitted_because": reason}
    # Parameters first, layout last: the layout is what a rerun checks, so a crash between the two refits and
    # rewrites both instead of leaving a layout whose parameters were never recorded.
    dataset.update_meta(project=params)
    dataset.write_frame(
        "layout",
        pa.table({"id": pa.array(ids, pa.string()), "x": coords[:, 0].astype(np.float32), "y": coords[:, 1].astype(np.float32)}),
        derived_from={"model_key": key, "rows": len(ids)},
    )
    return {"placed": len(ids), "total": len(ids), "strategy": params["strategy"], "refit": True, "reason": reason}


def _place_by_layout(layout: pa.Table, ids: list[str], vectors: np.ndarray, is_new: np.ndarray) -> np.ndarray:
    """New rows' coordinates from their nearest placed rows (the placement UMAP's transform starts from),
    against at most KNN_REFERENCE seeded placed rows."""
    from mixmap.core.vectors import unit_rows

    position = {row_id: i for i, row_id in enumerate(ids)}
    placed = [(position[i], x, y) for i, x, y in zip(*layout.select(["id", "x", "y"]).to_pydict().values()) if i in position]
    if len(placed) > KNN_REFERENCE:
        rng = np.random.default_rng(SEED)
        placed = [placed[i] for i in np.sort(rng.choice(len(placed), KNN_REFERENCE, replace=False))]
    rows = np.array([p[0] for p in placed])
    coords = np.array([(p[1], p[2]) for p in placed], dtype=np.float32)
    return knn_place(unit_rows(vectors[rows]), coords, unit_rows(vectors[is_new]))
