"""Duplicate detection benchmark: planted near-duplicates, MRPC paraphrases, and speed at 100k rows.

    flock /tmp/mixmap-bench.lock .venv/bin/python bench/bench_dedup.py            # all sections
    .venv/bin/python bench/bench_dedup.py --sections planted --sweep              # shingle / threshold sweep

Planted near-duplicates. A copy of a source row gets edit operations on round(rate x words) of its words:
delete a word, insert a word (drawn from the corpus by frequency), swap two neighbours (counts as two
words), change a word's case, or add / drop / change punctuation ('mixed' draws each operation at
random). Copies are mixed with unrelated rows. Sources and unrelated rows come from a pool with no
natural near-duplicates: rows sharing >= 40% of their content words (stop words removed) with any other
pool row are dropped, so every pair the detector finds is either planted or a false positive.

Scoring is pair-level over groups: the predicted pairs are all pairs of rows in one group at the
threshold; the true pairs are (source, copy). precision = |predicted & true| / |predicted|, recall =
|predicted & true| / |true|. Rows have >= 25 words ('short' rows, 10-24 words, are reported apart).

Tuning vs reporting: shingles and threshold were chosen with --sweep on the *tune* half of the Alpaca
rows; the figures reported are on the other half and on two corpora never tuned on (GPTeacher role-play
and OpenAssistant messages).

MRPC: pair classification (label 1 = paraphrase). A threshold is chosen on the train split (best F1; the
semantic one on a 1,000-pair sample, MiniLM embeds ~40 texts/s here) and reported on the test split, next
to the detector run end to end at its default threshold over the test sentences.
"""
from __future__ import annotations

import argparse
import csv
import gzip
import hashlib
import json
import os
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from core.dedup import (  # noqa: E402
    choose_keepers, find_exact_pairs, find_minhash_pairs, find_semantic_pairs, group_pairs,
)
from core.dedup_pairs import choose_lsh_params, jaccard, lsh_candidates, minhash_signatures, shingle_hashes  # noqa: E402,E501

DATA = ROOT.parent / "shared" / "data"
RESULTS = ROOT / "bench" / "results" / "dedup.json"
CACHE = Path(os.environ.get("MIXMAP_BENCH_CACHE", "/tmp/mixmap-bench-cache"))
OPS = ("delete", "insert", "swap", "case", "punct", "mixed")
RATES = (0.02, 0.05, 0.10)
BEYOND = (0.20,)  # reported, not part of the target
MIN_WORDS = 25
THRESHOLD = 0.5  # the default in core.dedup_pairs.find_minhash_pairs
PUNCT = ".,;:!?"


# ------------------------------------------------------------------------------------------------ data

def load_alpaca() -> list[str]:
    rows = []
    for part in sorted((DATA / "alpaca_52k_en_zh" / "data").glob("*.json.gz"), key=lambda p: int(p.stem.split("_")[-1].split(".")[0])):
        with gzip.open(part, "rt", encoding="utf-8") as f:
            rows += json.load(f)
    return ["\n".join(x for x in (r["en_instruction"], r["en_input"], r["en_output"]) if x) for r in rows]


def load_heldout_corpora() -> list[str]:
    with open(DATA / "gpteacher_roleplay" / "roleplay-simple-deduped-roleplay-instruct.json", encoding="utf-8") as f:
        gpteacher = ["\n".join(x for x in (r["instruction"], r["input"], r["response"]) if x) for r in json.load(f)]
    with open(DATA / "oasst1_en_validation" / "en-validation.jsonl", encoding="utf-8") as f:
        oasst = [json.loads(line)["text"] for line in f if line.strip()]
    return gpteacher + oasst


