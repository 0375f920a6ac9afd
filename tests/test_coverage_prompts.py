"""Prompt-side vectors and the gap ranking that survives a style shift (issue 19)."""
import json

import numpy as np
from click.testing import CliRunner

from mixmap.core.coverage.analysis import add_reference, analyze_coverage, register_embedder
from mixmap.core.coverage.sources import source_comparison
from mixmap.core.coverage.union import pocket_labels, union_pockets
from mixmap.core.embed.prompts import chat_user_turns, has_prompt_side, prompt_key, prompt_text
from mixmap.core.embed.stage import embed_prompts
from mixmap.core.ingest.files import TextSpec, ingest_into
from tests.conftest import synthetic_rows, write_jsonl

TEMPLATE = {"template": "{instruction}\n{input}\n{output}"}


# ---- what a row asks ------------------------------------------------------------------------------------
def test_prompt_of_instruction_rows_is_instruction_and_input_without_the_answer():
    meta = json.dumps({"instruction": "Translate to French.", "input": "Good morning", "output": "Bonjour"})
    assert prompt_text("Translate to French.\nGood morning\nBonjour", meta, TEMPLATE) == "Translate to French.\nGood morning"
    blank = json.dumps({"instruction": "Name a colour.", "input": "", "output": "Blue"})
    assert prompt_text("Name a colour.\nBlue", blank, TEMPLATE) == "Name a colour."
    # a template with no answer field, or one text column: the text is the prompt, no separate side
    assert prompt_text("Name a colour.", blank, {"template": "{instruction}\n{input}"}) is None
    assert prompt_text("Name a colour.", None, {"column": "text"}) is None


def test_prompt_of_chat_rows_is_the_user_turns():
    text = "system: Be brief.\n\nuser: What is 2+2?\n\nassistant: 4\n\nNote: it is even.\n\nuser: And 3+3?\n\nassistant: 6"
    assert chat_user_turns(text) == "What is 2+2?\n\nAnd 3+3?"
    assert prompt_text(text, None, {"chat_column": "messages"}) == "What is 2+2?\n\nAnd 3+3?"
    human = "human: Write a haiku.\n\ngpt: Autumn moon...\n\nPS: keep it short."
    assert chat_user_turns(human) == "Write a haiku."
    assert chat_user_turns("user: only a question") is None  # nothing answered: the text is the prompt
    assert chat_user_turns("no roles here") is None


def test_prompt_vectors_are_stored_beside_text_vectors_and_resume(workspace, fake_embedder, tmp_path):
    from mixmap.core.build.pipeline import build_dataset

    ds = workspace.dataset("chat", create=True)
    rows = [{"messages": [{"role": "user", "content": f"cook a {w} dish"}, {"role": "assistant", "content": a}]}
            for w in ("rice", "bean", "corn", "fish") for a in ("Sure. Step one...", "Here is a long answer " * 5)]
    ingest_into(ds, write_jsonl(tmp_path / "chat.jsonl", rows))
    build_dataset(ds, fake_embedder)
    key = ds.meta["model_key"]
    assert has_prompt_side(ds) and ds.count_vectors(prompt_key(key)) == ds.count() == 8
    ids, P = ds.read_vectors(model_key=prompt_key(key))
    text = dict(zip(*ds.read_rows(["id", "text"]).to_pydict().values()))
    by_prompt = {}
    for i, v in zip(ids, P):  # the two answers of one question share its prompt vector
        by_prompt.setdefault(text[i].split("\n\n")[0], []).append(v)
    assert all(np.allclose(vs[0], vs[1]) for vs in by_prompt.values()) and len(by_prompt) == 4
    seen = fake_embedder.texts_seen
    assert embed_prompts(ds, fake_embedder)["embedded"] == 0 and fake_embedder.texts_seen == seen
    plain = workspace.dataset("plain", create=True)
    ingest_into(plain, write_jsonl(tmp_path / "plain.jsonl", [{"text": f"row {i}"} for i in range(5)]))
    build_dataset(plain, fake_embedder)
    assert not has_prompt_side(plain)


# ---- the ranking ----------------------------------------------------------------------------------------
def _style_shift(seed: int = 0, dim: int = 32):
    """Candidate: 8 topics (topic 0 broad: 900 rows); reference: the same topics in the same shares plus one
    topic the candidate lacks (3% of it), every reference row moved by one shared style offset."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(9, dim))
    sizes_c = [900, 300, 300, 200, 200, 150, 150, 100]
    cand = np.vstack([centres[t] + rng.normal(scale=0.35, size=(n, dim)) for t, n in enumerate(sizes_c)])
    sizes_r = [n // 5 for n in sizes_c] + [14]  # 460 rows; the missing topic 8 is 14 of them (3%)
    topic_r = np.repeat(np.arange(9), sizes_r)
    offset = rng.normal(size=dim) * 0.5
    ref = np.vstack([centres[t] + rng.normal(scale=0.35, size=(n, dim)) for t, n in enumerate(sizes_r)]) + offset
    unit = lambda x: (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)
    return unit(ref), unit(cand), topic_r


def test_missing_topic_ranks_first_under_a_style_offset_and_the_broad_matched_region_does_not():
    for seed in range(3):
        ref, cand, topic = _style_shift(seed)
        pockets = union_pockets(ref, cand, seed=0)
        assert pockets, "the missing topic was not found"
        assert (topic[pockets[0].rows] == 8).mean() > 0.5 and (topic[pockets[0].rows] == 8).sum() >= 10
        labels = pocket_labels(len(ref), pockets)
        assert set(np.unique(labels)) <= {-1, *range(len(pockets))} and (labels[topic == 8] == 0).mean() > 0.5
        # without removing the style offset, the broad region (topic 0, 39% of both sets) ranks first: the
        # failure of issue 19, reproduced
        unaligned = union_pockets(ref, cand, seed=0, align=False)
        assert (topic[unaligned[0].rows] == 0).mean() > 0.5


def test_matched_sets_have_no_confident_gap():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(3000, 16))
    x = (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)
    assert union_pockets(x[:600], x[600:], seed=0) == []


# ---- the switch -----------------------------------------------------------------------------------------
def test_coverage_uses_the_prompt_side_by_default_and_on_switches(built_dataset, fake_embedder, tmp_path):
    from mixmap.cli.main import main

    register_embedder(fake_embedder)
    assert has_prompt_side(built_dataset)
    add_reference(built_dataset, write_jsonl(tmp_path / "ref.jsonl", synthetic_rows(6, seed=2)), name="evalset",
                  spec=TextSpec(template="{instruction}\n{output}"))
    ref = built_dataset.workspace.dataset("evalset")
    assert has_prompt_side(ref)
    assert analyze_coverage(built_dataset, ref).on == "prompt"
    assert analyze_coverage(built_dataset, ref, on="text").on == "text"
    root = str(built_dataset.workspace.root)
    runner = CliRunner()
    for side in ("prompt", "text"):
        out = runner.invoke(main, ["--workspace", root, "coverage", "synth", "--reference", "evalset", "--on", side])
        assert out.exit_code == 0 and f"on the {side} side" in out.output, out.output
        out = runner.invoke(main, ["--workspace", root, "coverage", "synth", "--reference", "evalset", "--on", side,
                                   "--json"])
        assert json.loads(out.output)["on"] == side
    out = runner.invoke(main, ["--workspace", root, "coverage", "synth", "--reference", "evalset", "--on", "answer"])
    assert out.exit_code == 2
    assert source_comparison(built_dataset).shares["size"].sum() == built_dataset.count()
    assert source_comparison(built_dataset, on="text").shares["size"].sum() == built_dataset.count()
