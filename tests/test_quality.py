"""mixmap.core.quality.scoring / quality_signals / slop: synthetic texts whose answers are known by construction."""
from __future__ import annotations

import random

import numpy as np
import pandas as pd
import pytest

from mixmap.core.errors import MixmapError
from mixmap.core.quality import scoring as quality
from mixmap.core.quality.scoring import (
    DEFAULT_WEIGHTS,
    FEATURES,
    MARKER_COLUMNS,
    SIGNAL_COLUMNS,
    THRESHOLDS,
    compute_signals,
    explain_row,
    fit_weights,
    gopher_flags,
    overrepresented_phrases,
    refine_with_labels,
    score_texts,
    slop_score,
    summarise_clusters,
)
from mixmap.core.quality.signals import _ngram_repetition, tokenize
from mixmap.core.quality.slop import load_lexicon

HUMAN = [
    "honestly i just boil the pasta for like 9 min and taste it, if its still crunchy give it more time lol",
    "Took my bike to the shop last week.  They said the chain was shot so I replaced it, cost me 40 bucks",
    "we tried that at work and it broke the build twice :( ended up reverting",
    "My grandma always said you cant rush a good stew. shes right, let it sit overnight",
    "no idea tbh, i think the ferry stops running after 10 but check the timetable https://example.org/ferry",
    "Ugh. The printer jammed again!! third time this week",
]
SLOP = [
    ("Certainly! Here are some key tips to consider:\n\n1. **Plan ahead**: It's important to note that "
     "planning plays a crucial role in ensuring success.\n2. **Stay consistent**: Consistency fosters a "
     "sense of achievement.\n\nOverall, by following these steps, you can unlock your full potential. "
     "I hope this helps!"),
    ("As an AI language model, I don't have personal opinions. However, it is important to note that this is "
     "a multifaceted issue. It's not just about money, it's about values. Ultimately, it depends on various "
     "factors. Please consult a professional. Let me know if you have any other questions!"),
    ("Great question! Let's delve into the rich tapestry of history. The city is a testament to human "
     "ingenuity, a vibrant and bustling hub that seamlessly blends tradition and innovation. In conclusion, "
     "it is a truly remarkable destination that offers a wide range of experiences. I hope this helps!"),
]


def gopher_dup_chars(tokens: list[str], n: int) -> int:
    """The Gopher rule written the obvious way: walk n-grams, count and jump past each one seen before."""
    seen, chars, i = set(), 0, 0
    while i <= len(tokens) - n:
        gram = tuple(tokens[i:i + n])
        if gram in seen:
            chars += sum(map(len, gram)) + n - 1
            i += n
        else:
            seen.add(gram)
            i += 1
    return chars


def test_signal_columns_and_known_values():
    text = "- apples\n- pears\nplain line...\n\n# heading\nplain line..."
    sig = compute_signals([text, "", None])
    assert list(sig.columns) == SIGNAL_COLUMNS + MARKER_COLUMNS
    row = sig.iloc[0]
    assert row.n_words == 10 and row.n_lines == 6  # whitespace words: "-" and "#" count
    assert row.bullet_line_ratio == pytest.approx(2 / 5)  # 5 non-empty lines, 2 start with a bullet
    assert row.ellipsis_line_ratio == pytest.approx(2 / 5)
    assert row.dup_line_ratio == pytest.approx(1 / 5)  # "plain line..." twice
    assert row.symbol_word_ratio == pytest.approx(3 / 10)  # one "#", two "..."
    assert sig.iloc[1].n_words == 0 and sig.iloc[2].n_words == 0  # empty and None do not crash


def test_repetitive_text_triggers_repetition_signals_and_flags():
    looped = "click here to win " * 30
    clean = ("Rivers carve valleys over millions of years, moving sediment downstream where it settles into "
             "deltas that farmers later plough for wheat, barley and the occasional field of sunflowers.")
    sig = compute_signals([looped, clean])
    for column in ["top_2gram_ratio", "top_3gram_ratio", "top_4gram_ratio",
                   *[f"dup_{n}gram_ratio" for n in range(5, 11)]]:
        assert sig.loc[0, column] > THRESHOLDS[column][1], column
        assert sig.loc[1, column] == 0.0, column
    flags = gopher_flags(sig)
    assert flags.loc[0, "fail_dup_5gram_ratio"] and not flags.loc[0, "gopher_pass"]
    assert not flags.loc[1, "fail_dup_5gram_ratio"]


def test_duplicated_ngram_chars_match_the_gopher_rule():
    rng = random.Random(7)
    for _ in range(400):
        tokens = [rng.choice(["a", "bb", "c", "dd", "e"]) for _ in range(rng.randint(4, 80))]
        got = _ngram_repetition(tokens)[3:]
        assert got == [gopher_dup_chars(tokens, n) for n in range(5, 11)]


