"""Streamlit helpers for the Coverage page: cached reports and the layered coverage map."""
from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from mixmap.core.coverage.analysis import analyze_coverage
from mixmap.core.coverage.sources import source_comparison
from mixmap.core.curate.diversity import diversity_table
from mixmap.ui.escape import md, plot_text
from mixmap.ui.mapview import display_sample
from mixmap.ui.state import workspace

FRAMES = ("rows", "layout", "clusters", "cluster_info")


def versions(name: str) -> tuple:
    """Table versions of a dataset: a cheap cache key that changes whenever its map or rows change."""
    ds = workspace().dataset(name)
    return (str(workspace().root), name, *(ds.version(k) for k in FRAMES), ds.meta.get("model_key"))


@st.cache_data(show_spinner="Comparing the reference with the data…", max_entries=8)
def coverage_report(name: str, reference: str, percentile: float, key: tuple, on: str | None = None):
    ws = workspace()
    return analyze_coverage(ws.dataset(name), ws.dataset(reference), on=on, percentile=percentile, top=15)


@st.cache_data(show_spinner=False, max_entries=8)
def sources(name: str, key: tuple, on: str | None = None):
    return source_comparison(workspace().dataset(name), on=on)


def side_switch(dataset) -> str:
    """The prompt / text switch: what coverage compares. Prompt is the default when the data has a prompt side."""
    from mixmap.core.embed.prompts import has_prompt_side

    if not has_prompt_side(dataset):
        st.caption("Compared on **whole rows**: the rows have no separate prompt (instruction or user turn).")
        return "text"
    labels = {"prompt": "what rows ask (prompt)", "text": "whole rows (text)"}
    on = st.radio("Compare on", list(labels), format_func=labels.get, key="coverage.on", horizontal=True,
                  help="prompt: the instruction + input, or the user turns, so a reference answered in another "
                       "style is compared on what it asks; text: the whole row, answers included.")
    if on == "prompt":
        st.caption("Compared on **what rows ask (prompt)**.")
    else:
        st.caption("Compared on **whole rows (text)**.")
    return on


@st.cache_data(show_spinner="Measuring diversity…", max_entries=16)
def diversity(name: str, key: tuple, ids: tuple | None):
    return diversity_table(workspace().dataset(name), ids=ids)


def coverage_figure(frame: pd.DataFrame, report, *, unit: str, show_density: bool = True,
                    show_reference: bool = True, selected: int | None = None) -> go.Figure:
    """The candidate's map in grey, the reference on top (covered / not), the density difference below."""
    fig = go.Figure()
    grid = report.density
    if show_density and grid is not None:
        diff = grid.difference.copy()
        scale = float(np.abs(diff).max()) or 1.0
        diff[np.abs(diff) < scale * 0.04] = np.nan  # leave near-equal cells transparent
        fig.add_trace(go.Heatmap(
            x=grid.x, y=grid.y, z=diff, zmid=0, zmin=-scale, zmax=scale, opacity=0.55, hoverinfo="skip",
            colorscale=[[0, "#2166ac"], [0.5, "#f7f7f7"], [1, "#b2182b"]], name="density difference",
            colorbar=dict(title=dict(text="reference − data<br>share", side="right"), thickness=12, len=0.6,
                          x=1.0, xanchor="left", tickformat=".2%")))
    shown = frame.iloc[display_sample(frame)]
    fig.add_trace(go.Scattergl(
        x=shown["x"], y=shown["y"], mode="markers", name=f"{plot_text(report.candidate)} ({len(frame):,})",
        marker=dict(size=3, color="rgba(90,90,90,0.35)"), hoverinfo="text",
        hovertext=[plot_text(s) for s in shown["cluster_label"]] if len(shown) <= 50_000 else None))
    if show_reference:
        ref = report.reference_rows
        for covered, colour, label in ((True, "#f28e2b", "covered"), (False, "#d62728", "no row within r")):
            part = ref[ref["covered"] == covered]
            if len(part):
                fig.add_trace(go.Scattergl(
                    x=part["x"], y=part["y"], mode="markers", name=f"{plot_text(report.reference)}: {label} ({len(part):,})",
                    marker=dict(size=6, symbol="diamond", color=colour, line=dict(width=0.5, color="white")),
                    hoverinfo="text", hovertext=[f"distance to data {d:.3f}" for d in part["distance"]]))
    gaps = [g for g in report.gaps.get(unit, []) if np.isfinite(g.x)]
    if gaps:
        fig.add_trace(go.Scatter(
            x=[g.x for g in gaps], y=[g.y for g in gaps], mode="markers+text", name="gaps (rank)",
            text=[str(g.rank) for g in gaps], textfont=dict(color="black", size=12),
            marker=dict(size=[26 if g.rank == selected else 18 for g in gaps], color="rgba(255,255,255,0.85)",
                        line=dict(width=[3 if g.rank == selected else 1.5 for g in gaps], color="black")),
            hoverinfo="text", hovertext=[plot_text(f"gap {g.rank}: {g.label} · missing {g.missing_mass:.1%}") for g in gaps]))
    fig.update_layout(height=600, margin=dict(l=0, r=0, t=10, b=0), uirevision="coverage",
                      legend=dict(itemsizing="constant", font=dict(size=11), orientation="h", y=-0.02),
                      xaxis=dict(visible=False), yaxis=dict(visible=False), plot_bgcolor="white")
    return fig


def shares_figure(shares: pd.DataFrame, sources: list[str], *, top: int = 20) -> go.Figure:
    """Stacked bars: the share of each of the largest clusters by source."""
    part = shares.head(top).iloc[::-1]
    fig = go.Figure()
    for source in sources:
        fig.add_trace(go.Bar(y=[plot_text(label, 50) for label in part["label"]], x=part[source], name=plot_text(source, 40),
                             orientation="h", hoverinfo="x+name"))
    fig.update_layout(barmode="stack", height=max(260, 24 * len(part) + 80), margin=dict(l=0, r=0, t=30, b=0),
                      xaxis=dict(tickformat=".0%", range=[0, 1]),
                      legend=dict(orientation="h", y=1.0, yanchor="bottom"))
    return fig
