"""Lexical quality signals per row: the Gopher / FineWeb / NeMo Curator heuristics, one pass per text.

Each signal is a number per row; `gopher_flags` turns them into pass/fail columns using THRESHOLDS, which
cites where every cut-off comes from. The heuristics were designed for web documents (>= 50 words); on
instruction data most answers are shorter, so the flags are information for the curator, not a verdict.

Sources (read at the commits named; defaults copied, formulas re-implemented):
- datatrove GopherQualityFilter / GopherRepetitionFilter (huggingface/datatrove, after Rae et al. 2021,
  "Scaling Language Models", Table A1) and FineWebQualityFilter.
- NeMo Curator heuristic_filter.py (NVIDIA-NeMo/Curator, nemo_curator/stages/text/filters).

Deliberate differences, so the numbers are cheap and meaningful on short texts:
- words are whitespace-separated (NeMo's English splitter); n-grams use lower-cased word tokens
  ([a-z0-9]+ with inner apostrophes) instead of NLTK's tokenizer, which is ~50x slower;
- the top n-gram ratio counts only n-grams that occur at least twice (datatrove counts a single
  occurrence too, which fails every text shorter than ~10 words);
- duplicated n-grams are counted over words, skipping past each duplicate as the Gopher paper
  describes (datatrove's version walks the n-gram list with the word stride).
"""
from __future__ import annotations

import re
import string
from collections import Counter
from collections.abc import Sequence

import numpy as np
import pandas as pd

TOKEN_RE = re.compile(r"[a-z0-9]+(?:'[a-z]+)*")
_PARA_RE = re.compile(r"\n{2,}")
_NON_ASCII_RE = re.compile(r"[^\x00-\x7f]")
_ASCII_ALNUM = (string.ascii_letters + string.digits).encode()
# Deleting digits and punctuation (keeping whitespace) leaves exactly the words that contain a letter.
_DROP_NON_LETTERS = str.maketrans("", "", string.digits + string.punctuation + "\u2013\u2014\u2022\u2026"
                                  "\u201c\u201d\u2018\u2019\u00ab\u00bb\u00b7\u25cf\u25e6\u25aa")
_BULLETS = ("\u2022", "\u25cf", "\u25e6", "\u2023", "\u2043", "\u25aa", "\u25cb", "-", "*", "\u2013")
_NUMBERED_RE = re.compile(r"^\s*\d{1,3}[.)]\s", re.MULTILINE)
_FINEWEB_STOP_CHARS = (".", "'", '"', "!", "?")
GOPHER_STOP_WORDS = frozenset(["the", "be", "to", "of", "and", "that", "have", "with"])
DUP_NGRAM_NS = (5, 6, 7, 8, 9, 10)
TOP_NGRAM_NS = (2, 3, 4)

# name: (direction, cut-off, source). "max" fails when value > cut-off, "min" when value < cut-off.
_DT_Q, _DT_R, _DT_F = ("datatrove GopherQualityFilter", "datatrove GopherRepetitionFilter",
                       "datatrove FineWebQualityFilter")
