"""mixmap.core.dedup.dataset (pairs stored once, regrouped, applied as one marking action) and `mixmap dedup`."""
from __future__ import annotations

import json

import numpy as np
import pyarrow as pa
import pytest
from click.testing import CliRunner

from mixmap.cli.main import main
from mixmap.core.dedup.actions import apply_dedup, duplicate_groups, group_duplicates
from mixmap.core.dedup.dataset import compute_duplicate_pairs, load_pairs, pairs_frame, pairs_info, regroup
from mixmap.core.errors import MixmapError
from mixmap.core.store.marks import marks_version, read_marks
from tests.conftest import synthetic_rows, write_jsonl
from tests.dedup_data import planted_dataset

EXACT = ("exact3", "case")
NEAR = ("near_2", "near_3", "near_4", "near_5", "script")


@pytest.fixture
def planted(workspace, tmp_path, fake_embedder):
    """(dataset, {group name: [ids, original first]}): 49 rows, 7 planted groups, embedded (fake), not mapped."""
    return planted_dataset(workspace, tmp_path, fake_embedder, mapped=False)


def group_sets(table) -> set[frozenset]:
    return {frozenset(m) for m in table["members"]}


def expected(groups: dict, names) -> set[frozenset]:
    return {frozenset(groups[n]) for n in names}


# ------------------------------------------------------------------------------------------- store + regroup

def test_exact_pairs_are_stored_with_ids_and_grouped(planted):
    ds, groups = planted
    info = compute_duplicate_pairs(ds, method="exact")
    assert info["method"] == "exact" and info["rows"] == 49 and info["candidate_threshold"] == 1.0
    stored = ds.read_frame(pairs_frame("exact")).to_pandas()
    assert {"i", "j", "id_i", "id_j", "sim", "len_i", "len_j"} <= set(stored.columns)
    assert pairs_info(ds, "exact")["pairs"] == len(stored) == 3
    table, summary = duplicate_groups(ds, method="exact", policy="first")
    assert group_sets(table) == expected(groups, EXACT)
    assert summary["removed"] == 3 and summary["groups"] == 2 and "removes 3 of 49 rows" in summary["message"]
    first = {frozenset(m): k for m, k in zip(table["members"], table["keeper"])}
    assert first[frozenset(groups["exact3"])] == groups["exact3"][0]


def test_minhash_regroups_from_stored_pairs_at_any_threshold(planted):
    ds, groups = planted
    info = compute_duplicate_pairs(ds, method="minhash")
    assert info["candidate_threshold"] == 0.4
    stored = load_pairs(ds, "minhash")
    at_half = regroup(stored, threshold=0.5)
    assert group_sets(at_half.table) == expected(groups, EXACT + NEAR)
    assert at_half.summary["removed"] == 8
    strict = regroup(stored, threshold=0.95)  # edited copies (Jaccard ~0.86) drop out, exact ones stay
    assert group_sets(strict.table) == expected(groups, EXACT)
    assert set(strict.removed_ids) == {groups["exact3"][1], groups["exact3"][2], groups["case"][1]}
    with pytest.raises(MixmapError, match="stored down to 0.4"):
        regroup(stored, threshold=0.3)


def test_keep_policies(planted):
    ds, groups = planted
    compute_duplicate_pairs(ds, method="minhash")

    def keepers(policy):
        table = group_duplicates(ds, method="minhash", threshold=0.5, policy=policy).table
        return {frozenset(m): k for m, k in zip(table["members"], table["keeper"])}

    case = frozenset(groups["case"])
    assert keepers("first")[case] == groups["case"][0]
    assert keepers("longest")[case] == groups["case"][1]  # the copy has "!!" more
    assert set(keepers("central")) == expected(groups, EXACT + NEAR)
    with pytest.raises(MixmapError, match="quality scores"):
        keepers("quality")
    ids = ds.read_rows(["id"]).column("id").to_pylist()
    # slop_score: lower is better -> the copy with the lowest score wins
    slop = [0.9 if i == groups["case"][0] else 0.1 for i in ids]
    ds.write_frame("signals", pa.table({"id": ids, "slop_score": slop}))
    assert keepers("quality")[case] == groups["case"][1]
    # quality_score wins over slop_score when both exist; higher is better
    ds.write_frame("signals", pa.table({"id": ids, "slop_score": slop,
                                        "quality_score": [1.0 if i == groups["case"][0] else 0.0 for i in ids]}))
    grouping = group_duplicates(ds, method="minhash", threshold=0.5, policy="quality")
    assert grouping.summary["quality_column"] == "quality_score"
    assert keepers("quality")[case] == groups["case"][0]


def test_semantic_pairs_on_stored_vectors(planted, monkeypatch):
    ds, groups = planted
    info = compute_duplicate_pairs(ds, method="semantic")
    assert info["candidate_threshold"] == 0.8 and info["params"]["search"] == "knn"
    table, _ = duplicate_groups(ds, method="semantic", threshold=0.999)
    assert frozenset(groups["exact3"]) in group_sets(table)
    # large datasets search within clusters (SemDeDup); the same copies are found
    import mixmap.core.dedup.finders as store

    monkeypatch.setattr(store, "SEMANTIC_GLOBAL_ROWS", 10)
    ids = ds.read_rows(["id"]).column("id").to_pylist()
    ds.write_frame("clusters", pa.table({"id": ids, "cluster": [0] * len(ids)}))
    info = compute_duplicate_pairs(ds, method="semantic")
    assert info["params"]["search"].startswith("within clusters")
    assert frozenset(groups["exact3"]) in group_sets(duplicate_groups(ds, method="semantic", threshold=0.999)[0])


