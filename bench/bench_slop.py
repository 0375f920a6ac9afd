"""Slop score evaluation: doc-level AUROC, human vs machine replies, on data the weights were not tuned on.

Data (../shared/data; label 1 = machine-written, 0 = human-written):
  human    oasst1 validation assistant replies (not deleted), Self-Instruct seed-task outputs
  machine  Alpaca 5k (+ 3,000 Alpaca-52k rows not in the 5k), GPTeacher role-play, AlpacaEval 16 generators

Split (seeded; rows answering the same prompt or in the same oasst tree stay together):
  tune             half the groups of oasst1, Alpaca-5k and 8 AlpacaEval generators
  held-out rows    the other half of those sources
  held-out sources seed tasks (human); GPTeacher, Alpaca-52k and the other 8 AlpacaEval generators (machine)

Scores compared, all in one run:
  shipped   mixmap.core.quality.slop.DEFAULT_WEIGHTS: hand-set prior weights (no fit) and a fixed bias;
  fitted    mixmap.core.quality.scoring.fit_weights on `tune` only, prior strength picked by leave-one-generator-out AUROC
            inside `tune` -- the tuned alternative, reported so the choice between them stays visible;
  length    n_words alone (long answers are mostly machine here, short ones mostly Alpaca: it cuts both ways);
  BoW       a supervised TF-IDF bag-of-words classifier trained on `tune`: not a slop score, an estimate of
            how separable these labels are at all with lexical evidence;
  supervised  gradient-boosted trees on the score's FEATURES, five length/shape signals and a word
            log-likelihood ratio from the antislop-sampler's published over-representation list
            (../shared/data/slop_lists_antislop), trained on `tune` only: the best held-out figure found.

Purity: a 50/50 mix of held-out human and held-out machine rows, clustered as the product does
(`--clusters static` or `minilm`: mixmap.core.embed.registry.load_embedder + mixmap.core.build.cluster.cluster_vectors, UMAP 5-D +
HDBSCAN) or cheaply (`tfidf`: TF-IDF -> SVD -> KMeans k), clusters ranked by mixmap.core.quality.scoring.summarise_clusters;
reports the machine share of the top-5 slop clusters over several seeds, and the same for an `oracle` that
ranks clusters by their true machine share: the ceiling for any score on the product's (topic) clusters.

Usage: flock /tmp/mixmap-bench.lock .venv/bin/python bench/bench_slop.py [--seeds 5] [--clusters static]
Writes bench/results/slop.json.
"""
from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import os
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DATA = Path(os.environ.get("MIXMAP_BENCH_DATA") or ROOT.parent / "shared" / "data")  # a worktree: set it
OUT = ROOT / "bench" / "results" / "slop.json"
TUNE_GENERATORS = ["text_davinci_003", "gpt4", "claude-2", "llama-2-70b-chat-hf",
                   "Mixtral-8x7B-Instruct-v0.1", "vicuna-13b-v1.5", "alpaca-7b", "falcon-40b-instruct"]
HELDOUT_GENERATORS = ["gpt4_1106_preview", "gpt-4o-2024-05-13", "gpt-3.5-turbo-0613",
                      "claude-3-opus-20240229", "Meta-Llama-3-70B-Instruct", "Qwen1.5-72B-Chat", "gemini-pro",
                      "oasst-sft-pythia-12b"]
