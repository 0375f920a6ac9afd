"""Take the README's screenshots in a real browser (Debian chromium, headless), from a fresh workspace.

The app installs the bundled sample on first start. Usage: .venv/bin/python docs/screenshots.py [pages...]
Pages: map, search, data, export (default: all four). Writes docs/<page>.png.
"""
from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tests.browser import browser_page, exceptions_on_page, running_app, wait_for_app

DOCS = Path(__file__).resolve().parent


def lasso(page, fractions: list[tuple[float, float]]) -> None:
    """Drag a lasso through points given as fractions of the plot area."""
    box = page.locator(".js-plotly-plot .nsewdrag").first.bounding_box()
    points = [(box["x"] + fx * box["width"], box["y"] + fy * box["height"]) for fx, fy in fractions]
    page.mouse.move(*points[0])
    page.mouse.down()
    for x, y in points[1:] + points[:1]:
        page.mouse.move(x, y, steps=8)
    page.mouse.up()


def goto(page, url: str, title: str, last_text: str | None = None) -> None:
    page.goto(url)
    wait_for_app(page)
    page.get_by_role("heading", name=title).first.wait_for(timeout=60_000)
    if last_text:  # the page's last element: the script has run to the end
        page.get_by_text(last_text).first.wait_for(timeout=60_000)
    wait_for_app(page)


def main(which: list[str]) -> None:
    workspace = Path(tempfile.mkdtemp()) / "ws"
    workspace.mkdir(parents=True)
    with running_app(workspace) as url, browser_page(viewport=(1400, 1500)) as page:
        goto(page, url, "Map")
        page.wait_for_selector(".js-plotly-plot .nsewdrag", timeout=60_000)
        if "map" in which:
            lasso(page, [(0.30, 0.30), (0.55, 0.25), (0.60, 0.55), (0.35, 0.60)])
            page.get_by_text("rows selected").first.wait_for(timeout=60_000)
            wait_for_app(page)
            page.screenshot(path=str(DOCS / "map.png"), full_page=True)
            form = page.get_by_role("button", name="Apply to")
            page.get_by_text("exclude", exact=True).first.click()
            wait_for_app(page)  # Apply is enabled once an action is picked
            form.click()
            wait_for_app(page)
        if "search" in which:
            goto(page, url, "Map")
            page.get_by_text("meaning", exact=True).first.click()
            wait_for_app(page)
            page.get_by_role("textbox", name="Search").fill("my parcel never arrived and I want my money back")
            page.keyboard.press("Enter")
            page.get_by_text("rows selected (search").first.wait_for(timeout=120_000)
            wait_for_app(page)
            page.screenshot(path=str(DOCS / "map_search.png"), full_page=True)
        if "data" in which:
            goto(page, f"{url}/data", "Data", "Add a file")
            page.get_by_label("File or Hugging Face save_to_disk folder").fill(str(DOCS.parent / "sample_data" / "instructions.jsonl"))
            page.keyboard.press("Enter")
            page.get_by_text("Text comes from").first.wait_for(timeout=60_000)
            wait_for_app(page)
            page.screenshot(path=str(DOCS / "data.png"), full_page=True)
        if "export" in which:
            goto(page, f"{url}/export", "Export")
            page.get_by_role("button", name="Export", exact=True).click()
            page.get_by_text("Wrote").first.wait_for(timeout=60_000)
            wait_for_app(page)
            page.screenshot(path=str(DOCS / "export.png"), full_page=True)
        problems = exceptions_on_page(page)
        if problems:
            raise SystemExit(f"exceptions on page: {problems}")


if __name__ == "__main__":
    main(sys.argv[1:] or ["map", "search", "data", "export"])
