"""mixmap.core.store.paths: the one check for every path typed into the app (absolute paths, `..`, symlinks out of
a data folder or out of exports/, folders holding such a symlink, NUL bytes, fuzzed names)."""
from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as hs

from mixmap.core.store.paths import AppPaths, PathNotAllowedError, data_dirs, safe_file_name


@pytest.fixture
def roots(tmp_path):
    """A workspace, one data folder with a file, a secret outside both, and symlinks that lead out."""
    ws, data, outside = tmp_path / "ws", tmp_path / "data", tmp_path / "outside"
    for folder in (ws / "uploads", ws / "exports", data / "sub", outside):
        folder.mkdir(parents=True)
    (data / "rows.jsonl").write_text('{"text": "x"}\n')
    (data / "sub" / "more.jsonl").write_text('{"text": "y"}\n')
    (outside / "secret.json").write_text('{"password": "hunter2"}\n')
    (data / "link_out.json").symlink_to(outside / "secret.json")
    (data / "dir_out").symlink_to(outside, target_is_directory=True)
    (data / "hf").mkdir()
    (data / "hf" / "state.json").symlink_to(outside / "secret.json")  # a folder that hides a way out
    (data / "inside_link.jsonl").symlink_to(data / "rows.jsonl")
    return AppPaths(ws.resolve(), (data.resolve(),)), data, outside


def test_files_inside_a_data_folder_are_readable(roots):
    paths, data, _ = roots
    assert paths.readable(str(data / "rows.jsonl")) == (data / "rows.jsonl").resolve()
    assert paths.readable("sub/more.jsonl") == (data / "sub" / "more.jsonl").resolve()  # relative to the folder
    assert paths.readable(f"  {data}/sub/../rows.jsonl ") == (data / "rows.jsonl").resolve()
    assert paths.readable(str(data / "inside_link.jsonl")) == (data / "rows.jsonl").resolve()
    assert paths.readable(str(data / "missing.jsonl")) == (data / "missing.jsonl").resolve()  # the page says so
    assert paths.readable(str(data / "sub")) == (data / "sub").resolve()


@pytest.mark.parametrize("typed", [
    "/etc/passwd", "~/.bashrc", "../outside/secret.json", "sub/../../outside/secret.json", "link_out.json",
    "dir_out/secret.json", "dir_out", "hf", "/", "..", "/proc/self/environ", "../ws/lance",
])
def test_outside_paths_are_refused(roots, typed):
    paths, _, _ = roots
    with pytest.raises(PathNotAllowedError) as exc:
        paths.readable(typed)
    assert "outside the folders this app may read" in str(exc.value)
    assert "hunter2" not in str(exc.value) and "exists" not in str(exc.value)


def test_workspace_uploads_and_exports_are_readable_but_nothing_else_of_it(roots):
    paths, _, _ = roots
    (paths.workspace / "uploads" / "up.jsonl").write_text("{}\n")
    (paths.workspace / "exports" / "e.jsonl.manifest.json").write_text("{}\n")
    (paths.workspace / "datasets").mkdir()
    assert paths.readable(str(paths.workspace / "uploads" / "up.jsonl")).name == "up.jsonl"
    assert paths.readable(str(paths.workspace / "exports" / "e.jsonl.manifest.json")).parent == paths.exports
    with pytest.raises(PathNotAllowedError):
        paths.readable(str(paths.workspace / "datasets"))


def test_no_data_folder_means_only_uploads_and_exports(roots):
    paths, data, _ = roots
    bare = AppPaths(paths.workspace)
    with pytest.raises(PathNotAllowedError) as exc:
        bare.readable(str(data / "rows.jsonl"))
    assert "--data-dir" in str(exc.value)


@pytest.mark.parametrize("typed", ["", "   ", "a\x00b"])
def test_empty_and_nul_paths_are_refused(roots, typed):
    with pytest.raises(PathNotAllowedError):
        roots[0].readable(typed)


@pytest.mark.parametrize("name", ["out.jsonl", "/etc/cron.d/x", "../../.bashrc", "~/.bashrc", "C:\\x\\y.csv",
                                  "..", "", "a/b/../c.parquet", "x\x00y.jsonl"])
def test_exports_are_written_only_under_exports(roots, name):
    paths, _, _ = roots
    target = paths.writable(name)
    assert target.parent == paths.exports.resolve() and target.name not in ("", ".", "..")


def test_an_exports_entry_that_links_out_is_refused(roots):
    paths, _, outside = roots
    (paths.exports / "trap.jsonl").symlink_to(outside / "written.jsonl")
    with pytest.raises(PathNotAllowedError):
        paths.writable("trap.jsonl")


def test_data_dirs_come_from_the_setting(monkeypatch, tmp_path):
    monkeypatch.setenv("MIXMAP_DATA_DIRS", os.pathsep.join([str(tmp_path / "a"), "", str(tmp_path / "b")]))
    assert data_dirs() == ((tmp_path / "a").resolve(), (tmp_path / "b").resolve())
    monkeypatch.delenv("MIXMAP_DATA_DIRS")
    assert data_dirs() == ()


@settings(max_examples=300, deadline=None)
@given(name=hs.text(max_size=300))
def test_fuzzed_export_names_stay_inside_exports(name):
    paths = AppPaths(Path("/srv/ws"))
    assert paths.writable(name).parent == Path("/srv/ws/exports")
    assert len(safe_file_name(name).encode()) <= 200


@settings(max_examples=300, deadline=None)
@given(typed=hs.lists(hs.sampled_from(["", ".", "..", "~", "a", "etc", "data", "ws", "exports", "\\"]), max_size=8).map("/".join))
def test_fuzzed_typed_paths_resolve_inside_a_root_or_are_refused(tmp_path_factory, typed):
    base = tmp_path_factory.getbasetemp() / "fuzz"
    (base / "data").mkdir(parents=True, exist_ok=True)
    paths = AppPaths(base / "ws", ((base / "data").resolve(),))
    try:
        got = paths.readable(typed)
    except PathNotAllowedError:
        return
    assert any(got.is_relative_to(root.resolve()) for root in paths.read_roots)
