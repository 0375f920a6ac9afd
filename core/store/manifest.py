"""A dataset's manifest (meta.json) and the files the store keeps beside its tables: saved documents and the
fitted reducer. `edit_meta` is the one read-modify-write of meta.json, under the dataset's lock."""
from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from mixmap.core.store.atomic import write_json_atomic
from mixmap.core.store.documents import Documents
from mixmap.core.store.locks import dataset_lock

REDUCER_FILE = "reducer_2d.joblib"  # beside meta.json in datasets/<name>/
DOCUMENT_KINDS = {"slices": "slice name", "mixes": "mix name", "specs": "spec name"}


class DatasetFiles:
    """The JSON state and files of one dataset folder (`self.dir`, `self.name`, set by Dataset)."""

    dir: Path
    name: str

    # ---- manifest -------------------------------------------------------------------------------------
    @property
    def meta(self) -> dict:
        """A snapshot of meta.json, for reading. Change it only through `edit_meta` / `update_meta`."""
        path = self.dir / "meta.json"
        if not path.is_file():
            return {"name": self.name, "sources": []}
        return json.loads(path.read_text(encoding="utf-8"))

    @contextmanager
    def edit_meta(self) -> Iterator[dict]:
        """The one read-modify-write of meta.json: read, let the caller change the dict, write it back, all
        under the dataset's "meta" lock, so concurrent stages (30 ingests at once) never lose each other's
        changes. An exception inside the block writes nothing."""
        with dataset_lock(self, "meta"):
            meta = self.meta
            yield meta
            write_json_atomic(self.dir / "meta.json", meta)

    def update_meta(self, **changes: Any) -> dict:
        with self.edit_meta() as meta:
            meta.update(changes)
        return meta

    # ---- files the store keeps beside the tables -------------------------------------------------------
    def documents(self, kind: str) -> Documents:
        """The dataset's saved documents of one kind ("slices", "mixes")."""
        return Documents(self.dir / kind, what=DOCUMENT_KINDS[kind])

    @property
    def reducer_path(self) -> Path:
        """Where the fitted 2-D reducer is kept: rows added later are placed with it, so no point moves."""
        return self.dir / REDUCER_FILE

    def has_reducer(self) -> bool:
        return self.reducer_path.is_file()

    def save_reducer(self, reducer) -> None:
        import joblib

        tmp = self.reducer_path.with_name(self.reducer_path.name + ".tmp")
        joblib.dump(reducer, tmp)
        os.replace(tmp, self.reducer_path)

    def load_reducer(self):
        import joblib

        return joblib.load(self.reducer_path)

    def source_entry(self, key: str) -> dict | None:
        """The source entry (one ingested file) with this key ("source:path"), if any."""
        return next((s for s in self.meta.get("sources", []) if s.get("key") == key), None)

    def record_source(self, source_info: dict | None) -> None:
        """Put one file's entry in the source list; an entry with the same key is replaced where it stands,
        so the list keeps the order the files were first ingested in: the order their rows are stored in,
        which a replay in another workspace repeats."""
        with self.edit_meta() as meta:
            sources = list(meta.get("sources", []))
            if source_info is not None:
                at = next((i for i, s in enumerate(sources) if s.get("key") == source_info.get("key")), len(sources))
                sources[at:at + 1] = [source_info]
            meta["sources"] = sources
            meta.setdefault("created", time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()))
