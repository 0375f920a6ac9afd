"""More kill -9 trials than CI runs: `python bench/crash_trials.py --per-stage 10 [--seed S]`.

Each trial starts a `mixmap` command in a subprocess, kills it with SIGKILL at a random moment, reruns it and
checks that no row was lost or duplicated (see tests/crash.py for each stage's invariants). Writes
bench/results/crash.json. Run it alone: `flock /tmp/mixmap-bench.lock python bench/crash_trials.py`.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.crash import CrashHarness

STAGES = ("ingest", "embed", "build", "mark", "export")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-stage", type=int, default=10)
    parser.add_argument("--build-trials", type=int, default=None, help="build trials (slow; default: --per-stage)")
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "crash.json")
    args = parser.parse_args()
    seed = args.seed if args.seed is not None else random.randrange(1_000_000)
    with tempfile.TemporaryDirectory(prefix="mixmap-crash-") as tmp:
        os.environ.setdefault("MIXMAP_MODEL_CACHE", str(Path(tmp) / "models"))
        from mixmap.core.embed.static_model import StaticEmbedder

        StaticEmbedder.load_or_distill(cache_dir=Path(os.environ["MIXMAP_MODEL_CACHE"]))
        harness = CrashHarness(Path(tmp), seed=seed)
        started = time.time()
        mark_state: dict = {}
        export_state: dict = {}
        runs = {
            "ingest": harness.ingest_trial,
            "embed": harness.embed_trial,
            "build": harness.build_trial,
            "mark": lambda: harness.mark_trial(mark_state),
            "export": lambda: harness.export_trial(export_state),
        }
        failures = []
        # kills exactly between two writes (tests/crash_at.py), which random moments rarely hit
        for point in ("append_marks_log", "upsert_marks"):
            runs[f"mark@{point}"] = lambda point=point: harness.mark_trial(mark_state, crash_at=point)
        for point in ("write_frame:layout", "update_meta:project", "write_frame:clusters",
                      "write_frame:cluster_info", "update_meta:cluster"):
            runs[f"build@{point}"] = lambda point=point: harness.build_crash_at(point)
        runs["export@manifest"] = lambda: harness.export_crash_at_manifest(export_state)
        for stage in (*STAGES, *[k for k in runs if "@" in k]):
            count = args.build_trials if stage == "build" and args.build_trials is not None else args.per_stage
            count = 1 if "@" in stage else count
            for _ in range(count):
                try:
                    trial = runs[stage]()
                    print(f"{stage:6s} #{trial.number:<3d} kill after {trial.delay:6.2f}s  killed={trial.killed!s:5s} "
                          f"after kill: {trial.after_kill}", flush=True)
                except AssertionError as exc:
                    failures.append(str(exc))
                    print(f"FAILED: {exc}", flush=True)
        result = {**harness.summary(), "failures": failures, "seconds": round(time.time() - started, 1),
                  "leftover_temp_file_names": harness.leftover_temp_files()[:20]}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2))
    raise SystemExit(1 if failures else 0)


if __name__ == "__main__":
    main()
