"""End to end in a real browser (headless Debian chromium driven by Playwright), as a curator works:

1. a fresh workspace opens on the bundled sample → the map → a box drawn with the mouse → mark exclude →
   Export → the file holds exactly the rows not excluded; then a lasso → mark include → export only included
   rows → exactly the marked rows;
2. data text with HTML, <script> and markdown, selected on the map, is shown literally and never runs;
3. a search typed into the Map page selects its hits, and marking them marks exactly those rows.
"""
from __future__ import annotations

import itertools
import json
import re
import shutil

import pytest

from mixmap.core.ingest.files import ingest_into
from mixmap.core.store.marks import marks_version, read_marks
from mixmap.core.store.workspace import Workspace
from tests.browser import browser_page, exceptions_on_page, running_app, wait_for_app
from tests.conftest import synthetic_rows, write_jsonl

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(not shutil.which("chromium"), reason="Debian chromium is not installed")]

PLOT = ".js-plotly-plot .nsewdrag"


# ---- driving the map with the mouse -------------------------------------------------------------------------
def plot_area(page) -> dict:
    page.wait_for_selector(PLOT, timeout=90_000)
    return page.locator(PLOT).first.bounding_box()


def to_data(page, px: float, py: float) -> tuple[float, float]:
    """Screen pixel -> data coordinates, from the live Plotly layout."""
    box = plot_area(page)
    (x0, x1), (y0, y1) = page.evaluate(
        "() => { const l = document.querySelector('.js-plotly-plot')._fullLayout;"
        " return [l.xaxis.range, l.yaxis.range]; }")
    return (x0 + (px - box["x"]) / box["width"] * (x1 - x0), y1 - (py - box["y"]) / box["height"] * (y1 - y0))


def use_tool(page, tool: str) -> None:
    """Click a Plotly modebar button: "select" (box) or "lasso"."""
    box = plot_area(page)
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.locator(f'.modebar-btn[data-val="{tool}"]').first.click()


def drag(page, points: list[tuple[float, float]], steps: int = 8) -> None:
    """Press at the first point (fractions of the plot area), move through the rest, release."""
    box = plot_area(page)
    pixels = [(box["x"] + fx * box["width"], box["y"] + fy * box["height"]) for fx, fy in points]
    page.mouse.move(*pixels[0])
    page.mouse.down()
    for (ax, ay), (bx, by) in itertools.pairwise(pixels):
        for i in range(1, steps + 1):
            page.mouse.move(ax + (bx - ax) * i / steps, ay + (by - ay) * i / steps)
    page.mouse.up()
    page.wait_for_timeout(800)
    wait_for_app(page)


def selected_count(page) -> int:
    heading = page.locator("h3", has_text="rows selected").first
    heading.wait_for(timeout=60_000)
    return int(re.match(r"([\d,]+) rows selected", heading.inner_text()).group(1).replace(",", ""))


def apply_mark(page, action: str, n: int) -> None:
    box = page.locator(".st-key-map-mark")  # the Mark box: no action is preselected, Apply waits for one
    box.get_by_text(action, exact=True).click()
    wait_for_app(page)
    box.get_by_role("button", name=f"Apply to {n:,} rows").click()
    page.wait_for_timeout(800)
    wait_for_app(page)


def go_to(page, title: str) -> None:
    page.locator('[data-testid="stSidebarNav"] a', has_text=title).first.click()
    page.wait_for_timeout(500)
    wait_for_app(page)


def export(page, choice: str) -> None:
    go_to(page, "Export")
    page.get_by_text(choice).first.click()
    wait_for_app(page)
    page.get_by_role("button", name="Export", exact=True).click()
    page.get_by_text("Wrote ").first.wait_for(timeout=60_000)


def exported_ids(path) -> list[str]:
    return [json.loads(line)["id"] for line in path.read_text(encoding="utf-8").splitlines()]


