"""Embedding: identical texts once, resume after a crash with every row embedded exactly once."""
import numpy as np
import pytest

from mixmap.core.embed.protocol import model_key
from mixmap.core.embed.stage import embed_dataset
from mixmap.core.ingest.files import ingest_into
from tests.conftest import FakeEmbedder, write_jsonl


class CrashingEmbedder(FakeEmbedder):
    def __init__(self, crash_on_call: int):
        super().__init__()
        self.crash_on_call = crash_on_call

    def embed(self, texts):
        if self.calls + 1 == self.crash_on_call:
            raise KeyboardInterrupt("simulated crash")
        return super().embed(texts)


def _dataset(workspace, tmp_path, n=50, repeats=3):
    rows = [{"text": f"row number {i % (n // repeats)} about things"} for i in range(n)]
    ds = workspace.dataset("e", create=True)
    ingest_into(ds, write_jsonl(tmp_path / "e.jsonl", rows))
    return ds


def test_identical_texts_are_embedded_once(workspace, tmp_path, fake_embedder):
    ds = _dataset(workspace, tmp_path)
    result = embed_dataset(ds, fake_embedder, batch_size=7)
    assert result["embedded"] == 50 and result["unique_texts"] == 16 and fake_embedder.texts_seen == 16
    ids, vectors = ds.read_vectors()
    assert sorted(ids) == sorted(ds.read_rows(["id"]).column("id").to_pylist())


def test_crash_then_rerun_embeds_each_row_exactly_once(workspace, tmp_path):
    ds = _dataset(workspace, tmp_path, n=60, repeats=1)
    with pytest.raises(KeyboardInterrupt):
        embed_dataset(ds, CrashingEmbedder(crash_on_call=3), batch_size=10)
    assert ds.count_vectors(model_key(FakeEmbedder.name)) == 20  # two whole batches survived
    second = FakeEmbedder()
    result = embed_dataset(ds, second, batch_size=10)
    assert result["skipped"] == 20 and second.texts_seen == 40
    ids, vectors = ds.read_vectors()
    assert len(ids) == len(set(ids)) == 60
    again = FakeEmbedder()
    assert embed_dataset(ds, again)["embedded"] == 0 and again.texts_seen == 0
    expected = FakeEmbedder().embed(ds.read_rows(["text"], ids=ids[:1]).column("text").to_pylist())
    assert np.allclose(vectors[0], expected[0], atol=1e-6)
