"""Search a dataset: by words (BM25 full text), by exact text (substring), or by meaning (nearest embeddings).

Each mode returns row ids, best first, so a page can highlight them on the map and a curator can mark them.
The query is user input: the substring mode goes through mixmap.core.store.filters (quoted, LIKE wildcards escaped), the
others never become SQL.
"""
from __future__ import annotations

import numpy as np

from mixmap.core.errors import MixmapError

MODES = ("words", "text", "meaning")
MAX_QUERY_CHARS = 1000
DEFAULT_K = 100  # the Map page and `mixmap search` show this many hits unless asked for more


class SearchError(MixmapError):
    """A search that cannot run as asked; the message says how to fix it."""


def search_ids(dataset, query: str, *, by: str = "words", k: int = DEFAULT_K, embedder=None) -> list[str]:
    """Ids of at most `k` rows matching `query`, best first.

    words   full-text search on the row text: rows with every word (stemmed, stop words dropped), BM25 order
    text    the exact text anywhere in the row, case-insensitive, in stored order
    meaning the k rows nearest the query's embedding (the dataset's own model), nearest first
    """
    query = (query or "").strip()
    if by not in MODES:
        raise SearchError(f"search mode {by!r} is not one of {', '.join(MODES)}")
    if not query:
        return []
    if len(query) > MAX_QUERY_CHARS:
        raise SearchError(f"the query is {len(query):,} characters; at most {MAX_QUERY_CHARS:,}")
    if int(k) < 1:
        raise SearchError(f"k must be at least 1, got {k}")
    k = int(k)
    if by == "words":
        # The index keeps no word positions, so a "quoted phrase" cannot be searched by words (Lance raises);
        # the quotes are dropped and the words searched, and an exact phrase is what the `text` mode is for.
        words = query.replace('"', " ").strip()
        if not words:
            return []
        try:
            return dataset.search_text(words, limit=k, all_words=True).column("id").to_pylist()
        except (ValueError, RuntimeError, OSError) as exc:
            raise SearchError(f"full-text search cannot read {query[:80]!r} ({str(exc)[:120]}); "
                              "search by text for an exact phrase") from None
    if by == "text":
        from mixmap.core.store.filters import contains

        return dataset.read_rows(["id"], where=contains("text", query, allowed=["text"]),
                                 limit=k).column("id").to_pylist()
    if embedder is None:
        from mixmap.core.embed.registry import dataset_embedder

        embedder = dataset_embedder(dataset)
    vector = np.asarray(embedder.embed([query]), dtype=np.float32)[0]
    return dataset.search_vectors(vector, k=k).column("id").to_pylist()


def search_rows(dataset, query: str, *, by: str = "words", k: int = DEFAULT_K, embedder=None,
                show: int = 20) -> dict:
    """{"count", "ids", "rows": the first `show` as id, source, snippet} for the CLI and pages."""
    from mixmap.core.explore.view import snippet

    ids = search_ids(dataset, query, by=by, k=k, embedder=embedder)
    first = ids[:show]
    rows = {r["id"]: r for r in dataset.read_rows(["id", "source", "text"], ids=first).to_pylist()} if first else {}
    return {"query": query, "by": by, "count": len(ids), "ids": ids,
            "rows": [{"id": i, "source": rows[i]["source"], "snippet": snippet(rows[i]["text"])}
                     for i in first if i in rows]}


SIMILAR_SAMPLE = 2_000  # rows whose mean embedding stands for a bigger selection


def similar_ids(dataset, ids, *, k: int = DEFAULT_K) -> list[str]:
    """The `k` rows nearest the mean embedding of `ids` (a seeded sample of SIMILAR_SAMPLE of them when
    more), best first, leaving out `ids` themselves: "more rows like these"."""
    import random

    given = list(dict.fromkeys(ids))
    if not given:
        return []
    if int(k) < 1:
        raise SearchError(f"k must be at least 1, got {k}")
    sample = given if len(given) <= SIMILAR_SAMPLE else random.Random(0).sample(given, SIMILAR_SAMPLE)
    _, vectors = dataset.read_vectors(ids=sample)
    if not len(vectors):
        raise SearchError("the selected rows have no embeddings yet; build the dataset first")
    centre = vectors.mean(axis=0)
    centre /= max(float(np.linalg.norm(centre)), 1e-12)
    taken = set(given)
    hits = dataset.search_vectors(centre, k=int(k) + len(taken)).column("id").to_pylist()
    return [i for i in hits if i not in taken][: int(k)]
