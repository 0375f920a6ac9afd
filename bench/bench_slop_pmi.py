"""Does the prompt's pull on the response separate machines from humans? (issue 16, a measured candidate)

PMI per response token = log p(token | prompt, earlier tokens) - log p(token | earlier tokens), both from
SmolLM2 (bench/lm_tokens.py caches: prompted, and `--model smollm2-noprompt`). Averaged over the response's
novel tokens (not copied from the prompt, as slop v2's log-prob), shrunk toward 0 (no information) by 8
pseudo-tokens, as slop v2 shrinks its log-prob (toward 0, not a data mean, so no held-out row informs it). Rows without a prompt (C4) have PMI 0 by construction.

Evaluated with bench_slop_lm's doubly-held-out procedure (every human source x generator family pair left out
of the fit that scores it), against the shipped two-feature slop v2 in the same run.
Usage: flock /tmp/mixmap-cpu.lock .venv/bin/python bench/bench_slop_pmi.py  -> bench/results/slop_pmi.json
  --contrast forum: the second pass frames the same prompt and response as plain forum text (a person's reply)
  instead of an empty prompt, so the feature is the *assistant gain*, log p(token | as the assistant) -
  log p(token | as a forum reply)  -> bench/results/slop_forum.json (cache: lm_tokens.py --model smollm2-forum)
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(BENCH.parent))
import bench_slop_lm as S
from bench_slop import auroc
from lm_tokens import MAX_TOKENS, sample, token_rows

OUT = BENCH / "results" / "slop_pmi.json"
SHRINK = 8


def pmi_features(corpus, with_prompt: dict, without: dict) -> tuple[np.ndarray, np.ndarray]:
    """(mean PMI over novel tokens, novel-token count) per row; NaN where the two passes do not align."""
    from mixmap.core.quality.lm import COPY_NGRAM, copied_mask

    pmi, count = np.full(len(corpus), np.nan), np.zeros(len(corpus))
    for r, h in enumerate(corpus["hash"]):
        a, b = with_prompt[h], without[h]
        total, n = 0.0, 0
        for (unit, stats, offsets), (unit0, stats0, offsets0) in zip(a, b):
            if unit.response[:MAX_TOKENS] != unit0.response[:MAX_TOKENS]:
                continue  # another tokenisation of the response: no per-token difference
            lp0 = dict(zip(offsets0.tolist(), stats0[:, 0]))
            novel = ~copied_mask(unit.context, unit.response, COPY_NGRAM)[offsets]
            for off, lp, keep in zip(offsets.tolist(), stats[:, 0], novel):
                if keep and off in lp0:
                    total += lp - lp0[off]
                    n += 1
        if a and b:
            pmi[r], count[r] = (total / n if n else 0.0), n
    return pmi, count


def main() -> None:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contrast", choices=["noprompt", "forum"], default="noprompt")
    contrast = parser.parse_args().contrast
    out = OUT if contrast == "noprompt" else OUT.with_name("slop_forum.json")
    corpus = sample()
    y, fam = corpus["label"].to_numpy(), corpus["family"].to_numpy()
    rows = token_rows(corpus, score=False)
    rows0 = token_rows(corpus, model=f"smollm2-{contrast}")  # not committed: scored here on first run (~3-10 min)
    feats = S.corpus_features(corpus, rows)
    pmi, n = pmi_features(corpus, rows, rows0)
    aligned = np.isfinite(pmi)
    feats["lm_novel_pmi"] = np.where(aligned, n * np.nan_to_num(pmi) / (n + SHRINK), 0.0)
    result = {"rows": int(len(corpus)), "aligned_rows": int(aligned.sum()),
              "single_signal_auroc_higher_is_machine": auroc(y, feats["lm_novel_pmi"].to_numpy()),
              "mean_pmi": {g: round(float(np.nanmean(pmi[fam == g])), 4) for g in sorted(set(fam))}, "configs": {}}
    shipped_names, shrink = S.config(S.SHIPPED)
    for name, names in (("shipped", shipped_names), ("pmi_alone", ("lm_novel_pmi",)),
                        ("shipped_plus_pmi", tuple(shipped_names) + ("lm_novel_pmi",))):
        held = S.held_out(feats, y, fam, names, shrink)
        result["configs"][name] = {k: v for k, v in held.items() if k not in ("p",)}
        print(name, json.dumps({k: held[k] for k in ("doubly_held_out", "pairs_mean", "pairs_min", "unseen_human")}),
              flush=True)
    result["contrast"] = contrast
    out.write_text(json.dumps(result, indent=1) + "\n")
    print(json.dumps({k: result[k] for k in ("aligned_rows", "single_signal_auroc_higher_is_machine", "mean_pmi")},
                     indent=1))


if __name__ == "__main__":
    main()
