"""Slices: named, saved row sets defined as data, combined with and / or / not.

A slice definition is a small JSON-able dict; one key says what it is:

    {"all": true}                                   every row
    {"where": ["source", "=", "alpaca"]}            a condition on a column (ops: = != < <= > >= in between contains)
    {"fts": "sourdough starter", "limit": null}     LanceDB native full-text search (BM25, any word matches)
    {"semantic": "baking bread", "k": 100}          the k nearest rows to the query text (embedding model of the
                                                    dataset, exact cosine search); "max_distance" narrows it
    {"ids": ["3f2a...", ...]}                       explicit rows, e.g. a map selection
    {"slice": "name"}                               another saved slice
    {"and": [...]}, {"or": [...]}, {"not": {...}}   combinations

Where-columns are looked up in order: the rows table (id, source, text, row_index), the dataset's frames
(cluster, x / y, quality signals, any other per-row frame), the marks ("mark"; "tags" where "=" means "has the
tag"), then the original columns kept in each row's metadata (e.g. "topic"). Conditions on the rows table and
frames become LanceDB filters through mixmap.core.store.filters (quoted literals, whitelisted columns); marks and metadata
are compared in pandas, never as SQL. Slices are saved as JSON in datasets/<name>/slices/<slice>.json.
"""
from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from mixmap.core.errors import MixmapError
from mixmap.core.store.filters import OPERATORS, Condition, fit_value, validate_name
from mixmap.core.store.marks import read_marks
from mixmap.core.store.tables import ROW_COLUMNS, ROWS_SCHEMA

KINDS = ("all", "where", "fts", "semantic", "ids", "slice", "and", "or", "not")
WHERE_OPS = (*OPERATORS, "in", "between", "contains")
NOT_FRAMES = ("rows", "marks", "marks_log", "cluster_info")
MAX_QUERY_CHARS = 1000


class MixError(MixmapError):
    """A slice, sampling strategy or mix definition is wrong; the message says how to fix it."""


def check_slice(definition: Any, *, depth: int = 0) -> dict:
    """Validate a definition's shape (not its columns); returns it. Raises MixError with the offending part."""
    if depth > 32:
        raise MixError("slice definition is nested too deeply")
    if not isinstance(definition, Mapping) or len(definition) == 0:
        raise MixError(f"a slice is a dict with one of {', '.join(KINDS)}; got {definition!r:.80}")
    kind = next((k for k in KINDS if k in definition), None)
    if kind is None:
        raise MixError(f"a slice needs one of {', '.join(KINDS)}; got keys {sorted(definition)}")
    value = definition[kind]
    if kind == "where":
        if not (isinstance(value, list | tuple) and len(value) == 3 and isinstance(value[0], str)):
            raise MixError('"where" takes [column, op, value], e.g. ["source", "=", "alpaca"]')
        if value[1] not in WHERE_OPS:
            raise MixError(f"operator {value[1]!r} is not one of {', '.join(WHERE_OPS)}")
    elif kind in ("fts", "semantic"):
        if not isinstance(value, str) or not value.strip() or len(value) > MAX_QUERY_CHARS:
            raise MixError(f'"{kind}" takes a non-empty query text of at most {MAX_QUERY_CHARS} characters')
        if any(ord(ch) < 32 and ch not in "\t\n\r" for ch in value):
            raise MixError("search text may not contain control characters")
    elif kind == "ids":
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise MixError('"ids" takes a list of row ids')
    elif kind == "slice":
        validate_name(value, what="slice name")
    elif kind in ("and", "or"):
        if not isinstance(value, list) or not value:
            raise MixError(f'"{kind}" takes a non-empty list of slices')
        for part in value:
            check_slice(part, depth=depth + 1)
    elif kind == "not":
        check_slice(value, depth=depth + 1)
    return dict(definition)


