"""Coverage: a planted gap is found, the map stays put, specs rank the uncovered first, diversity is exact."""
import gzip
import json
import re
import shutil

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from mixmap.core.coverage.analysis import (
    CoverageError,
    add_reference,
    analyze_coverage,
    coverage_radius,
    coverage_score,
    density_difference,
    ensure_reducer,
    place_dataset,
    rank_units,
    references_of,
    register_embedder,
)
from mixmap.core.coverage.sources import compare_sources
from mixmap.core.coverage.spec import list_specs, parse_spec, read_spec, save_spec, spec_coverage
from mixmap.core.curate.diversity import diversity_table, effective_clusters, vendi_sample, vendi_score
from mixmap.core.curate.report import report_card
from mixmap.core.ingest.files import TextSpec, ingest_into
from tests.conftest import SHARED_DATA, synthetic_rows, write_jsonl

ALPACA_52K = SHARED_DATA / "alpaca_52k_en_zh" / "data"
COOKING = re.compile(r"\b(recipes?|cook|cooking|bake|baking|ingredients?|dish|meal|cuisine)\b")
TEMPLATE = TextSpec(template="{instruction}\n{input}\n{output}")


def _pca():
    from sklearn.decomposition import PCA

    return PCA(n_components=2, random_state=0)


class _Halves:
    """A cheap clusterer for the big fixture (HDBSCAN is not what is under test here)."""

    def fit_predict(self, X):
        return (np.asarray(X)[:, 0] > np.median(np.asarray(X)[:, 0])).astype(int)


def alpaca_rows(parts: int = 10) -> list[dict]:
    """The first `parts` thousand rows of Alpaca 52k (English fields), read in place from ../shared/data."""
    rows = []
    for part in range(parts):
        with gzip.open(ALPACA_52K / f"alpaca_chinese_part_{part}.json.gz", "rt", encoding="utf-8") as fh:
            rows += [{"instruction": r["en_instruction"], "input": r["en_input"], "output": r["en_output"]}
                     for r in json.load(fh)]
    return rows


def is_cooking(text: str) -> bool:
    return bool(COOKING.search(text.lower()))


@pytest.fixture(scope="module")
def planted(tmp_path_factory, model_cache):
    """Alpaca: reference = 3,000 random rows of 10,000; candidate = the other 7,000 minus every cooking row.

    Embedded with the fast static model (distilled from MiniLM once per test session); mapped with PCA to
    keep the test quick (the map is not what finds cluster gaps).
    """
    if not ALPACA_52K.is_dir():
        pytest.skip("../shared/data is not available")
    from mixmap.core.build.pipeline import build_dataset
    from mixmap.core.embed.registry import load_embedder
    from mixmap.core.store.workspace import Workspace

    rows = alpaca_rows(10)
    order = np.random.default_rng(0).permutation(len(rows))
    joined = lambda r: " ".join((r["instruction"], r["input"], r["output"]))
    reference = [rows[i] for i in order[:3000]]
    candidate = [rows[i] for i in order[3000:] if not is_cooking(joined(rows[i]))]
    tmp = tmp_path_factory.mktemp("planted")
    ws = Workspace(tmp / "ws")
    embedder = load_embedder(fast=True)
    cand = ws.dataset("alpaca", create=True)
    ingest_into(cand, write_jsonl(tmp / "candidate.jsonl", candidate), spec=TEMPLATE)
    build_dataset(cand, embedder, reducer=_pca(), clusterer=_Halves())
    add_reference(cand, write_jsonl(tmp / "reference.jsonl", reference), name="heldout", spec=TEMPLATE)
    return ws, cand, ws.dataset("heldout")


