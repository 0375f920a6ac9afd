"""LLM-style markers ("slop") per row, the composite slop score, and the spans that explain it.

Markers: weighted hits of the lexicon in core/data/slop_lexicon.tsv per kind (assistant vocabulary,
boilerplate openers/closers, hedges, refusals, disclaimers, fiction slop, and human `informal` markers),
"not X but Y" constructions, and style counts that separate chat-model prose from people's typing (markdown
bold, headers and "intro:" lists, summary closers, em dashes, contractions, lower-case "i", emoticons,
double spaces, links, a missing final full stop, response-to-instruction length ratio).

Matching is token-based: each text is lower-cased and split once with TOKEN_RE, and the lexicon is a dict
keyed on a phrase's first two tokens, so a row costs one regex pass plus a set test per token, whatever
the lexicon size (a 3,800-way regex alternation is ~50x slower in Python's `re`).

The score is a logistic model over FEATURES: sigmoid(bias + sum(weight * feature)), with DEFAULT_WEIGHTS
documented below; pass `weights=` to slop_score to change any of them, or learn them from labelled rows
with mixmap.core.quality.scoring.fit_weights / calibrate_weights.
"""
from __future__ import annotations

import math
import re
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd

from mixmap.core.errors import MixmapError
from mixmap.core.quality.signals import tokenize

LEXICON_PATH = Path(__file__).with_name("data") / "slop_lexicon.tsv"
KINDS = ("assistant", "boilerplate", "hedge", "refusal", "disclaimer", "fiction", "informal")
SLOP_THRESHOLD = 0.5  # default cut for "is slop" in share_above and flags
RATE_PRIOR_WORDS = 30  # pseudo-words added before a per-1k rate, so one hit in a 5-word reply is damped

_SPAN_TOKEN_RE = re.compile(r"[a-z0-9]+(?:['\u2019][a-z]+)*", re.IGNORECASE)
# "not X but Y" / "it's not X, it's Y" (after antislop-sampler's slop_regexes.txt "not [^.!?]{3,60} but").
# Its other two patterns ("each ... a", "every ... a") match most English sentences, so they are left out.
# Both run on lower-cased text: re.IGNORECASE would stop `re` from jumping between literal prefixes.
_NOT_BUT_RE = re.compile(r"not\b[^.!?\n]{3,60}?\bbut\b")
_ITS_NOT_RE = re.compile(r"(?:it|th(?:is|at))(?:'s|\u2019s| is| was)(?: not|n't|n\u2019t)\b[^.!?\n]{2,60}?"
                         r"[,;\u2014-]\s*(?:it|th(?:is|at))(?:'s|\u2019s| is| was)\b")
_BOLD_RE = re.compile(r"\*\*[^*\n]{1,100}\*\*|__[^_\n]{1,100}__")
_HEADER_RE = re.compile(r"^\s{0,3}#{1,6}\s", re.MULTILINE)
# Counted with str.count where exactness matters little: several times cheaper than a regex scan.
_LOWER_I = (" i ", " i'", " i,", " i.", "\ni ", "(i ", " i\u2019")
_EMOTICONS = ("!!", "??", "?!", "!?", ":)", ":-)", ":(", ":-(", ":D", ";)", ":P", ":p", "=)", "^^", "<3",
              "....", ":/")
_SENTENCE_RE = re.compile(r"[^.!?\n]+[.!?]*")
_LOWER_START_RE = re.compile(r"[.!?\n][ \t]*[a-z]")
_SPACE_PUNCT = (" ,", " .", " !", " ?", " ;")
_DOUBLE_SPACE_RE = re.compile(r"[.!?,]  +\S")  # two spaces after a full stop: a typist's habit
_LIST_INTRO_RE = re.compile(r":[ \t]*\n(?:[ \t]*\n)?[ \t]*(?:\d{1,2}[.)]|[-*\u2022])\s")
_SUMMARY_RE = re.compile(r"(?:^|\n)\s*(?:\*\*)?(?:overall|in conclusion|in summary|to summarize|to sum up|"
                         r"ultimately|in short|remember|by following)\b", re.IGNORECASE)
