"""The sentence-transformers backend: the default offline MiniLM, a hub name already cached, or a local path."""
from __future__ import annotations

import os

import numpy as np

from mixmap.core.embed.protocol import DEFAULT_MODEL, best_device, default_model_path
from mixmap.core.errors import EmbedError


class SentenceTransformerEmbedder:
    """Any sentence-transformers model: the default offline MiniLM, a hub name already cached, or a path."""

    def __init__(self, model: str | None = None, *, device: str | None = None, batch_size: int | None = None):
        if model and model.startswith(("/", "./", "../", "~")) and not os.path.isdir(os.path.expanduser(model)):
            # a path that is not there: say so now, before a build starts (a hub name is checked on load)
            raise EmbedError(f"model folder {model} does not exist; pass a local sentence-transformers folder, or "
                             "omit --model to use the built-in all-MiniLM-L6-v2")
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
