"""Coverage page: a reference set on the dataset's map, its gaps, spec coverage, sources and diversity."""
import numpy as np
import pandas as pd
import streamlit as st

from mixmap.core.coverage.analysis import add_reference, is_reference, references_of
from mixmap.core.coverage.spec import list_specs, parse_spec, read_spec, save_spec, spec_coverage
from mixmap.core.errors import MixmapError
from mixmap.ui import coverage as cov
from mixmap.ui.escape import md
from mixmap.ui.mapview import load_frame, resolve_selection
from mixmap.ui.state import (
    app_paths,
    chosen_dataset,
    data_folders_hint,
    embedder,
    guard,
    jobs,
    show_jobs,
    typed_path,
    workspace,
)

UNITS = {"cluster": "gap pockets (reference rows the data lacks)", "cell": "map cells", "map_cluster": "the data's own clusters"}
SPEC_EXAMPLE = """name: my-spec
capabilities:
  - name: SQL queries
    examples:
      - Write a SQL query that returns the ten best-selling products.
      - Find duplicate email addresses in a users table.
  - name: Poetry
    examples:
      - Write a haiku about autumn.
      - Compose a short poem about the sea.
"""

st.title("Coverage")
ws = workspace()
name, dataset = chosen_dataset(jobs=False)
if is_reference(dataset) and dataset.meta.get("map_of") in ws.list_datasets():
    st.caption(f"**{md(name)}** is a reference set; showing the dataset whose map it is on, "
               f"**{md(dataset.meta['map_of'])}**.")
    name = dataset.meta["map_of"]
    dataset = ws.dataset(name)
show_jobs(name)
if not dataset.has_frame("layout"):
    st.warning(f"**{md(name)}** is not on the map yet: build it on the Map page first.")
    st.stop()
frame = load_frame(name)
frame = frame[frame["x"].notna()].reset_index(drop=True)
on = cov.side_switch(dataset)
tab_ref, tab_spec, tab_src, tab_div = st.tabs(["Reference gaps", "Spec coverage", "Sources", "Diversity"])

