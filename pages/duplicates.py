"""Duplicates page: find exact, fuzzy (MinHash) or semantic duplicates once, then slide the threshold, pick
a keep policy, read the groups side by side and exclude all but each group's keeper in one undoable step."""
import numpy as np
import streamlit as st

from mixmap.core.dedup.actions import apply_dedup
from mixmap.core.dedup.dataset import CANDIDATE_THRESHOLDS, DEFAULT_THRESHOLDS, METHODS, pairs_info, regroup
from mixmap.core.dedup.groups import KEEP_POLICIES
from mixmap.core.explore.view import full_rows
from mixmap.ui.duplicates import (
    cached_quality,
    cached_snippets,
    cached_vectors,
    compute_pairs,
    diff_html,
    job_title,
    status_column,
    stored_pairs,
    style_map,
    text_box,
)
from mixmap.ui.escape import md
from mixmap.ui.mapview import figure, load_frame
from mixmap.ui.state import chosen_dataset, guard, jobs, undo_banner

METHOD_HELP = {
    "exact": "same text after lowercasing and removing punctuation and extra spaces",
    "minhash": "fuzzy: Jaccard similarity of word 3-grams (MinHash LSH), catches small edits",
    "semantic": "cosine similarity of the embeddings: paraphrases and translations of the same content",
}
POLICY_HELP = {
    "first": "first: the earliest row in the dataset",
    "longest": "longest: the row with the most characters",
    "quality": "quality: best quality score (signals frame; lower slop score wins)",
    "central": "central: the row closest to its group's mean embedding",
}
SHOW_MEMBERS = 6
LIST_GROUPS = 5_000

st.title("Duplicates")
name, dataset = chosen_dataset()

method = st.radio("Method", METHODS, horizontal=True, key="dups.method",
                  format_func=lambda m: {"minhash": "fuzzy (MinHash)"}.get(m, m))
st.caption(md(METHOD_HELP[method]))
info = pairs_info(dataset, method)
running = any(j.running and j.title == job_title(method) for j in jobs().for_dataset(name))
if info is None:
    if running:
        st.info(f"Finding {md(method)} pairs in the background; this page updates when they are ready.")
        st.stop()
    st.info(f"No {md(method)} pairs for **{md(name)}** yet. They are found once (down to similarity "
            f"{CANDIDATE_THRESHOLDS[method]:g}) and stored; moving the threshold afterwards is instant.")
    if st.button(f"Find {md(method)} pairs", key="dups.compute", type="primary") and guard(
            compute_pairs, name, method) is not None:
        st.rerun()
    st.stop()

stored = stored_pairs(name, method)
top = st.columns([3, 1])
top[0].caption(f"{info['pairs']:,} candidate pairs with similarity ≥ {info['candidate_threshold']:g}, found in "
               f"{info['seconds']:.1f} s on {info['rows']:,} rows ({md(info['computed'].replace('T', ' ')[:16])} UTC)"
               + (f" · {stored.rows_added_since:,} rows added since: recompute to include them"
                  if stored.rows_added_since else ""))
if top[1].button("Recompute", key="dups.recompute", disabled=running) and guard(
        compute_pairs, name, method) is not None:
    st.rerun()

controls = st.columns([2, 2])
if method == "exact":
    threshold = 1.0
    controls[0].caption("Exact duplicates have no threshold.")
else:
    low = float(info["candidate_threshold"])
    threshold = controls[0].slider(
        "Similarity threshold" + (" (Jaccard)" if method == "minhash" else " (cosine)"), min_value=low,
        max_value=1.0, value=max(low, DEFAULT_THRESHOLDS[method]), step=0.01, key=f"dups.threshold.{method}",
        help="Rows whose similarity is at or above this are grouped (connected components).")
policy = controls[1].selectbox("Keep per group", KEEP_POLICIES, key="dups.keep", format_func=POLICY_HELP.get)

quality = None
if policy == "quality":
    scored = guard(cached_quality, name, stored.ids)
    if scored is None:
        st.stop()
    quality, column = scored
    controls[1].caption(f"by {md(column)}" + (" (lower is better)" if column == "slop_score" else ""))
vectors = None
if policy == "central":
    vectors = guard(cached_vectors, name, method)
    if vectors is None:
        st.stop()
grouping = guard(regroup, stored, threshold=threshold, policy=policy, quality=quality, vectors=vectors)
if grouping is None:
    st.stop()
summary = grouping.summary

