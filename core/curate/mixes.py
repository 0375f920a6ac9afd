"""Mixes: a named recipe of components (slice + quota + sampling strategy), built reproducibly.

A recipe is data (JSON / YAML), saved in datasets/<name>/mixes/<mix>.json:

    {"name": "v1", "seed": 0, "marked": "exclude", "budget": {"tokens": 200000},
     "components": [
        {"name": "code",  "slice": "python",           "strategy": "diversity",  "rows": 300},
        {"name": "rest",  "slice": {"not": {"slice": "python"}},
         "strategy": {"kind": "stratified", "by": "cluster", "cap": 80, "floor": 5}, "weight": 1},
        {"name": "clean", "slice": {"all": true}, "strategy": {"kind": "weighted", "score": "slop_score",
         "invert": true}, "tokens": 20000}]}

- `marked`: "exclude" (default) drops rows marked exclude; "include" keeps only included rows; "any" ignores
  marks. `marks_version` pins the marks used (default: the current version, recorded when built).
- A component takes `rows` or `tokens` (a quota), or a `weight`: weighted components share whatever the
  mix `budget` (rows or tokens) leaves after the quota components, in proportion to their weights. Quota
  components are built first, in order, then weighted ones; a row goes to the first component that takes it.
- Strategies (mixmap.core.curate.sampling): random; stratified (`by` a column, default cluster; `cap`, `floor`,
  `allocation`); diversity (greedy k-center over the vectors); weighted (`score` column, `invert` to favour
  low scores: weight 1 - score for scores in [0, 1], else max - score). Every component has a seed (default
  the mix seed + its position), written into the manifest.
- Tokens are counted with mixmap.core.curate.tokens (the default model's WordPiece tokenizer unless `tokenizer` is set).
"""
from __future__ import annotations

import json
import math
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from mixmap.core.curate.sampling import (
    STRATEGIES,
    farthest_point_order,
    random_order,
    stratified_order,
    take,
    weighted_order,
)
from mixmap.core.curate.slices import (
    MixError,
    SliceContext,
    check_slice,
    describe_slice,
    load_slices,
    make_context,
    referenced_slices,
    resolve_slice,
)
from mixmap.core.store.filters import validate_name
from mixmap.core.store.marks import marks_version, read_marks

MARKED = ("exclude", "include", "any")
QUOTAS = ("rows", "tokens", "weight")
VECTOR_STRATEGIES = ("diversity",)


# ---- recipes --------------------------------------------------------------------------------------------
def _number(value, *, what: str, integer: bool = True, minimum: float | None = None) -> int | float:
    """A recipe number (from YAML, JSON or `--component rows=200`), or MixError naming the part."""
    kind = "a whole number" if integer else "a number"
    number = None
    if isinstance(value, int) and not isinstance(value, bool):
        number = value  # exact, however large (a seed)
    elif isinstance(value, float | str) and not isinstance(value, bool):
        for cast in (int, float) if isinstance(value, str) else (float,):
            try:
                number = cast(value)
                break
            except ValueError:
                continue
    if number is None or isinstance(number, float) and (not math.isfinite(number)
                                                         or integer and not number.is_integer()):
        raise MixError(f"{what} must be {kind}, not {value!r}")
    if minimum is not None and number < minimum:
        raise MixError(f"{what} must be at least {minimum:g}, not {value!r}")
    return int(number) if integer else float(number)


