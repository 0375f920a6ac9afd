"""`mixmap select`: the rows inside a box or polygon on the map; `mixmap search`: rows by words, text or meaning."""
from __future__ import annotations

import json

import click

from mixmap.cli.common import COUNT, NumberRange, emit, main, workspace_of
from mixmap.core.errors import MixmapError


@main.command()
@click.argument("name")
@click.option("--box", nargs=4, type=NumberRange(), metavar="X0 Y0 X1 Y1", help="Rectangle in map coordinates.")
@click.option("--polygon", type=click.File("r"), help='JSON file: {"x": [...], "y": [...]} or [[x, y], ...].')
@click.option("--limit", type=COUNT, default=20, show_default=True, help="How many rows to print.")
@click.option("--ids-only", is_flag=True, help="Print every selected id (one per line, or a JSON list).")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def select(ctx, name, box, polygon, limit, ids_only, as_json):
    """Count and list NAME's rows inside a box or polygon on the map."""
    from mixmap.core.explore.select import rows_in_shape

    if bool(box) == bool(polygon):
        raise MixmapError("give exactly one of --box X0 Y0 X1 Y1 or --polygon FILE")
    shape = {"box": box} if box else {"polygon": _read_polygon(polygon)}
    result = rows_in_shape(workspace_of(ctx).dataset(name), **shape, limit=None if ids_only else limit)
    if ids_only:
        emit(result["ids"], as_json, "\n".join(result["ids"]))
        return
    lines = [f"{result['count']:,} rows inside"] + [f"{r['id']}\t{r['source']}\t{r['snippet']}" for r in result["rows"]]
    emit({k: v for k, v in result.items() if k != "ids"}, as_json, "\n".join(lines))


@main.command()
@click.argument("name")
@click.argument("query")
@click.option("--by", type=click.Choice(["words", "text", "meaning"]), default="words", show_default=True,
              help="words: full-text (BM25, every word); text: exact substring; meaning: nearest embeddings.")
@click.option("-k", "--k", "k", default=100, show_default=True, help="At most this many rows.")
@click.option("--limit", type=COUNT, default=20, show_default=True, help="How many rows to print.")
@click.option("--ids-only", is_flag=True, help="Print every matching id (one per line, or a JSON list).")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def search(ctx, name, query, by, k, limit, ids_only, as_json):
    """Rows of NAME matching QUERY, best first (pipe --ids-only into `mixmap mark --ids-file -`)."""
    from mixmap.core.explore.search import search_rows

    if not query.strip():
        raise MixmapError("QUERY is empty; give the words, text or meaning to search for")
    result = search_rows(workspace_of(ctx).dataset(name), query, by=by, k=k, show=limit)
    if ids_only:
        emit(result["ids"], as_json, "\n".join(result["ids"]))
        return
    lines = [f"{result['count']:,} rows match ({by})"] + [f"{r['id']}\t{r['source']}\t{r['snippet']}"
                                                          for r in result["rows"]]
    emit({key: v for key, v in result.items() if key != "ids"}, as_json, "\n".join(lines))


def _read_polygon(handle) -> tuple[list[float], list[float]]:
    where = f"--polygon {getattr(handle, 'name', '')}".rstrip()
    try:
        data = json.load(handle)
    except json.JSONDecodeError as exc:
        raise MixmapError(f"{where}: not valid JSON ({exc.msg} at line {exc.lineno})") from None
    if isinstance(data, dict) and "x" in data and "y" in data:
        xs, ys = data["x"], data["y"]
    elif isinstance(data, list) and all(isinstance(p, list) and len(p) == 2 for p in data):
        xs, ys = [p[0] for p in data], [p[1] for p in data]
    else:
        raise MixmapError(f'{where}: expected {{"x": [...], "y": [...]}} or [[x, y], ...]')
    if not isinstance(xs, list) or not isinstance(ys, list) or len(xs) != len(ys):
        raise MixmapError(f"{where}: x and y must be lists of the same length")
    if len(xs) < 3:
        raise MixmapError(f"{where}: a polygon needs at least 3 points, got {len(xs)}")
    try:
        return [float(v) for v in xs], [float(v) for v in ys]
    except (TypeError, ValueError):
        raise MixmapError(f"{where}: every x and y must be a number") from None
