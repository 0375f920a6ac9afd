"""Export the curated subset to JSONL / Parquet / CSV / a Hugging Face `datasets` folder, with a manifest.

The output is written to a temporary file (or folder) beside the target and renamed into place, so a crash
never leaves a half-written export. Rows keep the dataset's stored order, so the same marks give the same
bytes. The "hf" format is `datasets.Dataset.save_to_disk` (load it back with `datasets.load_from_disk`); its
manifest sha256 covers every file in the folder. Replaying a manifest lives in mixmap.core.curate.mixes.replay_manifest.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import time
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from mixmap.core.errors import MixmapError
from mixmap.core.store.atomic import file_sha256, write_json_atomic
from mixmap.core.store.marks import marks_version, read_marks

FORMATS = ("jsonl", "parquet", "csv", "hf")
MARKED = ("include", "exclude", "any")
MANIFEST_VERSION = 1


def manifest_path(out: Path) -> Path:
    return out.with_name(out.name + ".manifest.json")


def select_ids(dataset, *, marked: str = "exclude") -> pa.Array | None:
    """Ids to export: "include" = rows marked include; "exclude" = all but excluded; "any" = all (None)."""
    if marked not in MARKED:
        raise MixmapError(f"--marked must be one of {', '.join(MARKED)}, not {marked!r}")
    if marked == "any":
        return None
    marks = read_marks(dataset)
    wanted = pc.equal(marks.column("mark"), "include" if marked == "include" else "exclude")
    return marks.filter(wanted).column("id").combine_chunks()


def export_rows(
    dataset,
    out: str | Path,
    *,
    fmt: str | None = None,
    marked: str = "exclude",
    ids: list[str] | None = None,
    extra_frames: tuple[str, ...] = ("clusters",),
    recipe: dict | None = None,
    extra: dict | None = None,
    redact: bool = False,
    in_given_order: bool = False,
) -> dict:
    """Write the selected rows to `out` and the manifest beside it; returns the manifest.

    `ids` (e.g. from a mix) overrides the mark-based selection; rows keep the stored order, or the order of
    `ids` with `in_given_order` (a replay repeats the export's order however its sources were re-ingested). `extra_frames` names small frames whose
    columns are joined in (clusters by default; "signals" adds quality signals). `extra` adds (or overrides)
    manifest fields, e.g. a mix's slices, seeds and per-component counts. `redact` replaces personal data and
    secrets in every text field (the row's text and its original columns) with typed placeholders
    (mixmap.core.checks.pii); the manifest's `redaction` says what was replaced.
    """
    out = Path(out)
    fmt = fmt or out.suffix.lstrip(".").lower() or "jsonl"
    if fmt not in FORMATS:
        raise MixmapError(f"format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    if out.is_dir() and fmt != "hf":
        raise MixmapError(f"{out} is a folder; give --out a file path (a folder only with --format hf)")
    rows = dataset.read_rows(["id", "source", "text", "meta"])
    total = rows.num_rows
    if ids is not None:
        wanted = pa.array(ids, pa.string())
        rows = rows.filter(pc.is_in(rows.column("id"), value_set=wanted))
        if in_given_order:
            rows = rows.take(pc.sort_indices(pc.index_in(rows.column("id"), value_set=wanted)))
    else:
        chosen = select_ids(dataset, marked=marked)
        if chosen is not None:
            keep = pc.is_in(rows.column("id"), value_set=chosen)
            rows = rows.filter(keep if marked == "include" else pc.invert(keep))
    frame = rows.to_pandas()
    for kind in extra_frames:
        joined = dataset.read_frame(kind)
        if joined is not None:
            frame = frame.merge(joined.to_pandas(), on="id", how="left")
            frame = _keep_integer_columns(frame, joined.schema)
    records = _records(frame)
    redaction = _redact(records) if redact else None
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        # The old manifest goes just before the new file takes its place: a crash in between leaves an export
        # with no manifest (rerun the export), never a manifest that describes another file.
        _write_atomic(out, records, fmt, stale=manifest_path(out))
    except OSError as exc:  # a read-only folder, a path under a file, a full disk: the export is not written
        raise MixmapError(f"cannot write {out}: {exc.strerror or exc}; choose another --out") from None
    by_source = frame["source"].value_counts().sort_index().to_dict() if len(frame) else {}
    meta = dataset.meta
    manifest = {
        "manifest_version": MANIFEST_VERSION,
        "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "dataset": dataset.name,
        # absolute, so a replay never depends on the folder it runs from
        "output": {"path": os.path.abspath(out), "format": fmt, "sha256": file_sha256(out)},
        "sources": [{k: s.get(k) for k in ("source", "sources", "key", "path", "sha256", "rows", "spec", "id_salt")
                     if k in s}
                    for s in meta.get("sources", [])],
        "model": meta.get("model"),
        "parameters": {k: meta.get(k) for k in ("project", "cluster") if meta.get(k)},
        "selection": {"marked": marked if ids is None else "ids"},
        "extra_frames": list(extra_frames),
        "marks_version": marks_version(dataset),
        "counts": {"rows_total": total, "rows_exported": len(frame), "by_source": {str(k): int(v) for k, v in by_source.items()}},
        "ids": frame["id"].tolist(),
    }
    if recipe is not None:
        manifest["recipe"] = recipe
    if redaction is not None:
        manifest["redaction"] = redaction
    manifest.update(extra or {})
    write_json_atomic(manifest_path(out), manifest)
    return manifest


def _keep_integer_columns(frame, schema: pa.Schema):
    """A left join gives NaN to rows a frame lacks (e.g. rows added after clustering), which would turn an
    integer column such as `cluster` into floats (3.0). Integer and bool columns stay nullable integers and
    bools instead: such a row exports null (an empty CSV cell), while HDBSCAN noise stays -1."""
    for field in schema:
        if field.name == "id" or field.name not in frame.columns:
            continue
        if pa.types.is_integer(field.type):
            frame[field.name] = frame[field.name].astype("Int64")
        elif pa.types.is_boolean(field.type):
            frame[field.name] = frame[field.name].astype("boolean")
    return frame


def _redact(records: list[dict]) -> dict:
    """Redact every record in place (all fields but id and source); what the manifest records about it."""
    from mixmap.core.checks.pii import KINDS, PLACEHOLDERS, REDACTION_VERSION, redact_value

    found: dict[str, int] = {}
    changed = 0
    for record in records:
        before = sum(found.values())
        for key, value in record.items():
            if key not in ("id", "source"):
                record[key] = redact_value(value, found)
        changed += sum(found.values()) > before
    return {"version": REDACTION_VERSION, "kinds": list(KINDS), "placeholders": PLACEHOLDERS,
            "rows_redacted": changed, "replaced": {k: found.get(k, 0) for k in KINDS}}


def _records(frame) -> list[dict]:
    """Original columns come back at top level (from meta); mixmap's own columns keep their names."""
    records = []
    extra_cols = [c for c in frame.columns if c not in ("id", "source", "text", "meta")]
    for row in frame.itertuples(index=False):
        row = row._asdict()
        record = {"id": row["id"], "source": row["source"], "text": row["text"]}
        meta = json.loads(row["meta"]) if row["meta"] else {}
        for key, value in meta.items():
            if key in record and record[key] == value:
                continue  # e.g. a `source` column that became the row's source
            record.setdefault(key if key not in record else f"meta_{key}", value)
        for col in extra_cols:
            value = row[col]
            if value is pd.NA:  # a nullable integer or bool column's missing value
                value = None
            value = value.item() if hasattr(value, "item") else value
            record[col] = None if isinstance(value, float) and value != value else value  # NaN -> null
        records.append(record)
    return records


def _write_atomic(out: Path, records: list[dict], fmt: str, *, stale: Path | None = None) -> None:
    """Write to a temporary file beside `out`, then rename it into place; `stale` is removed just before."""
    if fmt == "hf":
        _write_hf(out, records, stale=stale)
        return
    fd, tmp = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.", suffix=".tmp")
    os.close(fd)
    try:
        if fmt == "jsonl":
            with open(tmp, "w", encoding="utf-8", newline="\n") as fh:
                fh.writelines(json.dumps(record, ensure_ascii=False, default=_json_default) + "\n" for record in records)
        else:
            table = _to_arrow(records)
            if fmt == "parquet":
                import pyarrow.parquet as pq

                pq.write_table(table, tmp)
            else:
                import pyarrow.csv as pacsv

                pacsv.write_csv(table, tmp)
        if stale is not None:
            stale.unlink(missing_ok=True)
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _write_hf(out: Path, records: list[dict], *, stale: Path | None = None) -> None:
    """save_to_disk into a temporary folder, then swap it into place (the old folder is removed last)."""
    try:
        import datasets
    except ImportError:
        raise MixmapError("the hf format needs the datasets package: pip install 'mixmap[hf]'") from None
    datasets.disable_progress_bars()
    table = _to_arrow(records)
    # A fingerprint from the content (not the clock or a random draw) keeps state.json byte-identical.
    ids = "\n".join(str(r.get("id")) for r in records).encode("utf-8")
    fingerprint = hashlib.sha256(ids + table.schema.to_string().encode()).hexdigest()[:16]
    tmp = Path(tempfile.mkdtemp(dir=out.parent, prefix=f".{out.name}.", suffix=".tmp"))
    try:
        datasets.Dataset(table, fingerprint=fingerprint).save_to_disk(str(tmp / "data"))
        if out.exists():
            if not out.is_dir() or not (out / "dataset_info.json").is_file():
                raise MixmapError(f"{out} exists and is not a Hugging Face dataset folder; choose another path")
            os.replace(out, tmp / "old")
        if stale is not None:
            stale.unlink(missing_ok=True)
        try:
            os.replace(tmp / "data", out)
        except BaseException:
            if (tmp / "old").exists():
                os.replace(tmp / "old", out)
            raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _to_arrow(records: list[dict]) -> pa.Table:
    """Nested metadata (lists, dicts) becomes JSON text so every format can hold it."""
    keys: dict[str, None] = {}
    for record in records:
        keys.update(dict.fromkeys(record))
    columns = {}
    for key in keys:
        values = [r.get(key) for r in records]
        if any(isinstance(v, dict | list) for v in values):
            values = [None if v is None else json.dumps(v, ensure_ascii=False, default=_json_default) for v in values]
        try:
            columns[key] = pa.array(values)
        except (pa.ArrowInvalid, pa.ArrowTypeError):
            columns[key] = pa.array([None if v is None else str(v) for v in values], pa.string())
    if not records:
        columns = {"id": pa.array([], pa.string()), "source": pa.array([], pa.string()), "text": pa.array([], pa.string())}
    return pa.table(columns)


def _json_default(value):
    if hasattr(value, "item"):
        return value.item()
    if hasattr(value, "tolist"):
        return value.tolist()
    return str(value)


