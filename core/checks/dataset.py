"""Release checks on a stored dataset: run each over every row, store the results as per-row frames, summarise
them, and exclude what they flag in one undoable marks action.

    identify_dataset_languages(dataset)      # frame `langid`:   id, lang, lang_share, lang_second
    find_dataset_pii(dataset)                # frame `pii`:      id, pii_count, pii_<kind> counts, pii_kinds
    decontaminate(dataset, against, n=13)    # frame `decontam`: id, contaminated, contam_refs
                                             # + table `decontam_matches`: one row per (row, eval item) overlap
    check_summary(dataset)                   # each check: ran?, rows flagged, a one-line detail
    exclude_flagged(dataset, "pii")          # mark the flagged rows exclude: one marks version, undoable

The per-row frames hold one row per dataset row, so slices (`--where lang = fr`, `--where pii_count > 0`),
mixes and `export --with-signals` see their columns like any other frame's. The matches table keys rows by
`row_id`, so it is not mistaken for a per-row frame.
"""
from __future__ import annotations

import time

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from mixmap.core.checks.parallel import BATCH_ROWS, map_batches, workers_for
from mixmap.core.errors import MixmapError

LANG_FRAME, PII_FRAME, DECONTAM_FRAME, MATCHES_TABLE = "langid", "pii", "decontam", "decontam_matches"
CHECKS = ("decontam", "langid", "pii")
MIXED_SHARE = 0.8  # a row whose main language holds less than this share of its letters counts as mixed


class ChecksError(MixmapError):
    """A check cannot run or its results are missing; the message says which command makes them."""


def _timestamp() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


def _remember(dataset, check: str, summary: dict) -> None:
    with dataset.edit_meta() as meta:
        meta["checks"] = {**(meta.get("checks") or {}), check: summary}


def _run(dataset, fn, *, n_jobs: int, progress, stage: str, initializer=None, initargs=()):
    """(ids, results, batch sizes) of fn over the rows' texts in batches, in stored order."""
    total = dataset.count()
    if total == 0:
        raise ChecksError(f"dataset {dataset.name!r} has no rows; ingest a file first")
    ids: list[pa.Array] = []
    texts: list[list[str]] = []

    def batches():
        for batch in dataset.iter_rows(["id", "text"], batch_size=BATCH_ROWS):
            ids.append(batch.column("id"))
            texts.append(batch.column("text").to_pylist())
            yield texts[-1]

    results, done = [], 0
    for i, result in enumerate(map_batches(fn, batches(), workers=workers_for(n_jobs, total),
                                           initializer=initializer, initargs=initargs)):
        results.append(result)
        done += len(ids[i])
        texts[i] = None  # the batch's texts are not needed any more
        if progress:
            progress(stage, done, total)
    sizes = [len(a) for a in ids]
    return pa.concat_arrays([a.combine_chunks() if isinstance(a, pa.ChunkedArray) else a for a in ids]), results, sizes


# ---- language ---------------------------------------------------------------------------------------------
def _languages_batch(texts: list[str]) -> pd.DataFrame:
    from mixmap.core.checks.languages import identify_languages

    return identify_languages(texts)


def identify_dataset_languages(dataset, *, n_jobs: int = -1, progress=None) -> dict:
    """Language of every row (frame `langid`); returns rows per language, the main one, mixed rows."""
    started = time.perf_counter()
    ids, parts, _ = _run(dataset, _languages_batch, n_jobs=n_jobs, progress=progress, stage="langid")
    frame = pd.concat(parts, ignore_index=True)
    engines = frame.pop("lang_engine").value_counts().to_dict()
    table = pa.table({"id": ids, "lang": pa.array(frame["lang"], pa.string()),
                      "lang_share": pa.array(frame["lang_share"].to_numpy(np.float32)),
                      "lang_second": pa.array(frame["lang_second"], pa.string())})
    dataset.write_frame(LANG_FRAME, table)
    counts = frame["lang"].value_counts()
    seconds = time.perf_counter() - started
    summary = {"dataset": dataset.name, "rows": len(frame), "checked": _timestamp(),
               "main_language": next((k for k in counts.index if k), ""),
               "languages": {(k or "none"): int(v) for k, v in counts.head(30).items()},
               "no_language": int((frame["lang"] == "").sum()),
               "mixed_rows": int(((frame["lang_share"] < MIXED_SHARE) & (frame["lang"] != "")).sum()),
               "engines": {str(k): int(v) for k, v in engines.items()},
               "seconds": round(seconds, 2), "rows_per_s": round(len(frame) / max(seconds, 1e-9))}
    _remember(dataset, "langid", summary)
    return summary


# ---- personal data and secrets ----------------------------------------------------------------------------
def _pii_batch(texts: list[str]) -> dict:
    from mixmap.core.checks.pii import KINDS, find_pii

    counts = {kind: np.zeros(len(texts), np.int32) for kind in KINDS}
    for i, text in enumerate(texts):
        for span in find_pii(text or ""):
            counts[span.kind][i] += 1
    return counts


