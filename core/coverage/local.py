"""The local coverage signal behind gap ranking: is a reference row's neighbourhood short of candidate rows?

A global share difference per unit (reference share - candidate share) lets a topic that is 1-2% of the
reference lose to chance fluctuations in big units. Instead every reference row is tested on its own
neighbourhood, and units are ranked by how many reference rows are locally uncovered:

- **local reference count**: among a reference row's k nearest rows of the pooled candidate + reference set
  (itself excluded), how many are reference rows. If the two sets were mixed at random the count would be
  Binomial(k, p0) with p0 = (n_ref - 1) / (n_ref - 1 + n_cand), whatever the density of the region, so the
  test adapts to dense and sparse regions and to any size ratio of the two sets.
- **uncovered weight** of a row = (count / k - p0) / (1 - p0): 1 when all neighbours are reference rows,
  0 at the mixed rate, negative where the candidate is denser. Its sum over a unit estimates how many of the
  unit's reference rows the candidate lacks; the sum is unbiased, so noise in covered rows cancels.
- **z** of a unit = that sum divided by its standard deviation under mixing (sqrt(n * p0 / (k (1 - p0)))).
  Neighbourhoods overlap, so z is a ranking score, not a calibrated test.
- **under-covered row**: the binomial upper tail of its count is below `alpha` (default 0.01).
- **gap pockets** (the `cluster` unit): the under-covered reference rows only, grouped by average-linkage
  clustering (cosine) cut at 1.6 x the coverage radius r; then rows that lean reference more loosely
  (p < 0.5) join the nearest pocket if they lie within it. A small missing topic gets a unit of its own
  instead of being diluted in a unit sized for the whole reference.

Chosen on Alpaca with planted gaps (bench/bench_coverage.py, static model, the `dev` topics): k = 30 with
alpha = 0.01 found as many removed topics as k = 10 or 20 or alpha = 0.05, with fewer false topics in the
top 3; cuts at 0.5 / 0.6 / 0.7 cosine (r was about 0.375) found 10 / 10 / 7 of 12, and growth (p < 0.5)
raised the share of a removed topic's rows in its pocket (cooking: 0.21 with k-means pockets and no growth,
0.72 now). The `heldout` topics, on a disjoint slice of Alpaca, were not used for any of these choices.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from mixmap.core.vectors import unit_rows

NEIGHBOURS = 30
ALPHA = 0.01
GROW = 0.5
LINKAGE = 1.6
POCKET_SAMPLE = 4000


@dataclass
class LocalSignal:
    k: int
    expected: float  # p0: the share of reference rows among neighbours if the sets were mixed
    ref_count: np.ndarray  # per reference row: reference rows among its k nearest pooled rows
    weight: np.ndarray  # uncovered weight per reference row (see module doc)
    p_value: np.ndarray  # binomial upper tail of ref_count
    cand_idx: np.ndarray  # (n_ref, k_c) nearest candidate rows, nearest first
    cand_dist: np.ndarray
    cand_in_k: np.ndarray  # (n_ref, k_c) whether that candidate row is among the k nearest pooled rows

    @property
    def row_sd(self) -> float:
        """Standard deviation of one row's weight under mixing."""
        p0 = self.expected
        # floored: with one reference row p0 = 0, every weight is 0, and z should be 0 rather than nan
        return max(float(np.sqrt(p0 / (self.k * max(1 - p0, 1e-12)))), 1e-12) if self.k else 1.0

    def under_covered(self, alpha: float = ALPHA) -> np.ndarray:
        return self.p_value < alpha


def local_signal(reference: np.ndarray, candidate: np.ndarray, *, k: int = NEIGHBOURS) -> LocalSignal:
    """The local reference count of every reference row against the pooled set (unit vectors expected)."""
    from scipy.stats import binom

    from mixmap.core.vectors import nearest_neighbours

    n_r, n_c = len(reference), len(candidate)
    cand_idx, cand_dist = nearest_neighbours(reference, candidate, k=min(k, n_c))
    if n_r > 1:
        _, ref_dist = nearest_neighbours(reference, reference, k=min(k, n_r - 1), skip=np.arange(n_r))
    else:
        ref_dist = np.empty((n_r, 0), dtype=np.float32)
    k_eff = min(k, cand_dist.shape[1] + ref_dist.shape[1])
    pooled = np.hstack([cand_dist, ref_dist])
    order = np.argsort(pooled, axis=1, kind="stable")[:, :k_eff]  # ties go to the candidate: no false gaps
    ref_count = (order >= cand_dist.shape[1]).sum(axis=1)
    kth = np.take_along_axis(pooled, order[:, -1:], axis=1)
    p0 = (n_r - 1) / max(n_r - 1 + n_c, 1)
    weight = (ref_count / max(k_eff, 1) - p0) / max(1 - p0, 1e-12)
    p_value = binom.sf(ref_count - 1, k_eff, p0)
    return LocalSignal(k=k_eff, expected=p0, ref_count=ref_count, weight=weight, p_value=p_value,
                       cand_idx=cand_idx, cand_dist=cand_dist, cand_in_k=cand_dist <= kth)


