"""Real browser: the app served by `streamlit run`, opened in headless Debian chromium."""
import shutil

import pytest

from tests.browser import browser_page, exceptions_on_page, running_app, wait_for_app

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(not shutil.which("chromium"), reason="Debian chromium is not installed")]


def test_map_renders_without_exception(built_dataset, tmp_path):
    with running_app(built_dataset.workspace.root) as url, browser_page() as page:
        page.goto(url)
        wait_for_app(page)
        page.wait_for_selector(".js-plotly-plot .scatterlayer, .js-plotly-plot canvas", timeout=60_000)
        assert exceptions_on_page(page) == []
        assert "160 rows" in page.inner_text("body")
        page.screenshot(path=str(tmp_path / "map.png"))
        assert not [e for e in page.errors if "plotly" in e.lower() or "streamlit" in e.lower()]
