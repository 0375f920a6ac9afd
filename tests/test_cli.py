"""CLI end to end: ingest -> build -> mark -> export, counts checked; user errors exit 1 in one line."""
import json

from click.testing import CliRunner

from mixmap.cli.main import main
from tests.conftest import synthetic_rows, write_jsonl


def run(args, workspace, ok=True):
    result = CliRunner().invoke(main, ["--workspace", str(workspace), *args])
    if ok:
        assert result.exit_code == 0, result.output
    return result


def test_ingest_build_mark_export(tmp_path, model_cache):
    ws = tmp_path / "ws"
    data = write_jsonl(tmp_path / "rows.jsonl", synthetic_rows(30))
    out = json.loads(run(["ingest", str(data), "--dataset", "demo", "--json"], ws).stdout)
    assert out["added"] == 120 and out["bad_rows"] == 0
    built = json.loads(run(["build", "demo", "--fast", "--json"], ws).stdout)
    assert built["embed"]["embedded"] == 120 and built["project"]["placed"] == 120
    listed = json.loads(run(["list", "--json"], ws).stdout)
    assert listed[0]["rows"] == 120 and listed[0]["embedded"] == 120 and listed[0]["clustered"]
    tagged = json.loads(run(["mark", "demo", "--where", "text", "contains", "about PYTHON", "--tag", "py", "--json"], ws).stdout)
    assert tagged["marked"] == 30
    excluded = json.loads(run(["mark", "demo", "--where", "source", "=", "rows", "--where", "row_index", "<=", "10",
                               "--exclude", "-m", "first ten", "--json"], ws).stdout)
    assert excluded["marked"] == 10
    export = json.loads(run(["export", "demo", "--out", str(tmp_path / "o.jsonl"), "--json"], ws).stdout)
    assert export["counts"]["rows_exported"] == 110
    lines = (tmp_path / "o.jsonl").read_text().splitlines()
    assert len(lines) == 110
    exported_ids = {json.loads(line)["id"] for line in lines}
    manifest = json.loads((tmp_path / "o.jsonl.manifest.json").read_text())
    assert set(manifest["ids"]) == exported_ids and manifest["model"] == "static-minilm"
    ids = list(exported_ids)[:3]
    run(["mark", "demo", "--ids", ",".join(ids), "--include", "--json"], ws)
    only = json.loads(run(["export", "demo", "--out", str(tmp_path / "i.csv"), "--marked", "include", "--json"], ws).stdout)
    assert only["counts"]["rows_exported"] == 3


def test_user_errors_exit_1_with_one_line(tmp_path):
    ws = tmp_path / "ws"
    for args in (["embed", "nope"], ["ingest", str(tmp_path / "missing.jsonl"), "--dataset", "d"],
                 ["ingest", str(tmp_path), "--dataset", "bad name"], ["export", "nope", "--out", "x.jsonl"]):
        result = run(args, ws, ok=False)
        assert result.exit_code == 1, args
        assert result.output.startswith("error: ") and result.output.count("\n") == 1, result.output
        assert "Traceback" not in result.output


def test_where_values_are_quoted_not_executed(tmp_path, built_dataset):
    ws = built_dataset.workspace.root
    result = run(["mark", "synth", "--where", "source", "=", "' OR 1=1 --", "--exclude", "--json"], ws)
    assert json.loads(result.output)["marked"] == 0
    bad_column = run(["mark", "synth", "--where", "meta; DROP", "=", "x", "--exclude"], ws, ok=False)
    assert bad_column.exit_code == 1 and "column" in bad_column.output
