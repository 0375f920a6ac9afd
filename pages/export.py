"""Export page: write the marked subset (or all but excluded) with a manifest beside it."""
import json
from pathlib import Path

import streamlit as st

from core.export import FORMATS, export_rows, manifest_path
from ui.state import dataset_picker, guard, workspace

st.title("Export")
name = dataset_picker()
if name is None:
    st.info("No datasets yet. Load one on the Data page.")
    st.stop()
dataset = workspace().dataset(name)
marks = dataset.read_marks()
included = sum(1 for m in marks.column("mark").to_pylist() if m == "include")
excluded = sum(1 for m in marks.column("mark").to_pylist() if m == "exclude")
total = dataset.count()
st.caption(f"{total:,} rows · {included:,} marked include · {excluded:,} marked exclude")

choices = {
    "exclude": f"All but excluded rows ({total - excluded:,})",
    "include": f"Only rows marked include ({included:,})",
    "any": f"Every row ({total:,})",
}
marked = st.radio("Rows", list(choices), format_func=choices.get, key="export.marked")
fmt = st.selectbox("Format", FORMATS, key="export.format")
default_out = workspace().root / "exports" / f"{name}.{fmt}"
out = Path(st.text_input("Write to", value=str(default_out), key=f"export.out.{fmt}")).expanduser()
with_signals = st.checkbox("Include quality signal columns", key="export.signals",
                           disabled=not dataset.has_frame("signals"))

if st.button("Export", type="primary", key="export.go"):
    frames = ("clusters", "signals") if with_signals else ("clusters",)
    manifest = guard(export_rows, dataset, out, fmt=fmt, marked=marked, extra_frames=frames)
    if manifest is not None:
        st.session_state["export.last"] = str(out)
        st.success(f"Wrote {manifest['counts']['rows_exported']:,} rows to {out}")

last = st.session_state.get("export.last")
if last and Path(last).is_file():
    path = Path(last)
    manifest = json.loads(manifest_path(path).read_text(encoding="utf-8"))
    shown = {k: v for k, v in manifest.items() if k != "ids"}
    shown["ids"] = f"{len(manifest['ids']):,} ids (in the file)"
    st.subheader("Manifest")
    st.json(shown, expanded=False)
    left, right = st.columns(2)
    left.download_button("Download data", path.read_bytes(), file_name=path.name, key="export.download")
    right.download_button("Download manifest", manifest_path(path).read_bytes(),
                          file_name=manifest_path(path).name, key="export.download_manifest")
