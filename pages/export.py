"""Export page: write the marked subset or a saved mix (JSONL / Parquet / CSV / HF folder) with a manifest.

Exports are written only under `<workspace>/exports/` (a typed file name keeps its base name only, checked by
mixmap.core.store.paths) and handed to the browser with download buttons; the CLI exports anywhere."""
import io
import json
import time
import zipfile
from pathlib import Path

import streamlit as st

from mixmap.core.curate.mixes import list_mixes
from mixmap.core.export.mix import export_mix
from mixmap.core.export.write import FORMATS, export_rows, manifest_path
from mixmap.core.store.marks import marks_version, read_marks
from mixmap.ui.escape import md
from mixmap.ui.state import app_paths, chosen_dataset, guard, workspace

FORMAT_NAMES = {"jsonl": "JSONL", "parquet": "Parquet", "csv": "CSV", "hf": "Hugging Face datasets folder (save_to_disk)"}

st.title("Export")
name, dataset = chosen_dataset(jobs=False)
marks = read_marks(dataset)
included = sum(1 for m in marks.column("mark").to_pylist() if m == "include")
excluded = sum(1 for m in marks.column("mark").to_pylist() if m == "exclude")
total = dataset.count()
st.caption(f"{total:,} rows · {included:,} marked include · {excluded:,} marked exclude · marks version "
           f"{marks_version(dataset):d}")

mixes = list_mixes(dataset)
what = st.radio("Export", ["rows by their marks", "a saved mix"], horizontal=True, key="export.what",
                disabled=not mixes, help=None if mixes else "save a mix on the Mixes page first")
mix = None
if what == "a saved mix":
    mix = st.selectbox("Mix", mixes, key="export.mix")
    st.caption("The manifest records the recipe, slice definitions, seeds, the marks used, the tokenizer and "
               "per-component counts, so `mixmap export --manifest FILE` rebuilds the same bytes.")
else:
    choices = {
        "exclude": f"All but excluded rows ({total - excluded:,})",
        "include": f"Only rows marked include ({included:,})",
        "any": f"Every row ({total:,})",
    }
    marked = st.radio("Rows", list(choices), format_func=choices.get, key="export.marked")
fmt = st.selectbox("Format", FORMATS, key="export.format", format_func=FORMAT_NAMES.get)
stem = f"{name}-{mix}" if mix else name
paths = app_paths()
typed_name = st.text_input("File name" + (" (a folder)" if fmt == "hf" else ""),
                           value=f"{stem}_hf" if fmt == "hf" else f"{stem}.{fmt}",
                           key=f"export.out.{fmt}.{stem}" if mix else f"export.out.{fmt}",
                           help=f"Written inside {md(paths.exports)} (a path keeps only its last part); "
                                "download it below. The CLI's `mixmap export --out` writes anywhere.")
with_signals = st.checkbox("Include quality signal columns", key="export.signals",
                           disabled=not dataset.has_frame("signals"))
redact = st.checkbox("Redact personal data and secrets", key="export.redact", disabled=bool(mix),
                     help="E-mail addresses, phone numbers, IP addresses, card numbers and credentials become "
                          "<EMAIL>, <PHONE>, <IP_ADDRESS>, <CARD_NUMBER>, <SECRET> (see the Checks page); the "
                          "manifest records it. Rows by their marks only.")

if st.button("Export", type="primary", key="export.go") and (out := guard(paths.writable, typed_name)):
    frames = ("clusters", "signals") if with_signals else ("clusters",)
    frames += ("lm_signals",) if with_signals and dataset.has_frame("lm_signals") else ()
    if mix:
        manifest = guard(export_mix, dataset, mix, out, fmt=fmt, extra_frames=frames)
    else:
        manifest = guard(export_rows, dataset, out, fmt=fmt, marked=marked, extra_frames=frames, redact=redact)
    if manifest is not None:
        st.session_state["export.last"] = str(out)
        st.success(f"Wrote {manifest['counts']['rows_exported']:,} rows to {md(out)}")

last = st.session_state.get("export.last")
path = guard(paths.writable, Path(last).name) if last else None
if path is not None and path.exists() and manifest_path(path).is_file():
    manifest = json.loads(manifest_path(path).read_text(encoding="utf-8"))
    shown = {k: v for k, v in manifest.items() if k not in ("ids", "marks")}
    shown["ids"] = f"{len(manifest['ids']):,} ids (in the file)"
    if manifest.get("marks"):
        shown["marks"] = {k: len(v) for k, v in manifest["marks"].items()}
    st.subheader("Manifest")
    st.json(shown, expanded=1)
    st.code(f"mixmap export --manifest {manifest_path(path)}", language="bash")
    left, right = st.columns(2)
    if path.is_dir():  # zipped in memory: the app writes no file outside exports/, not even a temporary one
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for part in sorted(p for p in path.rglob("*") if p.is_file()):
                archive.writestr(str(part.relative_to(path)), part.read_bytes())
        left.download_button("Download data (zip)", buffer.getvalue(), file_name=f"{path.name}.zip",
                             key="export.download")
    else:
        left.download_button("Download data", path.read_bytes(), file_name=path.name, key="export.download")
    right.download_button("Download manifest", manifest_path(path).read_bytes(),
                          file_name=manifest_path(path).name, key="export.download_manifest")

with st.expander("Replay a manifest"):
    manifests = sorted(p.name for p in paths.exports.glob("*.manifest.json")) if paths.exports.is_dir() else []
    picked = st.selectbox("Manifest in the exports folder", manifests, key="export.replay_path", index=None,
                          placeholder="export something first" if not manifests else "pick a manifest")
    if st.button("Replay", key="export.replay", disabled=not picked):
        from mixmap.core.export.replay import replay_manifest

        manifest_file = guard(paths.readable, paths.exports / picked)
        # a new file beside the export (a replay never writes over what it checks), inside exports/
        replay_out = guard(paths.writable, f"replay-{time.strftime('%Y%m%d-%H%M%S')}-"
                                           f"{picked.removesuffix('.manifest.json')}")
        result = manifest_file and replay_out and guard(replay_manifest, workspace(), manifest_file,
                                                        out=replay_out, readable=paths.readable)
        if result:
            (st.success if result["identical"] else st.error)(
                f"{'Byte-identical' if result['identical'] else 'Different'}: {result['rows']:,} rows to "
                f"{md(result['output'])} (sha256 {md(result['sha256'][:16])}…)")
