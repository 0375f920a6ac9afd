"""Store: marks live apart from rows and vectors; frames replace whole; names are validated."""
import numpy as np
import pytest

from mixmap.core.errors import FilterError, StoreError
from mixmap.core.ingest.files import ingest_into
from mixmap.core.store.marks import apply_marks, read_marks


def test_marking_never_rewrites_rows_or_vectors(built_dataset):
    ds = built_dataset
    before = {k: ds.version(k) for k in ("rows", ds.vector_kind())}
    ids = ds.read_rows(["id"]).column("id").to_pylist()[:10]
    apply_marks(ds, ids[:5], mark="exclude", message="drop five")
    apply_marks(ds, ids[3:10], add_tags=["review"])
    assert {k: ds.version(k) for k in before} == before
    marks = {r["id"]: r for r in read_marks(ds).to_pylist()}
    assert marks[ids[4]] == {"id": ids[4], "mark": "exclude", "tags": ["review"]}
    assert marks[ids[9]]["mark"] == "" and marks[ids[0]]["tags"] == []
    log = ds.marks_log().to_pylist()
    assert [e["message"] for e in log][0] == "drop five" and len(log) == 2


def test_tags_can_be_removed_and_marks_cleared(built_dataset):
    ds = built_dataset
    row = ds.read_rows(["id"]).column("id")[0].as_py()
    apply_marks(ds, [row], mark="include", add_tags=["a", "b"])
    apply_marks(ds, [row], mark="", remove_tags=["a"])
    assert read_marks(ds, ids=[row]).to_pylist() == [{"id": row, "mark": "", "tags": ["b"]}]
    with pytest.raises(StoreError):
        apply_marks(ds, [row], mark="maybe")


def test_unknown_dataset_and_bad_names(workspace):
    with pytest.raises(StoreError, match="ingest one first"):
        workspace.dataset("missing")
    with pytest.raises(FilterError):
        workspace.dataset("../etc", create=True)


def test_vectors_round_trip_and_search(built_dataset):
    ids, vectors = built_dataset.read_vectors()
    assert vectors.shape == (160, 16) and np.allclose(np.linalg.norm(vectors, axis=1), 1, atol=1e-5)
    hits = built_dataset.search_vectors(vectors[7], k=3).column("id").to_pylist()
    assert hits[0] == ids[7]


def test_summary_lists_datasets(workspace, rows_file):
    ingest_into(workspace.dataset("a", create=True), rows_file)
    (summary,) = workspace.summary()
    assert summary["name"] == "a" and summary["rows"] == 160 and summary["embedded"] == 0