def describe_slice(definition: Mapping) -> str:
    """One line for tables and captions."""
    kind = next(k for k in KINDS if k in definition)
    value = definition[kind]
    if kind == "all":
        return "all rows"
    if kind == "where":
        return f"{value[0]} {value[1]} {json.dumps(value[2], ensure_ascii=False)}"
    if kind == "fts":
        return f'text matches "{value}"'
    if kind == "semantic":
        return f'{definition.get("k", 100)} nearest to "{value}"'
    if kind == "ids":
        return f"{len(value):,} picked rows"
    if kind == "slice":
        return f"slice {value}"
    if kind == "not":
        return f"not ({describe_slice(value)})"
    return f" {kind} ".join(f"({describe_slice(p)})" for p in value)


# ---- saved slices ---------------------------------------------------------------------------------------
def save_slice(dataset, name: str, definition: Mapping, *, note: str = "") -> dict:
    validate_name(name, what="slice name")
    record = {"name": name, "definition": check_slice(definition), "note": note}
    referenced = referenced_slices(definition, load_slices(dataset) | {name: record["definition"]})
    if name in referenced:
        raise MixError(f"slice {name!r} refers to itself")
    dataset.documents("slices").save(name, record)
    return record


def load_slices(dataset) -> dict[str, dict]:
    """{name: definition} of the dataset's saved slices."""
    return {record["name"]: record["definition"] for record in dataset.documents("slices").read_all().values()}


def delete_slice(dataset, name: str) -> None:
    dataset.documents("slices").delete(name)


def referenced_slices(definition: Mapping, saved: Mapping[str, dict], _seen: tuple = ()) -> dict[str, dict]:
    """Every saved slice a definition uses, directly or through others: {name: definition}."""
    out: dict[str, dict] = {}
    kind = next((k for k in KINDS if k in definition), None)
    if kind == "slice":
        name = definition["slice"]
        if name in _seen:
            raise MixError(f"slices refer to each other in a loop: {' -> '.join((*_seen, name))}")
        if name not in saved:
            raise MixError(f"no saved slice named {name!r}; saved: {', '.join(sorted(saved)) or 'none'}")
        out[name] = saved[name]
        out.update(referenced_slices(saved[name], saved, (*_seen, name)))
    elif kind in ("and", "or"):
        for part in definition[kind]:
            out.update(referenced_slices(part, saved, _seen))
    elif kind == "not":
        out.update(referenced_slices(definition["not"], saved, _seen))
    return out


# ---- resolving ------------------------------------------------------------------------------------------
@dataclass
class SliceContext:
    """What resolving needs: the dataset, its ids in stored order, marks, saved slices and an embedder.

    `marks` is a frame (id, mark, tags) — the marks a mix is built on; `embedder` is loaded from the
    dataset's model on first semantic query when not given.
    """

    dataset: Any
    ids: list[str]
    marks: pd.DataFrame
    saved: dict[str, dict] = field(default_factory=dict)
    embedder: Any = None
    _index: pd.Index | None = None
    _meta: pd.DataFrame | None = None
    _columns: dict[str, str] | None = None

    @property
    def index(self) -> pd.Index:
        if self._index is None:
            self._index = pd.Index(self.ids)
        return self._index

    def mask_of(self, ids) -> np.ndarray:
        mask = np.zeros(len(self.ids), dtype=bool)
        pos = self.index.get_indexer(list(ids))
        mask[pos[pos >= 0]] = True
        return mask

    def columns(self) -> dict[str, str]:
        """Columns outside the metadata (metadata is parsed only when a condition needs it)."""
        if self._columns is None:
            self._columns = slice_columns(self.dataset)
        return self._columns

    def origin(self, column: str) -> str:
        origin = self.columns().get(column)
        if origin is None and column in self.meta_frame().columns:
            origin = "meta"
        if origin is None:
            known = ", ".join(sorted({*self.columns(), *map(str, self.meta_frame().columns)}))
            raise MixError(f"unknown column {column!r}; columns: {known}")
        return origin

    def allowed(self, origin: str) -> list[str]:
        return [c for c, o in self.columns().items() if o == origin]

    def types(self, origin: str) -> dict:
        """{column: Arrow type} of the rows table or a frame, so filters fit each value to its column."""
        if origin == "rows":
            return {f.name: f.type for f in ROWS_SCHEMA}
        table = self.dataset.read_frame(origin, where="FALSE")
        return {} if table is None else {f.name: f.type for f in table.schema}

    def meta_frame(self) -> pd.DataFrame:
        if self._meta is None:
            rows = self.dataset.read_rows(["id", "meta"])
            parsed = [json.loads(m) if m else {} for m in rows.column("meta").to_pylist()]
            frame = pd.DataFrame.from_records([p if isinstance(p, dict) else {} for p in parsed])
            frame.index = pd.Index(rows.column("id").to_pylist())
            self._meta = frame
        return self._meta


