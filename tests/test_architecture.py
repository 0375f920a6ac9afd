"""Layering: core never imports streamlit; only core/store.py imports lancedb; pages stay thin."""
import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def python_files(folder: str) -> list[Path]:
    return sorted((ROOT / folder).rglob("*.py"))


def test_core_never_imports_streamlit_or_ui():
    offenders = [p.name for p in python_files("core") if imported_modules(p) & {"streamlit", "ui", "pages", "cli"}]
    assert offenders == []


def test_only_store_imports_lancedb():
    everything = python_files("core") + python_files("ui") + python_files("pages") + python_files("cli")
    everything.append(ROOT / "app.py")
    users = [p.relative_to(ROOT).as_posix() for p in everything if "lancedb" in imported_modules(p)]
    assert users == ["core/store.py"]


def test_cli_does_not_import_streamlit():
    assert [p.name for p in python_files("cli") if "streamlit" in imported_modules(p)] == []


def test_modules_stay_small():
    big = [(p.relative_to(ROOT).as_posix(), n) for folder in ("core", "ui", "pages", "cli")
           for p in python_files(folder) if (n := len(p.read_text().splitlines())) > 450]
    assert big == []
