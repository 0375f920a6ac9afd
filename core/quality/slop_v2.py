"""Slop score v2: the LM signals combined with the lexical slop score and a few shape signals, as a
calibrated probability that a response is machine-written.

    p = slop_v2_probability(lm_frame, responses, prompts)   # NaN where the LM scored nothing
    model = fit_slop_v2(features, labels, groups)            # bench/bench_slop_lm.py refits and saves it

The procedure (reproducible: bench/bench_slop_lm.py --fit, seeded, writes core/quality/data/slop_v2.json):
  1. features: FEATURES below, standardised with the tuning split's means and scales;
  2. a class-balanced L2 logistic regression (scikit-learn, lbfgs), C picked from C_GRID by mean AUROC when
     each machine source of the tuning split is left out in turn (humans split in two folds);
  3. Platt scaling of the regression's out-of-fold logits (same folds), class-balanced: a probability of 0.8
     means about 80% machine-written **under a 50% prior** (add log(prior / (1 - prior)) to the logit for
     another prior: `prior` argument);
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
FEATURES = ("lm_logprob", "lm_logrank", "lm_entropy", "lm_fdgpt", "log_lm_tokens", "lexical_logit",
            "log_n_words", "mean_word_len", "stop_word_ratio", "non_alpha_ratio", "log_n_lines")
C_GRID = (0.01, 0.1, 1.0, 10.0)
SEED = 0


def slop_v2_features(lm_frame: pd.DataFrame, responses: list[str], prompts: list[str]) -> pd.DataFrame:
    """FEATURES for each row: its LM signals (lm_frame, same order) and lexical signals of the response."""
    from mixmap.core.quality.scoring import compute_signals, slop_score

    signals = compute_signals(responses, instructions=prompts if any(prompts) else None, n_jobs=1)
    shipped = np.clip(slop_score(signals), 1e-4, 1 - 1e-4)
    return pd.DataFrame({
        "lm_logprob": lm_frame["lm_logprob"].to_numpy(float), "lm_logrank": lm_frame["lm_logrank"].to_numpy(float),
        "lm_entropy": lm_frame["lm_entropy"].to_numpy(float), "lm_fdgpt": lm_frame["lm_fdgpt"].to_numpy(float),
        "log_lm_tokens": np.log1p(lm_frame["lm_tokens"].to_numpy(float)),
        "lexical_logit": np.log(shipped / (1 - shipped)),
        "log_n_words": np.log1p(signals["n_words"].to_numpy(float)),
        "mean_word_len": signals["mean_word_len"].to_numpy(float),
        "stop_word_ratio": signals["stop_word_ratio"].to_numpy(float),
        "non_alpha_ratio": signals["non_alpha_ratio"].to_numpy(float),
        "log_n_lines": np.log1p(signals["n_lines"].to_numpy(float)),
    })


def _folds(labels: np.ndarray, groups: np.ndarray) -> list[np.ndarray]:
    """Test masks: each machine group (source) with half the humans, then the other half."""
    humans = np.flatnonzero(labels == 0)
    half = np.zeros(len(labels), bool)
    half[humans[np.random.default_rng(SEED).permutation(len(humans))[: len(humans) // 2]]] = True
    out = []
    for g in sorted(set(groups[labels == 1].tolist())):
        for side in (half, ~half & (labels == 0)):
            out.append(((groups == g) & (labels == 1)) | side)
    return out


def _regression(x: np.ndarray, y: np.ndarray, c: float):
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=c, class_weight="balanced", max_iter=2000, random_state=SEED).fit(x, y)


def fit_slop_v2(features: pd.DataFrame, labels: np.ndarray, groups: np.ndarray, *,
                c_grid: tuple[float, ...] = C_GRID) -> dict:
    """The model (JSON-ready): standardisation, coefficients, Platt parameters, CV AUROC per C."""
    from sklearn.metrics import roc_auc_score

    x_raw = features[list(FEATURES)].to_numpy(float)
    mean, scale = np.nanmean(x_raw, 0), np.nanstd(x_raw, 0) + 1e-9
    x = np.nan_to_num((x_raw - mean) / scale)
    y = np.asarray(labels, int)
    folds = _folds(y, np.asarray(groups))
    cv = {}
    for c in c_grid:
        aucs = []
        for test in folds:
            train = ~test
            logit = _regression(x[train], y[train], c).decision_function(x[test])
            aucs.append(roc_auc_score(y[test], logit))
        cv[c] = float(np.mean(aucs))
    best = max(cv, key=cv.get)
    out_of_fold = np.zeros(len(y))
    counted = np.zeros(len(y))
    for test in folds:
        out_of_fold[test] += _regression(x[~test], y[~test], best).decision_function(x[test])
        counted[test] += 1
    out_of_fold /= np.maximum(counted, 1)
    platt = _regression(out_of_fold[:, None], y, 1e6)
    model = _regression(x, y, best)
    return {"version": 2, "features": list(FEATURES), "mean": mean.tolist(), "scale": scale.tolist(),
            "coef": model.coef_[0].tolist(), "intercept": float(model.intercept_[0]),
            "platt": [float(platt.coef_[0][0]), float(platt.intercept_[0])], "C": best,
            "cv_auroc": {str(k): round(v, 4) for k, v in cv.items()}, "threshold": 0.5, "prior": 0.5}


def save_slop_v2(model: dict, path: Path = MODEL_PATH) -> None:
    path.write_text(json.dumps(model, indent=1) + "\n", encoding="utf-8")
    load_slop_v2.cache_clear()


@lru_cache(maxsize=1)
def load_slop_v2(path: Path = MODEL_PATH) -> dict:
    return json.loads(Path(path).read_text(encoding="utf-8"))


def probability_from_features(features: pd.DataFrame, model: dict | None = None, *,
                              prior: float | None = None) -> np.ndarray:
    """Calibrated P(machine) from FEATURES; NaN where the LM signals are missing."""
    model = model or load_slop_v2()
    x = (features[model["features"]].to_numpy(float) - np.array(model["mean"])) / np.array(model["scale"])
    missing = np.isnan(x[:, :4]).any(1)
    logit = np.nan_to_num(x) @ np.array(model["coef"]) + model["intercept"]
    a, b = model["platt"]
    calibrated = a * logit + b
    if prior is not None:
        calibrated += math.log(prior / (1 - prior)) - math.log(model["prior"] / (1 - model["prior"]))
    p = 1 / (1 + np.exp(-calibrated))
    return np.where(missing, np.nan, p)


def slop_v2_probability(lm_frame: pd.DataFrame, responses: list[str], prompts: list[str], *,
                        prior: float | None = None) -> np.ndarray:
    """Calibrated P(machine) per row from its LM signals and lexical signals (NaN: nothing was scored)."""
    return probability_from_features(slop_v2_features(lm_frame, responses, prompts), prior=prior)
