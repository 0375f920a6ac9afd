"""Issue 14, defect 10: no command prints a traceback for a user mistake, and a mistake changes nothing.

Every command registered on `mixmap` (found by walking the click group, so a new command is covered the day
it is added) is run in-process with one malformed value at a time: non-numbers and out-of-range numbers for
numeric options, missing files, bad names, empty strings, unknown choices, broken --where / --component.
Each run must exit non-zero with exactly one `error:` line, no traceback, and leave the workspace's files as
they were. A parameter with no malformed value listed here must be named in FREE, so none is forgotten.
"""
from __future__ import annotations

import hashlib
import re
from pathlib import Path

import click
import pyarrow as pa
import pytest
from click.testing import CliRunner

from mixmap.cli.main import main
from mixmap.core.build.cluster import write_clusters
from mixmap.core.curate.mixes import save_mix
from mixmap.core.curate.slices import save_slice
from mixmap.core.ingest.files import ingest_into
from mixmap.core.store.workspace import Workspace
from tests.conftest import synthetic_rows, write_jsonl

MISSING = "/nonexistent/mixmap/missing.jsonl"
BAD_NAMES = ("bad name!", "")
NAME_PARAMS = {"name", "mix_name", "slice_name", "mix_a", "mix_b", "ref", "spec_ref", "against", "refs"}
# Parameters that take any value (free text, flags) or whose every value is a valid request.
FREE = {"as_json", "message", "source", "host", "address", "use_ray", "fast", "refit", "recluster", "do_apply",
        "recompute", "exclude", "show_all", "ids_only", "with_signals", "redact", "taught", "any_", "negate",
        "mark", "tags"}
NUMBER_RULES = {  # option -> malformed numbers beyond "not a number"
    "batch_size": ("0", "-1"), "budget_tokens": ("0", "-5"), "budget_rows": ("0", "-5"), "k": ("0", "-1"),
    "n": ("0", "-1"), "port": ("0", "70000"), "rows": ("-1",), "limit": ("-1",), "top": ("-1",), "seed": ("-1",),
    "threshold": ("nan", "1.5", "-0.5"), "candidate_threshold": ("nan", "0", "1.5"), "percentile": ("nan", "150"),
}
TEXT_RULES = {
    "where": (("nocolumn", "=", "x"), ("source", "~", "x"), ("row_index", "=", "abc"), ("row_index", "between", "1"),
              ("row_index", "between", "a,b")),
    "components": ("rows=abc", "cap=x", "floor=1.5", "nokey", "colour=red", "strategy=nope", "rows=-5",
                   "slice=bad name!", ""),
    "spec": ("{not json", "[]", '{"where": 3}'),
    "ids": ("", ","),
    "fts": ("",), "semantic": ("",),
    "template": ("{unclosed", "{nocolumn}"), "text_column": ("nocolumn",), "chat_column": ("nocolumn",),
    "model": ("/nonexistent/mixmap/model",), "tokenizer": (MISSING,), "keep": ("", "english!"), "query": ("",),
}
REQUIRED = {"name": "d", "mix_name": "m", "slice_name": "s", "mix_a": "m", "mix_b": "m", "query": "word",
            "ref": "r", "spec_ref": "sp", "refs": "r"}
EXTRA = {  # valid options that let a command get past "say which rows", so the bad value is what it meets
    ("mark",): ("--ids", "{id}", "--include"), ("slice", "save"): ("--ids", "{id}"),
    ("mix", "create"): ("--component", "slice=s,rows=2"), ("export",): ("--out", "{new}"),
    ("select",): ("--box", "0", "0", "1", "1"),
}


def leaf_commands(group: click.Group = main, path: tuple = ()):
    for name, command in sorted(group.commands.items()):
        if isinstance(command, click.Group):
            yield from leaf_commands(command, (*path, name))
        else:
            yield (*path, name), command


def _flag(param: click.Parameter) -> str:
    return max(param.opts, key=len)


