"""The build: embed -> project -> cluster, as numbered steps, each reporting progress per stage.

Each step is skipped when its output is already there (rerunning a killed build resumes it), and callers
may pass their own embedder / reducer / clusterer objects, as in BERTopic's pipeline.
"""
from __future__ import annotations

import time
from collections.abc import Callable

from mixmap.core.build.cluster import cluster_dataset, clusters_model, join_clusters
from mixmap.core.build.project import project_dataset
from mixmap.core.embed.protocol import Embedder
from mixmap.core.embed.stage import embed_dataset, embed_prompts

StageProgress = Callable[[str, int, int], None]
STAGES = ("embed", "project", "cluster")


def build_dataset(
    dataset,
    embedder: Embedder,
    *,
    reducer=None,
    clusterer=None,
    cluster_reducer=None,
    recluster: bool = False,
    batch_size: int = 512,
    progress: StageProgress | None = None,
) -> dict:
    """Embed missing rows, place them on the map (no placed point moves unless the model changed), and
    cluster: afresh when asked (`recluster`), the first time or after a model change; else new rows join.
    `reducer` makes the 2-D map; `cluster_reducer` the space clusters are found in (default a 5-D UMAP)."""

    def report(stage: str):
        return (lambda done, total: progress(stage, done, total)) if progress else None

    seconds = {}
    # 1. embed what has no vector yet (a rerun after a crash only embeds the rest)
    start = time.perf_counter()
    embedded = embed_dataset(dataset, embedder, batch_size=batch_size, progress=report("embed"))
    # ... and the prompt side (what each row asks), where the rows separate one; coverage compares on it
    embedded["prompts"] = embed_prompts(dataset, embedder, batch_size=batch_size, progress=report("embed"))
    seconds["embed"] = round(time.perf_counter() - start, 2)
    # 2. fit the map once; later rows are placed with the fitted reducer's transform
    start = time.perf_counter()
    if progress:  # UMAP reports nothing while it fits: say the stage has begun
        progress("project", 0, 1)
    projected = project_dataset(dataset, reducer=reducer, progress=report("project"))
    if progress:
        progress("project", 1, 1)
    seconds["project"] = round(time.perf_counter() - start, 2)
    # 3. cluster when there are no clusters, the curator asks, or the vectors now come from another model;
    # otherwise rows added since join the existing clusters by a 10-nn vote, so a cluster id keeps its meaning.
    # cluster_info is written after clusters, so a build killed between the two writes lacks it and is
    # clustered again.
    start = time.perf_counter()
    made_from = clusters_model(dataset)
    if recluster:
        reason = "asked (--recluster)"
    elif not (dataset.has_frame("clusters") and dataset.has_frame("cluster_info")):
        reason = "first clustering"
    elif made_from not in (None, dataset.meta.get("model_key")):
        reason = f"model changed: the clusters were made from {made_from!r} vectors"
    else:
        reason = None
    if reason:
        if progress:  # HDBSCAN reports nothing while it runs: say the stage has begun
            progress("cluster", 0, 1)
        clustered = cluster_dataset(dataset, reducer=cluster_reducer, clusterer=clusterer, progress=report("cluster"),
                                    reason=reason)
    else:
        clustered = join_clusters(dataset, progress=report("cluster"))
        if clustered is None and progress:
            progress("cluster", 1, 1)
    seconds["cluster"] = round(time.perf_counter() - start, 2)
    # 4. the full-text index for search: built once (21 s at a million rows), then new rows folded in, so
    # the first search in the app does not wait for it
    start = time.perf_counter()
    dataset.index_text()
    seconds["index"] = round(time.perf_counter() - start, 2)
    return {"dataset": dataset.name, "embed": embedded, "project": projected, "cluster": clustered,
            "seconds": seconds}
