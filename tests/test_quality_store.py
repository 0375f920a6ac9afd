"""mixmap.core.quality.dataset and `mixmap score` / `mixmap slop`: a planted slop cluster must come out on top."""
from __future__ import annotations

import json

import numpy as np
import pytest
from click.testing import CliRunner

from mixmap.cli.main import main
from mixmap.core.errors import MixmapError
from mixmap.core.quality.dataset import cluster_slop, score_dataset, scoring_inputs, teach_scores
from mixmap.core.quality.scoring import MARKER_COLUMNS, SIGNAL_COLUMNS
from tests.quality_data import SLOP_CLUSTER, build_planted, write_planted


@pytest.fixture
def planted(workspace, tmp_path):
    return build_planted(workspace, write_planted(tmp_path))


@pytest.fixture
def scored(planted):
    ds, groups = planted
    score_dataset(ds, n_jobs=1)
    return ds, groups


def test_scoring_inputs_use_the_response_and_instruction_from_meta():
    metas = ['{"instruction": "Say hi", "input": "politely", "output": "Hello there."}',
             '{"prompt": "Q?", "completion": "A."}', '{"other": 1}', None]
    texts, prompts = scoring_inputs(["Say hi\npolitely\nHello there.", "Q?\nA.", "plain text", "no meta"], metas)
    assert texts == ["Hello there.", "A.", "plain text", "no meta"]
    assert prompts == ["Say hi\npolitely", "Q?", "", ""]
    assert scoring_inputs(["a"], ['{"x": "y"}']) == (["a"], None)


def test_score_dataset_writes_one_signals_row_per_row(planted):
    ds, groups = planted
    calls = []
    result = score_dataset(ds, n_jobs=1, progress=lambda stage, done, total: calls.append((stage, done, total)))
    signals = ds.read_frame("signals").to_pandas()
    assert result["rows"] == len(signals) == ds.count()
    assert result["scored_response_field"] == ds.count()  # every row has an `output` in its meta
    assert list(signals.columns) == ["id", *SIGNAL_COLUMNS, *MARKER_COLUMNS, "gopher_pass", "fineweb_pass",
                                     "slop_score"]
    assert set(signals["id"]) == set(ds.read_rows(["id"]).column("id").to_pylist())
    assert calls[-1] == ("score", ds.count(), ds.count())
    by_id = signals.set_index("id")["slop_score"]
    slop, human = by_id[groups["slop"]], by_id[groups["bikes"] + groups["garden"] + groups["kitchen"]]
    assert slop.min() > 0.8 and human.max() < 0.5
    assert signals["resp_instr_ratio"].notna().all()  # instructions came from meta
    assert ds.meta["quality"]["rows"] == ds.count()


def test_score_dataset_weights_and_errors(planted, workspace):
    ds, _ = planted
    with pytest.raises(MixmapError, match="unknown slop weight"):
        score_dataset(ds, weights={"nope": 1.0}, n_jobs=1)
    assert not ds.has_frame("signals")  # nothing written on a bad weight
    score_dataset(ds, weights={"bias": -30.0}, n_jobs=1)
    assert ds.read_frame("signals").to_pandas()["slop_score"].max() < 0.01
    with pytest.raises(MixmapError, match="no rows"):
        score_dataset(workspace.dataset("empty", create=True))


def test_cluster_slop_ranks_the_planted_cluster_first(scored):
    ds, groups = scored
    table = cluster_slop(ds, threshold=0.5)
    assert list(table.columns) == ["cluster", "label", "size", "mean_score", "share_above", "why", "phrases"]
    top = table.iloc[0]
    assert top["cluster"] == SLOP_CLUSTER and top["size"] == len(groups["slop"])
    assert top["share_above"] == 1.0 and top["mean_score"] > 0.8
    assert top["label"].startswith(f"{SLOP_CLUSTER}: ")
    assert "as an ai language model" in top["why"] or "it's important to note" in top["why"]
    assert any(p in " | ".join(top["phrases"]) for p in ("tapestry", "important to note", "language model"))
    assert table.iloc[-1]["cluster"] == -1  # noise is never ranked as a slop cluster
    assert (table["mean_score"].iloc[1:-1] < 0.5).all()
    assert len(cluster_slop(ds, top=2)) == 2
    assert (cluster_slop(ds, threshold=0.99)["share_above"] <= table["share_above"]).all()


