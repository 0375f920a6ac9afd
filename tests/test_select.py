"""Selections resolve on the server against every row: box, polygon, and the CLI twin."""
import json

import numpy as np
from click.testing import CliRunner

from mixmap.cli.main import main
from mixmap.core.explore.select import in_box, in_polygon, selection_mask


def test_polygon_matches_a_brute_force_reference():
    rng = np.random.default_rng(1)
    x, y = rng.uniform(-1, 1, 5000), rng.uniform(-1, 1, 5000)
    # a concave "L" shape
    px, py = [-1, 0, 0, 1, 1, -1], [-1, -1, 0, 0, 1, 1]
    expected = ~((x > 0) & (y < 0)) & (np.abs(x) <= 1) & (np.abs(y) <= 1)
    got = in_polygon(x, y, px, py)
    inner = (np.abs(x) < 0.99) & (np.abs(y) < 0.99) & (np.abs(x) > 0.01) & (np.abs(y) > 0.01)
    assert np.array_equal(got[inner], expected[inner])


def test_box_and_selection_payload():
    x, y = np.array([0.0, 1.0, 2.0, 3.0]), np.array([0.0, 1.0, 2.0, 3.0])
    assert in_box(x, y, (2.5, 0.5), (0.5, 2.5)).tolist() == [False, True, True, False]
    payload = {"box": [{"x": [-1, 0.5], "y": [-1, 0.5]}], "lasso": [{"x": [2.5, 3.5, 3.5], "y": [2.5, 2.5, 3.5]}]}
    assert selection_mask(x, y, payload).tolist() == [True, False, False, True]
    assert selection_mask(x, y, {"points": [{"x": 0, "y": 0}]}) is None


def test_cli_select_box_and_polygon(built_dataset, tmp_path):
    layout = built_dataset.read_frame("layout").to_pandas()
    x0, x1 = layout["x"].min() - 1, layout["x"].median()
    y0, y1 = layout["y"].min() - 1, layout["y"].max() + 1
    expected = int(((layout["x"] >= x0) & (layout["x"] <= x1)).sum())
    ws = str(built_dataset.workspace.root)
    out = CliRunner().invoke(main, ["--workspace", ws, "select", "synth", "--box", str(x0), str(y0), str(x1), str(y1),
                                    "--limit", "5", "--json"])
    result = json.loads(out.stdout)
    assert result["count"] == expected and len(result["rows"]) == min(5, expected)
    poly = tmp_path / "p.json"
    poly.write_text(json.dumps({"x": [float(v) for v in (x0, x1, x1, x0)], "y": [float(v) for v in (y0, y0, y1, y1)]}))
    out = CliRunner().invoke(main, ["--workspace", ws, "select", "synth", "--polygon", str(poly), "--json"])
    assert json.loads(out.stdout)["count"] == expected
    bad = CliRunner().invoke(main, ["--workspace", ws, "select", "synth"])
    assert bad.exit_code == 1 and bad.output.startswith("error:")
