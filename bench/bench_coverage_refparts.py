"""Coverage experiment (issue 19): reference-fitted partitions at several resolutions, permutation-calibrated.

Not the shipped method (core/coverage/union.py); a measured candidate for it. Prompt-side vectors, static model.

    OMP_NUM_THREADS=1 flock /tmp/mixmap-cpu.lock .venv/bin/python bench/bench_coverage_refparts.py \
        '{}' heldout,keyword alpaca-halves,eval-halves,eval,dolly 0,1 refparts,union

Arguments: a JSON dict of `multi_pockets` options, splits, cases, seeds, methods. Results are appended to
bench/results/coverage_refparts.json.

Method (`multi_pockets`):
1. k-means partitions fitted on the *reference* rows alone, k in `ks` x seeds in `seeds` (12 partitions by
   default); every union row (reference and candidate) is assigned to its nearest centre. Fitting on the
   reference keeps a planted topic's reference rows together as one region after its candidate rows are gone;
   union-fitted regions are drawn around where the candidate still is;
2. each region with >= `min_ref` reference rows is scored by the upper 95% bound of the candidate/reference
   share ratio (core.coverage.union.ratio_bound);
3. the cut is calibrated: the reference/candidate labels of the union are permuted `n_perm` times, the
   partitions refitted on the permuted "reference", and the `level` quantile of the best (lowest) bound over
   all regions of each permutation is the cut; regions below it with a point ratio <= `max_ratio` are gaps.
   Many partitions are many tests; the permutation null accounts for that and for regions being drawn on the
   data they test, which a per-region binomial alpha does not;
4. overlapping regions (the same reference rows at another k or seed) are merged greedily (union._merge).
For speed the benchmark calibrates once per (case, seed) before planting and reuses the cut for every planted
topic of that case (the sizes differ by the removed rows only).

Topics, splits and scoring are bench/bench_coverage_prompts.py's (the same data, planting and hit/false rules).
The default options were chosen on `tune` topics of alpaca-halves (session 8); report `heldout` and `keyword`.
"""
import json
import sys
import time
from pathlib import Path

import numpy as np
from sklearn.cluster import KMeans

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
RESULTS = BENCH / "results" / "coverage_refparts.json"
import bench_coverage_prompts as B

from mixmap.core.coverage.union import ratio_bound, Pocket, _merge

def partitions(fit, union, ks, seeds):
    out = []
    for k in ks:
        for s in seeds:
            m = KMeans(n_clusters=min(k, len(fit)), n_init=1, max_iter=50, random_state=s).fit(fit)
            c = m.cluster_centers_.astype(np.float32)
            out.append((union @ c.T - 0.5 * (c * c).sum(1)).argmax(1))
    return out

def regions(labels_list, is_ref, n_r, n_c, min_ref):
    found = []
    for labels in labels_list:
        n = labels.max() + 1
        cr = np.bincount(labels[is_ref], minlength=n); cc = np.bincount(labels[~is_ref], minlength=n)
        b = ratio_bound(cr, cc, n_r, n_c)
        for g in np.flatnonzero(cr >= min_ref):
            found.append((float(b[g]), labels, g, int(cr[g]), int(cc[g])))
    return found

def multi_pockets(R, C, ks=(10, 20, 40, 80), seeds=(0, 1, 2), min_ref=3, n_perm=19, level=0.05, max_ratio=0.5, rng=0, thr=None):
    n_r, n_c = len(R), len(C)
    union = np.vstack([R, C]).astype(np.float32)
    is_ref = np.zeros(len(union), bool); is_ref[:n_r] = True
    parts = partitions(R, union, ks, seeds)
    found = regions(parts, is_ref, n_r, n_c, min_ref)
    g = np.random.default_rng(rng)
    null = []
    for _ in range(n_perm):
        perm = np.zeros(len(union), bool); perm[g.choice(len(union), n_r, replace=False)] = True
        p = partitions(union[perm], union, ks, seeds)
        null.append(min(f[0] for f in regions(p, perm, n_r, n_c, min_ref)))
    if thr is None:
        thr = float(np.quantile(null, level))
    pockets = []
    for b, labels, grp, cr, cc in sorted(found, key=lambda f: (f[0], -f[3])):
        ratio = (cc / n_c) / (cr / n_r)
        if b < thr and ratio <= max_ratio:
            pockets.append(Pocket(rows=np.flatnonzero(labels[:n_r] == grp), ratio_bound=b, ratio=ratio, n_ref=cr, n_cand=cc, p_value=np.nan))
    return _merge(pockets), thr


def main():
    cfg = json.loads(sys.argv[1]); splits = sys.argv[2].split(","); cases = sys.argv[3].split(","); seeds = [int(s) for s in sys.argv[4].split(",")]
    methods = sys.argv[5].split(",") if len(sys.argv) > 5 else ["refparts", "union"]
    recs = []
    for case, seed, ref, cand, RP, CP in B.prompt_cases(cases, seeds):
        lab_r, real, topics = B.planted_topics(RP, CP, ref, cand, seed)
        planted = [(t["name"], t["split"], t["m_r"], t["m_c"], t["purity"]) for t in topics]
        planted = [p for p in planted if p[1] in splits]
        thr = None
        t0 = time.time()
        for name, split, m_r, m_c, purity in planted:
            C = CP[~m_c]
            for method in methods:
                if method == "union":
                    gaps = B.gaps_union(RP, C, align=False)
                else:
                    if thr is None:
                        _, thr = multi_pockets(RP, CP, **cfg)
                    gaps = [p.rows for p in multi_pockets(RP, C, **{**cfg, "n_perm": 0}, thr=thr)[0]]
                top = gaps[:3]; hits = [B.topic_of_gap(g, m_r) for g in top]
                others = [B.main_topic(g, lab_r) for g, h in zip(top, hits) if not h]
                recs.append(dict(case=case, seed=seed, topic=name, split=split, method=method, purity=purity, hit=any(hits), top3=len(top), false=len(others), false_real=sum(o in real for o in others), sizes=[len(g) for g in top], rank=next((i+1 for i, g in enumerate(gaps) if B.topic_of_gap(g, m_r)), None)))
        print(case, seed, "thr", thr, f"{time.time()-t0:.0f}s", flush=True)
    def summ(rs, tag):
        for method in methods:
            m = [r for r in rs if r["method"] == method]
            if not m: continue
            t3 = max(sum(r["top3"] for r in m), 1)
            print(f"{tag:<22}{method:<9} n={len(m):>3} hit {np.mean([r['hit'] for r in m]):.3f} false {sum(r['false'] for r in m)/t3:.3f} false_nr {sum(r['false']-r['false_real'] for r in m)/t3:.3f}", flush=True)
    for case in cases:
        summ([r for r in recs if r["case"] == case], case)
        summ([r for r in recs if r["case"] == case and r["purity"] >= .6], case + "-coh")
    summ(recs, "ALL"); summ([r for r in recs if r["purity"] >= .6], "ALL-coh")
    saved = json.loads(RESULTS.read_text()) if RESULTS.is_file() else {}
    saved[" ".join(sys.argv[1:])] = recs
    RESULTS.write_text(json.dumps(saved) + "\n")
    print("saved", RESULTS)
    

if __name__ == "__main__":
    main()
