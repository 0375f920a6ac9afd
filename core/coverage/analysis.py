"""Coverage: where is the candidate data thin compared with a reference set?

A **reference** is a dataset with meta `role="reference"` and `map_of=<candidate>`. It is embedded with the
candidate's model and placed on the candidate's map with the candidate's fitted 2-D reducer (`transform`),
so no candidate point ever moves. If the candidate has a layout but no saved reducer, one is fitted (UMAP
started from the stored layout, so its frame matches it closely) and saved; the stored layout is not touched.

Definitions (all in the candidate model's embedding space, cosine distance = 1 - cosine similarity):

- **radius r**: the `percentile`-th percentile (default 90) of the candidate's nearest-neighbour distances,
  each candidate row's distance to its nearest *distinct* other candidate row (exact duplicates are skipped
  so they do not shrink r), on a seeded sample of up to 4,000 rows searched against all rows. A reference
  drawn from the same distribution as the candidate therefore scores about percentile / 100.
- **coverage score**: the share of reference rows whose nearest candidate row lies within r.
- **side** (`on`): "prompt" compares what rows ask (instruction + input, or the user turns; see
  core/embed/prompts.py), "text" the whole rows. The default is prompt when the candidate has prompt vectors,
  so a reference answered by another writer is not judged by its answers' style. A reference without a
  separate prompt (one text column, e.g. an eval suite of bare prompts) is compared on its text. The map
  (coordinates, cells, the candidate's clusters) stays the text-side map, so no point moves.
- **local signal** (`core/coverage/local.py`): for each reference row, how many of its k = 30 nearest rows
  in the pooled candidate + reference set are reference rows, against Binomial(k, p0); kept per row as
  `local_reference_share` / `under_covered`, and it ranks the `cell` and `map_cluster` units by the z of
  their summed uncovered weights.
- **gap pockets** (the `cluster` unit, `core/coverage/union.py`): the reference's shared style offset is
  removed (trimmed ICP), the union is cut into k-means regions at three resolutions, a region is a gap when
  the reference is over-represented there (binomial tail < 1e-3) and the candidate's share is at most half
  the reference's; regions are ranked by the upper 95% bound of that share ratio and merged across
  resolutions. A broad region whose shares match is never a gap. Before issue 19 the pockets were the
  under-covered rows of the local signal, average-linkage clustered and ranked by z; under a style shift
  that ranked a broad matched region first (bench/bench_coverage_prompts.py, docs/coverage.md).
  **Paired sets** (at least half the reference rows have a candidate twin within cosine 0.02: a filtered
  copy of the reference, or its prompts answered again by another model) use `core/coverage/paired.py`
  instead: the reference rows without a twin, scanned for where they concentrate, with a permutation cut.
- **missing mass** of a gap = uncovered / reference rows, uncovered = its reference rows less what the
  candidate's rows there carry at the sets' overall ratio (pockets) or the summed uncovered weights (other
  units). The global max(0, reference share - candidate share) is kept as `mass_difference`.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from mixmap.core.coverage.local import ALPHA, NEIGHBOURS, local_signal, score_units
from mixmap.core.coverage.placement import (  # noqa: F401  (re-exported: the public coverage API lives here)
    ROLE_REFERENCE,
    CoverageError,
    DensityGrid,
    Grid,
    add_reference,
    default_grid_size,
    density_difference,
    embedder_for,
    ensure_reducer,
    is_reference,
    place_dataset,
    references_of,
    register_embedder,
)
from mixmap.core.coverage.paired import find_pockets, twin_share
from mixmap.core.coverage.union import pocket_labels
from mixmap.core.embed.prompts import SIDES, has_prompt_side, prompt_key
from mixmap.core.vectors import nearest_neighbours, unit_rows

UNITS = ("cluster", "cell", "map_cluster")
DEFAULT_PERCENTILE = 90.0
RADIUS_SAMPLE = 4000
SEED = 42


# ---- geometry: neighbours, radius, score ----------------------------------------------------------------
def coverage_radius(candidate: np.ndarray, *, percentile: float = DEFAULT_PERCENTILE, sample: int = RADIUS_SAMPLE,
                    seed: int = SEED) -> float:
    """The percentile of candidate rows' distances to their nearest distinct candidate row (see module doc)."""
    n = len(candidate)
    if n < 2:
        raise CoverageError("the candidate needs at least 2 embedded rows to derive a coverage radius")
    rows = np.sort(np.random.default_rng(seed).choice(n, size=min(n, sample), replace=False))
    _, dist = nearest_neighbours(candidate[rows], candidate, k=1, skip=rows, skip_duplicates=True)
    return float(np.percentile(dist[:, 0], percentile))


