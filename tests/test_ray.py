"""The Ray path embeds the same rows to the same vectors as the local path (local Ray, small size)."""
import numpy as np
import pytest

from mixmap.core.embed.registry import load_embedder
from mixmap.core.embed.stage import embed_dataset
from mixmap.core.ingest.files import ingest_into
from tests.conftest import synthetic_rows, write_jsonl

ray = pytest.importorskip("ray")


@pytest.fixture(scope="module")
def local_ray():
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, ignore_reinit_error=True)
    yield
    ray.shutdown()


def test_ray_and_local_give_the_same_vectors(workspace, tmp_path, model_cache, local_ray):
    from mixmap.core.embed.on_ray import embed_dataset_ray

    rows = synthetic_rows(15) + synthetic_rows(5)  # repeats: identical texts are embedded once
    path = write_jsonl(tmp_path / "r.jsonl", rows)
    local = workspace.dataset("local", create=True)
    remote = workspace.dataset("remote", create=True)
    ingest_into(local, path)
    ingest_into(remote, path)
    embed_dataset(local, load_embedder(None, fast=True, workspace=workspace.root), batch_size=16)
    result = embed_dataset_ray(remote, fast=True, batch_size=16, actors=1)
    assert result["embedded"] == 80 and result["engine"] == "ray"
    local_ids, local_vectors = local.read_vectors()
    ray_ids, ray_vectors = remote.read_vectors()
    assert sorted(ray_ids) == sorted(local_ids) and len(set(ray_ids)) == 80
    order = {row_id: i for i, row_id in enumerate(ray_ids)}
    aligned = ray_vectors[[order[i] for i in local_ids]]
    assert np.allclose(aligned, local_vectors, atol=1e-5)
    assert embed_dataset_ray(remote, fast=True)["embedded"] == 0  # a rerun skips what is done