def inside(layout, ids: set[str], box: tuple[float, float, float, float]) -> set[str]:
    x0, y0, x1, y1 = box
    return {r["id"] for r in layout if r["id"] in ids and min(x0, x1) <= r["x"] <= max(x0, x1)
            and min(y0, y1) <= r["y"] <= max(y0, y1)}


# ---- 1. the whole flow on the sample ---------------------------------------------------------------------------
@pytest.fixture
def sample_workspace(tmp_path, fake_embedder):
    """A fresh, empty workspace: the app installs the bundled sample itself. Where the prebuilt map is missing
    or out of date (the app would build it with MiniLM, minutes), a small built dataset stands in."""
    from mixmap.core.ingest.sample import install_sample

    probe = Workspace(tmp_path / "probe")
    if install_sample(probe)["prebuilt"]:
        return tmp_path / "ws", "sample"
    from mixmap.core.build.pipeline import build_dataset

    ws = Workspace(tmp_path / "ws")
    ds = ws.dataset("synth", create=True)
    ingest_into(ds, write_jsonl(tmp_path / "synth.jsonl", synthetic_rows(50)))
    build_dataset(ds, fake_embedder)
    return ws.root, "synth"


def test_sample_map_box_mark_export_in_a_real_browser(sample_workspace, tmp_path):
    root, name = sample_workspace
    with running_app(root) as url, browser_page() as page:
        page.goto(url)
        wait_for_app(page)
        plot_area(page)
        ds = Workspace(root).dataset(name)
        all_ids = ds.read_rows(["id"]).column("id").to_pylist()
        layout = ds.read_frame("layout").to_pylist()

        # a box around the left part of the map, drawn with the mouse
        use_tool(page, "select")
        area = plot_area(page)
        corners = [(0.05, 0.05), (0.5, 0.95)]
        # the box's corners in data units, read from the live Plotly axes before drawing it
        box = (*to_data(page, area["x"] + corners[0][0] * area["width"], area["y"] + corners[0][1] * area["height"]),
               *to_data(page, area["x"] + corners[1][0] * area["width"], area["y"] + corners[1][1] * area["height"]))
        drag(page, corners)
        n = selected_count(page)
        assert n > 0
        apply_mark(page, "exclude", n)
        excluded = {r["id"] for r in read_marks(ds).to_pylist() if r["mark"] == "exclude"}
        assert len(excluded) == n
        expected = inside(layout, set(all_ids), box)  # pixel rounding may move a point on the edge
        assert len(expected ^ excluded) <= max(2, n // 100), (len(expected), n, box)

        export(page, "All but excluded rows")
        out = root / "exports" / f"{name}.jsonl"
        got = exported_ids(out)
        assert len(got) == len(set(got)) == len(all_ids) - n
        assert set(got) == set(all_ids) - excluded
        manifest = json.loads((root / "exports" / f"{name}.jsonl.manifest.json").read_text())
        assert manifest["ids"] == got and manifest["marks_version"] == marks_version(ds)

        # a lasso (the default tool) on the right part, marked include; export only the included rows
        go_to(page, "Map")
        use_tool(page, "lasso")
        drag(page, [(0.55, 0.05), (0.95, 0.1), (0.95, 0.9), (0.6, 0.95), (0.55, 0.5), (0.55, 0.06)])
        m = selected_count(page)
        assert m > 0
        apply_mark(page, "include", m)
        included = {r["id"] for r in read_marks(ds).to_pylist() if r["mark"] == "include"}
        assert len(included) == m and not included & excluded
        export(page, "Only rows marked include")
        assert sorted(exported_ids(out)) == sorted(included)
        assert exceptions_on_page(page) == []
        page.screenshot(path=str(tmp_path / "export.png"))


# ---- 2. data text stays inert -----------------------------------------------------------------------------------
PAYLOADS = [
    "<script>window.__pwned=1</script>",
    "<img src=x onerror=window.__pwned=2>",
    "**bold** and _italic_ and [a link](javascript:window.__pwned=3)",
    '<a href="javascript:window.__pwned=4">click</a> <b>bold tag</b>',
    "<svg onload=window.__pwned=5></svg> ${window.__pwned=6} {{7*7}}",
]


@pytest.fixture
def hostile_workspace(tmp_path, fake_embedder):
    from mixmap.core.build.pipeline import build_dataset

    ws = Workspace(tmp_path / "ws")
    ds = ws.dataset("hostile", create=True)
    rows = [{"text": p} for p in PAYLOADS] + [{"text": r["output"]} for r in synthetic_rows(15)]
    ingest_into(ds, write_jsonl(tmp_path / "hostile.jsonl", rows))
    # a source name with markup too: it shows in the legend when colouring by source
    ingest_into(ds, write_jsonl(tmp_path / "more.jsonl", [{"text": "from an odd source " + str(i)} for i in range(8)]),
                source="<img src=x onerror=window.__pwned=9>")
    build_dataset(ds, fake_embedder)
    return ws.root


def test_data_text_is_shown_inert_in_a_real_browser(hostile_workspace):
    with running_app(hostile_workspace) as url, browser_page() as page:
        page.goto(url)
        wait_for_app(page)
        use_tool(page, "select")
        drag(page, [(0.005, 0.005), (0.995, 0.995)])  # everything (Plotly pads the axes)
        assert selected_count(page) == len(PAYLOADS) + 60 + 8
        # hover across the map: Plotly hover labels carry data text
        area = plot_area(page)
        for i in range(40):
            page.mouse.move(area["x"] + area["width"] * (i % 8 + 0.5) / 8, area["y"] + area["height"] * (i // 8 + 0.5) / 5)
        page.get_by_text("Read the full text of the first 10 selected rows").click()
        page.wait_for_timeout(500)
        assert page.evaluate("() => window.__pwned") is None
        body = page.inner_text("body")
        for payload in PAYLOADS:
            assert payload in body, f"not shown literally: {payload}"
        # colour by source: the markup in the source name lands in the legend
        page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').nth(1).click()
        page.get_by_role("option", name="source").click()
        wait_for_app(page)
        page.wait_for_timeout(500)
        assert page.evaluate("() => window.__pwned") is None
        # no element made from the data: no <img src=x>, no <svg onload>, no inline script holding the payload
        assert page.evaluate("() => document.querySelectorAll('img[src=\"x\"], svg[onload], [onerror]').length") == 0
        assert page.evaluate("() => [...document.scripts].every(s => !s.textContent.includes('__pwned'))")
        assert page.evaluate("() => [...document.querySelectorAll('a[href^=\"javascript\"]')].length") == 0
        assert page.locator("strong", has_text="bold").count() == 0  # markdown was not rendered
        assert exceptions_on_page(page) == []


# ---- 3. search in a real browser ------------------------------------------------------------------------------
def test_search_selects_the_hits_and_marks_them_in_a_real_browser(hostile_workspace):
    ds = Workspace(hostile_workspace).dataset("hostile")
    odd = {r["id"] for r in ds.read_rows(["id", "text"]).to_pylist() if r["text"].startswith("from an odd source")}
    with running_app(hostile_workspace) as url, browser_page() as page:
        page.goto(url)
        wait_for_app(page)
        plot_area(page)
        page.get_by_text("text", exact=True).first.click()  # search by exact text
        wait_for_app(page)
        page.get_by_role("textbox", name="Search").fill("FROM AN ODD SOURCE")
        page.keyboard.press("Enter")
        page.wait_for_timeout(500)
        wait_for_app(page)
        assert selected_count(page) == len(odd) == 8
        assert "search by text" in page.locator("h3", has_text="rows selected").first.inner_text()
        apply_mark(page, "exclude", 8)
        assert {r["id"] for r in read_marks(ds).to_pylist() if r["mark"] == "exclude"} == odd
        assert exceptions_on_page(page) == [] and page.evaluate("() => window.__pwned") is None
