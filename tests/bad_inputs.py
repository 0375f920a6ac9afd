"""A corpus of bad input files, written at test time (the 50 MB one is never committed).

Each `BadInput` says how ingest must answer it:
  "error": the file cannot be ingested at all (exit 1 with `--on-error skip` and `abort` alike);
  "rows":  some rows are bad: `skip` ingests the good ones and lists the bad ones, `abort` fails;
  "ok":    odd but valid input that must be read correctly.
`expect` holds regexes the error message must contain: the file, the line or row, the column, what to do.

Write the corpus to a folder by hand with `python -m tests.bad_inputs OUT_DIR`.
"""
from __future__ import annotations

import gzip
import json
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

HUGE_CHARS = 50_000_000


@dataclass(frozen=True)
class BadInput:
    name: str
    filename: str
    outcome: str  # "error" | "rows" | "ok"
    expect: tuple[str, ...] = ()  # regexes the error message (abort mode for "rows") must contain
    args: tuple[str, ...] = ()  # extra `mixmap ingest` options
    good_rows: int = 0  # rows ingested with --on-error skip ("rows" and "ok")
    bad_lines: tuple[int, ...] = ()  # lines reported as bad with --on-error skip ("rows")
    texts: tuple[str, ...] = ()  # the exact texts read ("ok")
    preview_error: bool = False  # the Data page already refuses it at the preview
    spec: dict = field(default_factory=dict)  # the same mapping as `args`, for mixmap.core.ingest.files.TextSpec


def _jsonl(rows: list) -> str:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)


def _write_huge(path: Path) -> None:
    with path.open("w", encoding="utf-8") as fh:
        fh.write('{"text": "')
        chunk = "many words in one enormous line " * 4096
        written = 0
        while written < HUGE_CHARS:
            part = chunk[: HUGE_CHARS - written]
            fh.write(part)
            written += len(part)
        fh.write('"}')  # a single line: no newline at all


