"""Export: selection by marks, manifest contents, original columns back, same marks -> same bytes."""
import json

import pandas as pd
import pytest

from mixmap.core.errors import MixmapError
from mixmap.core.export.write import export_rows, manifest_path
from mixmap.core.store.marks import apply_marks


@pytest.mark.parametrize("fmt", ["jsonl", "parquet", "csv"])
def test_export_by_marks(built_dataset, tmp_path, fmt):
    ds = built_dataset
    ids = ds.read_rows(["id"]).column("id").to_pylist()
    apply_marks(ds, ids[:10], mark="include")
    apply_marks(ds, ids[10:15], mark="exclude")
    out = tmp_path / f"o.{fmt}"
    counts = {}
    for marked in ("include", "exclude", "any"):
        manifest = export_rows(ds, out, marked=marked)
        counts[marked] = manifest["counts"]["rows_exported"]
    assert counts == {"include": 10, "exclude": 155, "any": 160}
    manifest = export_rows(ds, out, marked="include")
    frame = {"jsonl": lambda p: pd.read_json(p, lines=True), "parquet": pd.read_parquet, "csv": pd.read_csv}[fmt](out)
    assert sorted(frame["id"]) == sorted(ids[:10])
    assert {"instruction", "output", "topic", "cluster"} <= set(frame.columns)
    saved = json.loads(manifest_path(out).read_text())
    assert saved["ids"] == manifest["ids"] and saved["sources"][0]["sha256"] and saved["model"] == "fake-bow-16"
    assert saved["output"]["sha256"] and saved["counts"]["by_source"] == {"synthetic": 10}


def test_same_marks_give_identical_bytes(built_dataset, tmp_path):
    a, b = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    export_rows(built_dataset, a)
    export_rows(built_dataset, b)
    assert a.read_bytes() == b.read_bytes()
    assert not list(tmp_path.glob(".*.tmp"))


def test_bad_format_is_a_user_error(built_dataset, tmp_path):
    with pytest.raises(MixmapError):
        export_rows(built_dataset, tmp_path / "x.xlsx")
