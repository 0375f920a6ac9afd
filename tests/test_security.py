"""Security: user strings reach LanceDB filters only as quoted literals or whitelisted names; uploads stay in the
workspace; the app listens on localhost unless told otherwise. (Data text shown inert in a real browser:
tests/test_e2e_browser.py.)"""
from __future__ import annotations

import ast
import json
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as hs

from mixmap.cli.main import main
from mixmap.core.errors import FilterError
from mixmap.core.ingest.files import ingest_into
from mixmap.core.store.filters import Condition, compare, contains, in_list
from mixmap.core.store.marks import read_marks
from mixmap.core.store.uploads import upload_path
from mixmap.core.store.workspace import Workspace
from tests.conftest import ROOT, open_app, write_jsonl

NASTY = ["it's", "' OR 1=1 --", "' OR '1'='1", "\\", "\\'", "a\\'b", "''", "Robert'); DROP TABLE x;--",
         "ünïcödé ☃ 𝔘", '"quoted"', "`backtick`", "%_", "100%", "a_b", "x\\%y", "--", "/* c */", "; SELECT 1",
         "\u202eevil", "tab\there", "new\nline", "é", "É"]
COLUMNS = ["id", "source", "text", "row_index"]


@pytest.fixture(scope="module")
def nasty_dataset(tmp_path_factory):
    folder = tmp_path_factory.mktemp("nasty")
    ds = Workspace(folder / "ws").dataset("nasty", create=True)
    ingest_into(ds, write_jsonl(folder / "nasty.jsonl", [{"text": value} for value in NASTY]))
    return ds


def _ids_where(ds, predicate) -> set[str]:
    return {r["id"] for r in ds.read_rows(["id", "text"]).to_pylist() if predicate(r["text"])}


# ---- filters built from user strings ----------------------------------------------------------------------
@pytest.mark.parametrize("value", NASTY)
def test_read_rows_with_nasty_values_matches_exactly(nasty_dataset, value):
    ds = nasty_dataset
    got = set(ds.read_rows(["id"], where=compare("text", "=", value, allowed=COLUMNS)).column("id").to_pylist())
    assert got == _ids_where(ds, lambda t: t == value) and len(got) == 1
    unequal = set(ds.read_rows(["id"], where=compare("text", "!=", value, allowed=COLUMNS)).column("id").to_pylist())
    assert unequal == _ids_where(ds, lambda t: t != value)
    found = set(ds.read_rows(["id"], where=contains("text", value, allowed=COLUMNS)).column("id").to_pylist())
    assert found == _ids_where(ds, lambda t: value.lower() in t.lower())
    assert ds.count() == len(NASTY)  # nothing was deleted or rewritten


def test_in_list_of_nasty_values(nasty_dataset):
    ds = nasty_dataset
    picked = NASTY[::2]
    got = ds.read_rows(["text"], where=in_list("text", picked, allowed=COLUMNS)).column("text").to_pylist()
    assert sorted(got) == sorted(picked)


@pytest.mark.parametrize("column", ["text = 'x' OR 1=1 --", "text`", "meta; DROP", "`text`", "te xt", "secret"])
def test_columns_are_whitelisted(column):
    with pytest.raises(FilterError):
        compare(column, "=", "x", allowed=COLUMNS)


@pytest.mark.parametrize("op", ["= 'a' OR 1=1 --", "LIKE", "==", "IS", ";"])
def test_operators_are_whitelisted(op):
    with pytest.raises(FilterError):
        Condition("text", op, "x").to_sql(COLUMNS)


needles = hs.text(alphabet=hs.sampled_from(list("ab'\"\\%_-;() =é☃\t𝔘`")), max_size=8)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(needle=needles, op=hs.sampled_from(["=", "!=", "contains", "<", ">="]))
def test_fuzzed_conditions_agree_with_python(nasty_dataset, needle, op):
    ds = nasty_dataset
    sql = Condition("text", op, needle).to_sql(COLUMNS)
    got = set(ds.read_rows(["id"], where=sql).column("id").to_pylist())
    check = {"=": lambda t: t == needle, "!=": lambda t: t != needle,
             "contains": lambda t: needle.lower() in t.lower()}.get(op)
    if check is not None:
        assert got == _ids_where(ds, check)
    else:  # ordering comparisons: only check that the literal stayed a literal (a subset, no error)
        assert got <= _ids_where(ds, lambda t: True)
    assert ds.count() == len(NASTY)