# ---- reference gaps -----------------------------------------------------------------------------------
with tab_ref:
    refs = references_of(ws, name)
    with st.expander("Add a reference set (an eval suite, a domain corpus…)", expanded=not refs):
        st.caption(f"It is embedded with {md(name)}'s model and placed on this map with its fitted reducer: "
                   "no point of the data moves. A reference is never part of a mix or an export.")
        upload = st.file_uploader("JSONL, JSON, CSV, TSV or Parquet", key="coverage.ref_upload")
        typed = (typed_path("…or a file in a data folder", key="coverage.ref_path") if app_paths().data
                 else data_folders_hint())
        column = st.text_input("Text column (empty: guessed)", key="coverage.ref_column")
        ref_name = st.text_input("Reference name (empty: from the file name)", key="coverage.ref_name")
        if st.button("Add and place on the map", key="coverage.ref_add"):
            path = None
            if upload is not None:
                path = ws.save_upload(upload.name, upload.getvalue())
            elif typed is not None:
                path = typed
            if path is None:
                st.error("Upload a file or type an allowed path first.")
            else:
                from mixmap.core.ingest.files import TextSpec

                spec = TextSpec(column=column.strip()) if column.strip() else None
                jobs().start("reference", name, lambda job: add_reference(
                    dataset, path, name=ref_name.strip() or None, spec=spec,
                    progress=lambda d, t: job.progress("embed", d, t)))
                st.rerun()
    if not refs:
        st.info(f"**{md(name)}** has no reference set yet. Add one above, or from the CLI: "
                f"mixmap reference add {md(name)} FILE.")
    else:
        left, mid, right = st.columns([2, 2, 1])
        ref = left.selectbox("Reference set", refs, key="coverage.reference")
        unit = mid.radio("Gaps over", list(UNITS), format_func=UNITS.get, key="coverage.unit", horizontal=True)
        percentile = right.number_input("Radius percentile", 50.0, 99.0, 90.0, step=5.0, key="coverage.percentile",
                                        help="r = this percentile of the data's own nearest-neighbour distances")
        report = guard(cov.coverage_report, name, ref, float(percentile), (cov.versions(name), cov.versions(ref)), on)
        if report is not None:
            a, b, c, d = st.columns(4)
            a.metric("Coverage score", f"{report.score:.1%}",
                     help="share of reference rows with a row of the data within r (cosine distance)")
            b.metric("Radius r", f"{report.radius:.3f}", help=f"{report.percentile:g}th percentile of {md(name)}'s "
                     "distances from each row to its nearest distinct row")
            c.metric("Reference rows", f"{report.n_reference:,}")
            d.metric("Rows with no close data", f"{int((~report.reference_rows['covered']).sum()):,}")
            if report.pocket_method == "paired":
                st.caption(f"Paired sets: {report.twin_share:.0%} of the reference rows have a twin in "
                           f"{md(name)} (the same {md(report.on)}). A reference row counts as lacking data when its "
                           "twin is gone; the gap pockets are where those rows concentrate.")
            gaps = report.gaps.get(unit, [])
            picked = st.session_state.get("coverage.gap_pick")
            picked = picked if isinstance(picked, int) and 1 <= picked <= len(gaps) else (1 if gaps else None)
            layers = st.columns(2)
            show_density = layers[0].toggle("Density difference", value=True, key="coverage.show_density")
            show_reference = layers[1].toggle("Reference points", value=True, key="coverage.show_reference")
            st.plotly_chart(cov.coverage_figure(frame, report, unit=unit, show_density=show_density,
                                                show_reference=show_reference, selected=picked),
                            key="coverage.chart", config={"displaylogo": False})
            st.caption("Red cells: the reference is denser than the data there (thin data); blue: the data is "
                       "denser. Numbered circles: gaps, most significant shortfall of the data first.")
            if not gaps:
                st.success(f"No gaps by {md(UNITS[unit])}: no reference rows stand out as lacking nearby data.")
            else:
                def _remember_gap():
                    rows = dict(st.session_state.get("coverage.gaps") or {}).get("selection", {}).get("rows", [])
                    st.session_state["coverage.gap_pick"] = rows[0] + 1 if rows else None

                table = pd.DataFrame([{"rank": g.rank, "gap": g.label, "rows lacking data": round(g.uncovered, 1),
                                       "z": round(g.z, 1), "reference rows": g.n_ref, "data rows": g.n_cand,
                                       "data/reference (bound)": None if g.ratio_bound is None else round(g.ratio_bound, 3),
                                       "missing mass": g.missing_mass, "within r": g.covered_share} for g in gaps])
                st.subheader("Gaps, most significant first")
                st.caption("rows lacking data: reference rows here beyond what the data's rows would carry at the two "
                           "sets' overall ratio (estimated); z: how far that is from chance (gap pockets: -log10 of the "
                           "region's binomial tail); data/reference (bound): upper 95% bound of the data's share over "
                           "the reference's share there, the pockets' ranking (lower = surer gap); missing mass: rows "
                           "lacking data as a share of the reference; within r: reference rows with a data row within r."
                           + (" Paired sets: z is -log10 of the scan's permutation p-value (at most 2 with 99 "
                              "permutations), and every row listed has no twin in the data."
                              if report.pocket_method == "paired" else ""))
                st.dataframe(table, hide_index=True, width="stretch", key="coverage.gaps", on_select=_remember_gap,
                             selection_mode="single-row", column_config={
                                 c: st.column_config.NumberColumn(format="percent") for c in ("missing mass", "within r")})
                gap = gaps[picked - 1]
                st.markdown(f"**Gap {gap.rank:d}** · {gap.n_ref:,} reference rows, about {gap.uncovered:.0f} of them "
                            f"lacking nearby data (z = {gap.z:.1f}) · {gap.missing_mass:.1%} of the reference")
                st.text(gap.label)
                text_col = {"text": st.column_config.TextColumn("text", width="large"),
                            "distance": st.column_config.NumberColumn("distance", format="%.3f", width="small")}
                st.caption("Typical reference rows in this gap, with the distance to the nearest row of the data")
                st.dataframe(pd.DataFrame(gap.examples)[["distance", "text"]], hide_index=True, width="stretch",
                             key="coverage.gap_examples", column_config=text_col)
                st.caption(f"Nearest rows of {md(name)}, with the distance to their closest reference row in this gap")
                st.dataframe(pd.DataFrame(gap.nearest_candidates)[["distance", "text"]], hide_index=True,
                             width="stretch", key="coverage.gap_nearest", column_config=text_col)

