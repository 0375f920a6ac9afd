"""AppTest for every page: a built workspace, selections injected through session_state."""
import json

import pytest

from mixmap.core.store.marks import apply_marks, read_marks
from tests.conftest import open_app, shown_text


@pytest.fixture
def app(built_dataset, monkeypatch):
    return open_app(built_dataset.workspace.root, monkeypatch)


def test_map_renders_the_dataset(app):
    assert app.title[0].value == "Map"
    assert len(app.get("plotly_chart")) == 1
    assert "160 rows" in " ".join(c.value for c in app.caption)


def test_box_selection_lists_rows_and_marks_them(app, built_dataset):
    layout = built_dataset.read_frame("layout").to_pandas()
    x0, x1 = layout["x"].min() - 1, layout["x"].median()
    y0, y1 = layout["y"].min() - 1, layout["y"].max() + 1
    expected = set(layout[(layout["x"] >= x0) & (layout["x"] <= x1)]["id"])
    app.session_state["map.selection"] = {"points": [], "box": [{"x": [x0, x1], "y": [y0, y1]}], "lasso": []}
    app.run()
    assert not app.exception
    assert app.subheader[0].value.startswith(f"{len(expected):,} rows selected")
    assert len(app.get("plotly_chart")) == 1
    app.toggle(key="map.profile_on").set_value(True).run()
    assert len(app.get("plotly_chart")) == 2  # the map and the selection's profile against all rows
    app.selectbox(key="map.profile_by").set_value("cluster_label").run()
    assert not app.exception
    app.radio(key="map.mark_action").set_value("exclude")
    app.text_input(key="map.tag").input("boxed").run()
    app.button(key="map.apply").click().run()
    assert not app.exception
    marks = read_marks(built_dataset).to_pylist()
    assert {m["id"] for m in marks if m["mark"] == "exclude"} == expected
    assert all(m["tags"] == ["boxed"] for m in marks)


def test_mark_has_no_default_and_apply_says_why_it_waits(app, built_dataset):
    from mixmap.core.build.cluster import read_cluster_info

    app.session_state["map.cluster_pick"] = read_cluster_info(built_dataset)[0]["cluster"]
    app.run()
    apply = app.button(key="map.apply")
    assert app.radio(key="map.mark_action").value is None
    assert apply.disabled and "Pick include, exclude" in shown_text(apply.help)
    assert any("Pick include, exclude" in shown_text(c.value) for c in app.caption)
    assert read_marks(built_dataset).num_rows == 0
    app.radio(key="map.mark_action").set_value("tag only").run()
    assert app.button(key="map.apply").disabled and "Type the tag" in shown_text(app.button(key="map.apply").help)
    app.text_input(key="map.tag").input("look").run()
    assert not app.button(key="map.apply").disabled
    app.button(key="map.apply").click().run()
    marks = read_marks(built_dataset).to_pylist()
    assert marks and all(m["mark"] in ("", None) and m["tags"] == ["look"] for m in marks)
    assert app.radio(key="map.mark_action").value is None  # the next Apply needs a fresh choice


def test_lasso_selection_is_resolved_on_all_rows(app, built_dataset):
    layout = built_dataset.read_frame("layout").to_pandas()
    cx, cy = layout["x"].mean(), layout["y"].mean()
    big = 1e6
    app.session_state["map.selection"] = {"points": [], "box": [],
                                          "lasso": [{"x": [cx - big, cx + big, cx + big, cx - big],
                                                     "y": [cy - big, cy - big, cy + big, cy + big]}]}
    app.run()
    assert app.subheader[0].value.startswith("160 rows selected")


def test_choosing_a_cluster_selects_it(app, built_dataset):
    clusters = built_dataset.read_frame("clusters").to_pandas()
    from mixmap.core.build.cluster import read_cluster_info

    first = read_cluster_info(built_dataset)[0]
    app.session_state["map.cluster_pick"] = first["cluster"]
    app.run()
    assert not app.exception
    size = int((clusters["cluster"] == first["cluster"]).sum())
    assert app.subheader[0].value.startswith(f"{size:,} rows selected (cluster")


def test_colour_by_numeric_and_source(app):
    for option in app.selectbox(key="map.color_by").options:
        app.selectbox(key="map.color_by").set_value(option).run()
        assert not app.exception, option