@pytest.mark.real_model
def test_planted_gap_is_among_the_top_3(planted):
    _, cand, ref = planted
    report = analyze_coverage(cand, ref, top=3)
    texts = dict(zip(*ref.read_rows(["id", "text"]).to_pydict().values()))
    cooking = {i for i, t in texts.items() if is_cooking(t)}
    base_rate = len(cooking) / len(texts)
    # A gap "is" the removed topic when at least a quarter of its reference rows are cooking rows (>10x their
    # 2% base rate); the rest of such a gap are food rows without a cooking keyword, which the candidate kept.
    shares = [np.mean([i in cooking for i in g.reference_ids]) for g in report.gaps["cluster"]]
    # the union pockets list only confident gaps: here the one planted topic (measured: 1 gap, 96% cooking)
    assert 1 <= len(shares) <= 3 and max(shares) >= 0.25 > 10 * base_rate, (shares, base_rate)
    top = report.gaps["cluster"][int(np.argmax(shares))]
    # union pockets are pure but hold the topic's core, not most of it (measured: 23 of 74 cooking rows, 96%
    # cooking; the k-NN pockets before issue 19 held more of the topic with more false rows around it)
    assert len(cooking & set(top.reference_ids)) >= 0.25 * len(cooking)
    assert top.missing_mass > 0.005 and top.examples and top.nearest_candidates
    assert all(0 <= c["distance"] <= 2 and c["text"] for c in top.nearest_candidates)
    assert 0.5 < report.score < 1 and report.density is not None
    assert set(report.gaps) == {"cluster", "cell", "map_cluster"}


@pytest.mark.real_model
def test_spec_ranks_the_removed_topic_first(planted):
    _, cand, _ = planted
    spec = parse_spec("""
name: assistant
capabilities:
  - name: cooking
    examples:
      - Give me a recipe for banana bread with the ingredients.
      - How long should I bake a chicken dish?
  - name: grammar
    examples:
      - Rewrite this sentence in the passive voice.
      - Identify the verb in the following sentence.
  - name: science
    examples:
      - Explain how photosynthesis works in plants.
      - Describe the water cycle.
""")
    report = spec_coverage(cand, spec)
    assert report.capabilities[0].name == "cooking"
    assert report.capabilities[-1].near_rows > 0 and report.capabilities[-1].rows[0]["text"]


def test_adding_sets_never_moves_existing_points(built_dataset, fake_embedder, tmp_path):
    ws = built_dataset.workspace
    register_embedder(fake_embedder)
    before = built_dataset.read_frame("layout").to_pandas().set_index("id").sort_index()
    extra = [dict(r, instruction=r["instruction"] + " (reference)") for r in synthetic_rows(10, seed=5)]
    result = add_reference(built_dataset, write_jsonl(tmp_path / "ref.jsonl", extra), name="ref1")
    assert result["placed"] == 40 and references_of(ws, "synth") == ["ref1"]
    ref1 = ws.dataset("ref1").read_frame("layout").to_pandas().set_index("id").sort_index()
    # a second, ordinary dataset shares the map too
    other = ws.dataset("other", create=True)
    ingest_into(other, write_jsonl(tmp_path / "other.jsonl", synthetic_rows(8, seed=11)), source="other")
    assert place_dataset(other, built_dataset)["placed"] == 32
    add_reference(built_dataset, write_jsonl(tmp_path / "ref.jsonl", extra), name="ref1")  # idempotent
    after = built_dataset.read_frame("layout").to_pandas().set_index("id").sort_index()
    pd.testing.assert_frame_equal(before, after)
    pd.testing.assert_frame_equal(ref1, ws.dataset("ref1").read_frame("layout").to_pandas().set_index("id").sort_index())
    assert ws.dataset("ref1").meta["role"] == "reference" and ws.dataset("ref1").meta["map_of"] == "synth"


def test_a_missing_reducer_is_fitted_and_saved_without_touching_the_layout(built_dataset, fake_embedder, tmp_path):
    register_embedder(fake_embedder)
    (built_dataset.dir / "reducer_2d.joblib").unlink()
    before = built_dataset.read_frame("layout").to_pandas()
    version = built_dataset.version("layout")
    path = ensure_reducer(built_dataset)
    assert path.is_file() and built_dataset.version("layout") == version
    pd.testing.assert_frame_equal(before, built_dataset.read_frame("layout").to_pandas())
    add_reference(built_dataset, write_jsonl(tmp_path / "r.jsonl", synthetic_rows(5, seed=3)), name="ref2")
    placed = built_dataset.workspace.dataset("ref2").read_frame("layout").to_pandas()
    assert len(placed) == 20 and np.isfinite(placed[["x", "y"]].to_numpy()).all()