def test_gopher_flags_follow_thresholds_and_overrides():
    sig = compute_signals(["a short answer with the and of words"])
    assert gopher_flags(sig).loc[0, "fail_n_words_min"]  # Gopher wants >= 50 words
    assert not gopher_flags(sig, thresholds={"n_words_min": 5}).loc[0, "fail_n_words_min"]


def test_slop_phrases_raise_the_score_and_human_text_scores_low():
    scores = slop_score(compute_signals(HUMAN + SLOP))
    human, slop = scores[: len(HUMAN)], scores[len(HUMAN):]
    assert human.max() < 0.2 and slop.min() > 0.8
    base = "The bridge opened in 1932 and carries two lanes of traffic across the river."
    padded = base + " It's important to note that it plays a crucial role. I hope this helps!"
    low, high = slop_score(compute_signals([base, padded]))
    assert high > low


def test_scores_are_in_unit_interval_for_odd_inputs():
    odd = ["", "!!!!", "\n\n\n", "a" * 5000, "word " * 3000, "🙂🙂🙂", "# " * 100, "http://x.y " * 50]
    scores = score_texts(odd)["slop_score"].to_numpy()
    assert np.isfinite(scores).all() and (scores >= 0).all() and (scores <= 1).all()


def test_weights_override_and_unknown_weight_raises():
    sig = compute_signals(SLOP)
    quieter = slop_score(sig, weights={f"lex_{k}": 0.0 for k in ("assistant", "boilerplate", "refusal")})
    assert (quieter < slop_score(sig)).all()
    with pytest.raises(MixmapError, match="unknown slop weight"):
        slop_score(sig, weights={"not_a_feature": 1.0})
    assert set(DEFAULT_WEIGHTS) == {"bias", *FEATURES}


def test_explain_row_spans_slice_the_text():
    text = "Sure! It\u2019s important to note that this is not a bug but a feature. Let's delve in, lol."
    spans = explain_row(text)
    kinds = {s.kind for s in spans}
    assert {"assistant", "contrast", "informal"} <= kinds
    for span in spans:
        if span.kind == "contrast":
            matched = text[span.start:span.end].lower()
            assert matched.startswith("not") and matched.endswith("but")
        else:
            assert " ".join(tokenize(text[span.start:span.end])) == span.phrase
    assert [s.start for s in spans] == sorted(s.start for s in spans)
    assert any(s.phrase == "it's important to note" for s in spans)  # curly apostrophe normalised


def test_lexicon_loads_and_rejects_bad_files(tmp_path):
    lexicon = load_lexicon()
    assert lexicon.size > 3000 and "delve" in lexicon.single and ("i", "hope") in lexicon.multi
    with pytest.raises(MixmapError, match="missing"):
        load_lexicon(str(tmp_path / "nope.tsv"))
    bad = tmp_path / "bad.tsv"
    bad.write_text("delve\t1.0\tnot_a_kind\n")
    with pytest.raises(MixmapError, match="bad line"):
        load_lexicon(str(bad))


def test_overrepresented_phrases_finds_a_planted_phrase():
    rng = random.Random(3)
    words = ["river", "stone", "bread", "window", "garden", "music", "letter", "paper", "chair", "table",
             "lamp", "road", "cloud"]
    rest = [" ".join(rng.choice(words) for _ in range(30)) for _ in range(300)]
    selection = [" ".join(rng.choice(words) for _ in range(12)) + " synergistic paradigm shift " +
                 " ".join(rng.choice(words) for _ in range(12)) for _ in range(40)]
    top = overrepresented_phrases(selection, rest, n=(2, 3), top_k=5)
    assert top[0]["phrase"] in {"synergistic paradigm shift", "synergistic paradigm", "paradigm shift"}
    assert top[0]["count_in"] == 40 and top[0]["count_rest"] == 0 and top[0]["ratio"] > 10
    assert overrepresented_phrases([], rest) == []


def test_summarise_clusters_ranks_the_planted_slop_cluster_first():
    texts = HUMAN * 3 + SLOP * 4 + HUMAN[:4]
    ids = np.array([0] * 18 + [1] * 12 + [-1] * 4)
    scores = slop_score(compute_signals(texts))
    table = summarise_clusters(ids, scores, texts, threshold=0.5)
    assert list(table.columns) == ["cluster", "size", "mean_score", "share_above", "why"]
    assert table.iloc[0]["cluster"] == 1 and table.iloc[0]["share_above"] == 1.0
    assert table.iloc[-1]["cluster"] == -1  # noise is never ranked as a slop cluster
    assert "i hope this helps" in table.iloc[0]["why"]
    with pytest.raises(MixmapError):
        summarise_clusters(ids[:-1], scores, texts)


