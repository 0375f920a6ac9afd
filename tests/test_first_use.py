"""The first `build --fast` pays no distillation and no pynndescent compile, and what replaced them is exact."""
import pickle

import numpy as np
import pytest

from mixmap.core.build.project import EXACT_KNN_MAX, SizedUmap
from mixmap.core.embed import static_model
from mixmap.core.embed.static_model import SHIPPED, StaticEmbedder, load_shipped, quantise


def test_the_static_model_ships_and_loads_without_distilling(tmp_path, monkeypatch):
    assert SHIPPED.is_file() and SHIPPED.stat().st_size < 12_000_000
    monkeypatch.setattr(static_model, "distill_token_vectors",
                        lambda **_: (_ for _ in ()).throw(AssertionError("distilled although a model ships")))
    embedder = StaticEmbedder.load_or_distill(cache_dir=tmp_path)
    vectors = embedder.embed(["how do I bake bread", "write a python function", "how do I bake bread"])
    assert vectors.shape == (3, 384) and np.allclose(np.linalg.norm(vectors, axis=1), 1, atol=1e-5)
    assert vectors[0] @ vectors[2] > 0.9999 and vectors[0] @ vectors[1] < 0.9


def test_quantised_rows_keep_text_means_within_1e_4_cosine():
    rng = np.random.default_rng(0)
    vectors = rng.normal(size=(2000, 64)).astype(np.float32) * rng.uniform(0.1, 3, size=(2000, 1))
    q, scale = quantise(vectors)
    restored = q.astype(np.float32) * scale[:, None]
    for _ in range(200):
        tokens = rng.integers(0, 2000, 25)
        a, b = vectors[tokens].sum(0), restored[tokens].sum(0)
        assert a @ b / np.linalg.norm(a) / np.linalg.norm(b) > 0.9999


@pytest.mark.real_model
def test_shipped_model_matches_a_fresh_distillation():
    vectors, weights = static_model.distill_token_vectors()
    shipped_vectors, shipped_weights = load_shipped()
    assert np.allclose(weights, shipped_weights, atol=1e-3)  # float16 in the file
    fresh, shipped = StaticEmbedder(vectors, weights), StaticEmbedder(shipped_vectors, shipped_weights)
    texts = ["Summarise this article about the economy.", "Translate to French: good morning",
             "def add(a, b): return a + b", "Name three planets in the solar system."]
    cosines = (fresh.embed(texts) * shipped.embed(texts)).sum(axis=1)
    assert cosines.min() > 0.9999, "distillation changed: rebuild the shipped file with ship_quantised"


def _blobs(n, seed=0, dim=32):
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(4, dim)) * 4
    x = centres[rng.integers(0, 4, n)] + rng.normal(size=(n, dim))
    return (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)


def test_small_maps_use_the_exact_graph_and_place_later_rows_among_their_neighbours():
    x = _blobs(600)
    reducer = SizedUmap()
    coords = reducer.fit_transform(x)
    assert reducer.strategy == "exact-knn" and len(x) <= EXACT_KNN_MAX
    reducer = pickle.loads(pickle.dumps(reducer))  # as saved beside the dataset
    # a row equal to a fitted one lands on (almost) that row's point; the fitted points are not refitted
    placed = reducer.transform(x[:50])
    assert np.abs(placed - coords[:50]).max() < 1e-2 * np.ptp(coords)
    # a new row near blob members lands in that blob's region
    near = x[:50] + np.random.default_rng(1).normal(scale=0.01, size=x[:50].shape).astype(np.float32)
    moved = np.linalg.norm(reducer.transform(near) - coords[:50], axis=1)
    assert np.median(moved) < 0.05 * np.ptp(coords)


@pytest.mark.parametrize("umask", [0o022, 0o002, 0o077])
@pytest.mark.parametrize("fmt", ["jsonl", "parquet", "csv", "hf"])
def test_exports_and_manifests_follow_the_umask(built_dataset, tmp_path, umask, fmt):
    import os
    import stat

    from mixmap.core.export.write import export_rows, manifest_path

    old = os.umask(umask)
    try:
        out = tmp_path / f"mix.{fmt}" if fmt != "hf" else tmp_path / "mix_hf"
        export_rows(built_dataset, out, fmt=fmt)
    finally:
        os.umask(old)
    written = [out] if fmt != "hf" else [out, *[p for p in out.rglob("*")]]
    for path in [*written, manifest_path(out)]:
        mode = stat.S_IMODE(path.stat().st_mode)
        expected = (0o777 if path.is_dir() else 0o666) & ~umask
        assert mode == expected, f"{path.name}: {oct(mode)} != {oct(expected)}"