_FIRST_PERSON = frozenset(("i", "me", "my", "i'm", "i've", "i'd", "myself"))

STYLE_COLUMNS = [
    "contrast_count", "bold_count", "header_lines", "list_intro_count", "summary_close", "emdash_count",
    "contraction_count", "lower_i_count", "emoticon_count", "lower_start_ratio", "space_punct_count",
    "double_space_count", "url_count", "question_count", "exclaim_count", "sentence_len_mean",
    "sentence_len_cv", "ends_without_stop", "first_person_count",
]
MARKER_COLUMNS = [*[f"{k}_hits" for k in KINDS], *[f"{k}_per_1k" for k in KINDS], "slop_per_1k",
                  *STYLE_COLUMNS, "resp_instr_ratio"]


class Span(NamedTuple):
    """A matched marker in a text: text[start:end] is what matched."""
    start: int
    end: int
    phrase: str
    kind: str
    weight: float


class Lexicon(NamedTuple):
    single: dict[str, tuple[float, str]]  # one-token entries
    multi: dict[tuple[str, str], list[tuple[tuple[str, ...], float, str]]]  # by first 2 tokens, longest first
    firsts: frozenset[str]  # first tokens of every entry: a quick "can anything match here"
    size: int


@lru_cache(maxsize=4)
def load_lexicon(path: str | None = None) -> Lexicon:
    """Read phrase<TAB>weight<TAB>kind rows ('#' lines are comments); cached per path."""
    source = Path(path) if path else LEXICON_PATH
    if not source.exists():
        raise MixmapError(f"slop lexicon {source} is missing: rebuild it with "
                          "`python core/data/build_lexicon.py` or reinstall mixmap")
    single: dict[str, tuple[float, str]] = {}
    multi: dict[tuple[str, str], list[tuple[tuple[str, ...], float, str]]] = {}
    for line in source.read_text(encoding="utf-8").splitlines():
        if not line or line.startswith(("#", "phrase\t")):
            continue
        try:
            phrase, weight, kind = line.split("\t")[:3]
            tokens = tuple(tokenize(phrase))
            if kind not in KINDS:
                raise ValueError(f"kind must be one of {', '.join(KINDS)}")
            if len(tokens) == 1:
                single[tokens[0]] = (float(weight), kind)
            else:
                multi.setdefault(tokens[:2], []).append((tokens, float(weight), kind))
        except (ValueError, IndexError) as exc:
            raise MixmapError(f"bad line in slop lexicon {source}: {line!r} ({exc}); "
                              "expected phrase<TAB>weight<TAB>kind") from exc
    for entries in multi.values():
        entries.sort(key=lambda e: -len(e[0]))
    firsts = frozenset(single) | frozenset(first for first, _ in multi)
    return Lexicon(single, multi, firsts, len(single) + sum(map(len, multi.values())))


def _match(tokens: list[str], lexicon: Lexicon) -> list[tuple[int, int, float, str]]:
    """Greedy longest matches, non-overlapping: (first token, end token, weight, kind)."""
    firsts = lexicon.firsts
    if firsts.isdisjoint(tokens):
        return []
    single, multi = lexicon.single, lexicon.multi
    out = []
    n = len(tokens)
    until = 0  # positions before this are inside the previous match
    for i in [i for i, t in enumerate(tokens) if t in firsts]:
        if i < until:
            continue
        t = tokens[i]
        step = 1
        if i + 1 < n:
            for phrase, weight, kind in multi.get((t, tokens[i + 1]), ()):
                k = len(phrase)
                if k == 2 or tuple(tokens[i:i + k]) == phrase:
                    out.append((i, i + k, weight, kind))
                    step = k
                    break
        if step == 1 and t in single:
            weight, kind = single[t]
            out.append((i, i + 1, weight, kind))
        until = i + step
    return out


