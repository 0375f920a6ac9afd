"""Files: atomic writes (beside the target, fsync, rename: a crash leaves the old file or the new one, never
half), the one file checksum, and table commits retried when another writer committed first."""
from __future__ import annotations

import hashlib
import json
import os
import random
import tempfile
import time
from pathlib import Path
from typing import Any


def write_text_atomic(path: Path, text: str) -> None:
    """Write beside the target, fsync, then rename, so a crash never leaves half a file."""
    write_bytes_atomic(path, text.encode("utf-8"))


def _umask() -> int:
    """The process umask, read without changing it where Linux allows (os.umask can only set it, and setting it
    briefly to read it races with other threads creating files)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except OSError:
        pass
    old = os.umask(0o022)
    os.umask(old)
    return old


def default_mode(*, directory: bool = False) -> int:
    """The mode open() / mkdir() would give a new file or folder under the current umask."""
    return (0o777 if directory else 0o666) & ~_umask()


def temp_beside(path: Path) -> tuple[int, str]:
    """(fd, name) of a new temporary file beside `path`, with the mode a plain open() would give it.

    mkstemp makes files 0600 whatever the umask; renamed into place that left exports unreadable to the
    group on a shared machine. The file gets 0666 & ~umask, as every other tool's output does.
    """
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.fchmod(fd, default_mode())
    return fd, tmp


def write_bytes_atomic(path: Path, data: bytes) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = temp_beside(path)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_json_atomic(path: Path, data: Any) -> None:
    write_text_atomic(path, json.dumps(data, indent=2, sort_keys=True, default=str))


def _is_conflict(exc: Exception) -> bool:
    text = str(exc).lower()
    return any(w in text for w in ("conflict", "commit", "retry", "concurrent", "too many"))


def with_retries(fn, *, attempts: int = 30):
    """Run a LanceDB write, retrying commit conflicts from other writers with jittered backoff."""
    for attempt in range(attempts):
        try:
            return fn()
        except Exception as exc:  # lancedb raises plain RuntimeError/OSError for commit conflicts
            if attempt == attempts - 1 or not _is_conflict(exc):
                raise
            time.sleep(min(0.5, 0.01 * (2**attempt)) * (0.5 + random.random()))
    raise AssertionError("unreachable")


def file_sha256(path: Path) -> str:
    """A file's sha256; for a folder (a Hugging Face save_to_disk dataset), the sha256 over one line per file in
    sorted order, "relative path NUL file sha256", so a renamed or moved file changes it too."""
    path = Path(path)
    if path.is_dir():
        lines = [f"{p.relative_to(path).as_posix()}\0{file_sha256(p)}\n" for p in sorted(path.rglob("*")) if p.is_file()]
        return hashlib.sha256("".join(lines).encode()).hexdigest()
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
