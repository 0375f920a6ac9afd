"""Quality scoring speed: 50,000 real rows, mixmap's signals + slop score vs a plain Python loop, same run.

Rows: a seeded sample from ../shared/data (all Alpaca-52k outputs, AlpacaEval's 16 generators, GPTeacher,
oasst1 replies, seed-task outputs), so lengths are those of a real instruction set (mean ~75 words).

Timed, one after another on the same texts:
  baseline   for each text: len(), split(), lower().split() and a count -- the floor for any per-row pass
  lexical    mixmap.core.quality.signals.compute_lexical_signals (Gopher / FineWeb heuristics)
  full       mixmap.core.quality.scoring.score_texts: lexical + slop markers + composite score, 1 process
  full x2    the same with n_jobs=2 (worker processes; includes their start-up)
  store x2   mixmap.core.quality.dataset.score_dataset on the rows ingested into a temporary workspace: read from
             LanceDB, score with 2 worker processes, write the `signals` frame (what `mixmap score` does)
Each pass reports wall seconds and CPU seconds (this process plus worker processes): on a shared machine
the wall time moves with other people's load, the CPU time much less.
Goal (issue 3): under 30 s for 50,000 rows; lexical signals at >= 5,000 rows/s.
Usage: flock /tmp/mixmap-bench.lock .venv/bin/python bench/bench_quality_speed.py [--n 50000]
Writes bench/results/quality_speed.json.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
OUT = ROOT / "bench" / "results" / "quality_speed.json"


def load_texts(n: int, seed: int = 0) -> list[str]:
    """All Alpaca-52k outputs plus every reply bench_slop loads, sampled down to n rows (seeded)."""
    import gzip

    from bench_slop import DATA, load_corpus

    texts = load_corpus(alpaca52k_rows=0)["text"].tolist()
    for part in sorted((DATA / "alpaca_52k_en_zh" / "data").glob("*.json.gz")):
        with gzip.open(part, "rt", encoding="utf-8") as fh:
            texts += [r["en_output"] for r in json.load(fh)]
    rng = np.random.default_rng(seed)
    return [texts[i] for i in rng.choice(len(texts), n, replace=len(texts) < n)]


def baseline(texts: list[str]) -> int:
    total = 0
    for text in texts:
        total += len(text) + len(text.split()) + len(text.lower().split()) + text.count("\n")
    return total


def timed(fn, *args, **kwargs) -> tuple[float, float]:
    """(wall seconds, CPU seconds of this process and of worker processes that ended meanwhile)."""
    import resource

    def cpu() -> float:
        own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
        return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime

    wall, start = time.perf_counter(), cpu()
    fn(*args, **kwargs)
    return time.perf_counter() - wall, cpu() - start


def stored_dataset(texts: list[str], folder: Path):
    """The texts ingested as a dataset (not timed)."""
    from mixmap.core.ingest.files import TextSpec, ingest_into
    from mixmap.core.store.workspace import Workspace

    path = folder / "rows.jsonl"
    path.write_text("".join(json.dumps({"text": t}) + "\n" for t in texts), encoding="utf-8")
    dataset = Workspace(folder / "ws").dataset("speed", create=True)
    ingest_into(dataset, path, spec=TextSpec(column="text"))
    return dataset


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=50_000)
    args = parser.parse_args()
    from mixmap.core.quality.scoring import score_texts
    from mixmap.core.quality.signals import compute_lexical_signals
    from mixmap.core.quality.slop import load_lexicon

    texts = load_texts(args.n)
    load_lexicon()  # read the lexicon file outside the timings
    score_texts(texts[:200])  # warm imports (sklearn-free path, pandas) outside the timings
    runs = {
        "baseline": timed(baseline, texts),
        "lexical": timed(compute_lexical_signals, texts),
        "full": timed(score_texts, texts),
        "full_x2": timed(score_texts, texts, n_jobs=2),
    }
    import tempfile

    from mixmap.core.quality.dataset import score_dataset

    with tempfile.TemporaryDirectory() as folder:
        dataset = stored_dataset(texts, Path(folder))
        runs["store_x2"] = timed(score_dataset, dataset, n_jobs=2)
    words = float(np.mean([len(t.split()) for t in texts]))
    n = len(texts)
    result = {"rows": n, "mean_words": round(words, 1), "cpus": os.cpu_count(),
              "load_avg_1m": round(os.getloadavg()[0], 2),
              "passes": {k: {"wall_s": round(w, 2), "cpu_s": round(c, 2), "rows_per_s": round(n / w),
                             "rows_per_cpu_s": round(n / c)} for k, (w, c) in runs.items()},
              "full_vs_baseline_slowdown": round(runs["full"][0] / runs["baseline"][0], 1)}
    print(f"{n} rows, mean {words:.0f} words, {os.cpu_count()} CPUs, load average {result['load_avg_1m']}\n")
    print("| pass | wall s | rows/s | CPU s | rows per CPU-s | x baseline wall |")
    print("|---|---|---|---|---|---|")
    for k, (w, c) in runs.items():
        print(f"| {k} | {w:.2f} | {n / w:,.0f} | {c:.2f} | {n / c:,.0f} | {w / runs['baseline'][0]:.1f} |")
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(result, indent=2) + "\n")
    print(f"\nwrote {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
