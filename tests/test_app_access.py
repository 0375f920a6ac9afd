"""Who may use a shared app and what it may touch: `mixmap app --host` needs a password, the password gate
(AppTest), --data-dir, and `export` refusing to overwrite without --force. (The same in a real browser, with
outside paths typed into every input: tests/test_access_browser.py.)"""
from __future__ import annotations

import json
import subprocess
import sys

import pytest
from click.testing import CliRunner

from mixmap.cli.main import main
from mixmap.core.settings import is_loopback, password_matches
from mixmap.core.store.marks import apply_marks
from tests.conftest import ROOT, open_app


def _start(monkeypatch, *args, password: str | None = None):
    """Run `mixmap app ARGS` with streamlit replaced by a recorder: (result, [(cmd, env)])."""
    if password is None:
        monkeypatch.delenv("MIXMAP_APP_PASSWORD", raising=False)
    else:
        monkeypatch.setenv("MIXMAP_APP_PASSWORD", password)
    calls = []
    monkeypatch.setattr(subprocess, "call", lambda cmd, **kw: calls.append((cmd, kw["env"])) or 0)
    return CliRunner().invoke(main, ["app", *args]), calls


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.168.1.20", "myhost.example"])
def test_a_shared_host_without_a_password_refuses_to_start(monkeypatch, host):
    result, calls = _start(monkeypatch, "--host", host)
    assert result.exit_code == 1 and calls == []
    assert result.output.startswith("error: ") and result.output.count("\n") == 1
    assert "MIXMAP_APP_PASSWORD" in result.output and "--token" in result.output


def test_the_refusal_is_one_line_from_a_real_process(tmp_path):
    env = {k: v for k, v in __import__("os").environ.items() if k != "MIXMAP_APP_PASSWORD"}
    proc = subprocess.run([sys.executable, "-m", "mixmap.cli", "--workspace", str(tmp_path), "app", "--host",
                           "0.0.0.0"], capture_output=True, text=True, cwd=ROOT, env=env, timeout=120, check=False)
    assert proc.returncode == 1 and proc.stdout == ""
    assert proc.stderr.startswith("error: --host 0.0.0.0") and proc.stderr.count("\n") == 1


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "::1", "127.0.0.2"])
def test_loopback_needs_no_password(monkeypatch, host):
    result, calls = _start(monkeypatch, "--host", host)
    assert result.exit_code == 0 and len(calls) == 1
    assert "MIXMAP_APP_PASSWORD" not in calls[0][1]


def test_a_password_from_the_environment_is_passed_on(monkeypatch):
    result, calls = _start(monkeypatch, "--host", "0.0.0.0", password="correct horse")
    assert result.exit_code == 0 and calls[0][1]["MIXMAP_APP_PASSWORD"] == "correct horse"
    assert "correct horse" not in result.output  # an operator's own password is not echoed


def test_token_is_generated_and_printed(monkeypatch):
    result, calls = _start(monkeypatch, "--host", "0.0.0.0", "--port", "9000", "--token")
    token = calls[0][1]["MIXMAP_APP_PASSWORD"]
    assert result.exit_code == 0 and len(token) >= 40
    assert f":9000/?token={token}" in result.output
    _, calls2 = _start(monkeypatch, "--host", "0.0.0.0", "--token")
    assert calls2[0][1]["MIXMAP_APP_PASSWORD"] != token  # a new one each start


