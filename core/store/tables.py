"""The workspace: LanceDB tables per dataset plus a small JSON manifest. The only module that imports lancedb.

Layout of a workspace folder (default ./mixmap_workspace, or --workspace / MIXMAP_WORKSPACE):

    lance/<dataset>__rows        immutable: id, source, text, row_index, meta (JSON of the other columns)
    lance/<dataset>__vec_<key>   append-only: id, vector          (one table per embedding model)
    lance/<dataset>__<frame>     small mutable tables a stage overwrites whole: layout (x, y), clusters,
                                 signals (quality scores), ... ; marks (merge-inserted) and marks_log
    datasets/<dataset>/meta.json sources with sha256, model, stage parameters; fitted reducers beside it

Rows and vectors are never rewritten: marking or re-clustering touches only the small tables, because
LanceDB's `update` rewrites whole rows (vectors included).
"""
from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from mixmap.core.errors import StoreError
from mixmap.core.store.atomic import with_retries
from mixmap.core.store.filters import in_list
from mixmap.core.store.manifest import DOCUMENT_KINDS, REDUCER_FILE, DatasetFiles  # noqa: F401  (re-exported)

if TYPE_CHECKING:  # the workspace module imports this one; the annotation needs no import at run time
    from mixmap.core.store.workspace import Workspace

# Lance logs every table creation at WARN level; users only need errors.
os.environ.setdefault("LANCE_LOG", "error")
os.environ.setdefault("LANCEDB_LOG", "error")
DEFAULT_WORKSPACE = "./mixmap_workspace"
ROW_COLUMNS = ("id", "source", "text", "row_index", "meta")
ROWS_SCHEMA = pa.schema([pa.field("id", pa.string(), nullable=False), pa.field("source", pa.string()),
                         pa.field("text", pa.string()), pa.field("row_index", pa.int64()), pa.field("meta", pa.string())])
MARKS_SCHEMA = pa.schema([pa.field("id", pa.string(), nullable=False),
                          pa.field("mark", pa.string()),  # "include", "exclude" or "" (unmarked)
                          pa.field("tags", pa.list_(pa.string()))])
MARK_VALUES = ("include", "exclude", "")
DERIVED_KEY = b"mixmap.derived_from"  # a frame's schema metadata: what it was derived from (JSON)


