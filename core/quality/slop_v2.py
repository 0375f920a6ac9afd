"""Slop score v2: the LM signals of a response given its prompt, as a calibrated probability that it is
machine-written.

    p = slop_v2_probability(lm_frame, responses, prompts)   # NaN where the LM scored nothing
    model = fit_slop_v2(features, labels, groups)            # bench/bench_slop_lm.py --fit refits and saves it

The procedure (reproducible: `bench/bench_slop_lm.py --fit`, seeded, writes core/quality/data/slop_v2.json):
  1. features: the model's `features` (a subset of CANDIDATES below, chosen in docs/slop.md), standardised
     with the fitting data's means and scales; the LM signals are over the response tokens NOT copied from
     the prompt (core/quality/lm.py), the mean log-prob shrunk toward the fitting data's mean by
     `shrink_tokens` pseudo-tokens (few scored tokens say little);
  2. an L2 logistic regression (scikit-learn, lbfgs) with a fixed, strong penalty (C = 0.1, not tuned), rows
     weighted so each label carries half the weight and, within a label, each source (human source or
     generator family) an equal share: no source dominates because it has more rows;
  3. Platt scaling of out-of-fold logits (5 stratified folds), same weights: a probability of
     0.8 means about 80% machine-written **under a 50% prior** (`prior` argument for another);
  4. the default threshold is 0.5 on that probability.
"""
from __future__ import annotations

import json
import math
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

MODEL_PATH = Path(__file__).with_name("data") / "slop_v2.json"
LM_FEATURES = ("lm_logprob", "lm_logrank", "lm_entropy", "lm_fdgpt_mean", "lm_top1", "lm_logprob_std",
               "lm_novel_logprob", "lm_novel_logrank", "lm_novel_entropy", "lm_novel_fdgpt_mean", "lm_novel_top1",
               "lm_novel_logprob_std", "lm_copied_share", "log_lm_tokens", "log_novel_tokens")
LEXICAL_FEATURES = ("lexical_logit", "log_n_words", "mean_word_len", "stop_word_ratio", "non_alpha_ratio",
                    "log_n_lines")
CANDIDATES = LM_FEATURES + LEXICAL_FEATURES
C = 0.1
SEED = 0


def slop_v2_features(lm_frame: pd.DataFrame, responses: list[str], prompts: list[str], *,
                     lexical: bool = True) -> pd.DataFrame:
    """CANDIDATES for each row from its LM signals (lm_frame, same order: LM_COLUMNS) and, with `lexical`,
    the lexical signals of the response. fdgpt_mean is Fast-DetectGPT's criterion per token
    (sum(log p - mu) / sqrt(sum var), divided by sqrt(n): the sum grows with length)."""
    f = lm_frame
    n = f["lm_tokens"].to_numpy(float)
    novel = n * (1 - f["lm_copied_share"].to_numpy(float))
    with np.errstate(divide="ignore", invalid="ignore"):
        out = pd.DataFrame({
            "lm_logprob": f["lm_logprob"].to_numpy(float), "lm_logrank": f["lm_logrank"].to_numpy(float),
            "lm_entropy": f["lm_entropy"].to_numpy(float),
            "lm_fdgpt_mean": f["lm_fdgpt"].to_numpy(float) / np.sqrt(np.where(n > 0, n, np.nan)),
            "lm_novel_logprob": f["lm_novel_logprob"].to_numpy(float),
            "lm_novel_logrank": f["lm_novel_logrank"].to_numpy(float),
            "lm_novel_entropy": f["lm_novel_entropy"].to_numpy(float),
            "lm_novel_fdgpt_mean": f["lm_novel_fdgpt"].to_numpy(float) / np.sqrt(np.where(novel > 0, novel, np.nan)),
            "lm_top1": f["lm_top1"].to_numpy(float), "lm_logprob_std": f["lm_logprob_std"].to_numpy(float),
            "lm_novel_top1": f["lm_novel_top1"].to_numpy(float),
            "lm_novel_logprob_std": f["lm_novel_logprob_std"].to_numpy(float),
            "lm_copied_share": f["lm_copied_share"].to_numpy(float),
            "log_lm_tokens": np.log1p(n), "log_novel_tokens": np.log1p(np.nan_to_num(novel)),
        })
    if lexical:
        from mixmap.core.quality.scoring import compute_signals, slop_score

        signals = compute_signals(responses, instructions=prompts if any(prompts) else None, n_jobs=1)
        shipped = np.clip(slop_score(signals), 1e-4, 1 - 1e-4)
        out = out.assign(lexical_logit=np.log(shipped / (1 - shipped)),
                         log_n_words=np.log1p(signals["n_words"].to_numpy(float)),
                         mean_word_len=signals["mean_word_len"].to_numpy(float),
                         stop_word_ratio=signals["stop_word_ratio"].to_numpy(float),
                         non_alpha_ratio=signals["non_alpha_ratio"].to_numpy(float),
                         log_n_lines=np.log1p(signals["n_lines"].to_numpy(float)))
    return out