def test_cluster_slop_errors_say_what_to_run(planted):
    ds, _ = planted
    with pytest.raises(MixmapError, match="mixmap score"):
        cluster_slop(ds)
    score_dataset(ds, n_jobs=1)
    with pytest.raises(MixmapError, match="between 0 and 1"):
        cluster_slop(ds, threshold=2)
    with pytest.raises(MixmapError, match="teach"):
        cluster_slop(ds, column="taught_score")
    ds.drop_frame("clusters")
    with pytest.raises(MixmapError, match="mixmap build"):
        cluster_slop(ds)


def test_teach_scores_adds_a_taught_column_that_keeps_labels(scored):
    ds, groups = scored
    labels = {groups["slop"][0]: 1, groups["slop"][1]: 1, groups["bikes"][0]: 0, groups["garden"][0]: 0}
    result = teach_scores(ds, labels)
    assert result["labels"] == 4
    signals = ds.read_frame("signals").to_pandas().set_index("id")
    assert signals.loc[groups["slop"][0], "taught_score"] == 1.0
    assert signals.loc[groups["bikes"][0], "taught_score"] == 0.0
    assert "slop_score" in signals and ds.meta["quality"]["labels"] == labels
    ranked = cluster_slop(ds, column="taught_score")
    assert ranked.iloc[0]["cluster"] == SLOP_CLUSTER
    ds.update_meta(quality={})  # forget the stored labels: one class alone cannot teach
    with pytest.raises(MixmapError, match="at least one"):
        teach_scores(ds, {groups["slop"][0]: 1})


def invoke(ws_root, *args):
    return CliRunner().invoke(main, ["--workspace", str(ws_root), *args], catch_exceptions=False)


def test_cli_score_slop_and_export_with_signals(planted, tmp_path):
    ds, groups = planted
    root = ds.workspace.root
    before = invoke(root, "slop", "qual", "--json")
    assert before.exit_code == 1 and before.output.strip().count("\n") == 0 and "mixmap score qual" in before.output
    result = invoke(root, "score", "qual", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["rows"] == ds.count()
    result = invoke(root, "slop", "qual", "--json", "--top", "2", "--threshold", "0.7")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["threshold"] == 0.7 and len(data["clusters"]) == 2
    first = data["clusters"][0]
    assert {"id", "label", "size", "mean_score", "share_above", "why", "phrases"} <= set(first)
    assert first["id"] == SLOP_CLUSTER and first["size"] == len(groups["slop"]) and first["why"]
    text = invoke(root, "slop", "qual")
    assert text.exit_code == 0 and "why:" in text.output
    bad = invoke(root, "slop", "qual", "--top", "0")
    assert bad.exit_code == 1 and "error:" in bad.output
    out = tmp_path / "out.jsonl"
    assert invoke(root, "export", "qual", "--out", str(out), "--with-signals").exit_code == 0
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(rows) == ds.count() and all(0 <= r["slop_score"] <= 1 for r in rows)
    assert np.isfinite([r["n_words"] for r in rows]).all()


def test_cli_score_weights_file(planted, tmp_path):
    ds, _ = planted
    weights = tmp_path / "w.json"
    weights.write_text('{"bias": -30}')
    result = invoke(ds.workspace.root, "score", "qual", "--weights", str(weights), "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["above_threshold"] == 0
    weights.write_text("[1, 2]")
    assert invoke(ds.workspace.root, "score", "qual", "--weights", str(weights)).exit_code == 1


def test_phrases_against_a_reference_dataset(scored, tmp_path):
    """Against a reference that itself says "as an AI language model" a lot, that phrase is no longer the
    slop cluster's habit; the other markers still are. The CLI names what it compared with."""
    from mixmap.core.ingest.files import ingest_into
    from tests.conftest import write_jsonl

    ds, _ = scored
    ref = ds.workspace.dataset("chatref", create=True)
    lines = [{"text": f"As an AI language model, I can help with question {i}."} for i in range(60)]
    ingest_into(ref, write_jsonl(tmp_path / "ref.jsonl", lines))
    versus_rest = " | ".join(cluster_slop(ds, top=1)["phrases"].iloc[0])
    versus_ref = " | ".join(cluster_slop(ds, top=1, against=ref)["phrases"].iloc[0])
    assert "ai language model" in versus_rest and "ai language model" not in versus_ref
    assert "crucial role" in versus_ref
    result = invoke(ds.workspace.root, "slop", "qual", "--json", "--top", "1", "--against", "chatref")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["phrases_against"] == "chatref" and "ai language model" not in " ".join(data["clusters"][0]["phrases"])
    missing = invoke(ds.workspace.root, "slop", "qual", "--against", "nope")
    assert missing.exit_code == 1 and "no dataset named 'nope'" in missing.output
