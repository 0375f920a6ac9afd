"""Two more candidate slop v2 features, measured with bench_slop_lm's doubly-held-out procedure (issue 16):

- tail tokens: how often a response's novel tokens are far down the LM's ranking or very improbable (nucleus
  sampling rarely emits such tokens; people, with typos and idiosyncratic words, do), and low quantiles of
  their log-prob; rates shrunk toward the corpus rate by 8 pseudo-tokens, as slop v2 shrinks its log-prob;
- response embeddings: the first k principal components of the responses' MiniLM vectors (style in the
  embedding), added to the shipped features.

Usage: flock /tmp/mixmap-cpu.lock .venv/bin/python bench/bench_slop_tails.py  -> bench/results/slop_tails.json
(uses the committed SmolLM2 cache; embeds the 1,151 responses with MiniLM, ~1 min)
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(BENCH.parent))
import bench_slop_lm as S
from lm_tokens import sample, token_rows

OUT = BENCH / "results" / "slop_tails.json"
SHRINK = 8
CUTOFF = 128


def tail_counts(units) -> dict:
    from mixmap.core.quality.lm import COPY_NGRAM, copied_mask

    parts = []
    for unit, stats, offsets in units:
        keep = (offsets < CUTOFF) & ~copied_mask(unit.context, unit.response, COPY_NGRAM)[offsets]
        parts.append(stats[keep])
    s = np.concatenate(parts) if parts else np.zeros((0, 5))
    if not len(s):
        return {"n": 0}
    z = s[:, 3] / np.sqrt(np.maximum(s[:, 4], 1e-6))
    return {"n": len(s), "rank_over_50": (s[:, 1] > np.log(50)).sum(), "rank_over_1000": (s[:, 1] > np.log(1000)).sum(),
            "logprob_below_8": (s[:, 0] < -8).sum(), "logprob_below_12": (s[:, 0] < -12).sum(),
            "z_below_2": (z < -2).sum(), "q10": np.quantile(s[:, 0], 0.1), "q25": np.quantile(s[:, 0], 0.25)}


def main() -> None:
    from mixmap.core.embed.registry import load_embedder

    corpus = sample()
    y, fam = corpus["label"].to_numpy(), corpus["family"].to_numpy()
    rows = token_rows(corpus, score=False)
    feats = S.corpus_features(corpus, rows)
    tails = pd.DataFrame([tail_counts(rows[h]) for h in corpus["hash"]]).fillna(0)
    added = []
    for c in ("rank_over_50", "rank_over_1000", "logprob_below_8", "logprob_below_12", "z_below_2"):
        rate = tails[c].sum() / tails["n"].sum()
        feats[f"tail_{c}"] = -(tails[c] + SHRINK * rate) / (tails["n"] + SHRINK)  # higher = fewer tail tokens
        added.append(f"tail_{c}")
    for c in ("q10", "q25"):
        feats[f"tail_{c}"] = np.where(tails["n"] > 0, tails[c], np.nan)
        added.append(f"tail_{c}")
    vectors = np.asarray(load_embedder().embed(corpus["text"].tolist()), dtype=np.float64)
    u, s, _ = np.linalg.svd(vectors - vectors.mean(0), full_matrices=False)
    for i in range(32):
        feats[f"emb_{i}"] = u[:, i] * s[i]
    names, shrink = S.config(S.SHIPPED)
    keys = ("doubly_held_out", "pairs_mean", "pairs_min", "unseen_human")
    result = {"shipped": {k: S.held_out(feats, y, fam, names, shrink)[k] for k in keys}, "single": {}, "added": {}}
    for c in added:
        v = feats[c].fillna(feats[c].mean()).to_numpy()
        result["single"][c] = S.auroc(y, v)
        result["added"][f"shipped + {c}"] = {k: S.held_out(feats, y, fam, tuple(names) + (c,), shrink)[k] for k in keys}
    for k in (2, 4, 8, 16, 32):
        cols = tuple(f"emb_{i}" for i in range(k))
        result["added"][f"shipped + {k} embedding components"] = {
            kk: S.held_out(feats, y, fam, tuple(names) + cols, shrink)[kk] for kk in keys}
    OUT.write_text(json.dumps(result, indent=1) + "\n")
    print(json.dumps({name: round(r["doubly_held_out"], 4) for name, r in
                      {"shipped": result["shipped"], **result["added"]}.items()}, indent=1))


if __name__ == "__main__":
    main()
