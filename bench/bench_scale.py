"""Scale: end-to-end fast build at N rows, per-stage time, peak memory, selection latency, map payload,
app memory, projection strategies with trustworthiness, MinHash at N.

Rows are Alpaca-52k texts repeated with perturbation (word drops, swaps, a variant tag), so no two rows
are identical. Every step runs the real CLI or library; ratios are against baselines in the same run.
Usage: flock /tmp/mixmap-bench.lock .venv/bin/python bench/bench_scale.py --rows 100000 [--skip-minhash]
"""
from __future__ import annotations

import argparse
import gzip
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PARTS = ROOT.parent / "shared" / "data" / "alpaca_52k_en_zh" / "data"


def base_texts() -> list[str]:
    texts = []
    for part in sorted(PARTS.glob("*.json.gz")):
        for r in json.loads(gzip.open(part).read()):
            texts.append("\n".join(p for p in (r["en_instruction"], r["en_input"], r["en_output"]) if p))
    return texts


def perturbed(texts: list[str], n: int, seed: int = 0):
    rng = random.Random(seed)
    for i in range(n):
        words = texts[i % len(texts)].split(" ")
        if i >= len(texts):
            for _ in range(max(1, len(words) // 20)):
                j = rng.randrange(len(words))
                if rng.random() < 0.5 and len(words) > 3:
                    del words[j]
                else:
                    k = rng.randrange(len(words))
                    words[j], words[k] = words[k], words[j]
            words.append(f"(v{i // len(texts)})")
        yield " ".join(words)


def timed_cli(args: list[str]) -> tuple[float, float, dict]:
    """(seconds, peak RSS in GB, parsed --json output) of `python -m cli ...` in a fresh process."""
    start = time.perf_counter()
    proc = subprocess.run(["/usr/bin/time", "-f", "%M", sys.executable, "-m", "mixmap.cli", *args, "--json"],
                          cwd=ROOT, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if proc.returncode:
        raise SystemExit(proc.stderr[-3000:])
    peak_kb = int(proc.stderr.strip().splitlines()[-1])
    return seconds, peak_kb / 1e6, json.loads(proc.stdout)


APP_PROBE = r"""
import json, resource, sys, time
sys.path.insert(0, sys.argv[1])
from mixmap.core.store.workspace import Workspace
from mixmap.core.explore.view import map_frame
from mixmap.core.explore.select import rows_in_shape
import numpy as np
ds = Workspace(sys.argv[2]).dataset("scale")
t = time.perf_counter()
frame = map_frame(ds, with_snippets=False)
frame["row_offset"] = np.arange(len(frame))
load_s = time.perf_counter() - t
import mixmap.ui.mapview as mv  # the app's own map code (imports streamlit, as the app does)
t = time.perf_counter()
fig = mv.figure(frame, "cluster_label", dataset=ds)
payload = len(fig.to_json())
fig_s = time.perf_counter() - t
x, y = frame["x"].to_numpy(), frame["y"].to_numpy()
box = (float(np.quantile(x, 0.3)), float(np.quantile(y, 0.3)), float(np.quantile(x, 0.6)), float(np.quantile(y, 0.6)))
times = []
for _ in range(5):
    t = time.perf_counter(); sel = rows_in_shape(ds, box=box, limit=50); times.append(time.perf_counter() - t)
print(json.dumps({"frame_load_s": load_s, "figure_s": fig_s, "payload_mb": payload / 1e6,
                  "drawn_points": int(sum(len(tr.x) for tr in fig.data)),
                  "selection_count": sel["count"], "selection_s_median": sorted(times)[2],
                  "app_peak_rss_gb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6}))
"""


def app_probe(ws: Path) -> dict:
    """The app's figures, measured in a fresh process (its peak memory is the app's)."""
    probe = subprocess.run([sys.executable, "-c", APP_PROBE, str(ROOT), str(ws)], capture_output=True, text=True)
    if probe.returncode:
        raise SystemExit(probe.stderr[-3000:])
    return {k: round(v, 3) if isinstance(v, float) else v for k, v in json.loads(probe.stdout.splitlines()[-1]).items()}


def projection_strategies(ws_root: Path, rows: int) -> list[dict]:
    """Fit time and trustworthiness of each strategy on the same 20k vectors (a subsample is scored)."""
    import numpy as np
    from sklearn.manifold import trustworthiness

    from mixmap.core.build.project import SizedUmap
    from mixmap.core.store.workspace import Workspace

    _, vectors = Workspace(ws_root).dataset("scale").read_vectors()
    rng = np.random.default_rng(0)
    X = vectors[rng.choice(len(vectors), size=min(20_000, len(vectors)), replace=False)]
    score_idx = rng.choice(len(X), size=2000, replace=False)
    SizedUmap().fit_transform(X[:6000])  # numba JIT paid outside the timings
    out = []
    for name, reducer in [("full UMAP fit", SizedUmap(full_fit_max=10**9)),
                          ("PCA 50 + full fit", SizedUmap(full_fit_max=0, pca_fit_max=10**9)),
                          ("PCA 50 + 5k sample fit + kNN placement", SizedUmap(full_fit_max=0, pca_fit_max=0, fit_sample=5000))]:
        start = time.perf_counter()
        Y = reducer.fit_transform(X)
        seconds = time.perf_counter() - start
        out.append({"strategy": name, "rows": len(X), "seconds": round(seconds, 1),
                    "trustworthiness@10": round(float(trustworthiness(X[score_idx], Y[score_idx], n_neighbors=10)), 3)})
    base = out[0]["seconds"]
    for row in out:
        row["time_vs_full"] = round(row["seconds"] / base, 2)
    return out


def minhash(texts: list[str]) -> dict:
    from mixmap.core.dedup.groups import find_minhash_pairs

    start = time.perf_counter()
    pairs = find_minhash_pairs(texts)
    return {"rows": len(texts), "seconds": round(time.perf_counter() - start, 1), "pairs": int(len(pairs))}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--skip-minhash", action="store_true")
    parser.add_argument("--skip-strategies", action="store_true")
    parser.add_argument("--jsonl", type=Path, help="Reuse rows written by an earlier run (skips generating them).")
    parser.add_argument("--app-only", type=Path, metavar="WORKSPACE",
                        help="Re-measure only the app figures on a workspace an earlier run built; updates that run's"
                             " results file in place.")
    args = parser.parse_args()
    if args.app_only:
        out = ROOT / "bench" / "results" / f"scale_{args.rows}.json"
        result = json.loads(out.read_text())
        result["app"] = app_probe(args.app_only)
        print(json.dumps(result["app"], indent=2))
        out.write_text(json.dumps(result, indent=2))
        return
    tmp = Path(tempfile.mkdtemp())
    ws = tmp / "ws"
    src = tmp / "rows.jsonl"
    if args.jsonl:
        src = args.jsonl
        texts = [json.loads(line)["text"] for line in src.open()] if not args.skip_minhash else []
    else:
        texts = list(perturbed(base_texts(), args.rows))
        with src.open("w") as fh:
            for t in texts:
                fh.write(json.dumps({"text": t}) + "\n")
    result: dict = {"rows": args.rows}
    t_ingest, rss_ingest, _ = timed_cli(["--workspace", str(ws), "ingest", str(src), "--dataset", "scale", "--source", "s"])
    t_build, rss_build, built = timed_cli(["--workspace", str(ws), "build", "scale", "--fast"])
    result.update({"ingest_s": round(t_ingest, 1), "build_fast_s": round(t_build, 1),
                   "end_to_end_s": round(t_ingest + t_build, 1), "stage_s": built["seconds"],
                   "project_strategy": built["project"]["strategy"], "clusters": built["cluster"]["clusters"],
                   "peak_rss_gb": {"ingest": round(rss_ingest, 2), "build": round(rss_build, 2)}})
    result["app"] = app_probe(ws)
    if not args.skip_strategies:
        result["projection_strategies"] = projection_strategies(ws, args.rows)
    if not args.skip_minhash:
        result["minhash"] = minhash(texts)
    result["bench_peak_rss_gb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6, 2)
    print(json.dumps(result, indent=2))
    out = ROOT / "bench" / "results" / f"scale_{args.rows}.json"
    out.write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
