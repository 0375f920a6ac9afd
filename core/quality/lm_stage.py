"""The LM check on a stored dataset: score a stratified sample of rows (or all of them) with the packaged
language model, store the signals as the `lm_signals` frame, estimate each cluster's machine share.

    lm_check(dataset)                      # 30-50 sampled rows per cluster (more for big ones), resumable
    lm_check(dataset, sample=1000)         # about 1,000 rows, spread over the clusters
    lm_check(dataset, full=True)           # every row (meant for a GPU)
    cluster_machine_share(dataset)         # clusters ranked by estimated machine share, with 95% intervals

The frame holds one row per *scored* row (id, lm_model, lm_text_key, LM_COLUMNS, slop_v2); rows not scored
are absent from it, so every join (export --with-signals, slices, the Quality page) shows them as NaN, never
as zero. Chunks of rows are appended as they finish (one commit each): a killed run loses at most one chunk
and a rerun skips rows already scored by this model. Identical (prompt, response) pairs are scored once: the
cache key is (model, text hash).
"""
from __future__ import annotations

import hashlib
import time

import numpy as np
import pandas as pd
import pyarrow as pa

from mixmap.core.errors import MixmapError
from mixmap.core.quality.lm import LM_COLUMNS, MAX_TOKENS

LM_FRAME = "lm_signals"
PER_CLUSTER = (30, 50)  # rows sampled per cluster: the floor, and the cap reached by big clusters
DEFAULT_SAMPLE = 1_000  # rows sampled when the dataset has no clusters yet
CHUNK_ROWS = 64  # rows scored per commit
Z_95 = 1.959964


def text_key(prompt: str, response: str) -> str:
    return hashlib.blake2b(f"{prompt}\0{response}".encode("utf-8", "surrogatepass"), digest_size=12).hexdigest()


def per_cluster_quota(sizes: pd.Series, *, total: int | None = None, floor: int = PER_CLUSTER[0],
                      cap: int = PER_CLUSTER[1]) -> pd.Series:
    """Rows to sample per cluster. Default: `floor` each, growing with the square root of size to `cap` for
    the biggest (never more than the cluster has). With `total`: that many rows shared in proportion to the
    square root of size, so small clusters still get enough rows for an interval."""
    sizes = sizes.astype(float)
    if total is None:
        grow = np.sqrt(sizes / max(float(sizes.max()), 1.0))
        quota = np.round(floor + (cap - floor) * grow)
    else:  # largest remainders: the quotas add up to `total` (flooring alone gave 6 rows for 24 asked)
        want = min(int(total), int(sizes.sum()))
        quota = np.zeros(len(sizes))
        left = want
        while left > 0:  # a capped (small) cluster hands its surplus on to the others
            room = sizes.to_numpy() - quota
            weight = np.where(room > 0, np.sqrt(sizes.to_numpy()), 0.0)
            share = left * weight / weight.sum()
            add = np.minimum(np.floor(share), room)
            spare = left - int(add.sum())
            order = np.argsort(-(share - np.floor(share)) - (room > add) * 1e-9, kind="stable")
            for i in order[:spare]:
                if add[i] < room[i]:
                    add[i] += 1
            quota += add
            left = want - int(quota.sum())
        quota = pd.Series(quota, index=sizes.index).to_numpy()
    return pd.Series(np.minimum(quota, sizes).astype(int), index=sizes.index)


def sample_ids(dataset, *, sample: int | None = None, seed: int = 0) -> list[str]:
    """The ids a check scores: stratified by cluster when the dataset is clustered, else a seeded sample."""
    rng = np.random.default_rng(seed)
    clusters = dataset.read_frame("clusters", ["id", "cluster"])
    if clusters is None:
        ids = dataset.read_rows(["id"]).column("id").to_numpy(zero_copy_only=False)
        n = min(len(ids), sample or DEFAULT_SAMPLE)
        return sorted(rng.choice(ids, n, replace=False).tolist())
    frame = clusters.to_pandas()
    groups = frame.groupby("cluster")["id"]
    quota = per_cluster_quota(groups.size(), total=sample)
    picked = []
    for cluster, ids in groups:
        picked += rng.choice(ids.to_numpy(), int(quota[cluster]), replace=False).tolist()
    return sorted(picked)


