"""End-to-end: `mixmap ingest` + `mixmap build --fast` on N rows of alpaca_52k (default 20,000), timed per stage.

Runs the real CLI in fresh processes (so numba's JIT and model loading are paid, as a user pays them).
Usage: flock /tmp/mixmap-bench.lock .venv/bin/python bench/bench_build.py [--rows 20000]
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PARTS = ROOT.parent / "shared" / "data" / "alpaca_52k_en_zh" / "data"


def run(args: list[str]) -> tuple[float, dict]:
    t0 = time.perf_counter()
    out = subprocess.run([sys.executable, "-m", "mixmap.cli", *args, "--json"], cwd=ROOT, capture_output=True, text=True)
    if out.returncode:
        raise SystemExit(out.stderr[-2000:])
    return time.perf_counter() - t0, json.loads(out.stdout)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=20_000)
    args = parser.parse_args()
    parts = sorted(PARTS.glob("alpaca_chinese_part_*.json.gz"), key=lambda p: int(p.name.split("_")[-1].split(".")[0]))
    ws = Path(tempfile.mkdtemp()) / "ws"
    rows = 0
    chosen = []
    for part in parts:
        chosen.append(str(part))
        rows += len(json.loads(__import__("gzip").open(part).read()))
        if rows >= args.rows:
            break
    template = "{en_instruction}\n{en_input}\n{en_output}"
    t_ingest, ingested = run(["--workspace", str(ws), "ingest", *chosen, "--dataset", "alpaca",
                              "--template", template, "--source", "alpaca"])
    t_build, built = run(["--workspace", str(ws), "build", "alpaca", "--fast"])
    result = {"rows": ingested["added"], "ingest_s": round(t_ingest, 1), "build_fast_s": round(t_build, 1),
              "total_s": round(t_ingest + t_build, 1), "clusters": built["cluster"]["clusters"],
              "strategy": built["project"]["strategy"], "goal_s": 180}
    print("| measure | value |\n|---|---|")
    for key, value in result.items():
        print(f"| {key} | {value} |")
    (ROOT / "bench" / "results" / "build.json").write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