def _malformed(param: click.Parameter) -> list:
    """Malformed values for one parameter: strings (nargs 1) or tuples (nargs > 1)."""
    kind = param.type
    base = param.name
    if isinstance(kind, click.types.BoolParamType) or getattr(param, "is_flag", False) or base in FREE:
        return []
    if base in ("workspace", "tables"):
        return []  # the root options, repeated on every command (test_workspace_option_...)
    if isinstance(kind, click.Choice):
        return ["nope"]
    if isinstance(kind, (click.Path, click.File)):
        if base == "out":
            return ["{dir}", "{under_file}", "/proc/mixmap-cannot-write/out.jsonl"]
        return [MISSING]
    if isinstance(kind, (click.types.IntParamType, click.types.FloatParamType)):
        values = ["abc", "", *NUMBER_RULES.get(base, ())]
        if param.nargs > 1:  # one bad value among good ones
            bad = ("abc", "-1") if isinstance(kind, click.types.IntParamType) else ("abc", "nan")  # map x may be < 0
            return [tuple([v] + ["1"] * (param.nargs - 1)) for v in bad]
        return values
    if base in TEXT_RULES:
        return list(TEXT_RULES[base])
    if base in NAME_PARAMS:
        return list(BAD_NAMES)
    return None  # unknown: the test of coverage below fails


def _fill(text: str, fill: dict) -> str:
    """`{new}`, `{dir}`, ... replaced by the fixture's paths (other braces, e.g. in a template, stay)."""
    for key, value in fill.items():
        text = text.replace("{" + key + "}", value)
    return text


def _argv(path: tuple, command: click.Command, bad: click.Parameter | None, value, fill: dict) -> list[str]:
    args: list[str] = list(path)
    for param in command.params:
        if param is bad:
            continue
        if isinstance(param, click.Argument):
            if param.name in ("paths", "path"):
                args.append(fill["rows"])
            elif param.required or param.name in REQUIRED:
                args.append(REQUIRED.get(param.name, "x"))
        elif param.required:
            args += [_flag(param), fill["new"] if param.name == "out" else REQUIRED.get(param.name, "d")]
    extra = [_fill(a, fill) for a in EXTRA.get(path, ())]
    if bad is not None and any(flag in extra for flag in bad.opts):
        extra = []
    args += extra
    if bad is not None:
        values = [_fill(v, fill) for v in (value if isinstance(value, tuple) else (value,))]
        if isinstance(bad, click.Argument):
            position = [p for p in command.params if isinstance(p, click.Argument)].index(bad)
            args.insert(len(path) + position, values[0])
        else:
            args += [_flag(bad), *values]
    return args


CASES = [(path, param.name, value)
         for path, command in leaf_commands()
         for param in command.params
         for value in (_malformed(param) or [])]


@pytest.fixture(scope="module")
def fill(tmp_path_factory) -> dict:
    """A tiny workspace: dataset d (8 rows, a layout-free clusters frame), and paths the cases refer to."""
    folder = tmp_path_factory.mktemp("malformed")
    rows = write_jsonl(folder / "rows.jsonl", synthetic_rows(2))
    ws = Workspace(folder / "ws")
    ds = ws.dataset("d", create=True)
    ingest_into(ds, rows)
    ids = ds.read_rows(["id"]).column("id").to_pylist()
    write_clusters(ds, ids, [0, 0, 1, 1, 1, -1, 0, 1], {0: ["a"], 1: ["b"]})
    ds.write_frame("layout", pa.table({"id": ids, "x": [i / 8 for i in range(8)], "y": [1 - i / 8 for i in range(8)]}))
    ingest_into(ws.dataset("r", create=True), write_jsonl(folder / "eval.jsonl", synthetic_rows(1, seed=3)))
    save_slice(ds, "s", {"all": True})
    save_mix(ds, {"name": "m", "components": [{"slice": "s", "rows": 2}]})
    (folder / "a_folder").mkdir()
    (folder / "a_file.txt").write_text("x")
    return {"ws": str(ws.root), "rows": str(rows), "id": ids[0], "new": str(folder / "new" / "out.jsonl"),
            "dir": str(folder / "a_folder"), "under_file": str(folder / "a_file.txt" / "out.jsonl")}


