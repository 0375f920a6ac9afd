"""The README documents every setting and every CLI command (as datasette's test_docs.py checks its own)."""
import re

import click

from mixmap.cli.main import main
from mixmap.core.settings import SETTINGS, setting
from tests.conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def code_files():
    return [p for folder in ("core", "cli", "ui", "pages") for p in (ROOT / folder).rglob("*.py")] + [ROOT / "app.py"]


def test_every_mixmap_setting_used_in_the_code_is_in_the_table():
    used = {name for p in code_files() for name in re.findall(r"MIXMAP_[A-Z_]+", p.read_text(encoding="utf-8"))}
    assert used <= {s.name for s in SETTINGS}, used - {s.name for s in SETTINGS}


def test_only_the_settings_module_reads_mixmap_settings_from_the_environment():
    readers = [p.relative_to(ROOT).as_posix() for p in code_files()
               if re.search(r"environ(\.get)?[\[(]\s*[\"']MIXMAP_", p.read_text(encoding="utf-8"))]
    assert readers == []


def test_every_setting_is_documented_in_the_readme():
    assert [s.name for s in SETTINGS if f"`{s.name}`" not in README] == []


def test_setting_falls_back_to_its_default(monkeypatch):
    monkeypatch.delenv("MIXMAP_COMMIT_SECONDS", raising=False)
    assert setting("MIXMAP_COMMIT_SECONDS") == "20"
    monkeypatch.setenv("MIXMAP_COMMIT_SECONDS", "5")
    assert setting("MIXMAP_COMMIT_SECONDS") == "5"


def commands(group: click.Group, prefix: str = "") -> list[str]:
    out = []
    for name, command in sorted(group.commands.items()):
        out.append(f"{prefix}{name}")
        if isinstance(command, click.Group):
            out += commands(command, f"{prefix}{name} ")
    return out


def test_every_cli_command_is_documented_in_the_readme():
    assert len(commands(main)) > 20
    missing = [c for c in commands(main) if not re.search(rf"`(mixmap )?{re.escape(c)}\b", README)]
    assert missing == []
