"""A new user's first look, in a real browser (headless Debian chromium): an empty workspace opens on the
sample, and every page shows its content at once — the map, scored rows, duplicate groups, a reference set's
gaps, the checks — with no request leaving the machine while every page is browsed.

`python tests/test_first_open_browser.py DIR` writes one screenshot per page into DIR (docs/first_open/).
"""
from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from tests.browser import browser_page, exceptions_on_page, running_app, wait_for_app

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(not shutil.which("chromium"), reason="Debian chromium is not installed")]

# url path -> (what an empty page would say, a selector that shows the page's real content)
PAGES = {
    "": ("is not on the map yet", '[data-testid="stPlotlyChart"]'),
    "quality": ("is not scored yet", '[data-testid="stDataFrame"]'),
    "duplicates": ("pairs for **sample** yet", '[data-testid="stMetric"]'),
    "coverage": ("has no reference set yet", '[data-testid="stPlotlyChart"]'),
    "mixes": ("Traceback", '[data-testid="stMain"] h1'),
    "export": ("Traceback", '[data-testid="stMain"] h1'),
    "checks": ("Traceback", '[data-testid="stMain"] h1'),
    "data": ("The workspace is empty", '[data-testid="stDataFrame"]'),
}
EMPTY_WORDS = ("not scored yet", "no pairs yet", "has no reference set yet", "is not on the map yet",
               "The workspace is empty")


def browse_every_page(workspace: Path, shots: Path | None = None) -> tuple[dict[str, str], list[str]]:
    """Visit every page of a fresh app; returns (page -> its visible text, requests that left localhost)."""
    outside, texts = [], {}
    with running_app(workspace, timeout=180) as url, browser_page(viewport=(1400, 1100)) as page:
        page.on("request", lambda r: None if r.url.startswith((url, "data:", "blob:")) else outside.append(r.url))
        page.route(lambda u: not u.startswith((url, "data:", "blob:")), lambda route: route.abort())
        for path, (_, content) in PAGES.items():
            page.goto(f"{url}/{path}")
            page.locator('[data-testid="stMain"] h1').first.wait_for(timeout=180_000)
            wait_for_app(page, timeout_ms=180_000)
            page.locator(content).first.wait_for(timeout=120_000)
            wait_for_app(page)
            texts[path or "map"] = page.locator('[data-testid="stMain"]').inner_text()
            assert exceptions_on_page(page) == [], (path, exceptions_on_page(page))
            if shots:
                page.screenshot(path=str(shots / f"{path or 'map'}.png"), full_page=False)
        page.wait_for_timeout(1000)
    return texts, outside


def test_every_page_of_the_sample_shows_content_on_first_open_and_nothing_leaves_the_machine(tmp_path):
    texts, outside = browse_every_page(tmp_path / "fresh_workspace", shots=tmp_path)
    assert outside == [], outside
    for page, text in texts.items():
        assert not [w for w in EMPTY_WORDS if w in text], (page, text[:500])
    assert "in this gap" in texts["coverage"]  # the sample's reference set has its gaps ranked and shown
    assert "slop" in texts["quality"].lower()


if __name__ == "__main__":
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "docs/first_open")
    out.mkdir(parents=True, exist_ok=True)
    import tempfile

    print(browse_every_page(Path(tempfile.mkdtemp()) / "ws", shots=out)[1])
