"""Read a user's file into mixmap rows: id, source, text, row_index, meta.

Formats: JSONL, JSON arrays, CSV/TSV, Parquet, a Hugging Face `save_to_disk` folder, and `.gz` of the
text formats (read into numbered records by mixmap.core.ingest.records). The text of a row comes from a `TextSpec`: one
column, a template over columns, or a chat list flattened with role labels. Bad rows are reported with file
and line; `on_error` decides whether they are skipped or abort the whole ingest. Nothing is written here:
`ingest_file` returns an Arrow table that `Dataset.add_rows` stores in one commit, so a failed read leaves the
store as it was.
"""
from __future__ import annotations

import hashlib
import json
import math
import re
import string
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa

from mixmap.core.errors import IngestError
from mixmap.core.ingest.records import (
    CHAT_COLUMNS,
    BadRow,
    file_sha256,
    iter_records,
    no_rows_error,
    preview_records,
    type_phrase,
)
from mixmap.core.store.locks import dataset_lock

__all__ = ["BadRow", "TextSpec", "file_sha256", "guess_spec", "ingest_file", "ingest_into", "iter_records",
           "preview_records", "row_text"]

TEXT_SUFFIXES = (".jsonl", ".ndjson", ".json", ".csv", ".tsv")
RESERVED = ("id", "source", "text", "row_index", "meta")
DEFAULT_TEMPLATE_PARTS = ("instruction", "input", "output")
# A row's text above this many characters is refused: embedders read at most a few hundred tokens, but a
# tokenizer still scans the whole string (a 50 MB row takes minutes and GBs). Split such documents first.
MAX_TEXT_CHARS = 1_000_000


@dataclass(frozen=True)
class TextSpec:
    """Where a row's text comes from: exactly one of column, template or chat_column.

    A template uses {column} placeholders; lines whose placeholders are all empty are dropped, so
    "{instruction}\\n{input}\\n{output}" works for rows with and without an input.
    """

    column: str | None = None
    template: str | None = None
    chat_column: str | None = None

    def describe(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if v}

    def required_columns(self) -> list[str]:
        if self.column:
            return [self.column]
        if self.chat_column:
            return [self.chat_column]
        return [f for _, f, _, _ in string.Formatter().parse(self.template or "") if f]


@dataclass
class IngestResult:
    rows: pa.Table
    bad_rows: list[BadRow] = field(default_factory=list)
    source_info: dict = field(default_factory=dict)
    spec: TextSpec | None = None
    copy_keys: list[str] = field(default_factory=list, repr=False)  # per row: its text's key and copy number

    def with_id_salt(self, salt: str) -> IngestResult:
        """The same rows with ids drawn with `salt` (see row_id); "" gives the ids ingest_file made."""
        if not salt:
            return self
        ids = pa.array([row_id(key, salt) for key in self.copy_keys], pa.string())
        rows = self.rows.set_column(self.rows.schema.get_field_index("id"), "id", ids)
        return IngestResult(rows=rows, bad_rows=self.bad_rows, source_info={**self.source_info, "id_salt": salt},
                            spec=self.spec, copy_keys=self.copy_keys)


def row_id(copy_key: str, salt: str = "") -> str:
    """A row's stable id from its copy key (source, text, n-th copy in its file) and its file's id salt.

    The salt is "" for a file whose rows collide with no stored row (the ids mixmap always made); a file
    whose copies would reuse another file's ids (the same text in two files of one source, or a file
    ingested in parts) gets its own salt, recorded in its source entry, so every copy is a row of its own.
    """
    return hashlib.sha1(f"{copy_key}\x00{salt}".encode() if salt else copy_key.encode()).hexdigest()[:20]


