"""Duplicate detectors: each returns candidate pairs (i, j, sim, method), computed once and stored by the caller.

Rows are addressed by position (0..n-1) in the texts / vectors given; `i < j` in every pair and each pair
appears once. Pairs are kept down to a low *candidate* threshold, so a UI can move its slider anywhere above
it and regroup from the stored pairs (mixmap.core.dedup.groups.group_pairs) without recomputing anything here.

- exact:    normalised text (lowercase, punctuation stripped, whitespace collapsed) is equal; sim 1.0.
- minhash:  MinHash LSH over word (or character) n-gram shingles; candidates verified with exact Jaccard.
- semantic: cosine of L2-normalised vectors, k nearest neighbours by blocked matrix multiply, or all pairs
            within each cluster (SemDeDup, Abbas et al. 2023) when cluster ids are given.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import chain
from typing import TYPE_CHECKING

import numpy as np

from mixmap.core.errors import MixmapError
from mixmap.core.vectors import similar_pairs, unit_rows

if TYPE_CHECKING:
    import pandas as pd

PAIR_COLUMNS = ("i", "j", "sim", "method")
_PUNCT = re.compile(r"[^\w\s]+")
_U64 = np.uint64


def normalize_text(text: str) -> str:
    """Lowercase, strip punctuation, collapse whitespace: 'Hello,  World!' -> 'hello world'."""
    return " ".join(_words(text))


def _words(text: str | None) -> list[str]:
    # punctuation is deleted, not turned into a space, so "don't" and "dont" match (as datatrove does)
    return _PUNCT.sub("", (text or "").lower()).split()


def empty_pairs() -> pd.DataFrame:
    return _frame(np.empty(0, np.int64), np.empty(0, np.int64), np.empty(0, np.float32), "")


def _frame(i: np.ndarray, j: np.ndarray, sim: np.ndarray, method: str) -> pd.DataFrame:
    import pandas as pd

    return pd.DataFrame({"i": np.asarray(i, np.int64), "j": np.asarray(j, np.int64),
                         "sim": np.asarray(sim, np.float32), "method": method})


def _unique_pairs(i: np.ndarray, j: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Order each pair as (low, high), drop self-pairs and repeats."""
    lo, hi = np.minimum(i, j).astype(np.int64), np.maximum(i, j).astype(np.int64)
    keep = lo != hi
    key = np.unique(lo[keep] * n + hi[keep])
    return key // n, key % n


# --------------------------------------------------------------------------------------------- exact

def find_exact_pairs(texts: Sequence[str]) -> pd.DataFrame:
    """Rows whose normalised text is equal. Each member of a group is linked to the group's first row only
    (n - 1 pairs for a group of n, not n(n-1)/2): connected components give the same groups."""
    import pandas as pd

    # rows with nothing left after normalising ("", "!!!", emoji only) match only their exact raw text
    normalised = [normalize_text(t) or "\x00" + (t or "").strip() for t in texts]
    codes, _ = pd.factorize(pd.Series(normalised, dtype=object))  # exact equality, no hash collisions
    codes = np.asarray(codes)
    first = np.full(codes.max() + 1 if len(codes) else 0, -1, np.int64)
    rows = np.arange(len(codes))
    # first row of each text: with repeated indices numpy keeps the last write, so write in reverse
    first[codes[::-1]] = rows[::-1]
    head = first[codes]
    dup = head != rows
    return _frame(head[dup], rows[dup], np.ones(int(dup.sum()), np.float32), "exact")


# --------------------------------------------------------------------------------------------- minhash

@dataclass(frozen=True)
class LshParams:
    """b bands of r rows: a pair with Jaccard s becomes a candidate with probability 1 - (1 - s^r)^b."""

    bands: int
    rows: int

    @property
    def num_perm(self) -> int:
        return self.bands * self.rows

    def candidate_probability(self, s: float) -> float:
        return 1.0 - (1.0 - s**self.rows) ** self.bands


