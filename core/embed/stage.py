"""The embed stage: vectors for every row that has none yet for this embedder.

`embed_dataset` embeds only rows that have no vector for this embedder yet, embeds identical texts once,
sorts texts by length so batches pad little, and writes each batch as it finishes: a crash loses at most
one batch and a rerun picks up where it stopped.
"""
from __future__ import annotations

import hashlib
import time

import numpy as np

from mixmap.core.embed.protocol import Embedder, Progress, model_key
from mixmap.core.settings import setting

COMMIT_ROWS = 50_000  # vectors are committed in groups of about this many rows ...
COMMIT_SECONDS = 20.0  # ... or after this long, whichever comes first (env MIXMAP_COMMIT_SECONDS)


def _text_key(text: str) -> bytes:
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()


def embed_dataset(
    dataset,
    embedder: Embedder,
    *,
    batch_size: int = 512,
    progress: Progress | None = None,
) -> dict:
    """Embed every row of `dataset` that has no vector from `embedder` yet; returns counts.

    Batches are unique texts; each batch's vectors are written (one commit) for every row sharing them.
    """
    import pyarrow.compute as pc

    key = model_key(embedder.name)
    done_ids = dataset.embedded_ids(key)
    rows = dataset.read_rows(["id", "text"])
    if len(done_ids):
        rows = rows.filter(pc.invert(pc.is_in(rows.column("id"), value_set=done_ids)))
    total_rows = rows.num_rows
    dataset.update_meta(model=embedder.name, model_key=key)
    if total_rows == 0:
        if progress:
            progress(1, 1)
        return {"model": embedder.name, "embedded": 0, "unique_texts": 0, "skipped": len(done_ids)}

    ids = rows.column("id").to_pylist()
    unique = _embed_into(dataset, key, ids, rows.column("text").to_pylist(), embedder, batch_size=batch_size,
                         progress=progress)
    return {"model": embedder.name, "embedded": total_rows, "unique_texts": unique, "skipped": len(done_ids)}


def _embed_into(dataset, key: str, ids: list[str], texts: list[str], embedder: Embedder, *, batch_size: int,
                progress: Progress | None, offset: int = 0, total: int | None = None) -> int:
    """Embed `texts` (one vector per unique text) and write them under `key` for `ids`; returns unique texts."""
    total_rows = total or len(ids)
    groups: dict[bytes, list[int]] = {}
    for i, text in enumerate(texts):
        groups.setdefault(_text_key(text), []).append(i)
    firsts = [members[0] for members in groups.values()]
    members_of = list(groups.values())
    # Longest first: similar lengths share a batch (little padding) and the ETA errs on the safe side.
    order = sorted(range(len(firsts)), key=lambda g: -len(texts[firsts[g]]))
    done = offset
    pending_ids: list[str] = []
    pending_vectors: list[np.ndarray] = []
    last_commit = time.monotonic()
    every = float(setting("MIXMAP_COMMIT_SECONDS") or COMMIT_SECONDS)

    def commit() -> None:
        nonlocal last_commit
        if pending_ids:
            dataset.add_vectors(key, list(pending_ids), np.concatenate(pending_vectors))
            pending_ids.clear()
            pending_vectors.clear()
        last_commit = time.monotonic()

    try:
        for start in range(0, len(order), batch_size):
            chunk = order[start : start + batch_size]
            vectors = np.asarray(embedder.embed([texts[firsts[g]] for g in chunk]), dtype=np.float32)
            out_ids, out_rows = [], []
            for g, vec_index in zip(chunk, range(len(chunk))):
                for member in members_of[g]:
                    out_ids.append(ids[member])
                    out_rows.append(vec_index)
            pending_vectors.append(vectors[out_rows])
            pending_ids.extend(out_ids)
            done += len(out_rows)
            # Commit every COMMIT_ROWS rows or COMMIT_SECONDS: a crash loses at most that much work, and a fast
            # embedder does not make thousands of tiny commits (each one a fragment every later scan opens).
            if len(pending_ids) >= COMMIT_ROWS or time.monotonic() - last_commit >= every:
                commit()
            if progress:
                progress(done, total_rows)
    except BaseException:
        commit()  # an error or Ctrl-C keeps the batches already embedded
        raise
    commit()
    dataset.compact_vectors(key)
    return len(firsts)


def embed_prompts(dataset, embedder: Embedder, *, batch_size: int = 512, progress: Progress | None = None) -> dict:
    """Prompt-side vectors (see mixmap.core.embed.prompts) for every row that has none yet; returns counts.

    Rows without a separate prompt get a copy of their text vector, so embed the text first. Nothing is done
    for a dataset none of whose sources separates a prompt (one text column).
    """
    import pyarrow.compute as pc

    from mixmap.core.embed.prompts import may_have_prompts, prompt_key, prompt_rows

    key = model_key(embedder.name)
    if not may_have_prompts(dataset):
        return {"model": embedder.name, "prompt_rows": 0, "embedded": 0, "copied": 0}
    pkey = prompt_key(key)
    done_ids = dataset.embedded_ids(pkey)
    rows = dataset.read_rows(["id", "source", "text", "meta"])
    if len(done_ids):
        rows = rows.filter(pc.invert(pc.is_in(rows.column("id"), value_set=done_ids)))
    prompts = prompt_rows(dataset, rows)
    ids = rows.column("id").to_pylist()
    asked = [(i, p) for i, p in zip(ids, prompts) if p is not None]
    plain = [i for i, p in zip(ids, prompts) if p is None]
    if plain:  # no separate prompt: the text is what is asked, and its vector is already there
        for start in range(0, len(plain), COMMIT_ROWS):
            got, vectors = dataset.read_vectors(model_key=key, ids=plain[start:start + COMMIT_ROWS])
            if got:
                dataset.add_vectors(pkey, got, vectors)
    if asked:
        _embed_into(dataset, pkey, [i for i, _ in asked], [p for _, p in asked], embedder, batch_size=batch_size,
                    progress=progress)
    elif progress:
        progress(1, 1)
    with_prompt = int(dataset.meta.get("prompt_rows") or 0) + len(asked)
    dataset.update_meta(prompt_vectors=key, prompt_rows=with_prompt)
    return {"model": embedder.name, "prompt_rows": with_prompt, "embedded": len(asked), "copied": len(plain)}
