"""Build core/data/slop_lexicon.tsv from the published slop lists plus hand-written assistant habits.

Run from the repository root:  .venv/bin/python core/data/build_lexicon.py [--data ../shared/data]

Output rows are `phrase<TAB>weight<TAB>kind`; lines starting with '#' are provenance comments.
Weights are *within-kind* strengths in [0.2, 1.0]; how much each kind counts in the composite score is
set separately (mixmap.core.quality.slop.DEFAULT_WEIGHTS), so the file never has to be re-tuned when weights change.

Sources (both licences allow redistribution with attribution):
- sam-paech/antislop-sampler @6aa2540 (Apache-2.0): slop_phrase_prob_adjustments.json (weight from the
  sampler's probability multiplier: 2^-5 -> 1.0), slop_words / slop_phrases (weight from log count).
- sam-paech/slop-forensics @fa54658 (MIT): data/slop_list.json (1,000 words, no counts -> weight 0.4).
  Its bigram/trigram lists are stop-word-stripped ("voice barely whisper"), so they cannot match running
  text; antislop's surface-form phrases cover the same ground.
- Hand lists below: instruction-data habits of chat assistants (refusals, disclaimers, openers/closers,
  hedges, assistant vocabulary). Written from general knowledge of LLM output, not mined from the
  benchmark data, so bench/bench_slop.py's held-out figures are not inflated by them.
"""
from __future__ import annotations

import argparse
import json
import math
import re
from pathlib import Path

