"""The app at scale in a real browser: open the Map page of a big built dataset in headless chromium, draw a
box with the mouse, and time what a curator waits for. Writes bench/results/browser_scale_<rows>.json and a
screenshot in docs/.

Measured: seconds from navigation to the drawn map, the Plotly payload the page received (points drawn),
seconds from releasing the mouse to the "N rows selected" heading (the count is resolved on the server over
every row), a hover, and the Streamlit server's peak memory (VmHWM). Uses the workspace bench_scale.py left.
Usage: flock /tmp/mixmap-bench.lock .venv/bin/python bench/browser_scale.py WORKSPACE [--dataset scale]
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.browser import browser_page, exceptions_on_page, running_app, wait_for_app
from tests.test_e2e_browser import drag, plot_area, selected_count, use_tool


def server_pids(port: str) -> list[str]:
    """The `streamlit run` process serving `port` (pgrep on its command line)."""
    return subprocess.run(["pgrep", "-f", f"server.port {port}"], capture_output=True, text=True,
                          check=False).stdout.split()


def server_peak_gb(port: str) -> float:
    """Peak resident memory of the `streamlit run` process serving `port` (VmHWM, GB)."""
    pids = server_pids(port)
    peaks = []
    for pid in pids:
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        peaks += [int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM")]
    return round(max(peaks, default=0) / 1e6, 2)


def server_cpu_s(port: str) -> float:
    """CPU seconds the `streamlit run` process serving `port` has used so far (user + system)."""
    pids = server_pids(port)
    ticks = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        ticks += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of stat)
    return ticks / os.sysconf("SC_CLK_TCK")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("workspace", type=Path)
    parser.add_argument("--dataset", default="scale")
    parser.add_argument("--screenshot", type=Path, default=ROOT / "docs" / "map_1m.png")
    args = parser.parse_args()
    from mixmap.core.store.workspace import Workspace

    rows = Workspace(args.workspace).dataset(args.dataset).count_frame_rows("rows")
    result: dict = {"rows": rows}
    with running_app(args.workspace, timeout=180) as url, browser_page() as page:
        port = url.rsplit(":", 1)[1]
        start = time.perf_counter()
        page.goto(url)
        wait_for_app(page, timeout_ms=600_000)
        plot_area(page)
        page.wait_for_function("() => document.querySelector('.js-plotly-plot')?.data?.length > 0", timeout=600_000)
        result["map_ready_s"] = round(time.perf_counter() - start, 1)
        result["points_drawn"] = page.evaluate(
            "() => document.querySelector('.js-plotly-plot')._fullData.reduce((n, t) => n + (t._length || 0), 0)")
        result["payload_mb"] = round(page.evaluate(
            "() => JSON.stringify(document.querySelector('.js-plotly-plot').data).length") / 1e6, 2)
        area = plot_area(page)
        start = time.perf_counter()
        page.mouse.move(area["x"] + area["width"] * 0.5, area["y"] + area["height"] * 0.5)
        page.wait_for_timeout(200)
        result["hover_s"] = round(time.perf_counter() - start, 2)
        use_tool(page, "select")
        # Timestamps (browser clock) of the app's "running" indicator appearing and going away: the split of
        # the wait into browser->server, the server's rerun, and drawing the result.
        page.evaluate("""() => { window.__runs = [];
            new MutationObserver(() => {
                const on = !!document.querySelector('[data-testid="stStatusWidget"]');
                const last = window.__runs[window.__runs.length - 1];
                if (!last || last.on !== on) window.__runs.push({on, t: performance.now()});
            }).observe(document.body, {childList: true, subtree: true}); }""")
        start = time.perf_counter()
        cpu_before = server_cpu_s(port)
        released = page.evaluate("() => performance.now()") + 0.0
        drag(page, [(0.3, 0.3), (0.6, 0.6)])
        result["box_selected_rows"] = selected_count(page)
        done = page.evaluate("() => performance.now()")
        # drag() waits 0.8 s after releasing the mouse before the app is polled; that wait is not the app's
        result["box_selection_s"] = round(time.perf_counter() - start - 0.8, 2)
        result["box_selection_server_cpu_s"] = round(server_cpu_s(port) - cpu_before, 2)
        runs = page.evaluate("() => window.__runs")
        ons = [r["t"] for r in runs if r["on"]]
        offs = [r["t"] for r in runs if not r["on"]]
        if ons and offs:
            result["box_selection_split_s"] = {"until_server_starts": round((ons[0] - released) / 1000, 2),
                                               "server_running": round((offs[-1] - ons[0]) / 1000, 2),
                                               "after_server": round((done - offs[-1]) / 1000, 2)}
        page.wait_for_timeout(1000)
        args.screenshot.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(args.screenshot))
        result["page_errors"] = exceptions_on_page(page)
        result["server_peak_rss_gb"] = server_peak_gb(port)
    print(json.dumps(result, indent=2))
    out = ROOT / "bench" / "results" / f"browser_scale_{rows}.json"
    out.write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
