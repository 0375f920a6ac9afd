"""Coverage under a style shift: planted topic gaps where reference and candidate have different writers.

    OMP_NUM_THREADS=1 flock /tmp/mixmap-cpu.lock .venv/bin/python bench/bench_coverage_prompts.py
    ... --model minilm --cases eval --seeds 0 --methods union --sides prompt     # a small MiniLM check

Data (all from ../shared/data):
- `eval`: reference = one half of the 805 AlpacaEval prompts (seeded split) answered by GPT-4 Turbo
  (gpt4_1106_preview: long, markdown-styled answers); candidate = the other half answered by text-davinci-003
  plus 5,000 Alpaca rows (text-davinci-003, self-instruct prompts). The candidate is in one writer's style,
  the reference in another's, and the candidate holds the reference's kind of prompts.
- `dolly`: reference = one half of the 1,611 Dolly rows (human-written prompts and answers); candidate = the
  other half plus 5,000 Alpaca rows (machine-written).
- `eval-halves` (the issue's case: the same kind of instructions, answered by another model): reference = one
  half of the AlpacaEval prompts answered by GPT-4 Turbo, candidate = the other half answered by
  text-davinci-003, nothing else. The prompt distributions match, so the planted gap is the only real
  difference; but the sets are small (402 / 403 rows), so a 1-5% topic is 4-20 reference rows.
- `alpaca-halves` (a control at a larger size, one writer): reference = 1,000 Alpaca rows, candidate =
  5,000 other Alpaca rows. Same prompt distribution, no style shift: what any gap ranking should get right.
- `eval-alpaca` and `dolly-alpaca` (strict shift, no shared half): reference as above, candidate = Alpaca only.
  Here the prompt distributions differ for real (AlpacaEval and Dolly ask things Alpaca never does), and
  those real differences compete with the planted gap for the top 3.

Topics: k-means (k = 40, its own seed) on the prompt vectors of the whole union before anything is removed;
also keyword topics (a regex over the prompt, topics written before this benchmark). A topic is eligible when
it is 1-5% of the reference. Planting = removing every candidate row of the topic. Per seed, the k-means
topics are split at random into `tune` and `heldout`; keyword topics are all held out. All method choices
(sizes, alpha, max_ratio) were made on `tune` only.

Scoring: a gap "is" a topic when more than half of its reference rows belong to it. hit@3 = the planted topic
is one of the top 3 gaps. false-hit rate = share of top-3 gaps that are not the planted topic (strict); the
part of them that is a real difference (a k-means topic whose candidate share was already below half the
reference's before planting) is reported beside it.

Methods: `union` (core/coverage/union.py) and `local` (the per-row k-NN test + gap pockets before issue 19),
each on `prompt` vectors (instruction + input) and `text` vectors (the whole row).
"""
from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from mixmap.core.coverage.analysis import coverage_radius  # noqa: E402
from mixmap.core.coverage.local import gap_pockets, local_signal, score_units  # noqa: E402
from mixmap.core.coverage.paired import find_pockets  # noqa: E402
from mixmap.core.coverage.union import union_pockets  # noqa: E402
from mixmap.core.vectors import nearest_neighbours  # noqa: E402

COHERENT = 0.6  # a topic whose rows' 10 nearest neighbours are mostly in it; below, removing it barely moves them

DATA = ROOT.parent / "shared" / "data"
RESULTS = ROOT / "bench" / "results" / "coverage_prompts.json"
K_TOPICS = 40
SHARE_RANGE = (0.01, 0.05)
ALPACA_ROWS = 5000
KEYWORD_TOPICS = {  # bench/bench_coverage.py's held-out list, plus a few; matched against the prompt only
    "math": r"\b(equation|algebra|geometry|triangle|fraction|multiply|divide|percentage|calculate)\b",
    "business": r"\b(marketing|customers?|business|company|brand|sales|startup)\b",
    "weather": r"\b(weather|rain|snow|temperature|storm|sunny|forecast)\b",
    "movies": r"\b(movies?|films?|actor|actress|director|cinema|hollywood)\b",
    "transport": r"\b(cars?|vehicles?|driving|traffic|train|airplane|bicycle)\b",
    "politics": r"\b(government|president|election|political|politics|democracy|policy)\b",
    "geography": r"\b(country|countries|continent|river|mountains?|capital city|ocean)\b",
    "science": r"\b(chemical|molecules?|atoms?|physics|chemistry|electrons?|photosynthesis|cells?)\b",
    "poetry": r"\b(poem|poems|poetry|haiku|rhyme|rhyming|limerick|sonnet|stanza)\b",
    "cooking": r"\b(recipes?|cook|cooking|bake|baking|ingredients?|dish|meal|cuisine)\b",
    "code": r"\b(python|javascript|java|sql|html|css|c\+\+|function|algorithm|code|array)\b",
    "music": r"\b(music|musical|song|songs|guitar|piano|melody|album)\b",
    "sports": r"\b(sports?|football|soccer|basketball|baseball|tennis|athlete|olympics?)\b",
}


