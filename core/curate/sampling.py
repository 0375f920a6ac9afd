"""Seeded sampling strategies. Each one ranks candidates; a quota then takes a prefix of the ranking.

A ranking is "prefix-consistent": its first k items are a good k-sample for every k, so one ranking serves
row quotas and token quotas alike (take rows in rank order until the quota is met).

    random_order(n, seed=)                          a seeded permutation
    stratified_order(labels, seed=, cap=, floor=, allocation=)
        per stratum (cluster by default): the first `floor` rows of every stratum come first (round robin),
        then rows interleave so any prefix is split across strata proportionally to their size
        ("proportional") or evenly ("equal"); no stratum ever passes its `cap`. So a k-sample has, per
        stratum, min(floor, size) <= count <= min(cap, size) whenever k >= sum of min(floor, size).
    farthest_point_order(vectors, seed=)            greedy k-center (farthest point first) on cosine
        distance, as FiftyOne's `find_unique`: each next row is the one farthest from all rows taken so far.
        Lazy: it computes only as many steps as the quota takes, O(n * d) per step.
    weighted_order(weights, seed=)                  sampling without replacement proportional to a score
        (Efraimidis-Spirakis keys u^(1/w)); zero-weight rows come last.

`take(order, quota_rows=, quota_tokens=, tokens=)` applies a quota to a ranking.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping

import numpy as np

from mixmap.core.errors import MixmapError
from mixmap.core.vectors import nearest_neighbours, unit_rows

STRATEGIES = ("random", "stratified", "diversity", "weighted")
ALLOCATIONS = ("proportional", "equal")
MAX_SKIPS = 64  # token quotas: stop after this many consecutive rows that do not fit the remaining quota


def random_order(n: int, *, seed: int) -> np.ndarray:
    return np.random.default_rng(seed).permutation(n)


def _per_stratum(value: int | Mapping | None, stratum, default: int) -> int:
    if value is None:
        return default
    if isinstance(value, Mapping):
        got = value.get(str(stratum), value.get(stratum))
        return default if got is None else int(got)
    return int(value)


def stratified_order(labels: np.ndarray | list, *, seed: int, cap: int | Mapping | None = None,
                     floor: int | Mapping | None = None, allocation: str = "proportional") -> np.ndarray:
    """Positions ranked so every prefix respects floors first, then caps and proportional (or equal) shares.

    `cap` / `floor` are one number for every stratum or a {stratum: n} mapping (strata not named are uncapped /
    have no floor). Rows past a stratum's cap are left out of the ranking.
    """
    if allocation not in ALLOCATIONS:
        raise MixmapError(f"allocation must be one of {', '.join(ALLOCATIONS)}, not {allocation!r}")
    labels = np.asarray(labels)
    n = len(labels)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    rng = np.random.default_rng(seed)
    strata, inverse = np.unique(labels.astype(str), return_inverse=True)
    shuffled = rng.permutation(n)
    positions: list[np.ndarray] = []
    phase: list[np.ndarray] = []
    keys: list[np.ndarray] = []
    tiebreak: list[np.ndarray] = []
    for s, name in enumerate(strata):
        members = shuffled[inverse[shuffled] == s]  # this stratum's rows in a seeded random order
        size = len(members)
        original = labels[members[0]].item() if hasattr(labels[members[0]], "item") else labels[members[0]]
        stratum_cap = min(size, max(0, _per_stratum(cap, original, size)))
        stratum_floor = min(stratum_cap, max(0, _per_stratum(floor, original, 0)))
        kept = members[:stratum_cap]
        j = np.arange(len(kept), dtype=np.float64)
        in_floor = j < stratum_floor
        positions.append(kept)
        phase.append(np.where(in_floor, 0, 1))
        # floors: round robin by rank j; the rest: proportional keys (j + 0.5) / size, or j for "equal"
        keys.append(np.where(in_floor, j, (j + 0.5) / size if allocation == "proportional" else j))
        tiebreak.append(np.full(len(kept), s))
    pos = np.concatenate(positions)
    order = np.lexsort((np.concatenate(tiebreak), np.concatenate(keys), np.concatenate(phase)))
    return pos[order]


def farthest_point_order(vectors: np.ndarray, *, seed: int) -> Iterator[int]:
    """Greedy k-center on cosine distance: yields row positions, the first chosen at random (seeded)."""
    x = np.asarray(vectors, dtype=np.float32)
    n = len(x)
    if n == 0:
        return
    x = unit_rows(x)
    current = int(np.random.default_rng(seed).integers(n))
    nearest = np.full(n, np.inf, dtype=np.float32)
    taken = np.zeros(n, dtype=bool)
    for _ in range(n):
        yield current
        taken[current] = True
        np.minimum(nearest, 1.0 - x @ x[current], out=nearest)
        nearest[taken] = -np.inf
        current = int(np.argmax(nearest))
        if taken[current]:
            return


def weighted_order(weights: np.ndarray | list, *, seed: int) -> np.ndarray:
    """Efraimidis-Spirakis: rank by u^(1/w) with u ~ U(0, 1), i.e. by log(u) / w; NaN and w <= 0 go last."""
    w = np.asarray(weights, dtype=np.float64)
    w = np.where(np.isfinite(w) & (w > 0), w, 0.0)
    u = np.random.default_rng(seed).random(len(w))
    with np.errstate(divide="ignore"):
        key = np.where(w > 0, np.log(np.maximum(u, 1e-300)) / np.where(w > 0, w, 1.0), -np.inf)
    return np.lexsort((np.arange(len(w)), -key))


def take(order: Iterable[int], *, rows: int | None = None, tokens: int | None = None,
         token_counts: np.ndarray | None = None) -> list[int]:
    """The prefix of a ranking that fills a quota of rows and / or tokens.

    A row that would overflow the token quota is skipped and later (shorter) rows may still fit; taking stops
    after MAX_SKIPS consecutive misses or when the quota is full.
    """
    if rows is None and tokens is None:
        return list(order)
    if tokens is not None and token_counts is None:
        raise MixmapError("a token quota needs token counts")
    picked: list[int] = []
    used = 0
    misses = 0
    for pos in order:
        if rows is not None and len(picked) >= rows:
            break
        if tokens is not None:
            cost = int(token_counts[pos])  # type: ignore[index]
            if used + cost > tokens:
                misses += 1
                if misses >= MAX_SKIPS or used >= tokens:
                    break
                continue
            used += cost
            misses = 0
        picked.append(int(pos))
    return picked


def mean_nn_distance(vectors: np.ndarray) -> float:
    """Mean cosine distance from each row to its nearest other row (higher = more spread out)."""
    x = np.asarray(vectors, dtype=np.float32)
    if len(x) < 2:
        return float("nan")
    _, dist = nearest_neighbours(x, x, k=1, skip=np.arange(len(x)))
    return float(np.mean(dist[:, 0]))
