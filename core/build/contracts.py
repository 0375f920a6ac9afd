"""The contracts of the build's swappable stages, beside `Embedder` (mixmap.core.embed.protocol).

As in BERTopic's pipeline, a caller may pass its own object for any stage; `None` means the default.

A Reducer (the 2-D map, and the 5-D space clusters are found in) is any object with
    fit_transform(vectors: np.ndarray) -> np.ndarray   (n, n_components) float coordinates
    transform(vectors: np.ndarray) -> np.ndarray       places rows added later without moving earlier ones
It is pickled with joblib beside the dataset, so later builds place new rows with the same fit.

A Clusterer is any object with `fit_predict(points) -> labels` or `fit(points).labels_` (scikit-learn's and
hdbscan's estimators both qualify): one int label per row, -1 for noise.
"""
from __future__ import annotations

from typing import Protocol, runtime_checkable

import numpy as np


@runtime_checkable
class Reducer(Protocol):
    def fit_transform(self, vectors: np.ndarray) -> np.ndarray: ...

    def transform(self, vectors: np.ndarray) -> np.ndarray: ...


@runtime_checkable
class Clusterer(Protocol):
    def fit_predict(self, points: np.ndarray) -> np.ndarray: ...


class OneCluster:
    """The null clusterer: every row in cluster 0. Used when there are too few rows to find structure, and
    by callers who want a map without clusters."""

    def fit_predict(self, points: np.ndarray) -> np.ndarray:
        return np.zeros(len(points), dtype=np.int32)
