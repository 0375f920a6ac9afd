"""Mixes page: save slices, build a mix from components, compare two mixes' report cards, marks history."""
import json

import pandas as pd
import streamlit as st

from mixmap.core.curate.history import diff_versions
from mixmap.core.curate.mixes import list_mixes, load_mix, save_mix
from mixmap.core.curate.report import compare_cards
from mixmap.core.curate.sampling import ALLOCATIONS, STRATEGIES
from mixmap.core.curate.slices import describe_slice, load_slices, save_slice, slice_columns
from mixmap.core.errors import MixmapError
from mixmap.core.explore.view import full_rows, snippet
from mixmap.core.store.filters import parse_value
from mixmap.core.store.marks import history, marks_version, redo, undo
from mixmap.ui.escape import md
from mixmap.ui.mixes import (
    built_mix,
    composition_table,
    dataset_card,
    dataset_composition,
    map_selection_ids,
    render_card,
    slice_count,
    slice_counts,
)
from mixmap.ui.state import chosen_dataset, guard

st.title("Mixes")
name, dataset = chosen_dataset(jobs=False)
ALL_ROWS = "(all rows)"
WHOLE = "(whole dataset)"
OPS = ("=", "!=", "<", "<=", ">", ">=", "in", "between", "contains")


def _default(key: str, value) -> None:
    """Seed a widget's value once through session state (widgets then take no value= argument)."""
    st.session_state.setdefault(key, value)


build_tab, compare_tab, slices_tab, history_tab = st.tabs(["Build a mix", "Compare", "Slices", "Marks history"])

# ---- slices -------------------------------------------------------------------------------------------------
with slices_tab:
    saved = load_slices(dataset)
    kind = st.radio("New slice from", ["a column filter", "full-text search", "semantic search", "the map selection",
                                       "saved slices combined"], horizontal=True, key="mixes.slice_kind")
    definition = None
    if kind == "a column filter":
        columns = slice_columns(dataset, meta_sample=200)
        cols = st.columns([2, 1, 3])
        column = cols[0].selectbox("Column", sorted(columns), key="mixes.where_column",
                                   format_func=lambda c: f"{c} ({columns[c]})")
        op = cols[1].selectbox("Operator", OPS, key="mixes.where_op")
        text = cols[2].text_input("Value (in: a,b,c · between: low,high)", key="mixes.where_value")
        if text.strip():
            value = [parse_value(v.strip()) for v in text.split(",")] if op in ("in", "between") else parse_value(text)
            definition = {"where": [column, op, value]}
    elif kind == "full-text search":
        query = st.text_input("Words to find (LanceDB full-text index; any word matches)", key="mixes.fts")
        definition = {"fts": query} if query.strip() else None
    elif kind == "semantic search":
        cols = st.columns([4, 1])
        query = cols[0].text_input("Describe the rows you want", key="mixes.semantic")
        k = cols[1].number_input("Nearest rows", 1, 100_000, 100, key="mixes.semantic_k")
        definition = {"semantic": query, "k": int(k)} if query.strip() else None
    elif kind == "the map selection":
        ids, label = map_selection_ids(name)
        st.caption(f"{len(ids):,} rows ({md(label)})")
        definition = {"ids": ids} if ids else None
    else:
        parts = st.multiselect("Saved slices", list(saved), key="mixes.combine_parts")
        how = st.radio("Combine with", ["and", "or"], horizontal=True, key="mixes.combine_how")
        definition = ({"slice": parts[0]} if len(parts) == 1 else {how: [{"slice": p} for p in parts]}) if parts else None
    negate = st.checkbox("Not: every row outside it", key="mixes.slice_not")
    if definition is not None:
        definition = {"not": definition} if negate else definition
        ids = guard(slice_count, name, definition)
        if ids is not None:
            st.text(f"{describe_slice(definition)} → {len(ids):,} rows")  # user text: never markdown / HTML
            preview = full_rows(dataset, ids[:8])
            if not preview.empty:
                preview["text"] = preview["text"].map(lambda t: snippet(t, 200))
                st.dataframe(preview[["id", "source", "text"]], hide_index=True, width="stretch", key="mixes.slice_preview")
            cols = st.columns([3, 1])
            slice_name = cols[0].text_input("Save as", key="mixes.slice_name", placeholder="e.g. python-code")
            if cols[1].button("Save slice", key="mixes.save_slice", disabled=not slice_name):
                if guard(save_slice, dataset, slice_name, definition) is not None:
                    st.toast(f"Saved slice {md(slice_name)}")
                    st.rerun()
    if saved:
        st.subheader(f"Saved slices ({len(saved)})")
        counts = slice_counts(name, saved)
        st.dataframe(pd.DataFrame([{"slice": s, "rows": str(counts.get(s, "")), "definition": describe_slice(d)}
                                   for s, d in saved.items()]), hide_index=True, width="stretch", key="mixes.saved_slices")

