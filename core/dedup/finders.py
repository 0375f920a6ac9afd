"""Duplicate finders: the registry `compute_duplicate_pairs` looks a method up in.

A finder is any object with
    name: str
    candidate_threshold: float    the lowest similarity stored, so a slider can regroup without recomputing
    default_threshold: float      the grouping threshold a curator starts from
    find(dataset, ids, texts, low) -> (pairs, params)
        pairs: a frame of i, j (positions into `ids`, i < j), sim, method; params: what to record about the run
The built-in finders register exactly as a user's own would (`register_finder`).
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Protocol, runtime_checkable

import numpy as np

if TYPE_CHECKING:
    import pandas as pd

from mixmap.core.dedup.pairs import find_exact_pairs, find_minhash_pairs, find_semantic_pairs
from mixmap.core.errors import MixmapError

SEMANTIC_GLOBAL_ROWS = 30_000  # beyond this many rows, semantic pairs are searched within clusters (SemDeDup)


@runtime_checkable
class PairFinder(Protocol):
    name: str
    candidate_threshold: float
    default_threshold: float

    def find(self, dataset, ids: np.ndarray, texts: list[str], low: float): ...


FINDERS: dict[str, PairFinder] = {}


def register_finder(finder: PairFinder) -> PairFinder:
    if not isinstance(finder, PairFinder):
        raise MixmapError(f"{finder!r} is not a duplicate finder (needs name, candidate_threshold, "
                          "default_threshold and find)")
    FINDERS[finder.name] = finder
    return finder


class ExactFinder:
    name, candidate_threshold, default_threshold = "exact", 1.0, 1.0

    def find(self, dataset, ids, texts, low):
        return find_exact_pairs(texts), {}


class MinHashFinder:
    name, candidate_threshold, default_threshold = "minhash", 0.4, 0.5

    def find(self, dataset, ids, texts, low):
        # the detector's own defaults (word 3-grams, 128 permutations); LSH tuned to the candidate threshold
        pairs = find_minhash_pairs(texts, threshold=max(low, self.default_threshold), candidate_threshold=low)
        return pairs, {"ngram": 3, "shingle": "word", "num_perm": 128}


class SemanticFinder:
    name, candidate_threshold, default_threshold = "semantic", 0.8, 0.9

    def find(self, dataset, ids, texts, low):
        return _semantic_pairs(dataset, ids, low)


def _semantic_pairs(dataset, ids: np.ndarray, low: float) -> tuple[pd.DataFrame, dict]:
    """Semantic pairs over the stored vectors, as positions into `ids` (rows without a vector are skipped)."""
    import pandas as pd

    vec_ids, vectors = dataset.read_vectors()
    if len(vec_ids) == 0:
        raise MixmapError(f"dataset {dataset.name!r} has no embeddings; run `mixmap embed {dataset.name}` first")
    position = pd.Index(ids).get_indexer(pd.Index(vec_ids, dtype=object))
    present = position >= 0
    position, vectors = position[present], vectors[present]
    clusters = None
    params = {"k": 10, "model": dataset.meta.get("model"), "search": "knn"}
    if len(position) > SEMANTIC_GLOBAL_ROWS and dataset.has_frame("clusters"):
        frame = dataset.read_frame("clusters", ["id", "cluster"]).to_pandas()
        by_id = dict(zip(frame["id"], frame["cluster"]))
        clusters = np.array([by_id.get(i, -1) for i in ids[position]], np.int64)
        params["search"] = "within clusters (SemDeDup)"
    found = find_semantic_pairs(vectors, threshold=low, k=10, clusters=clusters)
    # back from vector order to row positions, low position first
    a, b = position[found["i"].to_numpy()], position[found["j"].to_numpy()]
    found = found.assign(i=np.minimum(a, b), j=np.maximum(a, b))
    params["rows_without_vector"] = int(len(ids) - present.sum())
    return found, params


for _finder in (ExactFinder(), MinHashFinder(), SemanticFinder()):
    register_finder(_finder)