def _shrunk(features: pd.DataFrame, shrink_tokens: float, toward: float) -> pd.DataFrame:
    """The novel-token mean log-prob pulled toward `toward` by `shrink_tokens` pseudo-tokens (a 3-token answer
    is mostly prior; a 100-token one is mostly its own evidence); no novel token at all -> `toward`."""
    if not shrink_tokens or "lm_novel_logprob" not in features:
        return features
    k = np.expm1(features["log_novel_tokens"].to_numpy(float))
    lp = features["lm_novel_logprob"].to_numpy(float)
    value = (np.nan_to_num(lp * k) + shrink_tokens * toward) / (k + shrink_tokens)
    return features.assign(lm_novel_logprob=np.where(features["lm_logprob"].isna(), np.nan, value))


def source_weights(labels: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """Each label half the weight, split equally between its groups, then equally between a group's rows."""
    labels, groups = np.asarray(labels), np.asarray(groups)
    w = np.zeros(len(labels))
    for label in (0, 1):
        names = sorted(set(groups[labels == label].tolist()))
        for g in names:
            rows = (labels == label) & (groups == g)
            w[rows] = 0.5 / len(names) / rows.sum()
    return w * len(labels)


def _regression(x: np.ndarray, y: np.ndarray, w: np.ndarray, c: float):
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=c, max_iter=5000, random_state=SEED).fit(x, y, sample_weight=w)


def fit_slop_v2(features: pd.DataFrame, labels: np.ndarray, groups: np.ndarray, *,
                names: tuple[str, ...], shrink_tokens: float = 0.0, c: float = C, platt: bool = True) -> dict:
    """The model (JSON-ready): features, standardisation, coefficients, Platt parameters. `groups` name each
    row's source (human source or generator family): the weights and the out-of-group Platt fit use them."""
    y, groups = np.asarray(labels, int), np.asarray(groups)
    toward = float(np.nanmean(features["lm_novel_logprob"])) if "lm_novel_logprob" in features else 0.0
    raw = _shrunk(features, shrink_tokens, toward)[list(names)].to_numpy(float)
    mean, scale = np.nanmean(raw, 0), np.nanstd(raw, 0) + 1e-9
    x = np.nan_to_num((raw - mean) / scale)
    w = source_weights(y, groups)
    model = _regression(x, y, w, c)
    a, b = 1.0, 0.0
    if platt:
        # out-of-fold logits from 5 seeded stratified folds. Not whole groups left out: a group's rows all
        # share one label, so a model fitted without it places them against that label (its class centre
        # moved away from them), and a Platt fit on those logits came out with a negative slope.
        from sklearn.model_selection import StratifiedKFold

        out_of_fold = np.zeros(len(y))
        for train, test in StratifiedKFold(5, shuffle=True, random_state=SEED).split(x, y):
            out_of_fold[test] = _regression(x[train], y[train], w[train], c).decision_function(x[test])
        calib = _regression(out_of_fold[:, None], y, w, 1e6)
        a, b = float(calib.coef_[0][0]), float(calib.intercept_[0])
    return {"version": 3, "features": list(names), "mean": mean.tolist(), "scale": scale.tolist(),
            "coef": model.coef_[0].tolist(), "intercept": float(model.intercept_[0]), "platt": [a, b], "C": c,
            "shrink_tokens": shrink_tokens, "shrink_toward": toward, "threshold": 0.5, "prior": 0.5}


def save_slop_v2(model: dict, path: Path = MODEL_PATH) -> None:
    path.write_text(json.dumps(model, indent=1) + "\n", encoding="utf-8")
    load_slop_v2.cache_clear()


@lru_cache(maxsize=1)
def load_slop_v2(path: Path = MODEL_PATH) -> dict:
    return json.loads(Path(path).read_text(encoding="utf-8"))


def probability_from_features(features: pd.DataFrame, model: dict | None = None, *,
                              prior: float | None = None) -> np.ndarray:
    """Calibrated P(machine) from the model's features; NaN where the LM scored nothing."""
    model = model or load_slop_v2()
    shrunk = _shrunk(features, model.get("shrink_tokens", 0.0), model.get("shrink_toward", 0.0))
    x = (shrunk[model["features"]].to_numpy(float) - np.array(model["mean"])) / np.array(model["scale"])
    missing = features["lm_logprob"].isna().to_numpy()
    logit = np.nan_to_num(x) @ np.array(model["coef"]) + model["intercept"]
    a, b = model["platt"]
    calibrated = a * logit + b
    if prior is not None:
        calibrated += math.log(prior / (1 - prior)) - math.log(model["prior"] / (1 - model["prior"]))
    p = 1 / (1 + np.exp(-calibrated))
    return np.where(missing, np.nan, p)


def slop_v2_probability(lm_frame: pd.DataFrame, responses: list[str], prompts: list[str], *,
                        prior: float | None = None) -> np.ndarray:
    """Calibrated P(machine) per row from its LM signals (and lexical ones if the model uses them)."""
    lexical = any(name in LEXICAL_FEATURES for name in load_slop_v2()["features"])
    features = slop_v2_features(lm_frame, responses, prompts, lexical=lexical)
    return probability_from_features(features, prior=prior)