# ---- data -------------------------------------------------------------------------------------------------
def alpaca(n: int) -> list[dict]:
    rows: list[dict] = []
    part = 0
    while len(rows) < n:
        with gzip.open(DATA / "alpaca_52k_en_zh" / "data" / f"alpaca_chinese_part_{part}.json.gz", "rt",
                       encoding="utf-8") as fh:
            rows += [{"prompt": f"{r['en_instruction']}\n{r['en_input']}".strip(), "answer": r["en_output"]}
                     for r in json.load(fh)]
        part += 1
    return rows[:n]


def alpaca_eval(generator: str) -> list[dict]:
    path = DATA / "alpaca_eval_model_outputs" / "results" / generator / "model_outputs.json"
    return [{"prompt": r["instruction"], "answer": r["output"] or ""} for r in json.loads(path.read_text())]


def dolly() -> list[dict]:
    lines = (DATA / "dolly_15k_sample" / "dolly_sample.jsonl").read_text(encoding="utf-8").splitlines()
    return [{"prompt": f"{r['instruction']}\n{r.get('context') or ''}".strip(), "answer": r["response"]}
            for r in map(json.loads, lines)]


class Vectors:
    """Prompt and text vectors of every row, embedded once."""

    def __init__(self, embedder):
        self.embedder, self.cache = embedder, {}

    def __call__(self, rows: list[dict], side: str) -> np.ndarray:
        texts = [r["prompt"] if side == "prompt" else f"{r['prompt']}\n{r['answer']}" for r in rows]
        missing = list(dict.fromkeys(t for t in texts if t not in self.cache))
        for start in range(0, len(missing), 256):
            chunk = missing[start:start + 256]
            self.cache.update(zip(chunk, np.asarray(self.embedder.embed(chunk), dtype=np.float32)))
        return np.stack([self.cache[t] for t in texts])


def make_case(case: str, seed: int, pool: list[dict], sources: dict) -> tuple[list[dict], list[dict]]:
    rng = np.random.default_rng(seed)
    if case == "eval-halves":
        order = rng.permutation(len(sources["gpt4t"]))
        half = len(order) // 2
        return [sources["gpt4t"][i] for i in order[:half]], [sources["davinci"][i] for i in order[half:]]
    if case == "eval-paired":  # the same 805 prompts on both sides, answered by two models
        return list(sources["gpt4t"]), list(sources["davinci"])
    if case.startswith("eval-paired-drop"):  # as eval-paired, and a filter also dropped N% of the candidate at random
        share = 1 - int(case.removeprefix("eval-paired-drop")) / 100
        keep = np.sort(rng.permutation(len(sources["davinci"]))[: int(share * len(sources["davinci"]))])
        return list(sources["gpt4t"]), [sources["davinci"][i] for i in keep]
    if case == "dolly-filtered":  # the candidate is the reference after a filter: the same rows, one topic gone
        return list(sources["dolly"]), list(sources["dolly"])
    if case.startswith("alpaca-filtered-drop"):  # 3,000 Alpaca rows; the candidate lost N% at random besides the topic
        rows = [pool[i] for i in np.sort(rng.permutation(len(pool))[:3000])]
        kept = int(3000 * (1 - int(case.removeprefix("alpaca-filtered-drop")) / 100))
        return rows, [rows[i] for i in np.sort(rng.permutation(3000)[:kept])]
    if case == "alpaca-halves":
        order = rng.permutation(len(pool))
        return [pool[i] for i in order[:1000]], [pool[i] for i in order[1000:1000 + ALPACA_ROWS]]
    cand = [pool[i] for i in np.sort(rng.permutation(len(pool))[:ALPACA_ROWS])]
    if case.startswith("eval"):
        order = rng.permutation(len(sources["gpt4t"]))
        half = len(order) // 2
        ref = [sources["gpt4t"][i] for i in order[:half]]
        if case == "eval":
            cand = cand + [sources["davinci"][i] for i in order[half:]]
        return ref, cand
    order = rng.permutation(len(sources["dolly"]))
    half = len(order) // 2
    ref = [sources["dolly"][i] for i in order[:half]]
    if case == "dolly":
        cand = cand + [sources["dolly"][i] for i in order[half:]]
    return ref, cand


