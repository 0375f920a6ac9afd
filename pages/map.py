"""Map page: the dataset as a 2-D map; select with box, lasso, a cluster or a search; read the rows, mark them."""
import streamlit as st

from mixmap.core.build.cluster import count_phrase, info_counts, read_cluster_info
from mixmap.core.explore.search import MODES as SEARCH_MODES
from mixmap.core.explore.search import similar_ids
from mixmap.core.explore.view import full_rows, numeric_columns
from mixmap.core.store.derived import behind_reason
from mixmap.core.store.marks import apply_marks
from mixmap.ui.escape import md
from mixmap.ui.mapview import (
    MARK_ACTIONS,
    figure,
    load_frame,
    mark_blocked_reason,
    resolve_selection,
    search_hits,
    selection_profile,
)
from mixmap.ui.state import chosen_dataset, guard, start_build

st.title("Map")
name, dataset = chosen_dataset()
behind = behind_reason(dataset, "layout") or behind_reason(dataset, "clusters")
if not dataset.has_frame("layout") or behind:
    st.warning(f"**{md(name)}** is not on the map yet: build it (embed → project → cluster)." if not behind else
               f"The map of **{md(name)}** was made from another model's vectors than its current ones: build it again.")
    left, right = st.columns(2)
    if left.button("Build with MiniLM", key="map.build"):
        start_build(name, fast=False)
        st.rerun()
    if right.button("Build fast (static model)", key="map.build_fast"):
        start_build(name, fast=True)
        st.rerun()
    st.stop()

frame = load_frame(name)
frame = frame[frame["x"].notna()].reset_index(drop=True)
options = ["cluster_label", "source", "mark", *numeric_columns(frame)]
color_by = st.sidebar.selectbox("Colour by", options, key="map.color_by",
                                format_func=lambda c: "cluster" if c == "cluster_label" else c)

clusters = read_cluster_info(dataset)


def _only(key: str, value) -> None:
    # Widget callbacks copy each way of selecting into our own keys, so a selection survives reruns caused
    # by other widgets (marking), and the most recent of map / cluster table / search wins.
    for other in ("map.selection", "map.cluster_pick", "map.search_pick", "map.id_pick"):
        st.session_state[other] = None
    st.session_state[key] = value


def _remember_chart_selection():
    _only("map.selection", dict(st.session_state.get("map.chart") or {}).get("selection"))


def _remember_cluster_pick():
    rows = dict(st.session_state.get("map.clusters") or {}).get("selection", {}).get("rows", [])
    _only("map.cluster_pick", clusters[rows[0]]["cluster"] if rows and rows[0] < len(clusters) else None)


def _remember_search():
    query = (st.session_state.get("map.search") or "").strip()
    by, k = st.session_state.get("map.search_by", "words"), st.session_state.get("map.search_k", 100)
    if query:
        _only("map.search_pick", (query, by, int(k)))
    else:  # an empty box (or a mode picked before typing) ends the search, not the map selection
        st.session_state["map.search_pick"] = None


search_cols = st.columns([4, 3, 1])
search_cols[0].text_input("Search", key="map.search", on_change=_remember_search,
                          placeholder="words, an exact phrase, or a meaning; Enter to search")
search_cols[1].radio("Search by", SEARCH_MODES, horizontal=True, key="map.search_by", on_change=_remember_search,
                     help="words: full text, rows with all the words (BM25) · text: the exact phrase · meaning: the nearest rows "
                          "by embedding, whatever their words")
search_cols[2].number_input("At most", min_value=1, max_value=1_000_000, value=100, step=50, key="map.search_k",
                            on_change=_remember_search)

ranked: list[str] | None = None  # search hits, best first
picked_cluster = st.session_state.get("map.cluster_pick")
search_pick = st.session_state.get("map.search_pick")
id_pick = st.session_state.get("map.id_pick")
if id_pick:
    selected = frame["id"].isin(id_pick["ids"]).to_numpy()
    selection_label = id_pick["label"]
elif search_pick:
    query, by, k = search_pick
    ranked = guard(search_hits, name, query, by, k) or []
    selected = frame["id"].isin(ranked).to_numpy()
    selection_label = f"search by {by}: {query[:60]!r}"
elif picked_cluster is not None and picked_cluster in {c["cluster"] for c in clusters}:
    selected = (frame["cluster"] == picked_cluster).to_numpy()
    label = next(c["label"] for c in clusters if c["cluster"] == picked_cluster)
    selection_label = f"cluster {label}"
else:
    selected = resolve_selection(frame, {"selection": st.session_state.get("map.selection")})
    selection_label = "map selection"

st.caption(f"{len(frame):,} rows · drag a box or lasso to select · colour by {md(color_by.replace('cluster_label', 'cluster'))}")
st.plotly_chart(figure(frame, color_by, highlight=selected, dataset=dataset), key="map.chart", on_select=_remember_chart_selection,
                selection_mode=("box", "lasso", "points"), config={"displaylogo": False})

