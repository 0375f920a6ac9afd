"""Run a per-batch function over a dataset's rows, on worker processes when there are enough of them.

The checks are pure Python / numpy per batch, so threads would not help. Workers are spawned, not forked
(forking a process that runs threads, a Streamlit server, can deadlock), and at most two batches per worker
are in flight, so memory stays bounded on a million rows.
"""
from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor

PARALLEL_MIN_ROWS = 20_000  # below this, starting workers (and loading models in each) costs more than it saves
BATCH_ROWS = 20_000


def workers_for(n_jobs: int, rows: int) -> int:
    workers = (os.cpu_count() or 1) if n_jobs == -1 else max(1, n_jobs)
    return workers if workers > 1 and rows >= PARALLEL_MIN_ROWS else 1


def map_batches(fn: Callable, batches: Iterable, *, workers: int, initializer: Callable | None = None,
                initargs: tuple = ()) -> Iterator:
    """fn(batch) for each batch, in order; on `workers` spawned processes when more than one."""
    if workers <= 1:
        if initializer is not None:
            initializer(*initargs)
        yield from map(fn, batches)
        return
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(workers, mp_context=context, initializer=initializer, initargs=initargs) as pool:
        pending = []
        for batch in batches:
            pending.append(pool.submit(fn, batch))
            if len(pending) >= 2 * workers:
                yield pending.pop(0).result()
        for future in pending:
            yield future.result()
