"""Decontamination engine: planted verbatim and lightly edited copies of eval items are found, a clean set is
not flagged, spans point at the copy, short items are matched whole, n is configurable."""
from __future__ import annotations

import json
import random

import numpy as np
import pytest

from mixmap.core.checks.ngrams import build_index, find_overlaps, item_span, tokenize
from tests.checks_data import DATA, alpaca_eval_outputs, alpaca_rows, edit_copy


@pytest.fixture(scope="module")
def evalset():
    items = alpaca_eval_outputs(3_000)
    return items, build_index(items)


def test_planted_copies_are_found(evalset):
    items, index = evalset
    rng = random.Random(0)
    rows = alpaca_rows(parts=4)
    lengths = np.bincount(tokenize(items).rows, minlength=len(items))
    planted = {}
    for k, item in enumerate(rng.sample([i for i in range(len(items)) if lengths[i] >= 13], 300)):
        how = ("verbatim", "case", "punct")[k % 3]
        words = items[item].split()
        text = items[item] if k % 2 == 0 or len(words) < 60 else " ".join(words[10:50])  # whole, or an excerpt
        row = rng.randrange(len(rows))
        while row in planted:
            row = rng.randrange(len(rows))
        rows[row] = rows[row] + "\n\n" + edit_copy(text, how, rng)
        planted[row] = item
    hits = find_overlaps(rows, index)
    found = {(h.row, h.item) for h in hits}
    recall = sum((row, item) in found for row, item in planted.items()) / len(planted)
    assert recall >= 0.99
    for h in hits:
        if h.row in planted and h.item == planted[h.row]:
            assert len(tokenize([rows[h.row][h.start:h.end]]).hashes) >= 13  # the span covers the copy


def test_clean_sets_are_not_flagged(evalset):
    items, index = evalset
    lines = (DATA / "reference_c4_demo/c4_demo.jsonl").read_text(encoding="utf-8").splitlines()
    web = [json.loads(line)["text"] for line in lines]
    rng = random.Random(1)
    shuffled = []  # the eval items' own words in another order: same vocabulary, no 13-word run
    for text in items[:500]:
        words = text.split()
        rng.shuffle(words)
        shuffled.append(" ".join(words))
    assert find_overlaps(web, index) == []
    hits = find_overlaps(shuffled, index)
    assert len({h.row for h in hits}) <= 2  # a 13-word run can survive a shuffle of a long list by chance


def test_span_is_in_the_rows_own_text_and_the_items():
    item = "The quick brown fox jumps over the lazy dog and then runs far away into the deep dark forest."
    row = "Intro text here. THE quick   brown fox -- jumps over the lazy dog, and then runs far away into the deep dark forest! end"
    hits = find_overlaps([row], build_index([item]))
    assert [(h.row, h.item, h.ngrams, h.length) for h in hits] == [(0, 0, 7, 13)]
    assert row[hits[0].start:hits[0].end] == "THE quick   brown fox -- jumps over the lazy dog, and then runs far away into the deep dark forest"
    start, end = item_span(row, item, 13)
    assert item[start:end] == item[:-1]


def test_normalisation_keeps_abbreviations_numbers_and_han():
    assert tokenize(["U.S.A. don't 1,000"]).hashes.tolist() == tokenize(["USA don’t 1000"]).hashes.tolist()
    assert tokenize(["Hello, World!"]).hashes.tolist() == tokenize(["hello world"]).hashes.tolist()
    assert len(tokenize(["你好世界, ok"]).hashes) == 5


def test_short_items_are_matched_whole_and_tiny_ones_skipped():
    index = build_index(["What is the capital city of France today?", "Hi there"], n=13)
    assert index.skipped == 1
    hits = find_overlaps(["Question: what is the capital city of France today? Answer: Paris.",
                          "the capital city of France"], index)
    assert [(h.row, h.item, h.length) for h in hits] == [(0, 0, 8)]


def test_n_is_configurable():
    item = "one two three four five six seven eight nine ten eleven twelve thirteen fourteen"
    row = "x one two three four five six seven eight nine ten y"
    assert find_overlaps([row], build_index([item], n=13)) == []
    assert len(find_overlaps([row], build_index([item], n=8))) == 1