def check_recipe(recipe: Mapping) -> dict:
    """Validate and normalise a recipe: slice names become {"slice": name}, strategies dicts, seeds explicit."""
    if not isinstance(recipe, Mapping):
        raise MixError("a mix recipe is a dict with a name and a list of components")
    out = {"name": validate_name(str(recipe.get("name", "")), what="mix name"),
           "seed": _number(recipe.get("seed", 0), what="seed", minimum=0),
           "marked": recipe.get("marked", "exclude"), "marks_version": recipe.get("marks_version"),
           "budget": recipe.get("budget"), "tokenizer": recipe.get("tokenizer")}
    if out["marked"] not in MARKED:
        raise MixError(f"marked must be one of {', '.join(MARKED)}, not {out['marked']!r}")
    budget = out["budget"]
    if budget is not None and (not isinstance(budget, Mapping) or len(budget) != 1
                               or next(iter(budget)) not in ("rows", "tokens")
                               or _number(next(iter(budget.values())), what="the budget") <= 0):
        raise MixError('budget is {"rows": N} or {"tokens": N} with N > 0')
    components = recipe.get("components") or []
    if not isinstance(components, list) or not components:
        raise MixError("a mix needs at least one component")
    out["components"] = []
    names = set()
    for i, comp in enumerate(components):
        if not isinstance(comp, Mapping):
            raise MixError(f"component {i + 1} is not a dict of slice, strategy and quota, but {comp!r:.60}")
        comp = dict(comp)
        name = validate_name(str(comp.get("name") or f"c{i + 1}"), what="component name")
        if name in names:
            raise MixError(f"two components are named {name!r}")
        names.add(name)
        piece = comp.get("slice", {"all": True})
        piece = {"slice": piece} if isinstance(piece, str) else check_slice(piece)
        strategy = comp.get("strategy", "random")
        strategy = {"kind": strategy} if isinstance(strategy, str) else dict(strategy)
        if strategy.get("kind") not in STRATEGIES:
            raise MixError(f"strategy must be one of {', '.join(STRATEGIES)}, not {strategy.get('kind')!r}")
        if strategy["kind"] == "weighted" and not strategy.get("score"):
            raise MixError(f"component {name}: weighted sampling needs a score column, e.g. slop_score")
        quotas = [q for q in QUOTAS if comp.get(q) is not None]
        if len(quotas) > 1:
            raise MixError(f"component {name}: give one of rows, tokens or weight, not {' and '.join(quotas)}")
        for key in ("cap", "floor"):
            if strategy.get(key) is not None:
                strategy[key] = _number(strategy[key], what=f"component {name}: {key}", minimum=0)
        entry = {"name": name, "slice": piece, "strategy": strategy,
                 "seed": _number(comp.get("seed", out["seed"] + i), what=f"component {name}: seed", minimum=0)}
        for q in quotas:
            value = _number(comp[q], what=f"component {name}: {q}", integer=q != "weight")
            if value <= 0:
                raise MixError(f"component {name}: {q} must be positive")
            entry[q] = value
        out["components"].append(entry)
    if any("weight" in c for c in out["components"]) and budget is None:
        raise MixError('weighted components share the mix budget: add "budget": {"tokens": N} (or rows)')
    return out


def parse_component(text: str) -> dict:
    """CLI shorthand "slice=python,strategy=stratified,rows=200,cap=20,floor=2" -> a component dict."""
    comp: dict[str, Any] = {}
    strategy: dict[str, Any] = {}
    if not text.strip():
        raise MixError("--component is empty; give e.g. slice=python,rows=200")
    for part in filter(None, (p.strip() for p in text.split(","))):
        key, sep, value = part.partition("=")
        if not sep:
            raise MixError(f"component part {part!r} is not key=value")
        key = key.strip()
        if key in ("name", "slice", "seed", *QUOTAS):
            comp[key] = value
        elif key == "strategy":
            strategy["kind"] = value
        elif key in ("by", "allocation", "score"):
            strategy[key] = value
        elif key in ("cap", "floor"):
            strategy[key] = _number(value, what=f"--component {key}", minimum=0)
        elif key == "invert":
            strategy[key] = value.lower() in ("1", "true", "yes")
        else:
            raise MixError(f"unknown component key {key!r} (name, slice, strategy, rows, tokens, weight, seed, "
                           "by, cap, floor, allocation, score, invert)")
    if strategy:
        comp["strategy"] = strategy
    return comp


def save_mix(dataset, recipe: Mapping, *, note: str = "") -> dict:
    recipe = check_recipe(recipe)
    referenced_slices({"and": [c["slice"] for c in recipe["components"]]}, load_slices(dataset))
    dataset.documents("mixes").save(recipe["name"], {"recipe": recipe, "note": note,
                                                     "saved": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())})
    return recipe


def list_mixes(dataset) -> list[str]:
    return dataset.documents("mixes").names()


def load_mix(dataset, name: str) -> dict:
    record = dataset.documents("mixes").read(name)
    if record is None:
        raise MixError(f"no mix named {name!r} in {dataset.name} (mixes: {', '.join(list_mixes(dataset)) or 'none'})")
    return record["recipe"]


def delete_mix(dataset, name: str) -> None:
    dataset.documents("mixes").delete(name)