def coverage_score(reference: np.ndarray, candidate: np.ndarray, *, radius: float) -> float:
    """Share of reference rows with a candidate row within `radius` (cosine distance)."""
    _, dist = nearest_neighbours(reference, candidate, k=1)
    return float((dist[:, 0] <= radius).mean()) if len(dist) else 0.0


# ---- units ----------------------------------------------------------------------------------------------
def rank_units(reference_units: np.ndarray, candidate_units: np.ndarray, *, support_only: bool = False) -> pd.DataFrame:
    """Per unit: n_ref, n_cand, shares and missing mass, gaps (missing mass > 0) first, largest first.

    `support_only` measures candidate shares among the candidate rows in units that hold reference rows, so
    data the reference does not ask for (an extra source, say) does not make every other unit look thin.
    """
    ref = pd.Series(reference_units).value_counts()
    cand = pd.Series(candidate_units).value_counts()
    frame = pd.DataFrame({"n_ref": ref, "n_cand": cand}).fillna(0).astype(int)
    frame["ref_share"] = frame["n_ref"] / max(len(reference_units), 1)
    in_support = frame["n_ref"] > 0 if support_only else pd.Series(True, index=frame.index)
    frame["cand_share"] = np.where(in_support, frame["n_cand"] / max(int(frame.loc[in_support, "n_cand"].sum()), 1), 0.0)
    frame["missing_mass"] = (frame["ref_share"] - frame["cand_share"]).clip(lower=0)
    frame.index.name = "unit"
    return frame.reset_index().sort_values(["missing_mass", "n_ref"], ascending=False, kind="stable").reset_index(drop=True)


# ---- the report ---------------------------------------------------------------------------------------------
@dataclass
class Gap:
    """One under-covered unit: its reference rows, typical examples and the nearest candidate rows."""

    unit: str  # "cluster", "cell" or "map_cluster"
    key: int
    rank: int
    label: str
    missing_mass: float
    ref_share: float
    cand_share: float
    n_ref: int
    n_cand: int
    covered_share: float  # share of its reference rows with a candidate row within the radius
    x: float  # mean map position of its reference rows (nan without a layout)
    y: float
    reference_ids: list[str]
    examples: list[dict]  # typical reference rows: id, text, nearest_candidate_id, distance
    nearest_candidates: list[dict]  # candidate rows nearest to its reference rows: id, text, distance
    uncovered: float = 0.0  # estimated reference rows the candidate lacks here: summed uncovered weights
    z: float = 0.0  # the ranking score: uncovered / its standard deviation under random mixing
    mass_difference: float = 0.0  # reference share - candidate share (the global difference, for comparison)
    ratio_bound: float | None = None  # gap pockets: upper bound of candidate share / reference share (the ranking)

    def to_dict(self) -> dict:
        out = asdict(self)
        out["x"], out["y"] = (None if np.isnan(v) else v for v in (self.x, self.y))
        return out


