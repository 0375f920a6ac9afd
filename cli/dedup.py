"""`mixmap dedup`: duplicate groups (exact, MinHash, semantic) with a keeper each; --apply excludes the rest."""
from __future__ import annotations

import click

from mixmap.cli.common import COUNT, SIMILARITY, emit, main, workspace_of
from mixmap.core.dedup.dataset import METHODS
from mixmap.core.dedup.groups import KEEP_POLICIES


@main.command()
@click.argument("name")
@click.option("--method", type=click.Choice(METHODS), default="minhash", show_default=True,
              help="exact: same normalised text; minhash: word 3-gram Jaccard; semantic: embedding cosine.")
@click.option("--threshold", type=SIMILARITY, help="Group rows at or above this similarity "
              "(default: exact 1.0, minhash 0.5, semantic 0.9).")
@click.option("--keep", type=click.Choice(KEEP_POLICIES), default="first", show_default=True,
              help="Which row of a group to keep (quality: signals' quality_score, or lowest slop_score).")
@click.option("--apply", "do_apply", is_flag=True,
              help="Mark all but each group's keeper exclude (one undoable action).")
@click.option("--recompute", is_flag=True, help="Find the candidate pairs again even if they are stored.")
@click.option("--candidate-threshold", type=SIMILARITY,
              help="Store pairs down to this similarity (default: minhash 0.4, semantic 0.8).")
@click.option("--limit", type=COUNT, default=10, show_default=True, help="Groups to print (text output; --json lists all).")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def dedup(ctx, name, method, threshold, keep, do_apply, recompute, candidate_threshold, limit, as_json):
    """Group NAME's duplicates and pick a keeper per group; pairs are found once and stored, so a new
    --threshold or --keep regroups in milliseconds."""
    from mixmap.core.dedup.actions import apply_dedup, group_duplicates
    from mixmap.core.dedup.dataset import DEFAULT_THRESHOLDS, compute_duplicate_pairs, pairs_info

    dataset = workspace_of(ctx).dataset(name)
    threshold = DEFAULT_THRESHOLDS[method] if threshold is None else threshold
    info = pairs_info(dataset, method)
    stale = info is None or info.get("rows") != dataset.count()
    too_high = info is not None and threshold < info.get("candidate_threshold", 0.0) - 1e-6
    if recompute or stale or too_high or candidate_threshold is not None:
        low = candidate_threshold if candidate_threshold is not None else (
            min(threshold, info["candidate_threshold"]) if too_high else None)
        info = compute_duplicate_pairs(dataset, method=method, candidate_threshold=low)
        if not as_json:
            click.echo(f"found {info['pairs']:,} {method} pairs (similarity >= {info['candidate_threshold']:g}) "
                       f"in {info['seconds']:.1f} s", err=True)
    grouping = group_duplicates(dataset, method=method, threshold=threshold, policy=keep)
    summary = grouping.summary
    applied = apply_dedup(dataset, method=method, grouping=grouping) if do_apply else None
    groups = [{"group": int(r.group), "size": int(r.size), "keeper": r.keeper, "members": list(r.members),
               "max_sim": round(float(r.max_sim), 4)} for r in grouping.table.itertuples()]
    counts = {k: summary[k] for k in ("rows", "groups", "rows_in_groups", "removed", "kept", "removed_fraction")}
    data = {"dataset": name, "method": method, "threshold": threshold, "keep": keep, "counts": counts,
            "message": summary["message"], "pairs": info, "applied": applied, "groups": groups}
    if "quality_column" in summary:
        data["quality_column"] = summary["quality_column"]
    lines = [f"{name}: {method} >= {threshold:g}, keep {keep}: {summary['message']}"]
    for g in groups[:limit]:
        dropped = [m for m in g["members"] if m != g["keeper"]]
        more = f" and {len(dropped) - 8:,} more" if len(dropped) > 8 else ""
        lines.append(f"group {g['group']} ({g['size']} rows, max sim {g['max_sim']:.2f}): keep {g['keeper']}, "
                     f"drop {', '.join(dropped[:8])}{more}")
    if len(groups) > limit:
        lines.append(f"... and {len(groups) - limit:,} more groups (--limit, or --json for all)")
    if applied:
        lines.append(f"excluded {applied['marked']:,} rows (marks v{applied['marks_version']}; undo reverts it)")
    emit(data, as_json, "\n".join(lines))
