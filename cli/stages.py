"""`mixmap ingest | embed | project | cluster | build | list | export | app`: the build spine and its edges."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from mixmap.cli.common import POSITIVE, StageBars, emit, force_option, main, refuse_overwrite, workspace_of
from mixmap.core.errors import MixmapError


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--dataset", "name", required=True, help="Dataset to add the rows to (created if new).")
@click.option("--text-column", help="Column holding the text.")
@click.option("--template", help='Template over columns, e.g. "{instruction}\\n{input}\\n{output}".')
@click.option("--chat-column", help="Column with a list of chat turns (role/content).")
@click.option("--source", help="Source name for these rows (default: the file name).")
@click.option("--on-error", type=click.Choice(["skip", "abort"]), default="skip", show_default=True)
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def ingest(ctx, paths, name, text_column, template, chat_column, source, on_error, as_json):
    """Read PATHS (JSONL, JSON, CSV, Parquet, .gz, HF folder) into dataset NAME.

    Each file is one commit: a file that fails leaves the store as it was before that file.
    """
    from mixmap.core.ingest.files import TextSpec, ingest_into

    chosen = [v for v in (text_column, template, chat_column) if v]
    if len(chosen) > 1:
        raise MixmapError("give only one of --text-column, --template, --chat-column")
    spec = TextSpec(column=text_column, template=template.replace("\\n", "\n") if template else None,
                    chat_column=chat_column) if chosen else None
    dataset = workspace_of(ctx).dataset(name, create=True)
    totals = {"dataset": name, "added": 0, "read": 0, "bad_rows": 0, "files": []}
    for path in paths:
        result = ingest_into(dataset, path, spec=spec, source=source, on_error=on_error)
        for bad in result.bad_rows[:20]:
            click.echo(f"skipped {bad}", err=True)
        if len(result.bad_rows) > 20:
            click.echo(f"... and {len(result.bad_rows) - 20} more bad rows in {path}", err=True)
        info = result.source_info
        totals["added"] += info["added"]
        totals["read"] += info["rows"]
        totals["bad_rows"] += len(result.bad_rows)
        totals["files"].append({"path": str(path), "source": info["source"], "added": info["added"],
                                "bad_rows": len(result.bad_rows), "spec": info["spec"], "spec_guessed": not chosen})
    recipes = sorted({_recipe(f["spec"]) for f in totals["files"]})
    how = "guessed from the columns; --text-column, --template or --chat-column to choose" if not chosen else "as given"
    emit(totals, as_json, f"{name}: added {totals['added']} rows from {len(paths)} file(s) "
         f"({totals['read']} read, {totals['bad_rows']} bad)\n" + "".join(f"text: {r} ({how})\n" for r in recipes).rstrip())


def _recipe(spec: dict) -> str:
    """How a row's text was made, in words: the ingest summary says it so a wrong guess is seen at once."""
    if spec.get("chat_column"):
        return f"chat turns of column {spec['chat_column']!r}, joined with role labels"
    if spec.get("column"):
        return f"column {spec['column']!r}"
    if spec.get("template"):
        fields = [f for f in __import__("re").findall(r"{(\w+)}", spec["template"])]
        return "columns " + " + ".join(repr(f) for f in fields) + " joined by blank lines" if fields else "template"
    return "unknown"


def _embedder(ctx, model: str | None, fast: bool, bars=None):
    from mixmap.core.embed.registry import load_embedder

    if model and fast:
        raise MixmapError("give --model or --fast, not both")
    # only when the shipped static model is missing: distilling it takes 20-40 s on 2 cores
    progress = (lambda done, total: bars("distil static model (first use, ~30 s)", done, total)) if bars else None
    return load_embedder(model, fast=fast, workspace=workspace_of(ctx).root, progress=progress)


@main.command()
@click.argument("name")
@click.option("--model", help="sentence-transformers model name or local path (default all-MiniLM-L6-v2).")
@click.option("--fast", is_flag=True, help="Static model distilled from MiniLM: ~30-50x faster on CPU.")
@click.option("--batch-size", type=POSITIVE, default=512, show_default=True, help="Texts per written batch (a crash loses at most one).")
@click.option("--ray", "use_ray", is_flag=True, help="Embed with Ray Data actors (local Ray, or --address).")
@click.option("--address", help="Ray cluster address (e.g. ray://head:10001); implies --ray.")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def embed(ctx, name, model, fast, batch_size, use_ray, address, as_json):
    """Embed rows of NAME that have no vector yet for the chosen model."""
    from mixmap.core.embed.stage import embed_dataset, embed_prompts

    dataset = workspace_of(ctx).dataset(name)
    bars = StageBars(not as_json)
    progress = lambda d, t: bars("embed", d, t)
    if use_ray or address:
        try:
            from mixmap.core.embed.on_ray import embed_dataset_ray
        except ImportError:
            raise MixmapError("--ray needs Ray: pip install 'ray[data]'") from None
        if model and fast:
            raise MixmapError("give --model or --fast, not both")
        result = embed_dataset_ray(dataset, model=model, fast=fast, address=address, progress=progress)
    else:
        embedder = _embedder(ctx, model, fast)
        result = embed_dataset(dataset, embedder, batch_size=batch_size, progress=progress)
        result["prompts"] = embed_prompts(dataset, embedder, batch_size=batch_size, progress=progress)
    bars.close()
    emit(result, as_json, f"{name}: embedded {result['embedded']} rows with {result['model']}")


