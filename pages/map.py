"""Map page: the dataset as a 2-D map; select with box or lasso, read the rows, mark them."""
import streamlit as st

from core.cluster import read_cluster_info
from core.view import full_rows, numeric_columns
from ui.mapview import figure, load_frame, resolve_selection
from ui.state import chosen_dataset, guard, start_build

st.title("Map")
name, dataset = chosen_dataset()
if not dataset.has_frame("layout"):
    st.warning(f"**{name}** is not on the map yet: build it (embed → project → cluster).")
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


def _remember_chart_selection():
    # Widget callbacks copy the selection into our own keys, so it survives reruns caused by other
    # widgets (marking) and the most recent of map / cluster table wins.
    st.session_state["map.selection"] = dict(st.session_state.get("map.chart") or {}).get("selection")
    st.session_state["map.cluster_pick"] = None


def _remember_cluster_pick():
    rows = dict(st.session_state.get("map.clusters") or {}).get("selection", {}).get("rows", [])
    st.session_state["map.cluster_pick"] = clusters[rows[0]]["cluster"] if rows and rows[0] < len(clusters) else None
    st.session_state["map.selection"] = None


picked_cluster = st.session_state.get("map.cluster_pick")
if picked_cluster is not None and picked_cluster in {c["cluster"] for c in clusters}:
    selected = (frame["cluster"] == picked_cluster).to_numpy()
    label = next(c["label"] for c in clusters if c["cluster"] == picked_cluster)
    selection_label = f"cluster {label}"
else:
    selected = resolve_selection(frame, {"selection": st.session_state.get("map.selection")})
    selection_label = "map selection"

st.caption(f"{len(frame):,} rows · drag a box or lasso to select · colour by {color_by.replace('cluster_label', 'cluster')}")
st.plotly_chart(figure(frame, color_by, highlight=selected, dataset=dataset), key="map.chart", on_select=_remember_chart_selection,
                selection_mode=("box", "lasso", "points"), config={"displaylogo": False})

with st.expander(f"Clusters ({len(clusters)}) — pick one to select it", expanded=not (selected is not None and selected.any())):
    table = [{"cluster": c["cluster"], "label": c["label"], "size": c["size"]} for c in clusters]
    st.dataframe(table, key="map.clusters", on_select=_remember_cluster_pick, selection_mode="single-row", hide_index=True,
                 width="stretch", height=260)

if selected is None or not selected.any():
    st.info("Select rows on the map (box or lasso) or pick a cluster to read and mark them.")
    st.stop()

ids = frame.loc[selected, "id"].tolist()
st.subheader(f"{len(ids):,} rows selected ({selection_label})")
counts = frame.loc[selected, "mark"].replace("", "unmarked").value_counts().to_dict()
st.caption(" · ".join(f"{k}: {v:,}" for k, v in counts.items()))

with st.form("map.mark_form", border=True):
    cols = st.columns([1, 1, 1, 2])
    action = cols[0].radio("Mark", ["include", "exclude", "clear"], horizontal=False, key="map.mark_action")
    tag = cols[3].text_input("Add tag (optional)", key="map.tag", placeholder="e.g. needs-review")
    message = cols[3].text_input("Note for the history (optional)", key="map.message")
    apply = cols[1].form_submit_button(f"Apply to {len(ids):,} rows", type="primary")
if apply:
    mark = "" if action == "clear" else action
    touched = guard(dataset.apply_marks, ids, mark=mark, add_tags=[tag] if tag else [],
                    message=message or f"{action} {len(ids)} rows ({selection_label})")
    if touched is not None:
        st.toast(f"Marked {touched:,} rows {action}")
        st.rerun()

page_size = 200
shown = frame.loc[selected, ["id", "source", "cluster_label", "mark", "tags"]].head(page_size)
texts = full_rows(dataset, shown["id"].tolist())
shown = shown.merge(texts[["id", "text"]], on="id", how="left")
st.dataframe(shown, hide_index=True, width="stretch", key="map.selected_table",
             column_config={"text": st.column_config.TextColumn("text", width="large")})
if len(ids) > page_size:
    st.caption(f"showing the first {page_size} of {len(ids):,}; marking applies to all {len(ids):,}")
with st.expander("Read the full text of the first 10 selected rows"):
    for row in texts.head(10).itertuples():
        st.text(f"— {row.source} · {row.id}")
        st.text(row.text)  # st.text never interprets markup: data text stays inert
