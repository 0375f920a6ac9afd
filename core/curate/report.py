"""Report card for a dataset or a mix on the four properties of good data, and composition before / after.

    diversity   effective number of clusters = exp(Shannon entropy of the cluster shares), noise rows left
                out (reported as noise_share); Vendi score (Friedman & Dieng, 2023) with the cosine kernel:
                exp(entropy of the eigenvalues of K/n), K = X Xᵀ for unit rows X, computed from the d x d
                matrix Xᵀ X / n (same non-zero eigenvalues), on a seeded sample of at most VENDI_SAMPLE rows.
                1 = all rows identical; at most min(n, d).
    quality     when the dataset has a `signals` frame with `slop_score` (mixmap score): mean, median,
                p10 / p90, share at or above the slop threshold, a 10-bin histogram. Otherwise "n/a".
    relevance   for each reference set placed on the dataset's map (mixmap.core.coverage.analysis, `mixmap reference add`):
                coverage = share of reference rows with a row of the set within radius r, r from the whole
                dataset (mixmap.core.coverage.analysis.coverage_radius: the 90th percentile of its nearest-neighbour
                distances), so a mix's coverage compares directly with the full dataset's. Otherwise "n/a".
    structure   share of rows (seeded sample of at most STRUCTURE_SAMPLE) with
                multi-step reasoning: >= 2 distinct step markers ("step 1", "first,", "second", "then,", "next,",
                    "finally", "therefore", "thus", "let's think", "as a result");
                lists: >= 2 lines starting with "-", "*", "•" or "1." / "1)";
                code: a ``` fence, or >= 2 code-like lines (def / class / import / return / function / #include,
                    or ending in ";", "{" or "}");
                multi-turn: >= 3 role-labelled lines ("user:", "assistant:", "human:", "gpt:", ...) with >= 2
                    from the user side (chat rows are flattened this way at ingest).
"""
from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
import pandas as pd

from mixmap.core.curate.diversity import effective_clusters, vendi_sample, vendi_score
from mixmap.core.errors import MixmapError

STRUCTURE_SAMPLE = 20_000
QUALITY_BANDS = ((0.25, "low slop (<0.25)"), (0.5, "some slop (0.25-0.5)"), (np.inf, "slop (>=0.5)"))
_STEP = re.compile(r"\b(step\s*\d+|first(?:ly)?,|second(?:ly)?\b|then,|next,|finally\b|therefore\b|thus\b|"
                   r"let'?s think|as a result\b)", re.IGNORECASE)
_LIST = re.compile(r"^\s*(?:[-*•]|\d{1,3}[.)])\s+\S", re.MULTILINE)
_FENCE = re.compile(r"```")
_CODE_LINE = re.compile(r"^\s*(?:def |class |import |from \S+ import |return\b|function\b|#include|public |"
                        r"const |let |var |SELECT |for\s*\(|if\s*\().*$|^.*[;{}]\s*$", re.MULTILINE)
_ROLE = re.compile(r"^\s*(user|human|assistant|gpt|bot|system|model)\s*:", re.IGNORECASE | re.MULTILINE)
_USER_ROLES = ("user", "human")


def structure_flags(texts: Sequence[str]) -> pd.DataFrame:
    """Per text: multi_step, lists, code, multi_turn (booleans), by the heuristics in the module docstring."""
    rows = []
    for text in texts:
        text = text or ""
        roles = [m.lower() for m in _ROLE.findall(text)]
        rows.append({
            "multi_step": len({m.lower().rstrip(",") for m in _STEP.findall(text)}) >= 2,
            "lists": len(_LIST.findall(text)) >= 2,
            "code": bool(_FENCE.search(text)) or len(_CODE_LINE.findall(text)) >= 2,
            "multi_turn": len(roles) >= 3 and sum(r in _USER_ROLES for r in roles) >= 2,
        })
    return pd.DataFrame(rows, columns=["multi_step", "lists", "code", "multi_turn"])


def _sample(ids: list[str], limit: int, seed: int) -> list[str]:
    if len(ids) <= limit:
        return ids
    picked = np.sort(np.random.default_rng(seed).choice(len(ids), size=limit, replace=False))
    return [ids[i] for i in picked]


def _relevance(dataset, ids: list[str], seed: int) -> dict | str:
    """Coverage of each reference set placed on this dataset's map (mixmap.core.coverage.analysis), or "n/a"."""
    try:
        from mixmap.core.coverage.analysis import coverage_radius, coverage_score, references_of
    except ImportError:
        return "n/a"
    key = dataset.meta.get("model_key")
    refs = references_of(dataset.workspace, dataset.name) if key and ids else []
    out: dict = {}
    for ref in refs:
        try:
            _, ref_vectors = dataset.workspace.dataset(ref).read_vectors(model_key=key)
        except MixmapError:
            continue
        if not len(ref_vectors):
            continue
        _, base = dataset.read_vectors()
        _, mine = dataset.read_vectors(ids=_sample(ids, 50_000, seed))
        radius = coverage_radius(base)
        out[ref] = {"coverage": coverage_score(ref_vectors, mine, radius=radius), "radius": radius,
                    "reference_rows": len(ref_vectors)}
    return out or "n/a"


