"""Diversity of a dataset, a source or a selection, as two documented numbers.

- **Effective number of clusters** = exp(H), H = -sum p_c log p_c over the share p_c of rows in each cluster
  (the Hill number of order 1, the "perplexity" of the cluster distribution). k equally large clusters give
  k; one dominant cluster gives ~1. Noise rows (cluster -1) are left out; their share is reported beside it.
- **Vendi score** (Friedman & Dieng, 2023) = exp(-sum lambda_i log lambda_i), lambda_i the eigenvalues of K/n,
  K the n x n cosine-similarity matrix of n rows. It is the effective number of distinct rows: 1 when all
  rows are the same, n when they are mutually orthogonal. With unit vectors K = X X^T, whose non-zero
  eigenvalues are those of the d x d matrix X^T X, so it is computed exactly from that (it can therefore
  not exceed the embedding dimension, 384 for MiniLM). It is computed on a seeded sample of up to 20,000 rows,
  drawn from the sorted ids (`vendi_sample`), so every caller (`mixmap diversity`, the report card) scores the
  same rows the same way.

This module is the one home of both numbers.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from mixmap.core.vectors import unit_rows

NOISE = -1
VENDI_SAMPLE = 20_000
VENDI_SEED = 42


def effective_clusters(labels, *, include_noise: bool = False) -> float:
    """exp(entropy) of the cluster distribution; 0.0 for no rows."""
    labels = np.asarray(labels)
    if not include_noise:
        labels = labels[labels != NOISE]
    if len(labels) == 0:
        return 0.0
    _, counts = np.unique(labels, return_counts=True)
    p = counts / counts.sum()
    return float(np.exp(-(p * np.log(p)).sum()))


def vendi_sample(ids, *, limit: int = VENDI_SAMPLE, seed: int = VENDI_SEED) -> list[str]:
    """The rows a Vendi score is computed on: all of them, or a seeded sample of `limit` of the sorted ids."""
    ids = sorted(ids)
    if len(ids) <= limit:
        return ids
    return [ids[i] for i in np.sort(np.random.default_rng(seed).choice(len(ids), size=limit, replace=False))]


def vendi_score(vectors: np.ndarray) -> float:
    """Vendi score with the cosine-similarity kernel of all given rows (callers sample with `vendi_sample`)."""
    X = unit_rows(np.asarray(vectors, dtype=np.float64)).astype(np.float64)
    if len(X) == 0:
        return 0.0
    gram = (X.T @ X) if X.shape[0] >= X.shape[1] else (X @ X.T)
    lam = np.linalg.eigvalsh(gram / len(X))
    lam = lam[lam > 1e-12]
    return float(np.exp(-(lam * np.log(lam)).sum()))


def diversity(ids: np.ndarray, vectors: np.ndarray, labels, *, sample: int = VENDI_SAMPLE) -> dict:
    labels = np.asarray(labels)
    position = {row_id: i for i, row_id in enumerate(ids)}
    picked = [position[i] for i in vendi_sample(ids, limit=sample)]
    return {"rows": len(labels), "effective_clusters": round(effective_clusters(labels), 3),
            "clusters": len(np.unique(labels[labels != NOISE])),
            "noise_share": round(float((labels == NOISE).mean()) if len(labels) else 0.0, 4),
            "vendi": round(vendi_score(vectors[picked]), 3)}


def diversity_table(dataset, *, ids=None, by_source: bool = True, sample: int = VENDI_SAMPLE) -> pd.DataFrame:
    """One row per scope: the whole dataset, each source (when by_source) and the given `ids` (a selection)."""
    row_ids, vectors = dataset.read_vectors()
    frame = pd.DataFrame({"id": row_ids})
    rows = dataset.read_rows(["id", "source"]).to_pandas()
    frame = frame.merge(rows, on="id", how="left")
    clusters = dataset.read_frame("clusters")
    if clusters is not None:
        frame = frame.merge(clusters.to_pandas(), on="id", how="left")
        frame["cluster"] = frame["cluster"].fillna(NOISE).astype(int)
    else:
        frame["cluster"] = 0
    scopes = [("dataset", np.ones(len(frame), dtype=bool))]
    if by_source:
        scopes += [(f"source: {s}", (frame["source"] == s).to_numpy()) for s in sorted(frame["source"].dropna().unique())]
    if ids is not None:
        scopes.append(("selection", frame["id"].isin(set(ids)).to_numpy()))
    row_ids = frame["id"].to_numpy()
    out = [{"scope": name, **diversity(row_ids[mask], vectors[mask], frame["cluster"].to_numpy()[mask], sample=sample)}
           for name, mask in scopes if mask.any()]
    return pd.DataFrame(out)