# ---- spec coverage ------------------------------------------------------------------------------------
with tab_spec:
    st.caption("Write what the model must be able to do: capabilities, each with a few example prompts. Each is "
               f"compared with the rows of {md(name)}; under-covered capabilities come first. Specs are saved in the "
               "workspace.")
    saved = list_specs(ws)
    pick = st.selectbox("Spec", [*saved, "(new spec)"], key="coverage.spec_pick")
    text_key = f"coverage.spec_text.{pick}"
    upload = st.file_uploader("Upload a YAML spec", type=["yaml", "yml"], key="coverage.spec_upload")
    if upload is not None and st.session_state.get("coverage.spec_uploaded") != upload.file_id:
        st.session_state["coverage.spec_uploaded"] = upload.file_id
        st.session_state[text_key] = upload.getvalue().decode("utf-8", errors="replace")
    if text_key not in st.session_state:
        st.session_state[text_key] = read_spec(ws, pick).to_yaml() if pick in saved else SPEC_EXAMPLE
    text = st.text_area("Spec (YAML)", key=text_key, height=260)
    save_col, run_col = st.columns(2)
    if save_col.button("Save spec", key="coverage.spec_save"):
        spec = guard(parse_spec, text)
        if spec is not None:
            save_spec(ws, spec)
            st.toast(f"Saved spec {md(spec.name)}")
    if run_col.button("Check coverage", type="primary", key="coverage.spec_run"):
        try:
            spec = parse_spec(text)
            save_spec(ws, spec)
            model = embedder(name)
            st.session_state["coverage.spec_report"] = spec_coverage(dataset, spec, embedder=model, on=on)
        except MixmapError as exc:
            st.error(md(exc))
    report = st.session_state.get("coverage.spec_report")
    if report is not None and report.candidate == name:
        st.subheader(f"Spec {md(report.spec)}: under-covered first")
        st.dataframe(report.table(), hide_index=True, width="stretch", key="coverage.spec_table",
                     column_config={"coverage": st.column_config.ProgressColumn(min_value=0, max_value=1,
                                                                                format="percent")})
        st.caption(f"coverage = share of a capability's examples with a row within r = {report.radius:.3f}, the prompt "
                   "radius (90% of the data's own prompts have another row this close); near rows = rows within r "
                   "of any of its examples; nearest distance = median distance from an example to its closest row.")
        for cap in report.capabilities:
            with st.expander(f"{cap.rank:d}. {md(cap.name)} · coverage {cap.coverage:.0%} · {cap.near_rows:,} near rows"):
                st.dataframe(pd.DataFrame(cap.examples)[["text", "distance"]].rename(columns={"text": "example"}),
                             hide_index=True, width="stretch")
                st.caption("Closest rows of the data")
                st.dataframe(pd.DataFrame(cap.rows)[["text", "distance"]], hide_index=True, width="stretch")

# ---- sources ------------------------------------------------------------------------------------------
with tab_src:
    comparison = guard(cov.sources, name, cov.versions(name), on)
    if comparison is not None:
        names = list(comparison.by_source["source"])
        if len(names) < 2:
            st.info(f"**{md(name)}** has one source ({md(', '.join(map(str, names)))}); ingest more files with their own --source "
                    "to compare them.")
        st.subheader("Clusters each source covers")
        st.dataframe(comparison.by_source, hide_index=True, width="stretch", key="coverage.by_source",
                     column_config={"share_of_clusters": st.column_config.NumberColumn(format="percent")})
        st.subheader(f"Regions only one source covers (≥{comparison.skew:.0%} of a cluster)")
        if comparison.single_source.empty:
            st.caption("None: every cluster mixes sources.")
        else:
            st.dataframe(comparison.single_source, hide_index=True, width="stretch", key="coverage.single_source",
                         column_config={"share": st.column_config.NumberColumn(format="percent")})
        st.subheader("Share of each cluster by source")
        st.plotly_chart(cov.shares_figure(comparison.shares, names), key="coverage.shares_chart",
                        config={"displaylogo": False})

# ---- diversity ----------------------------------------------------------------------------------------
with tab_div:
    selected = None
    pick_cluster = st.session_state.get("map.cluster_pick")
    if pick_cluster is not None:
        selected = (frame["cluster"] == pick_cluster).to_numpy()
    else:
        selected = resolve_selection(frame, {"selection": st.session_state.get("map.selection")})
    ids = tuple(frame.loc[selected, "id"]) if selected is not None and np.any(selected) else None
    table = guard(cov.diversity, name, cov.versions(name), ids)
    if table is not None:
        st.dataframe(table, hide_index=True, width="stretch", key="coverage.diversity")
        st.caption("Effective clusters = exp(entropy of the cluster shares), noise left out: k equal clusters "
                   "give k. Vendi score = exp(entropy of the eigenvalues of the cosine-similarity matrix / n) on "
                   "up to 5,000 rows: the effective number of distinct rows (1 = all alike). "
                   + ("The selection row is the selection made on the Map page." if ids else
                      "Select rows on the Map page to add a row for the selection."))