def _contrasts(low: str) -> list[tuple[int, int]]:
    """(start, end) of "not X but Y" and "it's not X, it's Y" constructions in lower-cased text.

    The patterns begin with a literal so `re` can jump between candidates; the word boundary in front is
    checked here instead (a leading \\b would make the scan 3x slower).
    """
    found = []
    for pattern in (_NOT_BUT_RE, _ITS_NOT_RE):
        for m in pattern.finditer(low):
            a = m.start()
            if a == 0 or not low[a - 1].isalnum():
                found.append((a, m.end()))
    return sorted(found)


def _style(text: str, tokens: list[str]) -> list[float]:
    """STYLE_COLUMNS for one text."""
    sentences = [len(s.split()) for s in _SENTENCE_RE.findall(text) if len(s) > 1]
    mean = sum(sentences) / len(sentences) if sentences else 0.0
    cv = (math.sqrt(sum((x - mean) ** 2 for x in sentences) / len(sentences)) / mean) if mean else 0.0
    tail = text.rstrip()[-1:]
    head = text.lstrip()[:2]
    low = text.lower()
    # `in` gates skip the costlier regexes on the many rows that cannot match them.
    contrast = len(_contrasts(low)) if "not" in low or "n't" in low or "n\u2019t" in low else 0
    last_para = text.rstrip().rsplit("\n\n", 1)[-1] if "\n\n" in text.strip() else ""
    return [
        contrast, len(_BOLD_RE.findall(text)) if "**" in text or "__" in text else 0,
        len(_HEADER_RE.findall(text)) if "#" in text else 0,
        len(_LIST_INTRO_RE.findall(text)) if ":" in text else 0,
        float(bool(last_para) and _SUMMARY_RE.match(last_para) is not None),
        text.count("\u2014"), sum(1 for t in tokens if "'" in t),
        sum(map(text.count, _LOWER_I)) + (head in ("i ", "i'")),
        sum(map(text.count, _EMOTICONS)) - text.count("://"),
        (len(_LOWER_START_RE.findall(text)) + head[:1].islower()) / (len(sentences) or 1),
        sum(map(text.count, _SPACE_PUNCT)),
        len(_DOUBLE_SPACE_RE.findall(text)) if "  " in text else 0,
        low.count("http://") + low.count("https://") + low.count("www."),
        text.count("?"), text.count("!"), mean, cv,
        float(bool(tail) and tail not in ".!?)\"'`*:]\u201d"),
        sum(1 for t in tokens if t in _FIRST_PERSON),
    ]


def compute_markers(texts: Sequence[str], n_words: np.ndarray, *, instructions: Sequence[str] | None = None,
                    tokens: Sequence[list[str]] | None = None,
                    lexicon: Lexicon | None = None) -> pd.DataFrame:
    """MARKER_COLUMNS per text. `n_words` (whitespace words) comes from the lexical signals; pass
    `tokens` (mixmap.core.quality.signals.tokenize per text) to skip tokenizing again."""
    lexicon = lexicon or load_lexicon()
    kind_index = {k: i for i, k in enumerate(KINDS)}
    hits = np.zeros((len(texts), len(KINDS)))
    style = []
    for row, text in enumerate(texts):
        text = text or ""
        toks = tokens[row] if tokens is not None else tokenize(text)
        for _, _, weight, kind in _match(toks, lexicon):
            hits[row, kind_index[kind]] += weight
        style.append(_style(text, toks))
    words = np.maximum(np.asarray(n_words, dtype=np.float64), 1.0)
    frame = pd.DataFrame(hits, columns=[f"{k}_hits" for k in KINDS])
    for k in KINDS:
        frame[f"{k}_per_1k"] = 1000.0 * frame[f"{k}_hits"].to_numpy() / words
    positive = [f"{k}_hits" for k in KINDS if k != "informal"]
    frame["slop_per_1k"] = 1000.0 * frame[positive].sum(axis=1).to_numpy() / words
    frame[STYLE_COLUMNS] = np.asarray(style, dtype=np.float64).reshape(len(texts), len(STYLE_COLUMNS))
    if instructions is None:
        frame["resp_instr_ratio"] = np.nan
    else:
        if len(instructions) != len(texts):
            raise MixmapError(f"got {len(instructions)} instructions for {len(texts)} texts; "
                              "pass one per row")
        instr = np.array([len((s or "").split()) for s in instructions], dtype=np.float64)
        frame["resp_instr_ratio"] = np.asarray(n_words, dtype=np.float64) / np.maximum(instr, 1.0)
    return frame.astype(np.float32)


