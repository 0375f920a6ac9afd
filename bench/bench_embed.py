"""Embed throughput: mixmap's pipeline vs raw SentenceTransformer.encode on the same texts, and fast mode.

Prints, in one run: raw encode texts/s, pipeline texts/s (dedup + length sort + batch writes to LanceDB),
their ratio (goal: overhead under 5%), and the static model's speed-up over the default model.
Usage: flock /tmp/mixmap-bench.lock .venv/bin/python bench/bench_embed.py [--n 1000]
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "alpaca_5k_subset" / "alpaca_5000.json"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=1000)
    args = parser.parse_args()
    os.environ["HF_HUB_OFFLINE"] = "1"
    from mixmap.core.embed.sentence_transformer import SentenceTransformerEmbedder
    from mixmap.core.embed.stage import embed_dataset
    from mixmap.core.embed.static_model import StaticEmbedder
    from mixmap.core.ingest.files import ingest_into
    from mixmap.core.store.workspace import Workspace

    records = json.loads(DATA.read_text())[: args.n]
    texts = [f"{r['instruction']}\n{r['input']}\n{r['output']}".strip() for r in records]
    tmp = Path(tempfile.mkdtemp())
    src = tmp / "rows.jsonl"
    src.write_text("".join(json.dumps({"text": t}) + "\n" for t in texts))
    ws = Workspace(tmp / "ws")

    minilm = SentenceTransformerEmbedder()
    minilm.embed(texts[:64])  # load + warm up outside the timings
    t0 = time.perf_counter()
    minilm._load().encode(texts, batch_size=64, normalize_embeddings=True, show_progress_bar=False)
    raw = time.perf_counter() - t0

    ds = ws.dataset("pipe", create=True)
    ingest_into(ds, src)
    t0 = time.perf_counter()
    embed_dataset(ds, minilm)
    pipeline = time.perf_counter() - t0

    fast = StaticEmbedder.load_or_distill(cache_dir=tmp / "models")
    fds = ws.dataset("fast", create=True)
    ingest_into(fds, src)
    fast.embed(texts[:64])
    t0 = time.perf_counter()
    embed_dataset(fds, fast)
    fast_time = time.perf_counter() - t0

    result = {
        "texts": len(texts),
        "raw_encode_texts_per_s": round(len(texts) / raw, 1),
        "pipeline_texts_per_s": round(len(texts) / pipeline, 1),
        "pipeline_over_raw_time": round(pipeline / raw, 3),
        "fast_pipeline_texts_per_s": round(len(texts) / fast_time, 1),
        "fast_speedup_vs_default_pipeline": round(pipeline / fast_time, 1),
    }
    print("| measure | value |\n|---|---|")
    for key, value in result.items():
        print(f"| {key} | {value} |")
    out = Path(__file__).resolve().parent / "results" / "embed.json"
    out.write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
