"""The map widget at scale: a bounded, density-biased sample of points plus a density layer of every row."""
from __future__ import annotations

import numpy as np
import pandas as pd

from ui.mapview import MAX_POINTS, display_sample, figure


def big_frame(n: int = 150_000, tiny: int = 20) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    cluster = rng.integers(0, 10, size=n)
    cluster[:tiny] = 99  # a small cluster a uniform sample would all but lose (20 rows of 150k)
    x = cluster * 3.0 + rng.normal(size=n)
    y = rng.normal(size=n)
    return pd.DataFrame({"id": [f"r{i}" for i in range(n)], "x": x, "y": y, "cluster": cluster,
                         "cluster_label": [f"c{c}" for c in cluster], "source": "s", "mark": ""})


def test_big_maps_draw_a_bounded_sample_that_keeps_small_clusters():
    frame = big_frame()
    shown = display_sample(frame)
    assert len(shown) == MAX_POINTS and len(np.unique(shown)) == len(shown)
    # every row of the tiny cluster is drawn (a uniform sample would keep about 2/3 of them)
    assert (frame["cluster"].to_numpy()[shown] == 99).sum() == 20


def test_big_maps_get_a_density_layer_of_every_row_and_stay_small():
    frame = big_frame()
    fig = figure(frame, "cluster_label")
    heatmaps = [t for t in fig.data if t.type == "heatmap"]
    scatter_points = sum(len(t.x) for t in fig.data if t.type == "scattergl")
    assert len(heatmaps) == 1 and scatter_points == MAX_POINTS
    z = np.asarray(heatmaps[0].z, dtype=float)
    assert np.isclose(np.expm1(np.nan_to_num(z)).sum(), len(frame), rtol=0.02)  # log1p counts of all rows
    assert len(fig.to_json()) < 10e6


def test_small_maps_draw_every_row_and_no_density_layer():
    frame = big_frame(5000, tiny=5)
    fig = figure(frame, "cluster_label")
    assert not [t for t in fig.data if t.type == "heatmap"]
    assert sum(len(t.x) for t in fig.data) == len(frame)