def _scored(dataset, model: str) -> pd.DataFrame:
    frame = dataset.read_frame(LM_FRAME)
    if frame is None:
        return pd.DataFrame(columns=["id", "lm_model", "lm_text_key", *LM_COLUMNS, "slop_v2"])
    frame = frame.to_pandas()
    return frame[frame["lm_model"] == model]


def lm_check(dataset, *, sample: int | None = None, full: bool = False, lm=None, max_tokens: int = MAX_TOKENS,
             chunk_rows: int = CHUNK_ROWS, progress=None, seed: int = 0) -> dict:
    """Score sampled rows (all rows with `full`) with the LM and slop v2; append them to `lm_signals`.

    `lm` is a loaded mixmap.core.quality.lm.LanguageModel (default: the packaged one, loaded here).
    `progress(stage, done, total)` reports rows ("lm" stage). Returns counts and timings."""
    from mixmap.core.quality.dataset import scoring_inputs
    from mixmap.core.quality.lm import LM_NAME, load_language_model, score_responses
    from mixmap.core.quality.slop_v2 import slop_v2_probability

    if dataset.count() == 0:
        raise MixmapError(f"dataset {dataset.name!r} has no rows; ingest a file first")
    if sample is not None and sample < 1:
        raise MixmapError(f"--sample must be at least 1, not {sample}")
    started = time.perf_counter()
    wanted = dataset.read_rows(["id"]).column("id").to_pylist() if full else sample_ids(
        dataset, sample=sample, seed=seed)
    model = f"{LM_NAME}@{max_tokens}"
    columns = dataset.frame_columns(LM_FRAME)
    if columns is not None and not set(LM_COLUMNS) <= set(columns):
        dataset.drop_frame(LM_FRAME)  # written by an older check without today's signals: score again
    done = _scored(dataset, model)
    todo = sorted(set(wanted) - set(done["id"]))
    summary = {"dataset": dataset.name, "model": model, "wanted": len(wanted), "already_scored": len(wanted) -
               len(todo), "scored": 0, "from_cache": 0, "tokens": 0}
    if progress:
        progress("lm", 0, len(todo))
    if todo:
        lm = lm or load_language_model()
        summary["load_seconds"] = round(time.perf_counter() - started, 2)
        known = done.drop_duplicates("lm_text_key").set_index("lm_text_key")
        scoring_started = time.perf_counter()
        for start in range(0, len(todo), chunk_rows):
            rows = dataset.read_rows(["id", "text", "meta"], ids=todo[start : start + chunk_rows]).to_pandas()
            responses, prompts = scoring_inputs(rows["text"].tolist(), rows["meta"].tolist())
            prompts = prompts or [""] * len(responses)
            keys = [text_key(p, r) for p, r in zip(prompts, responses)]
            fresh = [i for i, k in enumerate(keys) if k not in known.index]
            signals = pd.DataFrame(index=range(len(rows)), columns=list(LM_COLUMNS), dtype=float)
            if fresh:
                got = score_responses(lm, [prompts[i] for i in fresh], [responses[i] for i in fresh],
                                      max_tokens=max_tokens)
                signals.loc[fresh, list(LM_COLUMNS)] = got.to_numpy()
            cached = [i for i in range(len(rows)) if i not in set(fresh)]
            for i in cached:
                signals.loc[i, list(LM_COLUMNS)] = known.loc[keys[i], list(LM_COLUMNS)].to_numpy(dtype=float)
            signals["slop_v2"] = slop_v2_probability(signals, responses, prompts)
            table = pd.DataFrame({"id": rows["id"], "lm_model": model, "lm_text_key": keys})
            table = pd.concat([table, signals.astype(float)], axis=1)
            table["lm_tokens"] = table["lm_tokens"].fillna(0).astype(np.int64)
            dataset.append_frame(LM_FRAME, pa.Table.from_pandas(table, preserve_index=False))
            known = pd.concat([known, table.set_index("lm_text_key")]).loc[lambda f: ~f.index.duplicated()]
            summary["scored"] += len(fresh)
            summary["from_cache"] += len(cached)
            summary["tokens"] += int(table["lm_tokens"].iloc[fresh].sum()) if fresh else 0
            if progress:
                progress("lm", start + len(rows), len(todo))
        seconds = time.perf_counter() - scoring_started
        summary["tokens_per_s"] = round(summary["tokens"] / max(seconds, 1e-9), 1)
        summary["rows_per_s"] = round(len(todo) / max(seconds, 1e-9), 2)
    if len(todo) >= 2 * chunk_rows:
        dataset.compact_frame(LM_FRAME)
    summary["seconds"] = round(time.perf_counter() - started, 2)
    dataset.update_meta(lm={"model": model, "checked": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                            "rows": int(len(done) + len(todo)), "full": bool(full),
                            "rows_per_s": summary.get("rows_per_s")
                            or (dataset.meta.get("lm") or {}).get("rows_per_s")})
    return summary