def report_card(dataset, ids: list[str] | None = None, *, seed: int = 0) -> dict:
    """Diversity, quality, relevance and structure of the rows `ids` (default: the whole dataset)."""
    ids = dataset.read_rows(["id"]).column("id").to_pylist() if ids is None else list(ids)
    card: dict = {"rows": len(ids)}
    diversity: dict = {}
    clusters = dataset.read_frame("clusters")
    if clusters is not None:
        labels = clusters.to_pandas().set_index("id")["cluster"].reindex(ids).fillna(-1).to_numpy()
        diversity["effective_clusters"] = effective_clusters(labels)
        diversity["clusters_present"] = len(np.unique(labels[labels >= 0]))
        diversity["noise_share"] = float(np.mean(labels < 0)) if len(labels) else float("nan")
    try:
        _, vectors = dataset.read_vectors(ids=vendi_sample(ids))
        diversity["vendi"] = vendi_score(vectors)
        diversity["vendi_rows"] = len(vectors)
    except Exception:  # no embeddings yet: leave Vendi out
        diversity["vendi"] = "n/a"
    card["diversity"] = diversity
    card["quality"] = _quality(dataset, ids)
    card["relevance"] = _relevance(dataset, ids, seed)
    texts = dataset.read_rows(["id", "text"], ids=_sample(ids, STRUCTURE_SAMPLE, seed)).column("text").to_pylist()
    flags = structure_flags(texts)
    card["structure"] = {k: float(flags[k].mean()) if len(flags) else float("nan") for k in flags.columns}
    card["structure"]["rows_checked"] = len(flags)
    return card


def _quality(dataset, ids: list[str]) -> dict | str:
    signals = dataset.read_frame("signals")
    if signals is None or "slop_score" not in signals.column_names or not ids:
        return "n/a"
    from mixmap.core.quality.slop import SLOP_THRESHOLD

    scores = signals.select(["id", "slop_score"]).to_pandas().set_index("id")["slop_score"].reindex(ids).dropna()
    if scores.empty:
        return "n/a"
    hist, _ = np.histogram(scores.clip(0, 1), bins=10, range=(0, 1))
    return {"scored_rows": len(scores), "mean": float(scores.mean()), "median": float(scores.median()),
            "p10": float(scores.quantile(0.1)), "p90": float(scores.quantile(0.9)),
            "share_slop": float((scores >= SLOP_THRESHOLD).mean()), "threshold": SLOP_THRESHOLD,
            "histogram": hist.tolist()}


def flatten_card(card: dict) -> dict[str, object]:
    """One level of "section.metric" keys, for side-by-side tables."""
    flat: dict[str, object] = {"rows": card["rows"]}
    for section in ("diversity", "quality", "relevance", "structure"):
        value = card.get(section)
        if not isinstance(value, dict):
            flat[section] = value
            continue
        for key, item in value.items():
            if isinstance(item, dict):
                for sub, v in item.items():
                    flat[f"{section}.{key}.{sub}"] = v
            elif not isinstance(item, list):
                flat[f"{section}.{key}"] = item
    return flat


def compare_cards(cards: dict[str, dict]) -> list[dict]:
    """Side by side: one row per metric, one column per named card."""
    flats = {name: flatten_card(card) for name, card in cards.items()}
    keys = list(dict.fromkeys(k for flat in flats.values() for k in flat))
    return [{"metric": k, **{name: _fmt(flat.get(k, "n/a")) for name, flat in flats.items()}} for k in keys]


def _fmt(value: object) -> object:
    if isinstance(value, float):
        return round(value, 4) if np.isfinite(value) else "n/a"
    return value


def quality_band(scores: pd.Series) -> pd.Series:
    def band(v):
        if v != v or v is None:
            return "not scored"
        return next(name for top, name in QUALITY_BANDS if v < top)

    return scores.map(band)


def composition(dataset, ids: list[str]) -> list[dict]:
    """Rows and shares by source, cluster and quality band: the whole dataset (before) vs `ids` (after)."""
    from mixmap.core.explore.view import map_frame

    frame = map_frame(dataset, with_snippets=False)
    frame["quality_band"] = quality_band(frame["slop_score"]) if "slop_score" in frame else "not scored"
    chosen = frame["id"].isin(set(ids))
    out = []
    for group, column in (("source", "source"), ("cluster", "cluster_label"), ("quality band", "quality_band")):
        before = frame[column].value_counts()
        after = frame.loc[chosen, column].value_counts()
        for value in before.index:
            b, a = int(before[value]), int(after.get(value, 0))
            out.append({"by": group, "value": str(value), "before": b, "before_share": round(b / max(1, len(frame)), 4),
                        "after": a, "after_share": round(a / max(1, int(chosen.sum())), 4)})
    return out