def test_data_dirs_are_passed_on(monkeypatch, tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    result, calls = _start(monkeypatch, "--data-dir", str(tmp_path / "a"), "--data-dir", str(tmp_path / "b"))
    assert result.exit_code == 0
    assert calls[0][1]["MIXMAP_DATA_DIRS"].split(":") == [str(tmp_path / "a"), str(tmp_path / "b")]
    missing, calls = _start(monkeypatch, "--data-dir", str(tmp_path / "nope"))
    assert missing.exit_code == 2 and calls == []


def test_loopback_and_password_helpers():
    assert is_loopback("127.0.0.1") and is_loopback("[::1]") and is_loopback("LOCALHOST")
    assert not is_loopback("0.0.0.0") and not is_loopback("") and not is_loopback("10.0.0.1")
    assert password_matches("pässwörd", "pässwörd") and not password_matches("pässwörd", "passwort")
    assert not password_matches("", "x") and not password_matches("x" * 3, "x" * 4)


# ---- the gate in the app ----------------------------------------------------------------------------------
def _kept_password(at) -> str:
    return at.session_state["auth.password"] if "auth.password" in at.session_state else ""


def test_pages_need_the_password(built_dataset, monkeypatch):
    monkeypatch.setenv("MIXMAP_APP_PASSWORD", "s3cret-pass")
    at = open_app(built_dataset.workspace.root, monkeypatch, title="mixmap")
    assert not at.get("plotly_chart") and not at.dataframe  # the Map page did not run
    for page in ("pages/data.py", "pages/export.py", "pages/checks.py"):
        with pytest.raises(ValueError, match=r"Known pages: \[.Log in.\]"):  # only the login page is routed
            at.switch_page(page).run()
    at = open_app(built_dataset.workspace.root, monkeypatch, title="mixmap")
    at.text_input(key="auth.password").input("wrong")
    at.button[0].click().run()
    assert "Wrong password" in at.error[0].value and at.title[0].value == "mixmap"
    assert _kept_password(at) == ""  # never kept, right or wrong
    at.text_input(key="auth.password").input("s3cret-pass")
    at.button[0].click().run()
    assert not at.exception and at.title[0].value == "Map" and len(at.get("plotly_chart")) == 1
    assert _kept_password(at) == ""
    at.switch_page("pages/export.py").run()
    assert at.title[0].value == "Export"


def test_the_token_in_the_link_logs_in(built_dataset, monkeypatch):
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("MIXMAP_APP_PASSWORD", "tok-123")
    monkeypatch.setenv("MIXMAP_WORKSPACE", str(built_dataset.workspace.root))
    monkeypatch.setenv("MIXMAP_WARMUP", "0")
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.query_params["token"] = "tok-123"
    at.run()
    assert at.title[0].value == "Map" and "token" not in at.query_params
    bad = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    bad.query_params["token"] = "tok-12"
    bad.run()
    assert bad.title[0].value == "mixmap"


# ---- export never overwrites by surprise ------------------------------------------------------------------
def test_export_refuses_to_overwrite_without_force(built_dataset, tmp_path):
    root = str(built_dataset.workspace.root)
    out = tmp_path / "o.jsonl"
    run = CliRunner().invoke
    assert run(main, ["--workspace", root, "export", "synth", "--out", str(out)]).exit_code == 0
    before = out.read_bytes()
    apply_marks(built_dataset, built_dataset.read_rows(["id"]).column("id").to_pylist()[:5], mark="exclude")
    again = run(main, ["--workspace", root, "export", "synth", "--out", str(out)])
    assert again.exit_code == 1 and again.output.count("\n") == 1
    assert again.output.startswith(f"error: {out} already exists; pass --force")
    assert out.read_bytes() == before
    forced = run(main, ["--workspace", root, "export", "synth", "--out", str(out), "--force", "--json"])
    assert forced.exit_code == 0 and json.loads(forced.output)["counts"]["rows_exported"] == 155
    folder = tmp_path / "taken"
    folder.mkdir()
    assert run(main, ["--workspace", root, "export", "synth", "--out", str(folder)]).exit_code == 1
    replay = run(main, ["--workspace", root, "export", "--manifest", str(out) + ".manifest.json"])
    assert replay.exit_code == 0, replay.output  # a replay writes a new file (trust-defects: a temp folder)


def test_mix_export_refuses_to_overwrite_without_force(built_dataset, tmp_path):
    from mixmap.core.curate.mixes import save_mix

    save_mix(built_dataset, {"name": "m", "seed": 1, "components": [{"strategy": "random", "rows": 5}]})
    root, out = str(built_dataset.workspace.root), tmp_path / "m.jsonl"
    out.write_text("keep me\n")
    refused = CliRunner().invoke(main, ["--workspace", root, "mix", "export", "synth", "m", "--out", str(out)])
    assert refused.exit_code == 1 and "--force" in refused.output and out.read_text() == "keep me\n"
    forced = CliRunner().invoke(main, ["--workspace", root, "mix", "export", "synth", "m", "--out", str(out),
                                       "--force"])
    assert forced.exit_code == 0 and len(out.read_text().splitlines()) == 5


def test_a_bare_streamlit_run_on_a_shared_address_shows_only_how_to_set_a_password(built_dataset, monkeypatch):
    import streamlit as st

    monkeypatch.delenv("MIXMAP_APP_PASSWORD", raising=False)
    monkeypatch.setattr(st, "get_option", lambda name: "0.0.0.0" if name == "server.address" else None)
    at = open_app(built_dataset.workspace.root, monkeypatch, title="mixmap")
    assert "MIXMAP_APP_PASSWORD" in at.error[0].value and not at.get("plotly_chart")
    assert not at.text_input  # no password field: there is no password to give
