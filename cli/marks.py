"""`mixmap mark`: include / exclude / tag rows by id or by a column condition."""
from __future__ import annotations

import click

from cli.main import emit, main, workspace_of
from core.errors import MixmapError


@main.command()
@click.argument("name")
@click.option("--ids", help="Comma-separated row ids.")
@click.option("--ids-file", type=click.File("r"), help="File with one row id per line.")
@click.option("--where", "where", nargs=3, multiple=True, metavar="COLUMN OP VALUE",
              help="Row condition on id/source/text, e.g. --where source = web (repeat to AND).")
@click.option("--include", "mark", flag_value="include")
@click.option("--exclude", "mark", flag_value="exclude")
@click.option("--clear", "mark", flag_value="")
@click.option("--tag", "tags", multiple=True, help="Add a tag (repeatable).")
@click.option("--message", "-m", default="", help="Message recorded with this marking action.")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def mark(ctx, name, ids, ids_file, where, mark, tags, message, as_json):
    """Mark rows of NAME include / exclude, or tag them. One logged, undoable action."""
    from core.filters import Condition, all_of

    dataset = workspace_of(ctx).dataset(name)
    chosen: list[str] = []
    if ids:
        chosen += [i.strip() for i in ids.split(",") if i.strip()]
    if ids_file:
        chosen += [line.strip() for line in ids_file if line.strip()]
    if where:
        value_of = lambda v: int(v) if v.lstrip("-").isdigit() else v  # noqa: E731
        sql = all_of(*[Condition(c, op, value_of(v)).to_sql(["id", "source", "text", "row_index"])
                       for c, op, v in where])
        chosen += dataset.read_rows(["id"], where=sql).column("id").to_pylist()
    if mark is None and not tags:
        raise MixmapError("say what to do: --include, --exclude, --clear and/or --tag T")
    if not (ids or ids_file or where):
        raise MixmapError("say which rows: --ids, --ids-file or --where")
    known = set(dataset.read_rows(["id"], ids=chosen).column("id").to_pylist())
    unknown = [i for i in chosen if i not in known]
    if unknown:
        raise MixmapError(f"{len(unknown)} ids are not in {name} (first: {unknown[0]!r})")
    touched = dataset.apply_marks(chosen, mark=mark, add_tags=tags, message=message)
    emit({"dataset": name, "marked": touched, "mark": mark, "tags": list(tags),
          "marks_version": dataset.marks_version()}, as_json, f"{name}: marked {touched} rows")
