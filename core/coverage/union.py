"""Gap pockets from clusters of the union: where is the candidate's density far below the reference's?

The per-row local test (`core/coverage/local.py`) asks whether a reference row's k nearest pooled rows are
mostly reference rows. That fails in two common cases, measured on bench/bench_coverage_prompts.py:

- a **style shift**: when the reference is written in another style (an eval set answered by another
  model), its rows sit among themselves everywhere, so a broad region whose shares match on both sides
  looks uncovered and ranks first;
- a **small topic** (1-2% of the reference) has fewer rows than k, so its rows' neighbourhoods are filled
  with candidate rows of the nearby topics and never test as uncovered.

Here the two sets are compared on *regions* of their union instead, at several resolutions:

1. the union of reference and candidate vectors (prompt-side vectors by default, see `core/embed/prompts.py`)
   is cut by seeded k-means into regions of about `sizes` rows (coarse to fine: fine regions catch small
   topics, coarse ones keep a large missing topic whole);
2. per region, n_ref and n_cand against the null that the region holds the two sets in their overall ratio:
   the one-sided binomial tail P(X >= n_ref | n_ref + n_cand, N_ref / (N_ref + N_cand)) must be below `alpha`;
3. the **minimum effect**: the candidate's share there must be at most `max_ratio` of the reference's share,
   so a broad region whose shares match (or are merely a little off) is never a gap, however large;
4. regions are ranked by the **upper confidence bound of that share ratio** (Clopper-Pearson, 95%): a region
   the candidate confidently lacks ranks above one it has only a little less of, and a tiny region cannot
   win on luck (a 3-row region with no candidate row has a bound of ~0.6, a 20-row one ~0.14);
5. **pockets**: flagged regions that share at least half the reference rows of the smaller one (the same
   place seen at another resolution) are one pocket with the best bound; a finer region adds its rows to it,
   a coarser one does not (it might span a second missing topic). Reference rows in no pocket get -1.

A uniform style offset moves every reference row alike, so it changes no region's counts much; and prompt-side
vectors remove most of it before this step. The ratio bound is a ranking score, not a calibrated test:
k-means regions are drawn on the data they test.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

SIZES = (200, 60, 20)  # union rows per region, coarse to fine
ALPHA = 1e-3
MAX_RATIO = 0.5
CONFIDENCE = 0.95
MIN_REFERENCE_ROWS = 3
MERGE_OVERLAP = 0.5
ALIGN_ROUNDS = 3
ALIGN_KEEP = 0.5
ALIGN_GAIN = 0.1
FIT_SAMPLE = 60_000  # k-means is fitted on at most this many union rows; the rest are assigned
MAX_REGIONS = 1000  # per resolution: above ~20k union rows the finest regions grow instead (k-means cost)


@dataclass
class Pocket:
    rows: np.ndarray  # reference row indices
    ratio_bound: float  # upper confidence bound of candidate share / reference share (lower = bigger gap)
    ratio: float  # the point estimate
    n_ref: int
    n_cand: int
    p_value: float


def _regions(union: np.ndarray, n_regions: int, seed: int) -> np.ndarray:
    """Region of every union row: seeded k-means (fitted on a sample above FIT_SAMPLE rows), nearest centre.

    Measured: regions fitted on the reference rows alone let candidate rows of nearby topics fall into a
    missing topic's region (0 of 7 coherent planted topics found, against 2 of 7 with union regions).
    """
    from sklearn.cluster import KMeans

    fit = union
    if len(union) > FIT_SAMPLE:
        fit = union[np.random.default_rng(seed).choice(len(union), size=FIT_SAMPLE, replace=False)]
    model = KMeans(n_clusters=min(n_regions, len(fit)), n_init=1, max_iter=100, random_state=seed).fit(fit)
    if fit is union:
        return model.labels_
    centres = model.cluster_centers_.astype(np.float32)
    half_norms = 0.5 * (centres * centres).sum(axis=1)  # nearest centre: argmax x.c - |c|^2 / 2
    labels = np.empty(len(union), dtype=np.int64)
    for start in range(0, len(union), 50_000):
        labels[start:start + 50_000] = (union[start:start + 50_000] @ centres.T - half_norms).argmax(axis=1)
    return labels


def remove_style_offset(reference: np.ndarray, candidate: np.ndarray, *, rounds: int = ALIGN_ROUNDS,
                        keep: float = ALIGN_KEEP) -> np.ndarray:
    """The reference moved by minus its shared offset from the candidate (unit rows back), by trimmed ICP.

    Each round matches every reference row to its nearest candidate row and takes the mean displacement
    over the best-matched `keep` share of rows; the trimming keeps a region the candidate truly lacks (whose
    rows match far away, all in one direction) from passing for style. The shift is kept only when it brings
    the reference at least ALIGN_GAIN closer (median nearest-candidate distance): without a real offset the
    matched displacements still lean toward the candidate's dense regions, and moving by them distorts
    (measured on AlpacaEval prompts vs Alpaca: an unconditional shift lost a planted topic it found before).
    """
    from mixmap.core.vectors import nearest_neighbours, unit_rows

    shift = np.zeros(reference.shape[1], dtype=np.float32)
    moved = reference
    before = None
    for _ in range(rounds):
        idx, dist = nearest_neighbours(moved, candidate, k=1)
        before = float(np.median(dist[:, 0])) if before is None else before
        good = dist[:, 0] <= np.quantile(dist[:, 0], keep)
        shift = shift + (moved[good] - candidate[idx[good, 0]]).mean(axis=0)
        moved = unit_rows(reference - shift)
    _, dist = nearest_neighbours(moved, candidate, k=1)
    return moved if float(np.median(dist[:, 0])) <= (1 - ALIGN_GAIN) * (before or 0.0) else reference


def ratio_bound(n_ref: np.ndarray, n_cand: np.ndarray, total_ref: int, total_cand: int,
                confidence: float = CONFIDENCE) -> np.ndarray:
    """Upper confidence bound of (n_cand / total_cand) / (n_ref / total_ref), from the candidate fraction."""
    from scipy.stats import beta

    n_ref, n_cand = np.asarray(n_ref, dtype=float), np.asarray(n_cand, dtype=float)
    q_hi = np.where(n_ref > 0, beta.ppf(confidence, n_cand + 1, np.maximum(n_ref, 1)), 1.0)
    q_hi = np.clip(q_hi, 0.0, 1 - 1e-12)
    return q_hi / (1 - q_hi) * (total_ref / max(total_cand, 1))


def union_pockets(reference: np.ndarray, candidate: np.ndarray, *, sizes: tuple[int, ...] = SIZES,
                  alpha: float = ALPHA, max_ratio: float = MAX_RATIO, min_rows: int = MIN_REFERENCE_ROWS,
                  align: bool = True, seed: int = 42) -> list[Pocket]:
    """Pockets of reference rows the candidate lacks, best first (see the module doc)."""
    from scipy.stats import binom

    n_r, n_c = len(reference), len(candidate)
    if n_r == 0 or n_c == 0:
        return []
    if align:
        reference = remove_style_offset(reference, candidate)
    union = np.vstack([reference, candidate]).astype(np.float32, copy=False)
    p0 = n_r / (n_r + n_c)
    found: list[Pocket] = []
    for size in sizes:
        n_regions = int(np.clip(len(union) // max(size, 1), 2, MAX_REGIONS))
        labels = _regions(union, n_regions, seed)
        lab_r, lab_c = labels[:n_r], labels[n_r:]
        cr = np.bincount(lab_r, minlength=n_regions)
        cc = np.bincount(lab_c, minlength=n_regions)
        p_value = binom.sf(cr - 1, cr + cc, p0)
        ratio = (cc / n_c) / np.maximum(cr / n_r, 1e-12)
        bound = ratio_bound(cr, cc, n_r, n_c)
        keep = (cr >= min_rows) & (p_value < alpha) & (ratio <= max_ratio)
        for region in np.flatnonzero(keep):
            found.append(Pocket(rows=np.flatnonzero(lab_r == region), ratio_bound=float(bound[region]),
                                ratio=float(ratio[region]), n_ref=int(cr[region]), n_cand=int(cc[region]),
                                p_value=float(p_value[region])))
    found.sort(key=lambda p: (p.ratio_bound, -p.n_ref))
    return _merge(found)


def _merge(ranked: list[Pocket]) -> list[Pocket]:
    """Keep the best-ranked of regions that hold the same reference rows at another resolution.

    A region sharing at least MERGE_OVERLAP of the smaller one's reference rows with a pocket already kept is
    that place seen again; its rows not in any pocket yet join that pocket only when the region is the finer
    one (so a coarse region that also spans a second missing topic does not swallow it).
    """
    pockets: list[Pocket] = []
    for region in ranked:
        rows = set(region.rows.tolist())
        for pocket in pockets:
            shared = len(rows.intersection(pocket.rows.tolist()))
            if shared >= MERGE_OVERLAP * min(len(rows), len(pocket.rows)):
                if len(rows) < len(pocket.rows):
                    pocket.rows = np.union1d(pocket.rows, region.rows)
                break
        else:
            pockets.append(Pocket(rows=region.rows.copy(), ratio_bound=region.ratio_bound, ratio=region.ratio,
                                  n_ref=region.n_ref, n_cand=region.n_cand, p_value=region.p_value))
    return pockets


def pocket_labels(n_reference: int, pockets: list[Pocket]) -> np.ndarray:
    """A pocket number per reference row (rank order, 0 = best), -1 for rows in no pocket."""
    labels = np.full(n_reference, -1, dtype=np.int32)
    for number in range(len(pockets) - 1, -1, -1):  # a row in two pockets keeps the better-ranked one
        labels[pockets[number].rows] = number
    return labels
