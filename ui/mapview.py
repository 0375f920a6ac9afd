"""The map widget shared by pages: a Plotly WebGL scatter whose selections resolve on the server."""
from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from mixmap.core.explore.select import selection_mask
from mixmap.core.explore.view import map_frame, marks_frame, snippet
from mixmap.ui.escape import plot_text
from mixmap.ui.state import embedder, workspace

MAX_POINTS = 100_000  # the browser gets at most this many points (Plotly WebGL is comfortable here)
HOVER_TEXT_MAX = 50_000  # per-point hover text makes the payload ~4.5x larger: only below this
MAX_CATEGORIES = 36
MAP_LABELS = 30  # cluster names drawn on the map, biggest clusters first
LABEL_GAP = (0.12, 0.035)  # a name is left out when it would overlap a bigger cluster's (share of the map)
# 36 distinct colours (Plotly's default ten repeat, so cluster 7 and 17 looked alike); grey for the rest
PALETTE = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#bcbd22",
           "#3366cc", "#dc3912", "#109618", "#990099", "#0099c6", "#dd4477", "#66aa00", "#b82e2e", "#316395",
           "#994499", "#22aa99", "#aaaa11", "#6633cc", "#e67300", "#8b0707", "#651067", "#329262", "#5574a6",
           "#3b3eac", "#b77322", "#16d620", "#b91383", "#f4359e", "#9c5935", "#a9c413", "#2a778d", "#668d1c")
GREYS = {"other": "#9e9e9e", "noise (unclustered)": "#cfcfcf", "(unmarked)": "#b0b0b0"}
DENSITY_BINS = 160  # the density layer under a sampled map: 160 x 160 cells


MARK_ACTIONS = ("include", "exclude", "clear", "tag only")  # the Map page's Mark choices; none is preselected


def mark_blocked_reason(action: str | None, tag: str = "") -> str:
    """Why Apply is disabled for this Mark choice and tag ("" when it may run)."""
    if action is None:
        return "Pick include, exclude, clear or tag only first."
    if action == "tag only" and not tag.strip():
        return "Type the tag to add first."
    return ""


@st.cache_data(show_spinner="Reading the map…", max_entries=8)
def _base_frame(root: str, name: str, versions: tuple) -> pd.DataFrame:
    # No text here: at a million rows the texts alone would be gigabytes. Hover snippets are read for the
    # drawn rows only (figure()), by position in the rows table, which is this frame's row order.
    frame = map_frame(workspace().dataset(name), with_snippets=False)
    frame["row_offset"] = np.arange(len(frame))
    return frame.drop(columns=["mark", "tags"])


def load_frame(name: str) -> pd.DataFrame:
    """rows + layout + clusters + signals (cached on table versions) with the current marks merged in."""
    ds = workspace().dataset(name)
    versions = tuple(ds.version(k) for k in ("rows", "layout", "clusters", "cluster_info", "signals"))
    frame = _base_frame(str(workspace().root), name, versions)
    frame = frame.merge(marks_frame(ds), on="id", how="left")
    frame["mark"] = frame["mark"].fillna("")
    frame["tags"] = frame["tags"].fillna("")
    return frame


def display_sample(frame: pd.DataFrame, limit: int = MAX_POINTS) -> np.ndarray:
    """Positions of the rows drawn in the browser: all when few; else a density-biased sample.

    Each cluster keeps at least a share proportional to sqrt(size), so small clusters stay visible
    while dense regions are thinned (the idea Embedding Atlas uses for its downsampling).
    """
    n = len(frame)
    if n <= limit:
        return np.arange(n)
    rng = np.random.default_rng(0)
    values, inverse, counts = np.unique(frame["cluster"].to_numpy(), return_inverse=True, return_counts=True)
    quota = np.sqrt(counts)
    quota = np.minimum(counts, np.maximum(1, quota / quota.sum() * limit)).astype(int)
    # Rank rows within their cluster in a random order (one sort for all clusters), keep the first `quota`.
    order = np.lexsort((rng.random(n), inverse))
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    rank = np.empty(n, dtype=np.int64)
    rank[order] = np.arange(n) - starts[inverse[order]]
    keep = rank < quota[inverse]
    spare = limit - int(keep.sum())
    if spare > 0:
        rest = np.flatnonzero(~keep)
        keep[rng.choice(rest, size=min(spare, len(rest)), replace=False)] = True
    return np.flatnonzero(keep)


