"""Take docs/checks.png (and docs/checks_pii.png) in a real browser (Debian chromium, headless).

    .venv/bin/python docs/checks_screenshot.py /tmp/chkws --make   # write + build the workspace, then shoot
    .venv/bin/python docs/checks_screenshot.py /tmp/chkws          # shoot an existing one

--make writes `train` (1,500 Alpaca rows: English, a fifth in the Chinese translation, 60 with planted personal
data or secrets, 40 with copies of AlpacaEval outputs) and `evalset` (800 AlpacaEval outputs), builds the map
(--fast) and runs the three checks with the CLI. The script then opens the Checks page, looks at the language
check (map coloured by language) and saves the page; then the personal-data check.
"""
from __future__ import annotations

import json
import random
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tests.browser import browser_page, exceptions_on_page, running_app, wait_for_app

DOCS = ROOT / "docs"
MIXMAP = [str(Path(sys.executable).parent / "mixmap")]


def make(workspace: Path) -> None:
    from tests.checks_data import TEMPLATES, _alpaca_records, alpaca_eval_outputs, edit_copy, positive

    rng = random.Random(4)
    records = rng.sample(_alpaca_records(), 1_500)
    items = alpaca_eval_outputs(800)
    rows = []
    for i, r in enumerate(records):
        zh = i % 5 == 0
        row = {"instruction": r["instruction" if zh else "en_instruction"], "input": r["input" if zh else "en_input"],
               "output": r["output" if zh else "en_output"]}
        if 100 <= i < 160:
            kind, _, value = positive(rng)
            row["output"] += " " + rng.choice(TEMPLATES[kind]).format(v=value)
        if 200 <= i < 240:
            row["output"] += "\n\n" + edit_copy(items[rng.randrange(len(items))], rng.choice(["verbatim", "case"]), rng)
        rows.append(row)
    workspace.mkdir(parents=True, exist_ok=True)
    (workspace / "train.jsonl").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    (workspace / "eval.jsonl").write_text("".join(json.dumps({"text": t}) + "\n" for t in items), encoding="utf-8")
    ws = ["--workspace", str(workspace / "ws")]
    for args in (["ingest", str(workspace / "train.jsonl"), "--dataset", "train", "--template",
                  "{instruction}\n{input}\n{output}"], ["ingest", str(workspace / "eval.jsonl"), "--dataset", "evalset"],
                 ["build", "train", "--fast"], ["langid", "train"], ["pii", "train"],
                 ["decontaminate", "train", "--against", "evalset"]):
        subprocess.run([*MIXMAP, *ws, *args], check=True, cwd=ROOT)


def shoot(page, label: str, out: Path) -> None:
    page.locator('[data-testid="stRadio"] label', has_text=re.compile(label)).first.click()
    wait_for_app(page, 120_000)
    page.locator(".js-plotly-plot").first.wait_for(timeout=120_000)
    page.get_by_text("matched:").first.wait_for(timeout=120_000)
    page.wait_for_timeout(2_000)
    wait_for_app(page, 120_000)
    problems = exceptions_on_page(page) + list(page.errors)
    if problems:
        raise SystemExit(f"problems on page: {problems}")
    page.screenshot(path=str(out))
    print(f"wrote {out}")


def main(workspace: Path) -> None:
    with running_app(workspace / "ws", timeout=180) as url, browser_page(viewport=(1400, 2300)) as page:
        page.goto(url)
        wait_for_app(page, 120_000)
        page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').first.click()
        page.get_by_role("option", name="train").click()
        wait_for_app(page, 120_000)
        link = page.locator('[data-testid="stSidebarNav"] a', has_text=re.compile("Checks"))
        link.first.wait_for(timeout=60_000)
        link.first.click()
        wait_for_app(page, 180_000)
        page.locator('[data-testid="stDataFrame"]').first.wait_for(timeout=120_000)
        shoot(page, "^Language$", DOCS / "checks.png")
        shoot(page, "Personal data", DOCS / "checks_pii.png")


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("/tmp/chkws")
    if "--make" in sys.argv:
        make(target)
    main(target)
