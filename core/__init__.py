"""mixmap's library: every stage of the curation loop, with no Streamlit in it.

One package per concern, from the ground floor up (a package imports only packages listed before it):

    store     the workspace's tables and files, filters        (imports no stage)
    ingest    files -> rows; the bundled sample
    embed     the Embedder contract, built-in models, the embed stage
    build     project -> cluster, and the pipeline that runs them
    explore   the map frame, selections, search
    quality   signals, slop score;  dedup: duplicate pairs and groups;  coverage: gaps against a reference
    curate    marks, slices, sampling, tokens, mixes, report cards
    export    export with a manifest; replay

`errors` and `vectors` (shared maths) sit beside them. Heavy imports (torch, umap, hdbscan, lancedb) happen
inside functions, so importing any of this is cheap.
"""
from __future__ import annotations

import importlib
from collections.abc import Callable


def lazy_exports(package: str, names: dict[str, str]) -> tuple[Callable, Callable, list[str]]:
    """`__getattr__`, `__dir__` and `__all__` for a package whose public names live in its submodules.

    `names` maps each public name to the submodule defining it; the submodule is imported on first access
    (PEP 562), so a package's `__init__` never imports its siblings eagerly and cannot form an import cycle.
    """

    def __getattr__(attr: str):
        if attr not in names:
            raise AttributeError(f"module {package!r} has no attribute {attr!r}")
        return getattr(importlib.import_module(f"{package}.{names[attr]}"), attr)

    def __dir__() -> list[str]:
        return sorted(names)

    return __getattr__, __dir__, sorted(names)


def __getattr__(attr: str):
    if attr == "MixmapError":  # the one name every caller needs, kept importable from the top
        from mixmap.core.errors import MixmapError

        return MixmapError
    raise AttributeError(f"module 'mixmap.core' has no attribute {attr!r}")


__all__ = ["MixmapError", "lazy_exports"]
