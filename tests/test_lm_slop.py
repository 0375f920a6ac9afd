"""The LM check: criterion maths on hand-made logits, batching / padding / truncation invariance on a tiny
random Llama, the stage on a planted dataset (resumable, cached, unscored rows NaN), and the packaged model on
a handful of rows (marked real_model)."""
from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from mixmap.cli.main import main
from mixmap.core.quality.lm import (
    LM_COLUMNS,
    LanguageModel,
    copied_mask,
    score_responses,
    score_responses_at,
    split_turns,
    sums_to_signals,
    token_statistics,
)
from mixmap.core.quality.lm_stage import (
    LM_FRAME,
    cluster_machine_share,
    lm_check,
    per_cluster_quota,
    sample_ids,
    wilson_interval,
)
from tests.quality_data import SLOP_CLUSTER, build_planted, write_planted

torch = pytest.importorskip("torch")


class CharTokenizer:
    """One id per character (2..97); a chat template of [1] + each turn's ids + [1]; pad id 0."""

    pad_token_id = 0

    def _ids(self, text: str) -> list[int]:
        return [2 + (ord(ch) % 96) for ch in text]

    def __call__(self, text: str, add_special_tokens: bool = False) -> dict:
        return {"input_ids": self._ids(text)}

    def apply_chat_template(self, messages, tokenize=True, add_generation_prompt=True):
        ids = [1]
        for m in messages:
            ids += self._ids(m["role"][:1] + m["content"]) + [1]
        return ids


@pytest.fixture(scope="module")
def tiny_lm() -> LanguageModel:
    from transformers import LlamaConfig, LlamaForCausalLM

    torch.manual_seed(0)
    config = LlamaConfig(vocab_size=100, hidden_size=16, intermediate_size=32, num_hidden_layers=2,
                         num_attention_heads=2, num_key_value_heads=2, max_position_embeddings=512)
    return LanguageModel(name="tiny", model=LlamaForCausalLM(config).eval(), tokenizer=CharTokenizer(),
                         device="cpu")


def test_token_statistics_match_the_formulas_by_hand():
    logits = torch.tensor([[[2.0, 1.0, 0.0], [0.0, 0.0, 3.0], [1.0, 1.0, 1.0]]])
    targets = torch.tensor([[1, 2, 0]])
    mask = torch.tensor([[1, 1, 0]])
    sums = token_statistics(logits, targets, mask)[0]
    logp = torch.log_softmax(logits[0], -1).numpy()
    lp = [logp[0, 1], logp[1, 2]]
    mu = [(np.exp(logp[t]) * logp[t]).sum() for t in (0, 1)]
    var = [(np.exp(logp[t]) * logp[t] ** 2).sum() - mu[i] ** 2 for i, t in enumerate((0, 1))]
    assert sums[0] == pytest.approx(sum(lp), abs=1e-5)
    assert sums[1] == pytest.approx(np.log(2) + np.log(1), abs=1e-5)  # ranks 2 and 1
    assert sums[2] == pytest.approx(-sum(mu), abs=1e-5)
    assert sums[3] == pytest.approx(sum(lp) - sum(mu), abs=1e-5)
    assert sums[4] == pytest.approx(sum(var), abs=1e-5)
    assert sums[5] == 2
    signals = sums_to_signals(sums[None, :])
    assert signals["lm_fdgpt"][0] == pytest.approx((sum(lp) - sum(mu)) / np.sqrt(sum(var)), abs=1e-5)
    assert signals["lm_perplexity"][0] == pytest.approx(np.exp(-sum(lp) / 2), rel=1e-5)
    assert signals["lm_logprob"][0] <= 0 <= signals["lm_entropy"][0]


def test_nothing_to_score_is_nan_not_zero():
    signals = sums_to_signals(np.zeros((1, 16)))
    assert signals["lm_tokens"][0] == 0
    assert signals[[c for c in LM_COLUMNS if c != "lm_tokens"]].isna().all(axis=None)


def test_copied_mask_marks_runs_of_n_tokens_found_in_the_prompt():
    got = copied_mask([1, 2, 3, 4, 5, 6], [9, 2, 3, 4, 5, 8, 1, 2, 3, 7, 3, 4, 5], n=4)
    assert got.tolist() == [False, True, True, True, True, False, False, False, False, False, False, False, False]
    assert copied_mask([1, 2, 3], [1, 2, 3], n=3).all() and not copied_mask([1, 2], [1, 2], n=3).any()
    assert copied_mask([5, 6, 7, 8], [6, 7, 8], n=3).all() and not copied_mask([], [1, 2, 3], n=3).any()