def choose_lsh_params(threshold: float, num_perm: int = 128, *, min_recall: float = 0.98) -> LshParams:
    """The (bands, rows), b * r <= num_perm, that make a pair at exactly `threshold` a candidate with
    probability >= min_recall and, among those, let the fewest dissimilar pairs through: the smallest
    false-positive area, the integral of the S-curve from 0 to the threshold (datasketch's
    `_optimal_param` criterion, which Lilac and text-dedup reuse). datasketch minimises that area plus the
    false-negative area with equal weights; that leaves pairs at the threshold only ~55% likely to be
    found (0.5 -> 25 x 5). We verify every candidate with exact Jaccard, so a false candidate costs a set
    intersection while a missed pair is lost for good: hence a recall floor instead of a trade-off.
    If no (b, r) reaches the floor, the one with the highest recall at the threshold wins."""
    if not 0.0 < threshold < 1.0:
        raise MixmapError(f"MinHash threshold must be between 0 and 1 (exclusive), got {threshold}")
    s = np.linspace(0.0, threshold, 401)
    best, best_key = LshParams(1, 1), (np.inf, np.inf, np.inf)
    for b in range(1, num_perm + 1):
        for r in range(1, num_perm // b + 1):
            params = LshParams(b, r)
            recall = params.candidate_probability(threshold)
            fp_area = float(np.trapezoid(1.0 - (1.0 - s**r) ** b, s))
            # rank: meets the floor first, then least false-positive area (or most recall), then fewer perms
            key = (0, fp_area, b * r) if recall >= min_recall else (1, -recall, b * r)
            if key < best_key:
                best, best_key = params, key
    return best


def _mix64(h: np.ndarray) -> np.ndarray:
    """splitmix64 finaliser: spreads the bits of a combined n-gram hash (uint64 wraps around on purpose)."""
    h = h ^ (h >> _U64(30))
    h = h * _U64(0xBF58476D1CE4E5B9)
    h = h ^ (h >> _U64(27))
    h = h * _U64(0x94D049BB133111EB)
    return h ^ (h >> _U64(31))


def shingle_hashes(texts: Sequence[str], *, ngram: int = 3, shingle: str = "word"
                   ) -> tuple[np.ndarray, np.ndarray]:
    """32-bit hashes of each row's distinct n-gram shingles, as one flat array plus row offsets (n + 1).

    Words are hashed once per distinct word (pandas' stable SipHash) and n-grams are combined in numpy,
    so no Python code runs per shingle. A row shorter than n words is one shingle (its whole text), as in
    datatrove; an empty row has no shingles and can only match through the exact detector."""
    import pandas as pd

    if ngram < 1:
        raise MixmapError(f"ngram must be at least 1, got {ngram}")
    if shingle == "word":
        docs = [_words(t) for t in texts]
    elif shingle == "char":
        # characters of the normalised text, spaces included, so word boundaries count
        docs = [list(normalize_text(t)) for t in texts]
    else:
        raise MixmapError(f"unknown shingle kind {shingle!r}; use 'word' or 'char'")
    lens = np.fromiter((len(d) for d in docs), np.int64, count=len(docs))
    flat = np.array(list(chain.from_iterable(docs)), dtype=object)
    if len(flat) == 0:
        return np.empty(0, np.uint32), np.zeros(len(docs) + 1, np.int64)
    codes, uniques = pd.factorize(flat)
    token = pd.util.hash_array(np.asarray(uniques, dtype=object))[codes]
    starts = np.concatenate([[0], np.cumsum(lens)])
    doc_of = np.repeat(np.arange(len(docs)), lens)
    pos = np.arange(len(flat)) - starts[doc_of]
    # a shingle starts at pos p when p + n <= len, or at p == 0 for rows shorter than n
    eff = np.minimum(lens, ngram)[doc_of]
    valid = pos + eff <= lens[doc_of]
    combined = np.zeros(len(flat), _U64)
    with np.errstate(over="ignore"):
        for k in range(ngram):
            shifted = np.zeros(len(flat), _U64)
            shifted[: len(flat) - k] = token[k:]
            use = k < eff  # short rows combine only the words they have
            combined = np.where(use, combined * _U64(0x100000001B3) + shifted, combined)
        hashed = (_mix64(combined[valid]) >> _U64(32)).astype(np.uint32)
    doc_valid = doc_of[valid]
    # distinct shingles per row: sort by (row, hash), drop repeats
    order = np.lexsort((hashed, doc_valid))
    hashed, doc_valid = hashed[order], doc_valid[order]
    distinct = np.ones(len(hashed), bool)
    distinct[1:] = (hashed[1:] != hashed[:-1]) | (doc_valid[1:] != doc_valid[:-1])
    hashed, doc_valid = hashed[distinct], doc_valid[distinct]
    offsets = np.zeros(len(docs) + 1, np.int64)
    np.cumsum(np.bincount(doc_valid, minlength=len(docs)), out=offsets[1:])
    return hashed, offsets


def minhash_signatures(hashes: np.ndarray, offsets: np.ndarray, *, num_perm: int = 128, seed: int = 42,
                       block: int = 1 << 17) -> np.ndarray:
    """MinHash signatures (n x num_perm, uint32) from `shingle_hashes` output.

    Permutation k is multiply-add-shift, h_k(x) = ((a_k x + b_k) mod 2^64) >> 32 with a_k odd: 2-independent
    for 32-bit x (Dietzfelbinger 1996) and 3 numpy ops per element, where datasketch's (a x + b) mod p runs
    in Python per document (~0.2 ms each). The min over 64 bits, shifted after, equals the min of the shifted
    values, which saves a pass. Rows with no shingles get the all-ones signature and are skipped by LSH."""
    rng = np.random.default_rng(seed)
    a = rng.integers(0, 1 << 63, num_perm, dtype=_U64) * _U64(2) + _U64(1)
    b = rng.integers(0, 1 << 63, num_perm, dtype=_U64)
    n = len(offsets) - 1
    sig = np.full((n, num_perm), np.iinfo(np.uint32).max, np.uint32)
    x = hashes.astype(_U64)
    row_of = np.repeat(np.arange(n), np.diff(offsets))
    with np.errstate(over="ignore"):
        # fixed-size blocks of shingles, not of rows: the (num_perm x block) temporary stays ~128 MB even
        # for one huge row; a row cut by a block boundary takes the min of its parts
        for s0 in range(0, len(x), block):
            s1 = min(s0 + block, len(x))
            rows, first = np.unique(row_of[s0:s1], return_index=True)
            h = np.multiply.outer(a, x[s0:s1])
            h += b[:, None]
            mins = (np.minimum.reduceat(h, first, axis=1) >> _U64(32)).astype(np.uint32).T
            sig[rows] = np.minimum(sig[rows], mins)
    return sig


def lsh_candidates(sig: np.ndarray, params: LshParams, *, skip: np.ndarray | None = None,
                   window: int = 8) -> tuple[np.ndarray, np.ndarray]:
    """Pairs of rows that share at least one band. Within a bucket each row is paired with the next
    `window` rows (all pairs for buckets up to window + 1), so a bucket of 10,000 copies yields ~80k
    candidates instead of 50M, and still forms one connected component."""
    n = len(sig)
    rows = np.flatnonzero(~skip) if skip is not None else np.arange(n)
    ii, jj = [], []
    with np.errstate(over="ignore"):
        for band in range(params.bands):
            cols = sig[rows, band * params.rows:(band + 1) * params.rows].astype(_U64)
            key = np.zeros(len(rows), _U64)
            for c in range(cols.shape[1]):
                key = _mix64(key * _U64(0x100000001B3) + cols[:, c])
            order = np.argsort(key, kind="stable")
            skey, srows = key[order], rows[order]
            for d in range(1, window + 1):
                same = skey[d:] == skey[:-d]
                if not same.any():
                    break
                ii.append(srows[:-d][same])
                jj.append(srows[d:][same])
    if not ii:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    return _unique_pairs(np.concatenate(ii), np.concatenate(jj), n)


def jaccard(hashes: np.ndarray, offsets: np.ndarray, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """Exact Jaccard of the shingle sets of rows i[k] and j[k] (float32)."""
    involved = np.unique(np.concatenate([i, j]))
    sets = {int(r): set(hashes[offsets[r]:offsets[r + 1]].tolist()) for r in involved}
    out = np.empty(len(i), np.float32)
    for k, (a, b) in enumerate(zip(i.tolist(), j.tolist())):
        sa, sb = sets[a], sets[b]
        inter = len(sa & sb)
        union = len(sa) + len(sb) - inter
        out[k] = inter / union if union else 1.0
    return out


def find_minhash_pairs(texts: Sequence[str], *, threshold: float = 0.5, ngram: int = 3, shingle: str = "word",
                       num_perm: int = 128, bands: int | None = None, rows: int | None = None, seed: int = 42,
                       candidate_threshold: float | None = None) -> pd.DataFrame:
    """Near-duplicate pairs by MinHash LSH, with `sim` the exact Jaccard of the rows' shingle sets.

    Defaults (word 3-grams, threshold 0.5) come from a sweep on planted edits (bench/bench_dedup.py
    --sweep): editing 10% of a row's words keeps about 0.9^n of its word n-grams, 73% of 3-grams (Jaccard
    ~0.55-0.65) but 59% of 5-grams, so at 0.5 word 5-grams found 71% of copies with 10% of words edited
    and 3-grams 99.6%, at precision >= 0.999 among unrelated rows and same-prompt answers. Others
    aim at closer copies: datatrove (MinhashConfig: word 5-grams, 14 buckets x 8 hashes = 112
    permutations, threshold ~0.72 = (1/14)^(1/8)), Lilac (near_dup: word 5-grams, 256 permutations,
    bands from datasketch's optimiser, threshold 0.85) and NeMo Curator (FuzzyDuplicatesConfig: character
    24-grams, 20 buckets x 13 hashes = 260 permutations, Jaccard 0.8). Bands x rows come from the
    threshold (`choose_lsh_params`) unless both `bands` and `rows` are given; then `num_perm` is ignored.

    LSH is tuned to `candidate_threshold` (default: `threshold`; pass a lower one, e.g. 0.4, so a UI can
    slide below `threshold` without recomputing), and pairs verified below it are dropped."""
    low = threshold if candidate_threshold is None else min(candidate_threshold, threshold)
    if (bands is None) != (rows is None):
        raise MixmapError("give both bands and rows, or neither (they are then chosen from the threshold)")
    params = LshParams(bands, rows) if bands and rows else choose_lsh_params(low, num_perm)
    hashes, offsets = shingle_hashes(texts, ngram=ngram, shingle=shingle)
    sig = minhash_signatures(hashes, offsets, num_perm=params.num_perm, seed=seed)
    i, j = lsh_candidates(sig, params, skip=np.diff(offsets) == 0)
    sim = jaccard(hashes, offsets, i, j)
    keep = sim >= low
    return _frame(i[keep], j[keep], sim[keep], "minhash")


# --------------------------------------------------------------------------------------------- semantic

def find_semantic_pairs(vectors: np.ndarray, *, threshold: float = 0.9, k: int = 10,
                        clusters: np.ndarray | None = None, block: int = 1024) -> pd.DataFrame:
    """Pairs with cosine >= `threshold` among each row's k nearest neighbours, or, when `clusters` is
    given, among all pairs within each cluster of up to 2,000 rows (SemDeDup, Abbas et al. 2023; larger
    clusters and noise, -1, by kNN within them). The search is exact: `block` query rows at a time, fewer
    when n is large so a block's scores stay under 128 MB; O(n^2 d) without clusters. Vectors are
    L2-normalised here if they are not already. Pass a low threshold (e.g. 0.8) to store candidates for
    a slider."""
    x = np.asarray(vectors, dtype=np.float32)
    if x.ndim != 2:
        raise MixmapError(f"vectors must be a 2-D array (rows x dims), got shape {x.shape}")
    x = unit_rows(x)
    n = len(x)
    if clusters is None:
        i, j, s = similar_pairs(x, np.arange(n), threshold=threshold, k=k, block=block)
    else:
        labels = np.asarray(clusters)
        if len(labels) != n:
            raise MixmapError(f"got {len(labels)} cluster ids for {n} vectors; pass one id per row")
        parts = []
        for c in np.unique(labels):
            members = np.flatnonzero(labels == c)
            # small clusters: every pair (k = size); noise and big clusters: kNN
            kk = len(members) - 1 if c != -1 and len(members) <= 2000 else k
            parts.append(similar_pairs(x[members], members, threshold=threshold, k=kk, block=block))
        i, j, s = (np.concatenate(p) for p in zip(*parts)) if parts else (np.empty(0),) * 3
    if len(i) == 0:
        return _frame(i, j, s, "semantic")
    lo, hi = np.minimum(i, j), np.maximum(i, j)
    frame = _frame(lo, hi, s, "semantic").drop_duplicates(["i", "j"], ignore_index=True)
    return frame.sort_values(["i", "j"], ignore_index=True)
