"""Streamlit helpers for the Quality page's LM check: the background job, its time estimate, the per-cluster
machine-share chart with error bars, and the score / perplexity histograms."""
from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from mixmap.core.explore.view import parse_meta
from mixmap.core.quality.lm_stage import LM_FRAME, cluster_machine_share, lm_check, planned_rows
from mixmap.ui.state import jobs, workspace

JOB_TITLE = "LM check"
# Measured on 2 shared cores (bench/results/lm.json): rows the batched check scores per second, used for the
# estimate before this workspace has timed a check of its own.
DEFAULT_ROWS_PER_S = 4.0
GROUP_COLOURS = {"planted slop": "#d9534f", "other rows": "#1f77b4", "scored rows": "#1f77b4"}


def start_lm_check(name: str, sample: int | None):
    ws = workspace()

    def work(job):
        return lm_check(ws.dataset(name), sample=sample, progress=job.progress)

    return jobs().start(JOB_TITLE, name, work)


def checking(name: str) -> bool:
    return any(j.running and j.title == JOB_TITLE for j in jobs().for_dataset(name))


def estimate_text(dataset, sample: int | None) -> str:
    """'about N rows, about M min' for a check, from the last timed check or the benchmark's pace."""
    rows = planned_rows(dataset, sample=sample)
    if rows == 0:  # the same sample again: nothing new to score (the sample is seeded)
        return "every row of this sample is scored already: ask for more rows to score more"
    last = (dataset.meta.get("lm") or {}).get("rows_per_s") or DEFAULT_ROWS_PER_S
    minutes = rows / last / 60 + 0.3  # + loading the model
    return f"about {rows:,} rows, about {minutes:.0f} min on this machine" if minutes >= 1.5 else \
        f"about {rows:,} rows, under 2 min"


def _versions(name: str) -> tuple:
    ds = workspace().dataset(name)
    return tuple(ds.version(k) for k in ("clusters", "cluster_info", LM_FRAME))


@st.cache_data(show_spinner=False, max_entries=8)
def _shares(root: str, name: str, versions: tuple) -> pd.DataFrame:
    return cluster_machine_share(workspace().dataset(name))


def machine_shares(name: str) -> pd.DataFrame:
    return _shares(str(workspace().root), name, _versions(name))


def share_chart(table: pd.DataFrame, top: int = 25) -> go.Figure:
    """Estimated machine share per cluster with its 95% interval as error bars (scored clusters only)."""
    shown = table[table["scored"] > 0].head(top).iloc[::-1]
    fig = go.Figure(go.Bar(
        x=shown["machine_share"], y=[f"{label} ({n})" for label, n in zip(shown["label"], shown["scored"])],
        orientation="h", marker_color="#d9534f",
        error_x={"type": "data", "symmetric": False, "array": shown["high"] - shown["machine_share"],
                 "arrayminus": shown["machine_share"] - shown["low"]},
        hovertemplate="%{y}: %{x:.0%}<extra></extra>"))
    fig.update_layout(height=max(240, 24 * len(shown) + 100), margin={"l": 10, "r": 10, "t": 34, "b": 30},
                      xaxis={"range": [0, 1], "tickformat": ".0%", "title": "estimated machine share (95% CI)"})
    return fig


@st.cache_data(show_spinner=False, max_entries=4)
def _scored_rows(root: str, name: str, version: int) -> pd.DataFrame:
    ds = workspace().dataset(name)
    frame = ds.read_frame(LM_FRAME).to_pandas().drop_duplicates("id", keep="last")
    rows = ds.read_rows(["id", "text", "meta"], ids=frame["id"].tolist()).to_pandas()
    rows["group"] = [("planted slop" if parse_meta(m).get("planted") == "slop" else "other rows")
                     if "planted" in parse_meta(m) else "scored rows" for m in rows["meta"]]
    return frame.merge(rows[["id", "text", "group"]], on="id")


def scored_rows(name: str) -> pd.DataFrame:
    """The LM-scored rows with their text and a group (the bundled sample's planted slop vs the rest)."""
    return _scored_rows(str(workspace().root), name, workspace().dataset(name).version(LM_FRAME))


def histogram(frame: pd.DataFrame, column: str, *, log_x: bool = False) -> go.Figure:
    fig = go.Figure()
    for group, part in frame.groupby("group"):
        values = part[column].dropna()
        fig.add_trace(go.Histogram(x=np.log10(values) if log_x else values, name=str(group), opacity=0.7,
                                   nbinsx=30, marker_color=GROUP_COLOURS.get(str(group))))
    # legend above the plot: below it, it covered the axis title
    fig.update_layout(barmode="overlay", height=280, margin={"l": 10, "r": 10, "t": 34, "b": 40},
                      xaxis_title=f"log10 {column}" if log_x else column,
                      legend={"orientation": "h", "x": 0, "y": 1.02, "yanchor": "bottom"})
    return fig
