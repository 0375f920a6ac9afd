"""Quality stage: per-row signals, the slop score, over-represented phrases and per-cluster slop.

    signals = compute_signals(texts, instructions=prompts)   # Gopher/FineWeb heuristics + slop markers
    scores  = slop_score(signals)                              # [0, 1], documented weights in core.slop
    table   = summarise_clusters(cluster_ids, scores, texts)   # clusters ranked by slop, with "why"
    spans   = explain_row(texts[i])                            # what to highlight in one row
    phrases = overrepresented_phrases(texts_in, texts_rest)    # n-grams a selection over-uses

The heuristics live in core.quality_signals, the lexicon markers and the score in core.slop; this module
puts them together and adds the set-level views.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import numpy as np
import pandas as pd

from core.errors import MixmapError
from core.quality_signals import (SIGNAL_COLUMNS, THRESHOLDS, TOKEN_RE, compute_lexical_signals, gopher_flags,
                                  tokenize)
from core.slop import (DEFAULT_WEIGHTS, FEATURES, KINDS, MARKER_COLUMNS, SLOP_THRESHOLD, Span, compute_markers,
                       explain_row, fit_weights, load_lexicon, slop_score)

__all__ = [
    "DEFAULT_WEIGHTS", "FEATURES", "KINDS", "SIGNAL_COLUMNS", "MARKER_COLUMNS", "SLOP_THRESHOLD", "THRESHOLDS",
    "Span", "compute_signals", "score_texts", "gopher_flags", "slop_score", "fit_weights", "explain_row",
    "overrepresented_phrases", "summarise_clusters", "refine_with_labels",
]


def compute_signals(texts: Sequence[str], *, instructions: Sequence[str] | None = None) -> pd.DataFrame:
    """All per-row signals (SIGNAL_COLUMNS then MARKER_COLUMNS), one row per text, index 0..n-1.

    `instructions`, when given (one per text, may be ""), adds the response/instruction length ratio.
    """
    tokens = [tokenize(t or "") for t in texts]
    lexical = compute_lexical_signals(texts, tokens=tokens)
    markers = compute_markers(texts, lexical["n_words"].to_numpy(), instructions=instructions, tokens=tokens)
    return pd.concat([lexical, markers], axis=1)


def score_texts(texts: Sequence[str], *, instructions: Sequence[str] | None = None,
                weights: dict[str, float] | None = None) -> pd.DataFrame:
    """compute_signals plus a `slop_score` column: what `mixmap score` stores."""
    signals = compute_signals(texts, instructions=instructions)
    signals["slop_score"] = slop_score(signals, weights=weights)
    return signals


def _ngram_counts(texts: Sequence[str], ns: tuple[int, ...]):
    from sklearn.feature_extraction.text import CountVectorizer

    vectorizer = CountVectorizer(ngram_range=(min(ns), max(ns)), token_pattern=TOKEN_RE.pattern, lowercase=True,
                                 dtype=np.int32)
    return vectorizer, vectorizer.fit_transform(texts)


def overrepresented_phrases(texts_in: Sequence[str], texts_rest: Sequence[str], *, n: Sequence[int] = (2, 3),
                            top_k: int = 20, min_count: int = 3, min_docs: int = 2, smoothing: float = 1.0,
                            max_rest: int = 20_000, seed: int = 0) -> list[dict]:
    """N-grams `texts_in` uses far more than `texts_rest`, as slop-forensics ranks them.

    ratio = ((count_in + s) / (N_in + s)) / ((count_rest + s) / (N_rest + s)), where N is the number of
    n-grams in each side and s the smoothing pseudo-count, so unseen-in-rest phrases get a finite ratio.
    Kept only when the n-gram occurs `min_count` times in `min_docs` different texts of the selection (one
    long text repeating itself is not a habit) and is not made only of stop words. `texts_rest` is sampled
    down to `max_rest` texts (seeded) to bound the cost. Returns dicts with phrase, ratio, count_in,
    count_rest, sorted by ratio.
    """
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    ns = tuple(sorted(set(int(k) for k in n)))
    if not ns or min(ns) < 1:
        raise MixmapError(f"n-gram sizes must be positive integers, got {n!r}")
    texts_in = [t or "" for t in texts_in]
    texts_rest = [t or "" for t in texts_rest]
    if not texts_in:
        return []
    if len(texts_rest) > max_rest:
        pick = np.random.default_rng(seed).choice(len(texts_rest), max_rest, replace=False)
        texts_rest = [texts_rest[i] for i in sorted(pick)]
    try:
        vectorizer, counts = _ngram_counts(texts_in + texts_rest, ns)
    except ValueError:  # no tokens at all
        return []
    names = vectorizer.get_feature_names_out()
    if 1 not in ns:
        keep = np.array([" " in name for name in names])
    else:
        keep = np.ones(len(names), bool)
    inside, rest = counts[: len(texts_in)], counts[len(texts_in):]
    count_in = np.asarray(inside.sum(axis=0)).ravel()
    count_rest = np.asarray(rest.sum(axis=0)).ravel() if rest.shape[0] else np.zeros_like(count_in)
    docs_in = np.asarray((inside > 0).sum(axis=0)).ravel()
    total_in, total_rest = float(count_in.sum()), float(count_rest.sum())
    ratio = ((count_in + smoothing) / (total_in + smoothing)) / ((count_rest + smoothing) / (total_rest + smoothing))
    candidates = np.flatnonzero(keep & (count_in >= min_count) & (docs_in >= min_docs))
    out = []
    for i in candidates[np.argsort(-ratio[candidates], kind="stable")]:
        if all(w in ENGLISH_STOP_WORDS for w in names[i].split()):
            continue
        out.append({"phrase": str(names[i]), "ratio": round(float(ratio[i]), 3), "count_in": int(count_in[i]),
                    "count_rest": int(count_rest[i])})
        if len(out) >= top_k:
            break
    return out


def _why(texts: Sequence[str], top: int) -> list[str]:
    """The lexicon phrases that add most slop weight across `texts` (informal markers excluded)."""
    totals: Counter[str] = Counter()
    lexicon = load_lexicon()
    for text in texts:
        for span in explain_row(text, lexicon=lexicon):
            if span.kind != "informal":
                totals[span.phrase if span.kind != "contrast" else "not X but Y"] += span.weight
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
        rows.append({"cluster": int(cluster), "size": len(members), "mean_score": float(values[members].mean()),
                     "share_above": float((values[members] > threshold).mean()),
                     "why": _why([texts[i] for i in best], top_phrases)})
    table = pd.DataFrame(rows, columns=columns)
    table["_noise"] = table["cluster"] < 0
    table = table.sort_values(["_noise", "mean_score", "size"], ascending=[True, False, False])
    return table.drop(columns="_noise").reset_index(drop=True)


def refine_with_labels(vectors: np.ndarray, labels: Sequence[float], base_scores: np.ndarray, *,
                       c: float = 1.0) -> np.ndarray:
    """Teach the score from a few curator labels (Lilac "concepts"): 1 = slop, 0 = not slop, -1/NaN = unlabelled.

    A logistic regression on the row embeddings plus the base score's logit, fitted on labelled rows,
    scores every row; labelled rows keep their label. Needs at least one row of each class.
    """
    from sklearn.linear_model import LogisticRegression

    x = np.asarray(vectors, dtype=np.float64)
    y = np.asarray(labels, dtype=np.float64)
    base = np.clip(np.asarray(base_scores, dtype=np.float64), 1e-4, 1 - 1e-4)
    if not (len(x) == len(y) == len(base)):
        raise MixmapError(f"vectors ({len(x)}), labels ({len(y)}) and base_scores ({len(base)}) must align")
    labelled = np.isin(y, (0.0, 1.0))
    if len(set(y[labelled].tolist())) < 2:
        raise MixmapError("mark at least one row as slop and one as not slop before refining the score")
    features = np.column_stack([x, np.log(base / (1 - base))])
    model = LogisticRegression(C=c, max_iter=1000, class_weight="balanced")
    model.fit(features[labelled], y[labelled].astype(int))
    refined = model.predict_proba(features)[:, 1]
    refined[labelled] = y[labelled]
    return refined.astype(np.float32)