@pytest.mark.parametrize("value", NASTY)
def test_slice_where_conditions_quote_values(nasty_dataset, value):
    """Slices (the Mixes page and `mixmap slice`) turn a user's [column, op, value] into filters too."""
    from mixmap.core.curate.slices import slice_ids

    ds = nasty_dataset
    assert set(slice_ids(ds, {"where": ["text", "=", value]})) == _ids_where(ds, lambda t: t == value)
    assert set(slice_ids(ds, {"where": ["text", "contains", value]})) == _ids_where(
        ds, lambda t: value.lower() in t.lower())
    assert set(slice_ids(ds, {"where": ["text", "in", [value, "it's"]]})) == _ids_where(
        ds, lambda t: t in (value, "it's"))


# ---- the CLI: mark --where ------------------------------------------------------------------------------
def mark(ds, *args):
    return CliRunner().invoke(main, ["--workspace", str(ds.workspace.root), "mark", ds.name, *args, "--json"])


@pytest.mark.parametrize("value", NASTY)
def test_cli_mark_where_quotes_values(nasty_dataset, value):
    ds = nasty_dataset
    result = mark(ds, "--where", "text", "=", value, "--tag", "hit")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["marked"] == 1
    contained = mark(ds, "--where", "text", "contains", value, "--tag", "found")
    assert json.loads(contained.stdout)["marked"] == len(_ids_where(ds, lambda t: value.lower() in t.lower()))
    hit = {r["id"] for r in read_marks(ds).to_pylist() if "hit" in r["tags"]}
    assert _ids_where(ds, lambda t: t == value) <= hit


def test_cli_mark_where_refuses_injected_columns_and_operators(nasty_dataset):
    ds = nasty_dataset
    before = read_marks(ds).to_pylist()
    for where in (["text = '' OR 1=1 --", "=", "x"], ["meta", "=", "x"], ["text", "= '' OR 1=1 --", "x"],
                  ["text", "LIKE", "%"]):
        result = mark(ds, "--where", *where, "--exclude")
        assert result.exit_code == 1 and result.stderr.startswith("error: "), result.output
        assert result.stderr.count("\n") == 1
    assert read_marks(ds).to_pylist() == before


def test_cli_where_or_1_equals_1_marks_nothing(nasty_dataset):
    result = mark(nasty_dataset, "--where", "source", "=", "' OR 1=1 --", "--exclude")
    assert result.exit_code == 0 and json.loads(result.stdout)["marked"] == 0


# ---- no raw strings in filters anywhere -----------------------------------------------------------------
def _filter_args(tree: ast.AST):
    """(node, argument) for every where= / filter= keyword and every .where() / .delete() / count_rows() call."""
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        for kw in node.keywords:
            if kw.arg in ("where", "filter"):
                yield node, kw.value
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr in ("where", "delete", "count_rows") and node.args:
            yield node, node.args[0]


def _is_built_string(node: ast.AST) -> bool:
    if isinstance(node, ast.JoinedStr):
        return True
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add | ast.Mod):
        return True
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in ("format", "join")


def test_no_filter_is_built_by_string_formatting_outside_core_filters():
    offenders = []
    for path in sorted([*ROOT.glob("core/*.py"), *ROOT.glob("cli/*.py"), *ROOT.glob("ui/*.py"),
                        *ROOT.glob("pages/*.py"), ROOT / "app.py"]):
        if path.name == "filters.py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        built: dict[str, int] = {}
        for node in ast.walk(tree):
            if isinstance(node, ast.Assign) and _is_built_string(node.value):
                for target in node.targets:
                    if isinstance(target, ast.Name):
                        built[target.id] = node.lineno
        for call, arg in _filter_args(tree):
            if _is_built_string(arg) or (isinstance(arg, ast.Name) and arg.id in built):
                offenders.append(f"{path.relative_to(ROOT)}:{call.lineno}")
    assert not offenders, f"filters built from strings outside core/filters.py: {offenders}"


# ---- uploads --------------------------------------------------------------------------------------------
EVIL_NAMES = ["../../evil.jsonl", "/etc/cron.d/evil.jsonl", "..\\..\\evil.jsonl", "C:\\Windows\\evil.jsonl",
              "..", ".", "", ".bashrc", "a/../../../evil.jsonl", "evil.jsonl\x00.png", "x" * 400 + ".jsonl",
              "ünï cödé.jsonl", "~/evil.jsonl", "%2e%2e%2fevil.jsonl", "con.jsonl"]


@pytest.mark.parametrize("name", EVIL_NAMES)
def test_upload_names_stay_inside_uploads(tmp_path, name):
    root = tmp_path / "ws"
    path = upload_path(root, name)
    assert path.parent == root / "uploads"
    assert path.name and not path.name.startswith(".") and "/" not in path.name and "\\" not in path.name
    assert len(path.name.encode()) <= 255
    assert path.resolve().is_relative_to((root / "uploads").resolve())


