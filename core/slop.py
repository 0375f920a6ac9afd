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
# Both run on lower-cased text: re.IGNORECASE would stop `re` from jumping between literal prefixes.
_NOT_BUT_RE = re.compile(r"not\b[^.!?\n]{3,60}?\bbut\b")
_ITS_NOT_RE = re.compile(r"(?:it|th(?:is|at))(?:'s|\u2019s| is| was)(?: not|n't|n\u2019t)\b[^.!?\n]{2,60}?"
                         r"[,;\u2014-]\s*(?:it|th(?:is|at))(?:'s|\u2019s| is| was)\b")
_BOLD_RE = re.compile(r"\*\*[^*\n]{1,100}\*\*|__[^_\n]{1,100}__")
_HEADER_RE = re.compile(r"^\s{0,3}#{1,6}\s", re.M)
# Counted with str.count where exactness matters little: several times cheaper than a regex scan.
_LOWER_I = (" i ", " i'", " i,", " i.", "\ni ", "(i ", " i\u2019")
_EMOTICONS = ("!!", "??", "?!", "!?", ":)", ":-)", ":(", ":-(", ":D", ";)", ":P", ":p", "=)", "^^", "<3", "....",
              ":/")
_SENTENCE_RE = re.compile(r"[^.!?\n]+[.!?]*")
_LOWER_START_RE = re.compile(r"[.!?\n][ \t]*[a-z]")
_SPACE_PUNCT = (" ,", " .", " !", " ?", " ;")
_DOUBLE_SPACE_RE = re.compile(r"[.!?,]  +\S")  # two spaces after a full stop: a typist's habit, never a model's
_LIST_INTRO_RE = re.compile(r":[ \t]*\n(?:[ \t]*\n)?[ \t]*(?:\d{1,2}[.)]|[-*\u2022])\s")
_SUMMARY_RE = re.compile(r"(?:^|\n)\s*(?:\*\*)?(?:overall|in conclusion|in summary|to summarize|to sum up|ultimately|"
                         r"in short|remember|by following)\b", re.I)
_FIRST_PERSON = frozenset(("i", "me", "my", "i'm", "i've", "i'd", "myself"))

STYLE_COLUMNS = [
    "contrast_count", "bold_count", "header_lines", "list_intro_count", "summary_close", "emdash_count",
    "contraction_count", "lower_i_count", "emoticon_count", "lower_start_ratio", "space_punct_count",
    "double_space_count", "url_count", "question_count", "exclaim_count", "sentence_len_mean", "sentence_len_cv",
    "ends_without_stop", "first_person_count",
]
MARKER_COLUMNS = [*[f"{k}_hits" for k in KINDS], *[f"{k}_per_1k" for k in KINDS], "slop_per_1k", *STYLE_COLUMNS,
                  "resp_instr_ratio"]


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
        sum(text.count(p) for p in _LOWER_I) + (head in ("i ", "i'")),
        sum(text.count(p) for p in _EMOTICONS) - text.count("://"),
        (len(_LOWER_START_RE.findall(text)) + head[:1].islower()) / (len(sentences) or 1),
        sum(text.count(p) for p in _SPACE_PUNCT),
        len(_DOUBLE_SPACE_RE.findall(text)) if "  " in text else 0,
        low.count("http://") + low.count("https://") + low.count("www."),
        text.count("?"), text.count("!"), mean, cv,
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
    frame[STYLE_COLUMNS] = np.asarray(style, dtype=np.float64).reshape(len(texts), len(STYLE_COLUMNS))
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
    "list_intro": (lambda df: _rate(df, "list_intro_count"), "log1p per-1k 'intro:' lines followed by a list"),
    "summary_close": (lambda df: df["summary_close"].to_numpy(np.float64), "last paragraph opens 'Overall'/'In conclusion'"),
    "emdash": (lambda df: _rate(df, "emdash_count"), "log1p per-1k em dashes"),
    "contractions": (lambda df: _rate(df, "contraction_count"), "log1p per-1k contractions"),
    "lower_i": (lambda df: _rate(df, "lower_i_count"), "log1p per-1k lower-case 'i' as a word"),
    "emoticons": (lambda df: _rate(df, "emoticon_count"), "log1p per-1k emoticons, '!!', '??'"),
    "space_punct": (lambda df: _rate(df, "space_punct_count"), "log1p per-1k ' ,' ' .' (space before punctuation)"),
    "double_space": (lambda df: _rate(df, "double_space_count"), "log1p per-1k two spaces after a full stop"),
    "urls": (lambda df: _rate(df, "url_count"), "log1p per-1k links"),
    "questions": (lambda df: _rate(df, "question_count"), "log1p per-1k question marks"),
    "exclaims": (lambda df: _rate(df, "exclaim_count"), "log1p per-1k exclamation marks"),
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