# ---- build --------------------------------------------------------------------------------------------------
with build_tab:
    mixes = list_mixes(dataset)
    saved = load_slices(dataset)
    if flash := st.session_state.pop("mixes.flash", None):
        st.success(md(flash))
    if pending := st.session_state.pop("mixes.pending_base", None):
        st.session_state["mixes.base"] = pending  # before the selectbox exists
    top = st.columns([2, 2, 1, 1])
    base = top[0].selectbox("Start from", ["(new mix)", *mixes], key="mixes.base")
    loaded = guard(load_mix, dataset, base) if base != "(new mix)" else None
    if loaded and st.session_state.get("mixes.loaded") != base:
        # Copy the saved recipe into the widgets once, when the user picks it.
        st.session_state["mixes.loaded"] = base
        st.session_state["mixes.name"] = loaded["name"]
        st.session_state["mixes.seed"] = loaded["seed"]
        st.session_state["mixes.marked"] = loaded.get("marked", "exclude")
        st.session_state["mixes.n"] = len(loaded["components"])
        for i, comp in enumerate(loaded["components"]):
            strategy = comp["strategy"]
            quota = next((q for q in ("rows", "tokens", "weight") if q in comp), "all")
            piece = comp["slice"]
            label = piece["slice"] if "slice" in piece else ALL_ROWS if "all" in piece else describe_slice(piece)
            if label not in (ALL_ROWS, *saved):
                st.session_state.setdefault("mixes.inline", {})[label] = piece
            st.session_state.update({
                f"mixes.c{i}.name": comp["name"], f"mixes.c{i}.strategy": strategy["kind"],
                f"mixes.c{i}.slice": label, f"mixes.c{i}.by": strategy.get("by", "cluster"),
                f"mixes.c{i}.alloc": strategy.get("allocation", "proportional"),
                f"mixes.c{i}.quota": quota, f"mixes.c{i}.amount": float(comp.get(quota, 0) or 0),
                f"mixes.c{i}.cap": int(strategy.get("cap") or 0), f"mixes.c{i}.floor": int(strategy.get("floor") or 0),
                f"mixes.c{i}.score": strategy.get("score", ""), f"mixes.c{i}.invert": bool(strategy.get("invert"))})
        budget = loaded.get("budget") or {}
        st.session_state["mixes.budget_kind"] = next(iter(budget), "none")
        st.session_state["mixes.budget"] = int(next(iter(budget.values()), 0) or 0)
    mix_name = top[1].text_input("Mix name", key="mixes.name", placeholder="e.g. v1")
    _default("mixes.seed", 0)
    _default("mixes.budget", 0)
    seed = top[2].number_input("Seed", 0, 2**31 - 1, key="mixes.seed")
    marked = top[3].selectbox("Marks", ["exclude", "include", "any"], key="mixes.marked",
                              help="exclude: leave out rows marked exclude; include: only included rows; any: ignore")
    cols = st.columns([1, 2, 3])
    budget_kind = cols[0].selectbox("Budget", ["none", "tokens", "rows"], key="mixes.budget_kind",
                                    help="shared by weighted components after the fixed quotas")
    budget_amount = cols[1].number_input("Budget amount", 0, 10**12, key="mixes.budget",
                                         disabled=budget_kind == "none")
    cols[2].caption("Tokens: the default model's tokenizer (all-MiniLM-L6-v2 WordPiece, tokenizer.json), "
                    "no special tokens.")
    n = int(st.session_state.setdefault("mixes.n", 1))
    components = []
    for i in range(n):
        for field, value in (("name", f"c{i + 1}"), ("amount", 100.0), ("by", "cluster"), ("cap", 0), ("floor", 0),
                             ("score", "slop_score"), ("invert", True)):
            _default(f"mixes.c{i}.{field}", value)
        with st.container(border=True):
            c = st.columns([2, 3, 2, 2, 2])
            comp_name = c[0].text_input("Component", key=f"mixes.c{i}.name")
            inline = st.session_state.get("mixes.inline", {})
            piece = c[1].selectbox("Slice", [ALL_ROWS, *saved, *inline], key=f"mixes.c{i}.slice")
            strategy = c[2].selectbox("Sampling", STRATEGIES, key=f"mixes.c{i}.strategy")
            quota = c[3].selectbox("Quota", ["rows", "tokens", "weight", "all"], key=f"mixes.c{i}.quota")
            amount = c[4].number_input("Amount", 0.0, 1e12, key=f"mixes.c{i}.amount", disabled=quota == "all")
            chosen = {"all": True} if piece == ALL_ROWS else inline[piece] if piece in inline else {"slice": piece}
            comp = {"name": comp_name, "slice": chosen,
                    "strategy": {"kind": strategy}}
            if strategy == "stratified":
                s = st.columns([2, 1, 1, 2])
                comp["strategy"]["by"] = s[0].text_input("Stratify by", key=f"mixes.c{i}.by")
                cap = s[1].number_input("Cap (0 = none)", 0, 10**9, key=f"mixes.c{i}.cap")
                floor = s[2].number_input("Floor", 0, 10**9, key=f"mixes.c{i}.floor")
                comp["strategy"]["allocation"] = s[3].selectbox("Allocation", ALLOCATIONS, key=f"mixes.c{i}.alloc")
                comp["strategy"].update({"cap": int(cap) or None, "floor": int(floor) or None})
            elif strategy == "weighted":
                s = st.columns([2, 1])
                comp["strategy"]["score"] = s[0].text_input("Score column", key=f"mixes.c{i}.score")
                comp["strategy"]["invert"] = s[1].checkbox("Prefer low scores", key=f"mixes.c{i}.invert")
            if quota != "all":
                comp[quota] = float(amount) if quota == "weight" else int(amount)
            components.append(comp)
    b = st.columns([1, 1, 4])
    if b[0].button("Add component", key="mixes.add"):
        st.session_state["mixes.n"] = n + 1
        st.rerun()
    if n > 1 and b[1].button("Remove last", key="mixes.remove"):
        st.session_state["mixes.n"] = n - 1
        st.rerun()
    recipe = {"name": mix_name or "draft", "seed": int(seed), "marked": marked, "components": components,
              "budget": {budget_kind: int(budget_amount)} if budget_kind != "none" and budget_amount else None}
    built = guard(built_mix, name, recipe)
    if built is not None:
        summary = built["summary"]
        st.subheader(f"{summary['rows']:,} rows · {summary['tokens']:,} tokens · marks v{summary['marks_version']:d}")
        table = pd.DataFrame(summary["components"])
        table["quota"] = table["quota"].map(lambda q: ", ".join(f"{k} {v}" for k, v in q.items()))
        st.dataframe(table[["name", "slice", "strategy", "seed", "candidates", "quota", "rows", "tokens", "short"]],
                     hide_index=True, width="stretch", key="mixes.components_table")
        save_blocked = "" if mix_name else "Give the mix a name (Mix name, above) to save it."
        if save_blocked:
            st.caption(md(save_blocked))
        if st.button("Save mix", type="primary", key="mixes.save", disabled=bool(save_blocked),
                     help=md(save_blocked) if save_blocked else "Save this recipe; the Export page writes it out"):
            if guard(save_mix, dataset, recipe) is not None:
                st.session_state["mixes.flash"] = (f"Saved mix {mix_name}; export it on the Export page or with "
                                                   f"mixmap mix export {name} {mix_name} --out FILE")  # escaped when shown
                st.session_state["mixes.loaded"] = mix_name  # the widgets already hold this recipe
                st.session_state["mixes.pending_base"] = mix_name
                st.rerun()
        st.markdown("**Report card** (this mix)")
        render_card(built["card"], key="build")
        st.markdown("**Composition before → after**")
        by = st.radio("By", ["cluster", "source", "quality band"], horizontal=True, key="mixes.comp_by")
        st.dataframe(composition_table(built["composition"], by), hide_index=True, width="stretch", key="mixes.composition")

