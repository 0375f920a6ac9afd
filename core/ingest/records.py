"""Reading a user's file as numbered records: formats, encodings, and where each problem is.

JSONL, JSON arrays, CSV/TSV, Parquet, a Hugging Face `save_to_disk` folder, and `.gz` of the text formats.
Text is UTF-8 (with or without a BOM) or UTF-16 with a BOM; a binary file, bytes that are not UTF-8, and lines
that are not JSON are reported with the file, the line and what to do. mixmap.core.ingest.files turns records into rows.
"""
from __future__ import annotations

import csv
import gzip
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa

from mixmap.core.errors import IngestError
from mixmap.core.store.atomic import file_sha256  # noqa: F401  (re-exported: ingest records it per source)

# Columns that hold a list of chat turns (role / content, or ShareGPT's from / value).
CHAT_COLUMNS = ("messages", "conversations", "conversation", "dialogue")


def is_chat_record(record: dict) -> bool:
    """True when a JSON object is one chat (a chat column holding turn objects), not a wrapper of rows."""
    return any(str(key).lower() in CHAT_COLUMNS and isinstance(value, list) and value
               and all(isinstance(t, dict) and ({"role", "from"} & set(t)) for t in value)
               for key, value in record.items())


@dataclass(frozen=True)
class BadRow:
    file: str
    line: int  # 1-based line in the file (JSONL/CSV), or 1-based item number (JSON array, Parquet)
    reason: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.reason}"


def _open_binary(path: Path):
    return gzip.open(path, "rb") if path.suffix == ".gz" else path.open("rb")