THRESHOLDS: dict[str, tuple[str, float, str]] = {
    "n_words_min": ("min", 50, f"{_DT_Q} min_doc_words=50; NeMo WordCountFilter min_words=50"),
    "n_words_max": ("max", 100_000, f"{_DT_Q} max_doc_words=100000; NeMo WordCountFilter max_words=100000"),
    "mean_word_len_min": ("min", 3, f"{_DT_Q} min_avg_word_length=3; NeMo MeanWordLengthFilter 3"),
    "mean_word_len_max": ("max", 10, f"{_DT_Q} max_avg_word_length=10; NeMo MeanWordLengthFilter 10"),
    "symbol_word_ratio": ("max", 0.1, f"{_DT_Q} max_symbol_word_ratio=0.1 (# and ...); NeMo 0.1"),
    "bullet_line_ratio": ("max", 0.9, f"{_DT_Q} max_bullet_lines_ratio=0.9; NeMo BulletsFilter 0.9"),
    "ellipsis_line_ratio": ("max", 0.3, f"{_DT_Q} max_ellipsis_lines_ratio=0.3; NeMo EllipsisFilter 0.3"),
    "alpha_word_ratio": ("min", 0.8, (f"{_DT_Q} max_non_alpha_words_ratio=0.8 (share of words with a "
                                     "letter); NeMo WordsWithoutAlphabetsFilter 0.8")),
    "non_alpha_ratio": ("max", 0.25, "NeMo NonAlphaNumericFilter max_non_alpha_numeric_to_text_ratio=0.25"),
    "stop_word_count": ("min", 2, (f"{_DT_Q} min_stop_words=2 (the be to of and that have with); "
                                  "NeMo CommonEnglishWordsFilter 2")),
    "dup_line_ratio": ("max", 0.3, f"{_DT_R} dup_line_frac=0.3 (NeMo RepeatedLinesFilter: unique >= 0.7)"),
    "dup_para_ratio": ("max", 0.3, f"{_DT_R} dup_para_frac=0.3 (NeMo RepeatedParagraphsFilter 0.7)"),
    "dup_line_char_ratio": ("max", 0.2, f"{_DT_R} dup_line_char_frac=0.2"),
    "dup_para_char_ratio": ("max", 0.2, f"{_DT_R} dup_para_char_frac=0.2"),
    **{f"top_{n}gram_ratio": ("max", cut, (f"Gopher Table A1 / {_DT_R} top_n_grams ({n}, {cut}); "
                                          "NeMo RepeatingTopNGramsFilter"))
       for n, cut in ((2, 0.20), (3, 0.18), (4, 0.16))},
    **{f"dup_{n}gram_ratio": ("max", cut, (f"Gopher Table A1 / {_DT_R} dup_n_grams ({n}, {cut}); "
                                          "NeMo RepeatingDuplicateNGramsFilter"))
       for n, cut in zip(DUP_NGRAM_NS, (0.15, 0.14, 0.13, 0.12, 0.11, 0.10), strict=True)},
    "line_punct_ratio": ("min", 0.12, f"{_DT_F} line_punct_thr=0.12 (fails at <= 0.12)"),
    "short_line_ratio": ("max", 0.67, f"{_DT_F} short_line_thr=0.67, short_line_length=30"),
    "char_dup_ratio": ("max", 0.01, f"{_DT_F} char_duplicates_ratio=0.01"),
    "newline_word_ratio": ("max", 0.3, f"{_DT_F} new_line_ratio=0.3 ('list_ratio')"),
}
# Which heuristics make up the Gopher verdict (FineWeb's are reported separately).
FINEWEB_CHECKS = ["line_punct_ratio", "short_line_ratio", "char_dup_ratio", "newline_word_ratio"]
GOPHER_CHECKS = [k for k in THRESHOLDS if k not in FINEWEB_CHECKS]

SIGNAL_COLUMNS = [
    "n_words", "n_chars", "n_lines", "mean_word_len", "non_alpha_ratio", "alpha_word_ratio",
    "symbol_word_ratio", "bullet_line_ratio", "numbered_line_ratio", "ellipsis_line_ratio", "dup_line_ratio",
    "dup_line_char_ratio",
    "dup_para_ratio", "dup_para_char_ratio", *[f"top_{n}gram_ratio" for n in TOP_NGRAM_NS],
    *[f"dup_{n}gram_ratio" for n in DUP_NGRAM_NS], "stop_word_count", "stop_word_ratio", "line_punct_ratio",
    "short_line_ratio", "char_dup_ratio", "newline_word_ratio",
]


def _duplicates(items: Sequence[str]) -> tuple[int, int]:
    """(number of repeated items, characters in them): the second and later copies count."""
    seen: set[str] = set()
    n_dup = n_chars = 0
    for item in items:
        if item in seen:
            n_dup += 1
            n_chars += len(item)
        else:
            seen.add(item)
    return n_dup, n_chars


_HASH_MUL = np.uint64(0x9E3779B97F4A7C15)  # odd 64-bit multiplier for the rolling n-gram hash


