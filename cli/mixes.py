"""`mixmap history | undo | redo | slice ... | mix ...`: versioned marks, saved slices and mixes."""
from __future__ import annotations

import json
from pathlib import Path

import click

from mixmap.cli.common import (
    COUNT,
    POSITIVE,
    SEED,
    emit,
    force_option,
    main,
    refuse_overwrite,
    split_ids,
    where_condition,
    workspace_of,
)
from mixmap.core.errors import MixmapError
from mixmap.core.store.filters import validate_name


# ---- marks history --------------------------------------------------------------------------------------
@main.command()
@click.argument("name")
@click.option("--diff", nargs=2, type=COUNT, metavar="A B", help="What changed from version A to B, by cluster and source.")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def history(ctx, name, diff, as_json):
    """List NAME's marks versions (each marking action, undo and redo), or diff two of them."""
    from mixmap.core.curate.history import diff_versions
    from mixmap.core.store.marks import history as marks_history

    dataset = workspace_of(ctx).dataset(name)
    if diff:
        result = diff_versions(dataset, *diff)
        lines = [f"v{diff[0]} -> v{diff[1]}: {result['rows_changed']} rows changed"]
        lines += [f"  {k}: {v}" for k, v in result["changes"].items()]
        lines += [f"  cluster {r['cluster']}: {r['change']} {r['rows']}" for r in result["by_cluster"]]
        lines += [f"  source {r['source']}: {r['change']} {r['rows']}" for r in result["by_source"]]
        emit(result, as_json, "\n".join(lines))
        return
    entries = marks_history(dataset)
    lines = [f"v{e['version']}\t{e['time']}\t{e['what']}\t{e['message']}" + ("\t(undone)" if e["undone"] else "")
             for e in entries]
    emit(entries, as_json, "\n".join(lines) or f"{name}: no marking actions yet")


def _undo_redo(ctx, name, message, as_json, op):
    from mixmap.core.store import marks

    result = getattr(marks, op)(workspace_of(ctx).dataset(name), message=message)
    emit(result, as_json, f"{name}: {op} v{result[op]} ({result['rows']} rows); now at v{result['marks_version']}")


@main.command()
@click.argument("name")
@click.option("--message", "-m", default="", help="Message recorded with the undo.")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def undo(ctx, name, message, as_json):
    """Undo NAME's latest marking action (recorded as a new version)."""
    _undo_redo(ctx, name, message, as_json, "undo")


@main.command()
@click.argument("name")
@click.option("--message", "-m", default="", help="Message recorded with the redo.")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def redo(ctx, name, message, as_json):
    """Redo the action last undone on NAME."""
    _undo_redo(ctx, name, message, as_json, "redo")


# ---- slices ---------------------------------------------------------------------------------------------
@main.group(name="slice")
def slice_group():
    """Save, list and count named slices (row sets) of a dataset."""


@slice_group.command(name="save")
@click.argument("name")
@click.argument("slice_name")
@click.option("--where", nargs=3, multiple=True, metavar="COLUMN OP VALUE",
              help="Condition on a row, frame, marks or metadata column (repeat: AND, or OR with --any).")