STRENGTH_GRID = (0.1, 1.0, 10.0, 100.0)
# Attempts to raise held-out AUROC that were NOT shipped (a 90-minute timebox; scratch scripts on these same
# splits, figures copied from their runs). Every model was trained on `tune` only; "logo" is leave-one-generator-
# out AUROC inside `tune`, which picked every hyperparameter; held-out columns were only read to report.
# "c4" scores 300 pre-LLM web documents (../shared/data/reference_c4_demo, never used for tuning) as an unseen
# human source against all held-out machine rows: the check that sank the best candidate.
EXPERIMENTS = {
    "char_ngram_tfidf_lr": {"what": "char 1-3 / char_wb 2-4 TF-IDF, logistic regression, C 0.3-3",
                            "logo": "0.58-0.60", "held_out_rows": "0.72-0.75", "held_out_sources": "0.66-0.67",
                            "all_held_out": "0.67-0.68"},
    "char_shape_ngrams": {"what": "char 2-5-grams of a shape string (letter/digit runs as a/A/0, punctuation "
                                  "and whitespace kept)", "logo": "0.57-0.60", "all_held_out": "0.63"},
    "static_embedding_head": {"what": "logistic regression on the distilled static MiniLM vectors, C 0.03-3",
                              "logo": "0.59-0.60", "held_out_rows": "0.67-0.69",
                              "held_out_sources": "0.63-0.64", "all_held_out": "0.63-0.65"},
    "static_embedding_plus_features": {"what": "static vectors + standardised score FEATURES + shape signals",
                                       "logo": "0.60-0.62", "all_held_out": "0.62-0.64"},
    "function_word_skeleton_ngrams": {
        "what": "text -> skeleton (function words kept, other words w/W, digits 0, newlines NL, punctuation "
                "kept); binary 1-3-grams (df>=5 in tune), rows / sqrt(#grams), balanced logistic regression",
        "logo": "0.62-0.65", "held_out_rows": "0.75", "held_out_sources": "0.70", "all_held_out": "0.70",
        "within_length_bins_all_held_out": "0.72"},
    "hand_set_plus_skeleton_head": {
        "what": "hand-set score logit / its tune std (2.09) + a x standardised head margin; grid n_max 2-3, "
                "C 0.3-3, a 0/0.5/1/2/4/head-only; logo best n_max 3, C 3, a 2 (logo 0.668 vs 0.585 at a=0)",
        "tune": "0.95", "held_out_rows": "0.74 (shipped 0.55)", "held_out_sources": "0.77 (shipped 0.68)",
        "all_held_out": "0.76 (shipped 0.66)", "seed_tasks_vs_alpaca52k": "0.72 (shipped 0.70)",
        "c4_vs_held_out_machine": "0.62 (shipped 0.71)", "c4_share_above_0.5": "0.42 (shipped 0.22)",
        "not_shipped_because": "on unseen human text (C4) it is worse than the hand-set score and doubles false "
                               "slop flags; it scores an obvious typed reply ('lol no. i tried that ...') as "
                               "more machine-like than an obvious 'Certainly! Here are some key points' list. "
                               "It learned the benchmark's sources (oasst1 volunteers, who often pasted chat "
                               "answers, vs terse Alpaca), not machine style"},
    "rank_average_hand_gbt_skeleton": {
        "what": "rank average of hand-set score, the supervised GBT below and a skeleton TF-IDF LR (equal "
                "weights, untuned)", "all_held_out": "0.77", "held_out_sources": "0.79",
        "not_shipped_because": "same supervised parts as above (same C4 failure mode expected); per-dataset "
                               "ranks are not a per-row score"},
    "surface_features_session3": {
        "what": "single-feature AUROC (tune / held-out rows / held-out sources) of signals not in the score: "
                "typo rate against wordfreq's English list (0.43/0.46/0.54, humans slightly higher), mean "
                "and spread of word Zipf frequency (0.46/0.42/0.54; 0.52/0.50/0.74), first-sentence echo of "
                "the instruction's words (0.64/0.63/0.53), serial-comma lists (0.53/0.54/0.67), curly quotes "
                "(0.49/0.50/0.49), paragraph-length spread, type-token ratio, parentheses, semicolons, "
                "colons, ellipses, digits (all 0.45-0.57 on held-out rows)",
        "not_shipped_because": "none separates these labels: every one is within 0.07 of chance on held-out "
                               "rows, and the held-out-source figures flip direction between sources"},
    "length_bin_rank_normalisation": {"what": "score ranked within length quintiles",
                                      "all_held_out": "0.67 (see shipped_within_length_bins)",
                                      "not_shipped_because": "+0.01-0.02 only"},
}


