"""Quality page: score every row, rank clusters by slop, colour the map by any signal, read a cluster's worst
rows with the matched phrases highlighted, exclude a cluster or a selection in one step, teach the score."""
import numpy as np
import streamlit as st

from mixmap.core.explore.view import full_rows, numeric_columns
from mixmap.core.quality.dataset import teach_scores
from mixmap.core.quality.scoring import SLOP_THRESHOLD, explain_row, overrepresented_phrases
from mixmap.core.store.marks import apply_marks
from mixmap.ui.escape import md
from mixmap.ui.mapview import figure, load_frame, resolve_selection
from mixmap.ui.quality import (
    highlight_html,
    legend_html,
    rank_table,
    ranking,
    reference_sample,
    row_box,
    scored_texts,
    scoring,
    start_score,
    style_map,
    text_width,
    top_rows,
)
from mixmap.ui.quality_lm import (
    checking,
    estimate_text,
    histogram,
    machine_shares,
    scored_rows,
    share_chart,
    start_lm_check,
)
from mixmap.ui.state import chosen_dataset, guard, undo_banner, workspace

st.title("Quality")
name, dataset = chosen_dataset()
running = scoring(name)

if not dataset.has_frame("signals"):
    if running:
        st.info(f"Scoring **{md(name)}** in the background; this page updates when it is done.")
        st.stop()
    st.info(f"**{md(name)}** is not scored yet. Scoring computes the Gopher / FineWeb quality signals and a slop "
            "score (overused LLM phrasing, boilerplate, refusals, chat-model formatting) for every row; about "
            "5,000 rows a second per core.")
    if st.button("Score this dataset", key="quality.score", type="primary"):
        start_score(name)
        st.rerun()
    st.stop()

frame = load_frame(name)
has_taught = "taught_score" in frame.columns and frame["taught_score"].notna().any()
meta = dataset.meta.get("quality") or {}
head = st.columns([3, 1])
head[0].caption(f"Scored {meta.get('rows', len(frame)):,} rows ({md(str(meta.get('scored', '?')).replace('T', ' ')[:16])} "
                "UTC). Slop score: 0 = reads human-written, 1 = full of chat-model habits (weights in core/slop.py).")
if head[1].button("Score again", key="quality.rescore", disabled=running):
    start_score(name)
    st.rerun()

if st.session_state.pop("quality.use_taught", False) and has_taught:
    st.session_state["quality.column"] = "taught_score"  # set before the radio exists, as Streamlit requires
controls = st.columns([1, 2, 1])
column = controls[0].radio("Score", ["slop_score", "taught_score"] if has_taught else ["slop_score"],
                           key="quality.column", help="taught_score: refined from your labels (Teach it, below)")
threshold = controls[1].slider("Slop threshold", 0.0, 1.0, SLOP_THRESHOLD, 0.05, key="quality.threshold",
                               help="A row counts as slop above this score.")
rank_by = controls[2].radio("Rank clusters by", ["mean", "share"], key="quality.rank_by",
                            format_func={"mean": "mean score", "share": "share above threshold"}.get)

scored = frame[frame[column].notna()]
metrics = st.columns(4)
metrics[0].metric("Rows scored", f"{len(scored):,}")
metrics[1].metric("Mean score", f"{scored[column].mean():.2f}")
metrics[2].metric("Above threshold", f"{int((scored[column] > threshold).sum()):,} "
                  f"({(scored[column] > threshold).mean():.1%})")
if "gopher_pass" in scored:
    metrics[3].metric("Pass Gopher rules", f"{scored['gopher_pass'].astype(bool).mean():.1%}",
                      help="datatrove / NeMo Curator thresholds, made for web pages of 50+ words: information, "
                           "not a verdict, on short answers")
if len(scored) < len(frame):
    st.warning(f"{len(frame) - len(scored):,} rows were added after scoring; score again to include them.")

