"""mixmap.core.dedup.groups: detectors on planted duplicates with known answers, grouping, keep policies, summaries, diffs."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from mixmap.core.dedup.groups import (
    KEEP_POLICIES,
    choose_keepers,
    choose_lsh_params,
    dedup_summary,
    describe_groups,
    diff_words,
    find_exact_pairs,
    find_minhash_pairs,
    find_semantic_pairs,
    group_pairs,
    normalize_text,
)
from mixmap.core.dedup.pairs import jaccard, minhash_signatures, shingle_hashes
from mixmap.core.errors import MixmapError

VOCAB = [f"w{k}" for k in range(3000)]


def random_text(rng: np.random.Generator, n_words: int = 60) -> str:
    return " ".join(rng.choice(VOCAB, n_words))


def edit(text: str, rng: np.random.Generator, rate: float) -> str:
    """Delete, insert or swap round(rate x words) words."""
    words = text.split()
    for _ in range(max(1, round(rate * len(words)))):
        p = int(rng.integers(len(words) - 1))
        op = rng.integers(3)
        if op == 0:
            del words[p]
        elif op == 1:
            words.insert(p, str(rng.choice(VOCAB)))
        else:
            words[p], words[p + 1] = words[p + 1], words[p]
    return " ".join(words)


def pair_set(pairs: pd.DataFrame) -> set[tuple[int, int]]:
    return set(zip(pairs["i"].tolist(), pairs["j"].tolist()))


@pytest.fixture(scope="module")
def planted() -> tuple[list[str], set[tuple[int, int]]]:
    """40 sources with a 5%-edited copy each, then 120 unrelated rows."""
    rng = np.random.default_rng(0)
    texts, truth = [], set()
    for _ in range(40):
        src = random_text(rng)
        texts += [src, edit(src, rng, 0.05)]
        truth.add((len(texts) - 2, len(texts) - 1))
    texts += [random_text(rng) for _ in range(120)]
    return texts, truth


# ------------------------------------------------------------------------------------------ detectors

def test_normalize_text_lowercases_strips_punctuation_and_collapses_space():
    assert normalize_text("  Hello,\n\tWORLD!!  Don't ") == "hello world dont"
    assert normalize_text("") == ""


def test_pair_frames_have_the_stored_columns_and_types(planted):
    texts, _ = planted
    for pairs in (find_exact_pairs(texts), find_minhash_pairs(texts), find_semantic_pairs(np.eye(4))):
        assert list(pairs.columns) == ["i", "j", "sim", "method"]
        assert pairs["i"].dtype == np.int64 and pairs["j"].dtype == np.int64
        assert pairs["sim"].dtype == np.float32
        assert (pairs["i"] < pairs["j"]).all()


def test_exact_finds_case_space_and_punctuation_variants_linked_to_the_first():
    texts = ["Hello world", "other text", "hello   WORLD!", "Hello, world.", "hello worlds"]
    pairs = find_exact_pairs(texts)
    assert pair_set(pairs) == {(0, 2), (0, 3)}  # each member linked to the first, not all pairs
    assert (pairs["sim"] == 1.0).all() and (pairs["method"] == "exact").all()


def test_exact_on_no_rows_or_no_duplicates():
    assert len(find_exact_pairs([])) == 0
    assert len(find_exact_pairs(["a", "b"])) == 0


def test_minhash_finds_5_percent_edited_copies_and_not_unrelated_rows(planted):
    texts, truth = planted
    pairs = find_minhash_pairs(texts, threshold=0.5)
    assert pair_set(pairs) == truth
    assert (pairs["sim"] >= 0.5).all() and (pairs["method"] == "minhash").all()


def test_minhash_sim_is_the_exact_jaccard_of_word_3_grams():
    a = "one two three four five six"
    b = "one two three four five seven"  # shares 3 of the 4 + 4 - 3 = 5 distinct 3-grams
    pairs = find_minhash_pairs([a, b], threshold=0.3)
    assert pairs["sim"].tolist() == [pytest.approx(3 / 5)]


def test_minhash_candidate_threshold_keeps_pairs_below_the_threshold_for_a_slider(planted):
    texts, _ = planted
    rng = np.random.default_rng(1)
    src = random_text(rng)
    heavy = edit(edit(src, rng, 0.1), rng, 0.1)  # Jaccard well under 0.7
    rows = texts + [src, heavy]
    strict = find_minhash_pairs(rows, threshold=0.7)
    loose = find_minhash_pairs(rows, threshold=0.7, candidate_threshold=0.2)
    last = (len(rows) - 2, len(rows) - 1)
    assert last not in pair_set(strict) and last in pair_set(loose)
    assert pair_set(strict) <= pair_set(loose)


def test_minhash_handles_empty_and_short_rows():
    texts = ["", "   ", "hi there", "Hi, there!", "completely different words here today"]
    pairs = find_minhash_pairs(texts)
    assert pair_set(pairs) == {(2, 3)}  # short rows are one shingle; empty rows only match exactly


def test_minhash_char_shingles_and_bad_options():
    pairs = find_minhash_pairs(["the cat sat on the mat", "the cat sat on the hat", "dogs run"],
                               shingle="char", ngram=5, threshold=0.5)
    assert pair_set(pairs) == {(0, 1)}
    with pytest.raises(MixmapError):
        find_minhash_pairs(["a"], shingle="byte")
    with pytest.raises(MixmapError):
        find_minhash_pairs(["a"], ngram=0)
    with pytest.raises(MixmapError):
        find_minhash_pairs(["a"], threshold=1.5)


def test_signatures_estimate_jaccard(planted):
    texts, _ = planted
    hashes, offsets = shingle_hashes(texts[:2])
    sig = minhash_signatures(hashes, offsets, num_perm=256, seed=1)
    estimate = float((sig[0] == sig[1]).mean())
    exact = float(jaccard(hashes, offsets, np.array([0]), np.array([1]))[0])
    assert abs(estimate - exact) < 0.1


def test_signatures_do_not_depend_on_the_block_size(planted):
    texts, _ = planted
    hashes, offsets = shingle_hashes(texts[:20])
    whole = minhash_signatures(hashes, offsets, num_perm=16)
    assert np.array_equal(whole, minhash_signatures(hashes, offsets, num_perm=16, block=7))  # rows split


@pytest.mark.parametrize("threshold", [0.3, 0.5, 0.7, 0.9])
def test_lsh_params_find_pairs_at_the_threshold_with_high_probability(threshold):
    params = choose_lsh_params(threshold, 128)
    assert params.num_perm <= 128
    assert params.candidate_probability(threshold) >= 0.98
    assert params.candidate_probability(threshold - 0.3) < 0.5


def test_semantic_finds_near_identical_vectors_by_knn_and_within_clusters():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((200, 16)).astype(np.float32)
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    x[100:110] = x[:10] + 0.01 * rng.standard_normal((10, 16)).astype(np.float32)  # unnormalised on purpose
    truth = {(k, 100 + k) for k in range(10)}
    pairs = find_semantic_pairs(x, threshold=0.98, k=5, block=64)
    assert pair_set(pairs) == truth
    assert (pairs["sim"] > 0.98).all() and (pairs["method"] == "semantic").all()
    clusters = np.arange(200) % 4
    clusters[100:110] = clusters[:10]
    clusters[150:] = -1  # noise is searched too
    assert pair_set(find_semantic_pairs(x, threshold=0.98, clusters=clusters)) == truth


def test_semantic_rejects_bad_input():
    with pytest.raises(MixmapError):
        find_semantic_pairs(np.zeros(5))
    with pytest.raises(MixmapError):
        find_semantic_pairs(np.eye(3), clusters=np.zeros(2))
    assert len(find_semantic_pairs(np.eye(1))) == 0


# ------------------------------------------------------------------------------------------ groups

CHAIN = pd.DataFrame({"i": [0, 1, 3, 5], "j": [1, 2, 4, 6], "sim": np.float32([0.9, 0.6, 0.95, 0.8]),
                      "method": ["minhash", "minhash", "minhash", "semantic"]})


@pytest.mark.parametrize(("threshold", "expected"), [
    (0.5, [0, 0, 0, 1, 1, 2, 2, -1]),
    (0.7, [0, 0, -1, 1, 1, 2, 2, -1]),
    (0.92, [-1, -1, -1, 0, 0, -1, -1, -1]),
    (0.99, [-1] * 8),
])
def test_group_pairs_at_thresholds(threshold, expected):
    assert group_pairs(CHAIN, 8, threshold=threshold).tolist() == expected


def test_group_pairs_by_method_from_an_arrow_table():
    import pyarrow as pa

    table = pa.Table.from_pandas(CHAIN, preserve_index=False)
    assert group_pairs(table, 8, threshold=0.5, method="semantic").tolist() == [-1] * 5 + [0, 0, -1]


def test_group_pairs_rejects_foreign_pairs():
    with pytest.raises(MixmapError):
        group_pairs(CHAIN, 4)
    with pytest.raises(MixmapError):
        group_pairs(CHAIN.drop(columns="sim"), 8)


# ------------------------------------------------------------------------------------------ keepers

GROUPS = np.array([0, 0, 0, -1, 1, 1])
TEXTS = ["short", "the longest text", "mid text", "alone", "same", "same"]
QUALITY = np.array([0.2, np.nan, 0.9, 0.0, 0.5, 0.5])
VECTORS = np.array([[1, 0], [0.9, 0.1], [0, 1], [1, 1], [1, 0], [1, 0]], np.float32)


@pytest.mark.parametrize(("policy", "keepers"), [
    ("first", [0, 4]),
    ("longest", [1, 4]),
    ("quality", [2, 4]),   # NaN ranks lowest; the tie in group 1 goes to the first row
    ("central", [1, 4]),   # row 1 sits between rows 0 and 2
])
def test_each_keep_policy_picks_the_expected_keeper(policy, keepers):
    keep = choose_keepers(GROUPS, policy=policy, texts=TEXTS, quality=QUALITY, vectors=VECTORS)
    assert keep[3]  # rows in no group are always kept
    assert sorted(np.flatnonzero(keep & (GROUPS >= 0)).tolist()) == keepers


def test_first_follows_a_given_order():
    keep = choose_keepers(GROUPS, policy="first", order=np.array([5, 4, 3, 2, 1, 0]))
    assert np.flatnonzero(keep).tolist() == [2, 3, 5]


def test_keep_policy_mistakes_raise_mixmap_error():
    assert set(KEEP_POLICIES) == {"first", "longest", "quality", "central"}
    with pytest.raises(MixmapError, match="unknown keep policy"):
        choose_keepers(GROUPS, policy="random")
    with pytest.raises(MixmapError, match="needs quality"):
        choose_keepers(GROUPS, policy="quality")
    with pytest.raises(MixmapError):
        choose_keepers(GROUPS, policy="longest", texts=["a"])


def test_summary_and_group_description():
    keep = choose_keepers(GROUPS, policy="longest", texts=TEXTS)
    summary = dedup_summary(GROUPS, keep)
    assert summary["removed"] == 3 and summary["groups"] == 2 and summary["rows_in_groups"] == 5
    assert summary["message"] == "removes 3 of 6 rows (50.0%) in 2 groups"
    frame = describe_groups(GROUPS, keep, ids=list("abcdef"))
    assert frame.to_dict("records") == [
        {"group": 0, "size": 3, "keeper": "b", "members": ["a", "b", "c"]},
        {"group": 1, "size": 2, "keeper": "e", "members": ["e", "f"]},
    ]
    assert dedup_summary(np.full(3, -1), np.ones(3, bool))["removed"] == 0
    assert describe_groups(np.full(3, -1), np.ones(3, bool)).empty


def test_end_to_end_from_texts_to_removals(planted):
    texts, truth = planted
    pairs = pd.concat([find_exact_pairs(texts), find_minhash_pairs(texts)], ignore_index=True)
    groups = group_pairs(pairs, len(texts), threshold=0.5)
    keep = choose_keepers(groups, policy="first")
    assert dedup_summary(groups, keep)["removed"] == len(truth)
    assert all(keep[i] and not keep[j] for i, j in truth)


# ------------------------------------------------------------------------------------------ diff

def test_diff_words_marks_replacements_insertions_and_deletions():
    ops = diff_words("the quick brown fox jumps", "the quick red fox jumps high")
    assert ops == [("equal", "the quick", "the quick"), ("replace", "brown", "red"),
                   ("equal", "fox jumps", "fox jumps"), ("insert", "", "high")]
    assert diff_words("a b c", "a c") == [("equal", "a", "a"), ("delete", "b", ""), ("equal", "c", "c")]
    a = "word " * 300 + "end"
    assert " ".join(x for _, x, _ in diff_words(a, a + " more") if x) == a.strip()
    assert diff_words("", "") == []
