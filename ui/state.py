"""Streamlit-side shared state: the workspace, the job registry, the chosen dataset, first-start setup."""
from __future__ import annotations

import threading

import streamlit as st

from mixmap.core.errors import MixmapError
from mixmap.core.settings import setting
from mixmap.core.store.paths import AppPaths
from mixmap.core.store.workspace import Workspace
from mixmap.ui.escape import md
from mixmap.ui.jobs import JobRegistry

DATASET_KEY = "dataset"


@st.cache_resource
def workspace() -> Workspace:
    return Workspace()


def app_paths() -> AppPaths:
    """Where the app may read (data folders, uploads, exports) and write (exports): every typed path is
    checked by it (mixmap.core.store.paths)."""
    return AppPaths.for_workspace(workspace().root)


def typed_path(label: str, *, key: str, placeholder: str | None = None):
    """A text input for a file inside the operator's data folders: the resolved path when it is allowed,
    None when empty; an outside path (absolute, `..`, a symlink out) is an st.error, never opened."""
    paths = app_paths()
    folders = ", ".join(str(d) for d in paths.data)
    typed = st.text_input(label, key=key, placeholder=placeholder,
                          help=f"A path inside a data folder ({md(folders)}), or relative to it.")
    return guard(paths.readable, typed) if typed.strip() else None


def data_folders_hint() -> None:
    """How to let the app read files on this machine, shown where it cannot yet."""
    st.caption("To read files on this machine instead of uploading them, start the app with "
               "`mixmap app --data-dir DIR` (repeatable).")


@st.cache_resource
def jobs() -> JobRegistry:
    return JobRegistry()


@st.cache_resource(show_spinner="Loading the embedding model…")
def _embedder(root: str, model: str, name: str):
    # Keyed on the model first: datasets built with the same model share one loaded copy. `name` only says
    # where to find a registered or workspace-local model (the static model's cache).
    from mixmap.core.embed.registry import dataset_embedder

    return dataset_embedder(workspace().dataset(name))


def embedder(name: str):
    """The dataset's own embedder (search by meaning, semantic slices, coverage), loaded once per model."""
    ds = workspace().dataset(name)
    model = ds.meta.get("model")
    return _embedder(str(workspace().root), model, name) if model else None


@st.cache_resource
def _started() -> dict:
    """Runs once per server: install the sample into an empty workspace and warm numba in the background."""
    ws = workspace()
    state = {"sample": None}
    if not ws.list_datasets():
        from mixmap.core.ingest.sample import SAMPLE_NAME

        try:
            state["sample"] = install_complete_sample(ws)
        except MixmapError as exc:
            state["sample"] = {"error": str(exc)}
        if state["sample"] and not state["sample"].get("prebuilt") and "error" not in state["sample"]:
            start_build(SAMPLE_NAME, fast=False)
    if setting("MIXMAP_WARMUP") != "0":
        threading.Thread(target=_warm_numba, name="mixmap-warm-numba", daemon=True).start()
    return state


def install_complete_sample(ws) -> dict:
    """The sample with its prebuilt map, plus signals, duplicate pairs and a reference set, so every page
    has its content on first open (a few seconds; without prebuilt artifacts the caller builds instead)."""
    from mixmap.core.ingest.sample import install_sample

    loaded = install_sample(ws)
    if loaded.get("prebuilt"):
        from mixmap.core.curate.first_open import complete_sample

        loaded["completed"] = complete_sample(ws, name=loaded["dataset"])["done"]
    return loaded


def _warm_numba() -> None:
    """Compile UMAP's numba kernels once, off the request path (a cold fit pays ~25 s otherwise)."""
    try:
        import numpy as np

        from mixmap.core.build.project import SizedUmap

        # >= 5,000 points, or only the small-data code path gets compiled.
        SizedUmap().fit_transform(np.random.default_rng(0).normal(size=(5000, 8)).astype("float32"))
    except Exception:
        pass


def ensure_started() -> dict:
    return _started()


def start_build(name: str, *, fast: bool, model: str | None = None):
    """Build (embed + project + cluster) in the background; the page stays usable."""
    from mixmap.core.build.pipeline import build_dataset
    from mixmap.core.embed.registry import load_embedder

    ws = workspace()

    def work(job):
        embedder = load_embedder(model, fast=fast, workspace=ws.root)
        return build_dataset(ws.dataset(name), embedder, progress=job.progress)

    return jobs().start("build", name, work)