# ---- compare ------------------------------------------------------------------------------------------------
with compare_tab:
    choices = [WHOLE, *list_mixes(dataset)]
    cols = st.columns(2)
    left = cols[0].selectbox("Left", choices, key="mixes.left")
    right = cols[1].selectbox("Right", choices, index=min(1, len(choices) - 1), key="mixes.right")
    cards, compositions = {}, {}
    for side, col in ((left, cols[0]), (right, cols[1])):
        try:
            if side == WHOLE:
                card, comp = dataset_card(name), (dataset_composition(name), "before_share")
            else:
                built = built_mix(name, load_mix(dataset, side))
                card, comp = built["card"], (built["composition"], "after_share")
        except MixmapError as exc:
            col.error(md(exc))
            continue
        cards[side], compositions[side] = card, comp
    for side, card in cards.items():  # stacked, so each card's metrics get the full width
        st.caption(f"**{md(side)}** · {card['rows']:,} rows")
        render_card(card, key=f"compare.{side}")
    if len(cards) == 2 and left != right:
        side_by_side = pd.DataFrame(compare_cards(cards)).astype(str)  # numbers and "n/a" in one column
        st.dataframe(side_by_side, hide_index=True, width="stretch", key="mixes.side_by_side")
        by = st.radio("Composition by", ["cluster", "source", "quality band"], horizontal=True, key="mixes.compare_by")
        shares = {}
        for side, (comp, share) in compositions.items():
            shares[side] = {r["value"]: round(r[share] * 100, 1) for r in comp if r["by"] == by}
        table = pd.DataFrame(shares).fillna(0.0).rename(columns=lambda c: f"{c} %")
        st.dataframe(table.sort_values(table.columns[0], ascending=False), width="stretch", key="mixes.compare_comp")

