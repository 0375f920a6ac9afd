"""Named documents a curator saves (slices, mixes, specs): one file each in a folder the store owns.

The one copy of save / list / read / delete for them: names are checked by `filters.validate_name` (so a
name can never leave the folder), writes are atomic (a crash leaves the old document or the new one), and
a document that cannot be read says which file and why instead of failing later with a KeyError.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from mixmap.core.errors import StoreError
from mixmap.core.store.atomic import write_json_atomic, write_text_atomic
from mixmap.core.store.filters import validate_name


class Documents:
    """The documents of one kind in `folder`: JSON records (`.json`) or text as written (`.yaml`)."""

    def __init__(self, folder: Path, *, what: str, suffix: str = ".json"):
        self.folder = Path(folder)
        self.what = what  # "slice name", "mix name", ...: used in error messages
        self.suffix = suffix

    def path(self, name: str) -> Path:
        return self.folder / f"{validate_name(name, what=self.what)}{self.suffix}"

    def names(self) -> list[str]:
        return sorted(p.stem for p in self.folder.glob(f"*{self.suffix}")) if self.folder.is_dir() else []

    def exists(self, name: str) -> bool:
        return self.path(name).is_file()

    def save(self, name: str, content: Any) -> Path:
        """Write (or replace) a document: a JSON-able record, or a string for text documents."""
        path = self.path(name)
        if self.suffix == ".json":
            write_json_atomic(path, content)
        else:
            write_text_atomic(path, content)
        return path

    def read(self, name: str) -> Any | None:
        """The document, or None when there is none of that name."""
        path = self.path(name)
        if not path.is_file():
            return None
        text = path.read_text(encoding="utf-8")
        if self.suffix != ".json":
            return text
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise StoreError(f"{path}: not valid JSON ({exc.msg} at line {exc.lineno}); fix or delete the file") from None

    def read_all(self) -> dict[str, Any]:
        return {name: self.read(name) for name in self.names()}

    def delete(self, name: str) -> None:
        self.path(name).unlink(missing_ok=True)
