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
_NON_ALNUM_RE = re.compile(r"[\W_]")
_ASCII_ALNUM = (string.ascii_letters + string.digits).encode()
# Deleting digits and punctuation (keeping whitespace) leaves exactly the words that contain a letter.
_DROP_NON_LETTERS = str.maketrans("", "", string.digits + string.punctuation
                                  + "\u2013\u2014\u2022\u2026\u201c\u201d\u2018\u2019\u00ab\u00bb\u00b7\u25cf\u25e6\u25aa")
_BULLETS = ("\u2022", "\u25cf", "\u25e6", "\u2023", "\u2043", "\u25aa", "\u25cb", "-", "*", "\u2013")
_NUMBERED_RE = re.compile(r"^\s*\d{1,3}[.)]\s", re.M)
_FINEWEB_STOP_CHARS = (".", "'", '"', "!", "?")
GOPHER_STOP_WORDS = frozenset(["the", "be", "to", "of", "and", "that", "have", "with"])
DUP_NGRAM_NS = (5, 6, 7, 8, 9, 10)
TOP_NGRAM_NS = (2, 3, 4)

# name: (direction, cut-off, source). "max" fails when value > cut-off, "min" when value < cut-off.
THRESHOLDS: dict[str, tuple[str, float, str]] = {
    "n_words_min": ("min", 50, "datatrove GopherQualityFilter min_doc_words=50; NeMo WordCountFilter min_words=50"),
    "n_words_max": ("max", 100_000, "datatrove GopherQualityFilter max_doc_words=100000; NeMo max_words=100000"),
    "mean_word_len_min": ("min", 3, "datatrove GopherQualityFilter min_avg_word_length=3; NeMo MeanWordLengthFilter"),
    "mean_word_len_max": ("max", 10, "datatrove GopherQualityFilter max_avg_word_length=10; NeMo MeanWordLengthFilter"),
    "symbol_word_ratio": ("max", 0.1, "datatrove GopherQualityFilter max_symbol_word_ratio=0.1 ('#' and ellipses); "
                          "NeMo SymbolsToWordsFilter 0.1"),
    "bullet_line_ratio": ("max", 0.9, "datatrove GopherQualityFilter max_bullet_lines_ratio=0.9; NeMo BulletsFilter 0.9"),
    "ellipsis_line_ratio": ("max", 0.3, "datatrove GopherQualityFilter max_ellipsis_lines_ratio=0.3; NeMo EllipsisFilter 0.3"),
    "alpha_word_ratio": ("min", 0.8, "datatrove GopherQualityFilter max_non_alpha_words_ratio=0.8 (share of words with "
                         "a letter); NeMo WordsWithoutAlphabetsFilter 0.8"),
    "non_alpha_ratio": ("max", 0.25, "NeMo NonAlphaNumericFilter max_non_alpha_numeric_to_text_ratio=0.25 (chars)"),
    "stop_word_count": ("min", 2, "datatrove GopherQualityFilter min_stop_words=2 (the,be,to,of,and,that,have,with); "
                        "NeMo CommonEnglishWordsFilter 2"),
    "dup_line_ratio": ("max", 0.3, "datatrove GopherRepetitionFilter dup_line_frac=0.3 (NeMo RepeatedLinesFilter keeps "
                       "unique share >= 0.7)"),
    "dup_para_ratio": ("max", 0.3, "datatrove GopherRepetitionFilter dup_para_frac=0.3 (NeMo RepeatedParagraphsFilter 0.7)"),
    "dup_line_char_ratio": ("max", 0.2, "datatrove GopherRepetitionFilter dup_line_char_frac=0.2"),
    "dup_para_char_ratio": ("max", 0.2, "datatrove GopherRepetitionFilter dup_para_char_frac=0.2"),
    "top_2gram_ratio": ("max", 0.20, "Gopher Table A1 / datatrove top_n_grams (2, 0.20); NeMo RepeatingTopNGramsFilter"),
    "top_3gram_ratio": ("max", 0.18, "Gopher Table A1 / datatrove top_n_grams (3, 0.18)"),
    "top_4gram_ratio": ("max", 0.16, "Gopher Table A1 / datatrove top_n_grams (4, 0.16)"),
    **{f"dup_{n}gram_ratio": ("max", round(0.15 - 0.01 * (n - 5), 2),
                              f"Gopher Table A1 / datatrove dup_n_grams ({n}, {0.15 - 0.01 * (n - 5):.2f}); "
                              "NeMo RepeatingDuplicateNGramsFilter") for n in DUP_NGRAM_NS},
    "line_punct_ratio": ("min", 0.12, "datatrove FineWebQualityFilter line_punct_thr=0.12 (fails at <= 0.12)"),
    "short_line_ratio": ("max", 0.67, "datatrove FineWebQualityFilter short_line_thr=0.67, short_line_length=30"),
    "char_dup_ratio": ("max", 0.01, "datatrove FineWebQualityFilter char_duplicates_ratio=0.01"),
    "newline_word_ratio": ("max", 0.3, "datatrove FineWebQualityFilter new_line_ratio=0.3 ('list_ratio')"),
}
# Which heuristics make up the Gopher verdict (FineWeb's are reported separately).
GOPHER_CHECKS = [k for k in THRESHOLDS if not k.startswith(("line_punct", "short_line", "char_dup", "newline"))]
FINEWEB_CHECKS = ["line_punct_ratio", "short_line_ratio", "char_dup_ratio", "newline_word_ratio"]

