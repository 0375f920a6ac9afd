"""An embedder that answers from vectors computed before, and asks the real model only for texts it lacks.

The bundled sample's reference set ships its MiniLM vectors (sample_data/prebuilt/reference_vectors.parquet)
so its Coverage page is ready on first open without loading MiniLM; any text not in the file (a changed
reference, a prompt-side text) is embedded by the real model, loaded only then. Same name as the model that
made the vectors, so the cache and the candidate's map agree.
"""
from __future__ import annotations

import hashlib
from collections.abc import Callable

import numpy as np

from mixmap.core.embed.protocol import Embedder


def text_key(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class LookupEmbedder:
    def __init__(self, name: str, vectors: dict[str, np.ndarray], fallback: Callable[[], Embedder]):
        self.name = name
        self.dim = len(next(iter(vectors.values()))) if vectors else 0
        self._vectors = vectors
        self._fallback_factory = fallback
        self._fallback: Embedder | None = None
        self.missed = 0  # texts the real model had to embed (tests check the shipped vectors are used)

    def embed(self, texts: list[str]) -> np.ndarray:
        keys = [text_key(t) for t in texts]
        missing = [i for i, k in enumerate(keys) if k not in self._vectors]
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i, key in enumerate(keys):
            if key in self._vectors:
                out[i] = self._vectors[key]
        if missing:
            self._fallback = self._fallback or self._fallback_factory()
            out[missing] = self._fallback.embed([texts[i] for i in missing])
            self.missed += len(missing)
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return (out / np.maximum(norms, 1e-12)).astype(np.float32)