def find_dataset_pii(dataset, *, n_jobs: int = -1, progress=None) -> dict:
    """Personal data and secrets in every row (frame `pii`); returns rows and items found per kind."""
    from mixmap.core.checks.pii import KINDS, PLACEHOLDERS

    started = time.perf_counter()
    ids, parts, _ = _run(dataset, _pii_batch, n_jobs=n_jobs, progress=progress, stage="pii")
    counts = {kind: np.concatenate([p[kind] for p in parts]) for kind in KINDS}
    total = sum(counts.values())
    kinds = [", ".join(k for k in KINDS if counts[k][i]) for i in range(len(total))] if len(total) else []
    table = pa.table({"id": ids, "pii_count": pa.array(total.astype(np.int32)),
                      **{f"pii_{k}": pa.array(counts[k]) for k in KINDS}, "pii_kinds": pa.array(kinds, pa.string())})
    dataset.write_frame(PII_FRAME, table)
    seconds = time.perf_counter() - started
    summary = {"dataset": dataset.name, "rows": len(total), "checked": _timestamp(),
               "rows_flagged": int((total > 0).sum()),
               "found": {k: int(counts[k].sum()) for k in KINDS}, "rows_by_kind": {k: int((counts[k] > 0).sum()) for k in KINDS},
               "placeholders": PLACEHOLDERS, "seconds": round(seconds, 2),
               "rows_per_s": round(len(total) / max(seconds, 1e-9))}
    _remember(dataset, "pii", summary)
    return summary


# ---- contamination ----------------------------------------------------------------------------------------
_INDEX = None
_ITEMS: list[str] = []


def _decontam_init(index, items: list[str]) -> None:
    global _INDEX, _ITEMS
    _INDEX, _ITEMS = index, items


def _decontam_batch(texts: list[str]) -> list[tuple]:
    from mixmap.core.checks.ngrams import find_overlaps, item_span

    out = []
    for hit in find_overlaps(texts, _INDEX):
        item_start, item_end = item_span(texts[hit.row], _ITEMS[hit.item], hit.length)
        out.append((hit.row, hit.item, hit.start, hit.end, item_start, item_end, hit.ngrams))
    return out


def decontaminate(dataset, against, *, n: int = 13, n_jobs: int = -1, progress=None) -> dict:
    """Rows sharing an n-gram (normalised words) with a row of the dataset `against` (an eval set): each overlap
    in `decontam_matches` (this reference's earlier results replaced), the per-row `decontam` frame redone."""
    from mixmap.core.checks.ngrams import build_index

    if n < 5 or n > 50:
        raise ChecksError(f"--n must be between 5 and 50 words, not {n}")
    if against.name == dataset.name:
        raise ChecksError("a dataset is not its own reference; give an eval set with --against")
    started = time.perf_counter()
    reference = against.read_rows(["id", "text"])
    if reference.num_rows == 0:
        raise ChecksError(f"reference {against.name!r} has no rows; ingest the eval set first")
    items = [t or "" for t in reference.column("text").to_pylist()]
    index = build_index(items, n=n, min_tokens=min(8, n))
    ids, parts, sizes = _run(dataset, _decontam_batch, n_jobs=n_jobs, progress=progress, stage="decontam",
                             initializer=_decontam_init, initargs=(index, items))
    rows, base = [], 0  # (row offset in the dataset, item, row span, item span, n-grams)
    for part, size in zip(parts, sizes):
        rows += [(base + r, *rest) for r, *rest in part]
        base += size
    item_ids = reference.column("id").to_pylist()
    new = pa.table({
        "row_id": pa.array([ids[r[0]].as_py() for r in rows], pa.string()),
        "ref": pa.array([against.name] * len(rows), pa.string()),
        "item_id": pa.array([item_ids[r[1]] for r in rows], pa.string()),
        "row_start": pa.array([r[2] for r in rows], pa.int32()), "row_end": pa.array([r[3] for r in rows], pa.int32()),
        "item_start": pa.array([r[4] for r in rows], pa.int32()), "item_end": pa.array([r[5] for r in rows], pa.int32()),
        "ngrams": pa.array([r[6] for r in rows], pa.int32()), "n": pa.array([n] * len(rows), pa.int32())})
    old = dataset.read_frame(MATCHES_TABLE)
    if old is not None:
        new = pa.concat_tables([old.filter(pc.not_equal(old.column("ref"), against.name)).cast(new.schema), new])
    dataset.write_frame(MATCHES_TABLE, new)
    dataset.write_frame(DECONTAM_FRAME, _per_row(ids, new))
    seconds = time.perf_counter() - started
    summary = {"dataset": dataset.name, "against": against.name, "n": n, "rows": len(ids), "checked": _timestamp(),
               "eval_items": len(items), "eval_items_too_short": index.skipped,
               "rows_flagged": len({r[0] for r in rows}), "items_matched": len({r[1] for r in rows}),
               "matches": len(rows), "seconds": round(seconds, 2), "rows_per_s": round(len(ids) / max(seconds, 1e-9))}
    with dataset.edit_meta() as meta:  # one reference's summary added, the others' kept (also when run at once)
        checks = dict(meta.get("checks") or {})
        checks["decontam"] = {**(checks.get("decontam") or {}), against.name: summary}
        meta["checks"] = checks
    return summary


def _per_row(ids: pa.Array, matches: pa.Table) -> pa.Table:
    """id, contaminated (eval items matched, all references), contam_refs ("ref1, ref2") for every row."""
    frame = matches.select(["row_id", "ref", "item_id"]).to_pandas()
    items = frame.groupby("row_id")["item_id"].nunique()
    refs = frame.groupby("row_id")["ref"].agg(lambda r: ", ".join(sorted(set(r))))
    keys = pd.Index(ids.to_pylist())
    return pa.table({"id": ids, "contaminated": pa.array(items.reindex(keys).fillna(0).to_numpy(np.int32)),
                     "contam_refs": pa.array(refs.reindex(keys).fillna("").tolist(), pa.string())})