SIGNAL_COLUMNS = [
    "n_words", "n_chars", "n_lines", "mean_word_len", "non_alpha_ratio", "alpha_word_ratio", "symbol_word_ratio",
    "bullet_line_ratio", "numbered_line_ratio", "ellipsis_line_ratio", "dup_line_ratio", "dup_line_char_ratio",
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


def _dup_ngram_chars(tokens: list[str], n: int) -> int:
    """Characters inside duplicated n-grams, skipping past each duplicate (Gopher, non-overlapping)."""
    seen: set[tuple[str, ...]] = set()
    chars = i = 0
    last = len(tokens) - n
    while i <= last:
        gram = tuple(tokens[i:i + n])
        if gram in seen:
            chars += sum(map(len, gram)) + n - 1
            i += n
        else:
            seen.add(gram)
            i += 1
    return chars


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
    paragraphs = _PARA_RE.split(text.strip())

    dup_lines, dup_line_chars = _duplicates(nonempty)
    dup_paras, dup_para_chars = _duplicates(paragraphs)
    row = [
        len(words), len(text), n_lines,
        sum(map(len, tokens)) / n_tok if n_tok else 0.0,
        (len(text.encode().translate(None, _ASCII_ALNUM)) if text.isascii()
         else len(_NON_ALNUM_RE.findall(text))) / n_chars,
        len(text.translate(_DROP_NON_LETTERS).split()) / n_words if words else 0.0,
        (text.count("#") + text.count("...") + text.count("\u2026")) / n_words,
        sum(s.startswith(_BULLETS) for s in nonempty) / n_nonempty,
        len(_NUMBERED_RE.findall(text)) / n_nonempty,
        sum(s.endswith(("...", "\u2026")) for s in nonempty) / n_nonempty,
        dup_lines / n_nonempty, dup_line_chars / n_chars,
        dup_paras / (len(paragraphs) or 1), dup_para_chars / n_chars,
    ]
    # If no 2-gram repeats, no longer n-gram can: most short texts stop after one Counter.
    repeats = n_tok >= 4
    for n in TOP_NGRAM_NS:
        top = Counter(zip(*(tokens[i:] for i in range(n)))).most_common(1) if repeats and n_tok >= 2 * n else []
        repeats = bool(top) and top[0][1] > 1
        if repeats:
            gram, count = top[0]
            row.append(min(1.0, (sum(map(len, gram)) + n - 1) * count / n_chars))
        else:
            row.append(0.0)
    # Likewise a duplicated 10-gram contains a duplicated 5-gram, so texts with none (most) stop here.
    repeats = n_tok >= 10 and len(set(zip(*(tokens[i:] for i in range(5))))) < n_tok - 4
    for n in DUP_NGRAM_NS:
        chars = _dup_ngram_chars(tokens, n) if repeats else 0
        repeats = chars > 0
        row.append(chars / n_chars)
    n_stop = sum(1 for t in tokens if t in GOPHER_STOP_WORDS)
    row += [
        n_stop, n_stop / n_tok if n_tok else 0.0,
        sum(1 for line in lines if line.endswith(_FINEWEB_STOP_CHARS)) / n_lines,
        sum(1 for line in lines if len(line) <= 30) / n_lines,
        dup_line_chars / (len(text) - text.count("\n") or 1),
        text.count("\n") / n_words,
    ]
    return row


def compute_lexical_signals(texts: Sequence[str], *, tokens: Sequence[list[str]] | None = None) -> pd.DataFrame:
    """One row of SIGNAL_COLUMNS per text (None counts as empty); pass `tokens` if already tokenized."""
    tokens = tokens if tokens is not None else [tokenize(t or "") for t in texts]
    rows = [lexical_row(t or "", toks) for t, toks in zip(texts, tokens)]
    frame = pd.DataFrame(rows, columns=SIGNAL_COLUMNS) if rows else pd.DataFrame(columns=SIGNAL_COLUMNS)
    return frame.astype({"n_words": np.int32, "n_chars": np.int32, "n_lines": np.int32,
                         "stop_word_count": np.int32}).astype(
        {c: np.float32 for c in SIGNAL_COLUMNS if c not in ("n_words", "n_chars", "n_lines", "stop_word_count")})


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