def start_ingest_and_build(name: str, path, *, spec, source: str | None, on_error: str, fast: bool):
    """Ingest `path` into dataset `name` (created if new), then build it, in one background job.

    The name is checked before the job starts, so a bad name is an error on the page, not a failed job.
    """
    from mixmap.core.build.pipeline import build_dataset
    from mixmap.core.embed.registry import load_embedder
    from mixmap.core.ingest.files import ingest_into
    from mixmap.core.store.filters import validate_name

    validate_name(name)
    ws = workspace()

    def work(job):
        dataset = ws.dataset(name, create=True)
        job.progress("ingest", 0, 1)
        result = ingest_into(dataset, path, spec=spec, source=source, on_error=on_error)
        job.progress("ingest", 1, 1)
        build_dataset(dataset, load_embedder(None, fast=fast, workspace=ws.root), progress=job.progress)
        return result

    return jobs().start("ingest+build", name, work)


def dataset_picker(*, sidebar: bool = True) -> str | None:
    """The dataset every page works on, chosen once in the sidebar and kept across pages."""
    names = workspace().list_datasets()
    if not names:
        return None
    container = st.sidebar if sidebar else st
    current = st.session_state.get(DATASET_KEY)
    index = names.index(current) if current in names else 0
    chosen = container.selectbox("Dataset", names, index=index, key="sidebar.dataset")
    st.session_state[DATASET_KEY] = chosen
    return chosen


def chosen_dataset(*, jobs: bool = True):
    """(name, Dataset) the page works on, from the sidebar picker; with no dataset yet, a pointer to the
    Data page and a stop. `jobs` shows the dataset's background jobs with their progress bars."""
    name = dataset_picker()
    if name is None:
        st.info("No datasets yet. Load the sample or your own file on the Data page.")
        st.page_link("pages/data.py", label="Go to Data", icon="📥")
        st.stop()
    if jobs:
        show_jobs(name)
    return name, workspace().dataset(name)


def _eta(job, done: int, total: int) -> str:
    """ ' · about N min left' from the job's pace so far (blank until the first progress)."""
    import time

    if done <= 0 or done >= total:
        return ""
    left = (time.time() - job.started) * (total - done) / done
    return f" · about {left / 60:.0f} min left" if left >= 90 else f" · about {left:.0f} s left"


def show_jobs(dataset: str | None = None) -> None:
    """Progress bars for the jobs of a dataset; reruns itself every second while any job runs."""
    registry = jobs()

    @st.fragment(run_every=1.0 if registry.any_running(dataset) else None)
    def _panel():
        for job in registry.for_dataset(dataset)[:3]:
            if job.running:
                st.caption(f"{md(job.title)} of {md(job.dataset)}: running")
                for stage, (done, total) in job.stages.items():
                    st.progress(min(1.0, done / total), text=f"{md(stage)}: {done:,} / {total:,}{_eta(job, done, total)}")
            elif job.status == "failed":
                st.error(f"{md(job.title)} of {md(job.dataset)} failed: {md(job.error)}")
            elif job.finished and job.finished > st.session_state.get("jobs.seen", 0):
                st.success(f"{md(job.title)} of {md(job.dataset)} finished")
        if not registry.any_running(dataset) and st.session_state.get("jobs.was_running"):
            st.session_state["jobs.was_running"] = False
            st.rerun(scope="app")  # refresh the whole page once the work is done
        if registry.any_running(dataset):
            st.session_state["jobs.was_running"] = True

    _panel()


def guard(fn, *args, **kwargs):
    """Call core; show a MixmapError as st.error instead of a traceback. Returns None on error."""
    try:
        return fn(*args, **kwargs)
    except MixmapError as exc:
        st.error(md(exc))
        return None


def undo_banner(page: str, dataset, text: str) -> None:
    """The page's last bulk marking action (session key `<page>.applied`, formatted into `text`) with an
    Undo button (`<page>.undo`) beside it."""
    key = f"{page}.applied"
    applied = st.session_state.get(key)
    if not applied or applied.get("dataset") != dataset.name:
        return
    left, right = st.columns([4, 1])
    # numbers keep their format specs ({marked:,}); every other value is data and is escaped
    left.success(text.format(**{k: v if isinstance(v, int | float) else md(v) for k, v in applied.items()}))
    if right.button("Undo", key=f"{page}.undo"):
        from mixmap.core.store.marks import undo

        if guard(undo, dataset) is not None:
            st.session_state[key] = None
            st.toast("Undone")
            st.rerun()
