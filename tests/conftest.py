"""Shared fixtures: a seeded fake embedder, synthetic datasets with planted structure, built workspaces."""
from __future__ import annotations

import hashlib
import json
import os
import random
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = ROOT.parent / "shared" / "data"
os.environ.setdefault("LANCE_LOG", "error")
os.environ.setdefault("LANCEDB_LOG", "error")

TOPICS = {
    "cooking": "recipe oven bake flour sugar butter dough simmer garlic onion sauce pan boil salt pepper",
    "python": "python function list dict loop class import module variable error exception print string",
    "finance": "budget savings interest loan credit debt invest stock bond retirement tax income expense",
    "space": "planet star orbit galaxy telescope moon rocket astronaut nebula comet solar gravity",
}


class FakeEmbedder:
    """Deterministic bag-of-words embedder: each word maps to a seeded random vector (16 dims)."""

    name = "fake-bow-16"
    dim = 16

    def __init__(self) -> None:
        self.calls = 0
        self.texts_seen = 0

    def _word(self, word: str) -> np.ndarray:
        seed = int.from_bytes(hashlib.sha1(word.encode()).digest()[:4], "little")
        return np.random.default_rng(seed).normal(size=self.dim)

    def embed(self, texts: list[str]) -> np.ndarray:
        self.calls += 1
        self.texts_seen += len(texts)
        out = np.zeros((len(texts), self.dim))
        for i, text in enumerate(texts):
            for word in text.lower().split():
                out[i] += self._word(word.strip(".,!?"))
        out /= np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-9)
        return out.astype(np.float32)


class OtherFakeEmbedder(FakeEmbedder):
    """A second cheap model (12 dims, other word vectors): switching to it is a model switch."""

    name = "fake-bow-12"
    dim = 12

    def _word(self, word: str) -> np.ndarray:
        return super()._word("other:" + word)[: self.dim]


class PcaReducer:
    """A fast Reducer for tests (a linear map; fit_transform / transform): no numba, no UMAP epochs."""

    strategy = "pca"

    def fit_transform(self, vectors: np.ndarray) -> np.ndarray:
        from sklearn.decomposition import PCA

        import warnings

        vectors = np.asarray(vectors, dtype=np.float32)
        with warnings.catch_warnings():  # identical rows have no variance to explain; the map is still valid
            warnings.simplefilter("ignore", RuntimeWarning)
            self._pca = PCA(n_components=2, random_state=0).fit(vectors) if len(vectors) >= 2 else None
        return self.transform(vectors)

    def transform(self, vectors: np.ndarray) -> np.ndarray:
        vectors = np.asarray(vectors, dtype=np.float32)
        out = vectors[:, :2] if self._pca is None else self._pca.transform(vectors)
        return np.nan_to_num(out).astype(np.float32)


def synthetic_rows(n_per_topic: int = 40, seed: int = 0) -> list[dict]:
    rng = random.Random(seed)
    rows = []
    for topic, vocab in TOPICS.items():
        words = vocab.split()
        for i in range(n_per_topic):
            body = " ".join(rng.choice(words) for _ in range(12))
            rows.append({"instruction": f"Tell me about {topic} {i}", "input": "", "output": body, "topic": topic})
    return rows


def write_jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


@pytest.fixture
def fake_embedder() -> FakeEmbedder:
    return FakeEmbedder()


@pytest.fixture
def workspace(tmp_path):
    from mixmap.core.store.workspace import Workspace

    return Workspace(tmp_path / "ws")


@pytest.fixture
def rows_file(tmp_path) -> Path:
    return write_jsonl(tmp_path / "synthetic.jsonl", synthetic_rows())


@pytest.fixture
def built_dataset(workspace, rows_file, fake_embedder):
    """A dataset of 160 rows in 4 planted topics, embedded with the fake embedder, projected, clustered."""
    from mixmap.core.build.pipeline import build_dataset
    from mixmap.core.ingest.files import ingest_into

    ds = workspace.dataset("synth", create=True)
    ingest_into(ds, rows_file)
    build_dataset(ds, fake_embedder)
    return ds


@pytest.fixture(scope="session")
def model_cache(tmp_path_factory) -> Path:
    """One distilled static model per test session (distilling takes ~30 s)."""
    path = Path(os.environ.get("MIXMAP_MODEL_CACHE") or tmp_path_factory.mktemp("models"))
    os.environ["MIXMAP_MODEL_CACHE"] = str(path)
    return path


def open_app(workspace_root, monkeypatch, *, page: str | None = None, title: str | None = None,
             session: dict | None = None, timeout: int = 60):
    """app.py in a fresh AppTest on `workspace_root` (warm-up off, Streamlit caches cleared), switched to
    `page` when given; asserts it ran without an exception and, when given, shows `title`."""
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("MIXMAP_WORKSPACE", str(workspace_root))
    monkeypatch.setenv("MIXMAP_WARMUP", "0")
    st.cache_resource.clear()
    st.cache_data.clear()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=timeout)
    for key, value in (session or {}).items():
        at.session_state[key] = value
    at.run()
    if page:
        at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    if title:
        assert at.title[0].value == title
    return at


def shown_text(markdown: str) -> str:
    """Markdown source as the reader sees it: the backslash escapes ui/escape.md adds are taken out."""
    import re

    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", str(markdown)).replace("\u2060", "")  # and the word joiners
