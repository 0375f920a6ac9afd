"""Run the curation state machine (tests/test_state_machine.py) with many examples and report the figure.

    flock /tmp/mixmap-cpu.lock .venv/bin/python bench/bench_state_machine.py [EXAMPLES]   # default 1,000

Each example is a random sequence of up to 12 steps (ingest whole / in parts / again / with another template,
mark, undo / redo, dedup --apply, build with model switches and re-clusters, export, replay) checked against
the in-memory model after every step. Prints examples and seconds;
a failure raises with the shortest failing sequence Hypothesis found (exit 1).
"""
from __future__ import annotations

import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from hypothesis import settings  # noqa: E402
from hypothesis.stateful import run_state_machine_as_test  # noqa: E402

import tests.test_state_machine as machine  # noqa: E402


def main() -> int:
    examples = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    start = time.perf_counter()
    run_state_machine_as_test(machine.CurationMachine,
                              settings=settings(settings.get_profile("bench"), max_examples=examples))
    print(json.dumps({"examples": examples, "failures": 0, "seconds": round(time.perf_counter() - start, 1),
                      "steps_per_example": settings.get_profile("bench").stateful_step_count}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
