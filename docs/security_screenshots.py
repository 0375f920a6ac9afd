"""Take docs/login.png, docs/data_refused.png and docs/export_download.png in a real browser (Debian chromium).

    .venv/bin/python docs/security_screenshots.py /tmp/secws

The app is started on a fresh workspace (it installs the bundled sample) with a password and one data folder,
as `MIXMAP_APP_PASSWORD=... mixmap app --data-dir DIR` would: the login page; after logging in, the Data page
refusing a path outside the data folder; the Export page after an export, with its download buttons.
"""
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tests.browser import browser_page, exceptions_on_page, running_app, wait_for_app

DOCS = ROOT / "docs"


def main(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    data = folder / "data"
    data.mkdir(exist_ok=True)
    (data / "instructions.jsonl").write_text('{"instruction": "Say hi", "output": "Hi!"}\n')
    env = {"MIXMAP_APP_PASSWORD": "correct horse battery staple", "MIXMAP_DATA_DIRS": str(data)}
    with running_app(folder / "ws", env=env, timeout=180) as url, browser_page(viewport=(1300, 800)) as page:
        page.goto(url)
        wait_for_app(page)
        page.get_by_text("Password or token").first.wait_for(timeout=60_000)
        page.get_by_label("Password or token").fill("correct horse battery staple")
        page.screenshot(path=str(DOCS / "login.png"))
        page.get_by_role("button", name="Log in").click()
        page.locator(".js-plotly-plot").first.wait_for(timeout=120_000)
        wait_for_app(page)
        page.locator('[data-testid="stSidebarNav"] a', has_text="Data").first.click()
        page.get_by_role("heading", name="Data", exact=True).wait_for(timeout=60_000)
        wait_for_app(page)
        field = page.get_by_label("File or Hugging Face save_to_disk folder", exact=True)
        field.fill("../../../etc/passwd")
        field.press("Enter")
        page.get_by_text("outside the folders this app may read").wait_for(timeout=30_000)
        wait_for_app(page)
        page.get_by_role("heading", name="Add a file").scroll_into_view_if_needed()
        page.screenshot(path=str(DOCS / "data_refused.png"))
        page.locator('[data-testid="stSidebarNav"] a', has_text="Export").first.click()
        page.get_by_role("heading", name="Export", exact=True).wait_for(timeout=60_000)
        wait_for_app(page)
        page.get_by_role("button", name="Export", exact=True).click()
        page.get_by_text("Wrote ").first.wait_for(timeout=60_000)
        wait_for_app(page)
        page.set_viewport_size({"width": 1300, "height": 1250})
        page.wait_for_timeout(500)
        page.screenshot(path=str(DOCS / "export_download.png"))
        assert exceptions_on_page(page) == []
    print("wrote docs/login.png, docs/data_refused.png, docs/export_download.png")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/mixmap-security-shots"))