def _half(key: str) -> str:
    """Stable 50/50 assignment of a group key (independent of Python's hash seed)."""
    return "tune" if hashlib.sha1(f"mixmap-slop-v1:{key}".encode()).digest()[0] % 2 == 0 else "heldout_rows"


def _row(**fields: object) -> dict:
    return fields


def load_corpus(data: Path = DATA, *, alpaca52k_rows: int = 3000) -> pd.DataFrame:
    """Rows with text, instruction, label, source, generator, group, split."""
    rows: list[dict] = []
    messages = [json.loads(line) for line in (data / "oasst1_en_validation" / "en-validation.jsonl").open()]
    by_id = {m["message_id"]: m for m in messages}
    for m in messages:
        if m["role"] == "assistant" and not m["deleted"] and m["text"].strip():
            parent = by_id.get(m["parent_id"] or "", {})
            rows.append(_row(text=m["text"], instruction=parent.get("text", ""), label=0, source="oasst1",
                             generator="human", group=f"oasst:{m['message_tree_id']}"))
    for line in (data / "alpaca_seed_tasks" / "seed_tasks.jsonl").open():
        task = json.loads(line)
        for inst in task["instances"]:
            if inst["output"].strip():
                prompt = f"{task['instruction']}\n{inst['input']}".strip()
                rows.append(_row(text=inst["output"], instruction=prompt, label=0, source="seed_tasks",
                                 generator="human", group=f"seed:{task['id']}"))
    seen = set()
    for i, r in enumerate(json.loads((data / "alpaca_5k_subset" / "alpaca_5000.json").read_text())):
        seen.add((r["instruction"], r["input"]))
        rows.append(_row(text=r["output"], instruction=f"{r['instruction']}\n{r['input']}".strip(), label=1,
                         source="alpaca_5k", generator="text-davinci-003", group=f"alpaca5k:{i}"))
    added = 0
    for part in sorted((data / "alpaca_52k_en_zh" / "data").glob("*.json.gz"),
                       key=lambda p: int(p.name.split("_")[-1].split(".")[0])):
        with gzip.open(part, "rt", encoding="utf-8") as fh:
            records = json.load(fh)
        for j, r in enumerate(records):
            new = (r["en_instruction"], r["en_input"]) not in seen and r["en_output"].strip()
            if added < alpaca52k_rows and new:
                added += 1
                prompt = f"{r['en_instruction']}\n{r['en_input']}".strip()
                rows.append(_row(text=r["en_output"], instruction=prompt, label=1, source="alpaca_52k",
                                 generator="text-davinci-003", group=f"alpaca52k:{part.name}:{j}"))
    gpteacher = data / "gpteacher_roleplay" / "roleplay-simple-deduped-roleplay-instruct.json"
    for i, r in enumerate(json.loads(gpteacher.read_text())):
        rows.append(_row(text=r["response"], instruction=f"{r['instruction']}\n{r['input']}".strip(), label=1,
                         source="gpteacher", generator="gpt-4", group=f"gpteacher:{i}"))
    for gen in TUNE_GENERATORS + HELDOUT_GENERATORS:
        path = data / "alpaca_eval_model_outputs" / "results" / gen / "model_outputs.json"
        for r in json.loads(path.read_text()):
            if r["output"].strip():
                rows.append(_row(text=r["output"], instruction=r["instruction"], label=1,
                                 source="alpaca_eval", generator=gen, group=f"aeval:{r['instruction']}"))
    frame = pd.DataFrame(rows)
    unseen = frame["source"].isin(["seed_tasks", "gpteacher", "alpaca_52k"]) | frame["generator"].isin(
        HELDOUT_GENERATORS)
    frame["split"] = ["heldout_sources" if u else _half(g) for u, g in zip(unseen, frame["group"])]
    frame["key"] = np.where(frame["source"] == "alpaca_eval", "aeval:" + frame["generator"], frame["source"])
    return frame