with st.expander("LM check: estimated machine share per cluster (slop score v2)",
                 expanded=dataset.has_frame("lm_signals")):
    st.caption("A small language model (SmolLM2-135M, packaged, offline) reads a stratified sample of rows "
               "(30-50 per cluster) and scores how predictable each response is given its prompt; combined "
               "with the lexical signals this is slop v2, a calibrated P(machine-written) at a 50% prior. "
               "Shares are over the sample, with 95% intervals; unscored rows stay unscored. See docs/slop.md.")
    lm_running = checking(name)
    sample = st.number_input("Rows to sample (0 = 30-50 per cluster)", 0, 100_000, 0, step=100,
                             key="quality.lm_sample") or None
    if dataset.has_frame("clusters") and not lm_running:
        st.caption(md(guard(estimate_text, dataset, sample) or ""))
    if st.button("Run the LM check", key="quality.lm_go", disabled=lm_running or not dataset.has_frame("clusters")):
        start_lm_check(name, sample)
        st.rerun()
    if dataset.has_frame("lm_signals") and dataset.has_frame("clusters"):
        shares = guard(machine_shares, name)
        if shares is not None:
            st.plotly_chart(share_chart(shares), key="quality.lm_chart", config={"displaylogo": False})
            st.dataframe(shares, hide_index=True, width="stretch", height=240, key="quality.lm_table",
                         column_config={"cluster": None, "machine_share": st.column_config.ProgressColumn(
                             "machine share", min_value=0.0, max_value=1.0, format="percent")})
        lm_rows = scored_rows(name)
        cols = st.columns(2)
        cols[0].caption("Slop v2 of the scored rows")
        cols[0].plotly_chart(histogram(lm_rows, "slop_v2"), key="quality.lm_hist")
        cols[1].caption("Perplexity (a plain quality signal: garbled or broken text is extreme)")
        cols[1].plotly_chart(histogram(lm_rows, "lm_perplexity", log_x=True), key="quality.ppl_hist")
        extreme = lm_rows.nlargest(5, "lm_perplexity")[["lm_perplexity", "slop_v2", "text"]]
        st.dataframe(extreme.assign(text=extreme["text"].str.slice(0, 200)), hide_index=True, width="stretch",
                     key="quality.ppl_rows")

if not dataset.has_frame("clusters") or not dataset.has_frame("layout"):
    st.info("Build the map (Map page) to rank clusters by slop and colour the map by any signal.")
    st.stop()

ranked = guard(ranking, name, column)
if ranked is None:
    st.stop()
table = rank_table(ranked, scored, column, threshold, rank_by)


def _remember_cluster_pick():
    rows = dict(st.session_state.get("quality.clusters") or {}).get("selection", {}).get("rows", [])
    st.session_state["quality.cluster_pick"] = int(table.iloc[rows[0]]["cluster"]) if rows and rows[0] < len(table) else None
    st.session_state["quality.selection"] = None


def _remember_chart_selection():
    st.session_state["quality.selection"] = dict(st.session_state.get("quality.chart") or {}).get("selection")
    st.session_state["quality.cluster_pick"] = None


st.subheader("Clusters ranked by slop")
shown = table.assign(why=table["why"].map(", ".join), phrases=table["phrases"].map(", ".join))
shown.insert(0, "rank", np.arange(1, len(shown) + 1))
st.dataframe(shown, key="quality.clusters", on_select=_remember_cluster_pick, selection_mode="single-row",
             hide_index=True, width="stretch", height=300,
             column_config={
                 "rank": st.column_config.NumberColumn("#", width="small"),
                 "cluster": None,
                 "label": st.column_config.TextColumn("cluster", width=text_width(shown["label"]), pinned=True),
                 "mean_score": st.column_config.ProgressColumn("mean score", min_value=0.0, max_value=1.0,
                                                               format="%.2f"),
                 "share_above": st.column_config.ProgressColumn(f"share > {threshold:.2f}", min_value=0.0,
                                                                max_value=1.0, format="percent"),
                 "why": st.column_config.TextColumn("why (slop markers)", width="large"),
                 "phrases": st.column_config.TextColumn("over-used vs rest", width="large")})
st.caption("Pick a cluster to read its worst rows, or select on the map below.")

mapped = frame[frame["x"].notna()].reset_index(drop=True)
signal_columns = [c for c in numeric_columns(mapped) if c not in ("slop_score", "taught_score")]
options = [column, *(["slop_score"] if column != "slop_score" else []), *signal_columns,
           "cluster_label", "source", "mark"]
color_by = st.selectbox("Colour the map by", options, key="quality.color_by",
                        format_func=lambda c: "cluster" if c == "cluster_label" else c)

picked = st.session_state.get("quality.cluster_pick")
if picked is not None and picked in set(table["cluster"].tolist()):
    selected = (mapped["cluster"] == picked).to_numpy()
    selection_label = f"cluster {table.loc[table['cluster'] == picked, 'label'].iloc[0]}"
