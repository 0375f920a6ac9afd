"""The Quality page's LM check in a real browser (headless Debian chromium): on the sample, set a handful of
rows, start the check, and see the background job finish into the per-cluster estimates with error bars, the
slop v2 and perplexity histograms, with no exception on the page. Runs the real packaged model (~24 rows).

`python tests/test_quality_lm_browser.py docs/quality_lm.png` writes the screenshot of the LM section.
"""
from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from tests.browser import browser_page, exceptions_on_page, running_app, wait_for_app

pytestmark = [pytest.mark.browser, pytest.mark.real_model,
              pytest.mark.skipif(not shutil.which("chromium"), reason="Debian chromium is not installed")]

SECTION = "LM check: estimated machine share per cluster"
ROWS = 24


def run_lm_check_in_browser(workspace: Path, shot: Path | None = None) -> dict:
    """Open Quality, run the LM check on ROWS rows, wait for its results; returns what the section shows."""
    pytest.importorskip("playwright")
    with running_app(workspace, timeout=180) as url, browser_page(viewport=(1400, 2400)) as page:
        page.goto(url)  # the first open installs the sample (the Map page shows it)
        page.locator('[data-testid="stPlotlyChart"]').first.wait_for(timeout=240_000)
        wait_for_app(page, timeout_ms=180_000)
        page.goto(f"{url}/quality")
        page.locator('[data-testid="stMain"] h1').first.wait_for(timeout=180_000)
        wait_for_app(page, timeout_ms=180_000)
        section = page.locator('[data-testid="stExpander"]').filter(has_text=SECTION).first
        try:
            section.wait_for(timeout=180_000)
        except Exception:
            page.screenshot(path=str(workspace.parent / "quality_lm_failed.png"))
            raise
        section.locator("summary").first.click()
        rows = section.get_by_label("Rows to sample", exact=False)
        rows.fill(str(ROWS))
        rows.press("Enter")
        wait_for_app(page)
        estimate = section.inner_text()
        section.get_by_role("button", name="Run the LM check").click()
        # the job runs in the background; the page reruns when it is done and the results appear
        section.get_by_text("Slop v2 of the scored rows").wait_for(timeout=420_000)
        wait_for_app(page, timeout_ms=120_000)
        section.locator('[data-testid="stPlotlyChart"]').nth(2).wait_for(timeout=60_000)
        section.locator('[data-testid="stDataFrame"]').nth(1).wait_for(timeout=60_000)
        page.wait_for_timeout(4000)  # plotly and the data grids draw after their elements appear
        text = section.inner_text()
        charts = section.locator('[data-testid="stPlotlyChart"]').count()
        tables = section.locator('[data-testid="stDataFrame"]').count()
        errors = exceptions_on_page(page) + list(page.errors)
        if shot:
            section.scroll_into_view_if_needed()
            section.screenshot(path=str(shot))
    return {"estimate": estimate, "text": text, "charts": charts, "tables": tables, "errors": errors}


def test_lm_check_runs_from_the_quality_page_and_shows_estimates(tmp_path):
    got = run_lm_check_in_browser(tmp_path / "ws", shot=tmp_path / "lm.png")
    assert got["errors"] == [], got["errors"]
    assert f"about {ROWS}" in got["estimate"] or "rows" in got["estimate"]
    assert got["charts"] >= 3 and got["tables"] >= 2, got  # shares with error bars, 2 histograms; 2 tables
    assert "Perplexity" in got["text"] and "failed" not in got["text"]
    assert (tmp_path / "lm.png").stat().st_size > 20_000


if __name__ == "__main__":
    import tempfile

    out = Path(sys.argv[1] if len(sys.argv) > 1 else "docs/quality_lm.png")
    print(run_lm_check_in_browser(Path(tempfile.mkdtemp()) / "ws", shot=out))
