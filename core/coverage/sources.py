"""Source comparison on one map: which clusters each source covers, and where only one source is.

Input is the map frame (one row per row: `source`, `cluster`, `cluster_label`, as mixmap.core.explore.view.map_frame gives).

- `shares`: per cluster, its size and the share of its rows from each source (rows sum to 1);
- `by_source`: per source, its rows, the clusters it covers (>= `min_rows` of its rows in the cluster), and
  how many of its rows sit in clusters it dominates;
- `single_source`: clusters where one source holds at least `skew` (default 90%) of the rows: regions of the
  map only that source covers (source skew). Noise (cluster -1) is not a region and is left out.

On the **prompt side** (`on="prompt"`, the default when the dataset has prompt vectors) the regions are
k-means clusters of the prompt vectors (as many as the map has clusters, seeded) labelled by their prompts'
keywords, so two sources that ask the same things in different answer styles land in the same regions;
`on="text"` uses the map's own clusters.
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

NOISE = -1


@dataclass
class SourceComparison:
    shares: pd.DataFrame
    by_source: pd.DataFrame
    single_source: pd.DataFrame
    skew: float

    def to_dict(self) -> dict:
        return {"skew": self.skew, "shares": self.shares.to_dict(orient="records"),
                "by_source": self.by_source.to_dict(orient="records"),
                "single_source": self.single_source.to_dict(orient="records")}


def compare_sources(frame: pd.DataFrame, *, skew: float = 0.9, min_rows: int = 3) -> SourceComparison:
    """Cluster-by-source shares, per-source coverage and single-source clusters of a map frame."""
    frame = frame.assign(source=frame["source"].fillna("(none)").astype(str))
    if "cluster_label" not in frame:
        frame = frame.assign(cluster_label=frame["cluster"].astype(str))
    counts = pd.crosstab(frame["cluster"], frame["source"])
    sources = list(counts.columns)
    shares = counts.div(counts.sum(axis=1), axis=0)
    labels = frame.groupby("cluster")["cluster_label"].first()
    table = pd.DataFrame({"cluster": counts.index, "label": labels.reindex(counts.index).to_numpy(),
                          "size": counts.sum(axis=1).to_numpy()})
    for s in sources:
        table[s] = shares[s].round(4).to_numpy()
    table = (table.assign(_noise=table["cluster"].eq(NOISE)).sort_values(["_noise", "size"], ascending=[True, False])
             .drop(columns="_noise").reset_index(drop=True))
    regions = counts.drop(index=NOISE, errors="ignore")
    top_source = shares.drop(index=NOISE, errors="ignore").idxmax(axis=1) if len(regions) else pd.Series(dtype=str)
    top_share = shares.drop(index=NOISE, errors="ignore").max(axis=1) if len(regions) else pd.Series(dtype=float)
    single = pd.DataFrame({"cluster": top_share.index, "label": labels.reindex(top_share.index).to_numpy(),
                           "size": regions.sum(axis=1).reindex(top_share.index).to_numpy(),
                           "source": top_source.to_numpy(), "share": top_share.round(4).to_numpy()})
    single = single[single["share"] >= skew].sort_values("size", ascending=False).reset_index(drop=True)
    per_source = []
    for s in sources:
        mine = regions[s] if len(regions) else pd.Series(dtype=int)
        owned = set(single.loc[single["source"] == s, "cluster"])
        per_source.append({
            "source": s, "rows": int(counts[s].sum()),
            "clusters_covered": int((mine >= min_rows).sum()), "clusters_total": len(regions),
            "share_of_clusters": round(float((mine >= min_rows).mean()) if len(regions) else 0.0, 4),
            "rows_in_single_source_clusters": int(mine[mine.index.isin(owned)].sum()) if len(regions) else 0,
        })
    return SourceComparison(shares=table, by_source=pd.DataFrame(per_source), single_source=single, skew=skew)


def source_comparison(dataset, *, skew: float = 0.9, min_rows: int = 3, on: str | None = None,
                      seed: int = 42) -> SourceComparison:
    from mixmap.core.coverage.analysis import choose_side, read_side_vectors
    from mixmap.core.explore.view import map_frame

    frame = map_frame(dataset, with_snippets=False)
    if choose_side(dataset, on) == "prompt":
        frame = _prompt_regions(dataset, frame, read_side_vectors(dataset, "prompt"), seed=seed)
    return compare_sources(frame, skew=skew, min_rows=min_rows)


def _prompt_regions(dataset, frame: pd.DataFrame, side, *, seed: int) -> pd.DataFrame:
    """`frame` with cluster / cluster_label replaced by k-means regions of the prompt vectors."""
    import numpy as np
    from sklearn.cluster import KMeans

    from mixmap.core.build.cluster import label_clusters
    from mixmap.core.embed.prompts import prompt_rows

    ids, vectors = side
    n_regions = int(np.clip(frame.loc[frame["cluster"] != NOISE, "cluster"].nunique(), 2, max(2, len(ids) // 5)))
    fit = np.random.default_rng(seed).choice(len(ids), size=min(len(ids), 50_000), replace=False)
    model = KMeans(n_clusters=min(n_regions, len(fit)), n_init=1, random_state=seed).fit(vectors[fit])
    region = pd.Series(model.predict(vectors), index=ids)
    rows = dataset.read_rows(["id", "source", "text", "meta"])
    asked = [p or t for p, t in zip(prompt_rows(dataset, rows), rows.column("text").to_pylist())]
    labels = region.reindex(rows.column("id").to_pylist()).fillna(NOISE).astype(int).to_numpy()
    words = label_clusters(asked, labels)
    frame = frame.assign(cluster=region.reindex(frame["id"]).fillna(NOISE).astype(int).to_numpy())
    return frame.assign(cluster_label=[f"{c}: " + (" · ".join(words.get(c, [])[:4]) or "(no keywords)")
                                       for c in frame["cluster"]])