def wilson_interval(flagged: np.ndarray, n: np.ndarray, *, z: float = Z_95) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval of a binomial proportion (NaN where n = 0): honest for small n and for 0 or n."""
    n = np.asarray(n, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = np.asarray(flagged, dtype=float) / n
        centre = (p + z * z / (2 * n)) / (1 + z * z / n)
        half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return np.clip(centre - half, 0, 1), np.clip(centre + half, 0, 1)


def cluster_machine_share(dataset, *, threshold: float | None = None) -> pd.DataFrame:
    """One row per cluster, ranked by estimated machine share (highest first; unscored clusters last):
    cluster, label, size, scored, machine_share, low, high (95% Wilson interval), mean_slop_v2,
    median_perplexity.

    machine_share is the share of the cluster's scored rows whose slop v2 probability is at least
    `threshold` (default: the calibrated threshold saved with the model); the interval is over the sample,
    so it covers sampling error, not the classifier's own errors (see docs/slop.md for those)."""
    from mixmap.core.build.cluster import NOISE_LABEL, read_cluster_info
    from mixmap.core.quality.slop_v2 import load_slop_v2

    threshold = load_slop_v2()["threshold"] if threshold is None else threshold
    clusters = dataset.read_frame("clusters", ["id", "cluster"])
    if clusters is None:
        raise MixmapError(f"dataset {dataset.name!r} has no clusters yet; run `mixmap build {dataset.name}`")
    scored = dataset.read_frame(LM_FRAME, ["id", "slop_v2", "lm_perplexity"])
    if scored is None:
        raise MixmapError(f"no LM check on {dataset.name!r} yet; run `mixmap score {dataset.name} --lm`")
    frame = clusters.to_pandas().merge(scored.to_pandas().drop_duplicates("id", keep="last"), on="id",
                                       how="left")
    frame["flag"] = np.where(frame["slop_v2"].notna(), frame["slop_v2"] >= threshold, np.nan)
    table = frame.groupby("cluster").agg(size=("id", "size"), scored=("slop_v2", "count"),
                                         flagged=("flag", "sum"), mean_slop_v2=("slop_v2", "mean"),
                                         median_perplexity=("lm_perplexity", "median")).reset_index()
    with np.errstate(divide="ignore", invalid="ignore"):
        table["machine_share"] = np.where(table["scored"] > 0, table["flagged"] / table["scored"], np.nan)
    table["low"], table["high"] = wilson_interval(table["flagged"].to_numpy(), table["scored"].to_numpy())
    labels = {c["cluster"]: c["label"] for c in read_cluster_info(dataset)}
    table["label"] = [labels.get(c, NOISE_LABEL if c < 0 else f"{c}") for c in table["cluster"]]
    table["noise"] = table["cluster"] < 0
    table = table.sort_values(["noise", "machine_share", "low", "size"], ascending=[True, False, False, False],
                              na_position="last")
    columns = ["cluster", "label", "size", "scored", "machine_share", "low", "high", "mean_slop_v2",
               "median_perplexity"]
    return table[columns].reset_index(drop=True)


def planned_rows(dataset, *, sample: int | None = None) -> int:
    """How many rows lm_check(dataset, sample=sample) would score now (already scored rows left out)."""
    from mixmap.core.quality.lm import LM_NAME

    wanted = set(sample_ids(dataset, sample=sample))
    return len(wanted - set(_scored(dataset, f"{LM_NAME}@{MAX_TOKENS}")["id"]))