# Kind -> phrases. Weight 1.0 unless given as (phrase, weight).
HAND: dict[str, list] = {
    # Tells of an assistant talking about itself, refusing, or moralising.
    "refusal": [
        "as an ai language model", "as a language model", "as an ai assistant", "as an ai",
        "i'm just an ai", "i am just an ai", "i'm an ai", "i am an ai", "ai language model",
        "i cannot fulfill", "i can't fulfill", "i cannot provide", "i can't provide", "i cannot assist",
        "i can't assist", "i cannot help with", "i can't help with", "i'm unable to", "i am unable to",
        "i'm not able to", "i am not able to", "i'm sorry, but", "i am sorry, but", "i apologize, but",
        "i apologize for any confusion", "i apologize for the confusion", "my apologies",
        "i don't have personal", "i do not have personal", "i don't have the ability",
        "i do not have the ability", "i don't have access to", "i do not have access to",
        "my knowledge cutoff", "my training data", "i don't have real-time", "i do not have real-time",
        "against my programming", "it is not appropriate", "it's not appropriate", "i must emphasize",
        "i cannot condone", "i can't condone", "goes against", "ethical guidelines", "i'm not programmed",
        ("i cannot", 0.6), ("i can't", 0.3), ("unethical", 0.5), ("inappropriate", 0.4),
    ],
    "disclaimer": [
        "consult a professional", "consult with a professional", "consult a doctor",
        "consult with a doctor", "consult a healthcare professional", "consult with a healthcare",
        "consult a qualified", "consult with a qualified", "seek professional help",
        "seek professional advice",
        "seek medical attention", "a qualified professional", "a licensed professional",
        "this is not medical advice", "not financial advice", "not legal advice",
        "for informational purposes only", "for educational purposes only", "please consult",
        "always consult", "it's always a good idea", "it is always a good idea", "always best to",
        "please note that", "please be aware", "keep in mind that", "it's important to remember",
        "it is important to remember", "be sure to", "make sure to", "do your own research",
        "local laws and regulations", "safety precautions", "use caution", "exercise caution",
        "responsibly", ("may not be suitable", 0.6),
    ],
    # Formulaic openers and sign-offs of chat assistants.
    "boilerplate": [
        "i hope this helps", "hope this helps", "i hope this information", "i hope that helps",
        "let me know if you have any", "let me know if you need", "let me know if there's anything",
        "if you have any other questions", "if you have any further questions", "if you have any questions",
        "feel free to ask", "feel free to reach out", "don't hesitate to ask", "happy to help",
        "i'd be happy to", "i would be happy to", "i'd be glad to", "great question", "good question",
        ("here are some", 0.8), ("here is a", 0.5), ("here's a", 0.5), "here are a few",
        "here is an example", "here's an example",
        "in conclusion", "in summary", "to summarize", "to sum up", ("overall", 0.6), ("ultimately", 0.6),
        "in essence", "all in all", "by following these", "by following these steps",
        "i hope you find", ("good luck", 0.5), "best of luck", "happy coding", ("enjoy your", 0.5),
        "thank you for your question", "thanks for asking", "certainly", "absolutely",
        ("of course", 0.5), ("sure", 0.2),
    ],
    # Words and phrases chat models over-use in expository answers ("GPT-isms").
    "assistant": [
        "delve", "delves", "delving", "delved", "tapestry", "testament to", "a testament to",
        "it's important to note", "it is important to note", "it's worth noting", "it is worth noting",
        "it's essential to", "it is essential to", "it's crucial to", "it is crucial to",
        "it's important to", "it is important to", "plays a crucial role", "play a crucial role",
        "plays a vital role", "play a vital role", "plays a key role", "play a key role",
        "plays an important role", "a wide range of", "a variety of", "a range of", ("various", 0.6),
        "crucial", "vital", ("essential", 0.6), "pivotal", "paramount", "comprehensive", "robust",
        "seamless", "seamlessly", "leverage", "leveraging", "utilize", "utilizing", "utilization",
        "streamline", ("enhance", 0.7), "enhancing", "enhanced", "foster", "fostering", "facilitate",
        "optimize", ("ensure", 0.7), "ensuring", "ensures", "navigate", "navigating", "the complexities of",
        "multifaceted", "nuanced", "intricate", "intricacies", "realm", "the realm of", ("landscape", 0.5),
        "ever-evolving", "ever-changing", "in today's", "fast-paced", "digital age", "cutting-edge",
        "game-changer", "game changer", "revolutionize", "transformative", ("innovative", 0.6),
        "holistic", ("dynamic", 0.5), "vibrant", "bustling", "unwavering", "resonate", "resonates",
        "elevate", "unleash", "unlock", "harness", "embark", ("journey", 0.5), "showcase", "showcasing",
        "underscore", "underscores", "highlighting", "serves as", "stands as", "a reminder that",
        "when it comes to", "in the world of", "dive into", "dive deeper", "let's dive", "deep dive",
        "moreover", "furthermore", "additionally", ("in addition", 0.5), ("consequently", 0.6), ("thus",
        0.4), ("hence", 0.4),
        ("therefore", 0.4), ("notably", 0.6), ("importantly", 0.6), ("significantly", 0.5), ("effectively",
        0.5), ("efficiently", 0.5),
        "key factors", "various factors", "several factors", "a number of factors",
        "it depends on", "depends on various", "provide valuable", "valuable insights", ("insights", 0.6),
        "overall well-being", ("well-being", 0.7), ("mental health", 0.3), ("a sense of", 0.5),
        "sense of community",
        ("individuals", 0.6), ("enables", 0.5), "empower", "empowering", ("boost", 0.4), ("boosting", 0.4),
        ("maximize", 0.5),
        "by doing so", ("in order to", 0.4), ("such as", 0.3), ("including", 0.3), ("not only", 0.6),
        ("but also", 0.4),
        "step-by-step", ("step by step", 0.5), ("tips", 0.3), ("strategies", 0.4), ("techniques", 0.3),
        ("approach", 0.3),
        ("commonly", 0.3), "typically", ("widely", 0.3), ("significant", 0.4), ("potential", 0.3),
        ("benefits", 0.4), ("impact", 0.3),
        ("allows you to", 0.5), ("helps to", 0.4), ("help you", 0.3), ("can help", 0.4), "is designed to",
        "designed to",
        "aims to", ("strive", 0.7), ("commitment", 0.5), ("dedication", 0.5), "meticulous", "meticulously",
        "bustling", "vibrant", "rich history", "rich cultural", "breathtaking", ("stunning", 0.6),
        "captivating", ("fascinating", 0.6), "intriguing", ("remarkable", 0.6), "invaluable", "indispensable",
        "endeavor", "endeavors", "myriad", "plethora", "akin to", "aforementioned",
    ],
    "hedge": [
        ("generally", 0.5), "generally speaking", "typically", ("usually", 0.3), ("often", 0.3),
        ("in most cases", 0.5),
        ("in some cases", 0.5), ("in many cases", 0.5), "may vary", "can vary", "might vary",
        "varies depending",
        ("depending on", 0.5), "it depends", "to some extent", "to a certain extent", ("relatively", 0.4),
        "somewhat", "arguably", ("potentially", 0.6), "could potentially", "may potentially", ("possibly",
        0.4),
        "it is possible that", "it's possible that", "there is no one-size-fits-all",
        "no one-size-fits-all", "one-size-fits-all", ("not always", 0.4), "it is difficult to say",
        "it's difficult to say", "it's hard to say", "hard to predict", "difficult to predict",
        "there are many factors", ("many factors", 0.6), ("subjective", 0.5), "ultimately depends",
        "may or may not", "it is generally", "it's generally", ("tends to", 0.4), ("tend to", 0.4),
    ],
    # Human chat markers; the composite gives this kind a negative weight.
    "informal": [
        "lol", "lmao", "haha", "hahaha", "hehe", "imo", "imho", "tbh", "btw", "idk", "iirc", "afaik",
        "fwiw", "ymmv", "gonna", "wanna", "gotta", "kinda", "sorta", "dunno", "yeah", "yep", "nope",
        ("ok", 0.6), ("okay", 0.6), "hmm", "hmmm", "ugh", "meh", ("wow", 0.6), "omg", ("cool", 0.5),
        ("stuff", 0.5), "pretty much",
        "i guess", ("i think", 0.6), ("i believe", 0.5), "i personally", ("personally", 0.6), "in my opinion",
        "in my experience", "i'd say", "i would say", "i'm not sure", ("not sure", 0.5), ("honestly", 0.5),
        ("actually", 0.4), ("basically", 0.5), ("literally", 0.5), ("anyway", 0.6), "anyways", "dont",
        "doesnt", "cant", "wont",
        "isnt", ("im", 0.8), ("ive", 0.8), "youre", "thats", "theres", ("u", 0.5), "ur", "pls", "plz", "thx",
    ],
}

