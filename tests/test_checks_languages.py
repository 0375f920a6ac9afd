"""Language identification: accuracy on a labelled sample from ../shared/data, the script rules, mixed rows."""
from __future__ import annotations

import collections

import pytest

from mixmap.core.checks.languages import identify_language, identify_languages
from tests.checks_data import labelled_language_sample


@pytest.fixture(scope="module")
def sample():
    return labelled_language_sample(n_pairs=400, seed=1)


def test_accuracy_on_the_labelled_sample_is_at_least_95_percent_in_every_length_bucket(sample):
    got = identify_languages([r["text"] for r in sample])["lang"].tolist()
    right = collections.defaultdict(lambda: [0, 0])
    for row, lang in zip(sample, got):
        for key in ("all", row["bucket"], row["lang"]):
            right[key][0] += lang == row["lang"]
            right[key][1] += 1
    accuracy = {k: a / n for k, (a, n) in right.items()}
    assert {"short", "medium", "long", "en", "zh", "fr", "es", "de"} <= set(accuracy)
    assert accuracy["all"] >= 0.95 and min(accuracy[b] for b in ("short", "medium", "long")) >= 0.95, accuracy


def test_scripts_decide_where_one_language_owns_them():
    assert identify_language("隐喻")[0] == "zh"  # two Han characters: the compressed model reads this as English
    # Han characters weigh three letters (their UTF-8 bytes): 12 of 15; an acronym names no second language
    assert identify_language("打开 GTK 文件") == ("zh", 0.8, "", "script")
    assert identify_language("これは日本語の文章です。")[0] == "ja"
    assert identify_language("안녕하세요, 만나서 반갑습니다")[0] == "ko"
    assert identify_language("Καλημέρα σας, τι κάνετε;")[0] == "el"


def test_rows_without_language_say_so():
    for text in ("", "12345 + 678 = 13023", "=))", "    "):
        lang, share, _, engine = identify_language(text)
        assert (lang, share, engine) == ("", 0.0, "none"), text


def test_mixed_row_reports_main_language_share_and_second():
    english = "Hello everyone, how are you doing today? I hope the weather is good where you live. " * 4
    french = "Bonjour tout le monde, comment allez-vous aujourd'hui ? J'espère que tout va bien chez vous. "
    lang, share, second, engine = identify_language(english + french)
    assert (lang, second, engine) == ("en", "fr", "cld2")
    assert 0.6 < share < 0.9
    lang, share, second, _ = identify_language(english)
    assert (lang, share, second) == ("en", 1.0, "")


def test_frame_has_one_row_per_text_in_order():
    frame = identify_languages(["Where is the station?", "今天天气很好", ""])
    assert frame["lang"].tolist() == ["en", "zh", ""]
    assert list(frame.columns) == ["lang", "lang_share", "lang_second", "lang_engine"]
