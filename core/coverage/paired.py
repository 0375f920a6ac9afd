"""Gap pockets when the candidate holds the reference's own prompts: which of them did it lose, and where?

Common in curation: the candidate is the reference after filtering (what did my filters remove?), or the
reference's prompts answered again by another model (an eval set, two generators). Then most reference rows
have a **twin**, a candidate row at (nearly) zero distance, and a reference row is covered exactly when its
twin is there. Density comparisons miss this: measured on bench/bench_coverage_prompts.py's `eval-paired` case
(the 805 AlpacaEval prompts on both sides, one topic removed from the candidate), the union pockets of
`union.py` found 11% of the held-out topics, because every k-means region over a removed topic also holds
twinned rows of its neighbours, so the region's counts barely move. Here:

1. the sets are **paired** when at least PAIRED_SHARE of the reference rows have a twin (nearest candidate
   within TWIN_DISTANCE, cosine); otherwise `find_pockets` uses the union pockets;
2. a reference row without a twin is **missing**; the missing rows are scanned for places where they
   concentrate: every reference row with its k nearest reference rows, k in SCALES, is a region, scored by
   Kulldorff's Bernoulli log-likelihood ratio (missing share inside above the share outside);
3. the **cut** is calibrated by permutation: the missing flags are shuffled over the same fixed regions
   N_PERM times and a region is a gap only when its score beats the (1 - ALPHA) quantile of the permutations'
   best scores, so rows dropped at random (a random sample, scattered dedup) make no pocket, with a
   family-wise error of about ALPHA;
4. **pockets** are taken best score first and hold the missing rows of their region; a region whose missing
   rows are mostly (MERGE_OVERLAP) in a pocket already taken is that place again and adds only its centre
   (when that row is missing): a significant region's centre lies in the hole, while its other members
   may be rows lost at random around it (measured on synthetic clusters with 10% random loss: adding all
   of them made the pocket 27% rows of other topics, one seed). Pockets are disjoint: a later region leaves
   out rows an earlier pocket holds, and what is left must beat the cut on its own.

Above MAX_ROWS reference rows the scan runs on a seeded sample of them (the regions need a reference k-NN
graph, quadratic in rows); pockets then hold sampled rows only.
"""
from __future__ import annotations

import numpy as np

from mixmap.core.coverage.union import MERGE_OVERLAP, Pocket, ratio_bound

TWIN_DISTANCE = 0.02  # cosine: the same prompt up to whitespace or casing, not a paraphrase
PAIRED_SHARE = 0.5
SCALES = (5, 10, 20, 40, 80)
ALPHA = 0.05
N_PERM = 99
MIN_MISSING_ROWS = 3
MAX_ROWS = 20_000


def twin_share(candidate_distance: np.ndarray) -> float:
    """Share of reference rows whose nearest candidate row (cosine distance given) is a twin."""
    d = np.asarray(candidate_distance, dtype=float)
    return float((d <= TWIN_DISTANCE).mean()) if len(d) else 0.0


def is_paired(candidate_distance: np.ndarray) -> bool:
    return twin_share(candidate_distance) >= PAIRED_SHARE


def _entropy_terms(a, b):
    """a log(a / (a + b)) + b log(b / (a + b)) with 0 log 0 = 0: a Bernoulli log-likelihood at its MLE."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    n = np.maximum(a + b, 1)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(a > 0, a * np.log(a / n), 0.0) + np.where(b > 0, b * np.log(b / n), 0.0)


def _region_llr(a, size, n: int, total: int, min_rows: int):
    """Kulldorff's Bernoulli log-likelihood ratio of regions holding `a` missing rows out of `size`, among `n`
    rows of which `total` are missing; 0 where the missing share inside is not higher or a < min_rows."""
    a, size = np.asarray(a), np.asarray(size)
    b = size - a
    llr = (_entropy_terms(a, b) + _entropy_terms(total - a, (n - total) - b)
           - _entropy_terms(total, n - total))
    higher = a / np.maximum(size, 1) > (total - a) / np.maximum(n - size, 1)
    return np.where(higher & (a >= min_rows), llr, 0.0)


def _scores(missing: np.ndarray, neighbours: np.ndarray, scales: tuple[int, ...], min_rows: int):
    """Per (row, scale) region: the scan's log-likelihood ratio (0 where not a gap)."""
    a = missing[:, None] + np.cumsum(missing[neighbours], axis=1)[:, np.asarray(scales) - 1]
    return _region_llr(a, np.asarray(scales) + 1, len(missing), int(missing.sum()), min_rows)


