"""Long n-gram overlap between rows and a reference (eval) set, vectorised with numpy: the engine of
decontamination.

    index = build_index(eval_texts, n=13)                # the eval set's n-grams: sorted hashes + where each is from
    hits = find_overlaps(texts, index)                   # [Overlap(row, item, span in row, span in item, ngrams)]

Text is normalised the way the GPT-3 paper's decontamination was (Brown et al. 2020, appendix C): lower case,
punctuation dropped, whitespace collapsed, then n-grams of words (13 by default). Han / kana characters have no
spaces between words, so each one is a token. Everything runs on whole batches of rows at once: the batch is
lowered and encoded as UTF-32 in one call, token and n-gram hashes are polynomial hashes computed with
cumulative sums (uint64 arithmetic wraps modulo 2**64), and membership is one searchsorted against the eval
set's sorted hashes; Python only touches the rows that match.

An eval item shorter than n tokens (a short question) is matched whole when it has at least MIN_TOKENS tokens;
shorter items cannot be checked reliably and are counted as skipped.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

DEFAULT_N = 13
MIN_TOKENS = 8
BITMAP_FROM = 50_000  # n-grams in the index above which membership goes through a bitmap first
BITMAP_BITS = 27  # 16 MB: with 2.5 million eval n-grams (10,000 items) ~2% of row n-grams pass the bitmap
_P = np.uint64(0x100000001B3)  # odd, so invertible modulo 2**64
_Q = np.uint64(0x9E3779B97F4A7C15)
_ASCII_WORD = np.zeros(128, dtype=bool)
for _c in "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789":
    _ASCII_WORD[ord(_c)] = True
# Non-ASCII code points that separate words: Latin-1 punctuation and symbols, general punctuation, CJK
# punctuation, full-width forms' punctuation. Every other non-ASCII character is a letter of some word.
_SEPARATOR_RANGES = ((0x80, 0xBF), (0xD7, 0xD7), (0xF7, 0xF7), (0x2000, 0x206F), (0x20A0, 0x20CF), (0x2190, 0x23FF),
                     (0x2500, 0x27BF), (0x3000, 0x303F), (0xFE30, 0xFE4F), (0xFF00, 0xFF0F), (0xFF1A, 0xFF20),
                     (0xFF3B, 0xFF40), (0xFF5B, 0xFF65))
_JOINER = np.zeros(0x2019 + 1, dtype=bool)
_JOINER[[ord("."), ord(","), ord("'"), 0x2019]] = True  # ’ (U+2019) is the typographic apostrophe
_SINGLE_RANGES = ((0x3040, 0x30FF), (0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF))  # one token per char


def _mix(x: np.ndarray) -> np.ndarray:
    """splitmix64's finaliser: spreads the polynomial hash's bits (uint64 in, uint64 out)."""
    x = x ^ (x >> np.uint64(30))
    x = x * np.uint64(0xBF58476D1CE4E5B9)
    x = x ^ (x >> np.uint64(27))
    x = x * np.uint64(0x94D049BB133111EB)
    return x ^ (x >> np.uint64(31))


_POWERS: dict[int, np.ndarray] = {}


def _powers(base: np.uint64, n: int) -> np.ndarray:
    """base**0 .. base**(n-1) modulo 2**64, from a per-process cache grown on demand (a batch of 20,000 rows
    needs ~6 million; computing them for every batch cost a tenth of the scan)."""
    cached = _POWERS.get(int(base))
    if cached is None or len(cached) < n:
        size = max(n, 1, 2 * (0 if cached is None else len(cached)))
        out = np.full(size, base, dtype=np.uint64)
        out[0] = 1
        cached = _POWERS[int(base)] = np.cumprod(out, dtype=np.uint64)
    return cached[:max(n, 1)]


def _inverse(a: int) -> np.uint64:
    return np.uint64(pow(int(a), -1, 2 ** 64))


_P_INV = _inverse(_P)
_Q_INV = _inverse(_Q)


class Tokens(NamedTuple):
    """Tokens of a batch: hash, row, start and end (character offsets in the row's lowered text)."""
    hashes: np.ndarray
    rows: np.ndarray
    starts: np.ndarray
    ends: np.ndarray


def tokenize(texts: list[str]) -> Tokens:
    """Every token of every text, in order, in one vectorised pass.

    A full stop, comma or apostrophe between two letters or digits joins them and is dropped ("U.S.A." and "USA",
    "don't" and "don’t", "1,000" and "1000" are one token each, the same one): an edit that drops such a mark
    leaves the tokens as they were. Every other punctuation mark separates words."""
    texts = [t.replace("\x00", " ") if "\x00" in t else t for t in texts]
    joined = "\x00".join(texts).lower() + "\x00"
    codes = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32)
    del joined
    ascii_ = codes < 128
    word = np.where(ascii_, _ASCII_WORD[np.minimum(codes, 127)], True)
    single = np.zeros(len(codes), dtype=bool)
    if not ascii_.all():
        high = np.flatnonzero(~ascii_)
        values = codes[high]
        for lo, hi in _SEPARATOR_RANGES:
            word[high[(values >= lo) & (values <= hi)]] = False
        for lo, hi in _SINGLE_RANGES:
            single[high[(values >= lo) & (values <= hi)]] = True
    prev_word = np.concatenate(([False], word[:-1]))
    next_word = np.concatenate((word[1:], [False]))
    prev_single = np.concatenate(([False], single[:-1]))
    next_single = np.concatenate((single[1:], [False]))
    joiner = _JOINER[np.minimum(codes, 0x2019)] & prev_word & next_word & ~prev_single & ~next_single
    inside = word | joiner
    prev_inside = np.concatenate(([False], inside[:-1]))
    next_inside = np.concatenate((inside[1:], [False]))
    starts = np.flatnonzero(word & (~prev_inside | single | prev_single))
    ends = np.flatnonzero(word & (~next_inside | single | next_single)) + 1
    # Token hash: sum of code * P**k over its letters (k counts letters only, so a dropped joiner changes
    # nothing), from one cumulative sum over the letters of the whole batch.
    before = np.concatenate(([0], np.cumsum(word)))  # letters before each position
    letters = codes[word].astype(np.uint64)
    weights = _powers(_P, len(letters))
    cumulative = np.concatenate(([np.uint64(0)], np.cumsum(letters * weights, dtype=np.uint64)))
    inverse = _powers(_P_INV, len(letters) + 1)
    first, last = before[starts], before[ends]
    hashes = _mix((cumulative[last] - cumulative[first]) * inverse[first])
    separators = np.flatnonzero(codes == 0)
    rows = np.searchsorted(separators, starts)
    row_starts = np.concatenate(([0], separators[:-1] + 1))
    return Tokens(hashes, rows, starts - row_starts[rows], ends - row_starts[rows])


