"""Issue 14, defects 1-4: ingest, dedup --apply and replay never lose, double or overwrite data.

Each test reproduces one defect as a curator met it (through the CLI where that is how it was found) and
checks the dataset afterwards: how many rows, which marks, which files changed.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from mixmap.cli.main import main
from mixmap.core.errors import MixmapError
from mixmap.core.export.replay import replay_manifest
from mixmap.core.export.write import export_rows, manifest_path
from mixmap.core.ingest.files import TextSpec, ingest_into
from mixmap.core.store.marks import apply_marks, read_marks
from mixmap.core.store.workspace import Workspace
from tests.conftest import write_jsonl


def _cli(*args: str):
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result


def _twice_each(n: int = 16) -> list[dict]:
    """2n rows: every text twice, the second copies all in the file's second half."""
    return [{"instruction": f"question {i % n}", "output": f"answer {i % n}"} for i in range(2 * n)]


# ---- defect 1: ingest drops rows -------------------------------------------------------------------------
def test_ingest_in_parts_keeps_every_copy(tmp_path):
    """part1 + part2 of a 32-row file gave 30 rows (the per-copy counter restarted per file); now 32."""
    rows = _twice_each(16)
    whole = write_jsonl(tmp_path / "whole.jsonl", rows)
    part1 = write_jsonl(tmp_path / "part1.jsonl", rows[:16])
    part2 = write_jsonl(tmp_path / "part2.jsonl", rows[16:])
    ws = tmp_path / "ws"
    assert _cli("--workspace", str(ws), "ingest", str(whole), "--dataset", "whole").exit_code == 0
    assert _cli("--workspace", str(ws), "ingest", str(part1), str(part2), "--dataset", "parts",
                "--source", "whole").exit_code == 0
    workspace = Workspace(ws)
    assert workspace.dataset("whole").count() == 32
    assert workspace.dataset("parts").count() == 32
    # ingesting the parts again is a no-op: the ids are stable, so nothing is added twice
    again = _cli("--workspace", str(ws), "ingest", str(part2), str(part1), "--dataset", "parts", "--source", "whole",
                 "--json")
    assert json.loads(again.output)["added"] == 0
    assert workspace.dataset("parts").count() == 32
    assert len(workspace.dataset("parts").meta["sources"]) == 2


def test_same_text_in_two_files_of_one_source_is_two_rows(tmp_path):
    """The same text in two files of one source is two rows, with ids that stay put when either is re-ingested."""
    ws = Workspace(tmp_path / "ws")
    ds = ws.dataset("d", create=True)
    a = write_jsonl(tmp_path / "a.jsonl", [{"text": "same"}, {"text": "only in a"}])
    b = write_jsonl(tmp_path / "b.jsonl", [{"text": "same"}, {"text": "same"}])
    ingest_into(ds, a, source="web")
    ingest_into(ds, b, source="web")
    texts = ds.read_rows(["text"]).column("text").to_pylist()
    assert sorted(texts) == ["only in a", "same", "same", "same"]
    ids = ds.read_rows(["id"]).column("id").to_pylist()
    assert ingest_into(ds, b, source="web").source_info["added"] == 0
    assert ingest_into(ds, a, source="web").source_info["added"] == 0
    assert ds.read_rows(["id"]).column("id").to_pylist() == ids


def test_reingest_with_another_template_is_refused(tmp_path):
    """Another --template used to add every row again under one source entry; now it is refused, unchanged."""
    data = write_jsonl(tmp_path / "alpaca.jsonl", _twice_each(4)[:4])
    ws = tmp_path / "ws"
    assert _cli("--workspace", str(ws), "ingest", str(data), "--dataset", "d", "--template",
                "{instruction}").exit_code == 0
    before = Workspace(ws).dataset("d").meta
    result = CliRunner().invoke(main, ["--workspace", str(ws), "ingest", str(data), "--dataset", "d",
                                       "--template", "{instruction}\\n{output}"])
    assert result.exit_code == 1, result.output
    assert "error:" in result.output and "--template" in result.output and "Traceback" not in result.output
    ds = Workspace(ws).dataset("d")
    assert ds.count() == 4
    assert ds.meta["sources"] == before["sources"]
    # the same mapping again is fine (a no-op), and another --source makes it a second, separate source
    assert _cli("--workspace", str(ws), "ingest", str(data), "--dataset", "d", "--template",
                "{instruction}").exit_code == 0
    assert _cli("--workspace", str(ws), "ingest", str(data), "--dataset", "d", "--source", "full",
                "--template", "{instruction}\\n{output}").exit_code == 0
    assert ds.count() == 8 and len(ds.meta["sources"]) == 2


