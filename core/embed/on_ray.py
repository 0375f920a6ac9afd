"""Embedding on Ray: actors that hold the model embed batches; vectors land in the same Lance table.

`embed_dataset_ray` gives the same result as `mixmap.core.embed.stage.embed_dataset` (same rows, same vectors, same
table), so a dataset can be embedded on a cluster and explored on a laptop. Locally it starts a Ray
instance on this machine; with `address` it joins a cluster (workers need mixmap installed, or pass
`runtime_env={"py_modules": [...]}`), and with the tables on object storage (`--tables s3://...`) the
driver writes the vectors there. Each actor loads the embedder once; GPUs are used when the cluster has them.
"""
from __future__ import annotations

from collections.abc import Callable

import numpy as np

from mixmap.core.embed.protocol import model_key
from mixmap.core.embed.stage import _text_key


class _EmbedActor:
    """Holds one embedder for its lifetime (loading a model per batch would dominate the cost)."""

    def __init__(self, spec: dict):
        from mixmap.core.embed.registry import load_embedder

        self.embedder = load_embedder(spec.get("model"), fast=spec.get("fast", False), workspace=None)

    def __call__(self, batch: dict) -> dict:
        vectors = self.embedder.embed([str(t) for t in batch["text"]])
        return {"group": batch["group"], "vector": np.asarray(vectors, dtype=np.float32)}


def embed_dataset_ray(
    dataset,
    *,
    model: str | None = None,
    fast: bool = False,
    address: str | None = None,
    batch_size: int = 256,
    actors: int | None = None,
    runtime_env: dict | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> dict:
    """Embed rows without a vector for this model, on Ray. Returns the same counts as embed_dataset."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import ray

    from mixmap.core.embed.protocol import DEFAULT_MODEL, STATIC_MODEL

    name = STATIC_MODEL if fast else (model or DEFAULT_MODEL)
    key = model_key(name)
    done_ids = dataset.embedded_ids(key)
    rows = dataset.read_rows(["id", "text"])
    if len(done_ids):
        rows = rows.filter(pc.invert(pc.is_in(rows.column("id"), value_set=done_ids)))
    dataset.update_meta(model=name, model_key=key)
    if rows.num_rows == 0:
        return {"model": name, "embedded": 0, "unique_texts": 0, "skipped": len(done_ids), "engine": "ray"}
    ids = rows.column("id").to_pylist()
    texts = rows.column("text").to_pylist()
    groups: dict[bytes, list[int]] = {}
    for i, text in enumerate(texts):
        groups.setdefault(_text_key(text), []).append(i)
    members = list(groups.values())
    unique = pa.table({"group": pa.array(range(len(members)), pa.int64()),
                       "text": pa.array([texts[m[0]] for m in members], pa.string())})

    if not ray.is_initialized():
        init = {"ignore_reinit_error": True, "include_dashboard": False, "log_to_driver": False}
        if address:
            init["address"] = address
        if runtime_env:
            init["runtime_env"] = runtime_env
        ray.init(**init)
    gpus = ray.cluster_resources().get("GPU", 0)
    spec = {"model": model, "fast": fast}
    pool = actors or max(1, int(gpus) if gpus else min(4, int(ray.cluster_resources().get("CPU", 1))))
    embedded = ray.data.from_arrow(unique).map_batches(
        _EmbedActor, fn_constructor_kwargs={"spec": spec}, batch_size=batch_size, batch_format="numpy",
        concurrency=pool, num_gpus=1 if gpus else 0)
    done = 0
    for batch in embedded.iter_batches(batch_size=batch_size * 4, batch_format="numpy"):
        out_ids, out_rows = [], []
        for row, group in enumerate(batch["group"]):
            for member in members[int(group)]:
                out_ids.append(ids[member])
                out_rows.append(row)
        vectors = np.stack(batch["vector"]).astype(np.float32)
        dataset.add_vectors(key, out_ids, vectors[out_rows])  # one commit per batch, as locally
        done += len(out_ids)
        if progress:
            progress(done, len(ids))
    dataset.compact_vectors(key)
    return {"model": name, "embedded": len(ids), "unique_texts": len(members), "skipped": len(done_ids),
            "engine": "ray", "actors": pool, "gpus": gpus}