@main.command()
@click.argument("name")
@click.option("--refit", is_flag=True, help="Fit the map again (moves every point).")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def project(ctx, name, refit, as_json):
    """Place NAME's rows on the 2-D map (UMAP; later rows are transformed, never refit)."""
    from mixmap.core.build.project import project_dataset

    result = project_dataset(workspace_of(ctx).dataset(name), refit=refit)
    emit(result, as_json, f"{name}: placed {result['placed']} rows ({result['strategy']})")


@main.command()
@click.argument("name")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def cluster(ctx, name, as_json):
    """Cluster NAME (HDBSCAN on a 5-D UMAP) and label clusters with c-TF-IDF keywords."""
    from mixmap.core.build.cluster import cluster_dataset, count_phrase

    result = cluster_dataset(workspace_of(ctx).dataset(name), reason="asked (mixmap cluster)")
    emit(result, as_json, f"{name}: clustering #{result['clustering']}: {count_phrase(result['clusters'], result['noise'])} "
         "(cluster ids are new: slices saved on the old ones will say so)")


@main.command()
@click.argument("name")
@click.option("--model", help="sentence-transformers model name or local path.")
@click.option("--fast", is_flag=True, help="Use the fast static model.")
@click.option("--recluster", is_flag=True, help="Cluster afresh (new cluster ids, logged); without it new rows join the existing clusters.")
@click.option("--batch-size", type=POSITIVE, default=512, show_default=True, help="Texts per written batch (a crash loses at most one).")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def build(ctx, name, model, fast, recluster, batch_size, as_json):
    """Embed + project + cluster NAME, resuming where a killed build stopped."""
    from mixmap.core.build.cluster import count_phrase
    from mixmap.core.build.pipeline import build_dataset

    dataset = workspace_of(ctx).dataset(name)
    bars = StageBars(not as_json)
    result = build_dataset(dataset, _embedder(ctx, model, fast, bars), recluster=recluster, batch_size=batch_size,
                           progress=bars)
    bars.close()
    done = result["cluster"]
    clusters = "clusters unchanged" if not done else (
        f"{count_phrase(done['clusters'], done['noise'])}, re-clustered ({done['reason']})" if done["reclustered"]
        else f"clusters unchanged, {done['joined']} new rows joined them")
    moved = f" (map refit: {result['project']['reason']})" if result["project"].get("refit") else ""
    emit(result, as_json, f"{name}: embedded {result['embed']['embedded']}, placed {result['project']['placed']}{moved}, "
         f"{clusters}")


@main.command(name="list")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def list_datasets(ctx, as_json):
    """List the workspace's datasets."""
    summary = workspace_of(ctx).summary()
    lines = [f"{d['name']}\t{d['rows']} rows\t{d['embedded']} embedded\tsources: {', '.join(d['sources'])}"
             for d in summary]
    emit(summary, as_json, "\n".join(lines) or "no datasets yet; try `mixmap ingest FILE --dataset NAME`")


@main.command()
@click.argument("name", required=False)
@click.option("--out", type=click.Path(path_type=Path), help="Output file (a folder for --format hf).")
@click.option("--format", "fmt", type=click.Choice(["jsonl", "parquet", "csv", "hf"]), default=None,
              help="Default: from the file suffix, else jsonl; hf = a Hugging Face datasets folder (save_to_disk).")
@click.option("--marked", type=click.Choice(["include", "exclude", "any"]), default="exclude", show_default=True,
              help="include: only rows marked include; exclude: all but excluded rows; any: every row.")
@click.option("--with-signals", is_flag=True, help="Add the quality signal columns (and the release checks' columns "
              "where those ran: lang, pii_*, contaminated).")
@click.option("--redact", is_flag=True, help="Replace e-mails, phone numbers, IP addresses, card numbers and "
              "secrets with typed placeholders (<EMAIL>, ...); the manifest records it and replay redacts again.")
