"""Quality stage: per-row signals, the slop score, over-represented phrases and per-cluster slop.

    signals = compute_signals(texts, instructions=prompts)   # Gopher/FineWeb heuristics + slop markers
    scores  = slop_score(signals)                              # [0, 1], documented weights in mixmap.core.quality.slop
    table   = summarise_clusters(cluster_ids, scores, texts)   # clusters ranked by slop, with "why"
    spans   = explain_row(texts[i])                            # what to highlight in one row
    phrases = overrepresented_phrases(texts_in, texts_rest)    # n-grams a selection over-uses
    per_cluster = overrepresented_by_cluster(texts, cluster_ids)  # the same, every cluster vs the rest
    weights = fit_weights(signals, labels)                     # or calibrate_weights: learn from labels
    scores  = refine_with_labels(vectors, labels, scores)      # a few curator labels + embeddings

The heuristics live in mixmap.core.quality.signals, the lexicon markers and the score in mixmap.core.quality.slop; this module
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

from mixmap.core.errors import MixmapError
from mixmap.core.quality.phrases import overrepresented_by_cluster, overrepresented_phrases
from mixmap.core.quality.signals import (
    SIGNAL_COLUMNS,
    THRESHOLDS,
    compute_lexical_signals,
    gopher_flags,
    tokenize,
)
from mixmap.core.quality.slop import (
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
