"""The labelled corpus for the LM slop score (slop v2): bench_slop's sources plus two more human sources
(Dolly-15k, C4), and a seeded sample of it for bench/bench_lm.py. The slop v2 fit and evaluation sample it
again per source and cache per-token LM statistics: bench/lm_tokens.py.

Splits (label 1 = machine, 0 = human):
  tune             bench_slop's `tune` half: oasst1, Alpaca-5k and 8 AlpacaEval generators
  heldout_rows     the other half of those sources (same sources, other prompts)
  heldout_sources  never tuned on: humans seed tasks, Dolly-15k (new) and C4 web text (no prompt); machines
                   GPTeacher, Alpaca-52k and 8 other AlpacaEval generators

Usage: .venv/bin/python bench/lm_corpus.py   (prints the sample's split sizes)
"""
from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
from bench_slop import DATA, load_corpus

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


if __name__ == "__main__":
    sample = sample_corpus()
    print(sample.groupby(["split", "label"]).size())