def paired_pockets(reference: np.ndarray, candidate_distance: np.ndarray, *, scales: tuple[int, ...] = SCALES,
                   alpha: float = ALPHA, n_perm: int = N_PERM, min_rows: int = MIN_MISSING_ROWS,
                   max_rows: int = MAX_ROWS, seed: int = 42) -> list[Pocket]:
    """Pockets of reference rows whose twin the candidate lacks, best first (module doc). `reference` are
    unit vectors; `candidate_distance[i]` is reference row i's nearest candidate cosine distance."""
    from mixmap.core.vectors import nearest_neighbours

    rng = np.random.default_rng(seed)
    rows = np.arange(len(reference))
    if len(rows) > max_rows:
        rows = np.sort(rng.choice(len(rows), max_rows, replace=False))
    missing = (np.asarray(candidate_distance)[rows] > TWIN_DISTANCE).astype(np.int64)
    n = len(rows)
    if n < 3 or missing.sum() < min_rows:
        return []
    scales = tuple(k for k in scales if k < n) or (n - 1,)
    neighbours, _ = nearest_neighbours(reference[rows], reference[rows], k=max(scales), skip=np.arange(n))
    score = _scores(missing, neighbours, scales, min_rows)
    null = np.array([_scores(rng.permutation(missing), neighbours, scales, min_rows).max()
                     for _ in range(n_perm)])
    cut = max(float(np.quantile(null, 1 - alpha)), 0.0)
    centre, scale = np.nonzero(score > cut)
    pockets: list[Pocket] = []
    strength: list[float] = []
    for i in np.argsort(-score[centre, scale], kind="stable"):
        c, s = centre[i], scale[i]
        members = np.r_[c, neighbours[c, : scales[s]]]
        lost = np.sort(members[missing[members] == 1])
        for pocket in pockets:
            if np.intersect1d(lost, pocket.rows).size >= MERGE_OVERLAP * min(len(lost), len(pocket.rows)):
                if missing[c] and not any(c in p.rows for p in pockets):  # a centre inside the hole, not yet taken
                    pocket.rows = np.union1d(pocket.rows, [c])
                break
        else:
            # pockets are disjoint: a row lacking data is counted once, and what a region adds beyond the
            # pockets before it must still beat the cut on its own (else it is the border of a pocket taken)
            taken = np.concatenate([p.rows for p in pockets]) if pockets else np.zeros(0, dtype=np.int64)
            free = np.setdiff1d(members, taken)
            lost = free[missing[free] == 1]
            own = float(_region_llr(len(lost), len(free), n, int(missing.sum()), min_rows))
            if own <= cut:
                continue
            p_value = float((np.sum(null >= own) + 1) / (n_perm + 1))
            pockets.append(Pocket(rows=lost, ratio_bound=float(ratio_bound(len(lost), 0, n, n)), ratio=0.0,
                                  n_ref=len(lost), n_cand=0, p_value=p_value))
            strength.append(own)
    pockets = [pockets[i] for i in np.argsort(-np.asarray(strength), kind="stable")]  # by what each adds
    for pocket in pockets:
        pocket.rows = rows[pocket.rows]
        pocket.n_ref = len(pocket.rows)
    return pockets


def find_pockets(reference: np.ndarray, candidate: np.ndarray, candidate_distance: np.ndarray, *, seed: int = 42,
                 align: bool = False) -> tuple[list[Pocket], str]:
    """(pockets, method): the paired scan when the candidate holds most of the reference's own rows, else the
    union pockets (`union.py`; `align` removes a style offset first, on whole-row vectors)."""
    from mixmap.core.coverage.union import union_pockets

    if is_paired(candidate_distance):
        return paired_pockets(reference, candidate_distance, seed=seed), "paired"
    return union_pockets(reference, candidate, seed=seed, align=align), "union"