# ---- building -------------------------------------------------------------------------------------------
@dataclass
class MixResult:
    recipe: dict
    ids: list[str]  # in the dataset's stored order
    components: list[dict]
    component_of: dict[str, str]
    marks_version: int
    tokens: int
    tokenizer: str
    slices: dict[str, dict] = field(default_factory=dict)

    def summary(self) -> dict:
        return {"mix": self.recipe["name"], "rows": len(self.ids), "tokens": self.tokens, "tokenizer": self.tokenizer,
                "marks_version": self.marks_version, "budget": self.recipe.get("budget"), "components": self.components}


def _column_values(ctx: SliceContext, column: str, positions: np.ndarray) -> np.ndarray:
    origin = ctx.origin(column)
    ids = [ctx.ids[p] for p in positions]
    if origin == "rows":
        table = ctx.dataset.read_rows(["id", column], ids=ids).to_pandas().set_index("id")[column]
    elif origin == "marks":
        table = ctx.marks.set_index("id")[column].map(lambda v: ",".join(v) if not isinstance(v, str) else v)
    elif origin == "meta":
        table = ctx.meta_frame()[column].map(lambda v: json.dumps(v) if isinstance(v, list | dict) else v)
    else:
        frame = ctx.dataset.read_frame(origin, ["id", column])
        table = frame.to_pandas().set_index("id")[column]
    return table.reindex(ids).to_numpy()


def _ranking(ctx: SliceContext, strategy: dict, positions: np.ndarray, seed: int):
    kind = strategy["kind"]
    if kind == "random":
        return positions[random_order(len(positions), seed=seed)]
    if kind == "stratified":
        labels = _column_values(ctx, strategy.get("by", "cluster"), positions)
        labels = np.array(["<missing>" if v is None or v != v else str(v) for v in labels], dtype=object)
        order = stratified_order(labels, seed=seed, cap=strategy.get("cap"), floor=strategy.get("floor"),
                                 allocation=strategy.get("allocation", "proportional"))
        return positions[order]
    if kind == "weighted":
        score = pd.to_numeric(pd.Series(_column_values(ctx, strategy["score"], positions)), errors="coerce").to_numpy()
        if strategy.get("invert"):
            finite = score[np.isfinite(score)]
            top = 1.0 if finite.size and finite.min() >= 0 and finite.max() <= 1 else (finite.max() if finite.size else 0)
            score = top - score
        return positions[weighted_order(score, seed=seed)]
    ids = [ctx.ids[p] for p in positions]
    got, matrix = ctx.dataset.read_vectors(ids=ids)
    row_of = {row_id: i for i, row_id in enumerate(got)}
    keep = [i for i, row_id in enumerate(ids) if row_id in row_of]
    if len(keep) < len(ids):
        raise MixError(f"{len(ids) - len(keep)} rows have no vector; build the dataset before diversity sampling")
    vectors = matrix[[row_of[row_id] for row_id in ids]]
    return (positions[i] for i in farthest_point_order(vectors, seed=seed))


def _marks_frame(marks: pd.DataFrame | Mapping | None) -> pd.DataFrame | None:
    """Marks as a frame; also accepts a manifest's snapshot {"include": [...], "exclude": [...], "tags": {...}}."""
    if marks is None or isinstance(marks, pd.DataFrame):
        return marks
    rows: dict[str, dict] = {}
    for mark in ("include", "exclude"):
        for row_id in marks.get(mark, []):
            rows[row_id] = {"id": row_id, "mark": mark, "tags": []}
    for tag, ids in (marks.get("tags") or {}).items():
        for row_id in ids:
            rows.setdefault(row_id, {"id": row_id, "mark": "", "tags": []})["tags"].append(tag)
    return pd.DataFrame(list(rows.values()), columns=["id", "mark", "tags"])


