"""Checks page: before a mix ships, is any eval item in it, are its rows in the intended languages, does it hold
personal data or secrets? Each check with its count, the map coloured by it, the rows to read, one undoable
step to exclude what it flags; a slice per language."""
import streamlit as st

from mixmap.core.checks.actions import exclude_flagged
from mixmap.core.curate.slices import save_slice
from mixmap.core.explore.view import full_rows
from mixmap.ui.checks import (
    COLOUR_COLUMN,
    checking,
    checks_frame,
    contamination_boxes,
    flagged_mask,
    language_box,
    pii_box,
    start_check,
    summary,
    summary_table,
)
from mixmap.ui.escape import md
from mixmap.ui.mapview import figure
from mixmap.ui.quality import style_map
from mixmap.ui.state import chosen_dataset, guard, undo_banner, workspace

st.title("Checks")
name, dataset = chosen_dataset()
running = checking(name)
st.caption("Release checks, all offline: long n-gram overlap with eval sets (13 words, as GPT-3's "
           "decontamination), the language of every row, and e-mail addresses, phone numbers, IP addresses, card "
           "numbers and credentials (redact them with Export → Redact, or `mixmap export --redact`).")

run = st.columns([1, 1, 3])
if run[0].button("Identify languages", key="checks.run_langid", disabled=running):
    start_check(name, "langid")
    st.rerun()
if run[1].button("Find personal data", key="checks.run_pii", disabled=running):
    start_check(name, "pii")
    st.rerun()
with run[2].container(border=True):
    refs = [d for d in workspace().list_datasets() if d != name]
    ref_cols = st.columns([3, 2, 2], vertical_alignment="bottom")
    against = ref_cols[0].selectbox("Eval set", refs, key="checks.against", disabled=not refs,
                                    help="Another dataset in the workspace: ingest the eval set first")
    n = ref_cols[1].number_input("n (words)", 5, 50, 13, key="checks.n")
    if ref_cols[2].button("Decontaminate", key="checks.run_decontam", disabled=running or not refs):
        start_check(name, "decontam", against=against, n=int(n))
        st.rerun()
if running:
    st.info(f"A check is running on **{md(name)}**; this page updates when it is done.")

entries = summary(name)
st.dataframe(summary_table(entries), hide_index=True, width="stretch", key="checks.summary")
ran = [e for e in entries if e["ran"]]
if not ran:
    st.info("No check has run on this dataset yet: start one above.")
    st.stop()

titles = {e["check"]: e["title"] for e in ran}
check = st.radio("Look at", list(titles), format_func=titles.get, horizontal=True, key="checks.check")
frame = checks_frame(name)
keep: tuple[str, ...] = ()
if check == "langid":
    entry = next(e for e in ran if e["check"] == "langid")
    languages = [k for k in entry["languages"] if k != "none"]
    keep = tuple(st.multiselect("Languages to keep", languages, default=[entry["main"]] if entry["main"] else [],
                                key="checks.keep", help="Rows in other languages (or in none) are flagged"))
    if st.button(f"Save a slice per language ({min(len(languages), 12):d})", key="checks.slices"):
        for code in languages[:12]:
            guard(save_slice, dataset, f"lang_{code}", {"where": ["lang", "=", code]},
                  note=f"rows in language {code} (Checks page)")
        st.toast(f"Saved slices {md('lang_' + ', lang_'.join(languages[:12]))}: use them on the Mixes page")

flagged = flagged_mask(frame, name, check, keep=keep)
mapped = frame[frame["x"].notna()].reset_index(drop=True)
mapped_flags = mapped["id"].isin(set(frame.loc[flagged, "id"])).to_numpy()
left, right = st.columns([3, 1])
left.markdown(f"**{int(flagged.sum()):,}** of {len(frame):,} rows flagged by *{md(titles[check].lower())}*.")
if len(mapped):
    colour = COLOUR_COLUMN[check]
    st.plotly_chart(style_map(figure(mapped, colour, highlight=mapped_flags, dataset=dataset)), key="checks.map",
                    config={"displaylogo": False})
else:
    st.caption("Build the map (Map page) to see where the flagged rows are.")

undo_banner("checks", dataset, "Excluded {marked:,} rows ({message})")
if right.button(f"Exclude these {int(flagged.sum()):,} rows", key="checks.exclude", type="primary",
                disabled=not flagged.any()):
    result = guard(exclude_flagged, dataset, check, keep=keep or None)
    if result is not None:
        st.session_state["checks.applied"] = {"dataset": name, "marked": result["excluded"], "message": result["message"]}
        st.rerun()

st.subheader("Rows to read")
count = st.number_input("Rows", 1, 50, 5, key="checks.rows")
shown = frame[flagged].head(int(count))
texts = full_rows(dataset, shown["id"].tolist()).set_index("id")["text"] if len(shown) else {}
for row in shown.itertuples():
    text = str(texts.get(row.id, ""))
    title = f"{row.source} · {row.cluster_label} · {row.id}"
    if check == "pii":
        st.html(pii_box(text, f"{row.pii_kinds} · {title}"))
    elif check == "decontam":
        for box in contamination_boxes(name, row.id, text, f"{row.contam_refs} · {title}"):
            st.html(box)
    else:
        st.html(language_box(text, row))
if not len(shown):
    st.caption("Nothing flagged.")
