"""Bad input to the later stages: polygon files, coverage specs, mix recipes, slice definitions, manifests,
unknown names. Each is one `error:` line naming the file or argument and what to do, exit code 1, no
traceback, and the dataset's marks, mixes and frames are unchanged."""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from mixmap.cli.main import main
from mixmap.core.store.marks import marks_version

BAD_POLYGONS = {
    "not json": "{x: [1, 2",
    "too few points": json.dumps({"x": [0, 1], "y": [0, 1]}),
    "x and y differ": json.dumps({"x": [0, 1, 2], "y": [0, 1]}),
    "not numbers": json.dumps([["a", "b"], ["c", "d"], ["e", "f"]]),
    "empty": "",
}
BAD_SPECS = {
    "not yaml": "capabilities: [unclosed",
    "no capabilities": "name: x\n",
    "capability without examples": "capabilities:\n  - name: maths\n",
    "a list of numbers": "- 1\n- 2\n",
}
BAD_RECIPES = {
    "not json or yaml": "{components: [",
    "no components": json.dumps({"name": "m"}),
    "unknown strategy": json.dumps({"components": [{"slice": {"all": True}, "rows": 5, "strategy": "magic"}]}),
    "rows and tokens": json.dumps({"components": [{"slice": {"all": True}, "rows": 5, "tokens": 9}]}),
}


def run(workspace, *args):
    return CliRunner().invoke(main, ["--workspace", str(workspace.root), *args])


def assert_clear_error(result, *needles):
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    errors = [line for line in result.output.splitlines() if line.startswith("error:")]
    assert len(errors) == 1, result.output
    for needle in needles:
        assert needle.lower() in errors[0].lower(), (needle, errors[0])


def state_of(ds) -> tuple:
    return (marks_version(ds), ds.version("layout"), ds.version("clusters"), sorted(p.name for p in ds.dir.iterdir()))


# kind -> (the file's name, the command given the file's path, a word the error line must hold)
COMMANDS = {
    "polygon": ("poly.json", lambda f: ["select", "synth", "--polygon", f, "--json"], "polygon"),
    "spec": ("spec.yaml", lambda f: ["spec", "synth", "--spec", f, "--json"], "spec.yaml"),
    "recipe": ("recipe.json", lambda f: ["mix", "create", "synth", "m", "--spec", f, "--json"], ""),
}
CASES = [(kind, case, text) for kind, cases in (("polygon", BAD_POLYGONS), ("spec", BAD_SPECS),
                                                ("recipe", BAD_RECIPES)) for case, text in sorted(cases.items())]


@pytest.mark.parametrize(("kind", "case", "text"), CASES, ids=[f"{k}: {c}" for k, c, _ in CASES])
def test_bad_files_for_select_spec_and_mix(built_dataset, workspace, tmp_path, kind, case, text):
    filename, command, needle = COMMANDS[kind]
    path = tmp_path / filename
    path.write_text(text)
    before = state_of(built_dataset)
    assert_clear_error(run(workspace, *command(str(path))), needle)
    assert state_of(built_dataset) == before
    assert '"m"' not in run(workspace, "mix", "list", "synth", "--json").output  # no mix saved half-way


def test_bad_slice_definitions_and_names(built_dataset, workspace):
    before = state_of(built_dataset)
    assert_clear_error(run(workspace, "slice", "save", "synth", "s", "--spec", "{not json"), "json")
    assert_clear_error(run(workspace, "slice", "save", "synth", "s", "--where", "no_such_column", "=", "1"),
                       "no_such_column")
    assert_clear_error(run(workspace, "slice", "save", "synth", "bad name!", "--where", "source", "=", "x"), "name")
    assert_clear_error(run(workspace, "select", "nope", "--box", "0", "0", "1", "1"), "nope")
    assert state_of(built_dataset) == before


def test_a_broken_or_foreign_manifest_is_refused(built_dataset, workspace, tmp_path):
    broken = tmp_path / "broken.manifest.json"
    broken.write_text('{"manifest_version": 1, "ids": [')
    assert_clear_error(run(workspace, "export", "--manifest", str(broken), "--out", str(tmp_path / "o.jsonl")),
                       "manifest")
    foreign = tmp_path / "foreign.manifest.json"
    foreign.write_text(json.dumps({"hello": "world"}))
    assert_clear_error(run(workspace, "export", "--manifest", str(foreign), "--out", str(tmp_path / "o.jsonl")),
                       "manifest")
    assert not (tmp_path / "o.jsonl").exists()