metrics = st.columns(4)
metrics[0].metric("Rows removed", f"{summary['removed']:,} ({summary['removed_fraction']:.1%})")
metrics[1].metric("Groups", f"{summary['groups']:,}")
metrics[2].metric("Rows in groups", f"{summary['rows_in_groups']:,}")
metrics[3].metric("Rows kept", f"{summary['kept']:,}")
frame = load_frame(name)
marks = frame.set_index("id")["mark"]
already = int((marks.reindex(grouping.removed_ids) == "exclude").sum())
keepers_out = int((marks.reindex(stored.ids[grouping.keep & (grouping.group_ids >= 0)]) == "exclude").sum())
notes = [f"{already:,} of them already excluded"] if already else []
notes += [f"{keepers_out:,} keepers are excluded already: those groups would keep no row"] if keepers_out else []
st.caption(f"Preview: {md(summary['message'])}" + "".join(f" · {md(n)}" for n in notes),
           help="Nothing is marked until you press the button below.")

undo_banner("dups", dataset, "Marks v{marks_version}: {message}")
if summary["removed"] and st.button(f"Exclude {summary['removed']:,} duplicates (keep one row per group)",
                                    key="dups.apply", type="primary"):
    result = guard(apply_dedup, dataset, method=method, threshold=threshold, policy=policy, grouping=grouping)
    if result is not None:
        st.session_state["dups.applied"] = {**result, "dataset": name}
        st.toast(f"Excluded {result['marked']:,} rows")
        st.rerun()
if summary["groups"] == 0:
    st.info("No duplicate groups at this threshold.")
    st.stop()

# ---- groups: a list to pick from, the map, and the picked group side by side ---------------------------
groups = grouping.groups
snippets = cached_snippets(name, method)
hit = np.flatnonzero(stored.ids == st.session_state.get("dups.focus"))
focus_group = int(grouping.group_ids[hit[0]]) if len(hit) else -1
if focus_group < 0:
    focus_group = int(groups["group"].iloc[0])
listing = groups.head(LIST_GROUPS)
listing = listing.assign(keeper_text=listing["keeper"].map(snippets).fillna(""))


def _pick_group():
    rows = dict(st.session_state.get("dups.groups") or {}).get("selection", {}).get("rows", [])
    if rows and rows[0] < len(listing):
        st.session_state["dups.focus"] = listing["first"].iloc[rows[0]]


left, right = st.columns([3, 2])
with right:
    st.markdown(f"**{len(groups):,} groups**, largest first, then least similar — pick one to read it")
    st.dataframe(listing[["size", "max_sim", "keeper_text"]], key="dups.groups", on_select=_pick_group,
                 selection_mode="single-row", hide_index=True, height=480, width="stretch",
                 column_config={"max_sim": st.column_config.NumberColumn("max sim", format="%.2f"),
                                "keeper_text": st.column_config.TextColumn("keeper", width="large")})
    if len(groups) > LIST_GROUPS:
        st.caption(f"listing the first {LIST_GROUPS:,}; the button excludes duplicates in all {len(groups):,}")
with left:
    placed = frame[frame["x"].notna()].reset_index(drop=True)
    if len(placed):
        placed = placed.assign(dup_status=status_column(placed, stored.ids, grouping.group_ids, grouping.keep))
        in_focus = placed["id"].isin(grouping.members(focus_group)).to_numpy()
        fig = style_map(figure(placed, "dup_status", highlight=in_focus))
        st.plotly_chart(fig, key="dups.map", config={"displaylogo": False})
    else:
        st.info("Build the dataset (Map page) to see the groups on the map.")

group = groups[groups["group"] == focus_group].iloc[0]
keeper, others = group["keeper"], [m for m in grouping.members(focus_group) if m != group["keeper"]]
st.subheader(f"Group of {group['size']:,}: keeper and {len(others):,} duplicate{'s' * (len(others) != 1)}")
st.caption("Words only in the keeper are red, words only in the duplicate green. The keeper is chosen by "
           f"the policy ({md(policy)}); the others are what the button excludes.")
texts = full_rows(dataset, [keeper, *others[:SHOW_MEMBERS]]).set_index("id")
in_group = np.isin(stored.i, np.flatnonzero(grouping.group_ids == focus_group))
sims = dict(zip(zip(stored.ids[stored.i[in_group]], stored.ids[stored.j[in_group]]), stored.sim[in_group]))
for other in others[:SHOW_MEMBERS]:
    a, b = diff_html(texts.at[keeper, "text"], texts.at[other, "text"])
    sim = sims.get((keeper, other), sims.get((other, keeper)))
    sim_text = f" · similarity {sim:.2f}" if sim is not None else " · linked through another member"
    cols = st.columns(2)
    cols[0].html(text_box(a, title=f"keeper · {texts.at[keeper, 'source']} · {keeper}"
                          + (f" · marked {marks.get(keeper)}" if marks.get(keeper) else "")))
    cols[1].html(text_box(b, title=f"duplicate · {texts.at[other, 'source']} · {other}{sim_text}"
                          + (f" · marked {marks.get(other)}" if marks.get(other) else "")))
if len(others) > SHOW_MEMBERS:
    st.caption(f"showing {SHOW_MEMBERS:,} of {len(others):,} duplicates in this group")
with st.expander("Member ids of this group"):
    st.code("\n".join([keeper, *others]), language=None)
