"""Slop score v2's fit: source-balanced weights, out-of-group Platt calibration, shrinkage of short answers
toward the prior, NaN where the LM scored nothing, and the shipped model's sanity (no LM needed)."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from mixmap.core.quality.slop_v2 import (
    CANDIDATES,
    fit_slop_v2,
    load_slop_v2,
    probability_from_features,
    slop_v2_features,
    source_weights,
)

pytest.importorskip("sklearn")


def lm_frame(logprob, tokens, copied=0.0) -> pd.DataFrame:
    n = len(logprob)
    logprob = np.asarray(logprob, float)
    return pd.DataFrame({"lm_logprob": logprob, "lm_logrank": -logprob / 2, "lm_entropy": -logprob,
                         "lm_fdgpt": np.zeros(n), "lm_perplexity": np.exp(-logprob),
                         "lm_tokens": np.broadcast_to(tokens, n).astype(int),
                         "lm_novel_logprob": logprob, "lm_novel_logrank": -logprob / 2,
                         "lm_novel_entropy": -logprob, "lm_novel_fdgpt": np.zeros(n),
                         "lm_copied_share": np.broadcast_to(copied, n).astype(float), "lm_top1": np.full(n, 0.5),
                         "lm_logprob_std": np.full(n, 2.0), "lm_novel_top1": np.full(n, 0.5),
                         "lm_novel_logprob_std": np.full(n, 2.0)})


def synthetic(seed: int = 0):
    """Machines more predictable (higher log-prob) than humans, four sources of different sizes."""
    rng = np.random.default_rng(seed)
    groups = ["h:a"] * 300 + ["h:b"] * 30 + ["m:x"] * 200 + ["m:y"] * 50
    y = np.array([0] * 330 + [1] * 250)
    logprob = np.where(y == 1, -1.8, -2.8) + rng.normal(0, 0.5, len(y))
    feats = slop_v2_features(lm_frame(logprob, 64), [""] * len(y), [""] * len(y), lexical=False)
    return feats, y, np.array(groups)


def test_source_weights_give_each_label_half_and_each_source_an_equal_share():
    y = np.array([0, 0, 0, 1, 1, 1, 1])
    g = np.array(["a", "a", "b", "x", "x", "x", "y"])
    w = source_weights(y, g)
    assert w[y == 0].sum() == pytest.approx(w[y == 1].sum())
    assert w[g == "a"].sum() == pytest.approx(w[g == "b"].sum())
    assert w[g == "x"].sum() == pytest.approx(w[g == "y"].sum()) and w[3] == pytest.approx(w[6] / 3)


def test_fit_ranks_machines_higher_and_is_calibrated_at_the_stated_prior():
    feats, y, g = synthetic()
    model = fit_slop_v2(feats, y, g, names=("lm_novel_logprob",))
    test_feats, test_y, _ = synthetic(seed=1)
    p = probability_from_features(test_feats, model)
    assert model["coef"][0] > 0 and model["prior"] == 0.5
    assert p[test_y == 1].mean() > 0.7 and p[test_y == 0].mean() < 0.3
    # two classes 1.0 apart in log-prob (sd 0.5 each): at the midpoint P(machine) = 0.5 by symmetry
    mid = slop_v2_features(lm_frame([-2.3], 64), [""], [""], lexical=False)
    assert probability_from_features(mid, model)[0] == pytest.approx(0.5, abs=0.08)
    higher = probability_from_features(mid, model, prior=0.8)[0]
    assert higher > probability_from_features(mid, model)[0]


def test_short_answers_shrink_toward_the_prior_and_unscored_rows_are_nan():
    feats, y, g = synthetic()
    model = fit_slop_v2(feats, y, g, names=("lm_novel_logprob", "log_novel_tokens"), shrink_tokens=8)
    few = slop_v2_features(lm_frame([-1.0], 2), [""], [""], lexical=False)
    many = slop_v2_features(lm_frame([-1.0], 120), [""], [""], lexical=False)
    p_few, p_many = probability_from_features(few, model)[0], probability_from_features(many, model)[0]
    assert 0.5 < p_few < p_many
    nothing = slop_v2_features(lm_frame([np.nan], 0), [""], [""], lexical=False)
    assert np.isnan(probability_from_features(nothing, model)[0])
    copied = slop_v2_features(lm_frame([-1.0], 60, copied=1.0).assign(lm_novel_logprob=np.nan), [""], [""],
                              lexical=False)
    assert 0 < probability_from_features(copied, model)[0] < p_many  # all copied: the novel part is the prior


def test_shipped_model_is_complete_and_rates_predictable_novel_text_as_machine():
    model = load_slop_v2()
    assert set(model["features"]) <= set(CANDIDATES)
    assert len(model["coef"]) == len(model["mean"]) == len(model["scale"]) == len(model["features"])
    assert model["threshold"] == 0.5 and model["prior"] == 0.5
    feats = slop_v2_features(lm_frame([-3.5, -2.5, -0.8], 80), ["The river flows north."] * 3, [""] * 3,
                             lexical=True)
    p = probability_from_features(feats, model)
    assert p[0] < p[1] < p[2] and p[0] < 0.5 < p[2]
