"""Take docs/quality.png in a real browser (Debian chromium, headless) from a scored workspace.

Build the workspace first (the bundled sample has a planted slop cluster):

    .venv/bin/mixmap --workspace /tmp/qws ingest sample_data/instructions.jsonl --dataset sample \\
        --template "{instruction}\\n{input}\\n{output}"
    .venv/bin/mixmap --workspace /tmp/qws build sample --fast
    .venv/bin/mixmap --workspace /tmp/qws score sample
    .venv/bin/python docs/quality_screenshot.py /tmp/qws

The script opens the Quality page, picks the first (most slop) cluster in the ranking and saves the page.
"""
from __future__ import annotations

import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tests.browser import browser_page, exceptions_on_page, running_app, wait_for_app

DOCS = Path(__file__).resolve().parent


def main(workspace: Path, out: Path = DOCS / "quality.png") -> None:
    with running_app(workspace, timeout=180) as url, browser_page(viewport=(1400, 2650)) as page:
        page.goto(url)
        wait_for_app(page, 120_000)
        link = page.locator('[data-testid="stSidebarNav"] a', has_text=re.compile("Quality"))
        link.first.wait_for(timeout=60_000)
        link.first.click()
        wait_for_app(page, 180_000)
        table = page.locator('[data-testid="stDataFrame"]').first
        table.wait_for(timeout=120_000)
        wait_for_app(page, 120_000)
        box = table.bounding_box()
        page.mouse.click(box["x"] + 12, box["y"] + 36 + 17)  # the first row's selection cell
        page.get_by_text("rows selected").first.wait_for(timeout=120_000)
        page.get_by_text("matched:").first.wait_for(timeout=120_000)
        wait_for_app(page, 120_000)
        problems = exceptions_on_page(page) + list(page.errors)
        if problems:
            raise SystemExit(f"problems on page: {problems}")
        page.screenshot(path=str(out))
        print(f"wrote {out}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("/tmp/qws"))
