"""Quality stage: per-row signals, the slop score, over-represented phrases and per-cluster slop.

    signals = compute_signals(texts, instructions=prompts)   # Gopher/FineWeb heuristics + slop markers
    scores  = slop_score(signals)                              # [0, 1], documented weights in core.slop
    table   = summarise_clusters(cluster_ids, scores, texts)   # clusters ranked by slop, with "why"
    spans   = explain_row(texts[i])                            # what to highlight in one row
    phrases = overrepresented_phrases(texts_in, texts_rest)    # n-grams a selection over-uses
    per_cluster = overrepresented_by_cluster(texts, cluster_ids)  # the same, every cluster vs the rest
    weights = fit_weights(signals, labels)                     # or calibrate_weights: learn from labels
    scores  = refine_with_labels(vectors, labels, scores)      # a few curator labels + embeddings

The heuristics live in core.quality_signals, the lexicon markers and the score in core.slop; this module
puts them together and adds the set-level views and the learning from labels. No scikit-learn here:
its import alone takes seconds, and a 30-feature logistic regression is a few lines of numpy.
"""
from __future__ import annotations

import contextlib
import os
from collections import Counter
from collections.abc import Callable, Sequence
from itertools import pairwise

import numpy as np
import pandas as pd

from core.errors import MixmapError
from core.quality_signals import (
    SIGNAL_COLUMNS,
    THRESHOLDS,
    compute_lexical_signals,
    gopher_flags,
    tokenize,
)
from core.slop import (
    DEFAULT_WEIGHTS,
    FEATURES,
    KINDS,
    MARKER_COLUMNS,
    PRIOR_WEIGHTS,
    SLOP_THRESHOLD,
    Span,
    compute_markers,
    explain_row,
    feature_matrix,
    load_lexicon,
    slop_score,
)

__all__ = [
    "DEFAULT_WEIGHTS",
    "FEATURES",
    "FEATURE_SIGNS",
    "KINDS",
    "MARKER_COLUMNS",
    "PRIOR_WEIGHTS",
    "SIGNAL_COLUMNS",
    "SLOP_THRESHOLD",
    "THRESHOLDS",
    "Span",
    "calibrate_weights",
    "compute_signals",
    "explain_row",
    "fit_weights",
    "gopher_flags",
    "overrepresented_by_cluster",
    "overrepresented_phrases",
    "refine_with_labels",
    "score_texts",
    "slop_score",
    "summarise_clusters",
]


PARALLEL_MIN_ROWS = 5_000  # below this, starting worker processes costs more than it saves
PROGRESS_CHUNK = 5_000  # rows per progress report when compute_signals is given `progress`


