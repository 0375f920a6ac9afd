"""The build: embed -> project -> cluster, as numbered steps, each reporting progress per stage.

Each step is skipped when its output is already there (rerunning a killed build resumes it), and callers
may pass their own embedder / reducer / clusterer objects, as in BERTopic's pipeline.
"""
from __future__ import annotations

from collections.abc import Callable

from core.cluster import cluster_dataset
from core.embed import Embedder, embed_dataset
from core.project import project_dataset

StageProgress = Callable[[str, int, int], None]
STAGES = ("embed", "project", "cluster")


def build_dataset(
    dataset,
    embedder: Embedder,
    *,
    reducer=None,
    clusterer=None,
    recluster: bool = False,
    batch_size: int = 512,
    progress: StageProgress | None = None,
) -> dict:
    """Embed missing rows, place them on the map, and (re)cluster when rows were added or asked to."""

    def report(stage: str):
        return (lambda done, total: progress(stage, done, total)) if progress else None

    # 1. embed what has no vector yet (a rerun after a crash only embeds the rest)
    embedded = embed_dataset(dataset, embedder, batch_size=batch_size, progress=report("embed"))
    # 2. fit the map once; later rows are placed with the fitted reducer's transform
    projected = project_dataset(dataset, reducer=reducer, progress=report("project"))
    # 3. cluster when the map changed or the clusters are missing
    clustered = None
    if recluster or projected["placed"] or not dataset.has_frame("clusters"):
        clustered = cluster_dataset(dataset, clusterer=clusterer, progress=report("cluster"))
    elif progress:
        progress("cluster", 1, 1)
    return {"dataset": dataset.name, "embed": embedded, "project": projected, "cluster": clustered}
