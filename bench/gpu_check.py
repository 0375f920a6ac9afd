"""GPU check (run on a CUDA machine): the embedder picks CUDA; throughput per batch size; CPU/GPU agreement.

Carry a copy of the MiniLM folder (MINILM_DIR) and alpaca_5000.json (ALPACA_JSON); results: bench/results/gpu_embed_h100.json.
"""
import json
import os
import sys
import time

sys.path.insert(0, os.getcwd())
import torch

from mixmap.core.embed.protocol import best_device
from mixmap.core.embed.sentence_transformer import SentenceTransformerEmbedder

out = {"device": best_device(), "gpu": torch.cuda.get_device_name(0) if torch.cuda.is_available() else None}
recs = json.load(open(os.environ.get("ALPACA_JSON", ".gpu/alpaca_5000.json")))
texts = [f"{r['instruction']}\n{r['input']}\n{r['output']}".strip() for r in recs] * 4
gpu = SentenceTransformerEmbedder(os.environ.get("MINILM_DIR", ".gpu/minilm"))
print("device chosen:", out, flush=True)
gpu.embed(texts[:512])  # warm-up
tp = {}
for bs in (64, 128, 256, 512, 1024, 2048):
    gpu._batch_size = bs
    torch.cuda.synchronize(); t = time.perf_counter()
    v = gpu.embed(texts)
    torch.cuda.synchronize(); tp[bs] = round(len(texts) / (time.perf_counter() - t), 1)
    print("batch", bs, tp[bs], "texts/s", flush=True)
out["throughput_texts_per_s"] = tp
out["best_batch"] = max(tp, key=tp.get)
gpu._batch_size = None
out["default_cuda_batch"] = gpu.batch_size
cpu = SentenceTransformerEmbedder(os.environ.get("MINILM_DIR", ".gpu/minilm"), device="cpu")
a = cpu.embed(texts[:300]); b = gpu.embed(texts[:300])
out["cpu_gpu_min_cosine"] = float((a * b).sum(1).min())
# the pipeline's own path: dedup + length sort + batches (without LanceDB, absent there)
uniq = list(dict.fromkeys(texts))
order = sorted(range(len(uniq)), key=lambda i: -len(uniq[i]))
torch.cuda.synchronize(); t = time.perf_counter()
for s in range(0, len(order), 4096):
    gpu.embed([uniq[i] for i in order[s:s+4096]])
torch.cuda.synchronize(); out["pipeline_like_rows_per_s"] = round(len(texts) / (time.perf_counter() - t), 1)
print(json.dumps(out, indent=1))
json.dump(out, open(os.path.join(os.environ.get("OUT", "."), "gpu_embed.json"), "w"), indent=1)
