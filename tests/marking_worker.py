"""One curator for tests/test_concurrency.py: `python -m tests.marking_worker ROLE WORKSPACE PLAN.json`.

ROLE "app" marks through `apply_marks` exactly as the Map page's form does; ROLE "cli" runs the
`mixmap mark` command in-process for every operation. The plan lists the operations; each is one marking
action. Waits for the file START beside the plan, so all curators begin at once.
"""
from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

from mixmap.core.store.marks import apply_marks


def _orphaned(parent: int) -> bool:
    """True once the test that started us has died (we were handed to another parent): stop, don't linger."""
    return os.getppid() != parent


def main(role: str, workspace: str, plan_file: str) -> None:
    parent = os.getppid()
    plan = json.loads(Path(plan_file).read_text())
    start = Path(plan_file).with_name("START")
    while not start.exists():
        if _orphaned(parent):
            raise SystemExit(2)
        time.sleep(0.01)
    if role == "app":
        from mixmap.core.store.workspace import Workspace

        dataset = Workspace(workspace).dataset(plan["dataset"])
        for op in plan["ops"]:
            if _orphaned(parent):
                raise SystemExit(2)
            apply_marks(dataset, op["ids"], mark=op["mark"], add_tags=[op["tag"]], message=op["message"])
    else:
        from mixmap.cli.main import main as cli

        for op in plan["ops"]:
            if _orphaned(parent):
                raise SystemExit(2)
            args = ["--workspace", workspace, "mark", plan["dataset"], "--ids", ",".join(op["ids"]),
                    "--tag", op["tag"], "-m", op["message"]]
            if op["mark"] is not None:
                args.append({"include": "--include", "exclude": "--exclude", "": "--clear"}[op["mark"]])
            code = cli(args, standalone_mode=False)
            if code not in (None, 0):
                raise SystemExit(f"mixmap mark failed ({code}) on {op['message']}")
    print(json.dumps({"role": role, "ops": len(plan["ops"])}))


if __name__ == "__main__":
    main(*sys.argv[1:4])