def auroc(labels: np.ndarray, scores: np.ndarray) -> float | None:
    from sklearn.metrics import roc_auc_score

    return round(float(roc_auc_score(labels, scores)), 4) if len(set(labels.tolist())) == 2 else None


def stratified_auroc(labels: np.ndarray, scores: np.ndarray, lengths: np.ndarray, *,
                     bins: int = 5) -> float | None:
    """AUROC within length quintiles, averaged by bin size: what the score knows beyond length."""
    edges = np.unique(np.quantile(lengths, np.linspace(0, 1, bins + 1)))
    which = np.clip(np.searchsorted(edges, lengths, side="right") - 1, 0, len(edges) - 2)
    parts = [(auroc(labels[which == b], scores[which == b]), (which == b).sum())
             for b in range(len(edges) - 1)]
    parts = [(a, n) for a, n in parts if a is not None]
    return round(sum(a * n for a, n in parts) / sum(n for _, n in parts), 4) if parts else None


def choose_strength(frame: pd.DataFrame, signals: pd.DataFrame) -> tuple[float, dict]:
    """Leave-one-machine-source-out AUROC inside `tune` (oasst groups in 2 folds) for each prior strength."""
    from mixmap.core.quality.scoring import fit_weights, slop_score

    tune = frame.index[frame["split"] == "tune"].to_numpy()
    y, key = frame["label"].to_numpy(), frame["key"].to_numpy()
    fold = np.array([hashlib.sha1(g.encode()).digest()[1] % 2 for g in frame["group"]])
    results = {}
    for strength in STRENGTH_GRID:
        per = {}
        for gen in sorted(set(key[tune][y[tune] == 1])):
            for f in (0, 1):
                train = tune[((key[tune] != gen) & (y[tune] == 1)) | ((y[tune] == 0) & (fold[tune] != f))]
                test = tune[((key[tune] == gen) & (y[tune] == 1)) | ((y[tune] == 0) & (fold[tune] == f))]
                w = fit_weights(signals.iloc[train], y[train], strength=strength)
                per.setdefault(gen, []).append(auroc(y[test], slop_score(signals.iloc[test], weights=w)))
        results[strength] = round(float(np.mean([np.mean(v) for v in per.values()])), 4)
    return max(results, key=results.get), results