def frame_kinds(dataset) -> list[str]:
    prefix = f"{dataset.name}__"
    kinds = [t[len(prefix):] for t in dataset.table_names()]
    return sorted(k for k in kinds if k not in NOT_FRAMES and not k.startswith("vec_"))


def slice_columns(dataset, *, meta_sample: int = 0) -> dict[str, str]:
    """{column: where it lives} for where-conditions: "rows", a frame kind, "marks", or "meta" (the metadata
    keys of the first `meta_sample` rows; conditions may name any metadata key)."""
    out = {c: "rows" for c in ROW_COLUMNS if c != "meta"}
    for kind in sorted(frame_kinds(dataset), key=lambda k: (k != "clusters", k)):
        table = dataset.read_frame(kind, where="FALSE")
        if table is None or "id" not in table.column_names:
            continue
        for column in table.column_names:
            out.setdefault(column, kind)
    out.setdefault("mark", "marks")
    out.setdefault("tags", "marks")
    if meta_sample:
        for meta in dataset.read_rows(["meta"], limit=meta_sample).column("meta").to_pylist():
            parsed = json.loads(meta) if meta else {}
            for column in parsed if isinstance(parsed, dict) else ():
                out.setdefault(str(column), "meta")
    return out


def _compare(series: pd.Series, op: str, value: Any) -> np.ndarray:
    """Python-side comparison for marks and metadata columns (never SQL)."""
    if op == "in":
        return series.isin(list(value)).to_numpy()
    if op == "contains":
        return series.astype(str).str.lower().str.contains(str(value).lower(), regex=False).to_numpy()
    if op == "between":
        low, high = value
        numeric = pd.to_numeric(series, errors="coerce")
        return ((numeric >= float(low)) & (numeric <= float(high))).to_numpy()
    if isinstance(value, int | float) and not isinstance(value, bool):
        series = pd.to_numeric(series, errors="coerce")
    ops = {"=": series.__eq__, "!=": series.__ne__, "<": series.__lt__, "<=": series.__le__,
           ">": series.__gt__, ">=": series.__ge__}
    return ops[op](value).fillna(op == "!=").to_numpy(dtype=bool)


def _where(ctx: SliceContext, column: str, op: str, value: Any) -> np.ndarray:
    origin = ctx.origin(column)
    if op == "between" and not (isinstance(value, list | tuple) and len(value) == 2):
        raise MixError(f'"between" takes [low, high], not {value!r}')
    if op == "in" and not isinstance(value, list | tuple):
        raise MixError(f'"in" takes a list of values, not {value!r}')
    if origin == "rows":
        sql = _sql(column, op, value, ctx.allowed("rows"), ctx.types("rows"))
        return ctx.mask_of(_lance_read(lambda: ctx.dataset.read_rows(["id"], where=sql), column, op, value))
    if origin == "marks":
        marks = ctx.marks.set_index("id").reindex(ctx.ids)
        if column == "tags":
            tags = marks["tags"].map(lambda t: set(t) if isinstance(t, list | tuple | np.ndarray) else set())
            wanted = {fit_value(v, pa.string()) for v in (value if op == "in" else [value])}  # tags are text
            has = tags.map(lambda t: bool(t & wanted)).to_numpy(dtype=bool)
            if op not in ("=", "in", "!="):
                raise MixError('tags take "=" (has the tag), "!=" (lacks it) or "in" (has any)')
            return ~has if op == "!=" else has
        return _compare(marks["mark"].fillna(""), op, fit_value(value, pa.string()))
    if origin == "meta":
        meta = ctx.meta_frame()[column].reindex(ctx.ids)
        return _compare(meta, op, value)
    sql = _sql(column, op, value, ctx.allowed(origin), ctx.types(origin))
    return ctx.mask_of(_lance_read(lambda: ctx.dataset.read_frame(origin, ["id"], where=sql), column, op, value))