def prompt_cases(cases: list[str], seeds: list[int]):
    """(case, seed, reference rows, candidate rows, their prompt vectors) for every case and seed (static model)."""
    from mixmap.core.embed.registry import load_embedder

    vectors = Vectors(load_embedder(fast=True))
    pool = alpaca(8000)
    sources = {"gpt4t": alpaca_eval("gpt4_1106_preview"), "davinci": alpaca_eval("text_davinci_003"), "dolly": dolly()}
    for case in cases:
        for seed in seeds:
            ref, cand = make_case(case, seed, pool, sources)
            yield case, seed, ref, cand, vectors(ref, "prompt"), vectors(cand, "prompt")


def planted_topics(RP: np.ndarray, CP: np.ndarray, ref: list[dict], cand: list[dict], seed: int):
    """(reference topic labels, real differences, planted topics) of one case, for the refparts / calibrated
    experiments: k-means topics of the union's prompts at 1-5% of the reference, a seeded tune / heldout half,
    and the keyword topics; each planted topic a dict with its members on both sides and its purity (share of
    its reference rows' 10 nearest union rows that are in the topic)."""
    from sklearn.cluster import KMeans

    union = np.vstack([RP, CP])
    labels = KMeans(K_TOPICS, n_init=3, random_state=1000 + seed).fit_predict(union)
    lab_r, lab_c = labels[:len(ref)], labels[len(ref):]
    nb, _ = nearest_neighbours(RP, union, k=11)
    sr, sc = np.bincount(lab_r, minlength=K_TOPICS) / len(ref), np.bincount(lab_c, minlength=K_TOPICS) / len(cand)
    real = {int(t) for t in np.flatnonzero(sr > 2 * sc)}
    kt = [int(t) for t in np.flatnonzero((sr >= .01) & (sr <= .05))]
    tune = set(np.random.default_rng(seed).permutation(kt)[: len(kt) // 2].tolist())
    planted = [(f"k{t}", "tune" if t in tune else "heldout", lab_r == t, lab_c == t) for t in kt]
    for name, pattern in KEYWORD_TOPICS.items():
        m_r = np.array([bool(re.search(pattern, r["prompt"].lower())) for r in ref])
        m_c = np.array([bool(re.search(pattern, r["prompt"].lower())) for r in cand])
        if .01 <= m_r.mean() <= .05:
            planted.append((name, "keyword", m_r, m_c))
    topics = [dict(name=name, split=split, m_r=m_r, m_c=m_c,
                   purity=float(np.concatenate([m_r, m_c])[nb[m_r, 1:]].mean()))
              for name, split, m_r, m_c in planted]
    return lab_r, real, topics


# ---- methods ----------------------------------------------------------------------------------------------
def gaps_union(R: np.ndarray, C: np.ndarray, **options) -> list[np.ndarray]:
    return [p.rows for p in union_pockets(R, C, **options)]


def gaps_shipped(R: np.ndarray, C: np.ndarray, *, align: bool) -> list[np.ndarray]:
    """What analyze_coverage runs: the paired scan when the candidate holds most reference rows, else union."""
    _, dist = nearest_neighbours(R, C, k=1)
    return [p.rows for p in find_pockets(R, C, dist[:, 0], align=align)[0]]


def gaps_scan(R: np.ndarray, C: np.ndarray, scales=(5, 10, 20, 40, 80), n_perm: int = 99, alpha: float = 0.05,
              max_ratio: float = 0.5, seed: int = 42) -> list[np.ndarray]:
    """Experiment (not shipped): the paired scan's statistic on union neighbourhoods. Every union row with its k
    nearest union rows is a region; Kulldorff's Bernoulli log-likelihood ratio of reference vs candidate rows
    ranks it; a permutation of the labels over the same regions sets the cut; candidate share <= max_ratio."""
    from mixmap.core.coverage.paired import _region_llr

    n_r, n_c = len(R), len(C)
    union = np.vstack([R, C])
    nb, _ = nearest_neighbours(union, union, k=max(scales), skip=np.arange(len(union)))
    sizes = np.asarray(scales) + 1

    def scores(is_ref):
        a = is_ref[:, None] + np.cumsum(is_ref[nb], axis=1)[:, np.asarray(scales) - 1]
        llr = _region_llr(a, sizes, len(union), n_r, 3)  # the paired scan's statistic, reference rows as "missing"
        return np.where((sizes - a) / n_c <= max_ratio * (a / n_r), llr, 0.0)

    rng = np.random.default_rng(seed)
    is_ref = np.r_[np.ones(n_r, dtype=np.int64), np.zeros(n_c, dtype=np.int64)]
    score = scores(is_ref)
    null = np.array([scores(rng.permutation(is_ref)).max() for _ in range(n_perm)])
    cut = float(np.quantile(null, 1 - alpha))
    centre, scale = np.nonzero(score > cut)
    pockets: list[np.ndarray] = []
    for i in np.argsort(-score[centre, scale], kind="stable"):
        members = np.r_[centre[i], nb[centre[i], : scales[scale[i]]]]
        rows = np.sort(members[members < n_r])
        if not any(np.intersect1d(rows, p).size >= 0.5 * min(len(rows), len(p)) for p in pockets):
            pockets.append(rows)
    return pockets


def gaps_local(R: np.ndarray, C: np.ndarray) -> list[np.ndarray]:
    """The ranking before issue 19: per-row k-NN binomial test, average-linkage pockets, ranked by z."""
    import pandas as pd

    radius = coverage_radius(C)
    signal = local_signal(R, C)
    units = gap_pockets(R, signal, radius=radius)
    n_ref = pd.Series(units[units >= 0]).value_counts()
    table = pd.DataFrame({"unit": n_ref.index, "n_ref": n_ref.to_numpy(), "missing_mass": 0.0})
    table = score_units(table, units, signal)
    table = table[table["uncovered"] > 0]
    return [np.flatnonzero(units == u) for u in table["unit"]]


# ---- scoring ----------------------------------------------------------------------------------------------
def topic_of_gap(rows: np.ndarray, member: np.ndarray) -> bool:
    return len(rows) > 0 and member[rows].mean() > 0.5


def main_topic(rows: np.ndarray, labels: np.ndarray) -> int:
    counts = np.bincount(labels[rows], minlength=K_TOPICS)
    return int(counts.argmax()) if counts.max() > len(rows) / 2 else -1


def run(args) -> dict:
    from mixmap.core.embed.registry import load_embedder
    from sklearn.cluster import KMeans

    vectors = Vectors(load_embedder(fast=args.model == "static"))
    pool = alpaca(8000)
    sources = {"gpt4t": alpaca_eval("gpt4_1106_preview"), "davinci": alpaca_eval("text_davinci_003"),
               "dolly": dolly()}
    records = []
    t_start = time.perf_counter()
    for case in args.cases:
        for seed in args.seeds:
            ref, cand = make_case(case, seed, pool, sources)
            vec = {side: (vectors(ref, side), vectors(cand, side)) for side in args.sides}
            RP, CP = vectors(ref, "prompt"), vectors(cand, "prompt")
            labels = KMeans(K_TOPICS, n_init=3, random_state=1000 + seed).fit_predict(np.vstack([RP, CP]))
            lab_r, lab_c = labels[:len(ref)], labels[len(ref):]
            union_p = np.vstack([RP, CP])
            neighbours, _ = nearest_neighbours(RP, union_p, k=11)  # itself first
            share_r = np.bincount(lab_r, minlength=K_TOPICS) / len(ref)
            share_c = np.bincount(lab_c, minlength=K_TOPICS) / len(cand)
            real = {int(t) for t in np.flatnonzero(share_r > 2 * share_c)}
            planted = []  # (name, split, reference member mask, candidate member mask)
            kmeans_topics = [int(t) for t in np.flatnonzero((share_r >= SHARE_RANGE[0]) & (share_r <= SHARE_RANGE[1]))]
            tune = set(np.random.default_rng(seed).permutation(kmeans_topics)[: len(kmeans_topics) // 2].tolist())
            for t in kmeans_topics:
                planted.append((f"k{t}", "tune" if t in tune else "heldout", lab_r == t, lab_c == t))
            is_topic = {name: np.concatenate([m_r, m_c]) for name, _, m_r, m_c in planted}
            if not args.no_keywords:
                for name, pattern in KEYWORD_TOPICS.items():
                    m_r = np.array([bool(re.search(pattern, r["prompt"].lower())) for r in ref])
                    m_c = np.array([bool(re.search(pattern, r["prompt"].lower())) for r in cand])
                    if SHARE_RANGE[0] <= m_r.mean() <= SHARE_RANGE[1]:
                        planted.append((name, "keyword", m_r, m_c))
                        is_topic[name] = np.concatenate([m_r, m_c])
            print(f"{case} seed {seed}: {len(ref)} reference, {len(cand)} candidate rows; "
                  f"{len(planted)} planted topics; real differences (k-means topics) {sorted(real)}", flush=True)
            for name, split, m_r, m_c in planted:
                keep = ~m_c
                # coherence: share of a topic row's 10 nearest union rows in the same topic
                purity = float(is_topic[name][neighbours[m_r, 1:]].mean())
                for side in args.sides:
                    R, C = vec[side][0], vec[side][1][keep]
                    for method in args.methods:
                        gaps = (gaps_union(R, C, align=side == "text") if method == "union" else
                                gaps_shipped(R, C, align=side == "text") if method == "shipped" else
                                gaps_scan(R, C) if method == "scan" else gaps_local(R, C))
                        top = gaps[:3]
                        hits = [topic_of_gap(g, m_r) for g in top]
                        others = [main_topic(g, lab_r) for g, h in zip(top, hits) if not h]
                        rank = next((i + 1 for i, g in enumerate(gaps) if topic_of_gap(g, m_r)), None)
                        records.append({
                            "case": case, "seed": seed, "topic": name, "split": split, "side": side,
                            "method": method, "ref_share": round(float(m_r.mean()), 4),
                            "removed": int(m_c.sum()), "purity": round(purity, 3), "rank": rank, "hit3": bool(any(hits)),
                            "top3": len(top), "false3": len(others),
                            "false3_real": sum(o in real for o in others),
                            "top_sizes": [len(g) for g in top]})
            done = [r for r in records if r["case"] == case and r["seed"] == seed]
            for side in args.sides:
                for method in args.methods:
                    mine = [r for r in done if r["side"] == side and r["method"] == method]
                    print(f"   {side:<6} {method:<5} hit@3 {sum(r['hit3'] for r in mine)}/{len(mine)}  "
                          f"false {sum(r['false3'] for r in mine)}/{sum(r['top3'] for r in mine)}", flush=True)
    return {"model": vectors.embedder.name, "k_topics": K_TOPICS, "share_range": SHARE_RANGE,
            "alpaca_rows": ALPACA_ROWS, "seconds": round(time.perf_counter() - t_start, 1),
            "summary": summarize(records), "records": records}


def summarize(records: list[dict]) -> list[dict]:
    out = []
    records = records + [{**r, "split": r["split"] + "-coherent"} for r in records if r["purity"] >= COHERENT]
    keys = sorted({(r["case"], r["split"], r["side"], r["method"]) for r in records})
    for case, split, side, method in keys:
        mine = [r for r in records if (r["case"], r["split"], r["side"], r["method"]) == (case, split, side, method)]
        top3 = sum(r["top3"] for r in mine)
        out.append({"case": case, "split": split, "side": side, "method": method, "n": len(mine),
                    "hit_at_3": round(sum(r["hit3"] for r in mine) / len(mine), 3),
                    "false_hit_rate": round(sum(r["false3"] for r in mine) / max(top3, 1), 3),
                    "false_hit_rate_not_real": round(sum(r["false3"] - r["false3_real"] for r in mine) / max(top3, 1), 3),
                    "no_gap_found": sum(r["top3"] == 0 for r in mine)})
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", choices=["static", "minilm"], default="static")
    parser.add_argument("--cases", nargs="*", default=["eval-halves", "alpaca-halves", "eval", "dolly", "eval-alpaca",
                                                         "dolly-alpaca"])
    parser.add_argument("--seeds", nargs="*", type=int, default=[0, 1, 2])
    parser.add_argument("--sides", nargs="*", default=["prompt", "text"])
    parser.add_argument("--methods", nargs="*", default=["union", "local"])
    parser.add_argument("--no-keywords", action="store_true")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()
    result = run(args)
    print(f"\n{'case':<13}{'split':<9}{'side':<8}{'method':<7}{'n':>4}  hit@3  false  false(not real)")
    for s in result["summary"]:
        print(f"{s['case']:<13}{s['split']:<9}{s['side']:<8}{s['method']:<7}{s['n']:>4}  {s['hit_at_3']:.3f}  "
              f"{s['false_hit_rate']:.3f}  {s['false_hit_rate_not_real']:.3f}")
    saved = json.loads(args.out.read_text()) if args.out.is_file() else {}
    saved[f"{result['model']} cases={','.join(args.cases)} seeds={','.join(map(str, args.seeds))}"] = result
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(saved, indent=1) + "\n")
    print(f"saved {args.out} ({result['seconds']} s)")


if __name__ == "__main__":
    main()
