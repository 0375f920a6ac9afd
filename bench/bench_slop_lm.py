"""Slop score v2 evaluation: fit on `tune`, report AUROC on held-out rows and on held-out generators and human
sources, FPR on human text at the default threshold, calibration, AUROC of each LM signal at 64 / 128 / 256
tokens, and cluster ranking vs the oracle on 50/50 mixes.

Data: bench/lm_corpus.py (a seeded sample of bench_slop's corpus + Dolly-15k + C4; LM signals cached).
Usage: flock /tmp/mixmap-cpu.lock .venv/bin/python bench/bench_slop_lm.py [--fit] [--seeds 5]
  --fit  refits slop v2 on `tune` and saves core/quality/data/slop_v2.json (else the saved model is scored)
Writes bench/results/slop_lm.json.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(BENCH.parent))
from bench_slop import auroc
from lm_corpus import CUTOFFS, lm_signals, sample_corpus

OUT = BENCH / "results" / "slop_lm.json"
LM_SIGNS = {"lm_logprob": 1, "lm_logrank": -1, "lm_entropy": -1, "lm_fdgpt": 1, "binoculars": -1}


def features_at(frame: pd.DataFrame, cutoff: int) -> pd.DataFrame:
    from mixmap.core.quality.slop_v2 import slop_v2_features

    lm = pd.DataFrame({k: frame[f"{k}_{cutoff}"] for k in ("lm_logprob", "lm_logrank", "lm_entropy", "lm_fdgpt",
                                                             "lm_tokens")})
    return slop_v2_features(lm, frame["text"].tolist(), frame["instruction"].tolist())


def eval_sets(frame: pd.DataFrame) -> dict[str, np.ndarray]:
    split, y, src = frame["split"].to_numpy(), frame["label"].to_numpy(), frame["source"].to_numpy()
    held = split != "tune"
    unseen_machine = (split == "heldout_sources") & (y == 1)
    return {
        "tune (in-sample)": split == "tune",
        "held-out rows (tuned sources, other prompts)": split == "heldout_rows",
        "unseen generators vs unseen humans (seed tasks, Dolly, C4)": unseen_machine | (
            (split == "heldout_sources") & (y == 0)),
        "unseen generators vs Dolly (new human source)": unseen_machine | (src == "dolly"),
        "unseen generators vs seed tasks": unseen_machine | (src == "seed_tasks"),
        "unseen generators vs C4 (no prompt)": unseen_machine | (src == "c4"),
        "all held-out": held,
    }


def purity(frame: pd.DataFrame, scores: np.ndarray, *, seed: int, k: int = 20) -> dict:
    """50/50 mix of held-out humans and machines, TF-IDF+SVD+KMeans clusters (topic), then 40 rows sampled per
    cluster: top-5 clusters by estimated machine share (score >= 0.5 on the sample) vs the oracle's top 5."""
    from sklearn.cluster import KMeans
    from sklearn.decomposition import TruncatedSVD
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.preprocessing import normalize

    rng = np.random.default_rng(seed)
    held = frame.index[frame["split"] != "tune"].to_numpy()
    human, machine = held[frame.loc[held, "label"] == 0], held[frame.loc[held, "label"] == 1]
    n = min(len(human), len(machine))
    rows = np.concatenate([rng.choice(human, n, replace=False), rng.choice(machine, n, replace=False)])
    texts = frame["text"].to_numpy()[rows].tolist()
    x = TfidfVectorizer(ngram_range=(1, 2), min_df=2, stop_words="english", sublinear_tf=True).fit_transform(texts)
    ids = KMeans(k, n_init=4, random_state=seed).fit_predict(normalize(TruncatedSVD(100, random_state=seed)
                                                                         .fit_transform(x)))
    label, score = frame["label"].to_numpy()[rows], scores[rows]
    est, true, size = {}, {}, {}
    for c in range(k):
        members = np.flatnonzero(ids == c)
        sample = rng.choice(members, min(40, len(members)), replace=False)
        est[c] = float((score[sample] >= 0.5).mean())
        true[c], size[c] = float(label[members].mean()), len(members)

    def top5_share(order: list[int]) -> float:
        top = order[:5]
        return float(sum(true[c] * size[c] for c in top) / sum(size[c] for c in top))

    ours = top5_share(sorted(est, key=lambda c: -est[c]))
    oracle = top5_share(sorted(true, key=lambda c: -true[c]))
    return {"seed": seed, "rows": len(rows), "top5_machine_share": round(ours, 4),
            "oracle_top5_machine_share": round(oracle, 4), "ratio": round(ours / oracle, 4),
            "estimate_vs_true_mae": round(float(np.mean([abs(est[c] - true[c]) for c in est])), 4)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fit", action="store_true")
    parser.add_argument("--seeds", type=int, default=5)
    args = parser.parse_args()
    from mixmap.core.quality.lm import MAX_TOKENS
    from mixmap.core.quality.scoring import compute_signals, slop_score
    from mixmap.core.quality.slop_v2 import fit_slop_v2, load_slop_v2, probability_from_features, save_slop_v2

    frame = lm_signals(sample_corpus())
    y = frame["label"].to_numpy()
    tune = (frame["split"] == "tune").to_numpy()
    sets = eval_sets(frame)
    shipped = slop_score(compute_signals(frame["text"].tolist(), instructions=frame["instruction"].tolist()))
    by_cutoff, models = {}, {}
    for cutoff in CUTOFFS:
        feats = features_at(frame, cutoff)
        model = fit_slop_v2(feats[tune], y[tune], frame["key"].to_numpy()[tune])
        models[cutoff] = model
        p = probability_from_features(feats, model)
        row = {"slop_v2": {name: auroc(y[m], p[m]) for name, m in sets.items()}}
        for signal, sign in LM_SIGNS.items():
            values = (-feats["lm_logprob"] / feats["lm_entropy"] if signal == "binoculars" else feats[signal])
            v = sign * values.to_numpy()
            row[signal] = {name: auroc(y[m], v[m]) for name, m in sets.items()}
        by_cutoff[cutoff] = row
    if args.fit:
        save_slop_v2(models[MAX_TOKENS])
    model = load_slop_v2()
    feats = features_at(frame, MAX_TOKENS)
    p = probability_from_features(feats, model)
    threshold = model["threshold"]
    report = []
    for name, m in sets.items():
        report.append({"set": name, "human": int((y[m] == 0).sum()), "machine": int((y[m] == 1).sum()),
                       "slop_v2": auroc(y[m], p[m]), "shipped_lexical": auroc(y[m], shipped[m]),
                       "lm_logprob_alone": auroc(y[m], feats["lm_logprob"].to_numpy()[m]),
                       "fpr_at_threshold": round(float((p[m][y[m] == 0] >= threshold).mean()), 4),
                       "tpr_at_threshold": round(float((p[m][y[m] == 1] >= threshold).mean()), 4)})
    per_source = {}
    for key, part in frame[frame["split"] != "tune"].groupby("key"):
        idx = part.index.to_numpy()
        per_source[key] = {"rows": len(idx), "label": int(y[idx[0]]),
                           "flagged_share": round(float((p[idx] >= threshold).mean()), 4)}
    held = ~tune
    bins = np.clip((p[held] * 5).astype(int), 0, 4)
    # Calibration on held-out rows re-weighted to 50/50 (the stated prior): machine share per probability bin
    w = np.where(y[held] == 1, 0.5 / y[held].mean(), 0.5 / (1 - y[held].mean()))
    calibration = [{"bin": f"{b / 5:.1f}-{(b + 1) / 5:.1f}", "rows": int((bins == b).sum()),
                    "mean_p": round(float(p[held][bins == b].mean()), 3) if (bins == b).any() else None,
                    "machine_share_at_50_50": round(float((w * y[held])[bins == b].sum() / w[bins == b].sum()), 3)
                    if (bins == b).any() else None} for b in range(5)]
    mixes = [purity(frame, p, seed=s) for s in range(args.seeds)]
    counts = frame.groupby(["split", "label"]).size()
    result = {"rows": {f"{split}:{'machine' if label else 'human'}": int(n) for (split, label), n in counts.items()},
              "model": {k: model[k] for k in ("C", "cv_auroc", "threshold", "prior")},
              "coefficients": dict(zip(model["features"], [round(c, 3) for c in model["coef"]])),
              "sets": report, "per_held_out_source": per_source, "calibration_held_out": calibration,
              "auroc_by_truncation": by_cutoff, "purity_tfidf_k20": mixes,
              "purity_mean_ratio": round(float(np.mean([m["ratio"] for m in mixes])), 4)}
    OUT.write_text(json.dumps(result, indent=1) + "\n")
    print(json.dumps({"sets": report, "purity_mean_ratio": result["purity_mean_ratio"],
                      "auroc_by_truncation": {c: r["slop_v2"] for c, r in by_cutoff.items()}}, indent=1))


if __name__ == "__main__":
    main()
