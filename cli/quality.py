"""`mixmap score` and `mixmap slop`: quality signals per row, clusters ranked by slop."""
from __future__ import annotations

import json
from pathlib import Path

import click

from mixmap.cli.common import COUNT, SHARE, StageBars, emit, main, workspace_of
from mixmap.core.errors import MixmapError

SLOP_THRESHOLD = 0.5  # mixmap.core.quality.scoring.SLOP_THRESHOLD, repeated so `mixmap --help` stays fast


@main.command()
@click.argument("name")
@click.option("--weights", "weights_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="JSON object of slop-score weight overrides by feature name (see core/slop.py).")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def score(ctx, name, weights_file, as_json):
    """Compute quality signals and the slop score of every row of NAME (stored as the `signals` frame)."""
    from mixmap.core.quality.dataset import score_dataset

    weights = None
    if weights_file:
        try:
            weights = json.loads(weights_file.read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            raise MixmapError(f"--weights {weights_file} is not JSON: {exc}") from None
        if not isinstance(weights, dict):
            raise MixmapError("--weights must hold a JSON object, e.g. {\"lex_hedge\": 0.0}")
    bars = StageBars(not as_json)
    result = score_dataset(workspace_of(ctx).dataset(name), weights=weights, progress=bars)
    bars.close()
    emit(result, as_json, f"{name}: scored {result['rows']:,} rows in {result['seconds']} s; mean slop score "
         f"{result['mean_slop_score']:.3f}, {result['above_threshold']:,} above {result['threshold']}")


@main.command()
@click.argument("name")
@click.option("--threshold", type=SHARE, default=SLOP_THRESHOLD, show_default=True,
              help="A row counts as slop above this score (share_above).")
@click.option("--top", type=COUNT, default=10, show_default=True, help="How many clusters to list.")
@click.option("--taught", is_flag=True, help="Rank by the taught score (after labelling rows in the app).")
@click.option("--against", metavar="DATASET", help="Over-used phrases against this dataset, not the rest of NAME.")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def slop(ctx, name, threshold, top, taught, against, as_json):
    """List NAME's clusters ranked by mean slop score, with the phrases that explain each."""
    from mixmap.core.quality.dataset import cluster_slop

    ws = workspace_of(ctx)
    reference = ws.dataset(against) if against else None
    table = cluster_slop(ws.dataset(name), threshold=threshold, top=top,
                         column="taught_score" if taught else "slop_score", against=reference)
    clusters = [{"id": int(r.cluster), "label": r.label, "size": int(r.size),
                 "mean_score": round(float(r.mean_score), 4), "share_above": round(float(r.share_above), 4),
                 "why": list(r.why), "phrases": list(r.phrases)} for r in table.itertuples()]
    lines = [f"{'id':>5}  {'size':>6}  {'mean':>5}  {'share':>5}  label / why"]
    for c in clusters:
        lines.append(f"{c['id']:>5}  {c['size']:>6}  {c['mean_score']:>5.2f}  {c['share_above']:>5.0%}  "
                     f"{c['label']}\n{'':>28}why: {', '.join(c['why']) or '-'}; "
                     f"over-used: {', '.join(c['phrases']) or '-'}")
    emit({"dataset": name, "threshold": threshold, "score": "taught_score" if taught else "slop_score",
          "phrases_against": against or "the rest of the dataset", "clusters": clusters}, as_json, "\n".join(lines))
