"""Take docs/coverage_prompt.png in a real browser (Debian chromium, headless): the prompt/text switch.

    flock /tmp/mixmap-cpu.lock .venv/bin/python docs/coverage_prompt_screenshot.py /tmp/cpws

The workspace is built on first use from ../shared/data with the fast model: the data is 3,000 Alpaca rows
(answered by text-davinci-003) with every cooking prompt removed; the reference is the 805 AlpacaEval prompts
answered by GPT-4 Turbo (another writer, longer markdown answers) plus 40 Alpaca cooking prompts answered by
text-davinci-003. The page is shown on the prompt side (the default) with the first gap selected.
"""
from __future__ import annotations

import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from docs.coverage_screenshot import coverage_app, shoot_first_gap
from tests.browser import exceptions_on_page, wait_for_app

DOCS = ROOT / "docs"
DATA = ROOT.parent / "shared" / "data"
COOKING = re.compile(r"\b(recipes?|cook|cooking|bake|baking|ingredients?|dish|meal|cuisine)\b")


def build(workspace: Path) -> None:
    from mixmap.core.build.pipeline import build_dataset
    from mixmap.core.coverage.analysis import add_reference
    from mixmap.core.embed.registry import load_embedder
    from mixmap.core.ingest.files import TextSpec, ingest_into
    from mixmap.core.store.workspace import Workspace

    rows = json.loads((DATA / "alpaca_5k_subset" / "alpaca_5000.json").read_text(encoding="utf-8"))
    cooking = [r for r in rows if COOKING.search(f"{r['instruction']} {r['input']}".lower())]
    kept = [r for r in rows[:3000] if not COOKING.search(f"{r['instruction']} {r['input']}".lower())]
    evals = json.loads((DATA / "alpaca_eval_model_outputs" / "results" / "gpt4_1106_preview" /
                        "model_outputs.json").read_text(encoding="utf-8"))
    reference = [{"instruction": r["instruction"], "input": "", "output": r["output"]} for r in evals]
    reference += [r for r in cooking if r not in rows[:3000]][:40]
    files = workspace.parent / f"{workspace.name}-files"
    files.mkdir(parents=True, exist_ok=True)

    def jsonl(name: str, items: list[dict]) -> Path:
        (files / name).write_text("".join(json.dumps(r) + "\n" for r in items), encoding="utf-8")
        return files / name

    ws = Workspace(workspace)
    data = ws.dataset("instructions", create=True)
    template = TextSpec(template="{instruction}\n{input}\n{output}")
    ingest_into(data, jsonl("alpaca_no_cooking.jsonl", kept), spec=template, source="alpaca")
    build_dataset(data, load_embedder(fast=True, workspace=ws.root))
    add_reference(data, jsonl("eval_gpt4_turbo.jsonl", reference), name="eval-gpt4t", spec=template)


def main(workspace: Path, *, out: Path = DOCS / "coverage_prompt.png") -> None:
    with coverage_app(workspace, build) as (url, page):
        shoot_first_gap(page, url, out, also_wait_for="Compared on")
        page.get_by_text("whole rows (text)").first.click()  # the switch: same page on the text side
        wait_for_app(page, 180_000)
        page.get_by_text("Comparing the reference").first.wait_for(state="hidden", timeout=180_000)
        page.wait_for_timeout(2500)
        text_out = out.with_name(f"{out.stem}_text.png")
        page.screenshot(path=str(text_out))
        print(f"wrote {text_out}", exceptions_on_page(page))


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    main(Path(args[0]) if args else Path("/tmp/cpws"))
