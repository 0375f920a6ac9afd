"""Take docs/duplicates.png in a real browser (Debian chromium, headless) on the bundled sample.

    .venv/bin/mixmap --workspace /tmp/dupws ingest sample_data/instructions.jsonl --dataset sample
    .venv/bin/mixmap --workspace /tmp/dupws build sample --fast
    .venv/bin/python docs/duplicates_screenshot.py /tmp/dupws

Opens the Duplicates page, finds the MinHash pairs, moves the threshold to 0.70 with the keyboard (the
first group listed is then the least similar one above it: a planted copy with two typos) and saves the
page. Fails if the page shows an exception or a dialog opens.
"""
from __future__ import annotations

import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tests.browser import browser_page, exceptions_on_page, running_app, wait_for_app

DOCS = Path(__file__).resolve().parent


def main(workspace: Path, steps: int = 20) -> None:
    with running_app(workspace) as url, browser_page(viewport=(1500, 1450)) as page:
        dialogs: list[str] = []
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.goto(url)
        wait_for_app(page)
        # the router's link; before app.py first runs Streamlit may list the pages/ files instead
        link = page.locator('[data-testid="stSidebarNav"] a', has_text=re.compile("Duplicates"))
        link.first.wait_for(timeout=60_000)
        link.first.click()
        page.get_by_role("heading", name="Duplicates").first.wait_for(timeout=60_000)
        wait_for_app(page)
        page.get_by_text("fuzzy (MinHash)", exact=True).click()
        page.get_by_text("Jaccard similarity of word 3-grams").first.wait_for(timeout=60_000)
        wait_for_app(page)
        find = page.get_by_role("button", name="Find minhash pairs")
        if find.count():
            find.click()
        page.get_by_text("Member ids of this group").first.wait_for(timeout=120_000)
        wait_for_app(page)
        page.get_by_role("slider").first.focus()
        for _ in range(steps):  # 0.50 -> 0.70
            page.keyboard.press("ArrowRight")
        page.get_by_text("similarity 0.71").first.wait_for(timeout=60_000)  # the rerun at 0.70 has finished
        wait_for_app(page)
        page.wait_for_function("() => !document.querySelector('[data-stale=\"true\"]')", timeout=60_000)
        page.wait_for_selector(".js-plotly-plot", timeout=60_000)
        page.wait_for_timeout(2000)
        problems = exceptions_on_page(page)
        if problems or dialogs:
            raise SystemExit(f"exceptions on page: {problems}; dialogs: {dialogs}")
        page.screenshot(path=str(DOCS / "duplicates.png"), full_page=True)


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("/tmp/dupws"))
