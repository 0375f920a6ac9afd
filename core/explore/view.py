"""Read-side joins for pages and the CLI: rows + layout + clusters + marks (+ signals) as one frame.

Only the columns asked for are read from LanceDB; the full text is fetched for the rows a user looks at.
"""
from __future__ import annotations

import json

import numpy as np
import pandas as pd

from mixmap.core.build.cluster import NOISE_LABEL, read_cluster_info
from mixmap.core.store.derived import require_current
from mixmap.core.store.marks import read_marks

SNIPPET_CHARS = 160


def snippet(text: str, n: int = SNIPPET_CHARS) -> str:
    flat = " ".join(str(text).split())
    return flat if len(flat) <= n else flat[: n - 1] + "…"


def marks_frame(dataset) -> pd.DataFrame:
    marks = read_marks(dataset).to_pandas()
    if marks.empty:
        return pd.DataFrame({"id": pd.Series(dtype=str), "mark": pd.Series(dtype=str), "tags": pd.Series(dtype=str)})
    marks["tags"] = marks["tags"].map(lambda t: ", ".join(t) if t is not None and len(t) else "")
    return marks


def map_frame(dataset, *, with_snippets: bool = True) -> pd.DataFrame:
    """One row per stored row with x, y, cluster, cluster_label, source, mark, tags, snippet (+ signals).
    A map or clusters made from another model's vectors than the current ones are refused (build again)."""
    require_current(dataset, ("layout", "clusters"))
    columns = ["id", "source", "text"] if with_snippets else ["id", "source"]
    frame = dataset.read_rows(columns).to_pandas()
    if with_snippets:
        frame["snippet"] = [snippet(t) for t in frame.pop("text")]
    layout = dataset.read_frame("layout")
    if layout is not None:
        frame = frame.merge(layout.to_pandas(), on="id", how="left")
    else:
        frame["x"] = np.nan
        frame["y"] = np.nan
    clusters = dataset.read_frame("clusters")
    if clusters is not None:
        frame = frame.merge(clusters.to_pandas(), on="id", how="left")
        labels = {c["cluster"]: c["label"] for c in read_cluster_info(dataset)}
        frame["cluster"] = frame["cluster"].fillna(-1).astype(int)
        frame["cluster_label"] = frame["cluster"].map(labels).fillna(NOISE_LABEL)
    else:
        frame["cluster"] = -1
        frame["cluster_label"] = "not clustered yet"
    signals = dataset.read_frame("signals")
    if signals is not None:
        frame = frame.merge(signals.to_pandas(), on="id", how="left")
    frame = frame.merge(marks_frame(dataset), on="id", how="left")
    frame["mark"] = frame["mark"].fillna("")
    frame["tags"] = frame["tags"].fillna("")
    return frame


def numeric_columns(frame: pd.DataFrame) -> list[str]:
    skip = {"x", "y", "cluster"}
    return [c for c in frame.columns if c not in skip and pd.api.types.is_numeric_dtype(frame[c])]


def full_rows(dataset, ids: list[str]) -> pd.DataFrame:
    """Full text and metadata of the given rows, in the order given."""
    if not ids:
        return pd.DataFrame(columns=["id", "source", "text", "meta"])
    rows = dataset.read_rows(["id", "source", "text", "meta"], ids=ids).to_pandas()
    order = {row_id: i for i, row_id in enumerate(ids)}
    rows["_order"] = rows["id"].map(order)
    return rows.sort_values("_order").drop(columns="_order").reset_index(drop=True)


def parse_meta(meta: str | None) -> dict:
    try:
        value = json.loads(meta) if meta else {}
    except json.JSONDecodeError:
        return {}
    return value if isinstance(value, dict) else {}
