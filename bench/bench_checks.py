"""Release checks, measured through the product (stored datasets, mixmap.core.checks.dataset), 2 cores.

  decontam  N rows (Alpaca 52k rows, repeated and made unique, with planted copies of eval items: a third
            verbatim, a third with case / whitespace edits, a third with punctuation edits, half of them whole
            items and half 40-word excerpts) against a 10,000-row eval set (AlpacaEval outputs of 16 models):
            seconds for `decontaminate`, recall of the planted copies, rows flagged that were not planted (real
            overlaps between Alpaca and AlpacaEval), and a clean set (the 300 C4 web documents) that must flag 0.
  langid    accuracy on the labelled multilingual sample from ../shared/data, by length bucket and language;
            rows/s of `identify_dataset_languages` on stored Alpaca rows (en and zh halves).
  pii       recall / precision on the planted corpus (tests/checks_data.py, two seeds), rows/s of
            `find_dataset_pii` on stored rows.

Usage: flock /work/scratch/bench.lock .venv/bin/python bench/bench_checks.py [--rows 1000000] [--lang-rows 100000]
Writes bench/results/checks.json.
"""
from __future__ import annotations

import argparse
import collections
import hashlib
import json
import random
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pyarrow as pa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from mixmap.core.checks.actions import contamination_matches
from mixmap.core.checks.dataset import decontaminate, find_dataset_pii, identify_dataset_languages
from mixmap.core.checks.languages import identify_languages
from mixmap.core.checks.ngrams import tokenize
from mixmap.core.checks.pii import find_pii
from mixmap.core.store.workspace import Workspace
from tests.checks_data import (
    DATA,
    _alpaca_records,
    alpaca_eval_outputs,
    edit_copy,
    labelled_language_sample,
    planted_pii_corpus,
)


def store(ws: Workspace, name: str, texts: list[str]):
    ds = ws.dataset(name, create=True)
    for start in range(0, len(texts), 200_000):  # a few commits, as ingest makes
        part = texts[start:start + 200_000]
        ids = [hashlib.sha1(f"{name}:{start + i}".encode()).hexdigest()[:20] for i in range(len(part))]
        ds.add_rows(pa.table({"id": ids, "source": [name] * len(part), "text": part,
                              "row_index": list(range(start, start + len(part))), "meta": [None] * len(part)}))
    return ds


def bench_decontam(ws: Workspace, n_rows: int, planted_n: int = 1_500) -> dict:
    rng = random.Random(0)
    records = _alpaca_records()
    base = ["\n".join(x for x in (r["en_instruction"], r["en_input"], r["en_output"]) if x) for r in records]
    rows = [base[i] if i < len(base) else f"{base[i % len(base)]}\n(copy {i // len(base)})" for i in range(n_rows)]
    items = alpaca_eval_outputs(10_000)
    lengths = np.bincount(tokenize(items).rows, minlength=len(items))
    candidates = [i for i in range(len(items)) if lengths[i] >= 13]
    planted = {}
    for k, item in enumerate(rng.sample(candidates, planted_n)):
        how = ("verbatim", "case", "punct")[k % 3]
        words = items[item].split()
        text = items[item] if k % 2 == 0 or len(words) < 60 else " ".join(words[10:50])
        row = rng.randrange(n_rows)
        while row in planted:
            row = rng.randrange(n_rows)
        rows[row] += "\n\n" + edit_copy(text, how, rng)
        planted[row] = (item, how)
    train = store(ws, "train", rows)
    evalset = store(ws, "evalset", items)
    del rows
    started = time.perf_counter()
    summary = decontaminate(train, evalset, n=13, n_jobs=2)
    seconds = time.perf_counter() - started
    matches = contamination_matches(train)
    ids = train.read_rows(["id"]).column("id").to_pylist()
    item_ids = evalset.read_rows(["id"]).column("id").to_pylist()
    found = set(zip(matches["row_id"], matches["item_id"]))
    by_edit = collections.defaultdict(lambda: [0, 0])
    for row, (item, how) in planted.items():
        by_edit[how][0] += (ids[row], item_ids[item]) in found
        by_edit[how][1] += 1
    planted_ids = {ids[r] for r in planted}
    clean = store(ws, "c4", [json.loads(line)["text"] for line in
                             (DATA / "reference_c4_demo/c4_demo.jsonl").read_text(encoding="utf-8").splitlines()])
    clean_summary = decontaminate(clean, evalset, n=13, n_jobs=1)
    return {"rows": n_rows, "eval_items": len(items), "n": 13, "workers": 2, "seconds": round(seconds, 1),
            "rows_per_s": round(n_rows / seconds), "planted": len(planted),
            "recall": round(sum(a for a, _ in by_edit.values()) / len(planted), 4),
            "recall_by_edit": {k: round(a / b, 4) for k, (a, b) in sorted(by_edit.items())},
            "rows_flagged": summary["rows_flagged"],
            "rows_flagged_not_planted": len(set(matches["row_id"]) - planted_ids),
            "eval_items_too_short": summary["eval_items_too_short"],
            "clean_set": {"rows": clean_summary["rows"], "flagged": clean_summary["rows_flagged"]}}


