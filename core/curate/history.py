"""What changed between two marks versions, counted overall, by cluster and by source (`mixmap history --diff`).

The versions themselves live in the store (mixmap.core.store.marks); this adds the cluster and source view,
which needs the build's cluster labels and so sits above the store.
"""
from __future__ import annotations

from collections import Counter

import pyarrow as pa
import pyarrow.compute as pc

from mixmap.core.build.cluster import NOISE_LABEL, read_cluster_info
from mixmap.core.store.marks import marks_at


def _label(state: tuple[str, tuple[str, ...]] | None) -> str:
    return (state[0] if state and state[0] else "unmarked")


def _transitions(old, new) -> list[str]:
    out = []
    if _label(old) != _label(new):
        out.append(f"{_label(old)} → {_label(new)}")
    old_tags, new_tags = set(old[1] if old else ()), set(new[1] if new else ())
    out += [f"+tag {t}" for t in sorted(new_tags - old_tags)] + [f"-tag {t}" for t in sorted(old_tags - new_tags)]
    return out


def diff_versions(dataset, a: int, b: int) -> dict:
    """What changed between two versions: transitions (e.g. "unmarked → exclude", "+tag x") counted overall,
    by cluster and by source."""
    old, new = marks_at(dataset, a), marks_at(dataset, b)
    changed = {}
    for row_id in old.keys() | new.keys():
        o = old.get(row_id, ("", ()))
        n = new.get(row_id, ("", ()))
        if (o[0], set(o[1])) != (n[0], set(n[1])):
            changed[row_id] = _transitions(o, n)
    rows = dataset.read_rows(["id", "source"], ids=list(changed)).to_pylist() if changed else []
    source_of = {r["id"]: r["source"] for r in rows}
    cluster_of, labels = _clusters(dataset, list(changed))
    total: Counter = Counter()
    by_cluster: dict[str, Counter] = {}
    by_source: dict[str, Counter] = {}
    for row_id, kinds in changed.items():
        cluster = labels.get(cluster_of.get(row_id), "not clustered")
        for kind in kinds:
            total[kind] += 1
            by_cluster.setdefault(cluster, Counter())[kind] += 1
            by_source.setdefault(source_of.get(row_id, "?"), Counter())[kind] += 1

    def table(groups: dict[str, Counter], key: str) -> list[dict]:
        return [{key: g, "change": k, "rows": n} for g in sorted(groups) for k, n in sorted(groups[g].items())]

    return {"dataset": dataset.name, "from": a, "to": b, "rows_changed": len(changed), "changes": dict(sorted(total.items())),
            "by_cluster": table(by_cluster, "cluster"), "by_source": table(by_source, "source")}


def _clusters(dataset, ids: list[str]) -> tuple[dict[str, int], dict[int | None, str]]:
    frame = dataset.read_frame("clusters")
    if frame is None or not ids:
        return {}, {}
    frame = frame.filter(pc.is_in(frame.column("id"), value_set=pa.array(ids, pa.string())))
    cluster_of = dict(zip(frame.column("id").to_pylist(), frame.column("cluster").to_pylist()))
    labels = {c["cluster"]: c["label"] for c in read_cluster_info(dataset)}
    labels.setdefault(-1, NOISE_LABEL)
    return cluster_of, labels