def _gopher_dup_chars(grams: np.ndarray, keys: list[int], ends: np.ndarray, n: int) -> int:
    """Gopher's duplicated n-gram characters: walk the n-grams, and at each one already seen add its
    characters and jump n ahead (skipped n-grams are never "seen").

    Only positions whose n-gram occurred earlier can be duplicates, so the walk visits just those; an
    earlier first occurrence was seen unless it fell inside a jump, which `bisect` over the jumps answers.
    """
    from bisect import bisect_right

    _, first, inverse = np.unique(grams, return_index=True, return_inverse=True)
    first_pos = first[inverse]
    candidates = np.flatnonzero(first_pos < np.arange(len(grams))).tolist()
    jump_starts: list[int] = []  # a jump from duplicate d skips positions d+1 .. d+n-1
    seen_later: set[int] = set()
    chars = until = 0
    for p in candidates:
        if p < until:
            continue
        key = keys[p]
        f = int(first_pos[p])
        k = bisect_right(jump_starts, f) - 1
        if key in seen_later or not (k >= 0 and jump_starts[k] < f < jump_starts[k] + n):
            chars += int(ends[p + n] - ends[p]) + n - 1
            jump_starts.append(p)
            until = p + n
        seen_later.add(key)
    return chars


def _ngram_repetition(tokens: list[str]) -> list[float]:
    """Characters in the top 2/3/4-gram (if repeated) and in duplicated 5..10-grams (Gopher, skipping).

    If no n-gram repeats, no longer one can, so each step can end the work: most short texts stop at the
    2-grams and most long ones at the 5-grams. The duplicated-n-gram walk, needed only past that, uses
    64-bit rolling hashes of the tokens built with numpy (~10x cheaper than tuples of strings); a
    collision (~2^-64 per pair) would only nudge a ratio.
    """
    n_tok = len(tokens)
    out = [0.0] * (len(TOP_NGRAM_NS) + len(DUP_NGRAM_NS))
    if n_tok < 4:
        return out
    for slot, n in enumerate(TOP_NGRAM_NS):
        counts = Counter(zip(*(tokens[i:] for i in range(n))))
        top = max(counts.values(), default=0)
        if top < 2:
            return out
        gram = next(g for g, c in counts.items() if c == top)
        out[slot] = float((sum(map(len, gram)) + n - 1) * top)
    first = DUP_NGRAM_NS[0]
    if len(set(zip(*(tokens[i:] for i in range(first))))) == n_tok - first + 1:
        return out
    ids = np.fromiter(map(hash, tokens), dtype=np.int64, count=n_tok).view(np.uint64)
    ends = np.zeros(n_tok + 1, dtype=np.int64)
    np.cumsum(np.fromiter(map(len, tokens), dtype=np.int64, count=n_tok), out=ends[1:])
    grams = ids
    for n in range(2, max(DUP_NGRAM_NS) + 1):
        grams = grams[:-1] * _HASH_MUL + ids[n - 1:]
        if n < first:
            continue
        keys = grams.tolist()
        if len(set(keys)) == len(keys):
            break
        out[len(TOP_NGRAM_NS) + DUP_NGRAM_NS.index(n)] = float(_gopher_dup_chars(grams, keys, ends, n))
    return out


def _non_alnum_chars(text: str) -> int:
    """Characters that are not letters or digits (whitespace included), as NeMo's NonAlphaNumericFilter."""
    ascii_non_alnum = len(text.encode("ascii", "ignore").translate(None, _ASCII_ALNUM))
    if text.isascii():
        return ascii_non_alnum
    # Non-ASCII characters are few per text: test just those one by one.
    return ascii_non_alnum + sum(1 for c in _NON_ASCII_RE.findall(text) if not c.isalnum())


def tokenize(text: str) -> list[str]:
    """Lower-cased word tokens with straight apostrophes: what n-grams and the slop lexicon use."""
    return TOKEN_RE.findall(text.lower().replace("\u2019", "'"))


