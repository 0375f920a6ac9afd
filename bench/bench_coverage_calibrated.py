"""Coverage experiment (issue 19, session 10): a permutation-calibrated cut on the shipped union pockets, and a
reference-only Ward tree of regions. Measured candidates, not shipped.

    OMP_NUM_THREADS=1 .venv/bin/python bench/bench_coverage_calibrated.py SPLITS CASES [METHODS]
    e.g. heldout,keyword alpaca-halves,eval-halves,eval,dolly union,union_cut,tree

Cases, planted topics, splits and the hit / false-hit rules are bench/bench_coverage_prompts.py's (prompt side,
static model, seeds 0-2); the embedded cases are cached in /tmp/mixmap_coverage_cases.pkl.
Methods:
  union      the shipped union pockets (core/coverage/union.py), no offset removal (as the other benches)
  union_cut  the same pockets, keeping only those whose ratio bound is below the 5% quantile of the best bound
             over 19 label permutations of the union (computed once per case and seed, before planting)
  tree       Ward tree of the reference rows alone, every candidate row counted in the node of its nearest
             reference row, every node ranked by the ratio bound, the same permutation cut; nodes taken best
             first without ancestors or descendants of a node already taken
Prints hit@3 / false-hit / false-hit-not-a-real-difference per case, all topics and coherent ones (purity >= 0.6).
"""
import collections
import pickle
import sys
from pathlib import Path

import numpy as np

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
import bench_coverage_prompts as B
from mixmap.core.coverage.union import ratio_bound, union_pockets
from mixmap.core.vectors import nearest_neighbours

CACHE = Path("/tmp/mixmap_coverage_cases.pkl")
N_PERM, LEVEL, MIN_REF, MAX_RATIO = 19, 0.05, 3, 0.5


def build(cases, seeds):
    out = []
    for case, seed, ref, cand, RP, CP in B.prompt_cases(cases, seeds):
        lab_r, real, pl = B.planted_topics(RP, CP, ref, cand, seed)
        out.append(dict(case=case, seed=seed, RP=RP, CP=CP, lab_r=lab_r, real=real, planted=pl))
        print(case, seed, len(ref), len(cand), len(pl), flush=True)
    return out

def evaluate(data, method, splits=("tune",), cases=None):
    recs = []
    for d in data:
        if cases and d["case"] not in cases: continue
        ctx = {}
        for p in d["planted"]:
            if p["split"] not in splits: continue
            C = d["CP"][~p["m_c"]]
            gaps = method(d["RP"], C, ctx)
            top = gaps[:3]; hits = [B.topic_of_gap(g, p["m_r"]) for g in top]
            others = [B.main_topic(g, d["lab_r"]) for g, h in zip(top, hits) if not h]
            recs.append(dict(case=d["case"], seed=d["seed"], topic=p["name"], purity=p["purity"], hit=any(hits), top3=len(top), false=len(others), false_real=sum(o in d["real"] for o in others), rank=next((i+1 for i, g in enumerate(gaps) if B.topic_of_gap(g, p["m_r"])), None), n=int(p["m_r"].sum())))
    return recs

def summary(recs, tag=""):
    out = {}
    for case in sorted(set(r["case"] for r in recs)) + ["ALL"]:
        for c in ("all", "coh"):
            m = [r for r in recs if (case == "ALL" or r["case"] == case) and (c == "all" or r["purity"] >= .6)]
            if not m: continue
            t3 = max(sum(r["top3"] for r in m), 1)
            out[f"{case}-{c}"] = (len(m), round(np.mean([r["hit"] for r in m]), 3), round(sum(r["false"] for r in m) / t3, 3), round(sum(r["false"] - r["false_real"] for r in m) / t3, 3))
    for k, v in out.items():
        print(f"{tag:<12}{k:<22} n={v[0]:>3} hit {v[1]:.3f} false {v[2]:.3f} false_nr {v[3]:.3f}")
    return out


def tree_nodes(R, C):
    from scipy.cluster.hierarchy import linkage

    n = len(R)
    kids = linkage(R.astype(np.float64), method="ward")[:, :2].astype(int)
    leaf = nearest_neighbours(C, R, k=1)[0][:, 0]
    cr, cc, parent = np.ones(2 * n - 1), np.zeros(2 * n - 1), np.full(2 * n - 1, -1)
    cc[:n] = np.bincount(leaf, minlength=n)
    for i, (a, b) in enumerate(kids):
        cr[n + i], cc[n + i] = cr[a] + cr[b], cc[a] + cc[b]
        parent[a] = parent[b] = n + i
    bound = ratio_bound(cr, cc, n, len(C))
    ok = (cr >= MIN_REF) & ((cc / len(C)) / (cr / n) <= MAX_RATIO)
    return kids, cr, parent, bound, ok


def tree_gaps(R, C, cut):
    n = len(R)
    kids, cr, parent, bound, ok = tree_nodes(R, C)
    blocked, gaps = np.zeros(2 * n - 1, bool), []
    for v in np.lexsort((-cr, bound)):
        if not ok[v] or bound[v] >= cut or blocked[v]:
            continue
        rows, stack = [], [v]
        while stack:  # the node's reference rows; the node and its descendants are taken
            x = stack.pop()
            blocked[x] = True
            if x < n:
                rows.append(x)
            else:
                stack.extend(kids[x - n])
        a = parent[v]
        while a >= 0 and not blocked[a]:
            blocked[a], a = True, parent[a]
        gaps.append(np.array(sorted(rows)))
    return gaps


def best_bound(method, R, C):
    if method == "tree":
        *_, bound, ok = tree_nodes(R, C)
        return bound[ok].min() if ok.any() else np.inf
    pockets = union_pockets(R, C, align=False)
    return pockets[0].ratio_bound if pockets else np.inf


def null_cut(method, R, C, rng=0):
    union, g, best = np.vstack([R, C]), np.random.default_rng(rng), []
    for _ in range(N_PERM):
        perm = np.zeros(len(union), bool)
        perm[g.choice(len(union), len(R), replace=False)] = True
        best.append(best_bound(method, union[perm], union[~perm]))
    return float(np.quantile(best, LEVEL))


def method_for(name):
    def run(R, C, ctx):
        if name == "union":
            return [p.rows for p in union_pockets(R, C, align=False)]
        if "cut" not in ctx:  # the first planted topic of each case and seed; reused for the others
            ctx["cut"] = null_cut("tree" if name == "tree" else "union", R, C)
        if name == "tree":
            return tree_gaps(R, C, ctx["cut"])
        return [p.rows for p in union_pockets(R, C, align=False) if p.ratio_bound < ctx["cut"]]
    return run


def main():
    splits, cases = tuple(sys.argv[1].split(",")), sys.argv[2].split(",")
    methods = sys.argv[3].split(",") if len(sys.argv) > 3 else ["union", "union_cut", "tree"]
    if CACHE.is_file():
        data = pickle.loads(CACHE.read_bytes())
    else:
        data = build(["alpaca-halves", "eval-halves", "eval", "dolly"], [0, 1, 2])
        CACHE.write_bytes(pickle.dumps(data))
    for name in methods:
        recs = evaluate(data, method_for(name), splits=splits, cases=cases)
        summary(recs, name)
        print(name, "rank of the planted topic", dict(collections.Counter(r["rank"] for r in recs)), flush=True)


if __name__ == "__main__":
    main()
