"""Planted duplicates for the dedup store, CLI and page tests: which rows are copies of which is known."""
from __future__ import annotations

import random
from pathlib import Path

from tests.conftest import TOPICS, write_jsonl

SCRIPT = '<script>alert("x")</script> <img src=x onerror=alert(1)> **bold** [link](javascript:alert(2))'


def _row(topic: str, i: int, rng: random.Random, n_words: int = 40) -> dict:
    words = TOPICS[topic].split()
    return {"instruction": f"Write about {topic} number {i}", "input": "",
            "output": " ".join(rng.choice(words) + str(rng.randrange(50)) for _ in range(n_words))}


def planted_rows(seed: int = 3) -> tuple[list[dict], dict[str, list[int]]]:
    """40 distinct rows, then copies. Returns (rows, groups) with groups[name] = row positions of the planted
    group, the original first:
      exact3:  row 0 and two verbatim copies               (exact, minhash, semantic)
      case:    row 1 and a copy in upper case, punctuation added  (exact after normalising)
      near_k:  rows 2..5 and a copy with one word replaced  (minhash, not exact)
      script:  a row of markup and a one-word-edited copy   (minhash; the page must show it as text)
    The distinct rows draw numbered words from one topic each, so unrelated rows share almost no 3-grams."""
    rng = random.Random(seed)
    rows = [_row(topic, i, rng) for i in range(10) for topic in TOPICS]
    groups: dict[str, list[int]] = {"exact3": [0], "case": [1]}
    for _ in range(2):
        rows.append(dict(rows[0]))
        groups["exact3"].append(len(rows) - 1)
    rows.append({**rows[1], "output": rows[1]["output"].upper() + "!!"})
    groups["case"].append(len(rows) - 1)
    for k in range(2, 6):
        words = rows[k]["output"].split()
        words[20] = "replaced"
        rows.append({**rows[k], "output": " ".join(words)})
        groups[f"near_{k}"] = [k, len(rows) - 1]
    script = {"instruction": "Explain this markup", "input": SCRIPT,
              "output": "It is an HTML script tag followed by an image tag whose error handler runs code, "
                        "then markdown bold text and a link that points at a javascript url in the page"}
    rows.append(script)
    rows.append({**script, "output": script["output"].replace("image", "picture")})
    groups["script"] = [len(rows) - 2, len(rows) - 1]
    return rows, groups


def write_planted(folder: Path) -> tuple[Path, dict[str, list[int]]]:
    rows, groups = planted_rows()
    return write_jsonl(folder / "planted.jsonl", rows), groups


def ids_by_position(dataset) -> list[str]:
    """Row ids in file order (row_index), to translate planted positions into ids."""
    table = dataset.read_rows(["id", "row_index"]).sort_by("row_index")
    return table.column("id").to_pylist()


def planted_dataset(workspace, folder: Path, embedder, *, mapped: bool):
    """(dataset "dups", {group name: [ids, original first]}): the 49 planted rows ingested and embedded with
    `embedder`; also projected and clustered when `mapped`."""
    from mixmap.core.build.pipeline import build_dataset
    from mixmap.core.embed.stage import embed_dataset
    from mixmap.core.ingest.files import ingest_into

    path, groups = write_planted(folder)
    ds = workspace.dataset("dups", create=True)
    ingest_into(ds, path)
    if mapped:
        build_dataset(ds, embedder)
    else:
        embed_dataset(ds, embedder)
    ids = ids_by_position(ds)
    return ds, {name: [ids[p] for p in members] for name, members in groups.items()}
