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
import os
import tempfile
import uuid
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
        ingest_into(dataset, path, spec=spec, source=_fixed_source(source), id_salt=source.get("id_salt", ""))
    return dataset


def _replay_target(manifest: dict, manifest_file: Path, out: str | Path | None) -> Path:
    """Where the replay is written: `out`, or a new temporary folder; never the export or manifest it checks.

    A check must not destroy what it checks: a replay that differs would otherwise replace the shipped file
    (and its manifest) with the different one. An older manifest may hold its output path as it was typed
    (relative to the folder the export ran in), so the file the manifest sits beside is protected too.
    """
    name = manifest_file.name.removesuffix(".manifest.json") or "replay"
    checked = {manifest_file.resolve(), manifest_file.resolve().with_name(name)}
    recorded = Path(manifest["output"].get("path") or name)
    if recorded.is_absolute():
        checked.add(recorded.resolve())
    if out is None:  # a fresh folder, made by the export itself: a replay that fails early leaves nothing
        return Path(tempfile.gettempdir()) / f"mixmap-replay-{uuid.uuid4().hex[:16]}" / (recorded.name or name)
    target = Path(out)
    if target.resolve() in checked or os.path.lexists(target):
        raise MixError(f"replaying would write over {target}; a replay writes a new file and compares it with the "
                       "manifest, so give --out a path that does not exist yet (or leave --out out for a temporary one)")
    return target


def replay_manifest(workspace, manifest_file: str | Path, *, out: str | Path | None = None, embedder=None,
                    readable=Path) -> dict:
    """Export again from a manifest (to `out`, a new path, default a new temporary folder); reports whether the
    bytes match. The original export and its manifest are never written.

    The app passes its path check as `readable` (mixmap.core.store.paths.AppPaths.readable): each source path
    the manifest names is checked before it is read, so a manifest cannot make the app read outside its
    folders; and it passes an `out` inside its exports folder."""
    from mixmap.core.build.pipeline import build_dataset
    from mixmap.core.export.write import export_rows

    manifest_file = Path(manifest_file)
    try:
        manifest = json.loads(manifest_file.read_text(encoding="utf-8"))
        name, fmt = manifest["dataset"], manifest["output"]["format"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise MixError(f"cannot read manifest {manifest_file}: {exc}") from None
    target = _replay_target(manifest, manifest_file, out)
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
    # The frames the export really joined (a manifest records their origins): an export made before any build
    # had no clusters, and replaying it must neither build (a check changes nothing) nor fail.
    joined = manifest.get("derived_from")
    needed = frames if joined is None else tuple(f for f in frames if f in joined)
    recipe = manifest.get("recipe") or {}
    needs_vectors = any(c.get("strategy", {}).get("kind") in VECTOR_STRATEGIES or "semantic" in json.dumps(c["slice"])
                        for c in recipe.get("components", [])) or "semantic" in json.dumps(manifest.get("slices"))
    if ("clusters" in needed or "cluster" in json.dumps(recipe) or needs_vectors) and not dataset.has_frame("clusters"):
        build_dataset(dataset, embedder or _embedder_for(workspace, manifest.get("model")))
        steps.append("built")
    missing = [f for f in needed if not dataset.has_frame(f)]
    if missing:
        raise MixError(f"cannot replay: {name} has no {', '.join(missing)} yet; run the stage that makes it first")
    if manifest.get("kind") == "mix":
        snapshot = manifest.get("marks") or {"include": [], "exclude": [], "tags": {}}
        new = export_mix(dataset, recipe, target, fmt=fmt, embedder=embedder, extra_frames=frames,
                         marks=snapshot, slices=manifest.get("slices") or {})
    else:
        new = export_rows(dataset, target, fmt=fmt, ids=manifest["ids"], in_given_order=True, extra_frames=frames,
                          extra={"selection": manifest.get("selection"), "marks_version": manifest.get("marks_version")},
                          redact="redaction" in manifest)
    expected = manifest["output"].get("sha256")
    return {"dataset": name, "output": str(target), "format": fmt, "rows": new["counts"]["rows_exported"],
            "sha256": new["output"]["sha256"], "expected_sha256": expected,
            "identical": new["output"]["sha256"] == expected, "steps": steps}
