"""What every `mixmap` subcommand shares: the click group, JSON output, progress bars, the workspace.

User mistakes (mixmap.core.errors.MixmapError) print one line and exit 1; `--json` gives machine-readable output.
Subcommands live in sibling modules and register on `main`; cli/main.py imports them all.
"""
from __future__ import annotations

import json
import math
import sys

import click

from mixmap.core.errors import MixmapError
from mixmap.core.store.filters import parse_value


class MixmapGroup(click.Group):
    """Turns MixmapError into `error: ...` on stderr and exit status 1, with no traceback."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except MixmapError as exc:
            click.echo(f"error: {exc}", err=True)
            ctx.exit(1)


class NumberRange(click.FloatRange):
    """A float option that refuses nan (click's FloatRange lets it through every comparison)."""

    def convert(self, value, param, ctx):
        number = super().convert(value, param, ctx)
        if isinstance(number, float) and math.isnan(number):
            self.fail(f"{value!r} is not a number", param, ctx)
        return number


COUNT = click.IntRange(min=0)  # how many to list or print (0: none)
POSITIVE = click.IntRange(min=1)  # sizes that must be at least one: batch sizes, k, n, budgets
SIMILARITY = NumberRange(0.0, 1.0, min_open=True)  # similarity thresholds in (0, 1]
SHARE = NumberRange(0.0, 1.0)
PERCENTILE = NumberRange(0.0, 100.0)
SEED = click.IntRange(min=0)


def _plain(value):
    """numpy scalars and arrays become plain JSON numbers and lists."""
    if hasattr(value, "tolist"):
        return value.tolist()
    return str(value)


def emit(data, as_json: bool, text: str | None = None) -> None:
    if as_json:
        click.echo(json.dumps(data, indent=2, default=_plain, ensure_ascii=False))
    elif text is not None:
        click.echo(text)


class StageBars:
    """Progress for each stage on stderr: a tqdm bar (rows/s, time left) on a terminal, and plain lines when
    stderr is a pipe or a log file (a start line, one every PLAIN_EVERY seconds, and a finish line with the
    rate), so a long step is never silent. Off with --json or --quiet, which keep stdout machine-readable."""

    PLAIN_EVERY = 10.0

    def __init__(self, enabled: bool = True):
        ctx = click.get_current_context(silent=True)
        quiet = bool(ctx and (ctx.find_root().obj or {}).get("quiet"))
        self.enabled = bool(enabled) and not quiet
        self.tty = sys.stderr.isatty()
        self.bars: dict = {}
        self.plain: dict = {}

    def __call__(self, stage: str, done: int, total: int) -> None:
        if not self.enabled:
            return
        if self.tty:
            self._bar(stage, done, total)
        else:
            self._line(stage, done, total)

    def _bar(self, stage: str, done: int, total: int) -> None:
        from tqdm import tqdm

        bar = self.bars.get(stage)
        if bar is None:
            bar = self.bars[stage] = tqdm(total=total, desc=stage, unit=_unit(stage), file=sys.stderr, leave=True)
        bar.total = total
        bar.n = done
        bar.refresh()

    def _line(self, stage: str, done: int, total: int) -> None:
        import time

        now = time.perf_counter()
        state = self.plain.get(stage)
        if state is None:
            state = self.plain[stage] = {"start": now, "last": now, "finished": False}
            rows = _unit(stage) == "row"
            click.echo(f"{stage}: started" + (f" ({total:,} rows)" if rows else ""), err=True)
        if state["finished"]:
            return
        elapsed = now - state["start"]
        if done >= total:
            state["finished"] = True
            if _unit(stage) == "row":
                rate = f", {done / elapsed:,.0f} rows/s" if elapsed > 0.5 else ""
                click.echo(f"{stage}: done {done:,}/{total:,} rows in {elapsed:.1f} s{rate}", err=True)
            else:
                click.echo(f"{stage}: done in {elapsed:.1f} s", err=True)
        elif now - state["last"] >= self.PLAIN_EVERY and done:
            state["last"] = now
            left = elapsed / done * (total - done)
            click.echo(f"{stage}: {done:,}/{total:,} ({done / elapsed:,.0f}/s, ~{left:.0f} s left)", err=True)

    def close(self) -> None:
        for bar in self.bars.values():
            bar.close()


def _unit(stage: str) -> str:
    return "row" if stage in ("embed", "place", "score") else "step"


def workspace_of(ctx: click.Context):
    from mixmap.core.store.workspace import Workspace

    return Workspace(ctx.obj["workspace"], tables=ctx.obj.get("tables"))


@click.group(cls=MixmapGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--workspace", type=click.Path(file_okay=False), envvar="MIXMAP_WORKSPACE", default=None,
              help="Workspace folder (default ./mixmap_workspace; env MIXMAP_WORKSPACE).")
@click.option("--tables", envvar="MIXMAP_TABLES", default=None, metavar="URI",
              help="Where the Lance tables live, e.g. s3://bucket/mixmap/lance (default WORKSPACE/lance; "
                   "env MIXMAP_TABLES). Small state stays in the workspace folder.")
@click.option("--quiet", "-q", is_flag=True, help="No progress output on stderr (results still print).")
@click.pass_context
def main(ctx: click.Context, workspace: str | None, tables: str | None, quiet: bool) -> None:
    """mixmap: see a text dataset on a map and shape a training mix on purpose."""
    ctx.ensure_object(dict)
    ctx.obj["quiet"] = quiet
    ctx.obj["workspace"] = workspace
    ctx.obj["tables"] = tables


def _root_option(ctx: click.Context, param: click.Parameter, value):
    """--workspace / --tables given after the subcommand: the same as before it (and stronger than the env)."""
    if value is not None:
        ctx.ensure_object(dict)
        ctx.obj[param.name] = str(value)
    return value


def add_root_options(command: click.Command) -> None:
    """Give every subcommand (nested ones too) the group's --workspace and --tables, so `mixmap list
    --workspace W` works as `mixmap --workspace W list` does: the README says every command takes them."""
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            add_root_options(sub)
    if command is main or any(p.name == "workspace" for p in command.params):
        return
    command.params += [
        click.Option(["--workspace"], type=click.Path(file_okay=False), expose_value=False, callback=_root_option,
                     help="Workspace folder (the same as `mixmap --workspace`)."),
        click.Option(["--tables"], metavar="URI", expose_value=False, callback=_root_option,
                     help="Where the Lance tables live (the same as `mixmap --tables`)."),
    ]


def split_ids(text: str, *, option: str = "--ids") -> list[str]:
    """Comma-separated row ids; an option given with no id in it is a mistake, not "no rows"."""
    ids = [i.strip() for i in text.split(",") if i.strip()]
    if not ids:
        raise MixmapError(f"{option} lists no row ids; give id1,id2,...")
    return ids


def where_condition(column: str, op: str, value: str) -> list:
    """A CLI triple as a slice "where": "in" takes a,b,c and "between" takes low,high."""
    if op in ("in", "between"):
        return [column, op, [parse_value(v.strip()) for v in value.split(",")]]
    return [column, op, parse_value(value)]


force_option = click.option("--force", is_flag=True, help="Overwrite --out (and its manifest) if it exists.")


def refuse_overwrite(out, force: bool) -> None:
    """Exports never replace a file by surprise: an existing --out needs --force (checked before any work)."""
    from pathlib import Path

    if out is not None and not force and (Path(out).exists() or Path(out).is_symlink()):
        raise MixmapError(f"{out} already exists; pass --force to overwrite it, or choose another --out")