class Dataset(DatasetFiles):
    """One dataset's tables (its manifest and files: DatasetFiles). Methods take and return Arrow tables / numpy arrays."""

    def __init__(self, workspace: Workspace, name: str):
        self.workspace = workspace
        self.name = name
        self.dir = workspace.root / "datasets" / name

    def table_name(self, kind: str) -> str:
        return f"{self.name}__{kind}"

    def table_names(self) -> list[str]:
        prefix = f"{self.name}__"
        return [t for t in self._all_tables() if t.startswith(prefix)]

    def _all_tables(self) -> list[str]:
        names: list[str] = []
        token = None
        while True:  # list_tables is paged
            page = self.workspace.db.list_tables(page_token=token, limit=1000)
            names += page.tables
            token = page.page_token
            if not token or not page.tables:
                return names

    def _open(self, kind: str):
        try:
            return self.workspace.db.open_table(self.table_name(kind))
        except (ValueError, FileNotFoundError, RuntimeError, OSError):
            return None

    def has_table(self, kind: str) -> bool:
        return self._open(kind) is not None

    def _scan(self, kind: str, columns: list[str] | None = None, where: str | None = None) -> pa.Table | None:
        tbl = self._open(kind)
        if tbl is None:
            return None
        return tbl.to_lance().to_table(columns=columns, filter=where)

    # ---- rows -----------------------------------------------------------------------------------------
    def add_rows(self, rows: pa.Table, *, source_info: dict | None = None) -> int:
        """Append rows whose id is not stored yet, in one commit; returns how many were new.

        Skipping known ids makes ingest idempotent: rerunning an ingest that crashed before its rows were
        committed adds nothing twice. The file's source entry is recorded first, so that rerun finds the
        entry (and the id salt in it) of the rows it is about to store.
        """
        rows = rows.select(list(ROW_COLUMNS)).cast(ROWS_SCHEMA)
        if source_info is not None:
            self.record_source(source_info)
        tbl = self._open("rows")
        if tbl is not None:
            rows = rows.filter(pc.invert(pc.is_in(rows.column("id"), value_set=self.known_ids(rows.column("id")))))
        if rows.num_rows:
            if tbl is None:
                self._drop_broken("rows")
                self.workspace.db.create_table(self.table_name("rows"), rows, schema=ROWS_SCHEMA)
            else:
                with_retries(lambda: tbl.add(rows))
        if source_info is None and not (self.dir / "meta.json").is_file():
            self.record_source(None)
        return rows.num_rows

    def known_ids(self, ids: pa.Array | pa.ChunkedArray) -> pa.Array:
        """The ids among `ids` that are stored rows."""
        tbl = self._open("rows")
        if tbl is None:
            return pa.array([], pa.string())
        stored = tbl.to_lance().to_table(columns=["id"]).column("id")
        return pc.filter(ids, pc.is_in(ids, value_set=stored))

    def _drop_broken(self, kind: str) -> None:
        """A crash inside create_table can leave a folder with no committed version; clear it."""
        if not self.workspace.tables_are_local:
            return  # object stores commit atomically: no half-created folder to clear
        path = Path(self.workspace.tables) / f"{self.table_name(kind)}.lance"
        if path.exists() and self._open(kind) is None:
            shutil.rmtree(path, ignore_errors=True)

    def count(self, where: str | None = None) -> int:
        tbl = self._open("rows")
        return 0 if tbl is None else tbl.count_rows(where)

    def read_rows(
        self,
        columns: list[str] | None = None,
        *,
        where: str | None = None,
        ids: Iterable[str] | None = None,
        limit: int | None = None,
    ) -> pa.Table:
        """Rows (all columns by default), stored order. `where` must come from mixmap.core.store.filters; `ids` is matched
        against the id column alone and only those rows are read (50 of a million read 50 texts, not 1M)."""
        cols = list(columns) if columns else list(ROW_COLUMNS)
        if ids is not None and "id" not in cols:
            cols = ["id", *cols]
        if ids is not None and where is None:
            picked = self._take_ids(ids, cols)
            if picked is not None:
                return picked if limit is None else picked.slice(0, limit)
        table = self._scan("rows", cols, where)
        if table is None:
            return ROWS_SCHEMA.empty_table().select(cols)
        if ids is not None:
            table = table.filter(pc.is_in(table.column("id"), value_set=pa.array(list(ids), pa.string())))
        if limit is not None:
            table = table.slice(0, limit)
        return table

    def _take_ids(self, ids: Iterable[str], cols: list[str]) -> pa.Table | None:
        """The rows with these ids, read by position; None when a plain scan is cheaper (most rows wanted)."""
        tbl = self._open("rows")
        if tbl is None:
            return ROWS_SCHEMA.empty_table().select(cols)
        stored = tbl.to_lance().to_table(columns=["id"]).column("id")
        wanted = pc.is_in(stored, value_set=pa.array(list(ids), pa.string())).to_numpy(zero_copy_only=False)
        offsets = np.flatnonzero(wanted)
        if len(offsets) > len(stored) // 4:
            return None
        if not len(offsets):
            return ROWS_SCHEMA.empty_table().select(cols)
        return tbl.to_lance().take(offsets.tolist(), columns=cols)

    def take_rows(self, offsets, columns: list[str]) -> pa.Table:
        """Rows at these positions of the rows table (its stored order), reading only those rows."""
        tbl = self._open("rows")
        if tbl is None:
            return ROWS_SCHEMA.empty_table().select(columns)
        return tbl.to_lance().take([int(o) for o in offsets], columns=columns)

    def iter_rows(self, columns: list[str], *, batch_size: int = 65536) -> Iterator[pa.RecordBatch]:
        tbl = self._open("rows")
        if tbl is None:
            return iter(())
        return tbl.to_lance().to_batches(columns=columns, batch_size=batch_size)

    # ---- vectors --------------------------------------------------------------------------------------
    def vector_kind(self, model_key: str | None = None) -> str:
        key = model_key or self.meta.get("model_key")
        if not key:
            raise StoreError(f"dataset {self.name!r} has no embeddings yet; run `mixmap embed {self.name}`")
        return f"vec_{key}"

    def embedded_ids(self, model_key: str) -> pa.Array:
        table = self._scan(self.vector_kind(model_key), ["id"])
        return pa.array([], pa.string()) if table is None else table.column("id").combine_chunks()

    def add_vectors(self, model_key: str, ids: list[str], vectors: np.ndarray) -> None:
        """One commit per call: a crash loses at most the batch being written."""
        vectors = np.asarray(vectors, dtype=np.float32)
        dim = vectors.shape[1]
        schema = pa.schema([pa.field("id", pa.string()), pa.field("vector", pa.list_(pa.float32(), dim))])
        flat = pa.FixedSizeListArray.from_arrays(pa.array(vectors.reshape(-1)), dim)
        batch = pa.Table.from_arrays([pa.array(ids, pa.string()), flat], schema=schema)
        kind = self.vector_kind(model_key)
        tbl = self._open(kind)
        if tbl is None:
            self._drop_broken(kind)
            self.workspace.db.create_table(self.table_name(kind), batch, schema=schema)
        else:
            with_retries(lambda: tbl.add(batch))

    def count_vectors(self, model_key: str | None = None) -> int:
        try:
            tbl = self._open(self.vector_kind(model_key))
        except StoreError:
            return 0
        return 0 if tbl is None else tbl.count_rows()

    def read_vectors(self, *, model_key: str | None = None, ids: Iterable[str] | None = None):
        """(ids, float32 matrix) for the active model, in stored order, or only for `ids`.

        A few ids (up to 10,000) are pushed down as a filter, so only their vectors are read."""
        ids = None if ids is None else list(ids)
        few = ids is not None and len(ids) <= 10_000
        where = in_list("id", ids, allowed=["id"]) if few else None
        table = self._scan(self.vector_kind(model_key), ["id", "vector"], where)
        if table is None:
            raise StoreError(f"dataset {self.name!r} has no embeddings yet; run `mixmap embed {self.name}`")
        if ids is not None and not few:
            table = table.filter(pc.is_in(table.column("id"), value_set=pa.array(ids, pa.string())))
        vec = table.column("vector").combine_chunks()
        dim = vec.type.list_size
        matrix = vec.values.to_numpy(zero_copy_only=False).reshape(-1, dim).astype(np.float32, copy=False)
        return table.column("id").to_pylist(), matrix

    def compact_vectors(self, model_key: str | None = None) -> None:
        """Merge the many small fragments that batch-by-batch writing leaves behind."""
        tbl = self._open(self.vector_kind(model_key))
        if tbl is not None:
            try:
                tbl.optimize()
            except Exception:  # compaction is an optimisation; a failure must not lose the build
                pass

    def search_vectors(self, query: np.ndarray, *, k: int = 10, model_key: str | None = None) -> pa.Table:
        """Nearest rows by cosine distance (flat search: faster and exact below a few million rows)."""
        tbl = self._open(self.vector_kind(model_key))
        if tbl is None:
            raise StoreError(f"dataset {self.name!r} has no embeddings yet")
        q = np.asarray(query, dtype=np.float32).reshape(-1)
        return tbl.search(q).distance_type("cosine").select(["id"]).limit(k).to_arrow()

    # ---- small mutable frames (layout, clusters, signals, ...) --------------------------------------------
    def write_frame(self, kind: str, table: pa.Table, *, derived_from: dict | None = None) -> None:
        """Replace a small mutable table whole (one commit; readers see the old or the new one).

        `derived_from` (model key, vector count, clustering number, ...) is kept in the frame's own schema
        metadata, so the record and the frame are committed together: `frame_origin` reads it back and a
        reader can tell a frame made from other vectors than the current ones."""
        if kind in ("rows", "marks") or kind.startswith("vec_"):
            raise StoreError(f"{kind!r} is not a frame")
        if derived_from is not None:
            metadata = dict(table.schema.metadata or {})
            metadata[DERIVED_KEY] = json.dumps(derived_from, sort_keys=True).encode()
            table = table.replace_schema_metadata(metadata)
        self.workspace.db.create_table(self.table_name(kind), table, mode="overwrite")

    def frame_origin(self, kind: str) -> dict | None:
        """What the frame was derived from (as given to `write_frame`), or None: no frame, or one written
        before origins were recorded. Read from the schema, no scan."""
        tbl = self._open(kind)
        raw = None if tbl is None else (tbl.schema.metadata or {}).get(DERIVED_KEY)
        return json.loads(raw) if raw else None

    def append_frame(self, kind: str, table: pa.Table) -> None:
        """Add rows to a frame (created on first use): one commit per call, so a stage that appends as it goes
        loses at most its last batch when killed (the LM check writes `lm_signals` this way)."""
        if kind in ("rows", "marks") or kind.startswith("vec_"):
            raise StoreError(f"{kind!r} is not a frame")
        with_retries(lambda: self._open_or_create(kind, table.schema).add(table))

    def read_frame(self, kind: str, columns: list[str] | None = None, *, where: str | None = None):
        return self._scan(kind, columns, where)

    def has_frame(self, kind: str) -> bool:
        return self.has_table(kind)

    def frame_columns(self, kind: str) -> list[str] | None:
        """The frame's column names from its schema (no scan), or None if it does not exist."""
        tbl = self._open(kind)
        return None if tbl is None else list(tbl.schema.names)

    def count_frame_rows(self, kind: str) -> int:  # from the table's metadata, no scan; 0 if absent
        return 0 if (tbl := self._open(kind)) is None else int(tbl.count_rows())

    def compact_frame(self, kind: str) -> None:
        """Merge small fragments. Each marking action appends one, and scans slow down with their number; the
        caller must hold the frame's writer lock (compaction is a commit). Old versions are kept."""
        tbl = self._open(kind)
        if tbl is not None:
            with_retries(lambda: tbl.to_lance().optimize.compact_files())

    def version(self, kind: str) -> int:
        """The table's current version (0 if absent): a cheap cache key for derived frames."""
        tbl = self._open(kind)
        return 0 if tbl is None else int(tbl.version)

    def drop_frame(self, kind: str) -> None:
        if self.has_table(kind):
            self.workspace.db.drop_table(self.table_name(kind))

    # ---- marks: storage only; versions, history and undo / redo live in mixmap.core.store.marks ---------
    def marks_log(self) -> pa.Table | None:
        """The append-only marks history, one row per version (schema in mixmap.core.store.marks), or None."""
        table = self._scan("marks_log")
        return table.sort_by("version") if table is not None and "version" in table.column_names else table

    def marks_state(self) -> pa.Table:
        """The marks table as stored (cleared rows included)."""
        table = self._scan("marks", list(MARKS_SCHEMA.names))
        return MARKS_SCHEMA.empty_table() if table is None else table

    def _open_or_create(self, kind: str, schema: pa.Schema):
        tbl = self._open(kind)
        if tbl is None:
            try:
                self.workspace.db.create_table(self.table_name(kind), schema=schema)
            except Exception:  # noqa: BLE001, S110  (another writer created it first: open theirs)
                pass
            tbl = self._open(kind)
        return tbl

    def upsert_marks(self, batch: pa.Table) -> None:
        with_retries(lambda: self._open_or_create("marks", MARKS_SCHEMA).merge_insert("id")
                     .when_matched_update_all().when_not_matched_insert_all().execute(batch))

    def append_marks_log(self, entry: pa.Table) -> None:
        with_retries(lambda: self._open_or_create("marks_log", entry.schema).add(entry))

    # ---- full-text search: LanceDB's native inverted index on rows.text (mixmap.core.store.text_index) ---
    def index_text(self, *, only_if_missing: bool = False) -> None:
        """Build the full-text index on rows.text, or fold rows added since into it (optimize is incremental)."""
        from mixmap.core.store.text_index import index_text

        index_text(self._open("rows"), only_if_missing=only_if_missing)

    def search_text(self, query: str, *, limit: int | None = None, all_words: bool = False) -> pa.Table:
        """Rows matching any word of `query`, or all of them (BM25; stemmed, stop words dropped): id, _score,
        best first. `build` keeps the index current (else it is built on first use); unindexed rows are searched too.
        """
        from mixmap.core.store.text_index import search_text

        return search_text(self._open("rows"), query, limit=limit, all_words=all_words)