@dataclass
class CoverageReport:
    candidate: str
    reference: str
    model: str
    on: str  # "prompt" (what each row asks) or "text" (the whole row): the vectors compared
    percentile: float
    radius: float
    score: float
    n_reference: int
    n_candidate: int
    gaps: dict[str, list[Gap]]  # unit -> ranked gaps (the first `top`)
    units: dict[str, pd.DataFrame]  # unit -> every unit ranked (unit, label, n_ref, n_cand, shares, uncovered, z..)
    reference_rows: pd.DataFrame  # id, x, y, nearest_id, distance, covered, local_reference_share, under_covered,
    # and the unit of each kind (-1: none; for `cluster`, a row that is not under-covered)
    density: DensityGrid | None = None
    pocket_method: str = "union"  # "paired": the candidate holds most reference rows (core/coverage/paired.py)
    twin_share: float = 0.0  # reference rows with a candidate twin (cosine distance <= paired.TWIN_DISTANCE)

    def to_dict(self, *, units: list[str] | None = None, top: int | None = None) -> dict:
        return {
            "candidate": self.candidate, "reference": self.reference, "model": self.model, "on": self.on,
            "coverage_score": round(self.score, 4), "radius": round(self.radius, 4), "percentile": self.percentile,
            "radius_definition": f"{self.percentile:g}th percentile of the candidate's nearest-distinct-neighbour "
                                 "cosine distances",
            "n_reference": self.n_reference, "n_candidate": self.n_candidate,
            "covered_rows": int(self.reference_rows["covered"].sum()),
            "pocket_method": self.pocket_method, "twin_share": round(self.twin_share, 4),
            "gaps": {unit: [g.to_dict() for g in gaps[:top]] for unit, gaps in self.gaps.items()
                     if units is None or unit in units},
        }


def _aligned_xy(dataset, ids: list[str]) -> np.ndarray | None:
    layout = dataset.read_frame("layout")
    if layout is None or layout.num_rows == 0:
        return None
    return layout.to_pandas().set_index("id").reindex(ids)[["x", "y"]].to_numpy(dtype=np.float64)


def _read_reference_vectors(reference, key: str, candidate_name: str, on: str = "text"):
    """The reference's vectors of side `on`; a reference without a separate prompt is compared on its text."""
    from mixmap.core.errors import StoreError

    ids: list = []
    if on == "prompt" and has_prompt_side(reference, key):
        ids, vectors = reference.read_vectors(model_key=prompt_key(key))
    if not ids:
        try:
            ids, vectors = reference.read_vectors(model_key=key)
        except StoreError:
            ids = []
    if not ids:
        raise CoverageError(f"{reference.name!r} has no vectors from {candidate_name!r}'s model; add it with "
                            f"`mixmap reference add {candidate_name} FILE --as {reference.name}`") from None
    return ids, vectors


def choose_side(candidate, on: str | None = None) -> str:
    """The side coverage compares: `on` if given, else "prompt" when the candidate has prompt vectors."""
    if on is None:
        return "prompt" if has_prompt_side(candidate) else "text"
    if on not in SIDES:
        raise CoverageError(f"--on must be one of {', '.join(SIDES)}, not {on!r}")
    if on == "prompt" and not has_prompt_side(candidate):
        raise CoverageError(f"{candidate.name!r} has no prompt-side vectors (its rows have no separate "
                            f"instruction or user turn, or it was embedded before they existed: run "
                            f"`mixmap embed {candidate.name}`); use --on text")
    return on


def read_side_vectors(dataset, on: str):
    """(ids, vectors) of `dataset` on side `on` with its own model."""
    key = dataset.meta.get("model_key")
    return dataset.read_vectors(model_key=prompt_key(key) if on == "prompt" else key)