with st.expander(f"{md(count_phrase(*info_counts(clusters)))} — pick one to select it", expanded=not (selected is not None and selected.any())):
    table = [{"cluster": c["cluster"], "label": c["label"], "size": c["size"]} for c in clusters]
    st.dataframe(table, key="map.clusters", on_select=_remember_cluster_pick, selection_mode="single-row", hide_index=True,
                 width="stretch", height=260)

if selected is None or not selected.any():
    if search_pick:
        st.info(f"No rows match the {md(selection_label)}.")
    st.info("Select rows on the map (box or lasso), pick a cluster or search to read and mark them.")
    st.stop()

ids = frame.loc[selected, "id"].tolist()
if ranked is not None:  # a search lists its rows best first
    on_map = set(ids)
    ids = [i for i in ranked if i in on_map]
head = st.columns([5, 1], vertical_alignment="bottom")
head[0].subheader(f"{len(ids):,} rows selected ({md(selection_label)})")
more_k = int(st.session_state.get("map.search_k", 100))
if head[1].button(f"Add {more_k:,} like these", key="map.similar",
                  help="Add the rows nearest the selection's mean embedding (how many: the search's 'At most')"):
    more = guard(similar_ids, dataset, ids, k=more_k)
    if more is not None:
        _only("map.id_pick", {"ids": ids + more, "label": f"{len(ids):,} selected + {len(more):,} like them"})
        st.rerun()
counts = frame.loc[selected, "mark"].replace("", "unmarked").value_counts().to_dict()
st.caption(" · ".join(f"{md(k)}: {v:,}" for k, v in counts.items()))

# a toggle, not an expander: an expander's body runs on every rerun, and at a million rows the profile
# costs a few tenths of a second that a curator who never opens it should not pay on each selection
if st.toggle("How the selection differs from all rows", key="map.profile_on"):
    profile_options = ["source", "cluster_label", "mark", *numeric_columns(frame)]
    profile_by = st.selectbox("Column", profile_options, key="map.profile_by",
                              format_func=lambda c: "cluster" if c == "cluster_label" else c)
    st.plotly_chart(selection_profile(frame, selected, profile_by), key="map.profile", config={"displaylogo": False})

# No action is picked in advance: a default of "include" meant one Apply right after a selection included
# rows by accident. Not a form, so Apply can be disabled (with the reason) until a choice is made.
if st.session_state.pop("map.mark_done", False):  # each Apply needs a fresh choice (set before the widget exists)
    st.session_state["map.mark_action"] = None
with st.container(border=True, key="map-mark"):
    cols = st.columns([1, 1, 1, 2])
    action = cols[0].radio("Mark", MARK_ACTIONS, index=None, horizontal=False, key="map.mark_action",
                           help="tag only: add the tag, leave include/exclude as they are")
    tag = cols[3].text_input("Add tag (optional)", key="map.tag", placeholder="e.g. needs-review").strip()
    message = cols[3].text_input("Note for the history (optional)", key="map.message")
    blocked = mark_blocked_reason(action, tag)
    apply = cols[1].button(f"Apply to {len(ids):,} rows", type="primary", key="map.apply", disabled=bool(blocked),
                           help=md(blocked) if blocked else None)
    if blocked:
        cols[1].caption(md(blocked))
if apply and not blocked:
    change = {} if action == "tag only" else {"mark": "" if action == "clear" else action}
    touched = guard(apply_marks, dataset, ids, **change, add_tags=[tag] if tag else [],
                    message=message or f"{action} {len(ids)} rows ({selection_label})")
    if touched is not None:
        st.toast(f"Marked {touched:,} rows: {md(action)}")
        st.session_state["map.mark_done"] = True
        st.rerun()

page_size = 200
columns = ["id", "source", "cluster_label", "mark", "tags"]
if ranked is None:
    shown = frame.loc[selected, columns].head(page_size)
else:  # search hits in their rank order (isin over the few shown: no index over every row)
    first = ids[:page_size]
    shown = frame.loc[frame["id"].isin(first), columns].set_index("id").loc[first].reset_index()
texts = full_rows(dataset, shown["id"].tolist())
shown = shown.merge(texts[["id", "text"]], on="id", how="left")
st.dataframe(shown, hide_index=True, width="stretch", key="map.selected_table",
             column_config={"text": st.column_config.TextColumn("text", width="large")})
if len(ids) > page_size:
    st.caption(f"showing the first {page_size:,} of {len(ids):,}; marking applies to all {len(ids):,}")
with st.expander("Read the full text of the first 10 selected rows"):
    for row in texts.head(10).itertuples():
        st.text(f"— {row.source} · {row.id}")
        st.text(row.text)  # st.text never interprets markup: data text stays inert
