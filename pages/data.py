"""Data page: load the sample or a file (an upload, or a path inside the operator's data folders), map its columns, build it; list datasets."""
import re
from pathlib import Path

import pandas as pd
import streamlit as st

from mixmap.core.errors import MixmapError
from mixmap.core.ingest.files import TextSpec, guess_spec, preview_records
from mixmap.ui.escape import md
from mixmap.ui.state import (
    app_paths,
    data_folders_hint,
    guard,
    install_complete_sample,
    jobs,
    show_jobs,
    start_build,
    start_ingest_and_build,
    typed_path,
    workspace,
)

st.title("Data")
ws = workspace()
show_jobs()

summary = ws.summary()
if summary:
    st.subheader("Datasets in this workspace")
    st.dataframe(pd.DataFrame(summary), hide_index=True, width="stretch", key="data.datasets")
    st.caption(f"workspace: {md(ws.root)}")
else:
    st.info("The workspace is empty. Load the bundled sample or your own file below.")

if "sample" not in ws.list_datasets() and st.button("Load the bundled sample (2,000 rows, ready map)", key="data.sample"):
    if guard(install_complete_sample, ws) is not None:
        st.session_state["dataset"] = "sample"
        st.rerun()

st.subheader("Add a file")
paths = app_paths()
sources = (["a file in a data folder"] if paths.data else []) + ["an upload"]
how = st.radio("From", sources, horizontal=True, key="data.how")
path: Path | None = None
if how == "an upload":
    upload = st.file_uploader("JSONL, JSON, CSV, TSV, Parquet (optionally .gz)", key="data.upload")
    if upload is not None:
        # Only the base name, cleaned, is used: an upload can never write outside the workspace's uploads/.
        path = ws.save_upload(upload.name, upload.getvalue())
else:
    path = typed_path("File or Hugging Face save_to_disk folder", key="data.path",
                      placeholder=str(paths.data[0] / "my_instructions.jsonl"))
if not paths.data:
    data_folders_hint()

if path is None:
    st.stop()
if not path.exists():
    st.error(f"{md(path)}: no such file or folder")
    st.stop()

try:
    preview = preview_records(path, limit=5)
except MixmapError as exc:
    st.error(md(exc))
    st.stop()
columns = list(preview[0].keys())
st.caption(f"Preview of {md(path.name)}")


def _cell(value) -> str:
    # Cut short (a 50 MB line must not be shipped to the browser) and made encodable (lone surrogates).
    return str(value)[:500].encode("utf-8", "replace").decode("utf-8")


st.dataframe(pd.DataFrame([{_cell(k): _cell(v) for k, v in record.items()} for record in preview]),
             hide_index=True, width="stretch", key="data.preview")

try:
    guessed = guess_spec(columns)
except MixmapError:
    guessed = TextSpec(column=columns[0])
modes = ["one column", "a template over columns", "a chat list"]
default_mode = 2 if guessed.chat_column else 1 if guessed.template else 0
mode = st.radio("Text comes from", modes, index=default_mode, horizontal=True, key="data.mode")
if mode == "one column":
    col = st.selectbox("Text column", columns, index=columns.index(guessed.column) if guessed.column in columns else 0,
                       key="data.text_column")
    spec = TextSpec(column=col)
elif mode == "a template over columns":
    template = st.text_area("Template ({column} placeholders; empty lines are dropped)",
                            value=guessed.template or "\n".join("{" + c + "}" for c in columns[:3]), key="data.template")
    spec = TextSpec(template=template)
else:
    col = st.selectbox("Chat column", columns, index=columns.index(guessed.chat_column) if guessed.chat_column in columns else 0,
                       key="data.chat_column")
    spec = TextSpec(chat_column=col)

left, mid, right = st.columns(3)
default_name = re.sub(r"[^A-Za-z0-9_\-]+", "_", path.name.split(".")[0]).strip("_-") or "data"
default_name = default_name if default_name[0].isalpha() else f"d_{default_name}"
name = left.text_input("Dataset", value=st.session_state.get("dataset") or default_name, key="data.dataset_name")
source = mid.text_input("Source name (optional)", value="", key="data.source",
                        placeholder="from a 'source' column, else the file name") or None
on_error = right.radio("Bad rows", ["skip", "abort"], horizontal=True, key="data.on_error",
                       help="skip: load the good rows and list the bad ones; abort: load nothing if any row is bad")
fast = st.toggle("Fast build (static model distilled from MiniLM; ~30x faster, coarser map)", key="data.fast",
                 value=False)

if st.button("Ingest and build", type="primary", key="data.go"):
    try:
        start_ingest_and_build(name, path, spec=spec, source=source, on_error=on_error, fast=fast)
        st.session_state["dataset"] = name
        st.rerun()
    except MixmapError as exc:
        st.error(md(exc))

for job in jobs().for_dataset()[:1]:
    result = job.result
    if job.status == "done" and result is not None and getattr(result, "bad_rows", None):
        st.warning(f"{len(result.bad_rows):,} bad rows were skipped:")
        st.text("\n".join(str(b) for b in result.bad_rows[:50]))

if summary:
    with st.expander("Rebuild an existing dataset"):
        target = st.selectbox("Dataset", [d["name"] for d in summary], key="data.rebuild_name")
        if st.button("Build missing stages", key="data.rebuild"):
            start_build(target, fast=False)
            st.rerun()
