"""LM check throughput on this machine: scored tokens/s of the shipped batched path against the unbatched fp32
baseline in the same run, plus variants (bf16, int8 dynamic quantisation, batch size), and optionally the
wall time of a sampled LM check on a real dataset.

Rows: AlpacaEval outputs + oasst1 replies (../shared/data), the response given its instruction, truncated
to MAX_TOKENS response tokens. "Scored tokens" are response tokens (the prompt is context, not counted).

Usage: flock /tmp/mixmap-cpu.lock .venv/bin/python bench/bench_lm.py [--rows 64] [--check-rows 1000]
Writes bench/results/lm.json.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import numpy as np

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(BENCH.parent))
OUT = BENCH / "results" / "lm.json"


def rows(n: int) -> tuple[list[str], list[str]]:
    from lm_corpus import sample_corpus

    frame = sample_corpus().sample(n, random_state=1)
    return frame["instruction"].tolist(), frame["text"].tolist()


def timed(fn) -> tuple[float, object]:
    started = time.perf_counter()
    out = fn()
    return time.perf_counter() - started, out


def check_wall_time(n_rows: int) -> dict:
    """A real `lm_check(sample=n_rows)` on a scratch workspace of AlpacaEval + oasst rows, clustered cheaply
    (TF-IDF k-means, 20 clusters, written as the clusters frame): load + sample + score + store."""
    import tempfile

    from lm_corpus import full_corpus
    from sklearn.cluster import KMeans
    from sklearn.decomposition import TruncatedSVD
    from sklearn.feature_extraction.text import TfidfVectorizer

    from mixmap.core.build.cluster import label_clusters, write_clusters
    from mixmap.core.ingest.files import TextSpec, ingest_into
    from mixmap.core.quality.lm_stage import lm_check
    from mixmap.core.store.workspace import Workspace

    corpus = full_corpus().sample(5000, random_state=0)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "rows.jsonl"
        with path.open("w") as fh:
            for r in corpus.itertuples():
                fh.write(json.dumps({"instruction": r.instruction, "output": r.text}) + "\n")
        ws = Workspace(Path(tmp) / "ws")
        ds = ws.dataset("bench", create=True)
        ingest_into(ds, path, spec=TextSpec(template="{instruction}\n{output}"))
        stored = ds.read_rows(["id", "text"]).to_pandas()
        x = TruncatedSVD(50, random_state=0).fit_transform(TfidfVectorizer(min_df=2).fit_transform(stored["text"]))
        labels = KMeans(20, n_init=2, random_state=0).fit_predict(x).astype(np.int32)
        write_clusters(ds, stored["id"].tolist(), labels, label_clusters(stored["text"].tolist(), labels))
        seconds, summary = timed(lambda: lm_check(ds, sample=n_rows))
    return {"rows_in_dataset": len(corpus), "sample": n_rows, "wall_s": round(seconds, 1), **summary}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=64)
    parser.add_argument("--check-rows", type=int, default=0, help="also time a sampled LM check of this many rows")
    parser.add_argument("--only-check", action="store_true", help="time the sampled check only (bench/results/lm_check.json)")
    args = parser.parse_args()
    if args.only_check:
        result = check_wall_time(args.check_rows or 1000)
        (BENCH / "results" / "lm_check.json").write_text(json.dumps(result, indent=1) + "\n")
        print(json.dumps(result, indent=1))
        return
    import torch

    from mixmap.core.quality.lm import MAX_TOKENS, load_language_model, score_responses

    prompts, responses = rows(args.rows)
    load_s, lm = timed(lambda: load_language_model(device="cpu", dtype="float32"))
    results = {"threads": torch.get_num_threads(), "cpus": os.cpu_count(), "rows": args.rows,
               "max_tokens": MAX_TOKENS, "load_cached_s": round(load_s, 2), "variants": {}}
    score_responses(lm, prompts[:4], responses[:4])  # warm-up

    def run(name: str, model, *, batch_tokens: int, max_tokens: int = MAX_TOKENS) -> None:
        lm.model = model
        seconds, frame = timed(lambda: score_responses(lm, prompts, responses, max_tokens=max_tokens,
                                                       batch_tokens=batch_tokens))
        tokens = int(frame["lm_tokens"].sum())
        results["variants"][name] = {"seconds": round(seconds, 2), "scored_tokens": tokens,
                                     "tokens_per_s": round(tokens / seconds, 1),
                                     "mean_logprob": round(float(frame["lm_logprob"].mean()), 4)}
        print(name, results["variants"][name], flush=True)

    fp32 = lm.model
    run("unbatched_fp32_256", fp32, batch_tokens=1, max_tokens=256)  # the baseline: one row per pass
    run("unbatched_fp32", fp32, batch_tokens=1)
    run("batched_fp32", fp32, batch_tokens=4096)
    run("batched_fp32_small", fp32, batch_tokens=1024)
    bf16 = fp32.to(torch.bfloat16)
    run("batched_bf16", bf16, batch_tokens=4096)
    fp32 = bf16.to(torch.float32)
    int8 = torch.ao.quantization.quantize_dynamic(fp32, {torch.nn.Linear}, dtype=torch.qint8)
    run("batched_int8_dynamic", int8, batch_tokens=4096)
    base = results["variants"]["unbatched_fp32_256"]["tokens_per_s"]
    results["speedup_vs_unbatched_fp32"] = {k: round(v["tokens_per_s"] / base, 2)
                                            for k, v in results["variants"].items()}
    if args.check_rows:
        results["sampled_check"] = check_wall_time(args.check_rows)
    OUT.write_text(json.dumps(results, indent=1) + "\n")
    print(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
