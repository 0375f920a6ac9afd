"""Streamlit helpers for the Quality page: the scoring job, cached cluster ranking, safe highlighted text."""
from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from mixmap.core.quality.dataset import cluster_slop, reference_texts, score_dataset, scoring_inputs
from mixmap.core.quality.scoring import Span
from mixmap.ui.escape import html_text
from mixmap.ui.state import jobs, workspace

JOB_TITLE = "score"
HIGHLIGHT_MAX_CHARS = 6_000  # longer texts are cut for display (the score used all of them)
KIND_COLOURS = {
    "assistant": "#ffe08a", "boilerplate": "#ffc4a8", "hedge": "#d7e3ff", "refusal": "#ffb3b3",
    "disclaimer": "#e3d4ff", "fiction": "#c9f2d0", "contrast": "#ffd6f0", "informal": "#e6e6e6",
}


def text_width(values: pd.Series, *, most: int = 560) -> int:
    """Pixels for a table column that shows its longest value whole (cluster names were cut off at
    "medium"), up to `most`."""
    longest = int(values.astype(str).str.len().max()) if len(values) else 0
    return int(min(most, max(120, 24 + 7.5 * longest)))


def start_score(name: str):
    """Score every row of `name` in a background job (progress per 5,000 rows)."""
    ws = workspace()

    def work(job):
        return score_dataset(ws.dataset(name), progress=job.progress)

    return jobs().start(JOB_TITLE, name, work)


def scoring(name: str) -> bool:
    return any(j.running and j.title == JOB_TITLE for j in jobs().for_dataset(name))


def _versions(name: str) -> tuple:
    ds = workspace().dataset(name)
    return tuple(ds.version(k) for k in ("rows", "clusters", "cluster_info", "signals"))


@st.cache_data(show_spinner="Ranking clusters by slop…", max_entries=8)
def _ranking(root: str, name: str, column: str, versions: tuple) -> pd.DataFrame:
    return cluster_slop(workspace().dataset(name), column=column)


def ranking(name: str, column: str) -> pd.DataFrame:
    """cluster_slop (why and over-used phrases included), cached on the tables' versions; the threshold
    only changes share_above, which the page recomputes from the map frame."""
    return _ranking(str(workspace().root), name, column, _versions(name))


@st.cache_data(show_spinner=False, max_entries=4)
def _scored_texts(root: str, name: str, version: int) -> pd.Series:
    rows = workspace().dataset(name).read_rows(["id", "text", "meta"]).to_pandas()
    texts, _ = scoring_inputs(rows["text"].tolist(), rows["meta"].tolist())
    return pd.Series(texts, index=rows["id"].to_numpy())


def scored_texts(name: str) -> pd.Series:
    """The text each row was scored on (its response when the row has one), by id."""
    return _scored_texts(str(workspace().root), name, workspace().dataset(name).version("rows"))


@st.cache_data(show_spinner="Reading the reference…", max_entries=4)
def _reference(root: str, name: str, version: int) -> list[str]:
    return reference_texts(workspace().dataset(name))


def reference_sample(name: str) -> list[str]:
    """A seeded sample of up to 20,000 texts of dataset `name`, to compare a selection's phrases against."""
    return _reference(str(workspace().root), name, workspace().dataset(name).version("rows"))


def rank_table(ranked: pd.DataFrame, frame: pd.DataFrame, column: str, threshold: float,
               by: str) -> pd.DataFrame:
    """The cached ranking with share_above recomputed at `threshold`, sorted by mean score or share."""
    share = (frame[column] > threshold).groupby(frame["cluster"]).mean()
    table = ranked.copy()
    table["share_above"] = table["cluster"].map(share).fillna(0.0)
    key = "share_above" if by == "share" else "mean_score"
    table["_noise"] = table["cluster"] < 0
    table = table.sort_values(["_noise", key, "size"], ascending=[True, False, False]).drop(columns="_noise")
    return table.reset_index(drop=True)


def highlight_html(text: str, spans: list[Span], *, limit: int = HIGHLIGHT_MAX_CHARS) -> str:
    """`text` as an HTML fragment with each span wrapped in <mark>.

    Every piece of data text goes through html_text (ui/escape.py) before a tag is added, so `<script>` or markdown in
    the data shows as typed and never becomes markup. Overlapping spans are merged into the first one.
    """
    text = text or ""
    cut = len(text) > limit
    text = text[:limit]
    out, at = [], 0
    for span in sorted(spans):
        start, end = max(span.start, at), min(span.end, len(text))
        if start >= end:
            continue
        out.append(html_text(text[at:start]))
        colour = KIND_COLOURS.get(span.kind, "#ffe08a")
        title = html_text(f"{span.kind} · weight {span.weight:g}")
        out.append(f'<mark style="background:{colour};padding:0 1px" title="{title}">'
                   f"{html_text(text[start:end])}</mark>")
        at = end
    out.append(html_text(text[at:]))
    more = f'<span style="color:#888"> … (first {limit:,} characters)</span>' if cut else ""
    return "".join(out) + more


def row_box(fragment: str, *, title: str, phrases: list[str]) -> str:
    """A bordered box: an escaped `title`, the (already escaped) fragment, the matched phrases escaped."""
    found = ", ".join(html_text(p) for p in dict.fromkeys(phrases)) or "none"
    return ('<div style="border:1px solid rgba(128,128,128,0.35);border-radius:6px;padding:8px 10px;'
            'max-height:20rem;overflow:auto;font-size:0.86rem;line-height:1.45;white-space:pre-wrap">'
            f'<div style="font-size:0.75rem;color:#777;margin-bottom:4px">{html_text(title)}</div>'
            f'{fragment}'
            f'<div style="font-size:0.75rem;color:#777;margin-top:6px">matched: {found}</div></div>')


def legend_html() -> str:
    return " ".join(f'<mark style="background:{c};padding:0 4px;font-size:0.78rem">{k}</mark>'
                    for k, c in KIND_COLOURS.items())


def style_map(fig):
    """Thin see-through rings for the selection, so the colour under a selected cluster stays readable, and
    the legend below the map, clear of the colour bar."""
    for trace in fig.data:
        if trace.marker.colorscale is not None:
            trace.showlegend = False  # a numeric colour has its colour bar; a legend entry says nothing
        if trace.name == "selected":
            trace.marker.size = 8
            trace.marker.line = {"width": 0.8, "color": "rgba(220,20,60,0.55)"}
    fig.update_layout(legend={"orientation": "h", "yanchor": "top", "y": -0.01, "xanchor": "left", "x": 0.0})
    return fig


def top_rows(frame: pd.DataFrame, mask: np.ndarray, column: str, n: int) -> pd.DataFrame:
    """The `n` highest-scoring rows under `mask` (ties by id, so the list is stable)."""
    part = frame.loc[mask, ["id", "source", "cluster_label", column]].copy()
    return part.sort_values([column, "id"], ascending=[False, True]).head(n)