def test_data_page_lists_datasets_and_previews_a_file(app, tmp_path, monkeypatch):
    monkeypatch.setenv("MIXMAP_DATA_DIRS", str(tmp_path))  # as `mixmap app --data-dir tmp_path`
    app.switch_page("pages/data.py").run()
    assert not app.exception and app.title[0].value == "Data"
    path = tmp_path / "new.jsonl"
    path.write_text(json.dumps({"prompt": "hi", "answer": "hello"}) + "\n")
    app.text_input(key="data.path").input(str(path)).run()
    assert not app.exception
    assert app.radio(key="data.mode").value == "one column"
    assert app.selectbox(key="data.text_column").value == "prompt"
    app.text_input(key="data.path").input(str(tmp_path / "missing.jsonl")).run()
    assert "no such file" in app.error[0].value


def test_data_page_reports_unreadable_files(app, tmp_path, monkeypatch):
    monkeypatch.setenv("MIXMAP_DATA_DIRS", str(tmp_path))
    app.switch_page("pages/data.py").run()
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"\xff\xfe\x00\xd8\x81")
    app.text_input(key="data.path").input(str(bad)).run()
    assert not app.exception and app.error


def test_export_page_writes_file_and_manifest(app, built_dataset):
    ids = built_dataset.read_rows(["id"]).column("id").to_pylist()
    apply_marks(built_dataset, ids[:7], mark="include")
    app.switch_page("pages/export.py").run()
    assert not app.exception
    app.radio(key="export.marked").set_value("include").run()
    out = built_dataset.workspace.root / "exports" / "picked.jsonl"  # the app writes only under exports/
    app.text_input(key="export.out.jsonl").input("picked.jsonl").run()
    app.button(key="export.go").click().run()
    assert not app.exception
    assert len(out.read_text().splitlines()) == 7
    assert "Wrote 7 rows" in app.success[0].value


def test_empty_workspace_opens_on_the_sample(tmp_path, monkeypatch):
    at = open_app(tmp_path / "fresh", monkeypatch, timeout=90)
    assert len(at.get("plotly_chart")) == 1, "the sample's prebuilt map should be ready at once"


def test_cli_and_map_page_count_clusters_the_same_way(built_dataset, monkeypatch):
    from click.testing import CliRunner

    from mixmap.cli.main import main
    from mixmap.core.build.cluster import NOISE, count_phrase, info_counts, read_cluster_info, write_clusters

    root = built_dataset.workspace.root
    result = CliRunner().invoke(main, ["--workspace", str(root), "cluster", "synth"])
    assert result.exit_code == 0, result.output
    info = read_cluster_info(built_dataset)
    phrase = count_phrase(sum(c["cluster"] != NOISE for c in info), sum(c["size"] for c in info if c["cluster"] == NOISE))
    assert f": {phrase} (" in result.output.strip()  # "synth: clustering #2: 4 clusters (cluster ids are new...)"
    at = open_app(root, monkeypatch, title="Map")
    assert shown_text(at.expander[0].label).startswith(f"{phrase} —")
    # with noise: the noise row of the cluster table is not counted as a cluster
    frame = built_dataset.read_frame("clusters").to_pandas()
    labels = frame["cluster"].to_numpy().copy()
    labels[:3] = NOISE
    write_clusters(built_dataset, frame["id"].tolist(), labels, {int(c["cluster"]): c["keywords"] for c in info})
    clusters, noise = info_counts(read_cluster_info(built_dataset))
    assert noise == 3 and clusters == len({int(v) for v in labels if v != NOISE})
    at = open_app(root, monkeypatch, title="Map")
    assert shown_text(at.expander[0].label).startswith(f"{clusters} clusters + noise (3 rows) —")
    assert count_phrase(33, 120) == "33 clusters + noise (120 rows)" and count_phrase(1, 1) == "1 cluster + noise (1 row)"


def test_the_map_legend_has_room_for_every_entry():
    import pandas as pd

    from mixmap.ui.mapview import LEGEND_ROW, figure

    n = 40 * 5
    frame = pd.DataFrame({"id": [f"r{i}" for i in range(n)], "x": range(n), "y": [i % 7 for i in range(n)],
                          "cluster": [i % 40 for i in range(n)], "cluster_label": [f"{i % 40}: w{i % 40}" for i in range(n)],
                          "source": "s", "mark": "", "snippet": ""})
    fig = figure(frame, "cluster_label")
    entries = sum(1 for t in fig.data if t.showlegend is not False)
    assert entries >= 37  # 36 named colours + "other"
    layout = fig.layout
    assert layout.height - layout.margin.t - layout.margin.b >= entries * LEGEND_ROW
    assert layout.margin.b > 0
