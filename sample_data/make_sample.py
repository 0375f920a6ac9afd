#!/usr/bin/env python3
# Copyright the mixmap authors. Licensed under the Apache License, Version 2.0.
"""Write sample_data/instructions.jsonl: a small instruction-tuning set with planted problems.

Every sentence, template and code snippet in this file was written for mixmap; no text is copied from a
public dataset. Rows are composed from the fragment tables below with a seeded RNG, so running the script
twice gives a byte-identical file:

    .venv/bin/python sample_data/make_sample.py

Planted problems (column "planted"): "slop" (boilerplate LLM answers on varied prompts), "near_duplicate"
(lightly edited or exact copies of other rows) and "thin_topic" (a topic with only a dozen rows).
"""
from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

from fragments import ASTRONOMY, SLOP_CLOSE, SLOP_MOVES, SLOP_OPEN, SLOP_REFUSAL
from topics import (
    RNG,
    cap,
    chance,
    gen_biology,
    gen_cooking,
    gen_finance,
    gen_fitness,
    gen_gardening,
    gen_history,
    gen_math,
    gen_music,
    gen_physics,
    gen_python,
    gen_sql,
    gen_support,
    gen_travel,
    gen_writing,
    pick,
)

OUT = Path(__file__).resolve().parent / "instructions.jsonl"
SOURCES = ["community_qa", "synthetic_gpt", "web_forum", "expert_written"]
N_SLOP, N_NEAR, N_EXACT = 150, 120, 20
MAX_SIM = 0.4  # a new normal row must stay below this word-3-gram Jaccard to every row already in its topic
PUNCT = re.compile(r"[^\w\s]+")  # words as core/dedup_pairs.py shingles them: punctuation deleted, then split


# ------------------------------------------------------------------------------------------------ topics and sources
W = {"default": [30, 25, 25, 20], "science": [25, 20, 15, 40], "hands_on": [28, 22, 38, 12],
     "technical": [30, 35, 20, 15], "support": [10, 45, 5, 40]}  # community_qa, synthetic_gpt, web_forum, expert_written
TOPICS = [("cooking", 130, gen_cooking, "hands_on"), ("python_programming", 140, gen_python, "technical"),
          ("personal_finance", 120, gen_finance, "default"), ("travel", 115, gen_travel, "hands_on"),
          ("biology", 120, gen_biology, "science"), ("history", 115, gen_history, "science"),
          ("math_word_problems", 140, gen_math, "technical"), ("writing_editing", 125, gen_writing, "default"),
          ("fitness", 110, gen_fitness, "hands_on"), ("gardening", 105, gen_gardening, "hands_on"),
          ("physics", 120, gen_physics, "science"), ("customer_support_email", 120, gen_support, "support"),
          ("sql", 125, gen_sql, "technical"), ("music_theory", 113, gen_music, "default")]
FORUM_OPEN = ["Had the same question a while back.", "Not a pro, but this is what works for me.",
              "Short answer first, then details.", "This trips a lot of people up.", "Been doing this for years."]


def styled(out, source, topic):
    """Light per-source habits, so sources differ a little in voice."""
    if topic == "customer_support_email":
        return out
    sep = "\n\n" if "\n" in out else " "  # keep a prefix off the first line of lists, code and tables
    if source == "web_forum" and chance(0.25):
        out = pick(FORUM_OPEN) + sep + out
    if source == "web_forum" and chance(0.08):
        out += "\n\n" + pick(["Good luck!", "YMMV.", "Edit: fixed a typo."])
    if source == "synthetic_gpt" and chance(0.2):
        out = pick(["Sure!", "Certainly.", "Sure, here you go."]) + sep + out
    return out


def make_row(instruction, inp, output, source, topic, planted=""):
    return {"instruction": instruction, "input": inp, "output": output, "source": source, "topic": topic,
            "planted": planted}


# ------------------------------------------------------------------------------------------------ planted problems
SLOP_TOPIC = {"cooking": "cooking", "python_programming": "Python programming", "personal_finance": "personal finance",
              "travel": "travel", "biology": "biology", "history": "history", "math_word_problems": "problem solving",
              "writing_editing": "effective writing", "fitness": "fitness", "gardening": "gardening",
              "physics": "physics", "customer_support_email": "customer service", "sql": "data management",
              "music_theory": "music theory"}


def slop_row(topic, gen):
    """A real prompt from the topic, answered with boilerplate: the same moves each time, in varied wording."""
    instr, inp, _, subj = gen()
    if chance(0.75):  # content-free: most slop answers never name what was asked
        subj = pick(["this topic", "your question", "this subject", "this area"])
    elif not (subj and "`" not in subj and subj[0].islower()):
        subj = SLOP_TOPIC[topic]
    if chance(0.12):
        out = " ".join(pick(move) for move in SLOP_REFUSAL)
    else:
        moves = RNG.sample(SLOP_MOVES, len(SLOP_MOVES))
        mids = [s for move in moves if chance(0.95) for s in RNG.sample(move, 2 if chance(0.8) else 1)]
        if chance(0.3):
            mids = ["**Key considerations:**"] + mids
        out = " ".join([pick(SLOP_OPEN)] + mids + [pick(SLOP_CLOSE)])
        if chance(0.35):
            out = out.replace(" **Key", "\n\n**Key").replace(":** ", ":**\n\n")
    out = out.replace("{S}", cap(subj)).replace("{s}", subj)
    src = "synthetic_gpt" if chance(0.85) else pick(["community_qa", "web_forum"])
    return make_row(instr, inp, out, src, topic, "slop")