@settings(max_examples=300, deadline=None)
@given(name=hs.text(max_size=300))
def test_fuzzed_upload_names_stay_inside_uploads(name):
    root = Path("/srv/ws")
    path = upload_path(root, name)
    assert path.parent == root / "uploads" and path.name not in ("", ".", "..")
    assert path.resolve().parent == root / "uploads" and len(path.name.encode()) <= 255


def test_data_page_upload_writes_only_into_the_workspace(tmp_path, monkeypatch):
    ws = tmp_path / "ws"
    # a dataset, so the app does not install the sample into an empty workspace
    ingest_into(Workspace(ws).dataset("d", create=True), write_jsonl(tmp_path / "seed.jsonl", [{"text": "x"}]))
    monkeypatch.chdir(tmp_path)
    at = open_app(ws, monkeypatch, page="pages/data.py")
    at.radio(key="data.how").set_value("an upload").run()
    body = b'{"text": "uploaded row"}\n'
    for name in ["../../evil.jsonl", "../evil.jsonl", "/tmp/evil-abs.jsonl", "..\\evil.jsonl"]:
        at.file_uploader(key="data.upload").set_value((name, body, "application/json")).run()
        assert not at.exception, [e.value for e in at.exception]
        assert not at.error, [e.value for e in at.error]
    outside = [p for p in tmp_path.rglob("*evil*") if not p.is_relative_to(ws / "uploads")]
    assert outside == [] and not Path("/tmp/evil-abs.jsonl").exists()
    assert sorted(p.name for p in (ws / "uploads").iterdir()) == ["evil-abs.jsonl", "evil.jsonl"]


# ---- the app listens on localhost -------------------------------------------------------------------------
def _app_command(monkeypatch, *args):
    monkeypatch.delenv("MIXMAP_APP_PASSWORD", raising=False)
    calls = []
    monkeypatch.setattr(subprocess, "call", lambda cmd, **kw: calls.append((cmd, kw)) or 0)
    result = CliRunner().invoke(main, ["app", *args])
    assert result.exit_code == 0, result.output
    (cmd, _), = calls
    return cmd


def test_app_listens_on_localhost_by_default(monkeypatch):
    cmd = _app_command(monkeypatch)
    assert cmd[cmd.index("--server.address") + 1] == "127.0.0.1"
    assert "streamlit" in cmd and cmd[cmd.index("--server.port") + 1] == "8501"


def test_app_shares_only_when_asked(monkeypatch):
    cmd = _app_command(monkeypatch, "--host", "0.0.0.0", "--port", "9000", "--token")  # with a password only
    # (tests/test_app_access.py: without one it refuses to start)
    assert cmd[cmd.index("--server.address") + 1] == "0.0.0.0" and cmd[cmd.index("--server.port") + 1] == "9000"


def test_streamlit_config_keeps_plain_streamlit_run_on_localhost():
    import tomllib

    config = ROOT / ".streamlit" / "config.toml"
    if config.is_file():
        server = tomllib.loads(config.read_text(encoding="utf-8")).get("server", {})
        assert server.get("address", "127.0.0.1") in ("127.0.0.1", "localhost")


# ---- search queries are user input too ------------------------------------------------------------------------
QUERY_SYNTAX = ['"quoted"', '"unclosed', "a AND", "OR", "+x -y", "title:foo", "*", "~", "x^2", "(", "[", "{", "NOT"]


@pytest.mark.parametrize("query", NASTY + QUERY_SYNTAX)
def test_search_queries_never_break_out(nasty_dataset, query):
    from mixmap.core.explore.search import SearchError, search_ids

    ds = nasty_dataset
    found = set(search_ids(ds, query, by="text", k=1000))
    if query.strip():
        assert found == _ids_where(ds, lambda t: query.strip().lower() in t.lower())
    try:
        words = search_ids(ds, query, by="words", k=1000)
    except SearchError:
        words = []
    assert set(words) <= _ids_where(ds, lambda t: True)
    assert ds.count() == len(NASTY)


def test_two_uploads_with_one_name_are_both_kept_and_a_repeat_reuses_the_file(tmp_path):
    ws = Workspace(tmp_path / "ws")
    first = ws.save_upload("data.jsonl", b'{"text": "one"}\n')
    second = ws.save_upload("../data.jsonl", b'{"text": "two"}\n')
    again = ws.save_upload("data.jsonl", b'{"text": "one"}\n')
    assert first != second and again == first
    assert first.read_bytes() == b'{"text": "one"}\n' and second.read_bytes() == b'{"text": "two"}\n'
    assert {first.parent, second.parent} == {ws.root / "uploads"}
