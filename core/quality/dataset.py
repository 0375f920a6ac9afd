"""Quality for a stored dataset: score every row into the `signals` frame, rank its clusters by slop.

    score_dataset(dataset)                   # writes `signals`: id + signal columns + slop_score
    table = cluster_slop(dataset)            # clusters ranked by slop: label, size, mean, share, why, phrases
    teach_scores(dataset, {row_id: 1, ...})  # curator labels + embeddings -> a `taught_score` column

What is scored: the response, when the row's `meta` (the columns ingest did not use as text) holds one
(RESPONSE_KEYS, e.g. `output` of an Alpaca row ingested with a template over instruction/input/output),
else the row's text; the instruction (INSTRUCTION_KEYS, plus INPUT_KEYS appended) gives the
response-to-instruction length ratio. Rows without an instruction get NaN there.
"""
from __future__ import annotations

import time
from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd
import pyarrow as pa

from mixmap.core.errors import MixmapError
from mixmap.core.explore.view import parse_meta
from mixmap.core.quality.scoring import (
    DEFAULT_WEIGHTS,
    SLOP_THRESHOLD,
    compute_signals,
    gopher_flags,
    overrepresented_by_cluster,
    overrepresented_phrases,
    refine_with_labels,
    slop_score,
    summarise_clusters,
)

RESPONSE_KEYS = ("output", "response", "completion", "answer", "chosen")
INSTRUCTION_KEYS = ("instruction", "prompt", "question", "query")
INPUT_KEYS = ("input", "context")
SCORE_COLUMNS = ("slop_score", "taught_score")
READ_BATCH = 50_000  # rows read, scored and kept per step: memory stays bounded on large datasets

StageProgress = Callable[[str, int, int], None]


def _field(meta: dict, keys: Sequence[str]) -> str | None:
    for key in keys:
        value = meta.get(key)
        if isinstance(value, str) and value.strip():
            return value
    return None


def scoring_inputs(texts: Sequence[str], metas: Sequence[str | None]) -> tuple[list[str], list[str] | None]:
    """(texts to score, instructions or None) for stored rows: the response and prompt from meta when there."""
    scored, prompts = [], []
    for text, raw in zip(texts, metas, strict=True):
        meta = parse_meta(raw)
        scored.append(_field(meta, RESPONSE_KEYS) or text or "")
        prompt = _field(meta, INSTRUCTION_KEYS)
        extra = _field(meta, INPUT_KEYS)
        prompts.append("\n".join(p for p in (prompt, extra) if p) if prompt else "")
    return scored, (prompts if any(prompts) else None)


def score_dataset(dataset, *, weights: dict[str, float] | None = None, progress: StageProgress | None = None,
                  n_jobs: int = -1) -> dict:
    """Compute the quality signals and slop score of every row; writes the `signals` frame (replaced whole).

    Columns: id, mixmap.core.quality.scoring.SIGNAL_COLUMNS + MARKER_COLUMNS, gopher_pass, fineweb_pass (the Gopher and
    FineWeb verdicts at the cited thresholds), slop_score (mixmap.core.quality.slop.DEFAULT_WEIGHTS overridden by
    `weights`). `progress(stage, done, total)` reports rows scored; `n_jobs` as in compute_signals.
    Returns a summary: rows, mean score, rows above SLOP_THRESHOLD, seconds.
    """
    total = dataset.count()
    if total == 0:
        raise MixmapError(f"dataset {dataset.name!r} has no rows; ingest a file first")
    slop_score(compute_signals([""]), weights=weights)  # unknown weight names fail before the long part
    started = time.perf_counter()
    parts, done = [], 0
    from_meta = 0
    for batch in dataset.iter_rows(["id", "text", "meta"], batch_size=READ_BATCH):
        texts, prompts = scoring_inputs(batch.column("text").to_pylist(), batch.column("meta").to_pylist())
        from_meta += sum(a != b for a, b in zip(texts, batch.column("text").to_pylist()))
        offset = done

        def report(d: int, t: int, offset: int = offset) -> None:
            if progress:
                progress("score", offset + d, total)

        signals = compute_signals(texts, instructions=prompts, n_jobs=n_jobs, progress=report)
        if prompts is not None:
            missing = np.array([not p for p in prompts])
            signals.loc[missing, "resp_instr_ratio"] = np.nan
        flags = gopher_flags(signals)
        signals["gopher_pass"] = flags["gopher_pass"].to_numpy()
        signals["fineweb_pass"] = flags["fineweb_pass"].to_numpy()
        signals["slop_score"] = slop_score(signals, weights=weights)
        signals.insert(0, "id", batch.column("id").to_pylist())
        parts.append(pa.Table.from_pandas(signals, preserve_index=False))
        done += batch.num_rows
    table = pa.concat_tables(parts)
    dataset.write_frame("signals", table, derived_from={"rows": table.num_rows})  # readers see rows added since
    scores = table.column("slop_score").to_numpy()
    merged = {**DEFAULT_WEIGHTS, **(weights or {})}
    summary = {"dataset": dataset.name, "rows": table.num_rows, "scored_response_field": from_meta,
               "mean_slop_score": round(float(scores.mean()), 4),
               "above_threshold": int((scores > SLOP_THRESHOLD).sum()), "threshold": SLOP_THRESHOLD,
               "gopher_pass": int(table.column("gopher_pass").to_numpy().sum()),
               "seconds": round(time.perf_counter() - started, 2)}
    with dataset.edit_meta() as meta:
        labels = (meta.get("quality") or {}).get("labels") or {}
        meta["quality"] = {"scored": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                           "rows": table.num_rows, "weights": merged, "labels": labels, "taught": None}
    if progress:
        progress("score", total, total)
    return summary