# The direction each feature is allowed to push the score when fitting: +1 only towards slop, -1 only towards
# human, 0 either way. Constraining signs keeps a fitted weight from learning a quirk of one generator (e.g.
# "short answers are machine") that flips on another.
FEATURE_SIGNS: dict[str, int] = {
    **{f"lex_{k}": (-1 if k == "informal" else 1) for k in KINDS},
    "contrast": 1, "bold": 1, "headers": 1, "list_intro": 1, "summary_close": 1, "emdash": 1, "list_lines": 1,
    "repetition": 1, "lower_i": -1, "emoticons": -1, "space_punct": -1, "double_space": -1, "urls": -1,
    "lower_start": -1, "no_final_stop": -1,
}


def fit_weights(signals: pd.DataFrame, labels: Sequence[int], *, l2: float = 1.0,
                signs: dict[str, int] | None = None, features: Sequence[str] | None = None) -> dict[str, float]:
    """Weights (on the raw feature scale) from a logistic regression of labels (1 = slop) on FEATURES.

    Features are standardised for the fit so `l2` (penalty on the standardised weights, per row) regularises
    them evenly; weights are then mapped back. `signs` (default FEATURE_SIGNS) bounds each weight's
    direction; `features` limits the fit to a subset (the others get weight 0). Classes are balanced.
    """
    from scipy.optimize import minimize

    y = np.asarray(labels, dtype=np.float64)
    if len(set(y.tolist())) != 2:
        raise MixmapError("fit_weights needs rows of both classes (1 = slop, 0 = not slop)")
    names = list(FEATURES)
    use = [names.index(f) for f in (features or names)]
    x = feature_matrix(signals)[:, use]
    mean, std = x.mean(axis=0), x.std(axis=0)
    std[std == 0] = 1.0
    z = (x - mean) / std
    sample_w = np.where(y == 1, 0.5 / y.mean(), 0.5 / (1 - y.mean())) / len(y)
    signs = FEATURE_SIGNS if signs is None else signs
    bounds = [(None, None)] + [((0, None) if signs.get(names[i], 0) > 0 else (None, 0) if signs.get(names[i], 0) < 0
                                else (None, None)) for i in use]

    def loss(theta: np.ndarray) -> tuple[float, np.ndarray]:
        margin = theta[0] + z @ theta[1:]
        p = 1.0 / (1.0 + np.exp(-np.clip(margin, -30, 30)))
        nll = -(sample_w * (y * np.log(p + 1e-12) + (1 - y) * np.log(1 - p + 1e-12))).sum()
        grad_m = sample_w * (p - y)
        grad = np.concatenate([[grad_m.sum()], z.T @ grad_m])
        grad[1:] += l2 * theta[1:] / len(y)
        return nll + 0.5 * l2 * (theta[1:] ** 2).sum() / len(y), grad

    theta = minimize(loss, np.zeros(len(use) + 1), jac=True, method="L-BFGS-B", bounds=bounds).x
    coef = np.zeros(len(names))
    coef[use] = theta[1:] / std
    bias = float(theta[0] - (theta[1:] / std * mean).sum())
    return {"bias": round(bias, 4), **{name: round(float(v), 4) for name, v in zip(names, coef)}}


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
