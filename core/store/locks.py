"""Per-dataset file locks: one writer at a time across threads and processes (fcntl; a no-op without it)."""
from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

_held = threading.local()


@contextmanager
def dataset_lock(dataset, name: str) -> Iterator[None]:
    """Hold `<dataset dir>/.<name>.lock` exclusively. Re-entrant within a thread, so a locked action may call
    helpers that take the same lock."""
    key = f"{dataset.dir}/{name}"
    held: set[str] = getattr(_held, "keys", None) or set()
    _held.keys = held
    if key in held:
        yield
        return
    dataset.dir.mkdir(parents=True, exist_ok=True)
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        yield
        return
    with open(dataset.dir / f".{name}.lock", "a+") as fh:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
        held.add(key)
        try:
            yield
        finally:
            held.discard(key)
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)
