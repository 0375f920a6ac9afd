"""Layering and layout: core never imports streamlit; only the store imports lancedb; no import cycles (function-
local imports included); packages import only the floors below them; small modules; a wheel that claims no
generic top-level import name."""
import ast
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FOLDERS = {"core": "mixmap.core", "cli": "mixmap.cli", "ui": "mixmap.ui"}
# Ground floor first: a core package may import only packages on an earlier line (or its own modules).
FLOORS = [["errors", "vectors"], ["store"], ["embed"], ["ingest"], ["build"], ["explore"],
          ["quality", "dedup", "coverage", "checks"], ["curate"], ["export"]]


def imports_of(path: Path) -> list[str]:
    """Every module named by an import anywhere in the file (function-local ones too), except under
    `if TYPE_CHECKING:`, which never runs."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    typing_only = {id(n) for node in ast.walk(tree) if isinstance(node, ast.If)
                   and getattr(node.test, "id", getattr(node.test, "attr", "")) == "TYPE_CHECKING"
                   for n in ast.walk(node)}
    names = []
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
            names += [f"{node.module}.{alias.name}" for alias in node.names]
    return names


def top_names(path: Path) -> set[str]:
    return {name.split(".")[0] for name in imports_of(path)}


def python_files(folder: str) -> list[Path]:
    return sorted((ROOT / folder).rglob("*.py"))


def module_name(path: Path) -> str:
    folder, *rest = path.relative_to(ROOT).with_suffix("").parts
    return ".".join([FOLDERS[folder], *rest]).removesuffix(".__init__")


def import_graph() -> dict[str, set[str]]:
    modules = {module_name(p): p for folder in FOLDERS for p in python_files(folder)}
    return {name: {m for m in imports_of(path) if m in modules and m != name} for name, path in modules.items()}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan, iterative)."""
    index, low, stack, on_stack, found, counter = {}, {}, [], set(), [], 0
    for root in graph:
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def test_cycle_finder_finds_a_planted_cycle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_no_import_cycles_function_local_imports_included():
    assert cycles(import_graph()) == []


def test_core_packages_import_only_lower_floors():
    floor_of = {pkg: level for level, pkgs in enumerate(FLOORS) for pkg in pkgs}
    upward = []
    for path in python_files("core"):
        parts = path.relative_to(ROOT / "core").with_suffix("").parts
        own = parts[0] if len(parts) > 1 else parts[0].removesuffix("__init__") or None
        if own not in floor_of:
            continue
        for name in imports_of(path):
            bits = name.split(".")
            if bits[:2] == ["mixmap", "core"] and len(bits) > 2 and bits[2] in floor_of and bits[2] != own:
                if floor_of[bits[2]] >= floor_of[own]:
                    upward.append(f"{path.relative_to(ROOT)} imports {name}")
    assert upward == []


def test_nothing_imports_the_bare_folder_names():
    everything = [*python_files("core"), *python_files("ui"), *python_files("pages"), *python_files("cli"),
                  *python_files("tests"), *python_files("bench"), ROOT / "app.py"]
    bare = [p.relative_to(ROOT).as_posix() for p in everything if top_names(p) & {"core", "cli", "ui"}]
    assert bare == []


def test_core_never_imports_streamlit_or_ui():
    edges = {"streamlit", "pages", "mixmap.ui", "mixmap.cli"}
    offenders = [p.relative_to(ROOT).as_posix() for p in python_files("core")
                 if any(n == e or n.startswith(e + ".") for n in imports_of(p) for e in edges)]
    assert offenders == []


def test_only_the_store_imports_lancedb():
    everything = python_files("core") + python_files("ui") + python_files("pages") + python_files("cli")
    everything.append(ROOT / "app.py")
    users = {p.relative_to(ROOT).as_posix() for p in everything if "lancedb" in top_names(p)}
    assert users and all(u.startswith("core/store/") for u in users), users


def test_cli_does_not_import_streamlit():
    assert [p.name for p in python_files("cli") if "streamlit" in top_names(p)] == []


def test_core_has_few_top_level_entries():
    entries = sorted(p.name for p in (ROOT / "core").iterdir() if p.name != "__pycache__")
    assert len(entries) <= 15, entries


def test_modules_stay_small():
    big = [(p.relative_to(ROOT).as_posix(), n) for folder in ("core", "ui", "pages", "cli")
           for p in python_files(folder) if (n := len(p.read_text().splitlines())) > 400]
    assert big == []


def test_wheel_claims_no_generic_top_level_name(tmp_path):
    source = tmp_path / "src"  # a copy, so the build leaves no build/ or egg-info in the checkout
    for name in ("pyproject.toml", "README.md", "core", "cli", "ui"):
        copy = shutil.copytree if (ROOT / name).is_dir() else shutil.copy
        source.mkdir(exist_ok=True)
        copy(ROOT / name, source / name, **({"ignore": shutil.ignore_patterns("__pycache__")} if copy is shutil.copytree else {}))
    subprocess.run([sys.executable, "-m", "pip", "wheel", str(source), "--no-deps", "--no-build-isolation",
                    "-q", "-w", str(tmp_path)], check=True, capture_output=True)
    wheel = next(tmp_path.glob("mixmap-*.whl"))
    tops = {name.split("/")[0] for name in zipfile.ZipFile(wheel).namelist()}
    assert {t for t in tops if not t.endswith((".dist-info", ".data"))} == {"mixmap"}
    assert "mixmap/__init__.py" not in zipfile.ZipFile(wheel).namelist()  # a namespace: nothing to collide with