def test_reference_errors_say_what_to_do(built_dataset, fake_embedder, tmp_path):
    register_embedder(fake_embedder)
    with pytest.raises(CoverageError, match="--as"):
        add_reference(built_dataset, write_jsonl(tmp_path / "x.jsonl", synthetic_rows(2)), name="synth")
    missing = tmp_path / "missing.jsonl"
    with pytest.raises(Exception, match="no such file"):
        add_reference(built_dataset, missing, name="ghost")
    assert "ghost" not in built_dataset.workspace.list_datasets()


def test_radius_and_score_on_known_geometry():
    rng = np.random.default_rng(0)
    cand = rng.normal(size=(2000, 16)).astype(np.float32)
    same = rng.normal(size=(1000, 16)).astype(np.float32)
    r = coverage_radius(cand, percentile=90)
    assert 0.85 <= coverage_score(same, cand, radius=r) <= 0.95  # same distribution: about percentile / 100
    shifted = np.abs(same) * -1  # the negative orthant is the candidate's too, but only 1/65536 of it
    assert coverage_score(shifted, np.abs(cand), radius=r) == 0.0
    dupes = np.vstack([cand, cand[:500]])
    assert coverage_radius(dupes, percentile=90) == pytest.approx(r, rel=0.1)  # duplicates do not shrink r


def test_rank_units_orders_by_missing_mass():
    ref = np.array([0] * 50 + [1] * 30 + [2] * 20)  # shares 0.5, 0.3, 0.2
    cand = np.array([0] * 500 + [1] * 490 + [2] * 10)  # shares 0.5, 0.49, 0.01
    table = rank_units(ref, cand)
    assert table["unit"].tolist()[0] == 2 and table.loc[0, "missing_mass"] == pytest.approx(0.19)
    assert (table.loc[1:, "missing_mass"] == 0).all() and table["n_ref"].sum() == 100
    # an extra region the reference does not have (unit 9) makes every unit look thin, unless support_only
    extra = np.concatenate([cand, [9] * 1000])
    assert (rank_units(ref, extra)["missing_mass"] > 0).sum() == 3
    supported = rank_units(ref, extra, support_only=True).set_index("unit")
    assert supported.loc[9, "cand_share"] == 0 and supported["missing_mass"].gt(0).sum() == 1


def test_density_difference_points_at_the_gap():
    rng = np.random.default_rng(1)
    cand = rng.uniform(0, 10, size=(2000, 2))
    ref = np.vstack([rng.uniform(0, 10, size=(500, 2)), rng.normal([9, 9], 0.3, size=(200, 2))])
    grid = density_difference(cand[cand.sum(axis=1) < 17], ref, size=20)
    iy, ix = np.unravel_index(np.argmax(grid.difference), grid.difference.shape)
    assert grid.x[ix] > 8 and grid.y[iy] > 8
    assert grid.reference.sum() == pytest.approx(1) and grid.candidate.sum() == pytest.approx(1)


def test_effective_clusters_and_vendi_on_known_distributions():
    assert effective_clusters([0, 1, 2, 3] * 25) == pytest.approx(4)
    assert effective_clusters([7] * 100) == pytest.approx(1)
    assert effective_clusters([0] * 50 + [-1] * 50) == pytest.approx(1)  # noise is left out
    assert effective_clusters([0] * 90 + [1] * 10) == pytest.approx(np.exp(-(0.9 * np.log(0.9) + 0.1 * np.log(0.1))))
    assert vendi_score(np.ones((40, 8))) == pytest.approx(1)
    assert vendi_score(np.eye(8)) == pytest.approx(8)
    groups = np.repeat(np.eye(16)[:5], 30, axis=0)  # 5 orthogonal directions, 30 copies each
    assert vendi_score(groups) == pytest.approx(5)
    assert vendi_score(np.eye(384)[:100]) == pytest.approx(100)
    picked = vendi_sample([f"r{i}" for i in range(300)], limit=100)
    assert len(picked) == 100 and picked == sorted(picked) == vendi_sample([f"r{i}" for i in range(299, -1, -1)], limit=100)


