"""Concurrency: two app sessions and a CLI mark the same dataset at once, 1,000 actions each, and no mark is lost.

Three processes (tests/marking_worker.py): two mark through `apply_marks` as the Map page does, one runs
`mixmap mark`. Even actions set include / exclude / clear on rows only that curator touches; odd actions tag
rows all three share, each with its own tag, so a lost read-modify-write shows as a missing tag. At the end
every action's effect is present and the history holds every action once. MIXMAP_CONCURRENCY_OPS changes the
number of actions per curator.
"""
from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import time

from mixmap.core.ingest.files import ingest_into
from mixmap.core.store.marks import read_marks
from mixmap.core.store.workspace import Workspace
from tests.conftest import ROOT, write_jsonl

OPS = int(os.environ.get("MIXMAP_CONCURRENCY_OPS", "1000"))
ROLES = ("app1", "app2", "cli")
MARKS = ("include", "exclude", "")


def plan_for(curator: int, role: str, own: list[str], shared: list[str]) -> list[dict]:
    ops = []
    for k in range(OPS):
        tag = f"{role}.{k}"
        if k % 2 == 0:
            start = (k // 2 * 3) % len(own)
            ops.append({"ids": own[start:start + 3], "mark": MARKS[(k // 2 + curator) % 3], "tag": tag,
                        "message": f"{role} marks {k}"})
        else:
            start = (k * 7 + curator * 5) % (len(shared) - 4)
            ops.append({"ids": shared[start:start + 4], "mark": None, "tag": tag, "message": f"{role} tags {k}"})
    return ops


def expected_state(plans: dict[str, list[dict]]) -> dict[str, tuple[str, frozenset]]:
    """Replays each curator's actions in its own order: own rows are one curator's; shared rows only get tags."""
    state: dict[str, tuple[str, frozenset]] = {}
    for ops in plans.values():
        for op in ops:
            for row_id in op["ids"]:
                mark, tags = state.get(row_id, ("", frozenset()))
                state[row_id] = (mark if op["mark"] is None else op["mark"], tags | {op["tag"]})
    return state


def test_two_app_sessions_and_the_cli_lose_no_marks(tmp_path):
    ws = Workspace(tmp_path / "ws")
    ds = ws.dataset("d", create=True)
    ingest_into(ds, write_jsonl(tmp_path / "rows.jsonl", [{"text": f"row {i}"} for i in range(600)]))
    ids = ds.read_rows(["id"]).column("id").to_pylist()
    shared = ids[:60]
    plans = {role: plan_for(n, role, ids[60 + n * 150: 60 + (n + 1) * 150], shared) for n, role in enumerate(ROLES)}
    with contextlib.ExitStack() as stack:
        procs = []
        for role in ROLES:
            plan_file = tmp_path / f"{role}.json"
            plan_file.write_text(json.dumps({"dataset": "d", "ops": plans[role]}))
            log = stack.enter_context(open(tmp_path / f"{role}.log", "w"))
            procs.append((role, subprocess.Popen(
                [sys.executable, "-m", "tests.marking_worker", "cli" if role == "cli" else "app", str(ws.root),
                 str(plan_file)], cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, env=dict(os.environ, MIXMAP_WARMUP="0"))))
        started = time.time()
        (tmp_path / "START").touch()
        try:
            for role, proc in procs:
                proc.wait(timeout=3600)
                assert proc.returncode == 0, f"{role}: {(tmp_path / f'{role}.log').read_text()[-3000:]}"
        finally:
            for _, proc in procs:
                if proc.poll() is None:
                    proc.kill()
                    proc.wait()
    print(f"{3 * OPS} marking actions from 3 processes in {time.time() - started:.1f}s")

    got = {r["id"]: (r["mark"] or "", frozenset(r["tags"] or ())) for r in read_marks(ds).to_pylist()}
    expected = expected_state(plans)
    lost = {i: (expected[i], got.get(i)) for i in expected if got.get(i) != expected[i]}
    assert not lost, f"{len(lost)} rows lost marks or tags, e.g. {list(lost.items())[:2]}"
    assert set(got) == set(expected)
    log = ds.marks_log()
    versions = log.column("version").to_pylist()
    assert sorted(versions) == list(range(1, 3 * OPS + 1)), "every action is one version, none lost or shared"
    messages = log.column("message").to_pylist()
    assert sorted(messages) == sorted(op["message"] for ops in plans.values() for op in ops)


def test_concurrent_ingests_of_one_file_store_it_once(tmp_path):
    """Four curators ingest the same file into the same dataset at the same moment: its rows are stored once.
    (Each ingest checks which ids are stored, then appends; mixmap.core.ingest.files serialises that per dataset.) The
    processes are held at a barrier just before they append (tests/together.py), so the race is certain."""
    ws = Workspace(tmp_path / "ws")
    ingest_into(ws.dataset("d", create=True), write_jsonl(tmp_path / "seed.jsonl", [{"text": "seed row"}]))
    data = write_jsonl(tmp_path / "rows.jsonl", [{"text": f"row {i}"} for i in range(5000)])
    barrier = tmp_path / "barrier"
    barrier.mkdir()
    cmd = [sys.executable, "-m", "tests.together", str(barrier), "--", "--workspace", str(ws.root), "ingest",
           str(data), "--dataset", "d", "--json"]
    procs = [subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, text=True) for _ in range(4)]
    # Release them when all four have arrived, or when arrivals stop for 3 s (one holds the lock, the rest
    # wait for it: then they go one by one).
    arrived, changed = 0, time.time()
    while arrived < 4 and time.time() - changed < (3 if arrived else 120):
        time.sleep(0.05)
        now = len(list(barrier.glob("arrived-*")))
        if now != arrived:
            arrived, changed = now, time.time()
    (barrier / "GO").touch()
    added = 0
    for proc in procs:
        out, _ = proc.communicate(timeout=600)
        assert proc.returncode == 0
        added += json.loads(out)["added"]
    ids = ws.dataset("d").read_rows(["id"]).column("id").to_pylist()
    assert len(ids) - len(set(ids)) == 0, f"{len(ids) - len(set(ids))} rows stored twice"
    assert added == 5000 and len(ids) == 5001