def _files(root: Path) -> dict[str, str]:
    """Every file under the workspace with its sha256 (lock files, made by any writer that waits, aside)."""
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file() and not p.name.endswith(".lock")}


@pytest.fixture(autouse=True)
def no_heavy_stage(monkeypatch):
    """A malformed value that slips through must not start a build or the app: it fails the case at once."""
    def reached(*args, **kwargs):
        raise AssertionError("a malformed value reached a heavy stage")

    for target in ("mixmap.core.build.pipeline.build_dataset", "mixmap.core.embed.stage.embed_dataset",
                   "mixmap.core.build.project.project_dataset", "mixmap.core.build.cluster.cluster_dataset",
                   "subprocess.call"):
        monkeypatch.setattr(target, reached)


def test_every_parameter_has_malformed_values_or_is_free():
    unknown = [(" ".join(path), p.name) for path, command in leaf_commands() for p in command.params
               if _malformed(p) is None]
    assert not unknown, f"name malformed values for these parameters (or add them to FREE): {unknown}"
    assert len(CASES) > 150


@pytest.mark.parametrize("path, param_name, value", CASES,
                         ids=[f"{' '.join(p)}-{n}={v!r}" for p, n, v in CASES])
def test_malformed_value_is_one_error_line_and_changes_nothing(fill, path, param_name, value):
    command = main
    for part in path:
        command = command.commands[part]
    param = next(p for p in command.params if p.name == param_name)
    argv = ["--workspace", fill["ws"], *_argv(path, command, param, value, fill)]
    before = _files(Path(fill["ws"]))
    result = CliRunner().invoke(main, argv)
    assert result.exception is None or isinstance(result.exception, SystemExit), (argv, repr(result.exception))
    assert result.exit_code != 0, (argv, result.output)
    assert "Traceback" not in result.output
    assert len(re.findall(r"^error:", result.output, flags=re.IGNORECASE | re.MULTILINE)) == 1, (argv, result.output)
    assert _files(Path(fill["ws"])) == before, argv


def _run(fill, *args: str):
    return CliRunner().invoke(main, list(args))


def _one_error(result) -> bool:
    """Exit non-zero, no uncaught exception (so no traceback), exactly one `error:` line."""
    uncaught = result.exception is not None and not isinstance(result.exception, SystemExit)
    return (result.exit_code != 0 and not uncaught and "Traceback" not in result.output
            and len(re.findall(r"^error:", result.output, re.IGNORECASE | re.MULTILINE)) == 1)


def test_the_mistakes_issue_14_names(fill):
    ws = fill["ws"]
    before = _files(Path(ws))
    for args in (["mix", "create", "d", "m2", "--component", "slice=s,rows=abc"],
                 ["mix", "create", "d", "m2", "--component", "slice=s,strategy=stratified,cap=x"],
                 ["mix", "create", "d", "m2", "--component", "slice=s,weight=1", "--budget-tokens", "0"],
                 ["export", "d", "--out", fill["dir"]],
                 ["export", "d", "--out", fill["under_file"]],
                 ["export", "d", "--out", "/proc/mixmap-cannot-write/out.jsonl"]):
        result = _run(fill, "--workspace", ws, *args)
        assert _one_error(result), (args, result.output, result.exception)
    assert _files(Path(ws)) == before


def test_workspace_option_after_the_subcommand(fill, tmp_path):
    """The README says every command takes --workspace; after the subcommand it was rejected."""
    ws = fill["ws"]
    listed = _run(fill, "list", "--workspace", ws, "--json")
    assert listed.exit_code == 0, listed.output
    assert [d["name"] for d in __import__("json").loads(listed.output)] == ["d", "r"]
    assert _run(fill, "mix", "list", "d", "--workspace", ws).output.strip() == "m"
    # after the subcommand wins over before it (the nearer one is what the user typed last)
    assert "d\t" in _run(fill, "--workspace", str(tmp_path / "other"), "list", "--workspace", ws).output
    missing = [" ".join(path) for path, command in leaf_commands()
               if not {"workspace", "tables"} <= {p.name for p in command.params}]
    assert not missing