def bow_ceiling(frame: pd.DataFrame) -> np.ndarray:
    """Supervised TF-IDF word 1-2-gram logistic regression trained on `tune`: P(machine) for every row."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    tune = (frame["split"] == "tune").to_numpy()
    x = TfidfVectorizer(ngram_range=(1, 2), min_df=3, max_features=200_000, sublinear_tf=True).fit_transform(
        frame["text"])
    model = LogisticRegression(C=4, max_iter=3000, class_weight="balanced").fit(x[tune], frame["label"][tune])
    return model.predict_proba(x)[:, 1]


def word_llr(texts: list[str], data: Path = DATA) -> np.ndarray:
    """Mean per-token log-likelihood ratio LLM vs human from antislop-sampler's published adjustment list
    (a word's multiplier m < 1 means LLMs over-use it about 1/m times), damped like the score's rates."""
    import math

    from mixmap.core.quality.signals import tokenize

    path = data / "slop_lists_antislop" / "slop_phrase_prob_adjustments_full_list.json"
    llr = {w: -math.log(m) for w, m in json.loads(path.read_text()) if " " not in w and m > 0}
    out = []
    for text in texts:
        tokens = tokenize(text)
        out.append(sum(llr.get(t, 0.0) for t in tokens) / (len(tokens) + 30))
    return np.array(out)


def supervised_scores(frame: pd.DataFrame, signals: pd.DataFrame) -> np.ndarray:
    """Gradient-boosted trees on FEATURES + shape signals + word LLR, class-balanced, fitted on `tune` only."""
    from sklearn.ensemble import HistGradientBoostingClassifier

    from mixmap.core.quality.scoring import feature_matrix

    shape = signals[["n_words", "mean_word_len", "stop_word_ratio", "non_alpha_ratio", "n_lines"]].to_numpy()
    x = np.column_stack([feature_matrix(signals), shape, word_llr(frame["text"].tolist())])
    y, tune = frame["label"].to_numpy(), (frame["split"] == "tune").to_numpy()
    weight = np.where(y[tune] == 1, 0.5 / y[tune].mean(), 0.5 / (1 - y[tune].mean()))
    model = HistGradientBoostingClassifier(max_iter=200, learning_rate=0.05, max_leaf_nodes=15, random_state=0)
    return model.fit(x[tune], y[tune], sample_weight=weight).predict_proba(x)[:, 1]


def mix_rows(frame: pd.DataFrame, seed: int) -> np.ndarray:
    """Every held-out human row and as many held-out machine rows, sampled with `seed`."""
    rng = np.random.default_rng(seed)
    held = frame["split"] != "tune"
    human = frame.index[held & (frame["label"] == 0)].to_numpy()
    machine = rng.choice(frame.index[held & (frame["label"] == 1)].to_numpy(), len(human), replace=False)
    return np.concatenate([human, machine])


def cluster_mix(frame: pd.DataFrame, rows: np.ndarray, *, method: str, seed: int, k: int,
                vectors: dict[int, np.ndarray]) -> np.ndarray:
    """Cluster ids for the mix: the product's UMAP + HDBSCAN on `vectors` (by row), or TF-IDF+SVD+KMeans."""
    if method != "tfidf":
        from mixmap.core.build.cluster import cluster_vectors

        return cluster_vectors(np.vstack([vectors[int(r)] for r in rows]))
    from sklearn.cluster import KMeans
    from sklearn.decomposition import TruncatedSVD
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.preprocessing import normalize

    texts = frame["text"].to_numpy()[rows].tolist()
    vectorizer = TfidfVectorizer(ngram_range=(1, 2), min_df=2, stop_words="english", sublinear_tf=True)
    x = normalize(TruncatedSVD(100, random_state=seed).fit_transform(vectorizer.fit_transform(texts)))
    return KMeans(k, n_init=4, random_state=seed).fit_predict(x)


def embed_mix_rows(frame: pd.DataFrame, method: str, seeds: int) -> tuple[dict[int, np.ndarray], float]:
    """Vectors for every row any seed's mix uses (each text embedded once), and the CPU seconds it took."""
    if method == "tfidf":
        return {}, 0.0
    from mixmap.core.embed.registry import load_embedder

    rows = sorted({int(r) for seed in range(seeds) for r in mix_rows(frame, seed)})
    embedder = load_embedder(None, fast=method == "static")  # MIXMAP_MODEL_CACHE or ~/.cache/mixmap
    started = time.process_time()
    matrix = embedder.embed(frame["text"].to_numpy()[rows].tolist())
    return dict(zip(rows, matrix)), time.process_time() - started


def purity(frame: pd.DataFrame, scores: np.ndarray, ids: np.ndarray, rows: np.ndarray, *, seed: int) -> dict:
    """Machine share of the top-5 slop clusters (ranked by summarise_clusters) of one clustered mix."""
    from mixmap.core.quality.scoring import overrepresented_phrases, summarise_clusters

    texts = frame["text"].to_numpy()[rows].tolist()
    table = summarise_clusters(ids, scores[rows], texts)
    top = table.head(5)
    label = frame["label"].to_numpy()[rows]
    shares = [float(label[ids == c].mean()) for c in top["cluster"]]
    every = [float(label[ids == c].mean()) for c in set(ids.tolist())]
    in_top = np.isin(ids, top["cluster"].to_numpy())
    first = ids == top["cluster"].iloc[0]
    phrases = overrepresented_phrases([t for t, f in zip(texts, first, strict=True) if f],
                                      [t for t, f in zip(texts, first, strict=True) if not f], top_k=8)
    return {"seed": seed, "rows": len(rows), "clusters": len(set(ids.tolist()) - {-1}),
            "noise_share": round(float((ids == -1).mean()), 3),
            "top5_machine_share": round(float(label[in_top].mean()), 4),
            "top1_overrepresented": [p["phrase"] for p in phrases],
            "top5_rows": int(in_top.sum()), "per_cluster": [round(s, 3) for s in shares],
            "top5_sizes": top["size"].tolist(), "top5_why": top["why"].tolist(),
            "all_clusters_machine_share_range": [round(min(every), 3), round(max(every), 3)]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=5, help="purity runs (mix sample + KMeans seed)")
    parser.add_argument("--k", type=int, default=20, help="KMeans clusters for --clusters tfidf")
    parser.add_argument("--clusters", choices=["static", "minilm", "tfidf"], default="static",
                        help="how the purity mix is clustered (static/minilm: the product's embed + UMAP + HDBSCAN)")
    args = parser.parse_args()
    from mixmap.core.quality.scoring import DEFAULT_WEIGHTS, compute_signals, fit_weights, slop_score

    frame = load_corpus()
    t0 = time.perf_counter()
    signals = compute_signals(frame["text"].tolist(), instructions=frame["instruction"].tolist())
    signal_s = time.perf_counter() - t0
    y, n_words = frame["label"].to_numpy(), signals["n_words"].to_numpy()
    tune = (frame["split"] == "tune").to_numpy()

    strength, cv = choose_strength(frame, signals)
    fitted = fit_weights(signals[tune], y[tune], strength=strength)
    scores = slop_score(signals)  # DEFAULT_WEIGHTS, as shipped
    fitted_scores = slop_score(signals, weights=fitted)
    ceiling = bow_ceiling(frame)
    supervised = supervised_scores(frame, signals)

    held_h = (frame["split"] != "tune").to_numpy() & (y == 0)
    sets = {
        "tune (in-sample for `fitted`)": tune,
        "held-out rows (same sources)": (frame["split"] == "heldout_rows").to_numpy(),
        "held-out sources/generators vs held-out humans": held_h | (
            (frame["split"] == "heldout_sources").to_numpy() & (y == 1)),
        "all held-out": (frame["split"] != "tune").to_numpy(),
        "seed tasks (human) vs Alpaca-52k (same task style)": frame["source"].isin(
            ["seed_tasks", "alpaca_52k"]).to_numpy(),
    }
    results = []
    for name, mask in sets.items():
        results.append({"set": name, "human": int((y[mask] == 0).sum()), "machine": int((y[mask] == 1).sum()),
                        "shipped": auroc(y[mask], scores[mask]),
                        "fitted": auroc(y[mask], fitted_scores[mask]),
                        "length_only": auroc(y[mask], n_words[mask]),
                        "shipped_within_length_bins": stratified_auroc(y[mask], scores[mask], n_words[mask]),
                        "supervised_bow_ceiling": auroc(y[mask], ceiling[mask]),
                        "supervised_features": auroc(y[mask], supervised[mask])})
    per_source = []
    for key in sorted(set(frame["key"][frame["label"] == 1])):
        mask = held_h | ((frame["key"] == key).to_numpy() & (frame["split"] != "tune").to_numpy())
        per_source.append({"machine": key, "unseen_in_tuning": bool(
            (frame["split"][frame["key"] == key] == "heldout_sources").all()),
            "rows": int((y[mask] == 1).sum()), "shipped": auroc(y[mask], scores[mask]),
            "fitted": auroc(y[mask], fitted_scores[mask]), "length_only": auroc(y[mask], n_words[mask]),
            "supervised_features": auroc(y[mask], supervised[mask])})
    vectors, embed_cpu_s = embed_mix_rows(frame, args.clusters, args.seeds)
    # `oracle` ranks clusters by their true machine share: the best any score could do on these clusters
    named = (("shipped", scores), ("fitted", fitted_scores), ("supervised", supervised),
             ("length", n_words / max(n_words.max(), 1)), ("oracle", y.astype(np.float64)))
    purities: dict[str, list] = {name: [] for name, _ in named}
    cluster_cpu_s = 0.0
    for seed in range(args.seeds):
        rows = mix_rows(frame, seed)
        started = time.process_time()
        ids = cluster_mix(frame, rows, method=args.clusters, seed=seed, k=args.k, vectors=vectors)
        cluster_cpu_s += time.process_time() - started
        for name, sc in named:
            purities[name].append(purity(frame, sc, ids, rows, seed=seed))
    oasst = frame["text"][frame["source"] == "oasst1"].str.lower()
    claims_ai = int(oasst.str.contains(r"as an ai|language model|i am an ai|i'm an ai|as an assistant").sum())

    print(f"signals for {len(frame)} rows in {signal_s:.1f}s; `fitted` prior strength {strength} "
          f"(leave-one-generator-out AUROC in tune: {cv})\n")
    print(f"label noise: {claims_ai} of {len(oasst)} oasst1 'human' replies say they are an AI / language model "
          "(volunteers wrote as the assistant)\n")
    print("| set | human | machine | shipped score AUROC | fitted-on-tune AUROC | length-only AUROC |"
          " shipped AUROC within length bins | supervised BoW ceiling | supervised features (tune only) |")
    print("|---|---|---|---|---|---|---|---|---|")
    for r in results:
        print(f"| {r['set']} | {r['human']} | {r['machine']} | {r['shipped']} | {r['fitted']} |"
              f" {r['length_only']} |"
              f" {r['shipped_within_length_bins']} | {r['supervised_bow_ceiling']} | {r['supervised_features']} |")
    print("\n| machine source vs all held-out humans | unseen in tuning | rows | shipped | fitted |"
          " length-only | supervised |")
    print("|---|---|---|---|---|---|---|")
    for r in per_source:
        print(f"| {r['machine']} | {r['unseen_in_tuning']} | {r['rows']} | {r['shipped']} | {r['fitted']} |"
              f" {r['length_only']} | {r['supervised_features']} |")
    summary = {}
    method = (f"TF-IDF(1-2gram)+SVD(100)+KMeans(k={args.k})" if args.clusters == "tfidf" else
              f"{args.clusters} embeddings + mixmap.core.build.cluster.cluster_vectors (UMAP 5-D + HDBSCAN)")
    for name, runs in purities.items():
        shares = [p["top5_machine_share"] for p in runs]
        summary[name] = {"mean_top5_machine_share": round(float(np.mean(shares)), 4), "min": min(shares)}
        print(f"\nTop-5 slop clusters, {name} score, 50/50 held-out mix ({runs[0]['rows']} rows, "
              f"{method}): machine share mean {np.mean(shares):.3f}, "
              f"min {min(shares):.3f} over {len(runs)} seeds")
        for p in runs:
            print(f"  seed {p['seed']}: {p['top5_machine_share']:.3f} ({p['clusters']} clusters, noise "
                  f"{p['noise_share']:.0%}), per cluster {p['per_cluster']}, sizes "
                  f"{p['top5_sizes']}; top cluster why {p['top5_why'][0][:4]}, over-represented "
                  f"{p['top1_overrepresented'][:4]}")
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps({
        "rows": len(frame), "signals_seconds": round(signal_s, 2), "shipped_weights": DEFAULT_WEIGHTS,
        "fitted_prior_strength": strength, "strength_cv_auroc": cv, "fitted_weights": fitted,
        "auroc": results, "per_machine_source": per_source, "experiments_not_shipped": EXPERIMENTS,
        "oasst1_replies_claiming_to_be_ai": [claims_ai, len(oasst)],
        "purity": {"method": method, "embed_cpu_s": round(embed_cpu_s, 1),
                   "cluster_cpu_s": round(cluster_cpu_s, 1), **summary, "runs": purities},
    }, indent=2, default=str) + "\n")
    print(f"\nwrote {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