# ---- composite score -------------------------------------------------------------------------------

def _rate(column: str):
    """log(1 + damped per-1k rate): diminishing returns, so one phrase repeated 20 times is not 20x."""
    def feature(df: pd.DataFrame) -> np.ndarray:
        words = df["n_words"].to_numpy(np.float64) + RATE_PRIOR_WORDS
        return np.log1p(1000.0 * df[column].to_numpy(np.float64) / words)
    return feature


def _value(*columns: str, cap: float = np.inf):
    """The sum of `columns` as is (shares and 0/1 flags), capped at `cap`."""
    def feature(df: pd.DataFrame) -> np.ndarray:
        return np.minimum(sum(df[c].to_numpy(np.float64) for c in columns), cap)
    return feature


def _log_sentence_len(df: pd.DataFrame) -> np.ndarray:
    return np.log1p(df["sentence_len_mean"].to_numpy(np.float64))


def _resp_ratio(df: pd.DataFrame) -> np.ndarray:
    if "resp_instr_ratio" not in df:
        return np.zeros(len(df))
    ratio = df["resp_instr_ratio"].to_numpy(np.float64)
    return np.nan_to_num(np.clip(np.log(np.maximum(ratio, 1e-3)), -3, 5), nan=0.0)


# Feature name -> (transform of the signals frame, what it measures). Weights multiply these values;
# "rate" below means log1p(1000 * count / (n_words + RATE_PRIOR_WORDS)).
FEATURES: dict[str, tuple] = {
    **{f"lex_{k}": (_rate(f"{k}_hits"), f"rate of weighted '{k}' lexicon hits") for k in KINDS},
    "contrast": (_rate("contrast_count"), "rate of 'not X but Y' constructions"),
    "bold": (_rate("bold_count"), "rate of markdown **bold** spans"),
    "headers": (_rate("header_lines"), "rate of markdown header lines"),
    "list_intro": (_rate("list_intro_count"), "rate of 'intro:' lines followed by a list"),
    "summary_close": (_value("summary_close"), "1 when the last paragraph opens 'Overall', 'In conclusion'"),
    "emdash": (_rate("emdash_count"), "rate of em dashes"),
    "contractions": (_rate("contraction_count"), "rate of contractions"),
    "lower_i": (_rate("lower_i_count"), "rate of lower-case 'i' as a word"),
    "emoticons": (_rate("emoticon_count"), "rate of emoticons, '!!', '??'"),
    "space_punct": (_rate("space_punct_count"), "rate of a space before , . ! ? ;"),
    "double_space": (_rate("double_space_count"), "rate of two spaces after a full stop"),
    "urls": (_rate("url_count"), "rate of links"),
    "questions": (_rate("question_count"), "rate of question marks"),
    "exclaims": (_rate("exclaim_count"), "rate of exclamation marks"),
    "first_person": (_rate("first_person_count"), "rate of I / me / my"),
    "lower_start": (_value("lower_start_ratio"), "share of sentences starting lower-case"),
    "sentence_cv": (_value("sentence_len_cv", cap=3.0), "spread of sentence lengths (std / mean)"),
    "sentence_len": (_log_sentence_len, "log1p of mean words per sentence"),
    "no_final_stop": (_value("ends_without_stop"), "1 when the text ends without . ! ?"),
    "list_lines": (_value("bullet_line_ratio", "numbered_line_ratio"), "share of bullet or numbered lines"),
    "repetition": (_value("dup_5gram_ratio", "top_3gram_ratio"), "dup 5-gram + top 3-gram char shares"),
    "resp_instr": (_resp_ratio, "log(response words / instruction words), 0 when unknown"),
}