def load_same_prompt_rows(*, seed: int, half: int, min_words: int = MIN_WORDS) -> list[str]:
    """Hard negatives: rows (instruction + response) of different models answering the same AlpacaEval
    prompt, minus responses whose words overlap >= 40% with another response (those may be real
    near-duplicates). `half` 0 or 1 picks which half of the 805 prompts (0 = tune, 1 = report)."""
    by_prompt: dict[str, list[str]] = {}
    for path in sorted((DATA / "alpaca_eval_model_outputs" / "results").glob("*/model_outputs.json")):
        with open(path, encoding="utf-8") as f:
            for r in json.load(f):
                by_prompt.setdefault(r["instruction"], []).append(r["output"])
    prompts = sorted(by_prompt)
    chosen = np.random.default_rng(seed).permutation(len(prompts))[half::2]
    rows, outputs = [], []
    for k in chosen:
        for out in by_prompt[prompts[k]]:
            if len(out.split()) >= min_words:
                rows.append(prompts[k] + "\n" + out)
                outputs.append(out)
    keep = clean_pool(outputs)
    return [rows[i] for i in keep]


def load_mrpc(split: str) -> list[tuple[int, str, str]]:
    name = "msr_paraphrase_test.txt" if split == "test" else "msr_paraphrase_train_backup.txt"
    with open(DATA / "mrpc" / name, encoding="utf-8-sig", newline="") as f:
        reader = csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE)
        next(reader)
        return [(int(r[0]), r[3], r[4]) for r in reader if len(r) == 5]


# --------------------------------------------------------------------------------------------- planting

