"""The bundled sample: our own instruction-tuning rows with planted problems, and its prebuilt map.

`install_sample` ingests sample_data/instructions.jsonl and, when the prebuilt artifacts match the rows,
loads vectors (MiniLM, stored as float16), layout and clusters from sample_data/prebuilt/, so a new user
sees a ready map at once. `write_prebuilt` makes those artifacts from a built dataset.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from mixmap.core.embed.protocol import DEFAULT_MODEL, model_key
from mixmap.core.ingest.files import TextSpec, ingest_into
from mixmap.core.store.atomic import write_bytes_atomic
from mixmap.core.store.tables import REDUCER_FILE

SAMPLE_NAME = "sample"
SAMPLE_DIR = Path(__file__).resolve().parents[2] / "sample_data"
SAMPLE_FILE = SAMPLE_DIR / "instructions.jsonl"
PREBUILT_DIR = SAMPLE_DIR / "prebuilt"
SAMPLE_SPEC = TextSpec(template="{instruction}\n{input}\n{output}")
FRAMES = ("layout", "clusters", "cluster_info")


def install_sample(workspace, *, name: str = SAMPLE_NAME, prebuilt: Path | None = PREBUILT_DIR) -> dict:
    """Ingest the sample (idempotent) and load its prebuilt map; returns what was loaded."""
    dataset = workspace.dataset(name, create=True)
    ingest_into(dataset, SAMPLE_FILE, spec=SAMPLE_SPEC, source=None, on_error="abort")
    loaded = {"dataset": name, "rows": dataset.count(), "prebuilt": False}
    if prebuilt is None or not (prebuilt / "vectors.parquet").is_file():
        return loaded
    vectors = pq.read_table(prebuilt / "vectors.parquet")
    stored_ids = set(dataset.read_rows(["id"]).column("id").to_pylist())
    if set(vectors.column("id").to_pylist()) != stored_ids:
        return loaded  # the sample changed since the artifacts were made: build instead
    key = model_key(DEFAULT_MODEL)
    if dataset.count_vectors(key) == 0:
        matrix = np.stack(vectors.column("vector").to_numpy(zero_copy_only=False)).astype(np.float32)
        dataset.add_vectors(key, vectors.column("id").to_pylist(), matrix)
    dataset.update_meta(model=DEFAULT_MODEL, model_key=key)
    # The prebuilt frames say what they were made from, as a build's do: later rows are placed on this map
    # and join these clusters (no fitted reducer ships; rows are placed by their nearest rows on the map).
    origin = {"model_key": key, "rows": len(stored_ids)}
    for frame in FRAMES:
        if not dataset.has_frame(frame):
            clustering = {"clustering": 1} if frame != "layout" else {}
            dataset.write_frame(frame, pq.read_table(prebuilt / f"{frame}.parquet"), derived_from={**origin, **clustering})
    with dataset.edit_meta() as meta:
        meta.setdefault("clustering", {"clustering": 1, "model_key": key, "model": DEFAULT_MODEL, "reason": "prebuilt sample"})
    reducer = prebuilt / REDUCER_FILE
    if reducer.is_file() and not dataset.has_reducer():
        write_bytes_atomic(dataset.reducer_path, reducer.read_bytes())
    meta = pq.read_schema(prebuilt / "layout.parquet").metadata or {}
    params = {k.decode(): v.decode() for k, v in meta.items() if k.startswith(b"mixmap.")}
    dataset.update_meta(project={"method": "umap", "prebuilt": True, **params})
    loaded["prebuilt"] = True
    return loaded


def write_prebuilt(dataset, folder: Path = PREBUILT_DIR, *, with_reducer: bool = False) -> list[Path]:
    """Save a built dataset's vectors (float16), layout and clusters as the sample's prebuilt artifacts."""
    folder.mkdir(parents=True, exist_ok=True)
    ids, matrix = dataset.read_vectors()
    half = matrix.astype(np.float16)
    vec = pa.FixedSizeListArray.from_arrays(pa.array(half.reshape(-1), pa.float16()), half.shape[1])
    paths = [folder / "vectors.parquet"]
    pq.write_table(pa.table({"id": ids, "vector": vec}), paths[0], compression="zstd")
    for frame in FRAMES:
        table = dataset.read_frame(frame)
        paths.append(folder / f"{frame}.parquet")
        pq.write_table(table, paths[-1], compression="zstd")
    if with_reducer and dataset.has_reducer():
        paths.append(folder / REDUCER_FILE)
        paths[-1].write_bytes(dataset.reducer_path.read_bytes())
    return paths
