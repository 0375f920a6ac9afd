"""Run `mixmap ARGS...` and kill -9 this very process just before a chosen write: a crash exactly between two
writes, which a random kill rarely hits. `python -m tests.crash_at METHOD[:ARG] N -- ARGS...` dies before the
N-th call of `core.store.Dataset.METHOD` whose first argument is ARG or that has a keyword ARG (when ARG is
given), e.g. `write_frame:cluster_info 1` or `update_meta:project 1`. Used by tests/crash.py.
"""
from __future__ import annotations

import os
import signal
import sys


def main(argv: list[str]) -> None:
    point, nth, sep, *args = argv
    assert sep == "--", "usage: python -m tests.crash_at METHOD[:ARG] N -- ARGS..."
    method, _, wanted = point.partition(":")
    from core.store import Dataset

    original = getattr(Dataset, method)
    calls = 0

    def dying(self, *a, **kw):
        nonlocal calls
        if not wanted or (a and isinstance(a[0], str) and a[0] == wanted) or wanted in kw:
            calls += 1
            if calls == int(nth):
                os.kill(os.getpid(), signal.SIGKILL)
        return original(self, *a, **kw)

    setattr(Dataset, method, dying)
    from cli.main import main as cli

    cli(args, prog_name="mixmap")


if __name__ == "__main__":
    main(sys.argv[1:])
