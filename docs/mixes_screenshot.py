"""Take the Mixes and Export screenshots in a real browser (Debian chromium, headless).

Builds a fresh workspace with the bundled sample, quality signals, a short marks history (with an undo),
three slices and two mixes, then opens the app. Usage: .venv/bin/python docs/mixes_screenshot.py
Writes docs/mixes.png (Build), docs/mixes_compare.png (Compare) and docs/export.png (a mix as an HF folder).
"""
from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tests.browser import browser_page, exceptions_on_page, running_app, wait_for_app

DOCS = Path(__file__).resolve().parent


def make_workspace(root: Path) -> Path:
    import pyarrow as pa

    from mixmap.core.store.marks import undo
    from mixmap.core.curate.mixes import save_mix
    from mixmap.core.ingest.sample import install_sample
    from mixmap.core.curate.slices import save_slice
    from mixmap.core.store.workspace import Workspace

    ws = Workspace(root / "ws")
    install_sample(ws)
    ds = ws.dataset("sample")
    try:  # quality signals make the report card's quality column show; skipped if the stage changed
        from mixmap.core.quality.scoring import score_texts

        rows = ds.read_rows(["id", "text", "meta"])
        prompts = [json.loads(m).get("instruction", "") for m in rows.column("meta").to_pylist()]
        scores = score_texts(rows.column("text").to_pylist(), instructions=prompts)["slop_score"].to_numpy()
        ds.write_frame("signals", pa.table({"id": rows.column("id"), "slop_score": scores}))
    except Exception as exc:  # noqa: BLE001
        print(f"no quality signals: {exc}")
    clusters = ds.read_frame("clusters").to_pandas()

    def rows_of(cluster: int) -> list[str]:
        return clusters.loc[clusters["cluster"] == cluster, "id"].tolist()

    ds.apply_marks(rows_of(30), mark="exclude", message="drop the boilerplate 'journey' answers")
    ds.apply_marks(rows_of(7) + rows_of(6), add_tags=["code"], message="tag python and SQL")
    ds.apply_marks(rows_of(2), mark="exclude", message="oops: wrong cluster")
    undo(ds)
    ds.apply_marks(rows_of(22)[:10], mark="exclude", message="near-duplicate refund replies")
    save_slice(ds, "code", {"where": ["cluster", "in", [7, 6]]})
    save_slice(ds, "baking", {"fts": "butter sugar flour oven"})
    save_slice(ds, "not-code", {"not": {"slice": "code"}})
    save_mix(ds, {"name": "balanced", "seed": 1, "budget": {"tokens": 30000}, "components": [
        {"name": "code", "slice": "code", "strategy": "diversity", "rows": 60},
        {"name": "rest", "slice": "not-code", "strategy": {"kind": "stratified", "by": "cluster", "cap": 20, "floor": 5},
         "weight": 3},
        {"name": "clean", "slice": {"all": True}, "strategy": {"kind": "weighted", "score": "slop_score", "invert": True},
         "weight": 1}]})
    save_mix(ds, {"name": "random", "seed": 1, "components": [{"name": "all", "strategy": "random", "rows": 600}]})
    return ws.root


def pick(page, label: str, option: str) -> None:
    page.get_by_label(label).first.click()
    page.get_by_role("option", name=option).click()
    wait_for_app(page)


def main() -> None:
    # Other files may change while this runs; without a file watcher the app never reloads mid-screenshot.
    os.environ["STREAMLIT_SERVER_FILE_WATCHER_TYPE"] = "none"
    root = make_workspace(Path(tempfile.mkdtemp()))
    with running_app(root) as url, browser_page(viewport=(1400, 1700)) as page:
        page.goto(url)
        wait_for_app(page)
        page.get_by_role("link", name="Mixes").click()
        page.get_by_text("Report card").first.wait_for(timeout=60_000)
        pick(page, "Start from", "balanced")
        page.get_by_text("317 rows").first.wait_for(timeout=60_000)
        wait_for_app(page)
        page.screenshot(path=str(DOCS / "mixes.png"), full_page=True)
        page.get_by_role("tab", name="Compare").click()
        pick(page, "Left", "random")
        pick(page, "Right", "balanced")
        page.get_by_text("Composition by").first.wait_for(timeout=60_000)
        wait_for_app(page)
        page.screenshot(path=str(DOCS / "mixes_compare.png"), full_page=True)
        page.get_by_role("link", name="Export").click()
        wait_for_app(page)
        page.get_by_text("a saved mix").click()
        wait_for_app(page)
        pick(page, "Format", "Hugging Face datasets folder (save_to_disk)")
        page.get_by_role("button", name="Export", exact=True).click()
        page.get_by_text("Wrote").first.wait_for(timeout=60_000)
        page.get_by_text("Replay a manifest").first.wait_for(timeout=60_000)
        wait_for_app(page)
        page.wait_for_timeout(1500)
        page.screenshot(path=str(DOCS / "export.png"), full_page=True)
        problems = exceptions_on_page(page) + page.errors
        if problems:
            raise SystemExit(f"problems on page: {problems}")


if __name__ == "__main__":
    main()
