"""Take docs/coverage.png in a real browser (Debian chromium, headless) from a workspace with a planted gap.

    MIXMAP_MODEL_CACHE=/tmp/models .venv/bin/python docs/coverage_screenshot.py /tmp/cws

The workspace is built on first use from ../shared/data: the data is 3,000 Alpaca rows with every cooking
row removed plus 1,000 GPTeacher role-play rows (two sources), built with the fast model; the reference is
800 other Alpaca rows, cooking included. The script opens the Coverage page, shows the first gap (the
removed cooking topic) and saves the page; with --all it also saves the Spec, Sources and Diversity tabs.
"""
from __future__ import annotations

import json
import os
import re
import sys
from contextlib import contextmanager
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tests.browser import browser_page, exceptions_on_page, running_app, wait_for_app

DOCS = ROOT / "docs"
DATA = ROOT.parent / "shared" / "data"
COOKING = re.compile(r"\b(recipes?|cook|cooking|bake|baking|ingredients?|dish|meal|cuisine)\b")
SPEC = """name: assistant-v1
capabilities:
  - name: Cooking and recipes
    examples:
      - Give me a recipe for banana bread.
      - How long should I bake a whole chicken?
  - name: Role-play
    examples:
      - Pretend you are a pirate captain and greet your crew.
      - You are Sherlock Holmes. Explain how you solved the case.
  - name: SQL queries
    examples:
      - Write a SQL query that returns the ten best-selling products.
"""


def build(workspace: Path) -> None:
    from mixmap.core.build.pipeline import build_dataset
    from mixmap.core.coverage.analysis import add_reference
    from mixmap.core.coverage.spec import parse_spec, save_spec
    from mixmap.core.embed.registry import load_embedder
    from mixmap.core.ingest.files import TextSpec, ingest_into
    from mixmap.core.store.workspace import Workspace

    rows = json.loads((DATA / "alpaca_5k_subset" / "alpaca_5000.json").read_text(encoding="utf-8"))
    order = np.random.default_rng(2).permutation(len(rows))
    roleplay = json.loads((DATA / "gpteacher_roleplay" / "roleplay-simple-deduped-roleplay-instruct.json").read_text())
    roleplay = [roleplay[i] for i in np.random.default_rng(3).permutation(len(roleplay))[:1000]]
    files = workspace.parent / f"{workspace.name}-files"
    files.mkdir(parents=True, exist_ok=True)

    def jsonl(name: str, items: list[dict]) -> Path:
        (files / name).write_text("".join(json.dumps(r) + "\n" for r in items), encoding="utf-8")
        return files / name

    kept = [rows[i] for i in order[800:3800] if not COOKING.search(" ".join(rows[i].values()).lower())]
    ws = Workspace(workspace)
    data = ws.dataset("instructions", create=True)
    template = "{instruction}\n{input}\n{output}"
    ingest_into(data, jsonl("alpaca_instructions.jsonl", kept), spec=TextSpec(template=template), source="alpaca")
    ingest_into(data, jsonl("roleplay.jsonl", roleplay), spec=TextSpec(template="{instruction}\n{input}\n{response}"),
                source="roleplay")
    build_dataset(data, load_embedder(fast=True, workspace=ws.root))
    add_reference(data, jsonl("heldout_eval.jsonl", [rows[i] for i in order[:800]]), name="heldout-eval",
                  spec=TextSpec(template=template))
    save_spec(ws, parse_spec(SPEC))


@contextmanager
def coverage_app(workspace: Path, build, *, viewport: tuple[int, int] = (1400, 2100)):
    """(url, page): the app on `workspace` (made by `build(workspace)` on first use) in headless chromium."""
    if not (workspace / "datasets" / "instructions").is_dir():
        build(workspace)
    os.environ["STREAMLIT_SERVER_FILE_WATCHER_TYPE"] = "none"  # others' edits must not reload the app mid-shot
    with running_app(workspace, timeout=180) as url, browser_page(viewport=viewport) as page:
        yield url, page


def shoot_first_gap(page, url: str, out: Path, *, also_wait_for: str | None = None) -> None:
    """Open the Coverage page of the `instructions` dataset, wait for its map and first gap, save the page."""
    page.goto(url)
    wait_for_app(page, 120_000)
    page.locator('[data-testid="stSidebarNav"] a', has_text="Coverage").first.click()
    wait_for_app(page, 120_000)
    page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').first.click()
    page.get_by_role("option", name="instructions").click()
    wait_for_app(page, 180_000)
    page.wait_for_selector(".js-plotly-plot .scatterlayer, .js-plotly-plot canvas", timeout=120_000)
    if also_wait_for:
        page.get_by_text(also_wait_for).first.wait_for(timeout=60_000)
    page.get_by_text("Gap 1").first.wait_for(timeout=120_000)  # the first gap is shown by default
    wait_for_app(page, 120_000)
    page.wait_for_timeout(2500)
    problems = exceptions_on_page(page) + list(page.errors)
    if problems:
        raise SystemExit(f"problems on page: {problems}")
    page.screenshot(path=str(out))
    print(f"wrote {out}")


def main(workspace: Path, *, all_tabs: bool = False, out: Path = DOCS / "coverage.png") -> None:
    with coverage_app(workspace, build, viewport=(1400, 2300)) as (url, page):
        shoot_first_gap(page, url, out)
        for tab in ("Spec coverage", "Sources", "Diversity") if all_tabs else ():
            page.get_by_role("tab", name=tab).click()
            page.wait_for_timeout(1500)
            if tab == "Spec coverage":
                page.get_by_role("button", name="Check coverage").click()
                page.get_by_text("under-covered first").first.wait_for(timeout=180_000)
                wait_for_app(page, 180_000)
            path = out.with_name(f"{out.stem}_{tab.split()[0].lower()}.png")
            page.screenshot(path=str(path))
            print(f"wrote {path}", exceptions_on_page(page))


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    main(Path(args[0]) if args else Path("/tmp/cws"), all_tabs="--all" in sys.argv)
