"""A planted-slop dataset for the quality store, CLI and page tests: which cluster is slop is known.

Three topic clusters of plain human-style answers, one cluster of chat-model boilerplate answers, a few noise
rows, and one slop row whose text carries markup (the page must show it as text). Clusters and the map are
written directly (no UMAP / HDBSCAN), so building takes well under a second.
"""
from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pyarrow as pa

from tests.conftest import FakeEmbedder, write_jsonl

SCRIPT = '<script>alert("x")</script> <img src=x onerror=alert(1)> **bold**'
TOPIC_WORDS = {
    "bikes": "chain gear saddle brake tyre pedal spoke wheel frame bolt",
    "garden": "soil compost seed tomato weed shovel hose rake pot bean",
    "kitchen": "flour oven butter pan onion garlic salt dough lid spoon",
}
HUMAN_OPENERS = ["honestly i just", "we tried to", "my dad used to", "last week i had to", "no idea tbh but i"]
SLOP_PARTS = [
    "As an AI language model, I don't have personal opinions.",
    "It's important to note that this plays a crucial role in your journey.",
    "Let's delve into the rich tapestry of possibilities.",
    "It's not just about the result, but about the journey of growth.",
    "In conclusion, there is no one-size-fits-all solution.",
    "I hope this helps! Let me know if you have any other questions.",
    "Please consult a qualified professional for personalized advice.",
]
SLOP_CLUSTER = 3


def planted_rows(seed: int = 5, per_topic: int = 12, n_slop: int = 12) -> list[dict]:
    rng = random.Random(seed)
    rows = []
    for topic, vocab in TOPIC_WORDS.items():
        words = vocab.split()
        for i in range(per_topic):
            body = " ".join(rng.choice(words) for _ in range(14))
            rows.append({"instruction": f"How do I fix my {topic} problem {i}?", "input": "",
                         "output": f"{rng.choice(HUMAN_OPENERS)} {body}, worked fine after that",
                         "group": topic})
    for i in range(n_slop):
        parts = rng.sample(SLOP_PARTS, 5)
        rows.append({"instruction": f"Tell me something about topic {i}", "input": "",
                     "output": " ".join(parts) + (f" {SCRIPT}" if i == 0 else ""), "group": "slop"})
    for i in range(3):
        rows.append({"instruction": f"Odd one {i}", "input": "", "output": f"random reply number {i} with words",
                     "group": "noise"})
    return rows


def write_planted(folder: Path) -> Path:
    return write_jsonl(folder / "quality.jsonl", planted_rows())


def build_planted(workspace, path: Path, name: str = "qual"):
    """Ingest with the instruction template, embed with the fake embedder, write clusters and a map.

    Returns (dataset, {group: [ids]}), cluster ids: bikes 0, garden 1, kitchen 2, slop 3, noise -1."""
    from mixmap.core.build.cluster import label_clusters, write_clusters
    from mixmap.core.embed.stage import embed_dataset
    from mixmap.core.explore.view import parse_meta
    from mixmap.core.ingest.files import TextSpec, ingest_into

    ds = workspace.dataset(name, create=True)
    ingest_into(ds, path, spec=TextSpec(template="{instruction}\n{input}\n{output}"))
    embed_dataset(ds, FakeEmbedder())
    rows = ds.read_rows(["id", "text", "meta"]).to_pandas()
    groups = [parse_meta(m)["group"] for m in rows["meta"]]
    number = {"bikes": 0, "garden": 1, "kitchen": 2, "slop": SLOP_CLUSTER, "noise": -1}
    labels = np.array([number[g] for g in groups], dtype=np.int32)
    ids = rows["id"].tolist()
    write_clusters(ds, ids, labels, label_clusters(rows["text"].tolist(), labels))
    rng = np.random.default_rng(0)
    centres = {c: rng.normal(0, 10, 2) for c in set(labels.tolist())}
    xy = np.array([centres[c] + rng.normal(0, 0.5, 2) for c in labels])
    ds.write_frame("layout", pa.table({"id": ids, "x": xy[:, 0].astype(np.float32),
                                       "y": xy[:, 1].astype(np.float32)}))
    by_group: dict[str, list[str]] = {}
    for row_id, g in zip(ids, groups):
        by_group.setdefault(g, []).append(row_id)
    return ds, by_group