def _sql(column: str, op: str, value: Any, allowed: list[str], types: dict) -> str:
    """The LanceDB filter, built by mixmap.core.store.filters, which fits each value to the column's type."""
    return Condition(column, op, tuple(value) if op in ("in", "between") else value).to_sql(allowed, types=types)


def _lance_read(read, column: str, op: str, value: Any) -> list[str]:
    try:
        table = read()
    except (ValueError, RuntimeError, OSError) as exc:  # e.g. a text value for a number column
        reason = str(exc).split(",")[0][:160]
        raise MixError(f"cannot filter {column} {op} {value!r}: {reason}") from None
    return [] if table is None else table.column("id").to_pylist()


def _semantic(ctx: SliceContext, query: str, k: int, max_distance: float | None) -> np.ndarray:
    if ctx.embedder is None:
        from mixmap.core.embed.registry import dataset_embedder

        ctx.embedder = dataset_embedder(ctx.dataset)
    vector = np.asarray(ctx.embedder.embed([query]), dtype=np.float32)[0]
    hits = ctx.dataset.search_vectors(vector, k=int(k))
    if max_distance is not None and "_distance" in hits.column_names:
        keep = np.asarray(hits.column("_distance").to_pylist()) <= float(max_distance)
        return ctx.mask_of([i for i, ok in zip(hits.column("id").to_pylist(), keep) if ok])
    return ctx.mask_of(hits.column("id").to_pylist())


def resolve_slice(definition: Mapping, ctx: SliceContext, *, _seen: tuple = ()) -> np.ndarray:
    """A boolean mask over ctx.ids (stored order) of the rows in the slice."""
    check_slice(definition)
    kind = next(k for k in KINDS if k in definition)
    value = definition[kind]
    n = len(ctx.ids)
    if kind == "all":
        return np.ones(n, dtype=bool)
    if kind == "where":
        return _where(ctx, value[0], value[1], value[2])
    if kind == "fts":
        limit = definition.get("limit")
        return ctx.mask_of(ctx.dataset.search_text(value, limit=int(limit) if limit else None).column("id").to_pylist())
    if kind == "semantic":
        return _semantic(ctx, value, int(definition.get("k", 100)), definition.get("max_distance"))
    if kind == "ids":
        return ctx.mask_of(value)
    if kind == "slice":
        if value in _seen:
            raise MixError(f"slices refer to each other in a loop: {' -> '.join((*_seen, value))}")
        if value not in ctx.saved:
            raise MixError(f"no saved slice named {value!r}; saved: {', '.join(sorted(ctx.saved)) or 'none'}")
        return resolve_slice(ctx.saved[value], ctx, _seen=(*_seen, value))
    if kind == "not":
        return ~resolve_slice(value, ctx, _seen=_seen)
    masks = [resolve_slice(part, ctx, _seen=_seen) for part in value]
    return np.logical_and.reduce(masks) if kind == "and" else np.logical_or.reduce(masks)


def make_context(dataset, *, marks_version: int | None = None, marks: pd.DataFrame | None = None,
                 saved: dict[str, dict] | None = None, embedder=None) -> SliceContext:
    """A context over the dataset's rows with the marks at a version (default: current)."""
    ids = dataset.read_rows(["id"]).column("id").to_pylist()
    if marks is None:
        marks = read_marks(dataset, version=marks_version).to_pandas()
    return SliceContext(dataset=dataset, ids=ids, marks=marks,
                        saved=load_slices(dataset) if saved is None else dict(saved), embedder=embedder)


def slice_ids(dataset, definition: Mapping, *, embedder=None, marks_version: int | None = None) -> list[str]:
    """The ids in a slice, in stored order (a convenience over make_context + resolve_slice)."""
    ctx = make_context(dataset, marks_version=marks_version, embedder=embedder)
    mask = resolve_slice(definition, ctx)
    return [i for i, keep in zip(ctx.ids, mask) if keep]