def perturb(text: str, *, op: str, rate: float, rng: np.random.Generator, vocab: np.ndarray) -> str:
    words = text.split()
    n = len(words)
    edits = max(1, round(rate * n))
    ops = [op] * edits if op != "mixed" else list(rng.choice(OPS[:-1], edits))
    if op == "swap":
        ops = ["swap"] * max(1, edits // 2)  # a swap moves two words
    for o in ops:
        n = len(words)
        p = int(rng.integers(n))
        if o == "delete" and n > 1:
            del words[p]
        elif o == "insert":
            words.insert(int(rng.integers(n + 1)), str(rng.choice(vocab)))
        elif o == "swap" and n > 1:
            p = min(p, n - 2)
            words[p], words[p + 1] = words[p + 1], words[p]
        elif o == "case":
            w = words[p]
            words[p] = w.upper() if w.islower() else w.lower() if w.isupper() else w.swapcase()
        elif o == "punct":
            w = words[p]
            if w and w[-1] in PUNCT:
                words[p] = w[:-1] if rng.random() < 0.5 else w[:-1] + str(rng.choice(list(PUNCT)))
            else:
                words[p] = w + str(rng.choice(list(PUNCT)))
    return " ".join(words)


def clean_pool(texts: list[str], *, max_overlap: float = 0.4) -> np.ndarray:
    """Indices of rows sharing < max_overlap of their content words (Jaccard) with every other row."""
    from sklearn.feature_extraction.text import CountVectorizer

    x = CountVectorizer(binary=True, stop_words="english", token_pattern=r"(?u)\b\w\w+\b").fit_transform(texts)
    x = x.tocsr().astype(np.float32)
    size = np.asarray(x.sum(axis=1)).ravel()
    related = np.zeros(len(texts), bool)
    xt = x.T.tocsc()
    for start in range(0, len(texts), 2000):
        inter = (x[start:start + 2000] @ xt).tocoo()
        rows = inter.row + start
        jac = inter.data / np.maximum(size[rows] + size[inter.col] - inter.data, 1)
        hit = (jac >= max_overlap) & (rows != inter.col)
        related[rows[hit]] = True
    related |= size < 3  # nothing to compare
    return np.flatnonzero(~related)


def planted_set(texts: list[str], *, seed: int, per_cell: int, n_unrelated: int, rates=RATES + BEYOND,
                min_words: int = MIN_WORDS, max_words: int | None = None, hard: list[str] = ()) -> dict:
    rng = np.random.default_rng(seed)
    lengths = np.array([len(t.split()) for t in texts])
    ok = (lengths >= min_words) & (lengths <= (max_words or 10**9))
    pool = clean_pool([texts[i] for i in np.flatnonzero(ok)])
    pool = np.flatnonzero(ok)[pool]
    rng.shuffle(pool)
    vocab = np.array(" ".join(texts[i] for i in pool[:5000]).split())
    cells = [(op, r) for op in OPS for r in rates]
    need = len(cells) * per_cell + n_unrelated
    if len(pool) < need:
        per_cell = max(1, (len(pool) - n_unrelated) // len(cells))
        n_unrelated = min(n_unrelated, len(pool) - per_cell * len(cells))
    rows, pairs, cell_of = [], [], []
    k = 0
    for op, rate in cells:
        for _ in range(per_cell):
            src = texts[pool[k]]
            k += 1
            rows += [src, perturb(src, op=op, rate=rate, rng=rng, vocab=vocab)]
            pairs.append((len(rows) - 2, len(rows) - 1))
            cell_of.append(f"{op}@{rate:.2f}")
    rows += [texts[i] for i in pool[k:k + n_unrelated]] + list(hard)
    order = rng.permutation(len(rows))  # shuffle so sources and copies are not neighbours
    where = np.argsort(order)
    pairs_arr = np.sort(where[np.array(pairs)], axis=1)
    return {"rows": [rows[i] for i in order], "pairs": pairs_arr, "cells": np.array(cell_of),
            "per_cell": per_cell, "unrelated": n_unrelated, "hard": len(hard)}


def score(groups: np.ndarray, planted: dict, rates=RATES) -> dict:
    pairs, cells = planted["pairs"], planted["cells"]
    found = (groups[pairs[:, 0]] == groups[pairs[:, 1]]) & (groups[pairs[:, 0]] >= 0)
    sizes = np.bincount(groups[groups >= 0]) if (groups >= 0).any() else np.zeros(0, int)
    predicted = int((sizes * (sizes - 1) // 2).sum())
    in_target = np.isin(cells, [f"{op}@{r:.2f}" for op in OPS for r in rates])
    # predicted pairs from copies beyond the target rates are neither counted for nor against precision
    beyond_found = int(found[~in_target].sum())
    tp = int(found[in_target].sum())
    precision = tp / max(predicted - beyond_found, 1)
    per_cell = {c: float(found[cells == c].mean()) for c in dict.fromkeys(cells.tolist())}
    return {"precision": precision, "recall": tp / max(int(in_target.sum()), 1),
            "false_pairs": predicted - beyond_found - tp, "per_cell_recall": per_cell}


# ------------------------------------------------------------------------------------------------ sweep

SWEEP = [("word", 1), ("word", 2), ("word", 3), ("word", 4), ("word", 5), ("char", 5), ("char", 9)]


def run_sweep(planted: dict) -> list[dict]:
    """Recall / precision per shingle kind and threshold, from pairs found once at a low candidate threshold
    (LSH tuned to 0.25, so the candidate step loses next to nothing above 0.35)."""
    out = []
    for kind, n in SWEEP:
        t0 = time.perf_counter()
        pairs = find_minhash_pairs(planted["rows"], threshold=0.25, ngram=n, shingle=kind)
        took = time.perf_counter() - t0
        for t in np.arange(0.3, 0.9, 0.05):
            s = score(group_pairs(pairs, len(planted["rows"]), threshold=float(t)), planted)
            at10 = np.mean([v for c, v in s["per_cell_recall"].items() if c.endswith("0.10")])
            out.append({"shingle": f"{kind}{n}", "threshold": round(float(t), 2), "precision": s["precision"],
                        "recall": s["recall"], "recall_at_10pct": float(at10), "seconds": took})
    print("| shingle | threshold | precision | recall (2-10%) | recall at 10% | pairs s |\n|---|---|---|---|---|---|")
    for r in out:
        print(f"| {r['shingle']} | {r['threshold']:.2f} | {r['precision']:.3f} | {r['recall']:.3f} "
              f"| {r['recall_at_10pct']:.3f} | {r['seconds']:.1f} |")
    return out


def split_alpaca(texts: list[str], seed: int = 7) -> tuple[list[str], list[str]]:
    order = np.random.default_rng(seed).permutation(len(texts))
    half = len(texts) // 2
    return [texts[i] for i in order[:half]], [texts[i] for i in order[half:]]
