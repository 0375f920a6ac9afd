"""Prompt-side text: what a row asks, without how it is answered.

Coverage asks what the data lacks that a model will be *asked*; a whole row's vector also carries the answer's
style (length, markdown, a model's habits), so two sets of the same questions answered by different writers
look far apart. The prompt side of a row is:

- instruction data (a template over columns, e.g. "{instruction}\\n{input}\\n{output}"): the template's
  fields minus the answer fields (ANSWER_FIELDS), read from the row's stored columns (`meta`);
- chat data (a chat column, flattened as "role: content" turns): the user turns, all of them, in order;
- anything else (one text column: a prompt list, web text): the text itself. Such a row has no separate
  prompt, so its prompt vector is a copy of its text vector (nothing is embedded twice).

A dataset *has a prompt side* when at least one row has a separate prompt. Prompt vectors are stored beside
the text vectors under `prompt_key(model_key)`, by the same embed stage (resumable, one vector per unique
text), so they are cached and picked up after a crash the same way.
"""
from __future__ import annotations

import json
import re
import string

ANSWER_FIELDS = frozenset({"output", "response", "answer", "completion", "chosen", "reply", "target",
                           "en_output", "en_response", "assistant", "label"})
USER_ROLES = frozenset({"user", "human", "prompter", "question", "customer"})
CHAT_ROLES = USER_ROLES | frozenset({"assistant", "gpt", "bot", "model", "system", "chatgpt", "ai", "tool",
                                     "function", "unknown", "answer"})
PROMPT_SUFFIX = "prompt"
SIDES = ("prompt", "text")
_TURN = re.compile(r"(?:^|\n\n)([A-Za-z_]+): ")


def prompt_key(model_key: str) -> str:
    """The vector table key of prompt-side vectors made with the model of `model_key`."""
    return f"{model_key}_{PROMPT_SUFFIX}"


def _template_fields(template: str) -> list[str]:
    return [f for _, f, _, _ in string.Formatter().parse(template or "") if f]


def chat_user_turns(text: str) -> str | None:
    """The user turns of a chat flattened as "role: content" blocks, or None when it has no other turn.

    A block whose label is not a known chat role ("Note: ...") is part of the turn before it.
    """
    turns: list[list] = []
    position = 0
    for match in _TURN.finditer(text):
        role = match.group(1).lower()
        if role not in CHAT_ROLES:
            continue
        if turns:
            turns[-1][1] += text[position:match.start()]
        turns.append([role, ""])
        position = match.end()
    if not turns:
        return None
    turns[-1][1] += text[position:]
    asked = [content.strip() for role, content in turns if role in USER_ROLES and content.strip()]
    if not asked or len(asked) == len(turns):
        return None
    return "\n\n".join(asked)


def prompt_text(text: str, meta: str | dict | None, spec: dict | None) -> str | None:
    """A row's separate prompt under the text spec it was ingested with, or None when it has none."""
    spec = spec or {}
    if spec.get("chat_column"):
        return chat_user_turns(text)
    template = spec.get("template")
    if not template:
        return None
    fields = _template_fields(template)
    asked = [f for f in fields if f.lower() not in ANSWER_FIELDS]
    if len(asked) == len(fields) or not asked:
        return None
    if isinstance(meta, str):
        try:
            meta = json.loads(meta)
        except ValueError:
            return None
    meta = meta if isinstance(meta, dict) else {}
    parts = [str(meta.get(f) or "").strip() for f in asked]
    prompt = "\n".join(p for p in parts if p)
    return prompt or None


def specs_by_source(dataset) -> dict[str, dict]:
    """The text spec each source of `dataset` was ingested with (the last ingest of a source wins)."""
    out: dict[str, dict] = {}
    for info in dataset.meta.get("sources", []):
        for source in info.get("sources") or [info.get("source")]:
            if source is not None:
                out[str(source)] = info.get("spec") or {}
    return out


def may_have_prompts(dataset) -> bool:
    """Whether any source was ingested with a spec that separates a prompt (cheap: reads meta only)."""
    for spec in specs_by_source(dataset).values():
        if spec.get("chat_column"):
            return True
        fields = _template_fields(spec.get("template") or "")
        if any(f.lower() in ANSWER_FIELDS for f in fields) and any(f.lower() not in ANSWER_FIELDS for f in fields):
            return True
    return False


def prompt_rows(dataset, rows) -> list[str | None]:
    """Per row of the Arrow table `rows` (id, source, text, meta): its separate prompt, or None."""
    specs = specs_by_source(dataset)
    cols = rows.to_pydict()
    return [prompt_text(text, meta, specs.get(str(source)))
            for text, meta, source in zip(cols["text"], cols["meta"], cols["source"])]


def has_prompt_side(dataset, model_key: str | None = None) -> bool:
    """Whether `dataset` has prompt vectors for the model (its own model by default)."""
    key = model_key or dataset.meta.get("model_key")
    return bool(key) and dataset.meta.get("prompt_vectors") == key and dataset.count_vectors(prompt_key(key)) > 0