else:
    selected = resolve_selection(mapped, {"selection": st.session_state.get("quality.selection")})
    selection_label = "map selection"
st.plotly_chart(style_map(figure(mapped, color_by, highlight=selected)), key="quality.chart",
                on_select=_remember_chart_selection, selection_mode=("box", "lasso"),
                config={"displaylogo": False})

undo_banner("quality", dataset, "Excluded {marked:,} rows ({message})")

if selected is None or not selected.any():
    st.info("Pick a cluster in the table or select rows on the map (box or lasso) to read and exclude them.")
    st.stop()

ids = mapped.loc[selected, "id"].tolist()
values = mapped.loc[selected, column]
st.subheader(f"{len(ids):,} rows selected ({md(selection_label)})")
st.caption(f"mean {md(column)} {values.mean():.2f} · {(values > threshold).mean():.0%} above {threshold:.2f} · marks: "
           + ", ".join(f"{md(k)}: {v:,}" for k, v in mapped.loc[selected, "mark"].replace("", "unmarked")
                       .value_counts().items()))
if st.button(f"Exclude these {len(ids):,} rows", key="quality.exclude", type="primary"):
    message = f"quality: exclude {selection_label} (mean {column} {values.mean():.2f})"
    touched = guard(apply_marks, dataset, ids, mark="exclude", message=message)
    if touched is not None:
        st.session_state["quality.applied"] = {"dataset": name, "marked": touched, "message": message}
        st.toast(f"Excluded {touched:,} rows")
        st.rerun()

texts = scored_texts(name)
inside = texts.reindex(ids).dropna()
REST = "the rest of this dataset"
with st.expander("Phrases this selection over-uses", expanded=True):
    others = [d for d in workspace().list_datasets() if d != name]
    against = st.selectbox("Compared with", [REST, *others], key="quality.against",
                           help="Another dataset in the workspace works as a reference, e.g. human-written text")
    if against == REST:
        rest_ids = mapped.loc[~selected, "id"]
        rest = texts.reindex(rest_ids.sample(min(len(rest_ids), 5_000), random_state=0) if len(rest_ids) else rest_ids)
        rest = rest.dropna().tolist()
    else:
        rest = guard(reference_sample, against) or []
    phrases = overrepresented_phrases(inside.head(3_000).tolist(), rest, top_k=15)
    if phrases:
        st.dataframe(phrases, hide_index=True, width="stretch", key="quality.phrases", height=215)
    else:
        st.caption(f"No phrase occurs 3+ times in 2+ rows of the selection and stands out against {md(against)}.")

st.markdown("**Worst rows of the selection**, matched phrases highlighted by kind: ")
st.html(legend_html())
count = st.number_input("Rows to read", 1, 50, 5, key="quality.examples")
examples = top_rows(mapped, selected, column, int(count))
full = full_rows(dataset, examples["id"].tolist()).set_index("id")
labels: dict = st.session_state.setdefault("quality.labels", {})


def _set_label(row_id: str) -> None:
    choice = st.session_state.get(f"quality.label.{row_id}")
    labels = st.session_state.setdefault("quality.labels", {})
    if choice in ("slop", "not slop"):
        labels[row_id] = 1 if choice == "slop" else 0
    else:
        labels.pop(row_id, None)


for row in examples.itertuples():
    text = str(full.at[row.id, "text"]) if row.id in full.index else ""
    spans = explain_row(text)
    title = f"{getattr(row, column):.2f} · {row.source} · {row.cluster_label} · {row.id}"
    st.html(row_box(highlight_html(text, spans), title=title, phrases=[s.phrase for s in spans]))
    current = {1: "slop", 0: "not slop"}.get(labels.get(row.id), "—")
    st.session_state.setdefault(f"quality.label.{row.id}", current)
    st.radio("Label", ["—", "slop", "not slop"], key=f"quality.label.{row.id}", horizontal=True,
             label_visibility="collapsed", on_change=_set_label, args=(row.id,))

with st.expander(f"Teach it: refine the score from your labels ({len(labels)} labelled)"):
    st.caption("Label a few rows above as slop / not slop (both kinds needed), then refine: a logistic "
               "regression on the embeddings plus the slop score scores every row as `taught_score`.")
    if st.button("Refine the score from my labels", key="quality.teach", disabled=not labels):
        result = guard(teach_scores, dataset, dict(labels))
        if result is not None:
            st.toast(f"Taught from {result['labels']:,} labels")
            st.session_state["quality.use_taught"] = True
            st.rerun()