def figure(frame: pd.DataFrame, color_by: str, *, highlight: np.ndarray | None = None, dataset=None) -> go.Figure:
    """Scattergl, one trace per category (legend) or one coloured by a numeric column.

    Hover shows a snippet of each drawn row when at most HOVER_TEXT_MAX rows are drawn (snippets are read
    from `dataset` for those rows only); above that, hover names the trace, which costs no payload.
    """
    shown = display_sample(frame)
    view = frame.iloc[shown].copy()
    hover = len(view) <= HOVER_TEXT_MAX
    if hover and "snippet" not in view.columns:
        if dataset is not None and "row_offset" in view.columns:
            texts = dataset.take_rows(view["row_offset"].to_numpy(), ["text"]).column("text").to_pylist()
            view["snippet"] = [snippet(t) for t in texts]
        else:
            view["snippet"] = ""
    size = point_size(len(view))
    fig = go.Figure()
    if len(view) < len(frame):
        fig.add_trace(density_layer(frame))
    common = dict(mode="markers", hoverinfo="text") if hover else dict(
        mode="markers", hovertemplate="%{fullData.name}<extra></extra>")
    if color_by in ("cluster_label", "source", "mark") or not pd.api.types.is_numeric_dtype(view[color_by]):
        categories = view[color_by].astype(str).replace("", "(unmarked)")
        top = categories.value_counts().index[:MAX_CATEGORIES]
        categories = categories.where(categories.isin(top), "other")
        colours = iter(PALETTE)
        for cat in categories.value_counts().index:
            part = view[categories == cat]
            colour = GREYS.get(cat) or next(colours)
            fig.add_trace(go.Scattergl(
                x=part["x"], y=part["y"], name=plot_text(cat, 40), marker=dict(size=size, opacity=0.75, color=colour),
                hovertext=_hover(part) if hover else None, **common))
    else:
        fig.add_trace(go.Scattergl(
            x=view["x"], y=view["y"], name=plot_text(color_by),
            marker=dict(size=max(3, size - 1), opacity=0.8, color=view[color_by], colorscale="Viridis", showscale=True,
                        colorbar=dict(title=plot_text(color_by))),
            hovertext=_hover(view) if hover else None, **common))
    if highlight is not None and highlight.any():
        part = frame[highlight]
        # A big selection drawn as 10k solid rings is a black blob that hides the colours: fewer, fainter rings
        if len(part) > MAX_POINTS // 50:
            part = part.sample(MAX_POINTS // 50, random_state=0)
        ring = "black" if len(part) < 500 else "rgba(0,0,0,0.3)"
        fig.add_trace(go.Scattergl(x=part["x"], y=part["y"], name="selected", mode="markers", hoverinfo="skip",
                                   marker=dict(size=size + 3, color="rgba(0,0,0,0)", line=dict(width=1, color=ring))))
    for label in cluster_labels(frame):
        fig.add_annotation(**label, showarrow=False, font=dict(size=11, color="#222"),
                           bgcolor="rgba(255,255,255,0.7)", borderpad=1)
    # the top margin gives the modebar a row of its own, above the legend; the figure grows with the legend
    # (up to 36 categories + other + density + selected) and keeps a bottom margin, so its last entry is whole
    entries = sum(1 for trace in fig.data if trace.showlegend is not False)
    fig.update_layout(height=map_height(entries), margin=dict(l=0, r=0, t=36, b=LEGEND_ROW), dragmode="lasso",
                      legend=dict(itemsizing="constant", font=dict(size=10), tracegroupgap=0,
                                  yanchor="top", y=1),
                      xaxis=dict(visible=False), yaxis=dict(visible=False), uirevision="map")
    return fig


LEGEND_ROW = 20  # pixels per legend entry at font size 10


def map_height(legend_entries: int) -> int:
    """640 pixels, or enough for every legend entry plus the modebar row and a bottom margin."""
    return max(640, 36 + LEGEND_ROW * (legend_entries + 1))


def point_size(drawn: int) -> int:
    """Marker size for `drawn` points: a 2,000-row map in 4-pixel dots is mostly white space."""
    return 8 if drawn <= 5_000 else 6 if drawn <= 20_000 else 5 if drawn <= 50_000 else 4


def cluster_labels(frame: pd.DataFrame, limit: int = MAP_LABELS) -> list[dict]:
    """x, y, text of the names drawn on the map: the `limit` biggest clusters (noise has no name), each at
    its rows' median, named by its first two keywords, leaving out names that would overlap a bigger one.
    Plotly reads annotation text as markup, so the names are escaped (ui/escape.py)."""
    if "cluster" not in frame.columns or "cluster_label" not in frame.columns:
        return []
    ids = frame["cluster"].to_numpy()
    xs, ys = frame["x"].to_numpy(dtype=np.float64), frame["y"].to_numpy(dtype=np.float64)
    values, first, counts = np.unique(ids, return_index=True, return_counts=True)
    keep = values >= 0  # noise has no name
    values, first, counts = values[keep], first[keep], counts[keep]
    if not len(values):
        return []
    span_x = float(np.ptp(xs)) or 1.0
    span_y = float(np.ptp(ys)) or 1.0
    names = frame["cluster_label"].to_numpy()
    labels, placed = [], []
    for i in np.argsort(-counts, kind="stable")[:limit]:  # biggest first, so a smaller neighbour's name gives way
        members = ids == values[i]
        x, y = float(np.median(xs[members])), float(np.median(ys[members]))
        if any(abs(x - px) < LABEL_GAP[0] * span_x and abs(y - py) < LABEL_GAP[1] * span_y for px, py in placed):
            continue
        placed.append((x, y))
        words = str(names[first[i]]).split(": ", 1)[-1].split(" · ")[:2]
        text = plot_text(" · ".join(words))
        labels.append({"x": float(x), "y": float(y), "text": text})
    return labels


def density_layer(frame: pd.DataFrame, bins: int = DENSITY_BINS) -> go.Heatmap:
    """A grey 2-D histogram of every row, drawn under the sampled points, so the rows not drawn still show.

    Log-scaled counts (a few dense regions would otherwise wash out the rest); empty cells are transparent.
    The grid is computed here over all rows and costs the browser bins^2 numbers, whatever the row count.
    """
    x, y = frame["x"].to_numpy(), frame["y"].to_numpy()
    counts, xedges, yedges = np.histogram2d(x, y, bins=bins)
    z = np.where(counts > 0, np.round(np.log1p(counts), 2), np.nan).T  # Heatmap rows are y
    return go.Heatmap(x=(xedges[:-1] + xedges[1:]) / 2, y=(yedges[:-1] + yedges[1:]) / 2, z=z,
                      colorscale="Greys", opacity=0.35, showscale=False, hoverinfo="skip", zsmooth="best",
                      name=f"density of all {len(frame):,} rows", showlegend=True)


def _hover(part: pd.DataFrame) -> list[str]:
    # Plotly renders hover text as HTML-ish markup: the data is escaped, only our <br> is markup.
    return [f"{plot_text(lab)}<br>{plot_text(snip)}"
            for lab, snip in zip(part["cluster_label"].astype(str), part["snippet"].astype(str))]


@st.cache_data(show_spinner="Searching…", max_entries=16)
def _search(root: str, name: str, stamp: tuple, query: str, by: str, k: int) -> list[str]:
    from mixmap.core.explore.search import search_ids

    return search_ids(workspace().dataset(name), query, by=by, k=k, embedder=embedder(name) if by == "meaning" else None)


def search_hits(name: str, query: str, by: str, k: int) -> list[str]:
    """Ids matching a search, best first (cached per query until the rows or vectors change)."""
    ds = workspace().dataset(name)
    stamp = (ds.version("rows"), ds.meta.get("model"))
    return _search(str(workspace().root), name, stamp, query, by, int(k))


def resolve_selection(frame: pd.DataFrame, state: dict | None) -> np.ndarray | None:
    """Boolean mask over all rows for the chart's selection state, or None when nothing is selected."""
    if not state:
        return None
    selection = state.get("selection") if isinstance(state, dict) else getattr(state, "selection", None)
    if not selection:
        return None
    selection = dict(selection)
    mask = selection_mask(frame["x"].to_numpy(), frame["y"].to_numpy(), selection)
    if mask is not None:
        return mask
    points = selection.get("points") or []
    if not points:
        return None
    mask = np.zeros(len(frame), dtype=bool)
    xy = {(round(float(p["x"]), 5), round(float(p["y"]), 5)) for p in points if "x" in p and "y" in p}
    if xy:
        keys = list(zip(frame["x"].round(5), frame["y"].round(5)))
        mask = np.array([k in xy for k in keys])
    return mask


PROFILE_CATEGORIES = 12


def selection_profile(frame: pd.DataFrame, selected: np.ndarray, column: str) -> go.Figure:
    """How the selection differs from all rows on one column: for a number, the two histograms as shares
    of their own rows (same bins); for a category, the share of each of the most common values."""
    picked = np.asarray(selected, dtype=bool)
    fig = go.Figure()
    if column not in ("cluster_label", "source", "mark") and pd.api.types.is_numeric_dtype(frame[column]):
        values = frame[column].to_numpy(dtype=np.float64)
        finite = np.isfinite(values)
        edges = np.histogram_bin_edges(values[finite], bins=30) if finite.any() else np.array([0.0, 1.0])
        for name, mask, colour in (("all rows", finite, "#9e9e9e"), ("selection", finite & picked, "#d62728")):
            counts, _ = np.histogram(values[mask], bins=edges)
            fig.add_trace(go.Bar(x=(edges[:-1] + edges[1:]) / 2, y=counts / max(counts.sum(), 1), name=name,
                                 marker_color=colour, opacity=0.6, width=np.diff(edges)))
        fig.update_layout(barmode="overlay", yaxis_title="share of rows", xaxis_title=plot_text(column))
    else:
        categories = frame[column].astype(str).replace("", "(none)")
        top = categories[picked].value_counts().index[:PROFILE_CATEGORIES]
        for name, mask, colour in (("all rows", np.ones(len(frame), dtype=bool), "#9e9e9e"),
                                   ("selection", picked, "#d62728")):
            shares = categories[mask].value_counts(normalize=True).reindex(top).fillna(0.0)
            fig.add_trace(go.Bar(x=shares.to_numpy(), y=[plot_text(t, 40) for t in top], orientation="h", name=name,
                                 marker_color=colour))
        fig.update_layout(barmode="group", xaxis_title="share of rows", yaxis=dict(autorange="reversed"))
    fig.update_layout(height=320, margin=dict(l=0, r=0, t=10, b=0), legend=dict(orientation="h"))
    return fig