def bench_langid(ws: Workspace, n_rows: int) -> dict:
    sample = labelled_language_sample(n_pairs=2_000)
    got = identify_languages([r["text"] for r in sample])["lang"].tolist()
    right = collections.defaultdict(lambda: [0, 0])
    for row, lang in zip(sample, got):
        for key in ("all", row["bucket"], f"lang:{row['lang']}"):
            right[key][0] += lang == row["lang"]
            right[key][1] += 1
    records = _alpaca_records()
    texts = []
    for i in range(n_rows):
        r = records[i % len(records)]
        keys = ("en_instruction", "en_input", "en_output") if i % 2 else ("instruction", "input", "output")
        texts.append("\n".join(r[k] for k in keys if r[k]))
    ds = store(ws, "langs", texts)
    started = time.perf_counter()
    summary = identify_dataset_languages(ds, n_jobs=2)
    seconds = time.perf_counter() - started
    return {"sample_texts": len(sample), "accuracy": {k: round(a / n, 4) for k, (a, n) in sorted(right.items())},
            "sample_counts": {k: n for k, (_, n) in sorted(right.items())},
            "rows": n_rows, "mean_chars": round(float(np.mean([len(t) for t in texts]))), "workers": 2,
            "seconds": round(seconds, 1), "rows_per_s": round(n_rows / seconds), "engines": summary["engines"]}


def bench_pii(ws: Workspace, n_rows: int) -> dict:
    out = {}
    for seed in (0, 1):
        docs = planted_pii_corpus(seed=seed)
        total = collections.Counter()
        found = collections.Counter()
        true = false = 0
        for doc in docs:
            spans = find_pii(doc["text"])
            for start, end, kind, _ in doc["planted"]:
                total[kind] += 1
                found[kind] += any(s.kind == kind and s.start <= start and s.end >= end for s in spans)
            for s in spans:
                hit = any(s.kind == kind and s.start < end and s.end > start for start, end, kind, _ in doc["planted"])
                true, false = true + hit, false + (not hit)
        out[f"seed_{seed}"] = {"docs": len(docs), "planted": sum(total.values()),
                               "hard_negatives": sum(len(d["negatives"]) for d in docs),
                               "recall": round(sum(found.values()) / sum(total.values()), 4),
                               "precision": round(true / max(1, true + false), 4),
                               "recall_by_kind": {k: round(found[k] / total[k], 4) for k in sorted(total)}}
    records = _alpaca_records()
    texts = ["\n".join(x for x in (r["en_instruction"], r["en_input"], r["en_output"]) if x)
             for r in (records[i % len(records)] for i in range(n_rows))]
    ds = store(ws, "pii", texts)
    started = time.perf_counter()
    summary = find_dataset_pii(ds, n_jobs=2)
    seconds = time.perf_counter() - started
    out.update({"rows": n_rows, "workers": 2, "seconds": round(seconds, 1), "rows_per_s": round(n_rows / seconds),
                "rows_flagged_in_alpaca": summary["rows_flagged"], "found_in_alpaca": summary["found"]})
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=1_000_000, help="rows for decontamination")
    ap.add_argument("--lang-rows", type=int, default=100_000)
    ap.add_argument("--pii-rows", type=int, default=100_000)
    args = ap.parse_args()
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        ws = Workspace(Path(tmp) / "ws")
        for name, fn, rows in (("langid", bench_langid, args.lang_rows), ("pii", bench_pii, args.pii_rows),
                               ("decontam", bench_decontam, args.rows)):
            results[name] = fn(ws, rows)
            print(name, json.dumps(results[name]), flush=True)
    results["machine"] = "2 cores (shared), Python 3.11"
    results["date"] = time.strftime("%Y-%m-%d")
    out = ROOT / "bench" / "results" / "checks.json"
    out.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
