"""Issue 14, defect 9: values keep their types from the command line to the store and out of the export.

Numeric-looking sources, tags and metadata can be selected (the filter helper fits a value to the column's
type); an exported `cluster` stays an integer column (null where a row is not clustered yet); a single JSON
object holding a chat is one row, not one row per turn.
"""
from __future__ import annotations

import csv
import json

import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from mixmap.cli.main import main
from mixmap.core.build.cluster import write_clusters
from mixmap.core.curate.slices import slice_ids
from mixmap.core.errors import FilterError, MixmapError
from mixmap.core.export.write import export_rows
from mixmap.core.ingest.files import ingest_file, ingest_into
from mixmap.core.store.filters import Condition, parse_value
from mixmap.core.store.marks import apply_marks
from mixmap.core.store.workspace import Workspace
from tests.conftest import write_jsonl


@pytest.fixture
def numeric_names(tmp_path):
    """Dataset d: 3 rows of source "2024", 2 of source "007", with a numeric-looking tag and metadata."""
    ws = Workspace(tmp_path / "ws")
    ds = ws.dataset("d", create=True)
    ingest_into(ds, write_jsonl(tmp_path / "a.jsonl", [{"text": f"a {i}", "year": "1999"} for i in range(3)]),
                source="2024")
    ingest_into(ds, write_jsonl(tmp_path / "b.jsonl", [{"text": f"b {i}", "year": 2001} for i in range(2)]),
                source="007")
    ids = ds.read_rows(["id"]).column("id").to_pylist()
    apply_marks(ds, ids[:2], add_tags=["42"])
    return ws, ds, ids


def test_numeric_looking_source_tag_and_meta_are_selectable(numeric_names):
    """`--where source = 2024` failed with "Received literal Int64"."""
    _ws, ds, ids = numeric_names
    assert len(slice_ids(ds, {"where": ["source", "=", 2024]})) == 3
    assert len(slice_ids(ds, {"where": ["source", "in", [2024, 7.5]]})) == 3
    assert len(slice_ids(ds, {"where": ["source", "!=", 2024]})) == 2
    assert slice_ids(ds, {"where": ["tags", "=", 42]}) == ids[:2]
    assert len(slice_ids(ds, {"where": ["year", "=", 1999]})) == 3
    assert len(slice_ids(ds, {"where": ["id", "=", ids[0]]})) == 1
    assert slice_ids(ds, {"where": ["row_index", "=", "1"]}) == [ids[0], ids[3]]  # text for a number column


def test_where_on_the_command_line_keeps_what_was_typed(numeric_names):
    ws, _ds, _ids = numeric_names
    runner = CliRunner()
    for value, rows in (("2024", 3), ("007", 2), ("2024,007", 5)):
        op = "in" if "," in value else "="
        result = runner.invoke(main, ["--workspace", str(ws.root), "slice", "save", "d", "s", "--where", "source", op,
                                      value, "--json"])
        assert result.exit_code == 0, result.output
        assert json.loads(result.output)["rows"] == rows, value
    result = runner.invoke(main, ["--workspace", str(ws.root), "mark", "d", "--where", "tags", "=", "42",
                                  "--exclude", "--json"])
    assert result.exit_code == 0, result.output


def test_parse_value_keeps_text_that_a_number_would_change():
    assert parse_value("2024") == 2024 and parse_value("-3") == -3 and parse_value("0.5") == 0.5
    for text in ("007", "1.50", "1e3", "nan", "inf", " 5", "1_000", "+4"):
        assert parse_value(text) == text


def test_fit_value_follows_the_column_type():
    import pyarrow as pa

    from mixmap.core.store.filters import fit_value

    assert fit_value(2024, pa.string()) == "2024"
    assert fit_value(True, pa.string()) == "true"
    assert fit_value("3", pa.int32()) == 3 and fit_value("2.5", pa.float64()) == 2.5
    assert fit_value(2.0, pa.int64()) == 2
    with pytest.raises(FilterError, match="number"):
        fit_value("abc", pa.int32())
    assert Condition("source", "=", 2024).to_sql(["source"], types={"source": pa.string()}) == "`source` = '2024'"


def test_a_text_value_on_a_number_column_is_a_clear_error(numeric_names):
    _ws, ds, _ids = numeric_names
    with pytest.raises(MixmapError, match="cannot filter row_index: it holds numbers, and 'abc' is not a number"):
        slice_ids(ds, {"where": ["row_index", "=", "abc"]})


# ---- export keeps cluster an integer column ----------------------------------------------------------------
def test_export_keeps_cluster_an_integer_when_rows_are_unclustered(tmp_path):
    """Export turned `cluster` into a float (3.0) as soon as one row had no cluster yet."""
    ws = Workspace(tmp_path / "ws")
    ds = ws.dataset("d", create=True)
    ingest_into(ds, write_jsonl(tmp_path / "rows.jsonl", [{"text": f"row {i}"} for i in range(6)]))
    ids = ds.read_rows(["id"]).column("id").to_pylist()
    write_clusters(ds, ids[:4], [0, 1, 1, -1], {})  # two rows added after clustering
    by_id = dict(zip(ids, [0, 1, 1, -1, None, None]))
    export_rows(ds, tmp_path / "out.jsonl")
    lines = (tmp_path / "out.jsonl").read_text().splitlines()
    assert [json.loads(line)["cluster"] for line in lines] == [by_id[json.loads(line)["id"]] for line in lines]
    assert not any('"cluster": 0.0' in line or '"cluster": 1.0' in line for line in lines)
    export_rows(ds, tmp_path / "out.parquet")
    table = pq.read_table(tmp_path / "out.parquet")
    assert str(table.schema.field("cluster").type).startswith("int")
    assert dict(zip(table.column("id").to_pylist(), table.column("cluster").to_pylist())) == by_id
    export_rows(ds, tmp_path / "out.csv")
    with open(tmp_path / "out.csv", newline="") as fh:
        cells = {r["id"]: r["cluster"] for r in csv.DictReader(fh)}
    assert cells == {i: "" if c is None else str(c) for i, c in by_id.items()}


# ---- a JSON object holding one chat is one row -------------------------------------------------------------
@pytest.mark.parametrize("chat", [
    {"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "hello"}]},
    {"conversations": [{"from": "human", "value": "hi"}, {"from": "gpt", "value": "hello"}], "id": "x1"},
])
def test_a_single_chat_object_is_one_row(tmp_path, chat):
    path = tmp_path / "one.json"
    path.write_text(json.dumps(chat), encoding="utf-8")
    rows = ingest_file(path).rows
    assert rows.num_rows == 1
    text = rows.column("text")[0].as_py()
    assert "hi" in text and "hello" in text


def test_a_wrapper_object_with_a_list_of_chats_is_still_split(tmp_path):
    chats = [{"messages": [{"role": "user", "content": f"q{i}"}, {"role": "assistant", "content": "a"}]}
             for i in range(3)]
    path = tmp_path / "wrapped.json"
    path.write_text(json.dumps({"version": 1, "data": chats}), encoding="utf-8")
    assert ingest_file(path).rows.num_rows == 3