# ---- text specs ----------------------------------------------------------------------------------------
def guess_spec(columns: list[str]) -> TextSpec:
    """A sensible default mapping for common instruction / chat / web layouts."""
    lower = {c.lower(): c for c in columns}
    for chat in CHAT_COLUMNS:
        if chat in lower:
            return TextSpec(chat_column=lower[chat])
    for prefix in ("", "en_"):
        if prefix + "instruction" in lower:
            answer = next((lower[prefix + a] for a in ("output", "response", "answer") if prefix + a in lower), None)
            parts = [lower[prefix + "instruction"]]
            if prefix + "input" in lower:
                parts.append(lower[prefix + "input"])
            if answer:
                parts.append(answer)
            return TextSpec(template="\n\n".join("{" + p + "}" for p in parts))
    for name in ("text", "content", "prompt", "question", "sentence", "document"):
        if name in lower:
            return TextSpec(column=lower[name])
    raise IngestError(
        f"cannot tell which column holds the text (columns: {', '.join(columns) or 'none'}); "
        "pass --text-column NAME or --template '{a}\\n{b}'"
    )


def _flatten_chat(turns: object) -> str:
    if isinstance(turns, str):
        turns = json.loads(turns)
    if not isinstance(turns, list) or not turns:
        raise ValueError("chat column is not a non-empty list of turns")
    lines = []
    for turn in turns:
        if not isinstance(turn, dict):
            raise ValueError("a chat turn is not an object")
        role = turn.get("role", turn.get("from", "unknown"))
        content = turn.get("content", turn.get("value", turn.get("text")))
        if not isinstance(content, str):
            raise ValueError("a chat turn has no string content")
        lines.append(f"{role}: {content}")
    return "\n\n".join(lines)


def _render_template(template: str, record: dict) -> str:
    lines = []
    for line in template.split("\n"):
        fields = [f for _, f, _, _ in string.Formatter().parse(line) if f]
        values = {}
        for f in fields:
            value = record.get(f)
            if value is None or (isinstance(value, float) and math.isnan(value)):
                value = ""
            if not isinstance(value, str | int | float):
                raise ValueError(f"column {f!r} holds {type_phrase(value)}, not text")
            values[f] = str(value)
        if fields and not any(values[f].strip() for f in fields):
            continue  # an empty optional part, e.g. Alpaca's blank input
        lines.append(line.format_map(values))
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def row_text(record: dict, spec: TextSpec) -> str:
    """The text of one record, or ValueError with a reason a curator can act on."""
    if spec.chat_column:
        return _flatten_chat(record.get(spec.chat_column))
    if spec.template:
        missing = [c for c in spec.required_columns() if c not in record]
        if missing:
            raise ValueError(f"missing column {missing[0]!r}")
        return _render_template(spec.template, record)
    if spec.column not in record:
        raise ValueError(f"missing column {spec.column!r}")
    value = record[spec.column]
    if value is None or (isinstance(value, float) and math.isnan(value)):
        raise ValueError(f"column {spec.column!r} is empty (null)")
    if not isinstance(value, str):
        raise ValueError(f"column {spec.column!r} holds {type_phrase(value)}, not text")
    return value


def check_text(text: str) -> None:
    """ValueError when a row's text cannot be stored as it is (too long, or not encodable as UTF-8)."""
    if len(text) > MAX_TEXT_CHARS:
        raise ValueError(f"text is {len(text):,} characters; rows over {MAX_TEXT_CHARS:,} are refused "
                         "(split long documents into parts first)")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValueError(f"text holds a lone surrogate escape ({text[exc.start]!r} at character "
                         f"{exc.start + 1}), which is not valid Unicode") from None


def _meta_json(record: dict, spec: TextSpec) -> str:
    meta = {}
    for key, value in record.items():
        if key == spec.column or key == spec.chat_column:
            continue
        if isinstance(value, float) and math.isnan(value):
            value = None
        elif isinstance(value, bytes):
            value = value.decode("utf-8", "replace")
        meta[key] = value
    text = json.dumps(meta, ensure_ascii=False, sort_keys=False, default=str)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate in a metadata value: keep it as a JSON \u escape
        text = json.dumps(meta, ensure_ascii=True, sort_keys=False, default=str)
    return text


