"""Streamlit helpers for the Mixes and Export pages: cached mix builds, embedders, report-card rendering."""
from __future__ import annotations

import json

import pandas as pd
import streamlit as st

from mixmap.core.store.marks import marks_version
from mixmap.ui.escape import md
from mixmap.ui.state import embedder, workspace


def versions(name: str) -> tuple:
    ds = workspace().dataset(name)
    return (*(ds.version(k) for k in ("rows", "clusters", "cluster_info", "signals")), marks_version(ds))


def _needs_embedder(definition) -> bool:
    return "semantic" in json.dumps(definition)


@st.cache_data(show_spinner="Building the mix…", max_entries=16)
def _built(root: str, name: str, recipe_json: str, stamp: tuple, slices_json: str) -> dict:
    from mixmap.core.curate.mixes import build_mix
    from mixmap.core.curate.report import composition, report_card

    ds = workspace().dataset(name)
    recipe = json.loads(recipe_json)
    emb = embedder(name) if _needs_embedder([recipe, slices_json]) else None
    result = build_mix(ds, recipe, embedder=emb)
    return {"summary": result.summary(), "ids": result.ids, "recipe": result.recipe,
            "composition": composition(ds, result.ids), "card": report_card(ds, result.ids)}


def built_mix(name: str, recipe: dict) -> dict:
    """Build (cached on the recipe, the tables' versions and the marks version): summary, ids, composition, card."""
    from mixmap.core.curate.slices import load_slices

    slices = load_slices(workspace().dataset(name))
    return _built(str(workspace().root), name, json.dumps(recipe, sort_keys=True), versions(name),
                  json.dumps(slices, sort_keys=True))


@st.cache_data(show_spinner="Scoring the dataset…", max_entries=8)
def _dataset_card(root: str, name: str, stamp: tuple) -> dict:
    from mixmap.core.curate.report import report_card

    return report_card(workspace().dataset(name))


def dataset_card(name: str) -> dict:
    return _dataset_card(str(workspace().root), name, versions(name))


@st.cache_data(show_spinner=False, max_entries=8)
def _dataset_composition(root: str, name: str, stamp: tuple) -> list[dict]:
    from mixmap.core.curate.report import composition

    return composition(workspace().dataset(name), [])


def dataset_composition(name: str) -> list[dict]:
    """The whole dataset's composition (read its "before" shares)."""
    return _dataset_composition(str(workspace().root), name, versions(name))


def slice_count(name: str, definition: dict) -> list[str]:
    from mixmap.core.curate.slices import slice_ids

    ds = workspace().dataset(name)
    return slice_ids(ds, definition, embedder=embedder(name) if _needs_embedder(definition) else None)


def _num(value, digits: int = 2) -> str:
    return f"{value:.{digits}f}" if isinstance(value, int | float) and value == value else "n/a"


def render_card(card: dict, *, key: str) -> None:
    """The four properties (diversity, quality, relevance, structure) as metrics with one detail line each."""
    div, qual, rel, struct = (card.get(k) for k in ("diversity", "quality", "relevance", "structure"))
    cols = st.columns(4)
    cols[0].metric("Effective clusters", _num(div.get("effective_clusters"), 1),
                   help="Diversity: exp(entropy of the cluster shares), noise rows left out")
    cols[0].caption(f"Vendi {md(_num(div.get('vendi'), 1))} · noise "
                    f"{md(_num(div.get('noise_share', float('nan')) * 100, 0))}%")
    if isinstance(qual, dict):
        cols[1].metric("Mean slop score", _num(qual["mean"]), help="Quality: the signals frame's slop_score")
        cols[1].caption(f"{qual['share_slop'] * 100:.0f}% ≥ {qual['threshold']:g} · p90 {md(_num(qual['p90']))}")
    else:
        cols[1].metric("Mean slop score", "n/a", help="Quality: score the dataset first (Quality page)")
    if isinstance(rel, dict):
        best = max(rel.items(), key=lambda kv: kv[1]["coverage"])
        cols[2].metric("Coverage", f"{best[1]['coverage'] * 100:.0f}%", help=f"Relevance: of reference {md(best[0])}")
        cols[2].caption(", ".join(f"{md(r)}: {v['coverage'] * 100:.0f}%" for r, v in rel.items()))
    else:
        cols[2].metric("Coverage", "n/a", help="Relevance: add a reference set (Coverage page) to measure it")
    cols[3].metric("Multi-step", f"{struct.get('multi_step', 0) * 100:.0f}%", help="Structure: share of rows")
    cols[3].caption(" · ".join(f"{md(k.replace('_', '-'))} {struct.get(k, 0) * 100:.0f}%" for k in ("lists", "code", "multi_turn")))


@st.cache_data(show_spinner=False, max_entries=8)
def _slice_counts(root: str, name: str, slices_json: str, stamp: tuple) -> dict[str, int | str]:
    from mixmap.core.errors import MixmapError

    out: dict[str, int | str] = {}
    for slice_name in json.loads(slices_json):
        try:
            out[slice_name] = len(slice_count(name, {"slice": slice_name}))
        except MixmapError as exc:
            out[slice_name] = f"error: {exc}"
    return out


def slice_counts(name: str, slices: dict) -> dict[str, int | str]:
    return _slice_counts(str(workspace().root), name, json.dumps(slices, sort_keys=True), versions(name))


def composition_table(rows: list[dict], by: str) -> pd.DataFrame:
    frame = pd.DataFrame([r for r in rows if r["by"] == by])
    if frame.empty:
        return frame
    frame["before %"] = (frame.pop("before_share") * 100).round(1)
    frame["after %"] = (frame.pop("after_share") * 100).round(1)
    return frame.drop(columns="by").sort_values("before", ascending=False)


def map_selection_ids(name: str) -> tuple[list[str], str]:
    """The rows selected on the Map page in this session (box / lasso or a picked cluster), and a label."""
    from mixmap.ui.mapview import load_frame, resolve_selection

    if not workspace().dataset(name).has_frame("layout"):
        return [], "no map yet"
    frame = load_frame(name)
    frame = frame[frame["x"].notna()].reset_index(drop=True)
    cluster = st.session_state.get("map.cluster_pick")
    if cluster is not None:
        return frame.loc[frame["cluster"] == cluster, "id"].tolist(), f"cluster {cluster}"
    mask = resolve_selection(frame, {"selection": st.session_state.get("map.selection")})
    if mask is None or not mask.any():
        return [], "nothing selected on the Map page"
    return frame.loc[mask, "id"].tolist(), "map selection"
