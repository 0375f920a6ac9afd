"""Crash safety: kill -9 at random moments during ingest, embed, build, marking and export, then rerun: no row
lost or duplicated, and an export target never holds a partial file. Plus kills exactly between two writes
(tests/crash_at.py), where a random moment rarely lands. The trials live in tests/crash.py;
bench/crash_trials.py runs more of them. MIXMAP_CRASH_SEED repeats a run's kill points."""
from __future__ import annotations

import os
import random

import pytest

from tests.crash import CrashHarness

TRIALS = {"ingest": 5, "embed": 4, "build": 1, "mark": 6, "export": 5}


@pytest.fixture(scope="module")
def harness(tmp_path_factory, model_cache):
    from mixmap.core.embed.static_model import StaticEmbedder

    StaticEmbedder.load_or_distill(cache_dir=model_cache)  # distil once here, not inside a killed process
    seed = int(os.environ.get("MIXMAP_CRASH_SEED") or random.randrange(1_000_000))
    print(f"crash trials: MIXMAP_CRASH_SEED={seed}")
    return CrashHarness(tmp_path_factory.mktemp("crash"), seed=seed)


def test_kill_9_during_ingest(harness):
    for _ in range(TRIALS["ingest"]):
        harness.ingest_trial()


def test_kill_9_during_embed(harness):
    for _ in range(TRIALS["embed"]):
        harness.embed_trial()


def test_kill_9_during_build(harness):
    for _ in range(TRIALS["build"]):
        harness.build_trial()


def test_kill_9_during_marking(harness):
    state: dict = {}
    for _ in range(TRIALS["mark"]):
        harness.mark_trial(state)
    harness.mark_trial(state, crash_at="append_marks_log")  # before the history row: the action never happened
    harness.mark_trial(state, crash_at="upsert_marks")  # history written, marks table not: repaired next time


def test_kill_9_during_export(harness):
    state: dict = {}
    for _ in range(TRIALS["export"]):
        harness.export_trial(state)


def test_kill_9_between_the_export_and_its_manifest(harness):
    harness.export_crash_at_manifest({})


def test_kill_9_between_the_cluster_writes(harness):
    harness.build_crash_at("write_frame:cluster_info")


def test_kill_9_between_the_layout_and_its_parameters(harness):
    harness.build_crash_at("update_meta:project")


def test_the_trials_really_killed(harness):
    summary = harness.summary()
    print(summary)
    assert summary["trials"] >= 20
    assert summary["killed"] >= summary["trials"] // 2, summary  # most commands died mid-way, not after
