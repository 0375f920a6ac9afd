"""The workspace: a folder of datasets, and where its Lance tables live (local, or on object storage)."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

from mixmap.core.errors import StoreError
from mixmap.core.settings import setting
from mixmap.core.store.documents import Documents
from mixmap.core.store.filters import validate_name
from mixmap.core.store.tables import DEFAULT_WORKSPACE, DOCUMENT_KINDS, Dataset


def resolve_workspace(path: str | os.PathLike | None = None) -> Path:
    return Path(path or setting("MIXMAP_WORKSPACE") or DEFAULT_WORKSPACE).expanduser().resolve()


class Workspace:
    """A folder holding datasets. Cheap to create; connects to LanceDB on first use.

    The Lance tables (rows, vectors, frames, marks) live in `<root>/lance` unless `tables` (or the env
    MIXMAP_TABLES) names another place, e.g. `s3://bucket/mixmap/lance`: the heavy data then sits on object
    storage (credentials from the usual AWS_* variables, read by Lance) while the small JSON state, locks and
    the fitted reducer stay in the local `root`.
    """

    def __init__(self, path: str | os.PathLike | None = None, *, tables: str | None = None):
        self.root = resolve_workspace(path)
        self.tables = tables or setting("MIXMAP_TABLES") or str(self.root / "lance")
        self._db = None

    @property
    def tables_are_local(self) -> bool:
        return "://" not in self.tables

    @property
    def db(self):
        if self._db is None:
            import lancedb

            if self.tables_are_local:
                Path(self.tables).mkdir(parents=True, exist_ok=True)
            self._db = lancedb.connect(self.tables)
        return self._db

    def documents(self, kind: str) -> Documents:
        """Workspace-wide saved documents: "specs" (YAML text, as the curator wrote them)."""
        return Documents(self.root / kind, what=DOCUMENT_KINDS[kind], suffix=".yaml")

    def save_upload(self, name: str, data: bytes) -> Path:
        """Keep a file uploaded through the app in `uploads/` (never outside it; never over another file)."""
        from mixmap.core.store.uploads import save_upload

        return save_upload(self.root, name, data)

    def list_datasets(self) -> list[str]:
        folder = self.root / "datasets"
        if not folder.is_dir():
            return []
        return sorted(p.name for p in folder.iterdir() if (p / "meta.json").is_file())

    def exists(self, name: str) -> bool:
        return (self.root / "datasets" / validate_name(name) / "meta.json").is_file()

    def dataset(self, name: str, *, create: bool = False) -> Dataset:
        validate_name(name)
        if not create and not self.exists(name):
            known = ", ".join(self.list_datasets()) or "none yet"
            raise StoreError(f"no dataset named {name!r} in {self.root} (datasets: {known}); ingest one first")
        return Dataset(self, name)

    def delete_dataset(self, name: str) -> None:
        ds = self.dataset(name)
        for table in ds.table_names():
            self.db.drop_table(table)
        shutil.rmtree(ds.dir, ignore_errors=True)

    def summary(self) -> list[dict]:
        out = []
        for name in self.list_datasets():
            ds = self.dataset(name)
            meta = ds.meta
            sources = sorted({n for s in meta.get("sources", []) for n in s.get("sources") or [s["source"]]})
            out.append({"name": name, "rows": ds.count(), "sources": sources, "model": meta.get("model"),
                        "embedded": ds.count_vectors(), "projected": ds.has_frame("layout"),
                        "clustered": ds.has_frame("clusters"), "role": meta.get("role", "dataset")})
        return out