@click.option("--fts", help="Full-text query (LanceDB native index; any word matches).")
@click.option("--semantic", help="Query text: the --k nearest rows by embedding.")
@click.option("--k", type=POSITIVE, default=100, show_default=True, help="Rows for --semantic.")
@click.option("--ids", help="Comma-separated row ids.")
@click.option("--spec", "spec", help="A slice definition as JSON (see core/slices.py).")
@click.option("--any", "any_", is_flag=True, help="Combine the parts with OR instead of AND.")
@click.option("--negate", is_flag=True, help="Save the rows NOT matching.")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def slice_save(ctx, name, slice_name, where, fts, semantic, k, ids, spec, any_, negate, as_json):
    """Save a slice SLICE_NAME of dataset NAME."""
    from mixmap.core.curate.slices import save_slice, slice_ids

    parts = [{"where": where_condition(*w)} for w in where]
    parts += [{"fts": fts}] if fts is not None else []  # an empty query is refused by check_slice
    parts += [{"semantic": semantic, "k": k}] if semantic is not None else []
    parts += [{"ids": split_ids(ids)}] if ids is not None else []
    if spec:
        try:
            parts.append(json.loads(spec))
        except ValueError as exc:
            raise MixmapError(f"--spec is not valid JSON: {exc}") from None
    if not parts:
        raise MixmapError("say which rows: --where, --fts, --semantic, --ids or --spec")
    definition = parts[0] if len(parts) == 1 else {"or" if any_ else "and": parts}
    definition = {"not": definition} if negate else definition
    dataset = workspace_of(ctx).dataset(name)
    validate_name(slice_name, what="slice name")
    rows = len(slice_ids(dataset, definition))  # evaluated first: a slice that cannot run is never saved
    record = save_slice(dataset, slice_name, definition)
    record["rows"] = rows
    emit(record, as_json, f"{name}: saved slice {slice_name} ({record['rows']} rows)")


@slice_group.command(name="list")
@click.argument("name")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def slice_list(ctx, name, as_json):
    """List NAME's saved slices with their row counts."""
    from mixmap.core.curate.slices import describe_slice, load_slices, slice_ids

    dataset = workspace_of(ctx).dataset(name)
    out = [{"slice": s, "definition": d, "describe": describe_slice(d), "rows": len(slice_ids(dataset, {"slice": s}))}
           for s, d in load_slices(dataset).items()]
    emit(out, as_json, "\n".join(f"{o['slice']}\t{o['rows']} rows\t{o['describe']}" for o in out) or "no slices yet")


# ---- mixes ----------------------------------------------------------------------------------------------
@main.group(name="mix")
def mix_group():
    """Build, show, compare and export named mixes (slices + quotas + sampling strategies)."""


@mix_group.command(name="create")
@click.argument("name")
@click.argument("mix_name")
@click.option("--component", "components", multiple=True, metavar="KEY=VALUE,...",
              help="e.g. slice=python,strategy=stratified,rows=200,cap=20,floor=2 (repeatable).")
