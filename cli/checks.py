"""Release checks: `mixmap decontaminate`, `mixmap langid`, `mixmap pii`, and `mixmap checks` for the summary.

Each stores its per-row results (slices see them: `mixmap mark NAME --where lang != en --exclude`), and
`--exclude` marks what it flags exclude in one undoable action (`mixmap undo NAME`)."""
from __future__ import annotations

import re

import click

from mixmap.cli.common import POSITIVE, StageBars, emit, main, workspace_of
from mixmap.core.errors import MixmapError

SHOWN = 20  # flagged rows printed (all of them with --json --all)


def _excluded(dataset, check: str, **options) -> dict:
    from mixmap.core.checks.actions import exclude_flagged

    return exclude_flagged(dataset, check, **options)


def _snippet(text: str, start: int, end: int, width: int = 60) -> str:
    text = text or ""
    span = " ".join(text[start:end].split())
    return span if len(span) <= 2 * width else f"{span[:width]} … {span[-width:]}"


@main.command()
@click.argument("name")
@click.option("--against", "refs", multiple=True, required=True, metavar="REF",
              help="An eval / reference dataset in the workspace (repeat for several).")
@click.option("--n", "n", type=POSITIVE, default=13, show_default=True, help="Words per n-gram (GPT-3 used 13).")
@click.option("--exclude", is_flag=True, help="Mark the contaminated rows exclude (one undoable action).")
@click.option("--all", "show_all", is_flag=True, help="List every overlap, not the first 20.")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def decontaminate(ctx, name, refs, n, exclude, show_all, as_json):
    """Find NAME's rows that share an n-gram (lower-cased words, punctuation dropped) with a row of REF."""
    from mixmap.core.checks.actions import contamination_matches
    from mixmap.core.checks.dataset import decontaminate as run

    ws = workspace_of(ctx)
    dataset = ws.dataset(name)
    bars = StageBars(not as_json)
    results = [run(dataset, ws.dataset(ref), n=n, progress=bars) for ref in refs]
    bars.close()
    matches = contamination_matches(dataset)
    matches = matches[matches["ref"].isin(set(refs))]
    shown = matches if show_all else matches.head(SHOWN)
    rows = dataset.read_rows(["id", "text"], ids=shown["row_id"].tolist()).to_pandas().set_index("id")["text"]
    items = {ref: ws.dataset(ref).read_rows(["id", "text"], ids=shown.loc[shown["ref"] == ref, "item_id"].tolist())
             .to_pandas().set_index("id")["text"] for ref in refs}
    flagged = [{"row": m.row_id, "against": m.ref, "item": m.item_id, "ngrams": int(m.ngrams),
                "span": _snippet(rows.get(m.row_id, ""), m.row_start, m.row_end),
                "row_span": [int(m.row_start), int(m.row_end)], "item_span": [int(m.item_start), int(m.item_end)],
                "item_text": _snippet(items[m.ref].get(m.item_id, ""), m.item_start, m.item_end)}
               for m in shown.itertuples()]
    out = {"dataset": name, "n": n, "against": results, "overlaps": len(matches), "flagged": flagged}
    if exclude:
        out["excluded"] = _excluded(dataset, "decontam") if len(refs) > 1 else _excluded(dataset, "decontam", ref=refs[0])
    lines = [f"{name}: {r['rows_flagged']:,} of {r['rows']:,} rows share a {n}-gram with {r['items_matched']:,} of "
             f"{r['eval_items']:,} items of {r['against']} ({r['eval_items_too_short']:,} items too short to check; "
             f"{r['seconds']} s)" for r in results]
    lines += [f"  {f['row']}  ~ {f['against']}:{f['item']}  ({f['ngrams']} n-grams)  \"{f['span']}\"" for f in flagged]
    if exclude:
        lines.append(f"excluded {out['excluded']['excluded']:,} rows (marks v{out['excluded']['marks_version']}; "
                     f"`mixmap undo {name}` takes it back)")
    emit(out, as_json, "\n".join(lines))


def _languages(text: str) -> tuple[str, ...]:
    codes = tuple(k.strip().lower() for k in text.split(",") if k.strip())
    bad = [c for c in codes if not re.fullmatch(r"[a-z]{2,3}", c)]
    if not codes or bad:
        raise MixmapError(f"--keep takes language codes such as en,zh (ISO 639-1), not {text!r}")
    return codes


@main.command()
@click.argument("name")
@click.option("--keep", help="Comma-separated languages to keep (ISO 639-1, e.g. en,zh); with --exclude, the "
              "other rows are excluded. Default: the main language.")
@click.option("--exclude", is_flag=True, help="Mark rows not in --keep exclude (one undoable action).")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def langid(ctx, name, keep, exclude, as_json):
    """Identify the language of every row of NAME (and the share of its main language in mixed rows)."""
    from mixmap.core.checks.dataset import identify_dataset_languages

    kept = _languages(keep) if keep is not None else None  # checked before any work: a typo changes nothing
    dataset = workspace_of(ctx).dataset(name)
    bars = StageBars(not as_json)
    result = identify_dataset_languages(dataset, progress=bars)
    bars.close()
    if exclude:
        result["excluded"] = _excluded(dataset, "langid", keep=kept)
    top = ", ".join(f"{k} {v:,}" for k, v in list(result["languages"].items())[:8])
    text = (f"{name}: {result['rows']:,} rows in {len(result['languages'])} languages ({top}); main "
            f"{result['main_language'] or '-'}; {result['mixed_rows']:,} mixed rows; {result['no_language']:,} with "
            f"no language ({result['rows_per_s']:,} rows/s)")
    if exclude:
        text += f"\nexcluded {result['excluded']['excluded']:,} rows ({result['excluded']['message']})"
    emit(result, as_json, text)


@main.command()
@click.argument("name")
@click.option("--exclude", is_flag=True, help="Mark the rows with personal data or secrets exclude (undoable).")
@click.option("--kind", "kinds", multiple=True, type=click.Choice(["email", "phone", "ip_address", "card_number",
              "secret"]), help="With --exclude: only rows with these kinds (repeatable).")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def pii(ctx, name, exclude, kinds, as_json):
    """Find e-mail addresses, phone numbers, IP addresses, card numbers and secrets in every row of NAME."""
    from mixmap.core.checks.dataset import find_dataset_pii

    dataset = workspace_of(ctx).dataset(name)
    bars = StageBars(not as_json)
    result = find_dataset_pii(dataset, progress=bars)
    bars.close()
    if exclude:
        result["excluded"] = _excluded(dataset, "pii", kinds=kinds or None)
    found = ", ".join(f"{k.replace('_', ' ')} {v:,}" for k, v in result["found"].items())
    text = (f"{name}: {result['rows_flagged']:,} of {result['rows']:,} rows hold personal data or secrets ({found}); "
            f"`mixmap export {name} --redact` replaces them")
    if exclude:
        text += f"\nexcluded {result['excluded']['excluded']:,} rows ({result['excluded']['message']})"
    emit(result, as_json, text)


@main.command()
@click.argument("name")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def checks(ctx, name, as_json):
    """List NAME's release checks with how many rows each flags (run them with decontaminate / langid / pii)."""
    from mixmap.core.checks.actions import check_summary

    summary = check_summary(workspace_of(ctx).dataset(name))
    lines = [f"{c['title']:<30} {c['flagged'] if c['ran'] else '-':>8}  {c['detail'] if c['ran'] else c['command']}"
             for c in summary]
    emit({"dataset": name, "checks": summary}, as_json, "\n".join(lines))
