"""`mixmap score` and `mixmap slop`: quality signals per row, clusters ranked by slop."""
from __future__ import annotations

import json
import math
from pathlib import Path

import click

from mixmap.cli.common import COUNT, SHARE, StageBars, emit, main, workspace_of
from mixmap.core.errors import MixmapError

SLOP_THRESHOLD = 0.5  # mixmap.core.quality.scoring.SLOP_THRESHOLD, repeated so `mixmap --help` stays fast


@main.command()
@click.argument("name")
@click.option("--weights", "weights_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="JSON object of slop-score weight overrides by feature name (see core/slop.py).")
@click.option("--lm", "with_lm", is_flag=True,
              help="Also run the LM check: the packaged language model scores a stratified sample per cluster "
                   "(stored as `lm_signals`, with slop v2); resumable.")
@click.option("--sample", type=int, default=None,
              help="With --lm: about this many rows in all (default 30-50 per cluster).")
@click.option("--full", is_flag=True, help="With --lm: score every row (meant for a GPU).")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def score(ctx, name, weights_file, with_lm, sample, full, as_json):
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
    if (sample or full) and not with_lm:
        raise MixmapError("--sample and --full go with --lm")
    dataset = workspace_of(ctx).dataset(name)
    result = score_dataset(dataset, weights=weights, progress=bars)
    line = (f"{name}: scored {result['rows']:,} rows in {result['seconds']} s; mean slop score "
            f"{result['mean_slop_score']:.3f}, {result['above_threshold']:,} above {result['threshold']}")
    if with_lm:
        from mixmap.core.quality.lm_stage import lm_check

        result = {**result, "lm": lm_check(dataset, sample=sample, full=full, progress=bars)}
        lm = result["lm"]
        line += (f"\nLM check: {lm['scored']:,} rows scored, {lm['from_cache']:,} from cache, "
                 f"{lm['already_scored']:,} already done, in {lm['seconds']} s")
    bars.close()
    emit(result, as_json, line)


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
    estimates = None if taught else _machine_shares(ws.dataset(name))
    if estimates is not None:  # an LM check ran: rank by its estimated machine share, intervals beside it
        by_id = {c["id"]: c for c in clusters}
        clusters = [{**by_id.get(e["id"], {"id": e["id"], "label": e["label"], "size": e["size"]}), **e}
                    for e in estimates][:top]
    lines = [f"{'id':>5}  {'size':>6}  {'mean':>5}  {'share':>5}  label / why"]
    if estimates is not None:
        lines = [f"{'id':>5}  {'size':>6}  {'scored':>6}  machine share (95% CI)  label"]
        lines += [f"{c['id']:>5}  {c['size']:>6}  {c['scored']:>6}  " + (
            f"{c['machine_share']:>5.0%} ({c['low']:.0%}-{c['high']:.0%})" if c["scored"] else "  unscored")
            + f"  {c['label']}" for c in clusters]
    for c in clusters if estimates is None else []:
        lines.append(f"{c['id']:>5}  {c['size']:>6}  {c['mean_score']:>5.2f}  {c['share_above']:>5.0%}  "
                     f"{c['label']}\n{'':>28}why: {', '.join(c['why']) or '-'}; "
                     f"over-used: {', '.join(c['phrases']) or '-'}")
    emit({"dataset": name, "threshold": threshold, "score": "taught_score" if taught else "slop_score",
          "phrases_against": against or "the rest of the dataset",
          "ranked_by": "lm machine share" if estimates is not None else "mean slop score",
          "clusters": clusters}, as_json, "\n".join(lines))


def _machine_shares(dataset) -> list[dict] | None:
    """The LM check's per-cluster estimates (None when no check ran); NaN shares become null."""
    if not dataset.has_frame("lm_signals"):
        return None
    from mixmap.core.quality.lm_stage import cluster_machine_share

    def num(value) -> float | None:
        return None if math.isnan(value) else round(float(value), 4)  # NaN: the cluster has no scored row

    return [{"id": int(r.cluster), "label": r.label, "size": int(r.size), "scored": int(r.scored),
             "machine_share": num(r.machine_share), "low": num(r.low), "high": num(r.high),
             "mean_slop_v2": num(r.mean_slop_v2), "median_perplexity": num(r.median_perplexity)}
            for r in cluster_machine_share(dataset).itertuples()]