@click.option("--spec", "spec_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="A recipe file (JSON or YAML) instead of --component options.")
@click.option("--budget-tokens", type=POSITIVE, help="Token budget shared by weighted components.")
@click.option("--budget-rows", type=POSITIVE, help="Row budget shared by weighted components.")
@click.option("--seed", type=SEED, default=0, show_default=True)
@click.option("--marked", type=click.Choice(["exclude", "include", "any"]), default="exclude", show_default=True,
              help="exclude: leave out rows marked exclude; include: only included rows; any: ignore marks.")
@click.option("--tokenizer", help="A tokenizer.json (or a folder with one) to count tokens; default: MiniLM's.")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def mix_create(ctx, name, mix_name, components, spec_file, budget_tokens, budget_rows, seed, marked, tokenizer, as_json):
    """Save mix MIX_NAME of dataset NAME and print its components' counts."""
    from mixmap.core.curate.mixes import build_mix, check_recipe, parse_component, save_mix

    if spec_file:
        import yaml

        try:
            recipe = yaml.safe_load(spec_file.read_text(encoding="utf-8"))
        except yaml.YAMLError as exc:
            raise MixmapError(f"{spec_file} is not valid JSON / YAML: {exc}") from None
        recipe = dict(recipe or {}, name=mix_name)
    elif components:
        if budget_tokens is not None and budget_rows is not None:
            raise MixmapError("give --budget-tokens or --budget-rows, not both")
        budget = ({"tokens": budget_tokens} if budget_tokens is not None else
                  {"rows": budget_rows} if budget_rows is not None else None)
        recipe = {"name": mix_name, "seed": seed, "marked": marked, "budget": budget, "tokenizer": tokenizer,
                  "components": [parse_component(c) for c in components]}
    else:
        raise MixmapError("give --component (repeatable) or --spec FILE")
    dataset = workspace_of(ctx).dataset(name)
    summary = build_mix(dataset, check_recipe(recipe)).summary()  # built first: a mix that cannot build is not saved
    save_mix(dataset, recipe)
    emit(summary, as_json, _summary_text(name, summary))


def _summary_text(name: str, summary: dict) -> str:
    lines = [f"{name}/{summary['mix']}: {summary['rows']} rows, {summary['tokens']:,} tokens ({summary['tokenizer']}), "
             f"marks v{summary['marks_version']}"]
    for c in summary["components"]:
        lines.append(f"  {c['name']}: {c['rows']} rows, {c['tokens']:,} tokens from {c['candidates']} candidates "
                     f"({c['strategy']}, {c['slice']})" + ("  [short of quota]" if c["short"] else ""))
    return "\n".join(lines)


@mix_group.command(name="list")
@click.argument("name")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def mix_list(ctx, name, as_json):
    """List NAME's saved mixes."""
    from mixmap.core.curate.mixes import list_mixes

    mixes = list_mixes(workspace_of(ctx).dataset(name))
    emit(mixes, as_json, "\n".join(mixes) or "no mixes yet")


@mix_group.command(name="show")
@click.argument("name")
@click.argument("mix_name")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def mix_show(ctx, name, mix_name, as_json):
    """Recipe, per-component counts, composition before / after and report card of a mix."""
    from mixmap.core.curate.mixes import build_mix, load_mix
    from mixmap.core.curate.report import composition, report_card

    dataset = workspace_of(ctx).dataset(name)
    result = build_mix(dataset, load_mix(dataset, mix_name))
    out = {**result.summary(), "recipe": result.recipe, "slices": result.slices,
           "composition": composition(dataset, result.ids), "report": report_card(dataset, result.ids)}
    lines = [_summary_text(name, out), "composition (before -> after):"]
    lines += [f"  {c['by']} {c['value']}: {c['before']} -> {c['after']}" for c in out["composition"]]
    lines.append("report card: " + json.dumps(out["report"], default=str))
    emit(out, as_json, "\n".join(lines))


@mix_group.command(name="compare")
@click.argument("name")
@click.argument("mix_a")
@click.argument("mix_b")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def mix_compare(ctx, name, mix_a, mix_b, as_json):
    """Report cards of two mixes side by side."""
    from mixmap.core.curate.mixes import build_mix, load_mix
    from mixmap.core.curate.report import compare_cards, report_card

    dataset = workspace_of(ctx).dataset(name)
    cards = {m: report_card(dataset, build_mix(dataset, load_mix(dataset, m)).ids) for m in (mix_a, mix_b)}
    rows = compare_cards(cards)
    emit(rows, as_json, "\n".join(f"{r['metric']}\t{r[mix_a]}\t{r[mix_b]}" for r in rows))


@mix_group.command(name="export")
@click.argument("name")
@click.argument("mix_name")
@click.option("--out", required=True, type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["jsonl", "parquet", "csv", "hf"]), default=None,
              help="Default: from the file suffix, else jsonl; hf = a Hugging Face datasets folder.")
@click.option("--with-signals", is_flag=True, help="Add the quality signal columns.")
@force_option
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def mix_export(ctx, name, mix_name, out, fmt, with_signals, force, as_json):
    """Export mix MIX_NAME with a replayable manifest (mixmap export --manifest FILE)."""
    from mixmap.core.export.mix import export_mix
    from mixmap.core.export.write import manifest_path

    refuse_overwrite(out, force)

    dataset = workspace_of(ctx).dataset(name)
    frames = ("clusters", "signals") if with_signals else ("clusters",)
    frames += ("lm_signals",) if with_signals and dataset.has_frame("lm_signals") else ()
    manifest = export_mix(dataset, mix_name, out, fmt=fmt, extra_frames=frames)
    summary = {k: manifest[k] for k in ("dataset", "mix", "output", "counts", "marks_version", "tokens", "components")}
    summary["manifest"] = str(manifest_path(out))
    emit(summary, as_json, f"{name}/{mix_name}: wrote {manifest['counts']['rows_exported']} rows "
         f"({manifest['tokens']:,} tokens) to {out}")
