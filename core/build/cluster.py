"""Clusters: HDBSCAN on a 5-D UMAP of the vectors, labelled by class-based TF-IDF (as BERTopic does).

Stages are swappable: `reducer` is any object with fit_transform (default a 5-D SizedUmap), `clusterer`
any object with fit_predict or fit + labels_ (default hdbscan.HDBSCAN). Cluster -1 is noise.
Writes two frames: `clusters` (id, cluster) and `cluster_info` (cluster, label, size, keywords).
"""
from __future__ import annotations

import json
import math
import re
import time
from collections.abc import Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from mixmap.core.build.contracts import OneCluster
from mixmap.core.build.project import SEED, SizedUmap
from mixmap.core.errors import PipelineError

NOISE = -1
NOISE_LABEL = "noise (unclustered)"


def default_min_cluster_size(n: int) -> int:
    """~sqrt(n)/2, at least 10: 2k rows -> 22, 20k -> 70, 1M -> 500 (few, readable clusters)."""
    return max(10, int(math.sqrt(max(n, 1)) / 2))


CLUSTER_FIT_MAX = 60_000  # beyond: cluster a sample, give the rest their nearest sample rows' cluster
CLUSTER_SAMPLE = 40_000
LABEL_SAMPLE = 3_000  # texts per cluster that its keywords are computed from


def cluster_vectors(vectors: np.ndarray, *, reducer=None, clusterer=None) -> np.ndarray:
    """Cluster ids per row (-1 = noise)."""
    n = len(vectors)
    if n < 20 or isinstance(clusterer, OneCluster):  # too few rows to find structure: one cluster
        return OneCluster().fit_predict(vectors)
    if n > CLUSTER_FIT_MAX:
        return _cluster_by_sample(vectors, reducer=reducer, clusterer=clusterer)
    reducer = reducer or SizedUmap(n_components=5, min_dist=0.0, random_state=SEED)
    reduced = reducer.fit_transform(vectors)
    if clusterer is not None:  # the caller's clusterer is used as given
        return _fit_labels(clusterer, reduced)
    size = default_min_cluster_size(n)
    return split_dominant(reduced, _fit_labels(_hdbscan(size), reduced), lambda: _hdbscan(size))


