"""Full-text search on a rows table: LanceDB's native inverted index (BM25) on `text`, kept current by `build`."""
from __future__ import annotations

import pyarrow as pa

from mixmap.core.store.atomic import with_retries


def index_text(tbl, *, only_if_missing: bool = False) -> None:
    """Build the index on tbl.text, or fold rows added since into it (optimize is incremental)."""
    fts = [i for i in (tbl.list_indices() if tbl is not None else []) if getattr(i, "index_type", "") == "FTS"]
    if tbl is None or (fts and (only_if_missing or not tbl.index_stats(fts[0].name).num_unindexed_rows)):
        return
    if fts:
        with_retries(tbl.optimize)
    else:
        from lancedb.index import FTS

        # No positions: phrase queries are not offered, and positions double the index size.
        with_retries(lambda: tbl.create_index("text", config=FTS(with_position=False), replace=True))


def search_text(tbl, query: str, *, limit: int | None = None, all_words: bool = False) -> pa.Table:
    """id, _score of rows matching any word of `query` (or all of them), best first; unindexed rows too."""
    if tbl is None:
        return pa.table({"id": pa.array([], pa.string()), "_score": pa.array([], pa.float32())})
    index_text(tbl, only_if_missing=True)
    if all_words:
        from lancedb.query import FullTextOperator, MatchQuery

        search = tbl.search(MatchQuery(query, "text", operator=FullTextOperator.AND), query_type="fts")
    else:
        search = tbl.search(query, query_type="fts", fts_columns="text")
    search = search.select(["id", "_score"])
    return search.limit(limit or max(1, tbl.count_rows())).to_arrow()