def test_novel_signals_leave_out_what_the_response_copies_from_its_prompt(tiny_lm):
    context = "The Nile is the longest river in Africa and flows north into the sea."
    prompts = [f"Where does the Nile flow?\n{context}", "Say something", f"Quote it:\n{context}"]
    responses = ["QQ flows north into the sea ZZ", "Rivers are wet.", context]
    got = score_responses(tiny_lm, prompts, responses)
    copied = len(" flows north into the sea")  # CharTokenizer: the run shared with the context
    assert got["lm_copied_share"][0] == pytest.approx(copied / len(responses[0]))
    assert got["lm_copied_share"][1] == 0
    for col in ("logprob", "logrank", "entropy", "fdgpt", "top1", "logprob_std"):  # nothing copied: novel == all
        assert got[f"lm_novel_{col}"][1] == pytest.approx(got[f"lm_{col}"][1], abs=1e-6)
    assert got["lm_copied_share"][2] == 1 and np.isnan(got["lm_novel_logprob"][2])
    assert not np.isnan(got["lm_logprob"][2])


def test_batched_length_sorted_scoring_equals_one_row_at_a_time(tiny_lm):
    prompts = ["Say hi", "", "Explain tides in one line please", "Q"]
    responses = ["Hello there, friend.", "plain web text without a prompt", "The moon pulls the sea.", "A" * 90]
    batched = score_responses(tiny_lm, prompts, responses, batch_tokens=10_000)
    alone = pd.concat([score_responses(tiny_lm, [p], [r]) for p, r in zip(prompts, responses)], ignore_index=True)
    np.testing.assert_allclose(batched.to_numpy(float), alone.to_numpy(float), rtol=1e-4, atol=1e-4)
    assert batched["lm_tokens"].tolist() == [len(r) for r in responses[:3]] + [90]


def test_truncation_scores_the_first_tokens_only_and_cutoffs_come_from_one_pass(tiny_lm):
    prompts, responses = ["p1", "p2"], ["abcdefghij" * 5, "short"]
    at = score_responses_at(tiny_lm, prompts, responses, cutoffs=(8, 64))
    direct = score_responses(tiny_lm, prompts, responses, max_tokens=8)
    np.testing.assert_allclose(at[8].to_numpy(float), direct.to_numpy(float), rtol=1e-4, atol=1e-5)
    assert at[8]["lm_tokens"].tolist() == [8, 5] and at[64]["lm_tokens"].tolist() == [50, 5]


def test_chat_rows_score_each_assistant_turn_given_the_turns_before(tiny_lm):
    chat = "user: hi\n\nassistant: hello you\n\nuser: more\n\nassistant: sure thing"
    assert split_turns(chat) == [("user", "hi"), ("assistant", "hello you"), ("user", "more"),
                                 ("assistant", "sure thing")]
    assert split_turns("just text: with a colon") is None
    got = score_responses(tiny_lm, [""], [chat])
    assert got["lm_tokens"][0] == len("hello you") + len("sure thing")


def test_quota_gives_every_cluster_the_floor_and_big_clusters_more():
    quota = per_cluster_quota(pd.Series({0: 10, 1: 200, 2: 5000}))
    assert quota[0] == 10 and 30 <= quota[1] < quota[2] == 50
    shared = per_cluster_quota(pd.Series({0: 100, 1: 10_000}), total=220)
    assert shared.sum() == 220 and shared[1] > shared[0] >= 20
    many = per_cluster_quota(pd.Series(np.arange(1, 41) * 10), total=24)  # fewer rows than clusters
    assert many.sum() == 24 and many.max() <= 2
    small = per_cluster_quota(pd.Series({0: 3, 1: 30}), total=30)  # the small one is capped, the rest moves on
    assert small.tolist() == [3, 27]


def test_wilson_interval_known_values_and_empty_clusters():
    low, high = wilson_interval(np.array([0, 5, 10, 0]), np.array([10, 10, 10, 0]))
    assert low[0] == 0 and high[0] == pytest.approx(0.2775, abs=1e-3)
    assert low[1] == pytest.approx(0.2366, abs=1e-3) and high[1] == pytest.approx(0.7634, abs=1e-3)
    assert high[2] == pytest.approx(1) and np.isnan(low[3]) and np.isnan(high[3])


@pytest.fixture
def planted(workspace, tmp_path):
    return build_planted(workspace, write_planted(tmp_path))


def test_lm_check_samples_per_cluster_resumes_and_leaves_unscored_rows_nan(planted, tiny_lm, tmp_path):
    ds, _groups = planted
    first = lm_check(ds, sample=20, lm=tiny_lm, chunk_rows=4)
    frame = ds.read_frame(LM_FRAME).to_pandas()
    assert first["scored"] + first["from_cache"] == len(frame) == first["wanted"] and len(frame) < ds.count()
    assert frame["slop_v2"].between(0, 1).all() and (frame["lm_tokens"] > 0).all()
    again = lm_check(ds, sample=20, lm=tiny_lm)
    assert again["scored"] == 0 and again["already_scored"] == first["wanted"]
    assert len(ds.read_frame(LM_FRAME)) == len(frame)
    everything = lm_check(ds, full=True, lm=tiny_lm)
    assert everything["already_scored"] == first["wanted"] and everything["scored"] + everything[
        "from_cache"] == ds.count() - first["wanted"]
    table = cluster_machine_share(ds)
    assert set(table["cluster"]) == {-1, 0, 1, 2, SLOP_CLUSTER}
    assert (table["low"] <= table["machine_share"]).all() and (table["machine_share"] <= table["high"]).all()