FILLERS = ["really", "just", "actually", "also", "very", "simply", "basically", "quite"]
SYN = {"use": "utilize", "make": "create", "help": "assist", "big": "large", "quick": "fast", "start": "begin",
       "about": "around", "need": "require", "show": "demonstrate", "usually": "typically", "often": "frequently"}


WORD_OPS = ["del", "ins", "swap", "typo", "syn"]  # edits that survive core's lower-casing and punctuation stripping


def edit_line(line, ops=WORD_OPS + ["punct", "case"]):
    words = line.split(" ")
    op = pick(ops)
    i = RNG.randrange(1, len(words)) if len(words) > 1 else 0
    if op == "punct":
        return line.replace(", ", " ", 1) if ", " in line else line.rstrip(".") + ("" if line.endswith(".") else ".")
    if op == "case":
        words[i] = words[i].upper() if chance(0.3) else words[i].lower() if words[i][:1].isupper() else cap(words[i])
    elif op == "del" and len(words) > 3:
        del words[i]
    elif op == "swap" and i + 1 < len(words):
        words[i], words[i + 1] = words[i + 1], words[i]
    elif op == "typo" and len(words[i]) > 3:
        w, j = words[i], RNG.randrange(1, len(words[i]) - 2)
        words[i] = w[:j] + w[j + 1] + w[j] + w[j + 2:]
    elif op == "syn" and any(w.lower() in SYN for w in words):
        j = pick([k for k, w in enumerate(words) if w.lower() in SYN])
        words[j] = SYN[words[j].lower()]
    else:  # "ins", or a word edit that did not apply to this line
        words.insert(i, pick(FILLERS))
    return " ".join(words)


def edit_text(text, n, first_ops=None):
    """n small edits on prose lines (code blocks are left alone); the first drawn from first_ops if given."""
    rows, code, editable = text.split("\n"), False, []
    for k, ln in enumerate(rows):
        if ln.startswith("```"):
            code = not code
        elif not code and len(ln.split()) >= 4:
            editable.append(k)
    for e in range(n if editable else 0):
        k = pick(editable)
        rows[k] = edit_line(rows[k], first_ops) if (e == 0 and first_ops) else edit_line(rows[k])
    return "\n".join(rows)


def near_dup(row):
    """A copy with small edits that keep it findable: word-3-gram Jaccard to the original of at least 0.55."""
    base = shingles(row)
    for _ in range(50):
        new = edited_copy(row)
        sh = shingles(new)
        if new != dict(row, planted="near_duplicate", source=new["source"]) and len(sh & base) >= 0.55 * len(sh | base):
            return new
    raise RuntimeError(f"could not make a findable near-duplicate of {row['instruction']!r}")


def edited_copy(row):
    """1-4 small edits; most include at least one word-level edit, a few only case/punctuation."""
    new = dict(row, planted="near_duplicate")
    n_words = len(row["output"].split())
    new["output"] = edit_text(row["output"], max(1, min(4, n_words // 25 + RNG.randint(0, 1))),
                              WORD_OPS if chance(0.85) else None)
    if new["output"] == row["output"] or chance(0.4):
        new["instruction"] = pick([lambda s: s.lower(), lambda s: s.rstrip("?.!"), lambda s: edit_line(s, WORD_OPS),
                                   lambda s: s + " Thanks!", lambda s: "Q: " + s])(row["instruction"])
    if chance(0.4):
        new["source"] = pick([s for s in SOURCES if s != row["source"]])
    return new


# ------------------------------------------------------------------------------------------------ main
def shingles(row):
    toks = PUNCT.sub("", f"{row['instruction']}\n{row['input']}\n{row['output']}".lower()).split()
    return {" ".join(toks[i:i + 3]) for i in range(max(1, len(toks) - 2))}


def novel(sh, accepted):
    return all(len(sh & o) < MAX_SIM * len(sh | o) for o in accepted)


def main():
    rows, short = [], []
    for topic, count, gen, weights in TOPICS:
        accepted, tries = [], 0
        while len(accepted) < count and tries < count * 60:
            tries += 1
            instr, inp, out, _ = gen()
            source = RNG.choices(SOURCES, weights=W[weights])[0]
            row = make_row(instr, inp, styled(out, source, topic), source, topic)
            sh = shingles(row)
            if novel(sh, accepted):
                accepted.append(sh)
                rows.append(row)
        if len(accepted) < count:
            short.append(f"{topic}: {len(accepted)}/{count}")
    for instr, out in ASTRONOMY:
        rows.append(make_row(instr, "", out, RNG.choices(SOURCES, weights=W["science"])[0], "astronomy", "thin_topic"))
    originals = RNG.sample([r for r in rows if not r["planted"]], N_NEAR + N_EXACT)
    dups = [near_dup(r) for r in originals[:N_NEAR]]
    dups += [dict(r, planted="near_duplicate") for r in originals[N_NEAR:]]
    slop = [slop_row(t, g) for t, _, g, _ in (pick(TOPICS) for _ in range(N_SLOP))]
    rows += dups + slop
    RNG.shuffle(rows)
    with OUT.open("w", encoding="utf-8", newline="\n") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    for key in ("source", "topic", "planted"):
        print(f"\n{key}:")
        for k, v in sorted(Counter(r[key] for r in rows).items(), key=lambda kv: -kv[1]):
            print(f"  {k or '(none)':24} {v}")
    print(f"\n{len(rows)} rows, {OUT.stat().st_size:,} bytes -> {OUT}")
    if short:
        print("topics short of their target (ran out of novel rows): " + ", ".join(short))


if __name__ == "__main__":
    main()
