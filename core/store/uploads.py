"""Where an uploaded file is kept: only its base name, cleaned, inside the workspace's uploads/ folder.

Two different files uploaded under one name are both kept (the second gets a content hash in its name), so a
manifest that recorded the first file's sha256 still finds it; the same bytes uploaded again reuse the file.
"""
from __future__ import annotations

import hashlib
from pathlib import Path

from mixmap.core.store.atomic import write_bytes_atomic
from mixmap.core.store.paths import UPLOADS, safe_file_name


def upload_path(root: Path, name: str) -> Path:
    """`root/uploads/<safe name>` for a browser-supplied file name; never a path outside that folder.

    Folders (either slash), drive letters, '..', leading dots and anything but letters, digits, '_', '-'
    and '.' are dropped or replaced, and the name is shortened, keeping its suffix (.jsonl.gz stays).
    """
    safe = safe_file_name(name, default="upload")
    folder = Path(root) / UPLOADS
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
