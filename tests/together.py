"""Run `mixmap ARGS...` with every LanceDB append held at a barrier, so that several processes commit at the
same moment: `python -m tests.together BARRIER_DIR -- ARGS...`. A process drops a file in BARRIER_DIR when it
is about to append (having read what is stored) and waits, at most 10 s, for BARRIER_DIR/GO.
Used by tests/test_concurrency.py to make a read-then-append race certain instead of lucky.
"""
from __future__ import annotations

import os
import sys
import time
from pathlib import Path


def main(argv: list[str]) -> None:
    folder, sep, *args = argv
    assert sep == "--", "usage: python -m tests.together BARRIER_DIR -- ARGS..."
    barrier = Path(folder)
    from lancedb.table import LanceTable

    original = LanceTable.add

    def add_together(self, *a, **kw):
        (barrier / f"arrived-{os.getpid()}").touch()
        deadline = time.time() + 10
        while not (barrier / "GO").exists() and time.time() < deadline:
            time.sleep(0.005)
        return original(self, *a, **kw)

    LanceTable.add = add_together
    from mixmap.cli.main import main as cli

    cli(args, prog_name="mixmap")


if __name__ == "__main__":
    main(sys.argv[1:])
