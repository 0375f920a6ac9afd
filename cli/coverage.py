"""`mixmap reference add|list`, `mixmap coverage`, `mixmap spec`, `mixmap diversity`: where is the data thin?"""
from __future__ import annotations

from pathlib import Path

import click

from mixmap.cli.common import COUNT, PERCENTILE, StageBars, emit, main, workspace_of
from mixmap.core.errors import MixmapError


@main.group()
def reference():
    """Reference sets: placed on a dataset's map with its fitted reducer, never exported."""


@reference.command("add")
@click.argument("name")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--as", "ref", help="Name of the reference set (default: NAME-<file stem>).")
@click.option("--text-column", help="Column holding the text.")
@click.option("--template", help='Template over columns, e.g. "{instruction}\\n{input}\\n{output}".')
@click.option("--chat-column", help="Column with a list of chat turns (role/content).")
@click.option("--source", help="Source name for these rows (default: the file name).")
@click.option("--on-error", type=click.Choice(["skip", "abort"]), default="skip", show_default=True)
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def reference_add(ctx, name, path, ref, text_column, template, chat_column, source, on_error, as_json):
    """Add PATH as a reference set of NAME: embedded with NAME's model, placed on NAME's map (no point moves)."""
    from mixmap.core.coverage.analysis import add_reference
    from mixmap.core.ingest.files import TextSpec

    chosen = [v for v in (text_column, template, chat_column) if v]
    if len(chosen) > 1:
        raise MixmapError("give only one of --text-column, --template, --chat-column")
    spec = TextSpec(column=text_column, template=template.replace("\\n", "\n") if template else None,
                    chat_column=chat_column) if chosen else None
    bars = StageBars(not as_json)
    result = add_reference(workspace_of(ctx).dataset(name), path, name=ref, spec=spec, source=source,
                           on_error=on_error, progress=lambda d, t: bars("embed", d, t))
    bars.close()
    emit(result, as_json, f"{result['reference']}: {result['rows']} reference rows on {name}'s map "
         f"({result['placed']} placed now, {result['bad_rows']} bad rows skipped)")


@reference.command("list")
@click.argument("name")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def reference_list(ctx, name, as_json):
    """List the reference sets on NAME's map."""
    from mixmap.core.coverage.analysis import references_of

    ws = workspace_of(ctx)
    ws.dataset(name)
    refs = [{"reference": r, "rows": ws.dataset(r).count()} for r in references_of(ws, name)]
    emit(refs, as_json, "\n".join(f"{r['reference']}\t{r['rows']} rows" for r in refs)
         or f"{name} has no reference sets; add one with `mixmap reference add {name} FILE`")


@main.command()
@click.argument("name")
@click.option("--reference", "ref", required=True, help="A reference set of NAME (see `mixmap reference list`).")
@click.option("--unit", type=click.Choice(["cluster", "cell", "map_cluster", "all"]), default="cluster",
              show_default=True, help="Gap units: joint clusters, map grid cells, NAME's own clusters, or all.")
@click.option("--top", type=COUNT, default=10, show_default=True, help="How many gaps to list per unit.")
@click.option("--percentile", type=PERCENTILE, default=90.0, show_default=True,
              help="Radius r = this percentile of NAME's nearest-neighbour distances.")
@click.option("--on", "on", type=click.Choice(["prompt", "text"]), default=None,
              help="Compare what rows ask (prompt: instruction + input, user turns) or whole rows (text). "
                   "Default: prompt when NAME has prompt vectors.")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def coverage(ctx, name, ref, unit, top, percentile, on, as_json):
    """Coverage score of NAME against a reference, and its gaps ranked by missing reference mass."""
    from mixmap.core.coverage.analysis import analyze_coverage, is_reference

    ws = workspace_of(ctx)
    reference_set = ws.dataset(ref)
    if not is_reference(reference_set) or reference_set.meta.get("map_of") != name:
        raise MixmapError(f"{ref!r} is not a reference set of {name!r}; add it with "
                          f"`mixmap reference add {name} FILE --as {ref}`")
    report = analyze_coverage(ws.dataset(name), reference_set, on=on, percentile=percentile, top=top)
    data = report.to_dict(units=None if unit == "all" else [unit], top=top)
    lines = [(f"{name} covers {data['coverage_score']:.1%} of {ref} on the {data['on']} side "
              f"({data['covered_rows']}/{data['n_reference']} reference rows have a row within r={data['radius']:.3f})")]
    if data["pocket_method"] == "paired":
        lines.append(f"paired sets: {data['twin_share']:.0%} of the reference rows have a twin in {name}; "
                     "gap pockets are where the rows without one concentrate")
    for kind, gaps in data["gaps"].items():
        lines.append(f"gaps by {kind}:")
        lines += [f"  {g['rank']:>2}. missing {g['missing_mass']:.1%}  ({g['n_ref']} ref / {g['n_cand']} rows)  "
                  f"{g['label']}" for g in gaps] or ["  none"]
    emit(data, as_json, "\n".join(lines))


@main.command()
@click.argument("name")
@click.option("--spec", "spec_ref", required=True,
              help="A YAML spec file (saved to the workspace), or the name of a spec saved before.")
@click.option("--rows", type=COUNT, default=5, show_default=True, help="Closest rows to list per capability.")
@click.option("--on", "on", type=click.Choice(["prompt", "text"]), default=None,
              help="Match the spec's examples against what rows ask (prompt) or whole rows (text). "
                   "Default: prompt when NAME has prompt vectors.")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def spec(ctx, name, spec_ref, rows, on, as_json):
    """Per-capability coverage of NAME against a spec, under-covered capabilities first."""
    from mixmap.core.coverage.spec import load_spec, read_spec, save_spec, spec_coverage

    ws = workspace_of(ctx)
    dataset = ws.dataset(name)
    if Path(spec_ref).is_file():
        the_spec = load_spec(spec_ref)
        save_spec(ws, the_spec)
    else:
        the_spec = read_spec(ws, spec_ref)
    report = spec_coverage(dataset, the_spec, rows=rows, on=on)
    lines = [f"{name} against spec {the_spec.name} on the {report.on} side (r={report.radius:.3f}), under-covered first:"]
    lines += [f"  {c.rank:>2}. coverage {c.coverage:.0%}  near rows {c.near_rows:>5}  nearest {c.nearest_distance:.3f}  "
              f"{c.name}" for c in report.capabilities]
    emit(report.to_dict(), as_json, "\n".join(lines))


@main.command()
@click.argument("name")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def diversity(ctx, name, as_json):
    """Effective number of clusters and Vendi score of NAME and of each of its sources."""
    from mixmap.core.curate.diversity import diversity_table

    table = diversity_table(workspace_of(ctx).dataset(name))
    emit(table.to_dict(orient="records"), as_json, table.to_string(index=False))