# ---- marks history ------------------------------------------------------------------------------------------
with history_tab:
    entries = history(dataset)
    cols = st.columns([1, 1, 4])
    last = entries[-1] if entries else {}
    if cols[0].button("Undo", key="mixes.undo", disabled=not last.get("next_undo")):
        if (done := guard(undo, dataset)) is not None:
            st.toast(f"Undid v{done['undo']:d}")
            st.rerun()
    if cols[1].button("Redo", key="mixes.redo", disabled=not last.get("next_redo")):
        if (done := guard(redo, dataset)) is not None:
            st.toast(f"Redid v{done['redo']:d}")
            st.rerun()
    cols[2].caption(f"marks version {marks_version(dataset):d} · every marking action, undo and redo is a version")
    if not entries:
        st.info("No marking actions yet: mark rows on the Map page or with `mixmap mark`.")
    else:
        shown = pd.DataFrame(entries)[["version", "time", "op", "what", "message", "rows", "undone"]]
        st.dataframe(shown.iloc[::-1], hide_index=True, width="stretch", key="mixes.history")
        latest = int(entries[-1]["version"])
        d = st.columns(2)
        a = d[0].number_input("Diff from version", 0, latest, max(0, latest - 1), key="mixes.diff_a")
        b = d[1].number_input("to version", 0, latest, latest, key="mixes.diff_b")
        diff = guard(diff_versions, dataset, int(a), int(b))
        if diff is not None:
            st.text(f"{diff['rows_changed']:,} rows changed: " +  # tags are user text: st.text, not markdown
                    " · ".join(f"{k}: {v:,}" for k, v in diff["changes"].items()))
            d = st.columns(2)
            d[0].dataframe(pd.DataFrame(diff["by_cluster"]), hide_index=True, width="stretch", key="mixes.diff_cluster")
            d[1].dataframe(pd.DataFrame(diff["by_source"]), hide_index=True, width="stretch", key="mixes.diff_source")
        with st.expander("Raw history (JSON)"):
            st.code(json.dumps(entries[-20:], indent=1, ensure_ascii=False), language="json")