def _cumulative(tokens: Tokens) -> np.ndarray:
    """0, then the running sums of T[j] * Q**j: any window's hash is a difference of two of them."""
    weights = _powers(_Q, len(tokens.hashes))
    return np.concatenate(([np.uint64(0)], np.cumsum(tokens.hashes * weights, dtype=np.uint64)))


def ngram_hashes(tokens: Tokens, n: int, cumulative: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(hash, index of its first token) of every window of n tokens that stays inside one row. `cumulative`
    (from _cumulative) is shared when several lengths are hashed over the same tokens."""
    count = len(tokens.hashes) - n + 1
    if count <= 0:
        return np.empty(0, np.uint64), np.empty(0, np.int64)
    first = np.flatnonzero(tokens.rows[n - 1:] == tokens.rows[:count])
    # sum_k T[i+k] * Q**k as a difference of cumulative sums of T[j] * Q**j, scaled back by Q**-i.
    cumulative = _cumulative(tokens) if cumulative is None else cumulative
    inverse = _powers(_Q_INV, count)[first]
    return _mix((cumulative[first + n] - cumulative[first]) * inverse), first


@dataclass
class Index:
    """An eval set's n-grams: sorted hashes (with repeats), and for each the item and token it came from."""
    n: int
    lengths: tuple[int, ...]  # n, and the lengths of short items matched whole
    hashes: dict[int, np.ndarray]
    items: dict[int, np.ndarray]
    first_token: dict[int, np.ndarray]
    item_count: int
    skipped: int  # items with fewer than MIN_TOKENS tokens
    bitmaps: dict[int, np.ndarray]  # for the lengths with many n-grams: a prefilter (see _bitmap)


def build_index(texts: list[str], *, n: int = DEFAULT_N, min_tokens: int = MIN_TOKENS) -> Index:
    tokens = tokenize(texts)
    per_item = np.bincount(tokens.rows, minlength=len(texts))
    hashes, items, first = {}, {}, {}
    lengths = sorted({n} | {int(k) for k in np.unique(per_item) if min_tokens <= k < n})
    bitmaps = {}
    cumulative = _cumulative(tokens)
    for length in lengths:
        h, at = ngram_hashes(tokens, length, cumulative)
        rows = tokens.rows[at]
        if length < n:  # a short item is one window of its own length: keep only whole items of that length
            whole = (per_item[rows] == length)
            h, at, rows = h[whole], at[whole], rows[whole]
        order = np.argsort(h, kind="stable")  # repeats kept: an n-gram in several items names each of them
        hashes[length], items[length], first[length] = h[order], rows[order], at[order]
        if len(h) > BITMAP_FROM:
            bitmaps[length] = _bitmap(h)
    return Index(n, tuple(lengths), hashes, items, first, len(texts), int((per_item < min_tokens).sum()), bitmaps)


def _bitmap(hashes: np.ndarray) -> np.ndarray:
    """A 2**BITMAP_BITS-bit set of the hashes' top bits: one look-up rules out almost every row n-gram, where a
    binary search into millions of sorted hashes costs ~21 cache misses each."""
    bits = np.zeros(1 << (BITMAP_BITS - 3), dtype=np.uint8)
    top = (hashes >> np.uint64(64 - BITMAP_BITS)).astype(np.int64)
    np.bitwise_or.at(bits, top >> 3, (1 << (top & 7)).astype(np.uint8))
    return bits


def _maybe_in(bitmap: np.ndarray, hashes: np.ndarray) -> np.ndarray:
    top = (hashes >> np.uint64(64 - BITMAP_BITS)).astype(np.int64)
    return (bitmap[top >> 3] >> (top & 7).astype(np.uint8)) & 1 == 1


class Overlap(NamedTuple):
    row: int  # position of the row in the texts given
    item: int  # position of the eval item
    start: int  # matched span in the row (character offsets of the row's text)
    end: int
    ngrams: int  # n-grams of the row found in that item
    length: int  # tokens per n-gram: n, or the item's length when a short item matched whole


def find_overlaps(texts: list[str], index: Index) -> list[Overlap]:
    """Rows sharing an n-gram with an eval item: one Overlap per (row, item), its span covering every shared n-gram
    (first to last matched token). Offsets are in the row's own text (exact unless lowering changed its length)."""
    tokens = tokenize(texts)
    cumulative = _cumulative(tokens)
    out: dict[tuple[int, int], list[int]] = {}
    for length in index.lengths:
        ref = index.hashes[length]
        if not len(ref):
            continue
        h, at = ngram_hashes(tokens, length, cumulative)
        if length in index.bitmaps:
            maybe = _maybe_in(index.bitmaps[length], h)
            h, at = h[maybe], at[maybe]
        pos = np.searchsorted(ref, h)
        pos[pos == len(ref)] = 0
        hit = ref[pos] == h
        if not hit.any():
            continue
        stop = np.searchsorted(ref, h[hit], side="right")
        for first, lo, hi in zip(at[hit].tolist(), pos[hit].tolist(), stop.tolist()):
            row = int(tokens.rows[first])
            start, end = int(tokens.starts[first]), int(tokens.ends[first + length - 1])
            for item in set(index.items[length][lo:hi].tolist()):
                span = out.setdefault((row, item), [start, end, 0, length])
                span[0] = min(span[0], start)
                span[1] = max(span[1], end)
                span[2] += 1
    return sorted(Overlap(row, item, int(s), int(e), c, k) for (row, item), (s, e, c, k) in out.items())


def item_span(row_text: str, item_text: str, length: int) -> tuple[int, int]:
    """Where in `item_text` the `length`-grams it shares with `row_text` are: (first start, last end), or (0, 0)."""
    index = build_index([row_text], n=length, min_tokens=length)
    hits = find_overlaps([item_text], index)
    return (hits[0].start, hits[0].end) if hits else (0, 0)
