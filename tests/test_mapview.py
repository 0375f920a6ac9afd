"""The map widget at scale: a bounded, density-biased sample of points plus a density layer of every row."""
from __future__ import annotations

import numpy as np
import pandas as pd

from mixmap.ui.mapview import MAX_POINTS, cluster_labels, display_sample, figure, selection_profile


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


def test_the_biggest_clusters_are_named_on_the_map_with_markup_neutralised():
    frame = big_frame(3000, tiny=5)
    frame.loc[frame["cluster"] == 3, "cluster_label"] = "3: <b>bold</b> · a&b · third"
    frame.loc[frame["cluster"] == 99, "cluster"] = -1  # noise gets no name
    frame["y"] = frame["y"] * 0.1 + frame["cluster"] * 3.0  # clusters on a diagonal: no two names overlap
    fig = figure(frame, "cluster_label")
    texts = {a.text: (a.x, a.y) for a in fig.layout.annotations}
    assert len(texts) == 10 and "&lt;b&gt;bold&lt;/b&gt; · a&amp;b" in texts
    x, y = texts["&lt;b&gt;bold&lt;/b&gt; · a&amp;b"]
    assert abs(x - 9.0) < 0.2 and abs(y - 9.0) < 0.2  # at the cluster's median
    # distinct colours for the clusters; noise and "other" are grey
    colours = [t.marker.color for t in fig.data if t.type == "scattergl"]
    assert len(set(colours)) == len(colours)


def test_a_name_that_would_overlap_a_bigger_clusters_name_is_left_out():
    frame = pd.DataFrame({"x": [0.0] * 30 + [0.1] * 10 + [10.0] * 5, "y": [0.0] * 45,
                          "cluster": [0] * 30 + [1] * 10 + [2] * 5})
    frame["cluster_label"] = frame["cluster"].map({0: "0: big · one", 1: "1: small · near", 2: "2: far · away"})
    assert [label["text"] for label in cluster_labels(frame)] == ["big · one", "far · away"]


def test_selection_profile_compares_shares_with_all_rows():
    frame = big_frame(1000, tiny=0)
    frame["source"] = np.where(np.arange(1000) < 100, "alpaca", "oasst")
    frame["score"] = np.linspace(0, 1, 1000)
    selected = np.arange(1000) < 200  # all 100 alpaca rows + 100 oasst; the lowest scores
    bars = {t.name: t for t in selection_profile(frame, selected, "source").data}
    share = dict(zip(bars["selection"].y, bars["selection"].x))
    overall = dict(zip(bars["all rows"].y, bars["all rows"].x))
    assert share == {"alpaca": 0.5, "oasst": 0.5} and overall == {"alpaca": 0.1, "oasst": 0.9}
    hist = {t.name: np.asarray(t.y) for t in selection_profile(frame, selected, "score").data}
    assert np.isclose(hist["selection"].sum(), 1) and np.isclose(hist["all rows"].sum(), 1)
    assert hist["selection"][:6].sum() == 1.0  # the selection sits in the lowest fifth of the score