def test_mixmap_diversity_and_the_report_card_agree_on_the_same_rows(built_dataset):
    ids = built_dataset.read_rows(["id"]).column("id").to_pylist()[::3]
    table = diversity_table(built_dataset, ids=ids, by_source=False).set_index("scope")
    card = report_card(built_dataset, ids)["diversity"]
    assert table.loc["selection", "vendi"] == pytest.approx(card["vendi"], abs=1e-3)
    assert table.loc["selection", "effective_clusters"] == pytest.approx(card["effective_clusters"], abs=1e-3)
    assert effective_clusters([]) == 0.0 and vendi_score(np.zeros((0, 4))) == 0.0  # one answer for no rows


def test_source_comparison_finds_single_source_clusters():
    frame = pd.DataFrame({
        "cluster": [0] * 10 + [1] * 10 + [2] * 5 + [-1] * 4,
        "source": ["a"] * 5 + ["b"] * 5 + ["a"] * 10 + ["b"] * 5 + ["a", "b", "a", "b"],
    })
    result = compare_sources(frame, skew=0.9, min_rows=3)
    assert set(result.single_source["cluster"]) == {1, 2}
    assert dict(zip(result.single_source["cluster"], result.single_source["source"])) == {1: "a", 2: "b"}
    by = result.by_source.set_index("source")
    assert by.loc["a", "clusters_covered"] == 2 and by.loc["b", "rows_in_single_source_clusters"] == 5
    row0 = result.shares.set_index("cluster").loc[0]
    assert row0["a"] == pytest.approx(0.5) and row0["size"] == 10


def test_specs_are_saved_in_the_workspace_and_validated(workspace):
    spec = parse_spec("capabilities:\n  Poems: [Write a haiku.]\n  SQL: [Write a SQL query.]\n", default_name="v1")
    save_spec(workspace, spec)
    assert list_specs(workspace) == ["v1"] and read_spec(workspace, "v1") == spec
    for bad, message in [("[1, 2]", "capabilities"), ("capabilities: []", "non-empty"),
                         ("capabilities:\n  - name: x\n", "example"), ("capabilities: [: :", "YAML"),
                         ("capabilities:\n  - {name: a, examples: [x]}\n  - {name: a, examples: [y]}", "twice")]:
        with pytest.raises(CoverageError, match=message):
            parse_spec(bad)
    with pytest.raises(CoverageError, match="saved"):
        read_spec(workspace, "nope")


def test_spec_on_synthetic_topics_ranks_the_absent_one_first(built_dataset, fake_embedder):
    spec = parse_spec("""
capabilities:
  - {name: cooking, examples: [recipe oven bake flour sugar butter]}
  - {name: space, examples: [planet star orbit galaxy telescope]}
  - {name: law, examples: [statute court judge plaintiff verdict appeal]}
""")
    # on the text side: the synthetic rows' topic words are in their answers ("Tell me about cooking 3" asks)
    report = spec_coverage(built_dataset, spec, embedder=fake_embedder, on="text")
    names = [c.name for c in report.capabilities]
    assert names[0] == "law" and set(names[1:]) == {"cooking", "space"}
    assert report.capabilities[0].coverage == 0 and report.capabilities[0].near_rows == 0
    assert report.capabilities[-1].coverage == 1 and report.capabilities[-1].near_rows > 0


