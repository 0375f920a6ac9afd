"""Spec coverage: start from what the model must do, and check the data has it.

A spec is a YAML file listing target capabilities, each a name plus a few example prompts or a description:

    name: assistant-v1
    capabilities:
      - name: SQL queries
        description: writing SQL for analytics questions     # optional; embedded like one more example
        examples:
          - Write a SQL query that returns the ten best-selling products.
          - Find duplicate email addresses in a users table.
      - name: Poetry
        examples: [Write a haiku about autumn., Compose a sonnet about the sea.]

(`capabilities` may also be a mapping `name: [examples...]`.) Specs are saved in `<workspace>/specs/<name>.yaml`.

Per capability, every example is embedded with the candidate's model and compared with the candidate's rows.
Examples are short prompts while rows hold whole conversations, so row-to-row distances would judge them
too strictly; the radius is therefore calibrated on prompts taken from the data itself:

- **prompt radius r_p**: the 90th percentile, over a seeded sample of 300 candidate rows, of the distance
  from a row's head (its first line, at most 32 words: the prompt for instruction data) to the nearest
  *other* candidate row. A prompt like the data's own prompts is within r_p of the data 90% of the time.
- `coverage`: the share of a capability's examples (and description) with a candidate row within r_p;
- `near_rows`: how many candidate rows lie within r_p of any of its examples (the rows that serve it);
- `nearest_distance`: the median over its examples of the distance to the closest row (the graded signal).

Capabilities are ranked under-covered first: lowest coverage, then fewest near rows, then farthest.

**Prompt side** (the default when the data has prompt vectors, `on="prompt"`; see core/embed/prompts.py):
examples are compared with what each row asks rather than the whole row, and r_p is simply the coverage
radius of the prompt vectors (the 90th percentile of a prompt's distance to its nearest other prompt), so no
heads are embedded. `on="text"` keeps the whole-row comparison above.
"""
from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from mixmap.core.coverage.analysis import (
    DEFAULT_PERCENTILE,
    CoverageError,
    choose_side,
    coverage_radius,
    embedder_for,
    read_side_vectors,
)
from mixmap.core.store.filters import validate_name
from mixmap.core.vectors import nearest_neighbours, unit_rows

MAX_CAPABILITIES = 200
MAX_EXAMPLES = 50
PROMPT_SAMPLE = 300


@dataclass(frozen=True)
class Capability:
    name: str
    examples: tuple[str, ...]
    description: str = ""

    def texts(self) -> list[str]:
        return [*self.examples, *([self.description] if self.description else [])]


@dataclass(frozen=True)
class Spec:
    name: str
    capabilities: tuple[Capability, ...]

    def to_yaml(self) -> str:
        import yaml

        caps = [{"name": c.name, **({"description": c.description} if c.description else {}),
                 "examples": list(c.examples)} for c in self.capabilities]
        return yaml.safe_dump({"name": self.name, "capabilities": caps}, sort_keys=False, allow_unicode=True, width=100)


