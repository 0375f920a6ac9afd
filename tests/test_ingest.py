"""Ingest: every format, text specs, stable ids, bad rows with file and line, store unchanged on failure."""
import csv
import gzip
import json

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from mixmap.core.errors import IngestError
from mixmap.core.ingest.files import TextSpec, guess_spec, ingest_file, ingest_into
from tests.conftest import write_jsonl

ROWS = [{"instruction": "Add 2 and 3", "input": "", "output": "5", "lang": "en"},
        {"instruction": "Translate", "input": "hola", "output": "hello", "lang": "es"}]


def test_jsonl_template_keeps_parts_as_metadata(tmp_path):
    result = ingest_file(write_jsonl(tmp_path / "a.jsonl", ROWS))
    assert result.rows.column("text").to_pylist() == ["Add 2 and 3\n\n5", "Translate\n\nhola\n\nhello"]
    meta = json.loads(result.rows.column("meta")[1].as_py())
    assert meta == {"instruction": "Translate", "input": "hola", "output": "hello", "lang": "es"}
    assert result.rows.column("source").to_pylist() == ["a", "a"]
    assert result.rows.column("row_index").to_pylist() == [1, 2]


def test_formats_give_the_same_rows(tmp_path):
    expected = ingest_file(write_jsonl(tmp_path / "x.jsonl", ROWS), source="s").rows.column("text").to_pylist()
    (tmp_path / "x.json").write_text(json.dumps(ROWS))
    with gzip.open(tmp_path / "x.jsonl.gz", "wt") as fh:
        fh.writelines(json.dumps(r) + "\n" for r in ROWS)
    with open(tmp_path / "x.csv", "w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(ROWS[0]))
        writer.writeheader()
        writer.writerows(ROWS)
    pq.write_table(pa.Table.from_pylist(ROWS), tmp_path / "x.parquet")
    for name in ("x.json", "x.jsonl.gz", "x.csv", "x.parquet"):
        got = ingest_file(tmp_path / name, source="s").rows.column("text").to_pylist()
        assert got == expected, name


def test_hf_save_to_disk_folder(tmp_path):
    datasets = pytest.importorskip("datasets")
    datasets.Dataset.from_list(ROWS).save_to_disk(str(tmp_path / "hf"))
    result = ingest_file(tmp_path / "hf", source="s")
    assert result.rows.num_rows == 2 and result.rows.column("text")[0].as_py() == "Add 2 and 3\n\n5"


def test_chat_lists_are_flattened_with_roles(tmp_path):
    rows = [{"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "hello!"}]},
            {"conversations": [{"from": "human", "value": "q"}]}]
    result = ingest_file(write_jsonl(tmp_path / "c.jsonl", rows[:1]))
    assert result.rows.column("text")[0].as_py() == "user: hi\n\nassistant: hello!"
    sharegpt = ingest_file(write_jsonl(tmp_path / "d.jsonl", rows[1:]))
    assert sharegpt.rows.column("text")[0].as_py() == "human: q"


def test_bad_rows_are_reported_with_line_numbers(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"text": "ok"}\n{not json\n{"text": null}\n{"text": {"nested": 1}}\n{"other": "x"}\n{"text": "fine"}\n')
    result = ingest_file(path, spec=TextSpec(column="text"))
    assert result.rows.column("text").to_pylist() == ["ok", "fine"]
    assert [(b.line, b.file) for b in result.bad_rows] == [(2, "bad.jsonl"), (3, "bad.jsonl"), (4, "bad.jsonl"), (5, "bad.jsonl")]
    assert "null" in result.bad_rows[1].reason and "dict" in result.bad_rows[2].reason
    with pytest.raises(IngestError, match=r"bad.jsonl:2"):
        ingest_file(path, spec=TextSpec(column="text"), on_error="abort")


def test_abort_leaves_the_store_unchanged(tmp_path, workspace):
    ds = workspace.dataset("d", create=True)
    ingest_into(ds, write_jsonl(tmp_path / "good.jsonl", [{"text": "one"}]))
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "two"}\n{broken\n')
    with pytest.raises(IngestError):
        ingest_into(ds, bad, on_error="abort")
    assert ds.count() == 1 and len(ds.meta["sources"]) == 1


def test_ids_are_stable_and_distinct_for_repeated_text(tmp_path, workspace):
    path = write_jsonl(tmp_path / "dup.jsonl", [{"text": "same"}, {"text": "same"}, {"text": "other"}])
    first = ingest_file(path).rows.column("id").to_pylist()
    assert first == ingest_file(path).rows.column("id").to_pylist()
    assert len(set(first)) == 3
    assert ingest_file(path, source="elsewhere").rows.column("id").to_pylist() != first
    ds = workspace.dataset("d", create=True)
    assert ingest_into(ds, path).source_info["added"] == 3
    assert ingest_into(ds, path).source_info["added"] == 0  # rerun adds nothing twice
    assert ds.count() == 3


@pytest.mark.parametrize("content,match", [(b"", "empty"), (b"\xff\xfe\x00\xd8garbage\x81\x82", "UTF"),
                                           (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xff", "UTF-8")])
def test_unreadable_files_give_clear_errors(tmp_path, content, match):
    path = tmp_path / "f.jsonl"
    path.write_bytes(content)
    with pytest.raises(IngestError, match=match):
        ingest_file(path)


def test_unknown_layout_asks_for_a_column(tmp_path):
    with pytest.raises(IngestError, match="--text-column"):
        ingest_file(write_jsonl(tmp_path / "x.jsonl", [{"a": 1, "b": 2}]))
    assert guess_spec(["en_instruction", "en_input", "en_output"]).template.startswith("{en_instruction}")
