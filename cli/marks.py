"""`mixmap mark`: include / exclude / tag rows by id, a column condition or a saved slice."""
from __future__ import annotations

import click

from mixmap.cli.common import emit, main, split_ids, where_condition, workspace_of
from mixmap.core.errors import MixmapError
from mixmap.core.store.marks import apply_marks, marks_version


@main.command()
@click.argument("name")
@click.option("--ids", help="Comma-separated row ids.")
@click.option("--ids-file", type=click.File("r"), help="File with one row id per line.")
@click.option("--where", "where", nargs=3, multiple=True, metavar="COLUMN OP VALUE",
              help="Condition on a row, cluster, signal, mark or metadata column, e.g. --where source = web "
                   "or --where cluster in 3,7 (repeat to AND).")
@click.option("--slice", "slice_name", help="Rows of a saved slice (mixmap slice save).")
@click.option("--include", "mark", flag_value="include")
@click.option("--exclude", "mark", flag_value="exclude")
@click.option("--clear", "mark", flag_value="")
@click.option("--tag", "tags", multiple=True, help="Add a tag (repeatable).")
@click.option("--message", "-m", default="", help="Message recorded with this marking action.")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def mark(ctx, name, ids, ids_file, where, slice_name, mark, tags, message, as_json):
    """Mark rows of NAME include / exclude, or tag them. One logged, undoable action."""
    from mixmap.core.curate.slices import slice_ids

    dataset = workspace_of(ctx).dataset(name)
    chosen: list[str] = []
    if ids is not None:
        chosen += split_ids(ids)
    if ids_file:
        chosen += [line.strip() for line in ids_file if line.strip()]
    if where:  # resolved as a slice: mixmap.core.store.filters quotes what reaches LanceDB
        chosen += slice_ids(dataset, {"and": [{"where": where_condition(c, op, v)} for c, op, v in where]})
    if slice_name is not None:
        chosen += slice_ids(dataset, {"slice": slice_name})
    if mark is None and not tags:
        raise MixmapError("say what to do: --include, --exclude, --clear and/or --tag T")
    if ids is None and not (ids_file or where or slice_name is not None):
        raise MixmapError("say which rows: --ids, --ids-file, --where or --slice")
    known = set(dataset.read_rows(["id"], ids=chosen).column("id").to_pylist())
    unknown = [i for i in chosen if i not in known]
    if unknown:
        raise MixmapError(f"{len(unknown)} ids are not in {name} (first: {unknown[0]!r})")
    touched = apply_marks(dataset, chosen, mark=mark, add_tags=tags, message=message)
    emit({"dataset": name, "marked": touched, "mark": mark, "tags": list(tags),
          "marks_version": marks_version(dataset)}, as_json, f"{name}: marked {touched} rows")