def test_cli_reference_coverage_spec_and_diversity(built_dataset, fake_embedder, tmp_path):
    from mixmap.cli.main import main

    register_embedder(fake_embedder)
    root = str(built_dataset.workspace.root)
    runner = CliRunner()
    ref = write_jsonl(tmp_path / "ref.jsonl", synthetic_rows(6, seed=2))
    out = runner.invoke(main, ["--workspace", root, "reference", "add", "synth", str(ref), "--as", "evalset",
                               "--template", "{instruction}\\n{output}", "--json"])
    assert out.exit_code == 0, out.output
    assert json.loads(out.output)["placed"] == 24
    out = runner.invoke(main, ["--workspace", root, "reference", "list", "synth", "--json"])
    assert json.loads(out.output) == [{"reference": "evalset", "rows": 24}]
    out = runner.invoke(main, ["--workspace", root, "coverage", "synth", "--reference", "evalset", "--json",
                               "--unit", "all", "--top", "3"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    assert 0 <= data["coverage_score"] <= 1 and set(data["gaps"]) == {"cluster", "cell", "map_cluster"}
    for gap in data["gaps"]["cluster"]:
        assert gap["reference_ids"] and gap["nearest_candidates"][0]["id"] and gap["missing_mass"] > 0
    out = runner.invoke(main, ["--workspace", root, "coverage", "synth", "--reference", "synth"])
    assert out.exit_code == 1 and "not a reference set" in out.output
    spec_file = tmp_path / "caps.yaml"
    spec_file.write_text("capabilities:\n  law: [statute court judge verdict]\n  cooking: [recipe oven bake flour]\n")
    # --on text: the synthetic rows' topic words are in their answers, not in what they ask
    out = runner.invoke(main, ["--workspace", root, "spec", "synth", "--spec", str(spec_file), "--json", "--on", "text"])
    assert out.exit_code == 0, out.output
    assert json.loads(out.output)["capabilities"][0]["name"] == "law" and json.loads(out.output)["on"] == "text"
    out = runner.invoke(main, ["--workspace", root, "spec", "synth", "--spec", "caps"])  # saved by the call above
    assert out.exit_code == 0 and "law" in out.output
    out = runner.invoke(main, ["--workspace", root, "diversity", "synth", "--json"])
    assert out.exit_code == 0 and json.loads(out.output)[0]["scope"] == "dataset"


# ---- the page ----------------------------------------------------------------------------------------------
def _missing_topics(n: int = 10) -> list[dict]:
    import random

    rng = random.Random(7)
    vocab = {"law": "court judge verdict statute appeal lawyer trial jury contract tort plaintiff defendant",
             "music": "guitar piano melody chord rhythm song album concert drum violin tempo lyrics"}
    return [{"instruction": f"Tell me about {topic} {i}", "input": "",
             "output": " ".join(rng.choice(words.split()) for _ in range(12))}
            for topic, words in vocab.items() for i in range(n)]


@pytest.fixture
def coverage_app(built_dataset, fake_embedder, tmp_path, monkeypatch):

    from tests.conftest import open_app

    register_embedder(fake_embedder)
    extra = [dict(r, output=r["output"] + " court judge verdict") for r in synthetic_rows(8, seed=4)]
    extra += _missing_topics()  # two topics the data lacks, so there are gap pockets to show
    add_reference(built_dataset, write_jsonl(tmp_path / "ref.jsonl", extra), name="evalset")
    return open_app(built_dataset.workspace.root, monkeypatch, page="pages/coverage.py",
                    session={"dataset": "synth"})


def test_coverage_page_has_a_prompt_text_switch_that_says_which(coverage_app):
    at = coverage_app
    assert at.radio(key="coverage.on").value == "prompt"  # the data has a prompt side: it is the default
    assert any("Compared on **what rows ask (prompt)**" in c.value for c in at.caption)
    at.radio(key="coverage.on").set_value("text").run()
    assert not at.exception and any("Compared on **whole rows (text)**" in c.value for c in at.caption)


def test_coverage_page_shows_the_reference_layer_and_gaps(coverage_app):
    at = coverage_app
    assert at.title[0].value == "Coverage"
    # on the text side: the fixture's topics are in the answers ("Tell me about law 3" asks little)
    at.radio(key="coverage.on").set_value("text").run()
    labels = [m.label for m in at.metric]
    assert "Coverage score" in labels and "Radius r" in labels
    assert len(at.get("plotly_chart")) >= 2  # the coverage map and the source shares
    assert at.dataframe(key="coverage.gaps").value["rank"].tolist()[0] == 1
    for unit in ("map_cluster", "cluster", "cell"):  # cells last: the small fixture has several cell gaps
        at.radio(key="coverage.unit").set_value(unit).run()
        assert not at.exception, unit
    at.session_state["coverage.gap_pick"] = 2
    at.toggle(key="coverage.show_density").set_value(False).run()
    assert not at.exception
    assert any(t.value.startswith("**Gap 2**") for t in at.markdown)
    assert any("distance" in d.value.columns and "text" in d.value.columns for d in at.dataframe)


def test_coverage_page_checks_a_spec_and_saves_it(coverage_app, built_dataset):
    at = coverage_app
    at.radio(key="coverage.on").set_value("text").run()  # the fixture's topic words are in the answers
    at.text_area(key="coverage.spec_text.(new spec)").input(
        "name: caps\ncapabilities:\n  law: [statute court judge plaintiff]\n  space: [planet orbit galaxy star]\n").run()
    at.button(key="coverage.spec_run").click().run()
    assert not at.exception, [e.value for e in at.exception]
    table = next(d.value for d in at.dataframe if "capability" in d.value.columns)
    assert table["capability"].tolist()[0] == "law"
    assert (built_dataset.workspace.root / "specs" / "caps.yaml").is_file()
    at.text_area(key="coverage.spec_text.(new spec)").input("capabilities: [").run()
    at.button(key="coverage.spec_run").click().run()
    assert not at.exception and "YAML" in at.error[0].value


def test_coverage_page_sources_and_diversity_with_a_map_selection(coverage_app, built_dataset):
    at = coverage_app
    layout = built_dataset.read_frame("layout").to_pandas()
    at.session_state["map.selection"] = {"points": [], "lasso": [], "box": [
        {"x": [layout["x"].min() - 1, layout["x"].median()], "y": [layout["y"].min() - 1, layout["y"].max() + 1]}]}
    at.run()
    assert not at.exception
    tables = [d.value for d in at.dataframe]
    scopes = next(t for t in tables if "vendi" in t.columns)["scope"].tolist()
    assert scopes[0] == "dataset" and scopes[-1] == "selection"
    assert not next(t for t in tables if "clusters_covered" in t.columns).empty


@pytest.mark.browser
@pytest.mark.skipif(not shutil.which("chromium"), reason="Debian chromium is not installed")
def test_coverage_page_renders_in_a_real_browser(built_dataset, fake_embedder, tmp_path, monkeypatch):
    from tests.browser import browser_page, exceptions_on_page, running_app, wait_for_app

    register_embedder(fake_embedder)
    add_reference(built_dataset, write_jsonl(tmp_path / "ref.jsonl", synthetic_rows(8, seed=4) + _missing_topics()),
                  name="evalset")
    monkeypatch.setenv("STREAMLIT_SERVER_FILE_WATCHER_TYPE", "none")
    with running_app(built_dataset.workspace.root) as url, browser_page() as page:
        page.goto(url)
        wait_for_app(page)
        page.locator('[data-testid="stSidebarNav"] a', has_text="Coverage").first.click()
        wait_for_app(page)
        page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').first.click()
        page.get_by_role("option", name="synth").click()
        wait_for_app(page)
        page.wait_for_selector(".js-plotly-plot .scatterlayer, .js-plotly-plot canvas", timeout=60_000)
        body = page.inner_text("body")
        assert "Coverage score" in body and "Gaps, most significant first" in body
        assert exceptions_on_page(page) == [] and not page.errors


def test_the_style_offset_is_removed_on_whole_rows_only(built_dataset, fake_embedder, tmp_path, monkeypatch):
    """Prompt vectors carry no answer style; aligning them made broad false gaps (tests/test_coverage_null.py)."""
    import mixmap.core.coverage.union as union

    register_embedder(fake_embedder)
    add_reference(built_dataset, write_jsonl(tmp_path / "ref.jsonl", _missing_topics()), name="evalset")
    ref = built_dataset.workspace.dataset("evalset")
    seen = []
    real = union.union_pockets
    monkeypatch.setattr(union, "union_pockets", lambda R, C, **kw: seen.append(kw["align"]) or real(R, C, **kw))
    for on in ("prompt", "text"):
        analyze_coverage(built_dataset, ref, on=on)
    assert seen == [False, True]
