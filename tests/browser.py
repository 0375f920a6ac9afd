"""Helpers for real-browser tests: start `streamlit run` on a free port, drive Debian chromium headless.

Self-contained, as datasette's browser tests are: free port, server as a subprocess, health polled with
a deadline, the server's output shown if it dies, always terminated.
"""
from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-quic", "--no-first-run", "--disable-component-update", "--disable-sync"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def running_app(workspace: Path, *, timeout: float = 90, env: dict | None = None):
    """`env` adds settings, e.g. MIXMAP_DATA_DIRS or MIXMAP_APP_PASSWORD (which is otherwise left unset)."""
    port = free_port()
    base = {k: v for k, v in os.environ.items() if k not in ("MIXMAP_DATA_DIRS", "MIXMAP_APP_PASSWORD")}
    env = dict(base, MIXMAP_WORKSPACE=str(workspace), MIXMAP_WARMUP="0", **(env or {}))
    log = open(workspace.parent / f"streamlit-{port}.log", "w+")
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + timeout
        while True:
            if proc.poll() is not None:
                log.seek(0)
                raise RuntimeError(f"streamlit exited early:\n{log.read()[-3000:]}")
            try:
                if urllib.request.urlopen(f"{url}/_stcore/health", timeout=2).status == 200:
                    break
            except OSError:
                pass
            if time.time() > deadline:
                raise TimeoutError("streamlit did not become healthy in time")
            time.sleep(0.5)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


@contextlib.contextmanager
def browser_page(viewport=(1400, 1000)):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": viewport[0], "height": viewport[1]})
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.errors = errors  # type: ignore[attr-defined]
        try:
            yield page
        finally:
            browser.close()


def wait_for_app(page, timeout_ms: int = 60_000) -> None:
    """Wait until Streamlit finished running the script (no 'Running...' status widget)."""
    page.wait_for_selector('[data-testid="stApp"]', timeout=timeout_ms)
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=timeout_ms)
    page.wait_for_timeout(500)


def exceptions_on_page(page) -> list[str]:
    return [e.inner_text() for e in page.query_selector_all('[data-testid="stException"]')]