def test_sample_ids_are_stratified_by_cluster(planted):
    ds, _groups = planted
    ids = sample_ids(ds, sample=16)
    clusters = ds.read_frame("clusters", ["id", "cluster"]).to_pandas().set_index("id")["cluster"]
    assert set(clusters[ids]) == set(clusters)  # every cluster, noise included, gets rows


def test_score_lm_cli_then_slop_json_ranks_by_machine_share_and_export_has_nan(planted, tiny_lm, monkeypatch,
                                                                               tmp_path):
    ds, _groups = planted
    import mixmap.core.quality.lm as lm_module

    monkeypatch.setattr(lm_module, "load_language_model", lambda **_: tiny_lm)
    runner = CliRunner()
    root = ["--workspace", str(ds.workspace.root)]
    out = runner.invoke(main, [*root, "score", ds.name, "--lm", "--sample", "10", "--json"])
    assert out.exit_code == 0, out.output
    assert json.loads(out.output)["lm"]["wanted"] <= 10
    out = runner.invoke(main, [*root, "slop", ds.name, "--json"])
    assert out.exit_code == 0, out.output
    result = json.loads(out.output)
    assert result["ranked_by"] == "lm machine share"
    real = [c for c in result["clusters"] if c["id"] >= 0]
    shares = [c["machine_share"] for c in real if c["machine_share"] is not None]
    assert shares == sorted(shares, reverse=True)
    assert [c["machine_share"] is None for c in real] == sorted(c["machine_share"] is None for c in real)
    assert all({"low", "high", "scored"} <= set(c) for c in result["clusters"])
    out = runner.invoke(main, [*root, "export", ds.name, "--out", str(tmp_path / "x.jsonl"), "--with-signals"])
    assert out.exit_code == 0, out.output
    rows = [json.loads(line) for line in (tmp_path / "x.jsonl").open()]
    scored = [r for r in rows if r.get("lm_logprob") is not None]
    assert 0 < len(scored) < len(rows) and all(r.get("slop_v2") is None for r in rows if r not in scored)


@pytest.mark.real_model
def test_packaged_model_scores_real_rows_offline(monkeypatch):
    from mixmap.core.quality.lm import find_gguf, load_language_model

    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    assert find_gguf().stat().st_size > 50_000_000
    lm = load_language_model()
    prompts = ["Give three tips for staying healthy."] * 3 + [""]
    responses = [("1. Eat a balanced diet with plenty of fruits and vegetables. 2. Exercise regularly. "
                 "3. Get enough sleep."), "honestly i just walk the dog twice a day lol, skip the soda",
                 "qz xv 83 ;; plok frum zzzt wibble 0x4f ,,, drrn", "The cat sat on the mat."]
    got = score_responses(lm, prompts, responses)
    assert got["lm_logprob"][0] > got["lm_logprob"][1] > got["lm_logprob"][2]
    assert got["lm_perplexity"][2] > 10 * got["lm_perplexity"][0]  # garbled text: an extreme perplexity
    assert (got["lm_tokens"] > 0).all() and got[list(LM_COLUMNS)].notna().all(axis=None)


def test_quality_page_shows_the_lm_check_estimates_and_histograms(planted, tiny_lm, monkeypatch):
    from mixmap.core.quality.dataset import score_dataset
    from tests.conftest import open_app

    ds, _ = planted
    score_dataset(ds, n_jobs=1)
    lm_check(ds, sample=20, lm=tiny_lm)
    at = open_app(ds.workspace.root, monkeypatch, page="pages/quality.py", title="Quality")
    assert not at.exception, [e.value for e in at.exception]
    assert any("rows" in c.value for c in at.caption)  # the time estimate before a new check
    table = next(d.value for d in at.dataframe if "machine_share" in d.value.columns)
    assert set(table["cluster"]) == {-1, 0, 1, 2, SLOP_CLUSTER} and table["scored"].sum() <= 20
    assert len(at.get("plotly_chart")) >= 4  # shares with error bars, two histograms, the map
    assert any("lm_perplexity" in d.value.columns for d in at.dataframe)  # the most perplexing rows


def test_a_check_stored_before_the_novel_signals_is_scored_again(planted, tiny_lm):
    import pyarrow as pa

    ds, _groups = planted
    ids = ds.read_rows(["id"]).column("id").to_pylist()[:3]
    old = pd.DataFrame({"id": ids, "lm_model": "SmolLM2-135M-Instruct-Q4_1@128", "lm_text_key": ["k"] * 3,
                        "lm_logprob": [-1.0] * 3, "lm_tokens": [5] * 3, "slop_v2": [0.9] * 3})
    ds.append_frame(LM_FRAME, pa.Table.from_pandas(old, preserve_index=False))
    got = lm_check(ds, sample=8, lm=tiny_lm)
    frame = ds.read_frame(LM_FRAME).to_pandas()
    assert got["already_scored"] == 0 and set(LM_COLUMNS) <= set(frame.columns)
    assert "k" not in set(frame["lm_text_key"]) and frame["lm_novel_logprob"].notna().all()
