"""Projection keeps earlier points fixed; clusters recover planted topics and get keyword labels."""
import numpy as np

from mixmap.core.build.cluster import (
    _hdbscan,
    label_clusters,
    label_sample,
    read_cluster_info,
    split_dominant,
)
from mixmap.core.build.pipeline import build_dataset
from mixmap.core.ingest.files import ingest_into
from tests.conftest import synthetic_rows, write_jsonl


def test_added_rows_are_transformed_without_moving_existing_points(built_dataset, fake_embedder, tmp_path):
    ds = built_dataset
    before = ds.read_frame("layout").to_pandas().set_index("id")
    extra = [dict(r, instruction=r["instruction"] + " again") for r in synthetic_rows(5, seed=9)]
    ingest_into(ds, write_jsonl(tmp_path / "more.jsonl", extra), source="more")
    result = build_dataset(ds, fake_embedder)
    assert result["project"]["placed"] == 20
    after = ds.read_frame("layout").to_pandas().set_index("id")
    assert len(after) == 180
    assert np.array_equal(after.loc[before.index, ["x", "y"]].to_numpy(), before[["x", "y"]].to_numpy())


def test_planted_topics_become_clusters(built_dataset):
    frame = built_dataset.read_frame("clusters").to_pandas()
    rows = built_dataset.read_rows(["id", "meta"]).to_pandas()
    rows["topic"] = rows["meta"].str.extract(r'"topic": "(\w+)"')[0]
    merged = rows.merge(frame, on="id")
    clustered = merged[merged["cluster"] >= 0]
    assert len(clustered) >= 0.8 * len(merged)
    purity = clustered.groupby("cluster")["topic"].agg(lambda s: s.value_counts().iloc[0] / len(s))
    assert purity.min() >= 0.9 and clustered["cluster"].nunique() >= 3
    labels = " ".join(c["label"] for c in read_cluster_info(built_dataset))
    assert sum(word in labels for word in ("python", "budget", "recipe", "planet", "oven", "loan", "orbit")) >= 2


def test_ctfidf_labels_prefer_distinctive_words():
    texts = ["apple banana apple the", "apple fruit banana", "engine car wheel the", "car road engine"]
    labels = label_clusters(texts, np.array([0, 0, 1, 1]))
    assert labels[0][0] in ("apple", "banana") and labels[1][0] in ("car", "engine")


def test_labels_come_from_a_capped_seeded_sample_of_each_cluster():
    labels = np.array([0] * 5000 + [1] * 10 + [-1] * 7000)
    np.random.default_rng(1).shuffle(labels)
    chosen = label_sample(labels, per_cluster=3000)
    counts = {c: int((labels[chosen] == c).sum()) for c in (0, 1, -1)}
    assert counts == {0: 3000, 1: 10, -1: 3000}  # big clusters capped, small ones whole
    assert np.all(np.diff(chosen) > 0)  # positions, sorted
    assert np.array_equal(chosen, label_sample(labels, per_cluster=3000))  # seeded: the same every time


def _parent_with_far_outliers(seed: int = 0) -> np.ndarray:
    """Six sub-groups packed close together plus two small groups far away: excess-of-mass HDBSCAN keeps
    the six as one parent cluster holding over 90% of the rows."""
    rng = np.random.default_rng(seed)
    near = [rng.normal(0, 0.3, (250, 5)) + np.eye(5)[c % 5] * 1.5 * (1 if c < 5 else -1) for c in range(6)]
    far = [rng.normal(0, 0.2, (60, 5)) + 20, rng.normal(0, 0.2, (60, 5)) - 20]
    return np.vstack(near + far)


def test_a_cluster_holding_most_rows_is_split_into_its_sub_groups():
    points = _parent_with_far_outliers()
    plain = _hdbscan(22).fit_predict(points)
    assert np.bincount(plain[plain >= 0]).max() > 0.9 * len(points)  # the failure this guards against
    labels = split_dominant(points, plain, lambda: _hdbscan(22))
    sizes = np.bincount(labels[labels >= 0])
    assert len(sizes) >= 7 and sizes.max() < 0.25 * len(points)
    assert sorted(set(labels.tolist()) - {-1}) == list(range(len(sizes)))  # ids stay 0..k-1
    # each planted sub-group lands (mostly) in one cluster of its own
    truth = np.repeat(np.arange(8), [250] * 6 + [60, 60])
    for group in range(8):
        got = labels[(truth == group) & (labels >= 0)]
        assert np.bincount(got).max() >= 0.9 * len(got)


def test_a_dominant_cluster_without_inner_structure_is_left_whole():
    rng = np.random.default_rng(1)
    points = np.vstack([rng.normal(0, 1, (900, 5)), rng.normal(0, 0.2, (60, 5)) + 30])
    plain = _hdbscan(22).fit_predict(points)
    assert np.bincount(plain[plain >= 0]).max() > 0.5 * len(points)
    assert np.array_equal(split_dominant(points, plain, lambda: _hdbscan(22)), plain)


def test_label_words_drop_contraction_fragments_and_possessive_s():
    from mixmap.core.build.cluster import label_tokens

    assert label_tokens("My parcel hasn't arrived, I've waited; the company's reply didn\u2019t help") == [
        "my", "parcel", "arrived", "waited", "the", "company", "reply", "help"]
    texts = ["I've asked why it hasn't arrived and they're saying it won't ship"] * 5 + ["telescope orbit moon"] * 5
    labels = label_clusters(texts, np.array([0] * 5 + [1] * 5))
    assert not {"ve", "hasn", "re", "won", "ll"} & set(labels[0]) and "arrived" in labels[0]