def _need_signals(dataset, column: str = "slop_score") -> pd.DataFrame:
    signals = dataset.read_frame("signals", None)
    if signals is None:
        raise MixmapError(f"dataset {dataset.name!r} is not scored yet; run `mixmap score {dataset.name}`")
    if column not in signals.column_names:
        raise MixmapError(f"the signals of {dataset.name!r} have no {column!r} column"
                          + ("; teach the score first (label rows on the Quality page)"
                             if column == "taught_score" else f"; run `mixmap score {dataset.name}` again"))
    return signals.select(["id", column]).to_pandas().rename(columns={column: "score"})


def _distinct_phrases(rows: list[dict], top: int) -> list[str]:
    """Phrases best first, dropping one contained in a phrase already kept (and a kept one that is part of a
    longer phrase found about as often), so "paradigm shift" does not repeat "synergistic paradigm shift"."""
    kept: list[dict] = []
    for row in rows:
        words = f" {row['phrase']} "
        if any(words in f" {k['phrase']} " for k in kept):
            continue
        kept = [k for k in kept if not (f" {k['phrase']} " in words and row["count_in"] >= 0.8 * k["count_in"])]
        kept.append(row)
    return [k["phrase"] for k in kept[:top]]


REFERENCE_SAMPLE = 20_000  # texts of a reference dataset that phrases are compared against


def reference_texts(dataset, *, limit: int = REFERENCE_SAMPLE, seed: int = 0) -> list[str]:
    """The texts of `dataset` to compare phrases against: a seeded sample of `limit` rows, read by position
    (a million-row reference reads 20,000 texts, not all), each as it would be scored (its response)."""
    n = dataset.count()
    if n == 0:
        raise MixmapError(f"dataset {dataset.name!r} has no rows to compare against")
    offsets = np.arange(n) if n <= limit else np.sort(np.random.default_rng(seed).choice(n, limit, replace=False))
    rows = dataset.take_rows(offsets, ["text", "meta"])
    return scoring_inputs(rows.column("text").to_pylist(), rows.column("meta").to_pylist())[0]