def _pool(workers: int):
    """Worker processes for compute_signals. Spawned, not forked: forking a process that runs threads
    (a Streamlit server) can deadlock."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    return ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"))


def _signals_chunk(texts: Sequence[str], instructions: Sequence[str] | None) -> pd.DataFrame:
    tokens = [tokenize(t or "") for t in texts]
    lexical = compute_lexical_signals(texts, tokens=tokens)
    markers = compute_markers(texts, lexical["n_words"].to_numpy(), instructions=instructions, tokens=tokens)
    return pd.concat([lexical, markers], axis=1)


def compute_signals(texts: Sequence[str], *, instructions: Sequence[str] | None = None,
                    n_jobs: int = 1, progress: Callable[[int, int], None] | None = None) -> pd.DataFrame:
    """All per-row signals (SIGNAL_COLUMNS then MARKER_COLUMNS), one row per text, index 0..n-1.

    `instructions`, when given (one per text, may be ""), adds the response/instruction length ratio.
    `n_jobs` > 1 (or -1 for every core) splits inputs of 5,000+ rows over worker processes; the work is
    pure Python, so threads would not help. `progress(done, total)`, when given, is called after each
    chunk of PROGRESS_CHUNK rows (inputs are then processed chunk by chunk, in order).
    """
    texts = list(texts)
    if instructions is not None:
        instructions = list(instructions)
        if len(instructions) != len(texts):
            raise MixmapError(f"got {len(instructions)} instructions for {len(texts)} texts; "
                              "pass one per row")
    workers = (os.cpu_count() or 1) if n_jobs == -1 else max(1, n_jobs)
    parallel = workers > 1 and len(texts) >= PARALLEL_MIN_ROWS
    if progress is None:
        if not parallel:
            return _signals_chunk(texts, instructions)
        bounds = np.linspace(0, len(texts), workers + 1).astype(int).tolist()
    else:
        bounds = [*range(0, len(texts), PROGRESS_CHUNK), len(texts)] if texts else [0, 0]
    spans = list(pairwise(bounds))
    chunks = [texts[a:b] for a, b in spans]
    prompts = [None if instructions is None else instructions[a:b] for a, b in spans]
    parts = []
    with (_pool(workers) if parallel else contextlib.nullcontext()) as pool:
        results = pool.map(_signals_chunk, chunks, prompts) if parallel else map(_signals_chunk, chunks, prompts)
        for (_, end), part in zip(spans, results):
            parts.append(part)
            if progress:
                progress(end, len(texts))
    return pd.concat(parts, ignore_index=True)


def score_texts(texts: Sequence[str], *, instructions: Sequence[str] | None = None,
                weights: dict[str, float] | None = None, n_jobs: int = 1) -> pd.DataFrame:
    """compute_signals plus a `slop_score` column: what `mixmap score` stores."""
    signals = compute_signals(texts, instructions=instructions, n_jobs=n_jobs)
    signals["slop_score"] = slop_score(signals, weights=weights)
    return signals


# English function words (sklearn's list, trimmed): an n-gram made only of these is never a "habit".
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


def _why(texts: Sequence[str], top: int, *, min_weight: float = 0.5) -> list[str]:
    """The markers that most explain the cluster's score: each phrase counts once per text it appears in,
    times its lexicon weight and its kind's default weight, so a generic "such as" in every text does
    not outrank "as an AI language model" in most of them. Informal (human) markers are left out."""
    totals: Counter[str] = Counter()
    lexicon = load_lexicon()
    kind_weight = {k: max(DEFAULT_WEIGHTS[f"lex_{k}"], 0.0) for k in KINDS}
    kind_weight["contrast"] = max(DEFAULT_WEIGHTS["contrast"], 0.0)
    for text in texts:
        found = {}
        for span in explain_row(text, lexicon=lexicon):
            if span.weight >= min_weight and kind_weight.get(span.kind, 0.0) > 0:
                phrase = "not X but Y" if span.kind == "contrast" else span.phrase
                found[phrase] = span.weight * kind_weight[span.kind]
        totals.update(found)
    return [phrase for phrase, _ in totals.most_common(top)]


def summarise_clusters(cluster_ids: np.ndarray, scores: np.ndarray, texts: Sequence[str], *,
                       threshold: float = SLOP_THRESHOLD, top_phrases: int = 5, max_explain: int = 300,
                       seed: int = 0) -> pd.DataFrame:
    """One row per cluster: cluster, size, mean_score, share_above (score > threshold), why.

    Ranked by mean score, highest first, with noise (-1) always last because it is not a group. `why`
    lists the lexicon phrases adding most weight in up to `max_explain` of the cluster's highest-scoring
    rows (a seeded tie-break keeps it stable).
    """
    ids = np.asarray(cluster_ids)
    values = np.asarray(scores, dtype=np.float64)
    if not (len(ids) == len(values) == len(texts)):
        raise MixmapError(f"cluster_ids ({len(ids)}), scores ({len(values)}) and texts ({len(texts)}) "
                          "must have one entry per row")
    columns = ["cluster", "size", "mean_score", "share_above", "why"]
    if not len(ids):
        return pd.DataFrame(columns=columns)
    jitter = np.random.default_rng(seed).random(len(values)) * 1e-9
    rows = []
    for cluster in np.unique(ids):
        members = np.flatnonzero(ids == cluster)
        best = members[np.argsort(-(values[members] + jitter[members]))[:max_explain]]
        rows.append({"cluster": int(cluster), "size": len(members),
                     "mean_score": float(values[members].mean()),
                     "share_above": float((values[members] > threshold).mean()),
                     "why": _why([texts[i] for i in best], top_phrases)})
    table = pd.DataFrame(rows, columns=columns)
    table["_noise"] = table["cluster"] < 0
    table = table.sort_values(["_noise", "mean_score", "size"], ascending=[True, False, False])
    return table.drop(columns="_noise").reset_index(drop=True)


def _logistic(x: np.ndarray, y: np.ndarray, *, l2: float = 1.0, iters: int = 100) -> tuple[np.ndarray, float]:
    """Class-balanced L2 logistic regression by Newton's method (numpy only: sklearn's import alone takes
    seconds). Loss: sum of balanced log-losses + l2/2 * |coef|^2, as sklearn with C = 1 / l2."""
    n, d = x.shape
    xa = np.column_stack([np.ones(n), x])
    weight = np.where(y == 1, n / (2 * max(y.sum(), 1)), n / (2 * max(n - y.sum(), 1)))
    reg = np.full(d + 1, l2)
    reg[0] = 0.0
    theta = np.zeros(d + 1)
    for _ in range(iters):
        p = 1.0 / (1.0 + np.exp(-np.clip(xa @ theta, -30, 30)))
        grad = xa.T @ (weight * (p - y)) + reg * theta
        hess = (xa.T * (weight * p * (1 - p))) @ xa + np.diag(reg + 1e-9)
        step = np.linalg.solve(hess, grad)
        theta -= step
        if np.abs(step).max() < 1e-8:
            break
    return theta[1:], float(theta[0])


# The direction each feature is allowed to push the score when fitting: +1 only towards slop, -1 only towards
# human, 0 either way. Constraining signs keeps a fitted weight from learning a quirk of one generator (e.g.
# "short answers are machine") that flips on another.
FEATURE_SIGNS: dict[str, int] = {
    **{f"lex_{k}": (-1 if k == "informal" else 1) for k in KINDS},
    "contrast": 1, "bold": 1, "headers": 1, "list_intro": 1, "summary_close": 1, "emdash": 1, "list_lines": 1,
    "repetition": 1, "lower_i": -1, "emoticons": -1, "space_punct": -1, "double_space": -1, "urls": -1,
    "lower_start": -1, "no_final_stop": -1,
}


def fit_weights(signals: pd.DataFrame, labels: Sequence[int], *, strength: float = 1.0,
                prior: dict[str, float] | None = None,
                signs: dict[str, int] | None = None) -> dict[str, float]:
    """Weights (raw feature scale) from a class-balanced logistic regression of labels (1 = slop) on FEATURES.

    A maximum-a-posteriori fit: the penalty `strength` * ||w - prior||^2 is taken on standardised features
    and pulls weights towards `prior` (default PRIOR_WEIGHTS; pass {} to shrink towards 0), and `signs`
    (default FEATURE_SIGNS) bounds each weight's direction. Large `strength` returns the prior, rescaled
    only through the fitted bias.
    """
    from scipy.optimize import minimize

    y = np.asarray(labels, dtype=np.float64)
    if len(set(y.tolist())) != 2:
        raise MixmapError("fit_weights needs rows of both classes (1 = slop, 0 = not slop)")
    names = list(FEATURES)
    x = feature_matrix(signals)
    mean, std = x.mean(axis=0), x.std(axis=0)
    std[std == 0] = 1.0
    z = (x - mean) / std
    prior = PRIOR_WEIGHTS if prior is None else prior
    center = np.array([prior.get(name, 0.0) for name in names]) * std
    sample_w = np.where(y == 1, 0.5 / y.mean(), 0.5 / (1 - y.mean()))
    sample_w /= sample_w.sum()
    signs = FEATURE_SIGNS if signs is None else signs
    low = np.array([0.0 if signs.get(n, 0) > 0 else -np.inf for n in names])
    high = np.array([0.0 if signs.get(n, 0) < 0 else np.inf for n in names])
    bounds = [(None, None)] + [(None if lo == -np.inf else lo, None if hi == np.inf else hi)
                               for lo, hi in zip(low, high, strict=True)]
    # A Gaussian prior on the mean log-loss: its pull fades as labelled rows grow (x100 keeps `strength`
    # near 1 for a few thousand rows).
    penalty = strength / len(y) * 100

    def loss(theta: np.ndarray) -> tuple[float, np.ndarray]:
        p = 1.0 / (1.0 + np.exp(-np.clip(theta[0] + z @ theta[1:], -30, 30)))
        nll = -(sample_w * (y * np.log(p + 1e-12) + (1 - y) * np.log(1 - p + 1e-12))).sum()
        grad_m = sample_w * (p - y)
        diff = theta[1:] - center
        grad = np.concatenate([[grad_m.sum()], z.T @ grad_m + penalty * diff])
        return nll + 0.5 * penalty * (diff ** 2).sum(), grad

    start = np.concatenate([[0.0], np.clip(center, low, high)])
    theta = minimize(loss, start, jac=True, method="L-BFGS-B", bounds=bounds).x
    coef = theta[1:] / std
    bias = float(theta[0] - (coef * mean).sum())
    return {"bias": round(bias, 4), **{name: round(float(v), 4) for name, v in zip(names, coef)}}


def calibrate_weights(signals: pd.DataFrame, labels: Sequence[int], *,
                      weights: dict[str, float] | None = None) -> dict[str, float]:
    """Keep the weights' proportions (default PRIOR_WEIGHTS) and fit only a common scale and the bias, so
    the score reads as P(slop) on balanced labelled rows. Ranking, and so AUROC, do not change."""
    y = np.asarray(labels, dtype=np.float64)
    if len(set(y.tolist())) != 2:
        raise MixmapError("calibrate_weights needs rows of both classes (1 = slop, 0 = not slop)")
    given = weights or PRIOR_WEIGHTS
    base = {name: float(given.get(name, 0.0)) for name in FEATURES}
    margin = feature_matrix(signals) @ np.array([base[name] for name in FEATURES])
    coef, bias = _logistic(margin[:, None], y, l2=1e-6)
    scale = max(float(coef[0]), 0.0)
    return {"bias": round(bias, 4), **{k: round(v * scale, 4) for k, v in base.items()}}


def refine_with_labels(vectors: np.ndarray, labels: Sequence[float], base_scores: np.ndarray, *,
                       c: float = 1.0) -> np.ndarray:
    """Teach the score from a few curator labels (Lilac "concepts"): 1 = slop, 0 = not, -1/NaN = unlabelled.

    A logistic regression on the row embeddings plus the base score's logit, fitted on labelled rows,
    scores every row; labelled rows keep their label. Needs at least one row of each class.
    """
    x = np.asarray(vectors, dtype=np.float64)
    y = np.asarray(labels, dtype=np.float64)
    base = np.clip(np.asarray(base_scores, dtype=np.float64), 1e-4, 1 - 1e-4)
    if not (len(x) == len(y) == len(base)):
        raise MixmapError(f"vectors ({len(x)}), labels ({len(y)}) and base_scores ({len(base)}) must align")
    labelled = np.isin(y, (0.0, 1.0))
    if len(set(y[labelled].tolist())) < 2:
        raise MixmapError("mark at least one row as slop and one as not slop before refining the score")
    features = np.column_stack([x, np.log(base / (1 - base))])
    coef, bias = _logistic(features[labelled], y[labelled], l2=1.0 / c)
    refined = 1.0 / (1.0 + np.exp(-np.clip(features @ coef + bias, -30, 30)))
    refined[labelled] = y[labelled]
    return refined.astype(np.float32)