def default_source_name(path: Path) -> str:
    name = path.name
    for suffix in (".gz", *TEXT_SUFFIXES, ".parquet"):
        if name.lower().endswith(suffix):
            name = name[: -len(suffix)]
    return re.sub(r"[^A-Za-z0-9_\-.]+", "_", name) or "data"


def ingest_file(
    path: str | Path,
    *,
    spec: TextSpec | None = None,
    source: str | None = None,
    source_column: str | None = "source",
    on_error: str = "skip",
    max_bad_rows_reported: int = 1000,
) -> IngestResult:
    """Read one file into rows. `on_error="abort"` raises on the first bad row; "skip" reports them.

    The source name is `source` when given; else a row's own `source_column` value when it is a
    non-empty string (so a file mixing several sources keeps them apart); else the file name.
    """
    if on_error not in ("skip", "abort"):
        raise IngestError(f"on_error must be 'skip' or 'abort', not {on_error!r}")
    path = Path(path)
    if not path.exists():
        raise IngestError(f"{path}: no such file")
    if path.is_file() and path.stat().st_size == 0:
        raise IngestError(f"{path.name}: the file is empty")
    fixed_source = source
    file_source = default_source_name(path)
    bad: list[BadRow] = []
    ids, texts, indexes, metas, sources, copy_keys = [], [], [], [], [], []
    seen: Counter[str] = Counter()
    records = 0
    columns: list[str] = []
    for line_no, record in iter_records(path, bad):
        records += 1
        if on_error == "abort" and bad:
            raise IngestError(f"{bad[0]} (use --on-error skip to skip bad rows)")
        if not isinstance(record, dict):
            bad.append(BadRow(path.name, line_no, f"a row is {type_phrase(record)}, not an object"))
            if on_error == "abort":
                raise IngestError(f"{bad[-1]} (use --on-error skip to skip bad rows)")
            continue
        if not columns:
            columns = [str(k) for k in record]
        if spec is None:
            try:
                spec = guess_spec(list(record.keys()))
            except IngestError as exc:
                raise IngestError(f"{path.name}: {exc}") from None
        try:
            text = row_text(record, spec)
            check_text(text)
        except (ValueError, KeyError, TypeError) as exc:
            bad.append(BadRow(path.name, line_no, str(exc)))
            if on_error == "abort":
                hint = "use --on-error skip to skip bad rows"
                if str(exc).startswith("missing column") or (not texts and " holds " in str(exc)):
                    # The first row already fails on its column: the mapping is the likelier mistake.
                    hint = (f"columns in this row: {', '.join(map(str, record))[:300]}; choose the text with "
                            "--text-column, --template or --chat-column, or " + hint)
                raise IngestError(f"{bad[-1]} ({hint})") from None
            continue
        if not text.strip():
            bad.append(BadRow(path.name, line_no, "text is empty"))
            if on_error == "abort":
                raise IngestError(f"{bad[-1]} (use --on-error skip to skip bad rows)")
            continue
        source = fixed_source
        if source is None:
            own = record.get(source_column) if source_column else None
            source = own.strip() if isinstance(own, str) and own.strip() else file_source
        try:
            source.encode("utf-8")
        except UnicodeEncodeError:
            bad.append(BadRow(path.name, line_no, f"source name {source!r} is not valid Unicode"))
            if on_error == "abort":
                raise IngestError(f"{bad[-1]} (use --on-error skip to skip bad rows)") from None
            continue
        sources.append(source)
        # The n-th copy of the same text in the same source gets its own stable id.
        content_key = hashlib.sha1(f"{source}\x00{text}".encode()).hexdigest()
        seen[content_key] += 1
        copy_keys.append(f"{content_key}\x00{seen[content_key]}")
        ids.append(row_id(copy_keys[-1]))
        texts.append(text)
        indexes.append(line_no)
        metas.append(_meta_json(record, spec))
    if on_error == "abort" and bad:
        raise IngestError(f"{bad[0]} (use --on-error skip to skip bad rows)")
    if not texts:
        if not records and not bad:
            raise no_rows_error(path)
        hint = ""
        if columns:
            hint = (f" (columns in the file: {', '.join(columns[:20])}); choose the text with --text-column, "
                    "--template or --chat-column")
        detail = f"; first problem: {bad[0]}" if bad else ""
        raise IngestError(f"{path.name}: no usable rows{detail}{hint}")
    rows = pa.table(
        {
            "id": pa.array(ids, pa.string()),
            "source": pa.array(sources, pa.string()),
            "text": pa.array(texts, pa.string()),
            "row_index": pa.array(indexes, pa.int64()),
            "meta": pa.array(metas, pa.string()),
        }
    )
    source_names = sorted(set(sources))
    info = {
        "key": f"{fixed_source or file_source}:{path.resolve()}",
        "source": fixed_source or (source_names[0] if len(source_names) == 1 else file_source),
        "sources": source_names,
        "path": str(path.resolve()),
        "sha256": file_sha256(path),
        "rows": len(ids),
        "bad_rows": len(bad),
        "spec": spec.describe() if spec else {},
    }
    return IngestResult(rows=rows, bad_rows=bad[:max_bad_rows_reported], source_info=info, spec=spec,
                        copy_keys=copy_keys)


