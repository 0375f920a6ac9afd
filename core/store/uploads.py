"""Where an uploaded file is kept: only its base name, cleaned, inside the workspace's uploads/ folder.

Two different files uploaded under one name are both kept (the second gets a content hash in its name), so a
manifest that recorded the first file's sha256 still finds it; the same bytes uploaded again reuse the file.
"""
from __future__ import annotations

import hashlib
import re
from pathlib import Path, PureWindowsPath

from mixmap.core.store.atomic import write_bytes_atomic

MAX_NAME_BYTES = 200  # file systems allow 255 bytes per name; leave room for a temp suffix


def upload_path(root: Path, name: str) -> Path:
    """`root/uploads/<safe name>` for a browser-supplied file name; never a path outside that folder.

    Folders (either slash), drive letters, '..', leading dots and anything but letters, digits, '_', '-'
    and '.' are dropped or replaced, and the name is shortened, keeping its suffix (.jsonl.gz stays).
    """
    base = PureWindowsPath(str(name).replace("\x00", "")).name  # strips both '/' and '\\' folders
    safe = re.sub(r"[^A-Za-z0-9_.\-]+", "_", base).lstrip(".")
    safe = re.sub(r"\.{2,}", ".", safe) or "upload"
    if len(safe.encode()) > MAX_NAME_BYTES:
        stem, dot, suffix = safe.partition(".")
        suffix = (dot + suffix)[-40:]
        safe = stem[: MAX_NAME_BYTES - len(suffix)] + suffix
    folder = Path(root) / "uploads"
    return folder / safe


def save_upload(root: Path, name: str, data: bytes) -> Path:
    """Keep an uploaded file's bytes under `root/uploads/` and return its path (see the module doc)."""
    path = upload_path(root, name)
    if path.is_file() and path.read_bytes() != data:
        digest = hashlib.sha256(data).hexdigest()[:12]
        stem, dot, suffix = path.name.partition(".")
        path = path.with_name(f"{stem}-{digest}{dot}{suffix}")
    if not path.is_file():
        write_bytes_atomic(path, data)
    return path