def _write(case: BadInput, path: Path) -> None:
    name = case.name
    if name == "truncated_jsonl":
        path.write_text(_jsonl([{"text": f"row {i}"} for i in range(3)]) + '{"text": "the download stopp')
    elif name == "invalid_utf8":
        path.write_bytes(b'{"text": "plain"}\n{"text": "caf\xe9 au lait"}\n{"text": "more"}\n')
    elif name == "utf16_bom_jsonl":
        path.write_bytes(("\ufeff" + _jsonl([{"text": t} for t in case.texts])).encode("utf-16-le"))
    elif name == "utf16_bom_csv":
        body = "text,label\r\n" + "".join(f"{t},x\r\n" for t in case.texts)
        path.write_bytes(("\ufeff" + body).encode("utf-16-le"))
    elif name == "empty":
        path.write_bytes(b"")
    elif name == "header_only_csv":
        path.write_text("instruction,output,label\n", encoding="utf-8")
    elif name == "huge_line":
        _write_huge(path)
    elif name == "null_nan_text":
        path.write_text('{"text": null}\n{"text": NaN}\n{"text": ""}\n{"text": "   "}\n{"text": "a real row"}\n')
    elif name == "empty_csv_cell":
        path.write_text("text,label\n,a\nfine,b\n", encoding="utf-8")
    elif name == "nested_text":
        path.write_text(_jsonl([{"text": {"body": "hi"}}, {"text": ["a", "list"]}, {"text": "a real row"}]))
    elif name == "duplicate_ids":
        path.write_text(_jsonl([{"id": 7, "text": t} for t in case.texts]))
    elif name == "binary":
        path.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 64)
    elif name in ("wrong_column", "wrong_template"):
        path.write_text(_jsonl([{"prompt": f"question {i}", "answer": f"answer {i}"} for i in range(4)]))
    elif name == "parquet_schema":
        pq.write_table(pa.table({"a": [1, 2, 3], "vals": [[1], [2, 3], []]}), path)
    elif name == "parquet_struct_text":
        pq.write_table(pa.table({"text": [{"x": 1}, {"x": 2}], "n": [1, 2]}), path)
    elif name == "scalars":
        path.write_text('1\n"just a string"\n[1, 2]\nnull\n')
    elif name == "truncated_gzip":
        data = gzip.compress(_jsonl([{"text": f"row {i}"} for i in range(2000)]).encode())
        path.write_bytes(data[: len(data) // 2])
    elif name == "truncated_json_array":
        path.write_text(json.dumps([{"text": "a"}, {"text": "b"}])[:-9])
    elif name == "lone_surrogate":
        path.write_text('{"text": "bad \\ud800 escape"}\n{"text": "fine", "note": "meta \\udfff too"}\n')
    elif name == "deep_nesting":
        path.write_text("[" * 100_000 + "]" * 100_000 + '\n{"text": "fine"}\n')
    else:  # pragma: no cover
        raise KeyError(name)


CASES: tuple[BadInput, ...] = (
    BadInput("truncated_jsonl", "truncated.jsonl", "rows", good_rows=3, bad_lines=(4,),
             expect=(r"truncated\.jsonl:4", r"not valid JSON at column \d+", "truncated", "--on-error skip")),
    BadInput("invalid_utf8", "latin1.jsonl", "error", preview_error=True,
             expect=(r"latin1\.jsonl:2", "byte 14", "not UTF-8", "re-save the file as UTF-8")),
    BadInput("utf16_bom_jsonl", "utf16.jsonl", "ok", good_rows=2, texts=("héllo wörld ☃", "second row")),
    BadInput("utf16_bom_csv", "utf16.csv", "ok", good_rows=2, texts=("héllo wörld ☃", "second row")),
    BadInput("empty", "empty.jsonl", "error", preview_error=True, expect=(r"empty\.jsonl", "the file is empty")),
    BadInput("header_only_csv", "header_only.csv", "error", preview_error=True,
             expect=(r"header_only\.csv", "no rows under its header line")),
    BadInput("huge_line", "huge.jsonl", "error",
             expect=(r"huge\.jsonl:1", r"50,000,000 characters", "split long documents")),
    BadInput("null_nan_text", "nulls.jsonl", "rows", good_rows=1, bad_lines=(1, 2, 3, 4),
             expect=(r"nulls\.jsonl:1", r"column 'text' is empty \(null\)", "--on-error skip")),
    BadInput("empty_csv_cell", "empty_cell.csv", "rows", good_rows=1, bad_lines=(2,),
             expect=(r"empty_cell\.csv:2", "text is empty")),
    BadInput("nested_text", "nested.jsonl", "rows", good_rows=1, bad_lines=(1, 2),
             expect=(r"nested\.jsonl:1", r"column 'text' holds a dict, not text")),
    BadInput("duplicate_ids", "dup_ids.jsonl", "ok", good_rows=3, texts=("alpha", "beta", "alpha")),
    BadInput("binary", "binary.jsonl", "error", preview_error=True,
             expect=(r"binary\.jsonl", "binary file", "JSONL")),
    BadInput("wrong_column", "mapping.jsonl", "error", args=("--text-column", "body"), spec={"column": "body"},
             expect=(r"mapping\.jsonl:1", "missing column 'body'", "prompt, answer", "--text-column")),
    BadInput("wrong_template", "template.jsonl", "error", args=("--template", "{instruction}\\n{output}"),
             spec={"template": "{instruction}\n{output}"},
             expect=(r"template\.jsonl:1", "missing column 'instruction'", "prompt, answer", "--template")),
    BadInput("parquet_schema", "odd_schema.parquet", "error",
             expect=(r"odd_schema\.parquet", "cannot tell which column holds the text", r"columns: a, vals",
                     "--text-column")),
    BadInput("parquet_struct_text", "struct_text.parquet", "error",
             expect=(r"struct_text\.parquet:1", "column 'text' holds a dict", "--text-column")),
    BadInput("scalars", "scalars.jsonl", "error", preview_error=True,
             expect=(r"scalars\.jsonl:1", "a row is an int, not an object")),
    BadInput("truncated_gzip", "cut.jsonl.gz", "error", preview_error=False,
             expect=(r"cut\.jsonl\.gz", "damaged")),
    BadInput("truncated_json_array", "cut.json", "error", preview_error=True,
             expect=(r"cut\.json:1", "not valid JSON")),
    BadInput("lone_surrogate", "surrogate.jsonl", "rows", good_rows=1, bad_lines=(1,),
             expect=(r"surrogate\.jsonl:1", "lone surrogate", "not valid Unicode")),
    BadInput("deep_nesting", "deep.jsonl", "rows", good_rows=1, bad_lines=(1,),
             expect=(r"deep\.jsonl:1", "nested too deeply")),
)
BY_NAME = {case.name: case for case in CASES}


def write_corpus(folder: Path, names: list[str] | None = None) -> dict[str, Path]:
    """Write the cases (all, or `names`) into `folder`; returns {case name: path}."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = {}
    for case in CASES:
        if names is None or case.name in names:
            paths[case.name] = folder / case.filename
            _write(case, paths[case.name])
    return paths


if __name__ == "__main__":
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "bad_inputs")
    for name, path in write_corpus(out).items():
        print(f"{name:22s} {path} ({os.path.getsize(path):,} bytes)")