def analyze_coverage(candidate, reference, *, on: str | None = None, percentile: float = DEFAULT_PERCENTILE,
                     grid_size: int | None = None, top: int = 10, examples: int = 5, neighbours: int = 5,
                     k: int = NEIGHBOURS, alpha: float = ALPHA, seed: int = SEED) -> CoverageReport:
    """Coverage score and ranked gaps of `candidate` against `reference` (see the module doc for definitions)."""
    from mixmap.core.build.cluster import label_clusters, read_cluster_info
    from mixmap.core.explore.view import snippet

    key = candidate.meta.get("model_key")
    if not key:
        raise CoverageError(f"{candidate.name!r} has no embeddings yet; run `mixmap build {candidate.name}` first")
    on = choose_side(candidate, on)
    cand_ids, C = read_side_vectors(candidate, on)
    ref_ids, R = _read_reference_vectors(reference, key, candidate.name, on)
    C, R = unit_rows(C), unit_rows(R)
    # 1. the radius from the candidate's own neighbour distances; each reference row's k nearest pooled rows
    radius = coverage_radius(C, percentile=percentile, seed=seed)
    signal = local_signal(R, C, k=k)
    nn_idx, nn_dist = signal.cand_idx[:, 0], signal.cand_dist[:, 0]
    covered = nn_dist <= radius
    cand_arr = np.asarray(cand_ids, dtype=object)
    ref_rows = pd.DataFrame({"id": ref_ids, "nearest_id": cand_arr[nn_idx], "distance": nn_dist, "covered": covered,
                             "local_reference_share": signal.ref_count / max(signal.k, 1),
                             "under_covered": signal.under_covered(alpha)})
    ref_units: dict[str, np.ndarray] = {}
    cand_units: dict[str, np.ndarray] = {}
    # 2. units: gap pockets (clusters of the under-covered reference rows); map cells; the candidate's clusters
    # the style offset is removed on whole-row vectors only: prompt vectors carry no answer style, and on them
    # the shift found between two random halves of one prompt set made 39-72-row gaps that are not there
    # (bench/bench_coverage_prompts.py, eval-halves; tests/test_coverage_null.py)
    # when the candidate holds most of the reference's own rows (a filtered copy, the same prompts answered
    # again), a row is covered when its twin is there, and the pockets are where the lost rows concentrate
    # (core/coverage/paired.py; union regions found 11% of the topics removed there)
    pockets, pocket_method = find_pockets(R, C, nn_dist, seed=seed, align=on == "text")
    ref_units["cluster"] = pocket_labels(len(R), pockets)
    cand_xy, ref_xy = _aligned_xy(candidate, cand_ids), _aligned_xy(reference, ref_ids)
    density = None
    if cand_xy is not None and ref_xy is not None:
        ok_c, ok_r = ~np.isnan(cand_xy).any(axis=1), ~np.isnan(ref_xy).any(axis=1)
        if ok_c.any() and ok_r.any():
            grid = Grid.around(cand_xy[ok_c], ref_xy[ok_r], size=grid_size or default_grid_size(len(R), len(C)))
            cand_units["cell"] = np.where(ok_c, grid.cell_of(np.nan_to_num(cand_xy)), -1)
            ref_units["cell"] = np.where(ok_r, grid.cell_of(np.nan_to_num(ref_xy)), -1)
            density = density_difference(cand_xy[ok_c], ref_xy[ok_r])
        ref_rows["x"], ref_rows["y"] = ref_xy[:, 0], ref_xy[:, 1]
    else:
        ref_rows["x"] = ref_rows["y"] = np.nan
    clusters = candidate.read_frame("clusters")
    map_labels: dict[int, str] = {}
    if clusters is not None:
        cand_cluster = clusters.to_pandas().set_index("id").reindex(cand_ids)["cluster"].fillna(-1).astype(int).to_numpy()
        cand_units["map_cluster"], ref_units["map_cluster"] = cand_cluster, cand_cluster[nn_idx]
        map_labels = {c["cluster"]: c["label"] for c in read_cluster_info(candidate)}
    # 3. rank each unit kind by the z of its uncovered reference rows; describe the top gaps
    ref_text = dict(zip(*reference.read_rows(["id", "text"]).to_pydict().values()))
    texts = [ref_text.get(i, "") for i in ref_ids]
    gaps: dict[str, list[Gap]] = {}
    tables: dict[str, pd.DataFrame] = {}
    for unit, r_units in ref_units.items():
        ref_rows[unit] = r_units
        if unit == "cluster":
            table = _pocket_table(pockets, len(ref_ids), len(cand_ids))
        else:
            c_units = cand_units[unit]
            table = rank_units(r_units[r_units >= 0] if unit == "cell" else r_units,
                               c_units[c_units >= 0] if unit == "cell" else c_units, support_only=unit == "map_cluster")
            table = score_units(table, r_units, signal)
        if unit == "map_cluster":
            table["label"] = table["unit"].map(map_labels).fillna("noise (unclustered)")
        else:
            words = label_clusters(texts, np.where(r_units >= 0, r_units, -1))
            prefix = "cell " if unit == "cell" else ""
            table["label"] = [f"{prefix}{u}: " + (" · ".join(words.get(int(u), [])[:4]) or "(no keywords)")
                              for u in table["unit"]]
        tables[unit] = table
        gaps[unit] = []
        for row in table[table["missing_mass"] > 0].head(top).itertuples():
            members = np.flatnonzero(r_units == row.unit)
            centre = unit_rows(R[members].mean(axis=0, keepdims=True))[0]
            typical = members[np.argsort(-(R[members] @ centre), kind="stable")[:examples]]
            near = pd.DataFrame({"i": nn_idx[members], "d": nn_dist[members]}).groupby("i")["d"].min().nsmallest(neighbours)
            xy = ref_xy[members] if ref_xy is not None else np.full((1, 2), np.nan)
            gaps[unit].append(Gap(
                unit=unit, key=int(row.unit), rank=len(gaps[unit]) + 1, label=str(row.label),
                missing_mass=float(row.missing_mass), ref_share=float(row.ref_share), cand_share=float(row.cand_share),
                n_ref=int(row.n_ref), n_cand=int(row.n_cand), covered_share=float(covered[members].mean()),
                uncovered=float(row.uncovered), z=float(row.z), mass_difference=float(row.mass_difference),
                ratio_bound=float(row.ratio_bound) if hasattr(row, "ratio_bound") else None,
                x=float(np.nanmean(xy[:, 0])) if not np.isnan(xy).all() else np.nan,
                y=float(np.nanmean(xy[:, 1])) if not np.isnan(xy).all() else np.nan,
                reference_ids=[ref_ids[i] for i in members],
                examples=[{"id": ref_ids[i], "text": snippet(texts[i]), "nearest_candidate_id": cand_ids[nn_idx[i]],
                           "distance": round(float(nn_dist[i]), 4)} for i in typical],
                nearest_candidates=[{"id": cand_ids[i], "distance": round(float(d), 4)} for i, d in near.items()],
            ))
    _attach_candidate_text(candidate, gaps, snippet)
    return CoverageReport(candidate=candidate.name, reference=reference.name, model=str(candidate.meta.get("model")), on=on,
                          percentile=float(percentile), radius=radius, score=float(covered.mean()),
                          n_reference=len(ref_ids), n_candidate=len(cand_ids), gaps=gaps, units=tables,
                          reference_rows=ref_rows, density=density, pocket_method=pocket_method,
                          twin_share=twin_share(nn_dist))