def _ingest_lock(dataset):
    """One ingest at a time per dataset, across processes: add_rows checks which ids are stored, then appends,
    so two ingests of the same file at once would otherwise both add its rows."""
    return dataset_lock(dataset, "ingest")


_SPEC_OPTIONS = {"column": "--text-column", "template": "--template", "chat_column": "--chat-column"}


def _spec_words(spec: dict) -> str:
    return " ".join(f"{_SPEC_OPTIONS.get(k, k)} {json.dumps(v, ensure_ascii=False)}" for k, v in spec.items()) \
        or "the guessed text column"


def _salted(dataset, result: IngestResult, id_salt: str | None) -> IngestResult:
    """The rows with the id salt of their file: the one its source entry records (a re-ingest, or a replay
    passing it), else the first that makes no id collide with a row another file stored."""
    info = result.source_info
    entry = dataset.source_entry(info["key"])
    if entry is not None:
        if entry.get("spec") and info["spec"] and entry["spec"] != info["spec"]:
            # The same file with another mapping has other texts: every row would be added again under one entry.
            raise IngestError(
                f"{Path(info['path']).name} is already in {dataset.name} as source {entry.get('source')!r}, read with "
                f"{_spec_words(entry['spec'])}; reading it with {_spec_words(info['spec'])} would add every row "
                "again. Use the same mapping, pass --source NEW_NAME to add it as another source, or ingest it "
                "into a new dataset")
        return result.with_id_salt(entry.get("id_salt", ""))
    if id_salt is not None:
        return result.with_id_salt(id_salt)
    salt, attempt = "", 1
    while len(dataset.known_ids(result.with_id_salt(salt).rows.column("id"))):
        salt = f"{info['sha256'][:12]}-{attempt}"
        attempt += 1
    return result.with_id_salt(salt)


def ingest_into(dataset, path: str | Path, *, id_salt: str | None = None, **options) -> IngestResult:
    """Read `path` and add its rows to `dataset` in one commit (rows already stored are skipped).

    Re-ingesting a file (same source and path) adds only rows it did not store before; with another text
    mapping it is refused. `id_salt` (a replay passes the manifest's) fixes the ids of a file new to the dataset.
    """
    result = ingest_file(path, **options)
    with _ingest_lock(dataset):
        result = _salted(dataset, result, id_salt)
        added = dataset.add_rows(result.rows, source_info=result.source_info)
    result.source_info["added"] = added
    return result