def test_apply_is_one_marking_action_and_one_undo_reverts_it(planted):
    from mixmap.core.store.marks import undo

    ds, groups = planted
    compute_duplicate_pairs(ds, method="minhash")
    before = marks_version(ds)
    result = apply_dedup(ds, method="minhash", threshold=0.5, policy="first")
    assert marks_version(ds) == before + 1
    non_keepers = {i for name in EXACT + NEAR for i in groups[name][1:]}
    marks = read_marks(ds).to_pylist()
    assert {m["id"] for m in marks if m["mark"] == "exclude"} == non_keepers
    assert all(m["tags"] == ["duplicate"] for m in marks)
    assert result["marked"] == len(non_keepers) == 8
    assert "dedup minhash >= 0.5, keep first" in ds.marks_log().column("message").to_pylist()[-1]
    undo(ds)
    assert read_marks(ds).num_rows == 0


def test_pairs_survive_rows_added_later(planted, tmp_path):
    from mixmap.core.ingest.files import ingest_into

    ds, groups = planted
    compute_duplicate_pairs(ds, method="exact")
    ingest_into(ds, write_jsonl(tmp_path / "more.jsonl", synthetic_rows(3, seed=9)))
    stored = load_pairs(ds, "exact")
    assert stored.rows_added_since == 12
    table = regroup(stored, threshold=1.0).table
    assert group_sets(table) == expected(groups, EXACT)


def test_user_errors(planted):
    ds, _ = planted
    with pytest.raises(MixmapError, match="unknown duplicate method"):
        compute_duplicate_pairs(ds, method="fuzzy")
    with pytest.raises(MixmapError, match="no minhash pairs stored"):
        duplicate_groups(ds, method="minhash")
    compute_duplicate_pairs(ds, method="exact")
    with pytest.raises(MixmapError, match="unknown keep policy"):
        duplicate_groups(ds, method="exact", policy="best")


# ------------------------------------------------------------------------------------------------------ CLI

def run(ds, *args, ok=True):
    result = CliRunner().invoke(main, ["--workspace", str(ds.workspace.root), "dedup", ds.name, *args])
    if ok:
        assert result.exit_code == 0, result.output
    return result


def test_cli_prints_groups_with_keepers_and_counts(planted):
    ds, groups = planted
    out = json.loads(run(ds, "--method", "minhash", "--threshold", "0.5", "--keep", "longest", "--json").stdout)
    assert out["counts"]["removed"] == 8 and out["counts"]["groups"] == 7 and out["applied"] is None
    by_members = {frozenset(g["members"]): g for g in out["groups"]}
    assert set(by_members) == expected(groups, EXACT + NEAR)
    assert by_members[frozenset(groups["case"])]["keeper"] == groups["case"][1]
    assert all(g["keeper"] in g["members"] for g in out["groups"])
    assert read_marks(ds).num_rows == 0
    text = run(ds, "--method", "exact", "--limit", "1").stdout
    assert "removes 3 of 49 rows" in text and "keep " in text and "1 more groups" in text


def test_cli_recomputes_below_the_stored_candidate_threshold_and_applies(planted):
    ds, groups = planted
    run(ds, "--method", "minhash", "--json")
    assert pairs_info(ds, "minhash")["candidate_threshold"] == 0.4
    out = json.loads(run(ds, "--method", "minhash", "--threshold", "0.3", "--apply", "--json").stdout)
    assert out["pairs"]["candidate_threshold"] == 0.3
    assert out["applied"]["marked"] == out["counts"]["removed"] >= 8
    excluded = {m["id"] for m in read_marks(ds).to_pylist() if m["mark"] == "exclude"}
    assert len(excluded) == out["applied"]["marked"]
    assert {groups["exact3"][1], groups["case"][1]} <= excluded


def test_cli_user_errors_are_one_line(planted):
    ds, _ = planted
    compute_duplicate_pairs(ds, method="exact")
    result = run(ds, "--method", "exact", "--keep", "quality", ok=False)
    assert result.exit_code == 1
    assert result.output.strip().startswith("error: keep policy 'quality' needs quality scores")
    assert len(result.output.strip().splitlines()) == 1
    assert run(ds, "--method", "nope", ok=False).exit_code == 2  # click rejects the choice


def test_vectors_are_read_only_for_group_members(planted, monkeypatch):
    """'central' reads the embeddings of paired rows only (for exact pairs: the group members), once."""
    ds, groups = planted
    compute_duplicate_pairs(ds, method="exact")
    seen = []
    original = ds.read_vectors

    def spy(**kwargs):
        seen.append(list(kwargs.get("ids") or []))
        return original(**kwargs)

    monkeypatch.setattr(ds, "read_vectors", spy)
    grouping = group_duplicates(ds, method="exact", policy="central")
    assert sorted(seen[0]) == sorted(groups["exact3"] + groups["case"])
    assert np.count_nonzero(~grouping.keep) == 3
