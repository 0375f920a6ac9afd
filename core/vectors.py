"""Vector maths every stage shares: row normalisation and exact blockwise nearest neighbours.

One copy of each, so the map's placement, coverage, duplicates and sampling measure distance the same way.
Everything is numpy; blocks bound the memory of the distance matrix. Three searches, one per question:
`nearest_neighbours` (cosine, k nearest of each query), `knn_indices` (squared L2 on coordinates that are
not unit vectors, e.g. PCA projections the map places rows by), `similar_pairs` (a thresholded self-join).
"""
from __future__ import annotations

import numpy as np


def unit_rows(vectors: np.ndarray) -> np.ndarray:
    """Rows scaled to unit length (zero rows stay zero), as float32."""
    vectors = np.asarray(vectors, dtype=np.float32)
    return vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)


def nearest_neighbours(queries: np.ndarray, base: np.ndarray, *, k: int = 1, skip: np.ndarray | None = None,
                       skip_duplicates: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """(indices, cosine distances), each (len(queries), k), nearest first; exact flat search in chunks.

    `skip[i]` is a base index query i may not match (itself); `skip_duplicates` ignores distance ~0.
    """
    q, b = unit_rows(queries), unit_rows(base)
    k = max(1, min(k, len(b) - (1 if skip is not None else 0)))
    idx = np.zeros((len(q), k), dtype=np.int64)
    dist = np.ones((len(q), k), dtype=np.float32)
    if len(b) == 0 or len(q) == 0:
        return idx, dist
    chunk = max(1, int(4e7 // max(len(b), 1)))
    for start in range(0, len(q), chunk):
        sim = q[start:start + chunk] @ b.T
        if skip is not None:
            sim[np.arange(len(sim)), skip[start:start + chunk]] = -np.inf
        if skip_duplicates:
            sim[sim > 1 - 1e-6] = -np.inf
        if k == 1:
            top = sim.argmax(axis=1)[:, None]
        elif k < sim.shape[1]:
            top = np.argpartition(-sim, k - 1, axis=1)[:, :k]
        else:
            top = np.tile(np.arange(sim.shape[1]), (len(sim), 1))
        top_sim = np.take_along_axis(sim, top, axis=1)
        order = np.argsort(-top_sim, axis=1)
        idx[start:start + chunk] = np.take_along_axis(top, order, axis=1)
        dist[start:start + chunk] = np.clip(1 - np.take_along_axis(top_sim, order, axis=1), 0, 2)
    return idx, dist


def knn_indices(reference: np.ndarray, query: np.ndarray, *, k: int = 10, block: int = 4096):
    """(indices, squared distances) of each query row's k nearest reference rows; exact, blockwise.

    Blocks keep the distance matrix at block x len(reference) floats; the work is one BLAS product per
    block, which is what makes placing a million rows take a minute rather than an hour.
    """
    reference = np.ascontiguousarray(reference, dtype=np.float32)
    ref_sq = (reference**2).sum(axis=1)
    k = min(k, len(reference))
    out_idx = np.empty((len(query), k), dtype=np.int64)
    out_d2 = np.empty((len(query), k), dtype=np.float32)
    for start in range(0, len(query), block):
        q = np.ascontiguousarray(query[start : start + block], dtype=np.float32)
        d2 = ref_sq[None, :] - 2.0 * (q @ reference.T) + (q**2).sum(axis=1)[:, None]
        part = np.argpartition(d2, k - 1, axis=1)[:, :k]
        out_idx[start : start + len(q)] = part
        out_d2[start : start + len(q)] = np.maximum(np.take_along_axis(d2, part, axis=1), 0)
    return out_idx, out_d2


def similar_pairs(x: np.ndarray, ids: np.ndarray, *, threshold: float, k: int, block: int
               ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each row's up-to-k most similar other rows of unit rows `x` with cosine >= threshold, as (ids[i], ids[j],
    sim); the self-join duplicates are found with. Blockwise and exact, like the two searches above."""
    n = len(x)
    k = min(k, n - 1)
    if k < 1:
        return np.empty(0, np.int64), np.empty(0, np.int64), np.empty(0, np.float32)
    block = max(1, min(block, (1 << 25) // n))
    ii, jj, ss = [], [], []
    for start in range(0, n, block):
        sims = x[start:start + block] @ x.T
        rows = np.arange(start, min(start + block, n))
        sims[rows - start, rows] = -np.inf  # not its own neighbour
        # threshold first, then top-k among the few hits: a full argpartition per row costs more than the
        # matrix product, and almost every score is below a duplicate threshold
        r, c = np.nonzero(sims >= threshold)
        val = sims[r, c]
        order = np.lexsort((-val, r))
        r, c, val = r[order], c[order], val[order]
        first = np.searchsorted(r, r, side="left")  # rank within the row = position - row's first position
        top = np.arange(len(r)) - first < k
        ii.append(r[top] + start)
        jj.append(c[top])
        ss.append(val[top])
    return ids[np.concatenate(ii)], ids[np.concatenate(jj)], np.concatenate(ss).astype(np.float32)