# ---- defect 2: dedup --apply ignores existing marks ------------------------------------------------------
def _duplicates(tmp_path) -> tuple:
    ws = Workspace(tmp_path / "ws")
    ds = ws.dataset("d", create=True)
    rows = [{"text": f"the same row {g}"} for g in range(3) for _ in range(3)] + [{"text": "alone"}]
    ingest_into(ds, write_jsonl(tmp_path / "dups.jsonl", rows))
    by_text: dict[str, list[str]] = {}
    for row in ds.read_rows(["id", "text"]).to_pylist():
        by_text.setdefault(row["text"], []).append(row["id"])
    return ws, ds, by_text


def test_dedup_apply_keeps_a_copy_the_curator_did_not_exclude(tmp_path):
    """A row already excluded could be its group's keeper, so every copy ended up excluded."""
    ws, ds, by_text = _duplicates(tmp_path)
    first = [ids[0] for text, ids in by_text.items() if text != "alone"]
    apply_marks(ds, first, mark="exclude", message="curator")  # the policy's keepers ('first')
    result = _cli("--workspace", str(ws.root), "dedup", "d", "--method", "exact", "--apply", "--json")
    assert result.exit_code == 0, result.output
    marks = {r["id"]: r["mark"] for r in read_marks(ds).to_pylist()}
    for text, ids in by_text.items():
        kept = [i for i in ids if marks.get(i, "") != "exclude"]
        assert len(kept) == 1, (text, kept)
    assert json.loads(result.output)["applied"]["marked"] == 3  # the newly excluded rows only


def test_dedup_apply_never_overwrites_include(tmp_path):
    """Rows marked include were overwritten with exclude; an included copy is now the group's keeper."""
    ws, ds, by_text = _duplicates(tmp_path)
    last = [ids[-1] for text, ids in by_text.items() if text != "alone"]
    apply_marks(ds, last, mark="include", message="curator keeps these")
    result = _cli("--workspace", str(ws.root), "dedup", "d", "--method", "exact", "--apply", "--json")
    assert result.exit_code == 0, result.output
    marks = {r["id"]: r["mark"] for r in read_marks(ds).to_pylist()}
    assert all(marks[i] == "include" for i in last)
    for text, ids in by_text.items():
        if text != "alone":
            assert [marks.get(i, "") for i in ids] == ["exclude", "exclude", "include"]
    groups = json.loads(result.output)["groups"]
    assert sorted(g["keeper"] for g in groups) == sorted(last)


# ---- defect 3: replay rewrites the file it checks --------------------------------------------------------
def _exported(tmp_path, out_name: str = "out.jsonl"):
    ws = Workspace(tmp_path / "ws")
    ds = ws.dataset("d", create=True)
    ingest_into(ds, write_jsonl(tmp_path / "rows.jsonl", [{"text": f"row {i}"} for i in range(6)]))
    out = tmp_path / "exports" / out_name
    export_rows(ds, out, extra_frames=())
    return ws, ds, out


def _snapshot(*paths: Path) -> dict:
    return {str(p): (p.read_bytes(), p.stat().st_mtime_ns) for p in paths}


def test_replay_without_out_leaves_the_original_export_alone(tmp_path):
    """Without --out the replay wrote over the export and its manifest; now it writes elsewhere and compares."""
    ws, _ds, out = _exported(tmp_path)
    before = _snapshot(out, manifest_path(out))
    result = replay_manifest(ws, manifest_path(out))
    assert result["identical"]
    assert Path(result["output"]).resolve() != out.resolve()
    assert _snapshot(out, manifest_path(out)) == before
    # the CLI (the app's Replay button calls the same function with no out) leaves it alone too
    cli = _cli("--workspace", str(ws.root), "export", "--manifest", str(manifest_path(out)))
    assert cli.exit_code == 0 and "byte-identical" in cli.output
    assert _snapshot(out, manifest_path(out)) == before


