"""Sampling: diversity (greedy k-center) vs random vs stratified on real MiniLM vectors, and k-center speed.

On the bundled sample's prebuilt all-MiniLM-L6-v2 vectors (2,000 rows, 384 dims, HDBSCAN clusters), for
k in --ks and --seeds seeds each, reports the mean cosine distance from each sampled row to its nearest other
sampled row (higher = less redundant), the effective number of clusters, the share of HDBSCAN noise rows
and the Vendi score of the sample,
for random, stratified (per cluster, proportional, cap = 2 k / clusters) and diversity sampling; then the
time to rank k rows with farthest-point sampling on --big random rows of 384 dims.
Usage: flock /tmp/mixmap-bench.lock .venv/bin/python bench/bench_sampling.py
Writes bench/results/sampling.json.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PREBUILT = ROOT / "sample_data" / "prebuilt"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--ks", default="50,100,200,500")
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--big", type=int, default=50_000)
    parser.add_argument("--big-k", type=int, default=1_000)
    args = parser.parse_args()
    import pyarrow.parquet as pq

    from mixmap.core.curate.report import effective_clusters, vendi_score
    from mixmap.core.curate.sampling import (
        farthest_point_order,
        mean_nn_distance,
        random_order,
        stratified_order,
        take,
    )

    vec = pq.read_table(PREBUILT / "vectors.parquet")
    ids = vec.column("id").to_pylist()
    vectors = np.stack(vec.column("vector").to_numpy(zero_copy_only=False)).astype(np.float32)
    clusters = pq.read_table(PREBUILT / "clusters.parquet").to_pandas().set_index("id")["cluster"]
    labels = clusters.reindex(ids).fillna(-1).to_numpy().astype(int)
    n_clusters = len(set(labels[labels >= 0].tolist()))

    rows = []
    for k in (int(x) for x in args.ks.split(",")):
        for seed in range(args.seeds):
            picks = {
                "random": take(random_order(len(vectors), seed=seed), rows=k),
                "stratified": take(stratified_order(labels, seed=seed, cap=max(1, 2 * k // n_clusters)), rows=k),
                "diversity": list(take(farthest_point_order(vectors, seed=seed), rows=k)),
            }
            for strategy, picked in picks.items():
                rows.append({"k": k, "seed": seed, "strategy": strategy,
                             "mean_nn_distance": mean_nn_distance(vectors[picked]),
                             "effective_clusters": effective_clusters(labels[picked]),
                             "noise_share": float(np.mean(labels[picked] < 0)),
                             "vendi": vendi_score(vectors[picked])})
    summary = {}
    for k in sorted({r["k"] for r in rows}):
        entry = {}
        for strategy in ("random", "stratified", "diversity"):
            mine = [r for r in rows if r["k"] == k and r["strategy"] == strategy]
            entry[strategy] = {m: round(float(np.mean([r[m] for r in mine])), 4)
                               for m in ("mean_nn_distance", "effective_clusters", "noise_share", "vendi")}
        entry["diversity_over_random_nn"] = round(entry["diversity"]["mean_nn_distance"]
                                                  / entry["random"]["mean_nn_distance"], 2)
        entry["diversity_beats_random_every_seed"] = all(
            d["mean_nn_distance"] > r["mean_nn_distance"]
            for d, r in zip([x for x in rows if x["k"] == k and x["strategy"] == "diversity"],
                            [x for x in rows if x["k"] == k and x["strategy"] == "random"]))
        summary[str(k)] = entry

    big = np.random.default_rng(0).normal(size=(args.big, 384)).astype(np.float32)
    t0 = time.perf_counter()
    list(take(farthest_point_order(big, seed=0), rows=args.big_k))
    kcenter_s = time.perf_counter() - t0

    result = {"data": "bundled sample, all-MiniLM-L6-v2 vectors", "rows": len(vectors), "clusters": n_clusters,
              "seeds": args.seeds, "by_k": summary,
              "kcenter_speed": {"rows": args.big, "dims": 384, "k": args.big_k, "seconds": round(kcenter_s, 2)}}
    out = ROOT / "bench" / "results" / "sampling.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
