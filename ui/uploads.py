"""Where an uploaded file is kept: only its base name, cleaned, inside the workspace's uploads/ folder."""
from __future__ import annotations

import re
from pathlib import Path, PureWindowsPath

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
