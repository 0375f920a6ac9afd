"""The bundled sample opens complete: every page has its content without the user running anything."""
import numpy as np
import pytest

from mixmap.core.curate.first_open import REFERENCE_NAME, REFERENCE_VECTORS, complete_sample
from mixmap.core.embed.lookup import LookupEmbedder, text_key
from mixmap.core.store.workspace import Workspace
from tests.conftest import open_app


@pytest.fixture(scope="module")
def sample_ws(tmp_path_factory):
    from mixmap.ui.state import install_complete_sample

    ws = Workspace(tmp_path_factory.mktemp("ws"))
    loaded = install_complete_sample(ws)
    assert loaded["prebuilt"], "the sample's prebuilt artifacts no longer match its rows"
    return ws


def test_lookup_embedder_answers_known_texts_and_asks_the_model_only_for_the_rest():
    asked = []

    class Model:
        name, dim = "m", 3

        def embed(self, texts):
            asked.extend(texts)
            return np.tile([0.0, 0.0, 1.0], (len(texts), 1)).astype(np.float32)

    lookup = LookupEmbedder("m", {text_key("a"): np.array([2.0, 0, 0], np.float32)}, fallback=Model)
    out = lookup.embed(["a", "b", "a"])
    assert asked == ["b"] and lookup.missed == 1
    assert np.allclose(out, [[1, 0, 0], [0, 0, 1], [1, 0, 0]])


def test_complete_sample_scores_finds_pairs_and_places_a_reference_with_shipped_vectors(sample_ws, monkeypatch):
    from mixmap.core.coverage.analysis import references_of
    from mixmap.core.dedup.dataset import METHODS, pairs_info

    ds = sample_ws.dataset("sample")
    assert ds.has_frame("signals") and all(pairs_info(ds, m) for m in METHODS)
    assert references_of(sample_ws, "sample") == [REFERENCE_NAME]
    ref = sample_ws.dataset(REFERENCE_NAME)
    assert ref.count() == 176 and ref.read_frame("layout").num_rows == 176 and REFERENCE_VECTORS.is_file()
    # the map did not move, and a second call does nothing
    before = ds.read_frame("layout")
    assert complete_sample(sample_ws)["done"] == []
    assert ds.read_frame("layout").equals(before)


def test_the_shipped_reference_vectors_cover_every_reference_row(sample_ws):
    import pyarrow.parquet as pq

    keys = set(pq.read_table(REFERENCE_VECTORS).column("key").to_pylist())
    texts = sample_ws.dataset(REFERENCE_NAME).read_rows(["text"]).column("text").to_pylist()
    assert {text_key(t) for t in texts} <= keys, "rerun make_reference.py and write_reference_vectors"


def test_the_reference_shows_the_planted_geography_gap(sample_ws):
    from mixmap.core.coverage.analysis import analyze_coverage

    report = analyze_coverage(sample_ws.dataset("sample"), sample_ws.dataset(REFERENCE_NAME))
    rows = report.reference_rows
    topics = sample_ws.dataset(REFERENCE_NAME).read_rows(["id", "meta"]).to_pandas()
    geo = set(topics[topics["meta"].str.contains('"topic": "geography"')]["id"])
    uncovered = set(rows[~rows["covered"]]["id"])
    assert uncovered and len(uncovered & geo) / len(uncovered) >= 0.8


@pytest.mark.parametrize("page,empty", [
    ("pages/quality.py", "not scored yet"), ("pages/duplicates.py", "pairs for"),
    ("pages/coverage.py", "has no reference set yet"),
])
def test_every_page_of_the_sample_has_content_on_first_open(tmp_path, monkeypatch, page, empty):
    app = open_app(tmp_path / "fresh", monkeypatch, page=page, timeout=120)
    shown = " ".join(str(getattr(e, "value", "")) for e in [*app.info, *app.warning])
    assert empty not in shown