def parse_spec(text: str, *, name: str | None = None, default_name: str = "spec") -> Spec:
    """A Spec from YAML text; `name` overrides the spec's own `name:`, `default_name` is used without either."""
    import yaml

    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise CoverageError(f"the spec is not valid YAML{where}: {problem}; quote example prompts that contain "
                            "':', '?', '#' or brackets") from None
    if not isinstance(data, dict) or "capabilities" not in data:
        raise CoverageError("a spec needs a top-level `capabilities:` list, each item with a name and examples")
    raw = data["capabilities"]
    if isinstance(raw, dict):
        raw = [{"name": k, "examples": v} for k, v in raw.items()]
    if not isinstance(raw, list) or not raw:
        raise CoverageError("`capabilities` must be a non-empty list (or a mapping of name: [examples])")
    if len(raw) > MAX_CAPABILITIES:
        raise CoverageError(f"a spec may list at most {MAX_CAPABILITIES} capabilities; split it into several specs")
    caps, seen = [], set()
    for n, item in enumerate(raw, start=1):
        if not isinstance(item, dict) or not str(item.get("name") or "").strip():
            raise CoverageError(f"capability {n} needs a `name`")
        cap_name = str(item["name"]).strip()
        if cap_name in seen:
            raise CoverageError(f"capability {cap_name!r} is listed twice; give each capability a unique name")
        seen.add(cap_name)
        examples = item.get("examples") or []
        if isinstance(examples, str):
            examples = [examples]
        if not isinstance(examples, list):
            raise CoverageError(f"capability {cap_name!r}: `examples` must be a list of strings")
        examples = tuple(str(e).strip() for e in examples if str(e).strip())[:MAX_EXAMPLES]
        description = str(item.get("description") or "").strip()
        if not examples and not description:
            raise CoverageError(f"capability {cap_name!r} needs at least one example prompt or a description")
        caps.append(Capability(name=cap_name, examples=examples, description=description))
    spec_name = name or str(data.get("name") or default_name)
    spec_name = re.sub(r"[^A-Za-z0-9_\-]+", "-", spec_name).strip("-_") or "spec"
    spec_name = spec_name if spec_name[0].isalpha() else f"spec-{spec_name}"
    return Spec(name=validate_name(spec_name.replace("__", "_")[:64], what="spec name"), capabilities=tuple(caps))


def load_spec(path: str | Path, *, name: str | None = None) -> Spec:
    path = Path(path)
    if not path.is_file():
        raise CoverageError(f"{path}: no such spec file")
    try:
        return parse_spec(path.read_text(encoding="utf-8"), name=name, default_name=path.stem)
    except CoverageError as exc:  # name the file: the message alone may not say which spec is wrong
        message = str(exc)
        raise CoverageError(message if message.startswith(str(path)) else f"spec {path}: {message}") from None


def save_spec(workspace, spec: Spec) -> Path:
    """Write the spec to <workspace>/specs/<name>.yaml (atomically; replaces a spec of the same name)."""
    return workspace.documents("specs").save(spec.name, spec.to_yaml())


def list_specs(workspace) -> list[str]:
    return workspace.documents("specs").names()


def read_spec(workspace, name: str) -> Spec:
    text = workspace.documents("specs").read(name)
    if text is None:
        known = ", ".join(list_specs(workspace)) or "none yet"
        raise CoverageError(f"no saved spec named {name!r} (saved: {known}); pass a YAML file with --spec FILE")
    return parse_spec(text, name=name)


@dataclass
class CapabilityResult:
    name: str
    rank: int
    coverage: float
    near_rows: int
    nearest_distance: float
    examples: list[dict] = field(default_factory=list)  # per spec example: text, nearest row id, distance
    rows: list[dict] = field(default_factory=list)  # nearest candidate rows: id, text, distance
    near_ids: list[str] = field(default_factory=list)  # candidate rows within the radius (closest first)


@dataclass
class SpecReport:
    candidate: str
    spec: str
    radius: float
    percentile: float
    capabilities: list[CapabilityResult]
    on: str = "text"  # the candidate's vectors compared: "prompt" or "text"

    def to_dict(self) -> dict:
        return {"candidate": self.candidate, "spec": self.spec, "on": self.on, "radius": round(self.radius, 4),
                "percentile": self.percentile, "capabilities": [asdict(c) for c in self.capabilities]}

    def table(self) -> pd.DataFrame:
        return pd.DataFrame([{"rank": c.rank, "capability": c.name, "coverage": c.coverage, "near rows": c.near_rows,
                              "nearest distance": c.nearest_distance} for c in self.capabilities])


def _head(text: str, words: int = 32) -> str:
    line = next((ln for ln in str(text).splitlines() if ln.strip()), str(text))
    return " ".join(line.split()[:words])


