"""Where the app may read and write files: the one check every path typed into a page goes through.

The CLI runs as its user and may touch any file; the app may be reached by other people (`--host`), so it
reads only uploads, its own exports and the folders the operator listed at start (`mixmap app --data-dir DIR`,
env MIXMAP_DATA_DIRS; none by default), and it writes only under `<workspace>/exports/`. A typed path is
resolved first (`~`, `..` and every symlink on the way), then checked: a symlink inside a data folder that
points out of it is refused like the outside path itself. The refusal never says whether the outside file
exists, so the app cannot be used to probe the machine's files either.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path, PureWindowsPath

from mixmap.core.errors import MixmapError
from mixmap.core.settings import setting

EXPORTS = "exports"
UPLOADS = "uploads"
MAX_NAME_BYTES = 200  # file systems allow 255 bytes per name; leave room for a temp suffix
MAX_FOLDER_ENTRIES = 10_000  # a folder to read (an HF save_to_disk folder) is checked entry by entry


class PathNotAllowedError(MixmapError):
    """A path typed into the app lies outside the folders the app may read or write."""


def data_dirs() -> tuple[Path, ...]:
    """The operator's data folders from MIXMAP_DATA_DIRS (os.pathsep-separated), resolved; () when unset."""
    raw = setting("MIXMAP_DATA_DIRS") or ""
    return tuple(Path(p).expanduser().resolve() for p in raw.split(os.pathsep) if p.strip())


def safe_file_name(name: str, *, default: str = "file") -> str:
    """A browser- or user-supplied name reduced to one safe base name: folders (either slash), drive letters,
    NUL, '..', leading dots and anything but letters, digits, '_', '-' and '.' are dropped or replaced, and
    the name is shortened, keeping its suffix (.jsonl.gz stays)."""
    base = PureWindowsPath(str(name).replace("\x00", "")).name  # strips both '/' and '\\' folders
    safe = re.sub(r"[^A-Za-z0-9_.\-]+", "_", base).lstrip(".")
    safe = re.sub(r"\.{2,}", ".", safe) or default
    if len(safe.encode()) > MAX_NAME_BYTES:
        stem, dot, suffix = safe.partition(".")
        suffix = (dot + suffix)[-40:]
        safe = stem[: MAX_NAME_BYTES - len(suffix)] + suffix
    return safe


def _inside(path: Path, root: Path) -> bool:
    return path == root or path.is_relative_to(root)


@dataclass(frozen=True)
class AppPaths:
    """The app's file roots: `workspace` (its uploads/ and exports/ are readable, exports/ writable) and the
    operator's `data` folders (readable)."""

    workspace: Path
    data: tuple[Path, ...] = ()

    @classmethod
    def for_workspace(cls, workspace_root: Path) -> AppPaths:
        return cls(Path(workspace_root).resolve(), data_dirs())

    @property
    def exports(self) -> Path:
        return self.workspace / EXPORTS

    @property
    def read_roots(self) -> tuple[Path, ...]:
        return (*self.data, self.workspace / UPLOADS, self.exports)

    def _resolve(self, typed: str | os.PathLike, roots: tuple[Path, ...]) -> Path:
        text = str(typed).strip()
        if not text or "\x00" in text:
            raise PathNotAllowedError("type a path to a file inside one of the folders listed above")
        path = Path(text).expanduser()
        if not path.is_absolute():  # relative to the first folder that holds it, else to the first folder
            candidates = [root / path for root in roots]
            path = next((c for c in candidates if c.exists()), candidates[0])
        return path.resolve()  # follows every symlink and `..`; a missing tail is kept as typed

    def readable(self, typed: str | os.PathLike) -> Path:
        """The resolved path of `typed` if it lies inside a folder the app may read, else PathNotAllowedError.

        A folder is checked entry by entry too, so a symlink inside it cannot lead out.
        """
        roots = tuple(r.resolve() for r in self.read_roots)
        path = self._resolve(typed, roots)
        if not any(_inside(path, root) for root in roots):
            raise self._refusal(typed, "read")
        if path.is_dir():
            for count, entry in enumerate(path.rglob("*")):
                if count >= MAX_FOLDER_ENTRIES:
                    raise PathNotAllowedError(f"{typed}: a folder of more than {MAX_FOLDER_ENTRIES:,} entries "
                                              "cannot be read from the app; use `mixmap ingest`")
                if not any(_inside(entry.resolve(), root) for root in roots):
                    raise self._refusal(typed, "read")
        return path

    def writable(self, name: str | os.PathLike) -> Path:
        """`<workspace>/exports/<safe base name>`: an export never goes anywhere else. Only the base name of
        `name` is used; the result is checked after resolving, so an exports/ entry that is a symlink out is
        refused."""
        root = self.exports.resolve()
        path = (root / safe_file_name(str(name), default="export")).resolve()
        if not _inside(path, root) or path == root:
            raise self._refusal(name, "write")
        return path

    def _refusal(self, typed, verb: str) -> PathNotAllowedError:
        if verb == "write":
            return PathNotAllowedError(f"{typed}: the app writes only inside {self.exports}")
        folders = ", ".join(str(r) for r in self.data) or "none (start the app with --data-dir DIR to add one)"
        return PathNotAllowedError(f"{typed}: outside the folders this app may read (data folders: {folders}; "
                                   "or upload the file)")
