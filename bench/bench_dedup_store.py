"""Duplicates on a stored dataset at 100,000 rows: compute and store pairs once, then regroup per slider move.

    flock /tmp/mixmap-bench.lock .venv/bin/python bench/bench_dedup_store.py

The rows are bench_dedup's 100k set (52,002 Alpaca rows plus perturbed copies), ingested into a fresh
LanceDB workspace. Vectors (384-d, random) and a `signals` frame (random slop_score) are written so every
keep policy can run. Timed:
  - compute_duplicate_pairs (minhash and exact): read texts, find pairs, write the dup_pairs_<method> frame;
  - load_pairs: read the stored pairs back and position them on the rows (once per page load / CLI call);
  - regroup: what a slider move or a keep-policy change costs on the page (pairs, quality scores and the
    paired rows' vectors already in memory, as the page caches them), per policy, the slowest of
    thresholds 0.4 .. 0.9 (median of 3 runs each); plus the one-time reads the page caches;
  - the members lists of every group (Grouping.table, what `mixmap dedup --json` prints);
  - duplicate_groups end to end (load + regroup + quality scores / vectors from the store), i.e. `mixmap dedup`
    without the process start.
Results go to bench/results/dedup_store.json.
"""
from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.bench_dedup import hundred_k_rows, load_alpaca
from mixmap.core.dedup.actions import duplicate_groups
from mixmap.core.dedup.dataset import (
    compute_duplicate_pairs,
    load_pairs,
    paired_vectors,
    quality_scores,
    regroup,
)

RESULTS = ROOT / "bench" / "results" / "dedup_store.json"
THRESHOLDS = (0.4, 0.5, 0.6, 0.7, 0.8, 0.9)
POLICIES = ("first", "longest", "quality", "central")


def timed(fn, *args, repeat: int = 1, **kwargs):
    """(median wall seconds, result); the median CPU seconds of the same runs go to CPU[fn name]."""
    walls, cpus, out = [], [], None
    for _ in range(repeat):
        w0, c0 = time.perf_counter(), time.process_time()
        out = fn(*args, **kwargs)
        walls.append(time.perf_counter() - w0)
        cpus.append(time.process_time() - c0)
    LAST_CPU[0] = float(np.median(cpus))
    return float(np.median(walls)), out


LAST_CPU = [0.0]


def make_dataset(root: Path, texts: list[str]):
    import pyarrow as pa

    from mixmap.core.ingest.files import ingest_into
    from mixmap.core.store.workspace import Workspace

    ds = Workspace(root).dataset("bench", create=True)
    path = root / "rows.jsonl"
    path.write_text("".join(json.dumps({"text": t}) + "\n" for t in texts), encoding="utf-8")
    t_ingest, _ = timed(ingest_into, ds, path)
    ids = ds.read_rows(["id"]).column("id").to_pylist()
    rng = np.random.default_rng(0)
    ds.update_meta(model="random-384", model_key="random384")
    for start in range(0, len(ids), 25_000):
        block = rng.standard_normal((min(25_000, len(ids) - start), 384)).astype(np.float32)
        ds.add_vectors("random384", ids[start:start + len(block)], block)
    ds.write_frame("signals", pa.table({"id": ids, "slop_score": rng.random(len(ids))}))
    return ds, t_ingest


def main() -> None:
    texts = hundred_k_rows(load_alpaca())
    res: dict = {"rows": len(texts), "cores": os.cpu_count(), "load_before": os.getloadavg()[0]}
    with tempfile.TemporaryDirectory(prefix="mixmap-bench-dedup-") as tmp:
        ds, res["ingest_seconds"] = make_dataset(Path(tmp), texts)
        for method in ("minhash", "exact"):
            sec, info = timed(compute_duplicate_pairs, ds, method=method)
            res[f"compute_{method}"] = {"seconds": sec, "pairs": info["pairs"],
                                        "candidate_threshold": info["candidate_threshold"]}
        res["load_pairs_seconds"], stored = timed(load_pairs, ds, "minhash", repeat=3)
        res["read_quality_seconds"], (quality, _) = timed(quality_scores, ds, stored.ids)
        res["read_paired_vectors_seconds"], vectors = timed(paired_vectors, ds, stored)
        res["regroup_seconds"], res["regroup_cpu_seconds"], res["removed_at"] = {}, {}, {}
        for policy in POLICIES:
            worst = worst_cpu = 0.0
            for t in THRESHOLDS:
                sec, grouping = timed(regroup, stored, threshold=t, policy=policy, quality=quality,
                                      vectors=vectors, repeat=3)
                worst, worst_cpu = max(worst, sec), max(worst_cpu, LAST_CPU[0])
                if policy == "first":
                    res["removed_at"][str(t)] = grouping.summary["removed"]
            res["regroup_seconds"][policy] = worst
            res["regroup_cpu_seconds"][policy] = worst_cpu
        grouping = regroup(stored, threshold=0.5)
        res["groups_at_0.5"] = grouping.summary["groups"]
        res["members_table_seconds"], _ = timed(lambda: grouping.table, repeat=3)
        res["duplicate_groups_seconds"] = {
            policy: timed(duplicate_groups, ds, method="minhash", threshold=0.5, policy=policy, repeat=3)[0]
            for policy in POLICIES}
    res["load_after"] = os.getloadavg()[0]
    res["note"] = ("wall seconds, median of 3; regroup_cpu_seconds is this process's CPU time, which the "
                   "shared machine's load (load_before / load_after) inflates less than wall time")
    RESULTS.write_text(json.dumps(res, indent=2) + "\n")
    print(f"| what, {res['rows']:,} rows, {res['cores']} cores, load {res['load_before']:.1f} | seconds |\n|---|---|")
    print(f"| ingest (jsonl -> LanceDB) | {res['ingest_seconds']:.1f} |")
    for method in ("minhash", "exact"):
        c = res[f"compute_{method}"]
        print(f"| compute + store {method} pairs ({c['pairs']:,} pairs >= {c['candidate_threshold']:g}) "
              f"| {c['seconds']:.1f} |")
    print(f"| load stored pairs | {res['load_pairs_seconds']:.3f} |")
    print(f"| read quality scores / paired rows' vectors (once, cached by the page) | "
          f"{res['read_quality_seconds']:.3f} / {res['read_paired_vectors_seconds']:.3f} |")
    for policy, sec in res["regroup_seconds"].items():
        print(f"| regroup + keep {policy}, slowest threshold (CPU seconds) | {sec:.3f} "
              f"({res['regroup_cpu_seconds'][policy]:.3f}) |")
    print(f"| members lists of all {res['groups_at_0.5']:,} groups at 0.5 | {res['members_table_seconds']:.3f} |")
    for policy, sec in res["duplicate_groups_seconds"].items():
        print(f"| duplicate_groups end to end, keep {policy} | {sec:.3f} |")


if __name__ == "__main__":
    main()
