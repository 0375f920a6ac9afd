"""Map selections resolved on the server against every row's coordinates.

The browser may draw only a sample of the rows, so a box or lasso means "every row inside this shape",
computed here with vectorised geometry, not "the points the browser happened to draw".
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def in_box(x: np.ndarray, y: np.ndarray, x_range: Sequence[float], y_range: Sequence[float]) -> np.ndarray:
    x0, x1 = sorted(float(v) for v in x_range)
    y0, y1 = sorted(float(v) for v in y_range)
    return (x >= x0) & (x <= x1) & (y >= y0) & (y <= y1)


def in_polygon(x: np.ndarray, y: np.ndarray, px: Sequence[float], py: Sequence[float]) -> np.ndarray:
    """Even-odd ray casting over all points at once; O(points x edges) in numpy, chunked by edge."""
    px = np.asarray(px, dtype=np.float64)
    py = np.asarray(py, dtype=np.float64)
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    inside = np.zeros(len(x), dtype=bool)
    if len(px) < 3:
        return inside
    # Only points in the polygon's bounding box can be inside: test those alone.
    candidates = np.flatnonzero(in_box(x, y, (px.min(), px.max()), (py.min(), py.max())))
    cx, cy = x[candidates], y[candidates]
    hit = np.zeros(len(candidates), dtype=bool)
    xj, yj = px[-1], py[-1]
    for xi, yi in zip(px, py):
        crosses = (yi > cy) != (yj > cy)
        with np.errstate(divide="ignore", invalid="ignore"):
            x_at = (xj - xi) * (cy - yi) / (yj - yi) + xi
        hit ^= crosses & (cx < x_at)
        xj, yj = xi, yi
    inside[candidates] = hit
    return inside


def selection_mask(x: np.ndarray, y: np.ndarray, selection: dict) -> np.ndarray | None:
    """Rows inside a Plotly selection (Streamlit's on_select payload: its "box" and "lasso" lists).

    Returns None when the selection carries no geometry (e.g. clicked points), so callers can fall back
    to the point list.
    """
    boxes = selection.get("box") or []
    lassos = selection.get("lasso") or []
    if not boxes and not lassos:
        return None
    mask = np.zeros(len(x), dtype=bool)
    for box in boxes:
        mask |= in_box(x, y, box["x"], box["y"])
    for lasso in lassos:
        mask |= in_polygon(x, y, lasso["x"], lasso["y"])
    return mask


def rows_in_shape(dataset, *, box=None, polygon=None, limit: int | None = 20) -> dict:
    """Count and first rows of `dataset` inside a box (x0, y0, x1, y1) or polygon ([xs], [ys]).

    Reads only the layout's x and y for the test and the text of the rows returned, so it stays fast at
    a million rows.
    """
    from mixmap.core.errors import PipelineError
    from mixmap.core.explore.view import snippet

    layout = dataset.read_frame("layout", ["id", "x", "y"])
    if layout is None:
        raise PipelineError(f"dataset {dataset.name!r} has no map yet; run `mixmap build {dataset.name}`")
    x = layout.column("x").to_numpy()
    y = layout.column("y").to_numpy()
    if box is not None:
        mask = in_box(x, y, (box[0], box[2]), (box[1], box[3]))
    else:
        mask = in_polygon(x, y, polygon[0], polygon[1])
    hits = np.flatnonzero(mask)
    ids = layout.column("id").take(hits).to_pylist()
    first = ids if limit is None else ids[:limit]
    rows = dataset.read_rows(["id", "source", "text"], ids=first).to_pylist() if first else []
    order = {row_id: i for i, row_id in enumerate(first)}
    rows.sort(key=lambda r: order[r["id"]])
    return {"count": len(hits), "ids": ids,
            "rows": [{"id": r["id"], "source": r["source"], "snippet": snippet(r["text"])} for r in rows]}
