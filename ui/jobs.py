"""Background jobs for long work (build, scoring, ...), so a page never freezes.

A job runs in a thread and reports progress per stage; pages poll the registry from a fragment that
reruns every second while something runs. The registry is process-wide (one per app server).
"""
from __future__ import annotations

import threading
import time
import traceback
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

from mixmap.core.errors import MixmapError


@dataclass
class Job:
    title: str
    dataset: str
    id: str = field(default_factory=lambda: uuid.uuid4().hex[:8])
    stages: dict[str, tuple[int, int]] = field(default_factory=dict)
    status: str = "running"  # running | done | failed
    error: str = ""
    result: object = None
    started: float = field(default_factory=time.time)
    finished: float | None = None

    def progress(self, stage: str, done: int, total: int) -> None:
        self.stages[stage] = (int(done), int(max(total, 1)))

    @property
    def running(self) -> bool:
        return self.status == "running"


class JobRegistry:
    def __init__(self) -> None:
        self._jobs: list[Job] = []
        self._lock = threading.Lock()

    def start(self, title: str, dataset: str, work: Callable[[Job], object]) -> Job:
        """Run work(job) in a daemon thread; a second job for the same dataset and title is refused."""
        with self._lock:
            for job in self._jobs:
                if job.running and job.dataset == dataset and job.title == title:
                    return job
            job = Job(title=title, dataset=dataset)
            self._jobs.append(job)

        def run() -> None:
            try:
                job.result = work(job)
                job.status = "done"
            except MixmapError as exc:
                job.error, job.status = str(exc), "failed"
            except Exception as exc:  # a background thread must report, never die silently
                job.error = f"{type(exc).__name__}: {exc}"
                job.status = "failed"
                traceback.print_exc()
            finally:
                job.finished = time.time()

        threading.Thread(target=run, name=f"mixmap-{title}-{job.id}", daemon=True).start()
        return job

    def for_dataset(self, dataset: str | None = None) -> list[Job]:
        with self._lock:
            jobs = [j for j in self._jobs if dataset is None or j.dataset == dataset]
        return sorted(jobs, key=lambda j: -j.started)

    def any_running(self, dataset: str | None = None) -> bool:
        return any(j.running for j in self.for_dataset(dataset))