# Hand-set weights on the raw feature scale, chosen before looking at any data from what each marker means:
# lexicon kinds and chat-model formatting push towards slop, typists' habits towards human. fit_weights
# shrinks towards these (not towards 0), so a noisy label set cannot silence the lexicon.
PRIOR_WEIGHTS: dict[str, float] = {
    "lex_assistant": 0.8, "lex_boilerplate": 0.8, "lex_hedge": 0.4, "lex_refusal": 1.0, "lex_disclaimer": 0.6,
    "lex_fiction": 0.6, "lex_informal": -0.8, "contrast": 0.5, "bold": 0.4, "headers": 0.4, "list_intro": 0.5,
    "summary_close": 0.8, "emdash": 0.3, "contractions": -0.2, "lower_i": -0.8, "emoticons": -0.8,
    "space_punct": -0.5, "double_space": -1.0, "urls": -0.5, "questions": -0.2, "exclaims": 0.0,
    "first_person": -0.2, "lower_start": -1.5, "sentence_cv": 0.0, "sentence_len": 0.0, "no_final_stop": -0.8,
    "list_lines": 0.8, "repetition": 1.5, "resp_instr": 0.0,
}


# The shipped score: the prior, with a bias that puts a text with no markers at sigmoid(-1.5) = 0.18; one
# assistant phrase per 100 words lifts it to ~0.55. Why not a fit: bench/bench_slop.py fits weights on its
# tuning split too, and that fit zeroes the boilerplate, refusal, hedge and markdown weights because many
# oasst1 "human" replies are pasted chat-model answers; its held-out AUROC is reported next to this one.
DEFAULT_WEIGHTS: dict[str, float] = {"bias": -1.5, **PRIOR_WEIGHTS}


def feature_matrix(signals: pd.DataFrame) -> np.ndarray:
    """Rows x FEATURES values the weights multiply; missing signal columns raise a MixmapError."""
    try:
        return np.column_stack([fn(signals) for fn, _ in FEATURES.values()]) if len(signals) else np.zeros(
            (0, len(FEATURES)))
    except KeyError as exc:
        raise MixmapError(f"signals frame lacks column {exc}; "
                          "build it with mixmap.core.quality.scoring.compute_signals") from exc


def slop_score(signals: pd.DataFrame, *, weights: dict[str, float] | None = None) -> np.ndarray:
    """Composite slop score in [0, 1] per row: sigmoid(bias + sum(weight * feature)).

    `weights` overrides DEFAULT_WEIGHTS by name (unknown names raise); 0 switches a feature off.
    """
    merged = dict(DEFAULT_WEIGHTS)
    for name, value in (weights or {}).items():
        if name not in merged:
            raise MixmapError(f"unknown slop weight {name!r}; known: {', '.join(merged)}")
        merged[name] = float(value)
    w = np.array([merged[name] for name in FEATURES])
    z = merged["bias"] + feature_matrix(signals) @ w
    return (1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))).astype(np.float32)


def explain_row(text: str, *, lexicon: Lexicon | None = None) -> list[Span]:
    """Every lexicon and construction match in `text`, in order; text[s.start:s.end] is the match.

    Spans are offsets into the original string, so a page can highlight them by slicing, never by
    rendering the text as HTML.
    """
    lexicon = lexicon or load_lexicon()
    found = list(_SPAN_TOKEN_RE.finditer(text or ""))
    tokens = [m.group().lower().replace("\u2019", "'") for m in found]
    spans = [Span(found[i].start(), found[j - 1].end(), " ".join(tokens[i:j]), kind, weight)
             for i, j, weight, kind in _match(tokens, lexicon)]
    low = (text or "").lower()
    if len(low) == len(text or ""):  # a few characters change length when lower-cased; skip offsets then
        spans += [Span(a, b, low[a:b], "contrast", 1.0) for a, b in _contrasts(low)]
    return sorted(spans)