def prompt_radius(candidate, embedder, *, percentile: float = DEFAULT_PERCENTILE, sample: int = PROMPT_SAMPLE,
                  seed: int = 42, ids: list[str] | None = None, vectors: np.ndarray | None = None) -> float:
    """The percentile of distances from a candidate row's head to the nearest other candidate row."""
    if ids is None or vectors is None:
        ids, vectors = candidate.read_vectors()
    if len(ids) < 2:
        raise CoverageError("the data needs at least 2 embedded rows to calibrate a spec radius")
    pick = np.sort(np.random.default_rng(seed).choice(len(ids), size=min(sample, len(ids)), replace=False))
    got = candidate.read_rows(["id", "text"], ids=[ids[i] for i in pick]).to_pydict()
    text_of = dict(zip(got["id"], got["text"]))
    heads = np.asarray(embedder.embed([_head(text_of.get(ids[i], "")) for i in pick]), dtype=np.float32)
    _, dist = nearest_neighbours(heads, vectors, k=1, skip=pick)
    return float(np.percentile(dist[:, 0], percentile))


def spec_coverage(candidate, spec: Spec, *, embedder=None, percentile: float = DEFAULT_PERCENTILE, rows: int = 5,
                  radius: float | None = None, max_near_ids: int = 1000, on: str | None = None) -> SpecReport:
    """Per capability: coverage, rows near it and the closest rows, under-covered capabilities first."""
    from mixmap.core.explore.view import snippet

    embedder = embedder or embedder_for(candidate)
    on = choose_side(candidate, on)
    ids, C = read_side_vectors(candidate, on)
    if radius is None and on == "prompt":
        radius = coverage_radius(unit_rows(C), percentile=percentile)
    elif radius is None:
        radius = prompt_radius(candidate, embedder, percentile=percentile, ids=ids, vectors=C)
    texts = [t for cap in spec.capabilities for t in cap.texts()]
    owner = np.array([n for n, cap in enumerate(spec.capabilities) for _ in cap.texts()])
    Q = np.asarray(embedder.embed(texts), dtype=np.float32)
    k = min(len(ids), max(rows, 64))
    nn_idx, nn_dist = nearest_neighbours(Q, C, k=k)
    results = []
    for n, cap in enumerate(spec.capabilities):
        mine = np.flatnonzero(owner == n)
        within = nn_dist[mine] <= radius
        best: dict[int, float] = {}
        for i, d in zip(nn_idx[mine].ravel(), nn_dist[mine].ravel()):
            best[int(i)] = min(best.get(int(i), 2.0), float(d))
        near_count = _count_within(Q[mine], C, radius) if within[:, -1].any() else len({
            int(i) for i, ok in zip(nn_idx[mine].ravel(), within.ravel()) if ok})
        closest = sorted(best.items(), key=lambda kv: kv[1])
        results.append(CapabilityResult(
            name=cap.name, rank=0, coverage=float(within[:, 0].mean()), near_rows=near_count,
            nearest_distance=float(np.median(nn_dist[mine, 0])),
            examples=[{"text": texts[i], "nearest_id": ids[nn_idx[i, 0]], "distance": round(float(nn_dist[i, 0]), 4)}
                      for i in mine],
            rows=[{"id": ids[i], "distance": round(d, 4)} for i, d in closest[:rows]],
            near_ids=[ids[i] for i, d in closest if d <= radius][:max_near_ids],
        ))
    results.sort(key=lambda r: (r.coverage, r.near_rows, -r.nearest_distance))
    for rank, r in enumerate(results, start=1):
        r.rank = rank
    wanted = {row["id"] for r in results for row in r.rows}
    got = candidate.read_rows(["id", "text"], ids=wanted).to_pydict()
    text_of = dict(zip(got["id"], got["text"]))
    for r in results:
        for row in r.rows:
            row["text"] = snippet(text_of.get(row["id"], ""))
    return SpecReport(candidate=candidate.name, spec=spec.name, radius=radius, percentile=float(percentile),
                      capabilities=results, on=on)


def _count_within(queries: np.ndarray, base: np.ndarray, radius: float) -> int:
    """Rows of `base` within `radius` of any query (used when the top-k search was not enough)."""
    q, b = unit_rows(queries), unit_rows(base)
    hit = np.zeros(len(b), dtype=bool)
    for start in range(0, len(b), 100_000):
        hit[start:start + 100_000] = ((q @ b[start:start + 100_000].T) >= 1 - radius).any(axis=0)
    return int(hit.sum())