def lexical_row(text: str, tokens: list[str]) -> list[float]:
    """SIGNAL_COLUMNS for one text, given its `tokenize` tokens."""
    n_chars = len(text) or 1
    words = text.split()
    n_words = len(words) or 1
    n_tok = len(tokens)
    lines = text.split("\n")
    n_lines = len(lines)
    stripped = [line.strip() for line in lines]
    nonempty = [s for s in stripped if s]
    n_nonempty = len(nonempty) or 1
    paragraphs = _PARA_RE.split(text.strip()) if "\n\n" in text else [text.strip()]

    dup_lines, dup_line_chars = _duplicates(nonempty)
    dup_paras, dup_para_chars = _duplicates(paragraphs)
    row = [
        len(words), len(text), n_lines,
        sum(map(len, tokens)) / n_tok if n_tok else 0.0,
        _non_alnum_chars(text) / n_chars,
        len(text.translate(_DROP_NON_LETTERS).split()) / n_words if words else 0.0,
        (text.count("#") + text.count("...") + text.count("\u2026")) / n_words,
        sum(s.startswith(_BULLETS) for s in nonempty) / n_nonempty,
        len(_NUMBERED_RE.findall(text)) / n_nonempty,
        sum(s.endswith(("...", "\u2026")) for s in nonempty) / n_nonempty,
        dup_lines / n_nonempty, dup_line_chars / n_chars,
        dup_paras / (len(paragraphs) or 1), dup_para_chars / n_chars,
    ]
    row += [min(1.0, chars / n_chars) for chars in _ngram_repetition(tokens)]
    n_stop = sum(1 for t in tokens if t in GOPHER_STOP_WORDS)
    row += [
        n_stop, n_stop / n_tok if n_tok else 0.0,
        sum(1 for line in lines if line.endswith(_FINEWEB_STOP_CHARS)) / n_lines,
        sum(1 for line in lines if len(line) <= 30) / n_lines,
        dup_line_chars / (len(text) - text.count("\n") or 1),
        text.count("\n") / n_words,
    ]
    return row


def compute_lexical_signals(texts: Sequence[str], *,
                            tokens: Sequence[list[str]] | None = None) -> pd.DataFrame:
    """One row of SIGNAL_COLUMNS per text (None counts as empty); pass `tokens` if already tokenized."""
    tokens = tokens if tokens is not None else [tokenize(t or "") for t in texts]
    rows = [lexical_row(t or "", toks) for t, toks in zip(texts, tokens)]
    frame = pd.DataFrame(rows, columns=SIGNAL_COLUMNS) if rows else pd.DataFrame(columns=SIGNAL_COLUMNS)
    counts = ("n_words", "n_chars", "n_lines", "stop_word_count")
    return frame.astype({c: (np.int32 if c in counts else np.float32) for c in SIGNAL_COLUMNS})


def gopher_flags(signals: pd.DataFrame, *, thresholds: dict[str, float] | None = None) -> pd.DataFrame:
    """Pass/fail per heuristic: a `fail_<name>` bool column each, plus `gopher_pass` and `fineweb_pass`.

    `thresholds` overrides cut-offs by name (see THRESHOLDS); a heuristic whose signal column is missing
    is skipped. Rows with no words fail everything, as the filters would drop them.
    """
    cutoffs = {name: cut for name, (_, cut, _) in THRESHOLDS.items()}
    cutoffs.update(thresholds or {})
    out = pd.DataFrame(index=signals.index)
    for name, (direction, _, _) in THRESHOLDS.items():
        column = name.removesuffix("_min").removesuffix("_max")
        if column not in signals:
            continue
        values = signals[column].to_numpy()
        if name == "line_punct_ratio":  # FineWeb fails at <= the cut-off, not <
            out[f"fail_{name}"] = values <= cutoffs[name]
        else:
            out[f"fail_{name}"] = values < cutoffs[name] if direction == "min" else values > cutoffs[name]
    empty = signals["n_words"].to_numpy() == 0 if "n_words" in signals else np.zeros(len(signals), bool)
    gopher = [f"fail_{k}" for k in GOPHER_CHECKS if f"fail_{k}" in out]
    fineweb = [f"fail_{k}" for k in FINEWEB_CHECKS if f"fail_{k}" in out]
    out["gopher_pass"] = ~(out[gopher].any(axis=1).to_numpy() | empty)
    out["fineweb_pass"] = ~(out[fineweb].any(axis=1).to_numpy() | empty)
    return out