def build_mix(dataset, recipe: Mapping, *, embedder=None, marks: pd.DataFrame | Mapping | None = None,
              slices: Mapping[str, dict] | None = None) -> MixResult:
    """Resolve every component's slice, rank it with its strategy and take its quota. Deterministic.

    `marks` and `slices` override the workspace's (replay passes the manifest's); `embedder` serves
    semantic slices (default: the dataset's model).
    """
    from mixmap.core.curate.tokens import count_tokens, dataset_tokens, tokenizer_name

    recipe = check_recipe(recipe)
    version = marks_version(dataset) if recipe["marks_version"] is None else int(recipe["marks_version"])
    recipe["marks_version"] = version
    saved = load_slices(dataset) if slices is None else dict(slices)
    used = referenced_slices({"or": [c["slice"] for c in recipe["components"]]}, saved)
    frame = _marks_frame(marks)
    if frame is None:
        frame = read_marks(dataset, version=version).to_pandas()
    ctx = make_context(dataset, marks=frame, saved=saved, embedder=embedder)
    n = len(ctx.ids)
    mark_of = frame.set_index("id")["mark"].reindex(ctx.ids).fillna("").to_numpy()
    allowed = {"exclude": mark_of != "exclude", "include": mark_of == "include", "any": np.ones(n, dtype=bool)}[recipe["marked"]]
    budget = recipe.get("budget") or {}
    needs_tokens = "tokens" in budget or any("tokens" in c for c in recipe["components"])
    counts = None
    if needs_tokens:
        by_id = dataset_tokens(dataset, tokenizer=recipe["tokenizer"])
        counts = np.array([by_id.get(i, 0) for i in ctx.ids], dtype=np.int64)
    taken = np.zeros(n, dtype=bool)
    owner = np.full(n, -1)
    comps = recipe["components"]
    results: dict[int, dict] = {}
    fixed = [i for i, c in enumerate(comps) if "weight" not in c]
    weighted = [i for i, c in enumerate(comps) if "weight" in c]

    def run(i: int, quota: dict) -> None:
        comp = comps[i]
        mask = resolve_slice(comp["slice"], ctx) & allowed
        positions = np.flatnonzero(mask & ~taken)
        order = _ranking(ctx, comp["strategy"], positions, comp["seed"]) if len(positions) else []
        picked = take(order, rows=quota.get("rows"), tokens=quota.get("tokens"), token_counts=counts)
        taken[picked] = True
        owner[picked] = i
        wanted = quota.get("rows", quota.get("tokens"))
        got_tokens = int(counts[picked].sum()) if counts is not None else None
        results[i] = {"name": comp["name"], "slice": describe_slice(comp["slice"]), "strategy": comp["strategy"]["kind"],
                      "seed": comp["seed"], "slice_rows": int(mask.sum()), "candidates": len(positions),
                      "quota": {k: v for k, v in quota.items()} or {"rows": "all"}, "rows": len(picked),
                      "tokens": got_tokens,
                      "short": bool(wanted is not None and ((len(picked) < wanted) if "rows" in quota
                                                            else (got_tokens or 0) < 0.95 * wanted))}

    for i in fixed:
        run(i, {q: comps[i][q] for q in ("rows", "tokens") if q in comps[i]})
    if weighted:
        unit, total = next(iter(budget.items()))
        used_amount = int(taken.sum()) if unit == "rows" else int(counts[taken].sum())
        left = int(total) - used_amount
        if left < 0:
            raise MixError(f"components with fixed quotas take {used_amount:,} {unit}, over the budget of "
                           f"{int(total):,}; lower them or raise the budget")
        weights = np.array([comps[i]["weight"] for i in weighted], dtype=float)
        shares = np.floor(left * weights / weights.sum()).astype(int)
        for i, share in zip(weighted, shares):
            run(i, {unit: int(share)})
    ids = [row_id for row_id, keep in zip(ctx.ids, taken) if keep]
    component_of = {ctx.ids[p]: comps[owner[p]]["name"] for p in np.flatnonzero(taken)}
    if counts is None:  # no token quota: count only the mix's own rows
        rows = dataset.read_rows(["id", "text"], ids=ids)
        per_row = dict(zip(rows.column("id").to_pylist(),
                           count_tokens(rows.column("text").to_pylist(), tokenizer=recipe["tokenizer"]).tolist()))
        for res in results.values():
            res["tokens"] = int(sum(per_row[r] for r, c in component_of.items() if c == res["name"]))
        tokens = int(sum(per_row.values()))
    else:
        tokens = int(counts[taken].sum())
    return MixResult(recipe=recipe, ids=ids, components=[results[i] for i in range(len(comps))],
                     component_of=component_of, marks_version=version, tokens=tokens,
                     tokenizer=tokenizer_name(recipe["tokenizer"]), slices=used)


# ---- export and replay ----------------------------------------------------------------------------------
def _uses_marks(recipe: dict, slices: Mapping[str, dict]) -> bool:
    text = json.dumps([[c["slice"] for c in recipe["components"]], slices])
    return recipe["marked"] != "any" or '["mark",' in text or '["tags",' in text
