"""Finding an embedder by name: built-in models register here exactly as a user's own model does."""
from __future__ import annotations

from pathlib import Path

from mixmap.core.embed.protocol import DEFAULT_MODEL, STATIC_MODEL, Embedder
from mixmap.core.errors import EmbedError
from mixmap.core.settings import setting


def load_embedder(model: str | None = None, *, fast: bool = False, workspace: Path | None = None,
                  progress=None) -> Embedder:
    """The embedder a user asked for: --fast gives the static model, --model a named/local one."""
    if fast:
        from mixmap.core.embed.static_model import StaticEmbedder

        # MIXMAP_MODEL_CACHE lets several workspaces (and test runs) share one distilled model.
        shared = setting("MIXMAP_MODEL_CACHE")
        cache = Path(shared) if shared else (workspace / "models") if workspace else None
        return StaticEmbedder.load_or_distill(cache_dir=cache, progress=progress)
    from mixmap.core.embed.sentence_transformer import SentenceTransformerEmbedder

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
