"""The app runs offline and quietly: no icon is fetched from the network, and a background job that starts
worker processes leaves no `missing ScriptRunContext` warnings behind."""
from __future__ import annotations

import logging
import re
import time

from mixmap.core.checks.parallel import map_batches
from tests.conftest import ROOT, open_app

APP_SOURCES = [ROOT / "app.py", *sorted((ROOT / "pages").glob("*.py")), *sorted((ROOT / "ui").glob("*.py"))]


def test_no_page_uses_material_or_remote_icons():
    # Streamlit turns a ":material/name:" page icon into a favicon fetched from fonts.gstatic.com
    offenders = []
    for path in APP_SOURCES:
        source = path.read_text(encoding="utf-8")
        if re.search(r"[\"']:material/[a-z_]+:[\"']", source):  # an icon name as a string literal
            offenders.append(f"{path.name}: :material/ icon")
        for match in re.finditer(r"(page_)?icon\s*=\s*[\"'](https?://[^\"']*)", source):
            offenders.append(f"{path.name}: {match.group(2)}")
    assert offenders == []


def test_the_router_sets_a_local_page_icon(built_dataset, monkeypatch):
    at = open_app(built_dataset.workspace.root, monkeypatch, title="Map")
    from app import PAGES

    assert all(icon and not icon.startswith(":") for _, _, icon in PAGES)
    assert not at.exception


class _Records(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record):
        self.messages.append(record.getMessage())


def test_a_background_job_with_worker_processes_logs_no_missing_script_run_context(
        built_dataset, monkeypatch, capfd):
    at = open_app(built_dataset.workspace.root, monkeypatch, title="Map")  # app.py is now __main__, as under `streamlit run`
    from mixmap.ui.state import jobs

    records = _Records()
    logger = logging.getLogger("streamlit.runtime.scriptrunner_utils.script_run_context")
    logger.addHandler(records)
    try:
        # scoring and checks split big inputs over spawned worker processes; two workers on four batches here
        job = jobs().start("workers", built_dataset.name,
                           lambda job: list(map_batches(abs, [-1, -2, -3, -4], workers=2)))
        deadline = time.time() + 120
        while job.running and time.time() < deadline:
            time.sleep(0.2)
        at.run()  # the page sees the finished job
    finally:
        logger.removeHandler(records)
    out, err = capfd.readouterr()  # the workers' stderr too: they inherit this process's file descriptors
    assert job.status == "done", job.error
    assert job.result == [1, 2, 3, 4]
    assert not at.exception
    assert "missing ScriptRunContext" not in out + err
    assert not [m for m in records.messages if "missing ScriptRunContext" in m]
