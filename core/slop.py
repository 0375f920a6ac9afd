"""LLM-style markers ("slop") per row, the composite slop score, and the spans that explain it.

Markers: weighted hits of the lexicon in core/data/slop_lexicon.tsv per kind (assistant vocabulary,
boilerplate openers/closers, hedges, refusals, disclaimers, fiction slop, and human `informal` markers),
"not X but Y" constructions, and style counts that separate chat-model prose from people's chat (markdown
bold and headers, em dashes, contractions, lower-case "i", emoticons, sentence-length spread, a missing
final full stop, response-to-instruction length ratio).

Matching is token-based: each text is lower-cased and split once with TOKEN_RE, and the lexicon is a dict
keyed on a phrase's first token, so a row costs one regex pass plus a dict lookup per token, whatever the
lexicon size (a 3,800-way regex alternation is ~50x slower in Python's `re`).

The score is a logistic model over FEATURES: sigmoid(bias + sum(weight * feature)). DEFAULT_WEIGHTS were
fitted with `fit_weights` on the tuning half of bench/bench_slop.py (human vs machine replies, never
the held-out half or held-out generators); pass `weights=` to slop_score to change any of them.
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

from core.errors import MixmapError
from core.quality_signals import tokenize

LEXICON_PATH = Path(__file__).with_name("data") / "slop_lexicon.tsv"
KINDS = ("assistant", "boilerplate", "hedge", "refusal", "disclaimer", "fiction", "informal")
SLOP_THRESHOLD = 0.5  # default cut for "is slop" in share_above and flags
RATE_PRIOR_WORDS = 30  # pseudo-words added before taking a per-1k rate, so one hit in a 5-word reply is damped

_SPAN_TOKEN_RE = re.compile(r"[a-z0-9]+(?:['\u2019][a-z]+)*", re.I)
# "not X but Y" / "it's not X, it's Y" (after antislop-sampler's slop_regexes.txt "not [^.!?]{3,60} but").
# Its other two patterns ("each ... a", "every ... a") match most English sentences, so they are left out.
_CONTRAST_RE = re.compile(
    r"\bnot\b[^.!?\n]{3,60}?\bbut\b"
    r"|\b(?:it|this|that)(?:'s|\u2019s| is| was)(?: not|n't|n\u2019t)\b[^.!?\n]{2,60}?[,;\u2014-]\s*"
    r"(?:it|this|that)(?:'s|\u2019s| is| was)\b", re.I)
_BOLD_RE = re.compile(r"\*\*[^*\n]{1,100}\*\*|__[^_\n]{1,100}__")
_HEADER_RE = re.compile(r"^\s{0,3}#{1,6}\s", re.M)
# Patterns start with a character class where possible: `re` then skips ahead fast instead of trying
# every position (lookbehinds and \b at the front make these 3-5x slower).
_LOWER_I_RE = re.compile(r"[\s(\"]i[\s,.!?;:'\u2019]")
_EMOTICON_RE = re.compile(r"[!?][!?]|[:;=]-?[)(DPp/]|\^\^|<3|\.\.\.\.")
_SENTENCE_RE = re.compile(r"[^.!?\n]+[.!?]*")
_LOWER_START_RE = re.compile(r"[.!?\n][ \t]*[a-z]")
_SPACE_PUNCT = (" ,", " .", " !", " ?", " ;", "  ")
_FIRST_PERSON = frozenset(("i", "me", "my", "i'm", "i've", "i'd", "myself"))

MARKER_COLUMNS = [
    *[f"{k}_hits" for k in KINDS], *[f"{k}_per_1k" for k in KINDS], "slop_per_1k", "contrast_count",
    "bold_count", "header_lines", "emdash_count", "contraction_count", "lower_i_count", "emoticon_count",
    "lower_start_ratio", "space_punct_count", "sentence_len_mean", "sentence_len_cv", "ends_without_stop",
    "first_person_count", "resp_instr_ratio",
]


class Span(NamedTuple):
    """A matched marker in a text: text[start:end] is what matched."""
    start: int
    end: int
    phrase: str
    kind: str
    weight: float


class Lexicon(NamedTuple):
    single: dict[str, tuple[float, str]]  # one-token entries
    multi: dict[tuple[str, str], list[tuple[tuple[str, ...], float, str]]]  # by first two tokens, longest first
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
        if not line or line.startswith("#") or line.startswith("phrase\t"):
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
    i, n = 0, len(tokens)
    while i < n:
        t = tokens[i]
        if t not in firsts:
            i += 1
            continue
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
        i += step
    return out


def _style(text: str, tokens: list[str]) -> list[float]:
    sentences = [len(s.split()) for s in _SENTENCE_RE.findall(text) if len(s) > 1]
    mean = sum(sentences) / len(sentences) if sentences else 0.0
    cv = (math.sqrt(sum((x - mean) ** 2 for x in sentences) / len(sentences)) / mean) if mean else 0.0
    tail = text.rstrip()[-1:]
    head = text.lstrip()[:2]
    low = text.lower()
    # str.find gates skip the costlier regexes on the many rows that cannot match them.
    contrast = len(_CONTRAST_RE.findall(text)) if ("not" in low or "n't" in low or "n\u2019t" in low) else 0
    return [
        contrast, len(_BOLD_RE.findall(text)) if "**" in text or "__" in text else 0,
        len(_HEADER_RE.findall(text)) if "#" in text else 0,
        text.count("\u2014"), sum(1 for t in tokens if "'" in t),
        len(_LOWER_I_RE.findall(text)) + (head in ("i ", "i'")),
        len(_EMOTICON_RE.findall(text)),
        (len(_LOWER_START_RE.findall(text)) + head[:1].islower()) / (len(sentences) or 1),
        sum(text.count(p) for p in _SPACE_PUNCT), mean, cv,
        float(bool(tail) and tail not in ".!?)\"'`*:]\u201d"),
        sum(1 for t in tokens if t in _FIRST_PERSON),
    ]


def compute_markers(texts: Sequence[str], n_words: np.ndarray, *, instructions: Sequence[str] | None = None,
                    tokens: Sequence[list[str]] | None = None, lexicon: Lexicon | None = None) -> pd.DataFrame:
    """MARKER_COLUMNS per text. `n_words` (whitespace words) comes from the lexical signals; pass
    `tokens` (core.quality_signals.tokenize per text) to skip tokenizing again."""
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
    style_cols = MARKER_COLUMNS[2 * len(KINDS) + 1:-1]
    frame[style_cols] = np.asarray(style, dtype=np.float64).reshape(len(texts), len(style_cols))
    if instructions is None:
        frame["resp_instr_ratio"] = np.nan
    else:
        if len(instructions) != len(texts):
            raise MixmapError(f"got {len(instructions)} instructions for {len(texts)} texts; pass one per row")
        instr = np.array([len((s or "").split()) for s in instructions], dtype=np.float64)
        frame["resp_instr_ratio"] = np.asarray(n_words, dtype=np.float64) / np.maximum(instr, 1.0)
    return frame.astype(np.float32)


# ---- composite score -------------------------------------------------------------------------------

def _rate(df: pd.DataFrame, column: str) -> np.ndarray:
    """log(1 + damped per-1k rate): diminishing returns, so one phrase repeated 20 times is not 20x."""
    return np.log1p(1000.0 * df[column].to_numpy(np.float64) / (df["n_words"].to_numpy(np.float64)
                                                                 + RATE_PRIOR_WORDS))


def _resp_ratio(df: pd.DataFrame) -> np.ndarray:
    ratio = df["resp_instr_ratio"].to_numpy(np.float64) if "resp_instr_ratio" in df else np.full(len(df), np.nan)
    return np.nan_to_num(np.clip(np.log(np.maximum(ratio, 1e-3)), -3, 5), nan=0.0)


# Feature name -> (transform of the signals frame, what it measures). Weights apply to these values.
FEATURES: dict[str, tuple] = {
    **{f"lex_{k}": (lambda df, k=k: _rate(df, f"{k}_hits"), f"log1p per-1k weighted '{k}' lexicon hits")
       for k in KINDS},
    "contrast": (lambda df: _rate(df, "contrast_count"), "log1p per-1k 'not X but Y' constructions"),
    "bold": (lambda df: _rate(df, "bold_count"), "log1p per-1k markdown **bold** spans"),
    "headers": (lambda df: _rate(df, "header_lines"), "log1p per-1k markdown header lines"),
    "emdash": (lambda df: _rate(df, "emdash_count"), "log1p per-1k em dashes"),
    "contractions": (lambda df: _rate(df, "contraction_count"), "log1p per-1k contractions (people use more)"),
    "lower_i": (lambda df: _rate(df, "lower_i_count"), "log1p per-1k lower-case 'i' as a word"),
    "emoticons": (lambda df: _rate(df, "emoticon_count"), "log1p per-1k emoticons, '!!', '??'"),
    "space_punct": (lambda df: _rate(df, "space_punct_count"), "log1p per-1k ' ,' and double spaces"),
    "first_person": (lambda df: _rate(df, "first_person_count"), "log1p per-1k I/me/my"),
    "lower_start": (lambda df: df["lower_start_ratio"].to_numpy(np.float64), "share of sentences starting lower-case"),
    "sentence_cv": (lambda df: np.minimum(df["sentence_len_cv"].to_numpy(np.float64), 3.0),
                    "spread of sentence lengths (std/mean)"),
    "sentence_len": (lambda df: np.log1p(df["sentence_len_mean"].to_numpy(np.float64)), "log1p mean sentence words"),
    "no_final_stop": (lambda df: df["ends_without_stop"].to_numpy(np.float64), "1 when the text ends without . ! ?"),
    "list_lines": (lambda df: df["bullet_line_ratio"].to_numpy(np.float64) + df["numbered_line_ratio"].to_numpy(
        np.float64), "share of bullet or numbered lines"),
    "repetition": (lambda df: df["dup_5gram_ratio"].to_numpy(np.float64) + df["top_3gram_ratio"].to_numpy(
        np.float64), "Gopher duplicated-5-gram + top-3-gram character shares"),
    "resp_instr": (_resp_ratio, "log(response words / instruction words), 0 when unknown"),
}

DEFAULT_WEIGHTS: dict[str, float] = {"bias": 0.0, **{name: 0.0 for name in FEATURES}}


def feature_matrix(signals: pd.DataFrame) -> np.ndarray:
    """Rows x FEATURES values the weights multiply; missing signal columns raise a MixmapError."""
    try:
        return np.column_stack([fn(signals) for fn, _ in FEATURES.values()]) if len(signals) else np.zeros(
            (0, len(FEATURES)))
    except KeyError as exc:
        raise MixmapError(f"signals frame lacks column {exc}; build it with core.quality.compute_signals") from exc


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


def fit_weights(signals: pd.DataFrame, labels: Sequence[int], *, c: float = 1.0) -> dict[str, float]:
    """Weights (on raw feature scale) from an L2 logistic regression of labels (1 = slop) on FEATURES.

    Features are standardised for the fit so `c` regularises them evenly, then mapped back.
    """
    from sklearn.linear_model import LogisticRegression

    y = np.asarray(labels)
    if len(set(y.tolist())) != 2:
        raise MixmapError("fit_weights needs rows of both classes (1 = slop, 0 = not slop)")
    x = feature_matrix(signals)
    mean, std = x.mean(axis=0), x.std(axis=0)
    std[std == 0] = 1.0
    model = LogisticRegression(C=c, max_iter=2000).fit((x - mean) / std, y)
    coef = model.coef_[0] / std
    bias = float(model.intercept_[0] - (coef * mean).sum())
    return {"bias": round(bias, 4), **{name: round(float(v), 4) for name, v in zip(FEATURES, coef)}}


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
    spans += [Span(m.start(), m.end(), m.group().lower(), "contrast", 1.0) for m in _CONTRAST_RE.finditer(text or "")]
    return sorted(spans)
