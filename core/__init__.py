"""mixmap's library: every stage of the curation loop, with no Streamlit in it.

Modules are stage nouns: ingest, store, embed, project, cluster, quality, dedup, coverage, mixes, export.
Heavy imports (torch, umap, hdbscan, lancedb) happen inside functions so importing `core` is cheap.
"""
from core.errors import MixmapError

__all__ = ["MixmapError"]
