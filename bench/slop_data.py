"""Human- and machine-written replies from ../shared/data, with the tuning / held-out split used by the benches.

label 1 = machine-written, 0 = human-written. `group` keeps rows that share a prompt (or an oasst tree)
on the same side of the split, so held-out rows never answer a prompt seen in tuning.

Split (seeded, fixed):
- tuning: half the groups of oasst1 (human) and of Alpaca-5k and of 8 AlpacaEval generators (machine);
- held-out rows: the other half of those same sources;
- held-out sources: Self-Instruct seed-task outputs (human), GPTeacher role-play, Alpaca-52k rows that are
  not in the 5k subset, and the other 8 AlpacaEval generators (machine) -- never seen in tuning at all.
"""
from __future__ import annotations

import gzip
import hashlib
import json
from pathlib import Path

import pandas as pd

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
TUNE_GENERATORS = ["text_davinci_003", "gpt4", "claude-2", "llama-2-70b-chat-hf", "Mixtral-8x7B-Instruct-v0.1",
                   "vicuna-13b-v1.5", "alpaca-7b", "falcon-40b-instruct"]
HELDOUT_GENERATORS = ["gpt4_1106_preview", "gpt-4o-2024-05-13", "gpt-3.5-turbo-0613", "claude-3-opus-20240229",
                      "Meta-Llama-3-70B-Instruct", "Qwen1.5-72B-Chat", "gemini-pro", "oasst-sft-pythia-12b"]


def _half(key: str) -> str:
    """Stable, seeded 50/50 assignment of a group key."""
    return "tune" if hashlib.sha1(f"mixmap-slop-v1:{key}".encode()).digest()[0] % 2 == 0 else "heldout_rows"


def load_corpus(data: Path = DATA, *, alpaca52k_rows: int = 3000) -> pd.DataFrame:
    """All rows with columns text, instruction, label, source, generator, group, split."""
    rows: list[dict] = []
    messages = [json.loads(line) for line in (data / "oasst1_en_validation" / "en-validation.jsonl").open()]
    by_id = {m["message_id"]: m for m in messages}
    for m in messages:
        if m["role"] == "assistant" and not m["deleted"] and m["text"].strip():
            parent = by_id.get(m["parent_id"] or "", {})
            rows.append(dict(text=m["text"], instruction=parent.get("text", ""), label=0, source="oasst1",
                             generator="human", group=f"oasst:{m['message_tree_id']}"))
    for line in (data / "alpaca_seed_tasks" / "seed_tasks.jsonl").open():
        task = json.loads(line)
        for inst in task["instances"]:
            if inst["output"].strip():
                rows.append(dict(text=inst["output"], instruction=f"{task['instruction']}\n{inst['input']}".strip(),
                                 label=0, source="seed_tasks", generator="human", group=f"seed:{task['id']}"))
    alpaca5k = json.loads((data / "alpaca_5k_subset" / "alpaca_5000.json").read_text())
    seen = set()
    for i, r in enumerate(alpaca5k):
        seen.add((r["instruction"], r["input"]))
        rows.append(dict(text=r["output"], instruction=f"{r['instruction']}\n{r['input']}".strip(), label=1,
                         source="alpaca_5k", generator="text-davinci-003", group=f"alpaca5k:{i}"))
    parts = sorted((data / "alpaca_52k_en_zh" / "data").glob("*.json.gz"), key=lambda p: int(p.stem.split("_")[-1]
                                                                                             .split(".")[0]))
    added = 0
    for part in parts:
        for j, r in enumerate(json.load(gzip.open(part, "rt", encoding="utf-8"))):
            if added >= alpaca52k_rows:
                break
            if (r["en_instruction"], r["en_input"]) in seen or not r["en_output"].strip():
                continue
            added += 1
            rows.append(dict(text=r["en_output"], instruction=f"{r['en_instruction']}\n{r['en_input']}".strip(),
                             label=1, source="alpaca_52k", generator="text-davinci-003",
                             group=f"alpaca52k:{part.stem}:{j}"))
    for i, r in enumerate(json.loads((data / "gpteacher_roleplay" /
                                      "roleplay-simple-deduped-roleplay-instruct.json").read_text())):
        rows.append(dict(text=r["response"], instruction=f"{r['instruction']}\n{r['input']}".strip(), label=1,
                         source="gpteacher", generator="gpt-4", group=f"gpteacher:{i}"))
    for gen in TUNE_GENERATORS + HELDOUT_GENERATORS:
        for r in json.loads((data / "alpaca_eval_model_outputs" / "results" / gen / "model_outputs.json").read_text()):
            if r["output"].strip():
                rows.append(dict(text=r["output"], instruction=r["instruction"], label=1, source="alpaca_eval",
                                 generator=gen, group=f"aeval:{r['instruction']}"))
    frame = pd.DataFrame(rows)
    heldout_source = frame["source"].isin(["seed_tasks", "gpteacher", "alpaca_52k"]) | frame["generator"].isin(
        HELDOUT_GENERATORS)
    frame["split"] = ["heldout_sources" if h else _half(g) for h, g in zip(heldout_source, frame["group"])]
    return frame