def gap_pockets(reference: np.ndarray, signal: LocalSignal, *, radius: float, alpha: float = ALPHA,
                n_clusters: int | None = None, grow: float = GROW, fit_sample: int = POCKET_SAMPLE,
                seed: int = 42) -> np.ndarray:
    """A pocket label per reference row (-1 = in no pocket): the under-covered rows, grouped (see module doc).

    Average-linkage clustering cut at LINKAGE x the coverage radius, so a coherent missing topic stays one
    pocket however large it is, and the cut scales with the model's distances (measured: k-means with a
    fixed number of pockets either split a large missing topic or merged small ones). Above `fit_sample`
    under-covered rows, a seeded sample is clustered and the rest join the nearest pocket centre.
    """
    from sklearn.cluster import AgglomerativeClustering

    labels = np.full(len(reference), -1, dtype=np.int32)
    rows = np.flatnonzero(signal.under_covered(alpha))
    if len(rows) < 2:
        labels[rows] = 0
        return _grow(reference, labels, signal, grow)
    fit = np.sort(np.random.default_rng(seed).choice(rows, size=min(len(rows), fit_sample), replace=False))
    cut = dict(n_clusters=min(n_clusters, len(fit))) if n_clusters else dict(n_clusters=None,
                                                                                distance_threshold=LINKAGE * radius)
    labels[fit] = AgglomerativeClustering(metric="cosine", linkage="average", **cut).fit_predict(reference[fit])
    rest = np.setdiff1d(rows, fit)
    if len(rest):
        pockets, centres = _centres(reference, labels)
        labels[rest] = pockets[(reference[rest] @ centres.T).argmax(axis=1)]
    return _grow(reference, labels, signal, grow)


def _centres(reference: np.ndarray, labels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    pockets = np.unique(labels[labels >= 0])
    centres = np.stack([reference[labels == p].mean(axis=0) for p in pockets])
    return pockets, unit_rows(centres)


def _grow(reference: np.ndarray, labels: np.ndarray, signal: LocalSignal, grow: float) -> np.ndarray:
    """Rows whose neighbourhood leans reference (p < `grow`) join the nearest pocket if they lie within it.

    The cores are strict so that a pocket holds the missing topic and little else; most rows of a missing
    topic still have a candidate neighbour or two and miss the strict test, so without this a pocket held a
    minority of the removed topic's rows. "Within" = at least as similar to the pocket's centre as its least
    similar core row.
    """
    if grow <= 0 or not (labels >= 0).any():
        return labels
    pockets, centres = _centres(reference, labels)
    floor = np.array([(reference[labels == p] @ c).min() for p, c in zip(pockets, centres)])
    joiners = np.flatnonzero((labels < 0) & (signal.p_value < grow))
    if len(joiners):
        sim = reference[joiners] @ centres.T
        best = sim.argmax(axis=1)
        inside = sim[np.arange(len(joiners)), best] >= floor[best]
        labels[joiners[inside]] = pockets[best[inside]]
    return labels


def pocket_candidates(units: np.ndarray, signal: LocalSignal) -> dict[int, int]:
    """Per pocket: how many distinct candidate rows are among its reference rows' k nearest pooled rows."""
    out = {}
    for unit in np.unique(units[units >= 0]):
        members = units == unit
        out[int(unit)] = len(np.unique(signal.cand_idx[members][signal.cand_in_k[members]]))
    return out


def score_units(table: pd.DataFrame, reference_units: np.ndarray, signal: LocalSignal) -> pd.DataFrame:
    """Add `uncovered` (summed weights), `missing_mass` (uncovered / reference rows) and `z`; rank by z.

    The global share difference stays as `mass_difference` for comparison.
    """
    valid = reference_units >= 0
    sums = pd.Series(signal.weight[valid]).groupby(reference_units[valid]).sum()
    table = table.rename(columns={"missing_mass": "mass_difference"})
    table["uncovered"] = table["unit"].map(sums).fillna(0.0)
    table["missing_mass"] = table["uncovered"].clip(lower=0) / max(len(reference_units), 1)
    table["z"] = table["uncovered"] / (np.sqrt(table["n_ref"].clip(lower=1)) * signal.row_sd)
    return table.sort_values(["z", "n_ref"], ascending=False, kind="stable").reset_index(drop=True)