def _pocket_table(pockets, n_reference: int, n_candidate: int) -> pd.DataFrame:
    """The unit table of gap pockets, in their rank order (best ratio bound first; see core/coverage/union.py).

    n_cand = candidate rows in the pocket's region; uncovered = its reference rows less what the candidate's
    rows there would carry at the two sets' overall ratio; z = -log10 of the region's binomial tail.
    """
    scale = n_reference / max(n_candidate, 1)
    frame = pd.DataFrame({
        "unit": np.arange(len(pockets), dtype=int),
        "n_ref": [len(p.rows) for p in pockets], "n_cand": [p.n_cand for p in pockets],
        "ratio_bound": [p.ratio_bound for p in pockets], "candidate_to_reference": [p.ratio for p in pockets],
        "z": [-np.log10(max(p.p_value, 1e-300)) for p in pockets]})
    frame["ref_share"] = frame["n_ref"] / max(n_reference, 1)
    frame["cand_share"] = frame["n_cand"] / max(n_candidate, 1)
    frame["mass_difference"] = (frame["ref_share"] - frame["cand_share"]).clip(lower=0)
    frame["uncovered"] = (frame["n_ref"] - frame["n_cand"] * scale).clip(lower=0)
    frame["missing_mass"] = frame["uncovered"] / max(n_reference, 1)
    return frame


def _attach_candidate_text(candidate, gaps: dict[str, list[Gap]], snippet) -> None:
    wanted = {c["id"] for unit in gaps.values() for g in unit for c in g.nearest_candidates}
    if not wanted:
        return
    rows = candidate.read_rows(["id", "text"], ids=wanted).to_pydict()
    text_of = dict(zip(rows["id"], rows["text"]))
    for unit in gaps.values():
        for gap in unit:
            for c in gap.nearest_candidates:
                c["text"] = snippet(text_of.get(c["id"], ""))