# Entries in the published lists that are too common in plain English (or are code / subreddit names /
# common real first names) to count as slop on their own.
EXCLUDE = set("""
, once a | understanding | towards | shall | thus | alright | iostream | println | sqrt | csharp |
hyperparameters | user1 | tldr | todayilearned | dataisbeautiful | scrolling | researching | unexpected |
hometown | dialogues | to consider | remember that | a reminder | that was enough | on the other hand |
you may want to | canvas | depths | world of | who'd | typed | static | symbols | precision | fabric |
sarah | alex | emily | maria | jake | lily | mia | maya | jamie | clara | fatima | aisha | ravi | samir |
amelia | ethan | timmy | marianne | johann | jamal | amina | zara | anika | meera | ramesh | alexei |
jaspreet | lila | amira | amara | aria | liam | lena | samantha | mara | elena | eliza | eleanor |
elijah | damien | alistair | evelyn | silas | elias | anya | mira | lucifer | marla | clara | jenkin
""".replace("\n", " ").split(" | "))
EXCLUDE = {e.strip() for e in EXCLUDE}

_TOKEN_RE = re.compile(r"[a-z0-9]+(?:'[a-z]+)*")


def normalise(phrase: str) -> str:
    """The token form mixmap.core.quality.slop matches on: lower case, straight apostrophes, single spaces."""
    return " ".join(_TOKEN_RE.findall(phrase.lower().replace("\u2019", "'")))


def log_weight(count: float, lo: float, hi: float) -> float:
    """Map a count onto [0.3, 1.0] on a log scale: the most frequent entry of a list weighs 1."""
    return round(0.3 + 0.7 * (math.log(count) - math.log(lo)) / max(math.log(hi) - math.log(lo), 1e-9), 3)


def build(data: Path) -> dict[str, tuple[float, str]]:
    entries: dict[str, tuple[float, str]] = {}

    def add(phrase: str, weight: float, kind: str, *, override: bool = False) -> None:
        key = normalise(phrase)
        if not key or key in EXCLUDE or phrase.strip() in EXCLUDE or len(key.replace(" ", "")) < 2:
            return
        if override or key not in entries or entries[key][0] < weight and entries[key][1] == kind:
            entries[key] = (round(weight, 3), kind)

    antislop = data / "slop_lists_antislop"
    words = json.loads((antislop / "slop_words_2025-04-07.json").read_text())[:1000]
    counts = [c for _, c in words]
    for word, count in words:
        add(word, log_weight(count, min(counts), max(counts)), "fiction")
    phrases = json.loads((antislop / "slop_phrases_2025-04-07.json").read_text())[:1500]
    counts = [c for _, c in phrases]
    for phrase, count in phrases:
        add(phrase, log_weight(count, min(counts), max(counts)), "fiction")
    for word, in json.loads((data / "slop_forensics" / "data" / "slop_list.json").read_text()):
        add(word, 0.4, "fiction")
    for phrase, multiplier in json.loads((antislop / "slop_phrase_prob_adjustments.json").read_text()):
        # The sampler divides a phrase's probability by up to 32 (2^-5); stronger down-weighting = sloppier.
        add(phrase, min(1.0, max(0.2, -math.log2(multiplier) / 5)), "fiction", override=True)
    # Hand lists last: they decide the kind of anything that is both fiction slop and an assistant habit.
    for kind, items in HAND.items():
        for item in items:
            phrase, weight = item if isinstance(item, tuple) else (item, 1.0)
            add(phrase, weight, kind, override=True)
    return entries


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=str(Path(__file__).resolve().parents[4] / "shared" / "data"))
    parser.add_argument("--out", default=str(Path(__file__).with_name("slop_lexicon.tsv")))
    args = parser.parse_args()
    entries = build(Path(args.data))
    kinds = ", ".join(sorted({k for _, k in entries.values()}))
    header = [
        "# mixmap slop lexicon (phrase<TAB>weight<TAB>kind), made by core/data/build_lexicon.py.",
        "# Sources: sam-paech/antislop-sampler @6aa2540 (Apache-2.0) word/phrase lists and probability",
        "#   adjustments; sam-paech/slop-forensics @fa54658 (MIT) slop_list.json; hand-written habits.",
        f"# weight = strength within its kind (0.2..1.0); kinds: {kinds}",
        "phrase\tweight\tkind",
    ]
    rows = sorted(entries.items(), key=lambda kv: (kv[1][1], -kv[1][0], kv[0]))
    Path(args.out).write_text("\n".join(header + [f"{p}\t{w}\t{k}" for p, (w, k) in rows]) + "\n")
    by_kind: dict[str, int] = {}
    for _, kind in entries.values():
        by_kind[kind] = by_kind.get(kind, 0) + 1
    print(f"wrote {len(entries)} entries to {args.out}: {by_kind}")


if __name__ == "__main__":
    main()