def test_replay_refuses_to_write_over_the_export_it_checks(tmp_path):
    ws, ds, out = _exported(tmp_path)
    apply_marks(ds, [ds.read_rows(["id"]).column("id")[0].as_py()], mark="exclude")  # a different export now
    before = _snapshot(out, manifest_path(out))
    for target in (out, manifest_path(out)):
        with pytest.raises(MixmapError, match="would write over"):
            replay_manifest(ws, manifest_path(out), out=target)
    result = CliRunner().invoke(main, ["--workspace", str(ws.root), "export", "--manifest", str(manifest_path(out)),
                                       "--out", str(out)])
    assert result.exit_code == 1 and "error:" in result.output and "Traceback" not in result.output
    assert _snapshot(out, manifest_path(out)) == before


def test_replay_does_not_depend_on_the_working_directory(tmp_path, monkeypatch):
    """An export written to a relative --out replayed into whatever folder the replay ran from."""
    monkeypatch.chdir(tmp_path)
    ws = Workspace(tmp_path / "ws")
    ds = ws.dataset("d", create=True)
    ingest_into(ds, write_jsonl(tmp_path / "rows.jsonl", [{"text": f"row {i}"} for i in range(4)]))
    export_rows(ds, Path("rel.jsonl"), extra_frames=())
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    result = replay_manifest(ws, tmp_path / "rel.jsonl.manifest.json")
    assert result["identical"]
    assert not (elsewhere / "rel.jsonl").exists()
    assert json.loads((tmp_path / "rel.jsonl.manifest.json").read_text())["output"]["path"] == str(
        tmp_path / "rel.jsonl")


# ---- defect 4: a no-op re-ingest changes replays ---------------------------------------------------------
def test_noop_reingest_keeps_the_source_order_and_the_replay(tmp_path):
    """Re-ingesting an unchanged file moved its entry to the end of the source list, so a replay in a fresh
    workspace ingested the files in another order and reported DIFFERENT."""
    a = write_jsonl(tmp_path / "a.jsonl", [{"text": f"a {i}"} for i in range(3)])
    b = write_jsonl(tmp_path / "b.jsonl", [{"text": f"b {i}"} for i in range(3)])
    ws = Workspace(tmp_path / "ws")
    ds = ws.dataset("d", create=True)
    for path in (a, b, a):
        ingest_into(ds, path, spec=TextSpec(column="text"))
    assert [s["source"] for s in ds.meta["sources"]] == ["a", "b"]
    out = tmp_path / "out.jsonl"
    export_rows(ds, out, extra_frames=())
    fresh = Workspace(tmp_path / "fresh")
    result = replay_manifest(fresh, manifest_path(out), out=tmp_path / "replayed.jsonl")
    assert result["steps"] == ["ingested sources"]
    assert result["identical"], result
    assert (tmp_path / "replayed.jsonl").read_bytes() == out.read_bytes()


def test_the_app_replay_button_leaves_the_original_export_alone(tmp_path, monkeypatch):
    """The Export page's Replay button called replay without `out`, which wrote over the export it checked."""
    from tests.conftest import open_app

    ws, ds, _ = _exported(tmp_path)
    out = ws.root / "exports" / "out.jsonl"  # the app replays the manifests in its own exports folder
    export_rows(ds, out, extra_frames=())
    before = _snapshot(out, manifest_path(out))
    app = open_app(ws.root, monkeypatch, page="pages/export.py")
    app.selectbox(key="export.replay_path").set_value(manifest_path(out).name).run()
    app.button(key="export.replay").click().run()
    assert not app.exception
    assert "Byte-identical" in app.success[-1].value and str(out) not in app.success[-1].value
    assert _snapshot(out, manifest_path(out)) == before
