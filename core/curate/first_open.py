"""The bundled sample, complete: what every page shows is computed or loaded before the first page opens.

`install_sample` (ingest) loads the prebuilt map. This adds what the other pages need, so none of them
opens on "not scored yet": quality signals and slop scores, duplicate pairs of every method, and a
reference set on the map for the Coverage page (sample_data/reference.jsonl, whose MiniLM vectors ship in
sample_data/prebuilt/reference_vectors.parquet, so MiniLM is not loaded for it). Each step is skipped when
its output is there, so a second call costs nothing; ~3 s in all on 2 cores.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from mixmap.core.ingest.sample import PREBUILT_DIR, SAMPLE_DIR, SAMPLE_NAME, SAMPLE_SPEC

REFERENCE_FILE = SAMPLE_DIR / "reference.jsonl"
REFERENCE_VECTORS = PREBUILT_DIR / "reference_vectors.parquet"
REFERENCE_NAME = "sample-reference"


def complete_sample(workspace, *, name: str = SAMPLE_NAME) -> dict:
    """Score, find duplicate pairs and place the reference set for the sample; returns what was done."""
    from mixmap.core.coverage.analysis import add_reference, references_of
    from mixmap.core.dedup.dataset import METHODS, compute_duplicate_pairs, pairs_info
    from mixmap.core.quality.dataset import score_dataset

    dataset = workspace.dataset(name)
    done = []
    if not dataset.has_frame("signals"):
        score_dataset(dataset)
        done.append("signals")
    for method in METHODS:
        if method == "semantic" and not dataset.meta.get("model_key"):
            continue
        if pairs_info(dataset, method) is None:
            compute_duplicate_pairs(dataset, method=method)
            done.append(f"{method} pairs")
    if REFERENCE_FILE.is_file() and not references_of(workspace, name) and dataset.meta.get("model_key"):
        add_reference(dataset, REFERENCE_FILE, name=REFERENCE_NAME, spec=SAMPLE_SPEC, source=None,
                      on_error="abort", embedder=_reference_embedder(dataset))
        done.append("reference")
    return {"dataset": name, "done": done}


def _reference_embedder(dataset):
    from mixmap.core.embed.lookup import LookupEmbedder
    from mixmap.core.embed.registry import dataset_embedder

    vectors = {}
    if REFERENCE_VECTORS.is_file():
        table = pq.read_table(REFERENCE_VECTORS)
        matrix = np.stack(table.column("vector").to_numpy(zero_copy_only=False)).astype(np.float32)
        vectors = dict(zip(table.column("key").to_pylist(), matrix))
    return LookupEmbedder(dataset.meta["model"], vectors, fallback=lambda: dataset_embedder(dataset))


def write_reference_vectors(reference, path: Path = REFERENCE_VECTORS) -> Path:
    """Save a placed reference set's vectors keyed by text hash (run after make_reference.py changes)."""
    from mixmap.core.embed.lookup import text_key

    ids, matrix = reference.read_vectors()
    texts = dict(zip(*[reference.read_rows(["id", "text"]).column(c).to_pylist() for c in ("id", "text")]))
    half = matrix.astype(np.float16)
    vec = pa.FixedSizeListArray.from_arrays(pa.array(half.reshape(-1), pa.float16()), half.shape[1])
    pq.write_table(pa.table({"key": [text_key(texts[i]) for i in ids], "vector": vec}), path, compression="zstd")
    return path
