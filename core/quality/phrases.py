"""Over-represented phrases: word n-grams far more frequent in one set of texts than in another (as
slop-forensics measures them), for a selection against the rest, per cluster, or against a reference."""
from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import numpy as np

from mixmap.core.errors import MixmapError
from mixmap.core.quality.signals import tokenize

_STOP_WORDS = frozenset((
    "a", "about", "above", "after", "again", "against", "all", "also", "am", "an", "and", "any", "are",
    "as", "at", "be", "because", "been", "before", "being", "below", "between", "both", "but", "by", "can",
    "could", "did", "do", "does", "doing", "down", "during", "each", "either", "few", "for", "from",
    "further", "had", "has", "have", "having", "he", "her", "here", "hers", "herself", "him", "himself",
    "his", "how", "however", "i", "if", "in", "into", "is", "it", "its", "itself", "just", "me", "more",
    "most", "my", "myself", "no", "nor", "not", "now", "of", "off", "on", "once", "only", "or", "other",
    "our", "ours", "ourselves", "out", "over", "own", "same", "she", "should", "so", "some", "such", "than",
    "that", "the", "their", "theirs", "them", "themselves", "then", "there", "these", "they", "this",
    "those", "through", "to", "too", "under", "until", "up", "us", "very", "was", "we", "were", "what",
    "when", "where", "which", "while", "who", "whom", "why", "will", "with", "would", "yet", "you", "your",
    "yours", "yourself", "yourselves", "it's", "i'm", "don't", "that's", "there's", "you're",
))


def _grams(tokens: list[str], ns: tuple[int, ...]) -> list[tuple[str, ...]]:
    return [g for n in ns for g in zip(*(tokens[i:] for i in range(n)))]


def overrepresented_phrases(texts_in: Sequence[str], texts_rest: Sequence[str], *, n: Sequence[int] = (2, 3),
                            top_k: int = 20, min_count: int = 3, min_docs: int = 2, smoothing: float = 1.0,
                            max_rest: int = 20_000, seed: int = 0) -> list[dict]:
    """N-grams `texts_in` uses far more than `texts_rest`, as slop-forensics ranks them.

    ratio = ((count_in + s) / (N_in + s)) / ((count_rest + s) / (N_rest + s)), where N is the number of
    n-grams in each side and s the smoothing pseudo-count, so unseen-in-rest phrases get a finite ratio.
    Kept only when the n-gram occurs `min_count` times in `min_docs` different texts of the selection (one
    long text repeating itself is not a habit) and is not made only of stop words. `texts_rest` is sampled
    down to `max_rest` texts (seeded) to bound the cost. Returns dicts with phrase, ratio, count_in,
    count_rest, sorted by ratio (ties: more frequent first).
    """
    ns = tuple(sorted({int(k) for k in n}))
    if not ns or min(ns) < 1:
        raise MixmapError(f"n-gram sizes must be positive integers, got {n!r}")
    if len(texts_rest) > max_rest:
        pick = np.random.default_rng(seed).choice(len(texts_rest), max_rest, replace=False)
        texts_rest = [texts_rest[i] for i in sorted(pick.tolist())]
    count_in: Counter[tuple[str, ...]] = Counter()
    docs_in: Counter[tuple[str, ...]] = Counter()
    for text in texts_in:
        grams = _grams(tokenize(text or ""), ns)
        count_in.update(grams)
        docs_in.update(set(grams))
    candidates = {g for g, c in count_in.items()
                  if c >= min_count and docs_in[g] >= min_docs and not _STOP_WORDS.issuperset(g)}
    # The rest is only counted for candidate n-grams (plus its total), which keeps memory flat.
    count_rest: Counter[tuple[str, ...]] = Counter()
    total_rest = 0
    for text in texts_rest:
        grams = _grams(tokenize(text or ""), ns)
        total_rest += len(grams)
        count_rest.update(g for g in grams if g in candidates)
    return _rank_phrases(candidates, count_in, sum(count_in.values()), count_rest, total_rest,
                         smoothing=smoothing, top_k=top_k)