@click.option("--manifest", "manifest_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Replay this manifest (re-ingesting its sources if the dataset is missing) and check the bytes.")
@force_option
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def export(ctx, name, out, fmt, marked, with_signals, redact, manifest_file, force, as_json):
    """Export NAME's curated rows with a manifest beside the file, or replay a manifest byte for byte.

    An existing --out is never overwritten without --force (a replay writes a new file and never overwrites)."""
    from mixmap.core.export.write import export_rows, manifest_path

    refuse_overwrite(out, force)

    if manifest_file:
        from mixmap.core.export.replay import replay_manifest

        result = replay_manifest(workspace_of(ctx), manifest_file, out=out)
        emit(result, as_json, f"{result['dataset']}: replayed {result['rows']} rows to {result['output']} "
             f"({'byte-identical' if result['identical'] else 'DIFFERENT'}: sha256 {result['sha256'][:16]})")
        if not result["identical"]:
            raise MixmapError(f"replayed output differs from the manifest (sha256 {result['sha256'][:16]} vs "
                              f"{str(result['expected_sha256'])[:16]}): the sources, build or marks changed")
        return
    if not name or not out:
        raise MixmapError("give NAME and --out, or --manifest FILE to replay an export")
    dataset = workspace_of(ctx).dataset(name)
    frames = ("clusters", "signals") if with_signals else ("clusters",)
    if with_signals:  # the checks' frames only where they ran: a manifest naming a missing frame cannot replay
        frames += tuple(f for f in ("lm_signals", "langid", "pii", "decontam") if dataset.has_frame(f))
    manifest = export_rows(dataset, out, fmt=fmt, marked=marked, extra_frames=frames, redact=redact)
    summary = {k: manifest[k] for k in ("dataset", "output", "counts", "marks_version")}
    summary["manifest"] = str(manifest_path(out))
    if redact:
        summary["redaction"] = manifest["redaction"]
    redacted = f"; redacted {manifest['redaction']['rows_redacted']} rows" if redact else ""
    emit(summary, as_json, f"{name}: wrote {manifest['counts']['rows_exported']} rows to {out}{redacted}")


@main.command()
@click.option("--port", type=click.IntRange(1, 65535), default=8501, show_default=True)
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Listen address (localhost by default). Any other needs a password: MIXMAP_APP_PASSWORD, "
                   "or --token.")
@click.option("--data-dir", "data_dirs", multiple=True,
              type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="A folder the app may read data files from (repeatable; none by default: uploads only). "
                   "Env MIXMAP_DATA_DIRS.")
@click.option("--token", "make_token", is_flag=True,
              help="Generate a random token, print it with the link, and ask for it (as Jupyter does).")
@click.pass_context
def app(ctx, port, host, data_dirs, make_token):
    """Start the Streamlit app (opens on the bundled sample when the workspace is empty).

    The app reads only uploads and the --data-dir folders and writes only under WORKSPACE/exports/.
    """
    import os
    import secrets
    import subprocess

    from mixmap.core.settings import is_loopback, setting

    password = setting("MIXMAP_APP_PASSWORD")
    if make_token and not password:
        password = secrets.token_urlsafe(32)
    if not password and not is_loopback(host):
        raise MixmapError(f"--host {host} lets other machines reach the app: set a password with "
                          "MIXMAP_APP_PASSWORD=... or pass --token to get a generated one")
    app_path = Path(__file__).resolve().parent.parent / "app.py"
    env = dict(os.environ)
    if ctx.obj["workspace"]:
        env["MIXMAP_WORKSPACE"] = str(Path(ctx.obj["workspace"]).resolve())
    if ctx.obj.get("tables"):
        env["MIXMAP_TABLES"] = ctx.obj["tables"]
    if data_dirs:
        env["MIXMAP_DATA_DIRS"] = os.pathsep.join(str(d.resolve()) for d in data_dirs)
    if password:
        env["MIXMAP_APP_PASSWORD"] = password
    if make_token and password != setting("MIXMAP_APP_PASSWORD"):
        shown = "localhost" if host in ("0.0.0.0", "::") else host
        click.echo(f"mixmap: log in with this token, or open http://{shown}:{port}/?token={password}", err=True)
    cmd = [sys.executable, "-m", "streamlit", "run", str(app_path), "--server.port", str(port),
           "--server.address", host, "--browser.gatherUsageStats", "false", "--client.toolbarMode", "minimal",
           "--server.fileWatcherType", "none"]
    raise SystemExit(subprocess.call(cmd, env=env))
