"""Replay an export from its manifest: the same rows, the same bytes, checked by sha256.

`replay_manifest` reads a manifest written by mixmap.core.export.write (a plain export) or mixmap.core.export.mix.export_mix (a mix).
When the workspace lacks the dataset, the manifest's sources are ingested again (each file's sha256 must
match) and, when the export needs clusters or vectors, built with the manifest's model (or a given embedder).
A plain export is replayed from its id list; a mix is rebuilt from its recipe (seeds, slice definitions and
the marks snapshot from the manifest, never the workspace's current ones), so the replay also proves that
the recipe still selects the same rows.
"""
from __future__ import annotations

import json
from pathlib import Path

from mixmap.core.curate.mixes import VECTOR_STRATEGIES
from mixmap.core.curate.slices import MixError
from mixmap.core.export.mix import export_mix


def _embedder_for(workspace, model: str | None):
    from mixmap.core.embed.protocol import STATIC_MODEL
    from mixmap.core.embed.registry import load_embedder

    if not model:
        raise MixError("the manifest names no embedding model, so the dataset cannot be rebuilt")
    if model == STATIC_MODEL:
        return load_embedder(fast=True, workspace=workspace.root)
    return load_embedder(model)


def _fixed_source(source: dict) -> str | None:
    """The --source the file was ingested with: None when its rows kept their own source names."""
    named = (source.get("key") or "").split(":", 1)[0] or source.get("source")
    rows_named = source.get("sources")
    return named if rows_named is None or list(rows_named) == [named] else None


def _reingest(workspace, manifest: dict, readable):
    from mixmap.core.ingest.files import TextSpec, file_sha256, ingest_into

    dataset = workspace.dataset(manifest["dataset"], create=True)
    for source in manifest.get("sources") or []:
        path = readable(source.get("path") or "")
        if not path.is_file():
            raise MixError(f"cannot replay: source file {path} is missing (it was {source.get('sha256', '?')[:12]}...)")
        if source.get("sha256") and file_sha256(path) != source["sha256"]:
            raise MixError(f"cannot replay: {path} changed since the export (sha256 differs)")
        spec = TextSpec(**source["spec"]) if source.get("spec") else None
        ingest_into(dataset, path, spec=spec, source=_fixed_source(source))
    return dataset


def replay_manifest(workspace, manifest_file: str | Path, *, out: str | Path | None = None, embedder=None,
                    readable=Path, writable=None) -> dict:
    """Export again from a manifest (to `out`, default the original path); reports whether the bytes match.

    The app passes its path checks (mixmap.core.store.paths.AppPaths): `readable` maps each source path the
    manifest names to the file to read (or refuses it), `writable` maps the output's base name to where it
    may be written, so a manifest cannot make the app read or write outside its folders."""
    from mixmap.core.build.pipeline import build_dataset
    from mixmap.core.export.write import export_rows

    try:
        manifest = json.loads(Path(manifest_file).read_text(encoding="utf-8"))
        name = manifest["dataset"]
    except (OSError, ValueError, KeyError) as exc:
        raise MixError(f"cannot read manifest {manifest_file}: {exc}") from None
    steps = []
    if not workspace.exists(name):
        _reingest(workspace, manifest, readable)
        steps.append("ingested sources")
    dataset = workspace.dataset(name)
    have = {(s.get("source"), s.get("sha256")) for s in dataset.meta.get("sources", [])}
    for source in manifest.get("sources") or []:
        if (source.get("source"), source.get("sha256")) not in have:
            raise MixError(f"cannot replay: {name}'s source {source.get('source')!r} differs from the manifest's")
    frames = tuple(manifest.get("extra_frames", ("clusters",)))
    recipe = manifest.get("recipe") or {}
    needs_vectors = any(c.get("strategy", {}).get("kind") in VECTOR_STRATEGIES or "semantic" in json.dumps(c["slice"])
                        for c in recipe.get("components", [])) or "semantic" in json.dumps(manifest.get("slices"))
    if ("clusters" in frames or "cluster" in json.dumps(recipe) or needs_vectors) and not dataset.has_frame("clusters"):
        build_dataset(dataset, embedder or _embedder_for(workspace, manifest.get("model")))
        steps.append("built")
    missing = [f for f in frames if not dataset.has_frame(f)]
    if missing:
        raise MixError(f"cannot replay: {name} has no {', '.join(missing)} yet; run the stage that makes it first")
    target = Path(out or manifest["output"]["path"])
    if writable is not None:
        target = writable(target.name)
    fmt = manifest["output"]["format"]
    if manifest.get("kind") == "mix":
        snapshot = manifest.get("marks") or {"include": [], "exclude": [], "tags": {}}
        new = export_mix(dataset, recipe, target, fmt=fmt, embedder=embedder, extra_frames=frames,
                         marks=snapshot, slices=manifest.get("slices") or {})
    else:
        new = export_rows(dataset, target, fmt=fmt, ids=manifest["ids"], extra_frames=frames,
                          extra={"selection": manifest.get("selection"), "marks_version": manifest.get("marks_version")},
                          redact="redaction" in manifest)
    expected = manifest["output"].get("sha256")
    return {"dataset": name, "output": str(target), "format": fmt, "rows": new["counts"]["rows_exported"],
            "sha256": new["output"]["sha256"], "expected_sha256": expected,
            "identical": new["output"]["sha256"] == expected, "steps": steps}