def _hdbscan(min_cluster_size: int):
    import hdbscan

    return hdbscan.HDBSCAN(min_cluster_size=min_cluster_size, min_samples=max(5, min_cluster_size // 4),
                           cluster_selection_method="eom", core_dist_n_jobs=1)


def _fit_labels(clusterer, points: np.ndarray) -> np.ndarray:
    labels = clusterer.fit_predict(points) if hasattr(clusterer, "fit_predict") else clusterer.fit(points).labels_
    return np.asarray(labels, dtype=np.int32)


DOMINANT_SHARE = 0.5  # a cluster holding more than this share of the rows is split again


def split_dominant(points: np.ndarray, labels: np.ndarray, make_clusterer, *, depth: int = 2) -> np.ndarray:
    """Cluster again inside a cluster that holds most of the rows; ids renumbered 0..k-1, noise stays -1.

    HDBSCAN's excess-of-mass selection sometimes keeps a parent cluster over its children when a few small
    outlying groups are far away: a map of 1,500 mixed replies came back as one cluster of 1,504 and two
    tiny ones, which tells a curator nothing. The dominant cluster's rows are clustered on their own (at
    most `depth` times down); its rows left unclustered there become noise.
    """
    labels = np.asarray(labels, dtype=np.int32).copy()
    clustered = labels[labels >= 0]
    if depth <= 0 or not len(clustered):
        return labels
    counts = np.bincount(clustered)
    biggest = int(counts.argmax())
    if counts[biggest] <= DOMINANT_SHARE * len(labels):
        return labels
    members = np.flatnonzero(labels == biggest)
    inner = split_dominant(points[members], _fit_labels(make_clusterer(), points[members]), make_clusterer,
                           depth=depth - 1)
    if len(set(inner.tolist()) - {NOISE}) < 2:
        return labels  # no structure inside it: it really is one group
    labels[members] = np.where(inner >= 0, inner + counts.size, NOISE)
    kept = np.unique(labels[labels >= 0])
    return np.where(labels >= 0, np.searchsorted(kept, labels), NOISE).astype(np.int32)


def _cluster_by_sample(vectors: np.ndarray, *, reducer=None, clusterer=None) -> np.ndarray:
    """Cluster a seeded sample; every other row takes the majority cluster of its 10 nearest sample rows.

    Nearest neighbours are found in a 32-d PCA space (exact, blockwise), which keeps a million rows to
    about a minute on two cores where 5-D UMAP + HDBSCAN over all of them would take most of an hour.
    """
    from sklearn.decomposition import PCA

    rng = np.random.default_rng(SEED)
    sample = np.sort(rng.choice(len(vectors), size=CLUSTER_SAMPLE, replace=False))
    labels = np.empty(len(vectors), dtype=np.int32)
    labels[sample] = cluster_vectors(vectors[sample], reducer=reducer, clusterer=clusterer)
    pca = PCA(n_components=32, random_state=SEED).fit(vectors[sample])
    # Vote against 10k of the clustered rows: the kNN cost grows linearly with the reference size.
    voters = np.sort(rng.choice(len(sample), size=min(10_000, len(sample)), replace=False))
    reference = pca.transform(vectors[sample[voters]]).astype(np.float32)
    voter_labels = labels[sample[voters]]
    rest = np.setdiff1d(np.arange(len(vectors)), sample)
    for start in range(0, len(rest), 100_000):
        part = rest[start : start + 100_000]
        labels[part] = vote_labels(reference, voter_labels, pca.transform(vectors[part]).astype(np.float32))
    return labels


def vote_labels(reference: np.ndarray, reference_labels: np.ndarray, query: np.ndarray, *, k: int = 10) -> np.ndarray:
    """Each query row takes the majority cluster of its k nearest reference rows (exact, blockwise): how the
    rows outside a clustered sample get their cluster, and how rows added later join the existing clusters."""
    from mixmap.core.vectors import knn_indices

    out = np.empty(len(query), dtype=np.int32)
    for start in range(0, len(query), 100_000):
        part = query[start : start + 100_000]
        idx, _ = knn_indices(reference, part, k=k)
        votes = reference_labels[idx]
        # majority vote per row; np.unique per row is slow, so count against each row's own candidates
        counts = (votes[:, :, None] == votes[:, None, :]).sum(axis=2)
        out[start : start + len(part)] = votes[np.arange(len(part)), counts.argmax(axis=1)]
    return out


_LABEL_TOKEN_RE = re.compile(r"[a-z]+(?:['\u2019][a-z]+)?")


def label_tokens(text: str) -> list[str]:
    """Words for cluster labels: possessives lose their 's ("company's" -> company) and other contractions
    are dropped whole, so "hasn't arrived" and "I've" do not leave "hasn" and "ve" as keywords."""
    out = []
    for token in _LABEL_TOKEN_RE.findall(text.lower()):
        word, _, tail = token.replace("\u2019", "'").partition("'")
        if (not tail or tail == "s") and len(word) > 1:
            out.append(word)
    return out


def label_clusters(texts: Sequence[str], labels: np.ndarray, *, top_n: int = 8) -> dict[int, list[str]]:
    """Keywords per cluster by c-TF-IDF: term frequency within the cluster x log(1 + A / frequency overall)."""
    from sklearn.feature_extraction.text import CountVectorizer

    labels = np.asarray(labels)
    clusters = sorted(int(c) for c in set(labels.tolist()) if c != NOISE)
    if not clusters:
        return {}
    docs = [" ".join(texts[i] for i in np.flatnonzero(labels == c)) for c in clusters]
    try:
        vectorizer = CountVectorizer(stop_words="english", ngram_range=(1, 1), min_df=1, tokenizer=label_tokens,
                                     token_pattern=None, max_features=50_000)
        counts = vectorizer.fit_transform(docs).astype(np.float64)
    except ValueError:  # nothing but stop words
        return {c: [] for c in clusters}
    words = vectorizer.get_feature_names_out()
    tf = counts.multiply(1.0 / np.maximum(counts.sum(axis=1), 1)).tocsr()
    frequency = np.asarray(counts.sum(axis=0)).ravel()
    avg_words = counts.sum() / len(clusters)
    idf = np.log(1 + avg_words / np.maximum(frequency, 1))
    scores = tf.multiply(idf).tocsr()
    out: dict[int, list[str]] = {}
    for row, c in enumerate(clusters):
        data = scores.getrow(row).toarray().ravel()
        top = np.argsort(-data)[:top_n]
        out[c] = [str(words[i]) for i in top if data[i] > 0]
    return out


def label_sample(labels: np.ndarray, per_cluster: int = LABEL_SAMPLE) -> np.ndarray:
    """Positions of at most `per_cluster` seeded rows of each cluster, sorted: the texts labels are made from.

    A cluster's top c-TF-IDF words are stable well before thousands of its rows (the word frequencies of a
    3,000-row sample rank the same top words), and reading every text at a million rows costs gigabytes.
    """
    rng = np.random.default_rng(SEED)
    keys = rng.random(len(labels))
    order = np.lexsort((keys, labels))
    sorted_labels = labels[order]
    starts = np.searchsorted(sorted_labels, sorted_labels, side="left")
    rank = np.arange(len(labels)) - starts
    return np.sort(order[rank < per_cluster])


def cluster_dataset(dataset, *, reducer=None, clusterer=None, progress=None, reason: str = "asked") -> dict:
    """Cluster the dataset's vectors afresh and label the clusters; writes `clusters` and `cluster_info`.

    Cluster ids of a new clustering mean other groups than the last one's, so each clustering is numbered
    and logged in meta (`clustering`, `cluster_history`, with `reason`) and the frames record the number:
    slices saved against cluster ids can tell they changed. Rows added later join with `join_clusters`."""
    ids, vectors = dataset.read_vectors()
    if not ids:
        raise PipelineError(f"dataset {dataset.name!r} has no embeddings; run `mixmap embed {dataset.name}` first")
    if progress:
        progress(0, 3)
    labels = cluster_vectors(vectors, reducer=reducer, clusterer=clusterer)
    del vectors  # 1.5 GB at a million rows: gone before the texts are read
    if progress:
        progress(2, 3)
    chosen = label_sample(labels)
    chosen_ids = [ids[i] for i in chosen]
    rows = dataset.read_rows(["id", "text"], ids=chosen_ids)
    text_of = dict(zip(rows.column("id").to_pylist(), rows.column("text").to_pylist()))
    keywords = label_clusters([text_of.get(i, "") for i in chosen_ids], labels[chosen])
    meta = dataset.meta
    number = int((meta.get("clustering") or {}).get("clustering") or 0) + 1
    origin = {"model_key": meta.get("model_key"), "clustering": number, "rows": len(ids)}
    write_clusters(dataset, ids, labels, keywords, origin=origin)
    sampled = len(ids) > CLUSTER_FIT_MAX
    sizes = np.bincount(labels[labels >= 0]) if (labels >= 0).any() else np.array([])
    entry = {**origin, "at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "reason": reason,
             "model": meta.get("model"), "clusters": int((sizes > 0).sum())}
    with dataset.edit_meta() as meta:
        meta["cluster"] = {"method": "hdbscan on 5-d umap" + (f" of a {CLUSTER_SAMPLE:,}-row sample + 10-nn vote" if sampled else ""),
                           "min_cluster_size": default_min_cluster_size(CLUSTER_SAMPLE if sampled else len(ids)),
                           "seed": SEED}
        meta["clustering"] = entry
        meta["cluster_history"] = [*(meta.get("cluster_history") or []), entry]
    if progress:
        progress(3, 3)
    return {"clusters": entry["clusters"], "noise": int((labels == NOISE).sum()), "rows": len(ids),
            "clustering": number, "reclustered": True, "reason": reason}


def clusters_model(dataset) -> str | None:
    """The model key the clusters were made from (recorded with them; else the last logged clustering's)."""
    origin = dataset.frame_origin("clusters")
    if origin is not None:
        return origin.get("model_key")
    return (dataset.meta.get("clustering") or {}).get("model_key")


def join_clusters(dataset, *, progress=None) -> dict | None:
    """Rows added since the clustering join its clusters by the 10-nn vote (as rows outside a clustered
    sample do): no cluster id changes meaning and no clustered row moves. None when no row is new."""
    from mixmap.core.vectors import unit_rows

    clusters = dataset.read_frame("clusters")
    ids, vectors = dataset.read_vectors()
    is_new = pc.invert(pc.is_in(pa.array(ids, pa.string()), value_set=clusters.column("id"))).to_numpy(zero_copy_only=False)
    if not is_new.any():
        if dataset.frame_origin("cluster_info") != dataset.frame_origin("clusters"):  # killed between the writes
            info = {row["cluster"]: row for row in dataset.read_frame("cluster_info").to_pylist()}
            write_clusters(dataset, clusters.column("id").to_pylist(), clusters.column("cluster").to_numpy(), None,
                           origin=dataset.frame_origin("clusters"), info=info)
        return None
    position = {row_id: i for i, row_id in enumerate(ids)}
    pairs = [(position[i], c) for i, c in zip(*clusters.select(["id", "cluster"]).to_pydict().values()) if i in position]
    if len(pairs) > 10_000:  # vote against 10k clustered rows, as the sample path does
        pairs = [pairs[i] for i in np.sort(np.random.default_rng(SEED).choice(len(pairs), 10_000, replace=False))]
    rows = np.array([p[0] for p in pairs], dtype=np.int64)
    voters = np.array([p[1] for p in pairs], dtype=np.int32)
    joined = vote_labels(unit_rows(vectors[rows]), voters, unit_rows(vectors[is_new])) if len(rows) else \
        np.full(int(is_new.sum()), NOISE, dtype=np.int32)
    added = pa.table({"id": pa.array([i for i, new in zip(ids, is_new) if new], pa.string()),
                      "cluster": pa.array(joined, pa.int32())})
    table = pa.concat_tables([clusters, added.cast(clusters.schema)])
    origin = {**(dataset.frame_origin("clusters") or {"clustering": (dataset.meta.get("clustering") or {}).get("clustering")}),
              "model_key": dataset.meta.get("model_key"), "rows": table.num_rows}
    labels = table.column("cluster").to_numpy()
    info = {row["cluster"]: row for row in (dataset.read_frame("cluster_info").to_pylist())}
    write_clusters(dataset, table.column("id").to_pylist(), labels, None, origin=origin, info=info)
    if progress:
        progress(1, 1)
    sizes = np.bincount(labels[labels >= 0]) if (labels >= 0).any() else np.array([])
    return {"clusters": int((sizes > 0).sum()), "noise": int((labels == NOISE).sum()), "rows": table.num_rows,
            "joined": int(is_new.sum()), "clustering": origin.get("clustering"), "reclustered": False}


def write_clusters(dataset, ids: list[str], labels: np.ndarray, keywords: dict[int, list[str]] | None, *,
                   origin: dict | None = None, info: dict[int, dict] | None = None) -> None:
    """Write `clusters` and `cluster_info` (sizes counted here; labels from `keywords`, or kept from `info`,
    the existing rows of cluster_info, when rows only joined)."""
    labels = np.asarray(labels, dtype=np.int32)
    dataset.write_frame("clusters", pa.table({"id": pa.array(ids, pa.string()), "cluster": pa.array(labels, pa.int32())}),
                        derived_from=origin)
    values, counts = np.unique(labels, return_counts=True)
    if keywords is None:
        keywords = {int(v): json.loads((info or {}).get(int(v), {}).get("keywords") or "[]") for v in values}
    table = {
        "cluster": [int(v) for v in values],
        "label": [NOISE_LABEL if v == NOISE else cluster_label(int(v), keywords.get(int(v), [])) for v in values],
        "size": [int(c) for c in counts],
        "keywords": [json.dumps(keywords.get(int(v), [])) for v in values],
    }
    dataset.write_frame("cluster_info", pa.table(table), derived_from=origin)


def cluster_label(cluster: int, keywords: list[str]) -> str:
    return f"{cluster}: " + (" · ".join(keywords[:4]) if keywords else "(no keywords)")


def count_phrase(clusters: int, noise_rows: int) -> str:
    """How the CLI and the app both count clusters: noise is not one ("33 clusters + noise (120 rows)")."""
    text = f"{clusters:,} cluster{'s' if clusters != 1 else ''}"
    return f"{text} + noise ({noise_rows:,} row{'s' if noise_rows != 1 else ''})" if noise_rows else text


def info_counts(info: list[dict]) -> tuple[int, int]:
    """(clusters, noise rows) of read_cluster_info's list, for count_phrase."""
    return (sum(1 for c in info if c["cluster"] != NOISE),
            sum(int(c["size"]) for c in info if c["cluster"] == NOISE))


def read_cluster_info(dataset) -> list[dict]:
    table = dataset.read_frame("cluster_info")
    if table is None:
        return []
    rows = table.to_pylist()
    for row in rows:
        row["keywords"] = json.loads(row["keywords"])
    return sorted(rows, key=lambda r: (r["cluster"] == NOISE, -r["size"]))