def _rank_phrases(candidates, count_in: Counter, total_in: int, count_rest, total_rest: int, *,
                  smoothing: float, top_k: int) -> list[dict]:
    """The slop-forensics ratio for each candidate n-gram, best first (see overrepresented_phrases)."""
    rows = []
    for gram in candidates:
        share_in = (count_in[gram] + smoothing) / (total_in + smoothing)
        ratio = share_in / ((count_rest[gram] + smoothing) / (total_rest + smoothing))
        rows.append({"phrase": " ".join(gram), "ratio": round(ratio, 3), "count_in": count_in[gram],
                     "count_rest": int(count_rest[gram])})
    rows.sort(key=lambda r: (-r["ratio"], -r["count_in"], r["phrase"]))
    return rows[:top_k]


def overrepresented_by_cluster(texts: Sequence[str], cluster_ids: Sequence[int], *,
                               clusters: Sequence[int] | None = None, n: Sequence[int] = (2, 3),
                               top_k: int = 10, min_count: int = 3, min_docs: int = 2, smoothing: float = 1.0,
                               max_in: int = 2_000, max_rest: int = 20_000,
                               seed: int = 0) -> dict[int, list[dict]]:
    """overrepresented_phrases of each cluster against the rest of the dataset, in one pass over the rest.

    Calling overrepresented_phrases per cluster would tokenize the rest once per cluster; here a seeded
    sample of up to `max_rest` rows of the whole dataset is counted once, per cluster, and each cluster's
    "rest" is that sample minus its own rows. Each cluster's own side is a seeded sample of up to `max_in`
    of its rows. With no sampling (small data) the result equals overrepresented_phrases(members, others).
    `clusters` limits the work to those cluster ids (default: every id present).
    """
    ns = tuple(sorted({int(k) for k in n}))
    if not ns or min(ns) < 1:
        raise MixmapError(f"n-gram sizes must be positive integers, got {n!r}")
    ids = np.asarray(cluster_ids)
    if len(ids) != len(texts):
        raise MixmapError(f"cluster_ids ({len(ids)}) and texts ({len(texts)}) must have one entry per row")
    rng = np.random.default_rng(seed)
    wanted = sorted({int(c) for c in ids.tolist()}) if clusters is None else [int(c) for c in clusters]
    # 1. Each cluster's own n-grams (a sample of its rows); only the candidates' counts are kept.
    sides: dict[int, tuple[Counter, int]] = {}
    for cluster in wanted:
        members = np.flatnonzero(ids == cluster)
        if len(members) > max_in:
            members = np.sort(rng.choice(members, max_in, replace=False))
        count_in: Counter[tuple[str, ...]] = Counter()
        docs_in: Counter[tuple[str, ...]] = Counter()
        for i in members.tolist():
            grams = _grams(tokenize(texts[i] or ""), ns)
            count_in.update(grams)
            docs_in.update(set(grams))
        kept = Counter({g: c for g, c in count_in.items()
                        if c >= min_count and docs_in[g] >= min_docs and not _STOP_WORDS.issuperset(g)})
        sides[cluster] = (kept, sum(count_in.values()))
    # 2. One pass over a sample of the whole dataset, counting only candidate n-grams (memory stays flat).
    union = set().union(*(kept for kept, _ in sides.values())) if sides else set()
    pool = np.arange(len(ids))
    if len(pool) > max_rest:
        pool = np.sort(rng.choice(len(ids), max_rest, replace=False))
    total: Counter[tuple[str, ...]] = Counter()
    by_cluster: dict[int, Counter] = {}
    grams_of_cluster: Counter[int] = Counter()
    for i in pool.tolist():
        grams = _grams(tokenize(texts[i] or ""), ns)
        grams_of_cluster[int(ids[i])] += len(grams)
        hits = [g for g in grams if g in union]
        if hits:
            total.update(hits)
            by_cluster.setdefault(int(ids[i]), Counter()).update(hits)
    total_grams = sum(grams_of_cluster.values())
    # 3. Each cluster against the sample minus its own rows.
    out: dict[int, list[dict]] = {}
    for cluster, (kept, total_in) in sides.items():
        own = by_cluster.get(cluster, Counter())
        rest = Counter({g: total[g] - own[g] for g in kept})
        out[cluster] = _rank_phrases(kept, kept, total_in, rest, total_grams - grams_of_cluster[cluster],
                                     smoothing=smoothing, top_k=top_k)
    return out
