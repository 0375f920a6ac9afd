"""Streamlit helpers for the Checks page: the background check jobs, the map frame with the checks' columns,
and the rows to read with their matches highlighted (data text always escaped: ui.quality.highlight_html)."""
from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from mixmap.core.checks.actions import check_summary, contamination_matches, flagged_ids
from mixmap.core.checks.dataset import decontaminate, find_dataset_pii, identify_dataset_languages
from mixmap.core.checks.pii import find_pii
from mixmap.core.quality.scoring import Span
from mixmap.ui.mapview import load_frame
from mixmap.ui.quality import highlight_html, row_box
from mixmap.ui.state import jobs, workspace

JOB_TITLE = "checks"
FRAMES = ("langid", "pii", "decontam")
COLOUR_COLUMN = {"langid": "language", "pii": "personal data", "decontam": "contamination"}


def start_check(name: str, check: str, *, against: str | None = None, n: int = 13):
    """Run one check on `name` in a background job (progress per batch of rows)."""
    ws = workspace()

    def work(job):
        dataset = ws.dataset(name)
        if check == "langid":
            return identify_dataset_languages(dataset, progress=job.progress)
        if check == "pii":
            return find_dataset_pii(dataset, progress=job.progress)
        return decontaminate(dataset, ws.dataset(against), n=n, progress=job.progress)

    return jobs().start(JOB_TITLE, name, work)


def checking(name: str) -> bool:
    return any(j.running and j.title == JOB_TITLE for j in jobs().for_dataset(name))


def _versions(name: str) -> tuple:
    ds = workspace().dataset(name)
    return tuple(ds.version(k) for k in ("rows", *FRAMES, "decontam_matches"))


@st.cache_data(show_spinner=False, max_entries=8)
def _summary(root: str, name: str, versions: tuple) -> list[dict]:
    return check_summary(workspace().dataset(name))


def summary(name: str) -> list[dict]:
    """check_summary, cached on the frames' versions."""
    return _summary(str(workspace().root), name, _versions(name))


@st.cache_data(show_spinner="Reading the checks…", max_entries=8)
def _check_columns(root: str, name: str, versions: tuple) -> pd.DataFrame:
    ds = workspace().dataset(name)
    out = pd.DataFrame({"id": pd.Series(dtype=str)})
    for kind, columns in (("langid", ["lang", "lang_share", "lang_second"]), ("pii", ["pii_count", "pii_kinds"]),
                          ("decontam", ["contaminated", "contam_refs"])):
        table = ds.read_frame(kind, ["id", *columns])
        if table is not None:
            out = out.merge(table.to_pandas(), on="id", how="outer")
    return out


def checks_frame(name: str) -> pd.DataFrame:
    """The map frame (rows with x, y, cluster, marks) plus each check's columns and one label column per
    check to colour the map by: language ("none" = no language), personal data (its kinds, or "none"),
    contamination (the eval sets matched, or "clean"); "not checked" where a check did not see the row."""
    frame = load_frame(name).merge(_check_columns(str(workspace().root), name, _versions(name)), on="id", how="left")
    if "lang" in frame:
        frame["language"] = frame["lang"].fillna("not checked").replace("", "none")
    if "pii_kinds" in frame:
        frame["personal data"] = frame["pii_kinds"].fillna("not checked").replace("", "none")
    if "contam_refs" in frame:
        frame["contamination"] = frame["contam_refs"].fillna("not checked").replace("", "clean")
    return frame


def flagged_mask(frame: pd.DataFrame, name: str, check: str, *, keep: tuple[str, ...] = ()) -> np.ndarray:
    ids = set(flagged_ids(workspace().dataset(name), check, keep=keep or None))
    return frame["id"].isin(ids).to_numpy()


def pii_box(text: str, title: str) -> str:
    """A row with its personal data and secrets highlighted, escaped by highlight_html."""
    spans = [Span(s.start, s.end, s.detail, s.kind, 1.0) for s in find_pii(text)]
    return row_box(highlight_html(text, spans), title=title, phrases=[f"{s.kind}: {s.phrase}" for s in spans])


def contamination_boxes(name: str, row_id: str, text: str, title: str) -> list[str]:
    """The row with its overlap highlighted, then each eval item it overlaps with that item's span highlighted."""
    ws = workspace()
    matches = contamination_matches(ws.dataset(name), ids=[row_id])
    if matches.empty:
        return [row_box(highlight_html(text, []), title=title, phrases=[])]
    spans = [Span(int(m.row_start), int(m.row_end), m.ref, "contaminated", float(m.ngrams)) for m in matches.itertuples()]
    out = [row_box(highlight_html(text, spans), title=title, phrases=[f"{m.ref}: {m.item_id}" for m in matches.itertuples()])]
    for m in matches.head(3).itertuples():
        items = ws.dataset(m.ref).read_rows(["id", "text"], ids=[m.item_id]).column("text").to_pylist()
        item = items[0] if items else ""
        out.append(row_box(highlight_html(item, [Span(int(m.item_start), int(m.item_end), m.ref, "eval item", 1.0)]),
                           title=f"eval item {m.ref}:{m.item_id} · {m.ngrams} shared {m.n}-grams", phrases=[]))
    return out


def language_box(text: str, row) -> str:
    second = f" · second: {row.lang_second}" if getattr(row, "lang_second", "") else ""
    title = f"{row.language} ({float(row.lang_share or 0):.0%} of its letters){second} · {row.source} · {row.id}"
    return row_box(highlight_html(text, []), title=title, phrases=[])


def summary_table(entries: list[dict]) -> pd.DataFrame:
    return pd.DataFrame([{"check": e["title"], "rows flagged": e["flagged"] if e["ran"] else None,
                          "checked": f"{e['rows_checked']:,} of {e['rows']:,} rows" if e["ran"] else "not run",
                          "detail": e["detail"] if e["ran"] else f"run it here or: {e['command']}"} for e in entries])