def _open_text(path: Path, *, newline: str = "") -> io.TextIOBase:
    """Text in UTF-8 (BOM or not) or UTF-16 with a BOM. newline="" suits csv; "\n" splits JSONL on \n only."""
    raw = _open_binary(path)
    head = raw.peek(8192)[:8192] if hasattr(raw, "peek") else b""
    if head[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return io.TextIOWrapper(raw, encoding="utf-16", newline=newline)
    if b"\x00" in head:
        raw.close()
        raise IngestError(
            f"{path.name}: looks like a binary file (it holds NUL bytes), not UTF-8 text; give a JSONL, "
            "JSON, CSV/TSV or Parquet file (UTF-16 text needs a byte-order mark)"
        )
    return io.TextIOWrapper(raw, encoding="utf-8-sig", newline=newline)


def _first_bad_utf8(path: Path) -> tuple[int, int] | None:
    """(line, byte column), both 1-based, of the first byte sequence that is not UTF-8; None if all is."""
    with _open_binary(path) as fh:
        for line_no, line in enumerate(fh, start=1):
            try:
                line.decode("utf-8")
            except UnicodeDecodeError as exc:
                return line_no, exc.start + 1
    return None


def type_phrase(value: object) -> str:
    name = type(value).__name__
    return ("an " if name[0] in "aeiou" else "a ") + name


def format_of(path: Path) -> str:
    if path.is_dir():
        if (path / "dataset_info.json").exists() or (path / "state.json").exists():
            return "hf"
        raise IngestError(f"{path}: a folder is only accepted when it is a Hugging Face save_to_disk folder")
    name = path.name.lower()
    name = name.removesuffix(".gz")
    for fmt in ("jsonl", "ndjson", "json", "csv", "tsv", "parquet"):
        if name.endswith("." + fmt):
            return "jsonl" if fmt == "ndjson" else fmt
    raise IngestError(f"{path}: unknown file type; use .jsonl, .json, .csv, .tsv, .parquet (optionally .gz) or a HF folder")


def iter_records(path: Path, bad: list[BadRow]) -> Iterator[tuple[int, object]]:
    """(line or item number, record) pairs. Unparseable lines go to `bad` instead."""
    fmt = format_of(path)
    try:
        if fmt == "jsonl":
            # Lines end at "\n" only: a lone "\r" is JSON whitespace, and U+2028 may sit inside a string.
            with _open_text(path, newline="\n") as fh:
                for line_no, line in enumerate(fh, start=1):
                    if not line.strip():
                        continue
                    record = _parse_line(path.name, line_no, line, bad)
                    if record is not _BAD:
                        yield line_no, record
        elif fmt == "json":
            with _open_text(path) as fh:
                text = fh.read()
            if not text.strip():
                return
            try:
                data = json.loads(text)
            except RecursionError:
                raise IngestError(f"{path.name}: the JSON is nested too deeply to read") from None
            except json.JSONDecodeError as exc:
                if "\n{" in text.strip()[:200000]:
                    # A JSONL file named .json: read it line by line instead.
                    yield from _jsonl_lines(path.name, text, bad)
                    return
                raise IngestError(f"{path.name}:{exc.lineno}: not valid JSON ({exc.msg})") from None
            if isinstance(data, dict):
                # {"data": [rows]} is a wrapper; {"messages": [turns]} is one chat row, not a row per turn
                data = [data] if is_chat_record(data) else next((v for v in data.values() if isinstance(v, list)),
                                                                [data])
            if not isinstance(data, list):
                raise IngestError(f"{path.name}: expected a JSON array of objects")
            yield from enumerate(data, start=1)
        elif fmt in ("csv", "tsv"):
            csv.field_size_limit(1 << 30)
            with _open_text(path) as fh:
                reader = csv.DictReader(fh, delimiter="\t" if fmt == "tsv" else ",")
                for record in reader:
                    yield reader.line_num, record
        elif fmt == "parquet":
            import pyarrow.parquet as pq

            pf = pq.ParquetFile(path)
            item = 0
            for batch in pf.iter_batches(batch_size=8192):
                for record in batch.to_pylist():
                    item += 1
                    yield item, record
        elif fmt == "hf":
            try:
                from datasets import load_from_disk
            except ImportError:
                raise IngestError("reading a Hugging Face folder needs `pip install datasets`") from None
            ds = load_from_disk(str(path))
            if hasattr(ds, "keys"):  # a DatasetDict: take every split, in order
                for split in ds.keys():
                    for i, record in enumerate(ds[split], start=1):
                        yield i, {**record, "split": split}
            else:
                yield from enumerate(ds, start=1)
    except UnicodeDecodeError as exc:
        where = _first_bad_utf8(path) if exc.encoding.replace("-", "").lower().startswith("utf8") else None
        at = f":{where[0]}: byte {where[1]} of the line" if where else f": byte {exc.start}"
        raise IngestError(
            f"{path.name}{at} is not UTF-8 text; re-save the file as UTF-8 (e.g. `iconv -f latin1 -t utf-8`)"
        ) from None
    except (gzip.BadGzipFile, EOFError) as exc:
        raise IngestError(f"{path.name}: the gzip file is damaged ({exc})") from None
    except IngestError:
        raise
    except (OSError, ValueError, pa.ArrowException) as exc:
        raise IngestError(f"{path.name}: cannot be read as {fmt} ({str(exc).splitlines()[0]})") from None


_BAD = object()


def _parse_line(name: str, line_no: int, line: str, bad: list[BadRow]) -> object:
    """One JSONL line's value, or _BAD (and a BadRow saying where the line stops being JSON)."""
    try:
        return json.loads(line)
    except json.JSONDecodeError as exc:
        cut = "" if line.endswith(("\n", "\r")) else " (the file ends mid-line: it looks truncated)"
        bad.append(BadRow(name, line_no, f"not valid JSON at column {exc.colno}: {exc.msg}{cut}"))
    except RecursionError:
        bad.append(BadRow(name, line_no, "not readable: the JSON is nested too deeply"))
    return _BAD


def _jsonl_lines(name: str, text: str, bad: list[BadRow]) -> Iterator[tuple[int, object]]:
    for line_no, line in enumerate(text.split("\n"), start=1):
        if line.strip():
            record = _parse_line(name, line_no, line, bad)
            if record is not _BAD:
                yield line_no, record


def no_rows_error(path: Path) -> IngestError:
    under = " under its header line" if format_of(path) in ("csv", "tsv") else ""
    return IngestError(f"{path.name}: holds no rows{under}; nothing to ingest")


def preview_records(path: str | Path, *, limit: int = 5) -> list[dict]:
    """The first `limit` object rows of a file (for a preview), or IngestError with ingest_file's messages."""
    path = Path(path)
    if not path.exists():
        raise IngestError(f"{path}: no such file")
    if path.is_file() and path.stat().st_size == 0:
        raise IngestError(f"{path.name}: the file is empty")
    bad: list[BadRow] = []
    records: list[dict] = []
    seen = 0
    for line_no, record in iter_records(path, bad):
        seen += 1
        if isinstance(record, dict):
            records.append(record)
        else:
            bad.append(BadRow(path.name, line_no, f"a row is {type_phrase(record)}, not an object"))
        if len(records) >= limit or seen >= 1000:
            break
    if not records:
        if not seen and not bad:
            raise no_rows_error(path)
        raise IngestError(f"{path.name}: no rows could be read" + (f"; first problem: {bad[0]}" if bad else ""))
    return records
