"""Streamlit helpers for the Duplicates page: cached stored pairs, the compute job, safe diff HTML, map styling."""
from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from mixmap.core.dedup.dataset import (
    StoredPairs,
    compute_duplicate_pairs,
    load_pairs,
    paired_vectors,
    pairs_frame,
    quality_scores,
)
from mixmap.core.dedup.groups import diff_words
from mixmap.core.explore.view import snippet
from mixmap.ui.escape import html_text
from mixmap.ui.state import jobs, workspace

INLINE_ROWS = 5_000  # up to this many rows the pairs are found in the request (about a second); else a job
DIFF_MAX_WORDS = 2_000  # per side: difflib is quadratic in the worst case
STATUS_COLOURS = {"unique": "rgba(140,140,140,0.6)", "keeper": "#1f77b4", "removed": "#d62728"}


def job_title(method: str) -> str:
    return f"duplicates ({method})"


def compute_pairs(name: str, method: str) -> dict | None:
    """Find and store `method` pairs: inline for small datasets (returns the stored info), else in a
    background job with progress (returns {"job": id}; show_jobs reruns the page when it is done)."""
    ws = workspace()
    if ws.dataset(name).count() <= INLINE_ROWS:
        with st.spinner(f"Finding {method} pairs…"):
            return compute_duplicate_pairs(ws.dataset(name), method=method)

    def work(job):
        return compute_duplicate_pairs(ws.dataset(name), method=method, progress=job.progress)

    job = jobs().start(job_title(method), name, work)
    return {"job": job.id}


@st.cache_resource(max_entries=6, show_spinner=False)
def _stored(root: str, name: str, method: str, versions: tuple) -> StoredPairs:
    return load_pairs(workspace().dataset(name), method)


def stored_pairs(name: str, method: str) -> StoredPairs:
    """The stored pairs, read once per version of the pairs and rows tables (regrouping reuses them)."""
    ds = workspace().dataset(name)
    return _stored(str(workspace().root), name, method, (ds.version(pairs_frame(method)), ds.version("rows")))


@st.cache_data(max_entries=4, show_spinner=False)
def _quality(root: str, name: str, version: int, ids: tuple) -> tuple[np.ndarray, str]:
    return quality_scores(workspace().dataset(name), np.asarray(ids, dtype=object))


def cached_quality(name: str, ids: np.ndarray) -> tuple[np.ndarray, str]:
    ds = workspace().dataset(name)
    return _quality(str(workspace().root), name, ds.version("signals"), tuple(ids.tolist()))


@st.cache_resource(max_entries=2, show_spinner="Reading the embeddings of paired rows…")
def _vectors(root: str, name: str, method: str, versions: tuple):
    return paired_vectors(workspace().dataset(name), stored_pairs(name, method))


def cached_vectors(name: str, method: str):
    """Vectors of the rows in any stored pair, read once per version (for the 'central' keep policy)."""
    ds = workspace().dataset(name)
    versions = (ds.version(pairs_frame(method)), ds.version(ds.vector_kind()))
    return _vectors(str(workspace().root), name, method, versions)


@st.cache_resource(max_entries=2, show_spinner="Reading the texts of paired rows…")
def _snippets(root: str, name: str, method: str, versions: tuple) -> pd.Series:
    stored = stored_pairs(name, method)
    ids = stored.ids[np.unique(np.concatenate([stored.i, stored.j]))].tolist()
    rows = workspace().dataset(name).read_rows(["id", "text"], ids=ids)
    return pd.Series([snippet(t, 90) for t in rows.column("text").to_pylist()], index=rows.column("id").to_pylist())


def cached_snippets(name: str, method: str) -> pd.Series:
    """id -> a short snippet, for every row in a stored pair (one read per version of the pairs)."""
    ds = workspace().dataset(name)
    return _snippets(str(workspace().root), name, method, (ds.version(pairs_frame(method)), ds.version("rows")))


# ------------------------------------------------------------------------------------------ diff display

def diff_html(a: str, b: str) -> tuple[str, str]:
    """Two HTML fragments, `a` and `b` word by word, with the words that differ wrapped in <mark>.

    Every piece of data text goes through html_text (ui/escape.py) before any tag is added, so text such as
    `<script>` or `<img onerror=...>` shows as literal characters and never becomes markup."""
    wa, wb = (a or "").split(), (b or "").split()
    cut_a, cut_b = len(wa) > DIFF_MAX_WORDS, len(wb) > DIFF_MAX_WORDS
    left, right = [], []
    for tag, x, y in diff_words(" ".join(wa[:DIFF_MAX_WORDS]), " ".join(wb[:DIFF_MAX_WORDS])):
        x, y = html_text(x), html_text(y)
        if tag == "equal":
            left.append(x)
            right.append(y)
            continue
        if x:
            left.append(f'<mark style="background:#ffd7d5">{x}</mark>')
        if y:
            right.append(f'<mark style="background:#c9f2d0">{y}</mark>')
    more = f' <span style="color:#888">… (diff of the first {DIFF_MAX_WORDS:,} words)</span>'
    return " ".join(left) + (more if cut_a else ""), " ".join(right) + (more if cut_b else "")


def text_box(fragment: str, *, title: str) -> str:
    """A bordered, scrollable box around an already escaped fragment; `title` is escaped here."""
    return ('<div style="border:1px solid rgba(128,128,128,0.35);border-radius:6px;padding:8px 10px;'
            'max-height:18rem;overflow:auto;font-size:0.86rem;line-height:1.45;white-space:pre-wrap">'
            f'<div style="font-size:0.75rem;color:#777;margin-bottom:4px">{html_text(title)}</div>'
            f'{fragment}</div>')


# ------------------------------------------------------------------------------------------------- map

def status_column(frame: pd.DataFrame, ids: np.ndarray, group_ids: np.ndarray, keep: np.ndarray) -> pd.Series:
    """'keeper' / 'removed' / 'unique' per row of the map frame (matched by id)."""
    status = np.where(group_ids < 0, "unique", np.where(keep, "keeper", "removed"))
    return frame["id"].map(pd.Series(status, index=ids)).fillna("unique")


def style_map(fig: go.Figure) -> go.Figure:
    """Fixed colours for unique / keeper / removed; the highlight (rings) becomes 'this group'.

    A duplicate sits on top of its keeper on the map, so keepers are drawn as larger blue discs first and
    removed rows as smaller red dots over them: a pair reads as a red dot in a blue disc."""
    style = {"unique": (4, 0.5), "keeper": (10, 0.85), "removed": (5, 0.95)}
    for trace in fig.data:
        if trace.name in STATUS_COLOURS:
            trace.marker.color = STATUS_COLOURS[trace.name]
            trace.marker.size, trace.marker.opacity = style[trace.name]
        elif trace.name == "selected":
            trace.name = "this group"
            trace.marker.size = 18
            trace.marker.line = {"width": 2, "color": "black"}
    rank = {"unique": 0, "keeper": 1, "removed": 2, "this group": 3}
    fig.data = sorted(fig.data, key=lambda t: rank.get(t.name, 0))
    fig.update_layout(height=520)
    return fig