def test_fit_weights_learns_the_slop_direction():
    texts = HUMAN * 5 + SLOP * 10
    labels = np.array([0] * 30 + [1] * 30)
    sig = compute_signals(texts)
    weights = fit_weights(sig, labels, strength=0.1, prior={})
    assert weights["lex_boilerplate"] > 0 and weights["lex_informal"] <= 0
    scores = slop_score(sig, weights=weights)
    assert scores[labels == 1].min() > scores[labels == 0].max()
    with pytest.raises(MixmapError):
        fit_weights(sig, np.zeros(60))


def test_refine_with_labels_honours_labels_and_generalises():
    rng = np.random.default_rng(0)
    vectors = np.vstack([rng.normal(2, 1, (20, 8)), rng.normal(-2, 1, (20, 8))])
    labels = np.full(40, -1.0)
    labels[[0, 1, 2]] = 1
    labels[[20, 21, 22]] = 0
    refined = refine_with_labels(vectors, labels, np.full(40, 0.5))
    assert refined[[0, 1, 2]].tolist() == [1, 1, 1] and refined[[20, 21, 22]].tolist() == [0, 0, 0]
    assert refined[3:20].min() > refined[23:].max()
    with pytest.raises(MixmapError, match="at least one"):
        refine_with_labels(vectors, np.where(labels == 0, -1, labels), np.full(40, 0.5))


def test_instructions_add_length_ratio_and_must_align():
    sig = compute_signals(["one two three four"], instructions=["two words"])
    assert sig.loc[0, "resp_instr_ratio"] == pytest.approx(2.0)
    assert np.isnan(compute_signals(["x"]).loc[0, "resp_instr_ratio"])
    with pytest.raises(MixmapError, match="instructions"):
        compute_signals(["a", "b"], instructions=["x"])


def test_parallel_signals_equal_serial(monkeypatch):
    # Threads stand in for the spawned processes (2 s to start): this checks the split and the reassembly;
    # bench/bench_quality_speed.py runs the real worker processes.
    from concurrent.futures import ThreadPoolExecutor

    monkeypatch.setattr(quality, "PARALLEL_MIN_ROWS", 10)
    monkeypatch.setattr(quality, "_pool", ThreadPoolExecutor)
    texts = [f"{HUMAN[i % 6]} {i}" if i % 2 else SLOP[i % 3] for i in range(40)]
    serial = compute_signals(texts)
    parallel = compute_signals(texts, n_jobs=2)
    pd.testing.assert_frame_equal(serial, parallel)


def test_overrepresented_by_cluster_equals_the_one_cluster_version():
    rng = random.Random(4)
    words = ["river", "stone", "bread", "window", "garden", "music", "letter", "paper", "chair", "table"]
    texts, ids = [], []
    for cluster in (0, 1, 2, -1):
        for _ in range(25):
            planted = " synergistic paradigm shift " if cluster == 1 else " "
            texts.append(" ".join(rng.choice(words) for _ in range(15)) + planted +
                         " ".join(rng.choice(words) for _ in range(10)))
            ids.append(cluster)
    found = quality.overrepresented_by_cluster(texts, ids, top_k=6)
    assert set(found) == {0, 1, 2, -1}
    for cluster in found:
        inside = [t for t, c in zip(texts, ids) if c == cluster]
        rest = [t for t, c in zip(texts, ids) if c != cluster]
        assert found[cluster] == overrepresented_phrases(inside, rest, top_k=6)
    assert found[1][0]["count_in"] == 25 and found[1][0]["count_rest"] == 0
    assert set(quality.overrepresented_by_cluster(texts, ids, clusters=[1])) == {1}
    sampled = quality.overrepresented_by_cluster(texts, ids, clusters=[1], max_in=10, max_rest=30)
    assert "paradigm" in sampled[1][0]["phrase"]
    with pytest.raises(MixmapError):
        quality.overrepresented_by_cluster(texts, ids[:-1])


def test_compute_signals_reports_progress_per_chunk(monkeypatch):
    monkeypatch.setattr(quality, "PROGRESS_CHUNK", 7)
    texts = [HUMAN[i % 6] for i in range(20)]
    calls = []
    with_progress = compute_signals(texts, progress=lambda done, total: calls.append((done, total)))
    assert calls == [(7, 20), (14, 20), (20, 20)]
    pd.testing.assert_frame_equal(with_progress, compute_signals(texts))
