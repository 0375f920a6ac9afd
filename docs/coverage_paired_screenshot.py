"""Take docs/coverage_paired.png in a real browser (Debian chromium, headless): coverage of paired sets.

    flock /tmp/mixmap-cpu.lock .venv/bin/python docs/coverage_paired_screenshot.py /tmp/cpairws

The workspace is built on first use from ../shared/data with the fast model: the data is the 805 AlpacaEval
prompts answered by text-davinci-003 with every poem / poetry / haiku / rhyme prompt removed; the reference is
the same 805 prompts answered by GPT-4 Turbo. The sets are paired (the data holds the reference's own prompts),
so the page says so and the first gap should be the removed poems.
"""
from __future__ import annotations

import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from docs.coverage_screenshot import coverage_app, shoot_first_gap

DOCS = ROOT / "docs"
EVAL = ROOT.parent / "shared" / "data" / "alpaca_eval_model_outputs" / "results"
POEMS = re.compile(r"poem|poetry|haiku|rhyme")


def build(workspace: Path) -> None:
    from mixmap.core.build.pipeline import build_dataset
    from mixmap.core.coverage.analysis import add_reference
    from mixmap.core.embed.registry import load_embedder
    from mixmap.core.ingest.files import TextSpec, ingest_into
    from mixmap.core.store.workspace import Workspace

    def rows(generator: str) -> list[dict]:
        items = json.loads((EVAL / generator / "model_outputs.json").read_text(encoding="utf-8"))
        return [{"instruction": r["instruction"], "input": "", "output": r["output"] or ""} for r in items]

    files = workspace.parent / f"{workspace.name}-files"
    files.mkdir(parents=True, exist_ok=True)

    def jsonl(name: str, items: list[dict]) -> Path:
        (files / name).write_text("".join(json.dumps(r) + "\n" for r in items), encoding="utf-8")
        return files / name

    kept = [r for r in rows("text_davinci_003") if not POEMS.search(r["instruction"].lower())]
    ws = Workspace(workspace)
    data = ws.dataset("instructions", create=True)
    template = TextSpec(template="{instruction}\n{input}\n{output}")
    ingest_into(data, jsonl("eval_davinci_no_poems.jsonl", kept), spec=template, source="eval-davinci")
    build_dataset(data, load_embedder(fast=True, workspace=ws.root))
    add_reference(data, jsonl("eval_gpt4_turbo.jsonl", rows("gpt4_1106_preview")), name="eval-gpt4t", spec=template)


def main(workspace: Path, *, out: Path = DOCS / "coverage_paired.png") -> None:
    with coverage_app(workspace, build) as (url, page):
        shoot_first_gap(page, url, out, also_wait_for="Paired sets")


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    main(Path(args[0]) if args else Path("/tmp/cpairws"))
