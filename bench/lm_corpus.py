"""The labelled corpus for the LM slop score (slop v2): bench_slop's sources plus two unseen human sources,
a seeded sample of each, and its LM signals at 64 / 128 / 256 response tokens (cached by text hash).

Splits (label 1 = machine, 0 = human):
  tune             bench_slop's `tune` half: oasst1, Alpaca-5k and 8 AlpacaEval generators
  heldout_rows     the other half of those sources (same sources, other prompts)
  heldout_sources  never tuned on: humans seed tasks, Dolly-15k (new) and C4 web text (no prompt); machines
                   GPTeacher, Alpaca-52k and 8 other AlpacaEval generators

Usage: flock /tmp/mixmap-cpu.lock .venv/bin/python bench/lm_corpus.py   (scores what the cache lacks)
"""
from __future__ import annotations

import hashlib
import json
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
from bench_slop import DATA, load_corpus

CACHE = BENCH / "results" / "lm_signals_cache.parquet"
CUTOFFS = (64, 128, 256)
# rows sampled per (split, key); keys are sources, or aeval:<generator> for AlpacaEval
PER_KEY = {"tune": {"oasst1": 120, "alpaca_5k": 24, "aeval": 12},
           "heldout_rows": {"oasst1": 40, "alpaca_5k": 16, "aeval": 4},
           "heldout_sources": {"seed_tasks": 50, "dolly": 80, "c4": 40, "gpteacher": 24, "alpaca_52k": 24,
                               "aeval": 10}}  # ~630 rows: what 2 shared cores score in ~10 min


def full_corpus() -> pd.DataFrame:
    frame = load_corpus()
    extra = []
    for i, line in enumerate((DATA / "dolly_15k_sample" / "dolly_sample.jsonl").open()):
        r = json.loads(line)
        if r["response"].strip():
            extra.append({"text": r["response"], "instruction": f"{r['instruction']}\n{r['context']}".strip(),
                              "label": 0, "source": "dolly", "generator": "human", "group": f"dolly:{i}",
                              "split": "heldout_sources", "key": "dolly"})
    for i, line in enumerate((DATA / "reference_c4_demo" / "c4_demo.jsonl").open()):
        r = json.loads(line)
        extra.append({"text": r["text"], "instruction": "", "label": 0, "source": "c4", "generator": "human",
                          "group": f"c4:{i}", "split": "heldout_sources", "key": "c4"})
    return pd.concat([frame, pd.DataFrame(extra)], ignore_index=True)


def sample_corpus(seed: int = 0) -> pd.DataFrame:
    frame = full_corpus()
    rng = np.random.default_rng(seed)
    picked = []
    for (split, key), rows in frame.groupby(["split", "key"]).groups.items():
        want = PER_KEY[split].get("aeval" if key.startswith("aeval:") else key, 0)
        rows = np.sort(np.asarray(rows))
        picked.extend(rng.choice(rows, min(want, len(rows)), replace=False).tolist() if want else [])
    return frame.loc[sorted(picked)].reset_index(drop=True)


def text_hash(prompt: str, text: str) -> str:
    return hashlib.blake2b(f"{prompt}\0{text}".encode("utf-8", "surrogatepass"), digest_size=12).hexdigest()


def lm_signals(frame: pd.DataFrame, *, chunk: int = 100) -> pd.DataFrame:
    """frame + lm_* columns at each cutoff (lm_logprob_64, ...), scoring only rows the cache lacks."""
    from mixmap.core.quality.lm import load_language_model, score_responses_at

    frame = frame.assign(hash=[text_hash(p, t) for p, t in zip(frame["instruction"], frame["text"])])
    cache = pd.read_parquet(CACHE) if CACHE.exists() else pd.DataFrame({"hash": []})
    todo = frame[~frame["hash"].isin(cache["hash"])].drop_duplicates("hash")
    if len(todo):
        lm = load_language_model()
        started, tokens = time.perf_counter(), 0
        for s in range(0, len(todo), chunk):
            part = todo.iloc[s : s + chunk]
            got = score_responses_at(lm, part["instruction"].tolist(), part["text"].tolist(), cutoffs=CUTOFFS)
            cols = {"hash": part["hash"].to_numpy()}
            for c, f in got.items():
                cols.update({f"{k}_{c}": f[k].to_numpy() for k in f.columns})
            cache = pd.concat([cache, pd.DataFrame(cols)], ignore_index=True)
            cache.to_parquet(CACHE, index=False)  # resumable: a killed run keeps finished chunks
            tokens += int(got[max(CUTOFFS)]["lm_tokens"].sum())
            print(f"{s + len(part)}/{len(todo)} rows, {tokens / (time.perf_counter() - started):.0f} scored "
                  f"tokens/s", flush=True)
    return frame.merge(cache, on="hash", how="left")


if __name__ == "__main__":
    sample = sample_corpus()
    print(sample.groupby(["split", "label"]).size())
    lm_signals(sample)
