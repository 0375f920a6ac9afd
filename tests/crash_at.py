"""Run `mixmap ARGS...` and kill -9 this very process just before a chosen write: a crash exactly between two
writes, which a random kill rarely hits. `python -m tests.crash_at METHOD[:ARG] N -- ARGS...` dies before the
N-th call of `mixmap.core.store.tables.Dataset.METHOD` whose first argument is ARG or that has a keyword ARG (when ARG is
given), e.g. `write_frame:cluster_info 1` or `update_meta:project 1`; a dotted METHOD names a module function
instead (`mixmap.core.export.write.write_json_atomic 1`). Used by tests/crash.py.
"""
from __future__ import annotations

import os
import signal
import sys


def main(argv: list[str]) -> None:
    point, nth, sep, *args = argv
    assert sep == "--", "usage: python -m tests.crash_at METHOD[:ARG] N -- ARGS..."
    method, _, wanted = point.partition(":")
    if "." in method:  # a module-level function, e.g. mixmap.core.export.write.write_json_atomic
        import importlib

        module_name, _, method = method.rpartition(".")
        owner = importlib.import_module(module_name)
    else:
        from mixmap.core.store.tables import Dataset as owner
    original = getattr(owner, method)
    calls = 0

    def dying(*a, **kw):
        nonlocal calls
        args = a if isinstance(owner, type(sys)) else a[1:]  # a method's first argument is self
        first = args[0] if args else None
        if not wanted or (isinstance(first, str) and first == wanted) or wanted in kw:
            calls += 1
            if calls == int(nth):
                os.kill(os.getpid(), signal.SIGKILL)
        return original(*a, **kw)

    setattr(owner, method, dying)
    from mixmap.cli.main import main as cli

    cli(args, prog_name="mixmap")


if __name__ == "__main__":
    main(sys.argv[1:])