def cluster_slop(dataset, *, threshold: float = SLOP_THRESHOLD, column: str = "slop_score",
                 top: int | None = None, phrases: int = 5, against=None) -> pd.DataFrame:
    """Clusters ranked by slop (noise last): cluster, label, size, mean_score, share_above, why, phrases.

    `why` lists the lexicon markers adding most to the cluster's score; `phrases` the n-grams the cluster
    uses far more than the rest of the dataset (overrepresented_by_cluster) or, given `against` (another
    dataset), than that reference; computed for the `top` first clusters only (all when None). `column`
    picks the score (slop_score, or taught_score once taught). Only scored rows count: rows added after
    `mixmap score` are left out until it runs again.
    """
    from mixmap.core.build.cluster import NOISE_LABEL, read_cluster_info

    if not 0.0 <= threshold <= 1.0:
        raise MixmapError(f"threshold must be between 0 and 1, not {threshold}")
    if top is not None and top < 1:
        raise MixmapError(f"--top must be at least 1, not {top}")
    clusters = dataset.read_frame("clusters")
    if clusters is None:
        raise MixmapError(f"dataset {dataset.name!r} has no clusters yet; run `mixmap build {dataset.name}`")
    scores = _need_signals(dataset, column)
    frame = clusters.to_pandas().merge(scores, on="id", how="inner")
    rows = dataset.read_rows(["id", "text", "meta"], ids=frame["id"].tolist()).to_pandas()
    texts, _ = scoring_inputs(rows["text"].tolist(), rows["meta"].tolist())
    frame = frame.merge(pd.DataFrame({"id": rows["id"], "scored_text": texts}), on="id", how="inner")
    frame = frame[frame["score"].notna()].reset_index(drop=True)
    columns = ["cluster", "label", "size", "mean_score", "share_above", "why", "phrases"]
    if frame.empty:
        return pd.DataFrame(columns=columns)
    texts = frame["scored_text"].tolist()
    table = summarise_clusters(frame["cluster"].to_numpy(), frame["score"].to_numpy(), texts,
                               threshold=threshold)
    labels = {c["cluster"]: c["label"] for c in read_cluster_info(dataset)}
    table["label"] = [labels.get(c, NOISE_LABEL if c < 0 else f"{c}") for c in table["cluster"]]
    wanted = table["cluster"].tolist()[: top or None]
    if against is None:
        found = overrepresented_by_cluster(texts, frame["cluster"].to_numpy(), clusters=wanted, top_k=4 * phrases)
    else:
        reference = reference_texts(against)
        members = frame.groupby("cluster").indices
        rng = np.random.default_rng(0)
        found = {}
        for c in wanted:  # each cluster's own side: a seeded sample of up to 2,000 of its rows, as above
            rows_of = members.get(c, np.array([], dtype=int))
            rows_of = np.sort(rng.choice(rows_of, 2_000, replace=False)) if len(rows_of) > 2_000 else rows_of
            found[c] = overrepresented_phrases([texts[i] for i in rows_of], reference, top_k=4 * phrases)
    table["phrases"] = [_distinct_phrases(found[c], phrases) if c in found else [] for c in table["cluster"]]
    table = table[columns]
    return table.head(top) if top else table


def teach_scores(dataset, labels: dict[str, int], *, c: float = 1.0) -> dict:
    """Refine the slop score from curator labels (row id -> 1 slop / 0 not slop) and the row embeddings.

    mixmap.core.quality.scoring.refine_with_labels fits a logistic regression on the labelled rows' vectors plus the
    base score's logit and scores every row; the result is stored as `taught_score` in the signals frame
    (slop_score is kept), and the labels in the dataset manifest, so teaching again adds to them.
    """
    signals = dataset.read_frame("signals")
    if signals is None:
        raise MixmapError(f"dataset {dataset.name!r} is not scored yet; score it before teaching the score")
    known = dict((dataset.meta.get("quality") or {}).get("labels") or {})
    known.update({str(k): int(v) for k, v in labels.items() if int(v) in (0, 1)})
    ids, vectors = dataset.read_vectors()
    frame = signals.to_pandas()
    position = {row_id: i for i, row_id in enumerate(ids)}
    have = frame["id"].map(position)
    if have.isna().any():
        raise MixmapError(f"{int(have.isna().sum())} scored rows have no embedding; run `mixmap embed "
                          f"{dataset.name}` first")
    x = vectors[have.to_numpy(dtype=int)]
    y = frame["id"].map(known).fillna(-1).to_numpy(dtype=np.float64)
    refined = refine_with_labels(x, y, frame["slop_score"].to_numpy(), c=c)
    frame["taught_score"] = refined
    dataset.write_frame("signals", pa.Table.from_pandas(frame, preserve_index=False), derived_from={"rows": len(frame)})
    with dataset.edit_meta() as meta:  # labels another session added meanwhile are kept, not overwritten
        quality = dict(meta.get("quality") or {})
        known = {**(quality.get("labels") or {}), **known}
        quality.update(labels=known, taught=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()))
        meta["quality"] = quality
    return {"dataset": dataset.name, "labels": len(known), "slop": sum(known.values()),
            "mean_taught_score": round(float(refined.mean()), 4)}
