"""Crash trials: run a `mixmap` command in a subprocess, kill -9 it at a random moment, rerun it, and check
that nothing was lost or duplicated. Used by tests/test_crash.py (a CI-sized set) and bench/crash_trials.py.

Each stage keeps its own invariants:
  ingest  every file is one commit (after a kill the row count is a sum of whole files); the rerun stores each
          row exactly once;
  embed   every batch is one commit (after a kill the vector count is a whole number of batches); the rerun
          embeds only the rest, and every row has exactly one vector;
  build   the rerun leaves one vector, one map position and one cluster per row, and cluster labels;
  mark    the marks equal the actions replayed in order; the marks table and its history agree;
  export  the target path only ever holds a complete export (a watcher reads it while the process runs and
          is killed); the rerun writes exactly the expected rows, and the manifest matches the file.
"""
from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow.parquet as pq

from mixmap.core.ingest.files import ingest_file, ingest_into
from mixmap.core.store.marks import apply_marks, marks_version, read_marks
from mixmap.core.store.workspace import Workspace

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Trial:
    stage: str
    number: int
    delay: float
    killed: bool = False
    seconds: float = 0.0
    after_kill: dict = field(default_factory=dict)


class CrashHarness:
    """Prepared data and workspaces for the trials, all under `folder`; `seed` makes the kill points repeatable."""

    def __init__(self, folder: Path, *, seed: int, rows: int = 9_000, small_rows: int = 400, env: dict | None = None):
        self.folder = Path(folder)
        self.seed = seed
        self.rng = random.Random(seed)
        self.env = dict(env or os.environ)
        self.env.setdefault("MIXMAP_WARMUP", "0")
        self.trials: list[Trial] = []
        self.estimate: dict[str, float] = {"ingest": 4.0, "embed": 6.0, "build": 25.0, "mark": 3.0, "export": 5.0}
        self.files = [self._write_rows(self.folder / f"part{i}.jsonl", rows // 3, offset=i * (rows // 3)) for i in range(3)]
        self.expected_ids = {}
        for path in self.files:
            self.expected_ids[path.name] = ingest_file(path).rows.column("id").to_pylist()
        self.small_file = self._write_rows(self.folder / "small.jsonl", small_rows, offset=10**6)

    # ---- data ------------------------------------------------------------------------------------------
    @staticmethod
    def _write_rows(path: Path, n: int, *, offset: int) -> Path:
        topics = ["bread oven flour yeast", "python loop list dict", "stock bond budget tax", "orbit star moon comet"]
        with path.open("w", encoding="utf-8") as fh:
            for i in range(offset, offset + n):
                words = topics[i % 4].split()
                body = " ".join(words[(i * 7 + k) % 4] for k in range(12))
                fh.write(json.dumps({"instruction": f"Question {i} about {words[0]}", "output": f"{body} {i}"}) + "\n")
        return path

    def template(self, name: str, builder: Callable[[Workspace], None]) -> Path:
        """A workspace made once (in this process) and copied for each trial."""
        path = self.folder / "templates" / name
        if not path.exists():
            builder(Workspace(path))
        return path

    def copy(self, template: Path, name: str) -> Path:
        target = self.folder / "trials" / name
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(template, target)
        return target

    def ingested(self) -> Path:
        def build(ws):
            ds = ws.dataset("d", create=True)
            for path in self.files:
                ingest_into(ds, path)
        return self.template("ingested", build)

    def small(self) -> Path:
        return self.template("small", lambda ws: ingest_into(ws.dataset("d", create=True), self.small_file))

    # ---- running and killing ---------------------------------------------------------------------------
    def cli(self, workspace: Path, *args: str) -> list[str]:
        return [sys.executable, "-m", "mixmap.cli", "--workspace", str(workspace), *args]

    def run(self, cmd: list[str], *, stage: str | None = None) -> dict:
        started = time.time()
        proc = subprocess.run(cmd, cwd=ROOT, env=self.env, capture_output=True, text=True, timeout=600, check=False)
        if proc.returncode != 0:
            raise AssertionError(f"seed {self.seed}: {' '.join(cmd[3:])} exited {proc.returncode}:\n{proc.stderr[-3000:]}")
        if stage:
            self.estimate[stage] = time.time() - started
        return json.loads(proc.stdout) if "--json" in cmd else {}

    def run_killed(self, cmd: list[str], trial: Trial, *, wait_for: Callable[[], bool] | None = None) -> None:
        """Start `cmd`; kill -9 it `trial.delay` s after start (or after `wait_for()` first holds)."""
        started = time.time()
        with open(self.folder / "killed.log", "a") as log:
            proc = subprocess.Popen(cmd, cwd=ROOT, env=self.env, stdout=subprocess.DEVNULL, stderr=log)
            if wait_for is not None:
                while proc.poll() is None and not wait_for() and time.time() - started < 300:
                    time.sleep(0.005)
            deadline = time.time() + trial.delay
            while proc.poll() is None and time.time() < deadline:
                time.sleep(0.005)
            if proc.poll() is None:
                os.kill(proc.pid, signal.SIGKILL)
                trial.killed = True
            proc.wait(60)
        if not trial.killed and proc.returncode != 0:
            raise AssertionError(f"seed {self.seed}: {' '.join(cmd[3:])} failed before it was killed (see killed.log)")
        trial.seconds = time.time() - started

    def new_trial(self, stage: str, *, late: bool = False) -> Trial:
        """A trial whose kill comes at a random share of the stage's last full run (`late`: its second half,
        where the work is done after the process has started up)."""
        number = sum(t.stage == stage for t in self.trials) + 1
        low, high = (0.5, 1.05) if late else (0.05, 0.95)
        trial = Trial(stage, number, delay=self.rng.uniform(low, high) * self.estimate[stage])
        self.trials.append(trial)
        return trial

    def fail(self, trial: Trial, message: str) -> AssertionError:
        return AssertionError(f"seed {self.seed}, {trial.stage} trial {trial.number} (kill after {trial.delay:.2f}s, "
                              f"killed={trial.killed}): {message}")

    # ---- stages ----------------------------------------------------------------------------------------
    def ingest_trial(self) -> Trial:
        trial = self.new_trial("ingest")
        ws = self.folder / "trials" / f"ingest{trial.number}"
        shutil.rmtree(ws, ignore_errors=True)
        cmd = self.cli(ws, "ingest", *map(str, self.files), "--dataset", "d", "--json")
        self.run_killed(cmd, trial)
        sizes = [len(self.expected_ids[p.name]) for p in self.files]
        count = Workspace(ws).dataset("d", create=True).count()
        trial.after_kill = {"rows": count}
        if count not in {sum(sizes[:k]) for k in range(len(sizes) + 1)}:
            raise self.fail(trial, f"{count} rows after the kill: not a sum of whole files {sizes}")
        self.run(cmd, stage="ingest")
        ds = Workspace(ws).dataset("d")
        ids = ds.read_rows(["id"]).column("id").to_pylist()
        expected = [i for p in self.files for i in self.expected_ids[p.name]]
        if len(ids) != len(set(ids)) or set(ids) != set(expected):
            raise self.fail(trial, f"{len(ids)} rows ({len(set(ids))} distinct) after the rerun, expected {len(expected)}")
        if len(ds.meta["sources"]) != len(self.files):
            raise self.fail(trial, f"manifest lists {len(ds.meta['sources'])} sources")
        return trial

    def embed_trial(self, *, batch: int = 250) -> Trial:
        trial = self.new_trial("embed")
        ws = self.copy(self.ingested(), f"embed{trial.number}")
        vec_folder = ws / "lance"
        marker = (lambda: any(vec_folder.glob("d__vec_*"))) if trial.number % 2 == 0 else None
        if marker:
            trial.delay = self.rng.uniform(0, 0.5) * self.estimate["embed"]
        self.run_killed(self.cli(ws, "embed", "d", "--fast", "--batch-size", str(batch), "--json"), trial, wait_for=marker)
        ds = Workspace(ws).dataset("d")
        total = ds.count()
        done = ds.count_vectors() if ds.meta.get("model_key") else 0
        trial.after_kill = {"vectors": done}
        if done % batch and done != total:
            raise self.fail(trial, f"{done} vectors after the kill: not whole batches of {batch}")
        out = self.run(self.cli(ws, "embed", "d", "--fast", "--batch-size", str(batch), "--json"), stage="embed")
        if out["embedded"] != total - done:
            raise self.fail(trial, f"the rerun embedded {out['embedded']} rows, expected the {total - done} left")
        ids, _ = ds.read_vectors()
        rows = ds.read_rows(["id"]).column("id").to_pylist()
        if len(ids) != len(set(ids)) or set(ids) != set(rows):
            raise self.fail(trial, f"{len(ids)} vectors ({len(set(ids))} distinct) for {len(rows)} rows")
        return trial

    def build_trial(self) -> Trial:
        trial = self.new_trial("build")
        ws = self.copy(self.small(), f"build{trial.number}")
        cmd = self.cli(ws, "build", "d", "--fast", "--batch-size", "100", "--json")
        # Trials take turns: a random moment, or just after the map, or just after the clusters start to be
        # written (the windows between a stage's writes, which a random moment rarely hits).
        frame = (None, "layout", "clusters")[(trial.number - 1) % 3]
        marker = None
        if frame:
            marker = lambda: (ws / "lance" / f"d__{frame}.lance").exists()
            trial.delay = self.rng.uniform(0, 0.6)
        self.run_killed(cmd, trial, wait_for=marker)
        ds = Workspace(ws).dataset("d")
        trial.after_kill = {"layout": ds.has_frame("layout"), "clusters": ds.has_frame("clusters"),
                            "cluster_info": ds.has_frame("cluster_info")}
        self.run(cmd, stage="build")
        self.check_built(trial, ws)
        return trial

    def run_dying(self, point: str, nth: int, args: list[str], trial: Trial) -> None:
        """Run `mixmap ARGS` so that it kill -9s itself just before the nth call of `point` (tests/crash_at.py)."""
        cmd = [sys.executable, "-m", "tests.crash_at", point, str(nth), "--", *args]
        proc = subprocess.run(cmd, cwd=ROOT, env=self.env, capture_output=True, text=True, timeout=600, check=False)
        trial.killed = proc.returncode == -signal.SIGKILL
        if proc.returncode not in (0, -signal.SIGKILL):
            raise self.fail(trial, f"failed before the crash point: {proc.stderr[-2000:]}")

    def build_crash_at(self, point: str) -> Trial:
        """A build killed just before `point` (e.g. "write_frame:cluster_info"), then rerun: the same checks."""
        trial = Trial("build", sum(t.stage == "build" for t in self.trials) + 1, delay=0.0)
        self.trials.append(trial)
        trial.after_kill = {"point": point}
        ws = self.copy(self.small(), f"build-at-{point.replace(':', '-')}")
        self.run_dying(point, 1, ["--workspace", str(ws), "build", "d", "--fast", "--batch-size", "100"], trial)
        if not trial.killed:
            raise self.fail(trial, f"the build never reached {point}")
        self.run(self.cli(ws, "build", "d", "--fast", "--batch-size", "100", "--json"))
        self.check_built(trial, ws)
        return trial

    def check_built(self, trial: Trial, ws: Path) -> None:
        ds = Workspace(ws).dataset("d")
        rows = set(ds.read_rows(["id"]).column("id").to_pylist())
        ids, _ = ds.read_vectors()
        for what, got in (("vectors", ids), ("layout", ds.read_frame("layout").column("id").to_pylist()),
                          ("clusters", ds.read_frame("clusters").column("id").to_pylist())):
            if len(got) != len(set(got)) or set(got) != rows:
                raise self.fail(trial, f"{what}: {len(got)} ids ({len(set(got))} distinct) for {len(rows)} rows")
        info = ds.read_frame("cluster_info")
        if info is None or sum(info.column("size").to_pylist()) != len(rows):
            raise self.fail(trial, "cluster labels (cluster_info) missing or not covering every row after the rerun")
        if not ds.meta.get("project") or not ds.meta.get("cluster"):
            raise self.fail(trial, "the manifest lacks the project / cluster parameters after the rerun")

    def mark_trial(self, state: dict, *, crash_at: str | None = None) -> Trial:
        """Marking on one shared workspace; `state` carries it and the expected marks between trials."""
        trial = self.new_trial("mark", late=sum(t.stage == "mark" for t in self.trials) % 2 == 1)
        if "ws" not in state:
            state["ws"] = self.copy(self.ingested(), "mark")
            state["ids"] = Workspace(state["ws"]).dataset("d").read_rows(["id"]).column("id").to_pylist()
            state["expected"] = {}
        ws, ids, expected = state["ws"], state["ids"], state["expected"]
        chosen = self.rng.sample(ids, 800)
        mark = self.rng.choice(["include", "exclude", "clear"])
        ids_file = self.folder / f"mark{trial.number}.txt"
        ids_file.write_text("\n".join(chosen) + "\n")
        cmd = self.cli(ws, "mark", "d", "--ids-file", str(ids_file), f"--{mark}", "--tag", f"t{trial.number}",
                       "-m", f"trial {trial.number}", "--json")
        before = marks_version(Workspace(ws).dataset("d"))
        if crash_at:  # killed exactly before that write, e.g. after the history row, before the marks table
            self.run_dying(crash_at, 1, cmd[3:], trial)
        else:
            self.run_killed(cmd, trial)
        trial.after_kill = {"action_logged": marks_version(Workspace(ws).dataset("d")) > before}
        self.run(cmd, stage="mark")
        for row_id in chosen:
            _, old_tags = expected.get(row_id, ("", ()))
            tags = old_tags if f"t{trial.number}" in old_tags else (*old_tags, f"t{trial.number}")
            expected[row_id] = ("" if mark == "clear" else mark, tags)
        ds = Workspace(ws).dataset("d")
        got = {r["id"]: (r["mark"] or "", tuple(r["tags"] or ())) for r in read_marks(ds).to_pylist()}
        if got != expected:
            missing = [i for i in expected if got.get(i) != expected[i]][:3]
            raise self.fail(trial, f"marks differ from the actions replayed (first: {missing})")
        stored = ds.marks_state().column("id").to_pylist()
        if len(stored) != len(set(stored)):
            raise self.fail(trial, "the marks table holds an id twice")
        versions = ds.marks_log().column("version").to_pylist()
        if len(versions) != len(set(versions)):
            raise self.fail(trial, "two marks versions share a number")
        replayed = {r["id"]: (r["mark"] or "", tuple(r["tags"] or ()))
                    for r in read_marks(ds, version=marks_version(ds)).to_pylist()}
        if replayed != got:
            raise self.fail(trial, "the marks table and its history disagree")
        return trial

    def export_trial(self, state: dict) -> Trial:
        """Exports on one shared workspace whose marks change before each trial; a watcher reads the target."""
        trial = self.new_trial("export")
        fmt = "jsonl" if trial.number % 3 else "parquet"
        if "ws" not in state:
            state["ws"] = self.copy(self.ingested(), "export")
            state["complete"] = {}
        ws = state["ws"]
        ds = Workspace(ws).dataset("d")
        ids = ds.read_rows(["id"]).column("id").to_pylist()
        apply_marks(ds, self.rng.sample(ids, 500), mark="exclude", message=f"before export {trial.number}")
        excluded = {r["id"] for r in read_marks(ds).to_pylist() if r["mark"] == "exclude"}
        expected = frozenset(ids) - excluded
        out = ws / f"export.{fmt}"
        acceptable = {state["complete"].get(fmt), expected} - {None}
        seen: list[str] = []
        stop = threading.Event()

        def watch():
            last = None
            while not stop.is_set():
                try:
                    stat = out.stat()
                    key = (stat.st_ino, stat.st_size, stat.st_mtime_ns)
                    if key != last:  # a new file or a change in place: read it whole, once
                        last = key
                        got = read_export(out)
                        if got not in acceptable:
                            seen.append(f"{len(got)} rows, not a complete export")
                except FileNotFoundError:
                    pass
                except Exception as exc:  # noqa: BLE001 - a partial file fails to parse: that is the finding
                    seen.append(f"unreadable: {exc}")
                time.sleep(0.001)

        watcher = threading.Thread(target=watch, daemon=True)
        watcher.start()
        marker = None
        if trial.number % 2 == 0:  # kill while the temporary file is being written
            marker = lambda: any(ws.glob(f".export.{fmt}.*.tmp"))
            trial.delay = self.rng.uniform(0, 0.3) * self.estimate["export"]
        cmd = self.cli(ws, "export", "d", "--out", str(out), "--force", "--json")  # over the last trial's
        try:
            self.run_killed(cmd, trial, wait_for=marker)
            trial.after_kill = {"target": "absent" if not out.exists() else
                                "new" if read_export(out) == expected else "previous"}
            manifest_file = ws / f"export.{fmt}.manifest.json"
            if out.exists() and manifest_file.exists():
                described = json.loads(manifest_file.read_text())["output"]["sha256"]
                trial.after_kill["manifest_matches"] = described == sha256_of(out)
            self.run(cmd, stage="export")
        finally:
            stop.set()
            watcher.join()
        if seen:
            raise self.fail(trial, f"the target path held a partial export: {seen[:3]}")
        got = read_export(out)
        if got != expected:
            raise self.fail(trial, f"the rerun exported {len(got)} rows, expected {len(expected)}")
        manifest = json.loads((ws / f"export.{fmt}.manifest.json").read_text())
        if set(manifest["ids"]) != expected or manifest["counts"]["rows_exported"] != len(expected):
            raise self.fail(trial, "the manifest does not describe the file")
        state["complete"][fmt] = expected
        return trial

    def export_crash_at_manifest(self, state: dict) -> Trial:
        """An export killed after its file is renamed into place, before the manifest is written beside it:
        the manifest there may be missing, but must never describe another file."""
        trial = Trial("export", sum(t.stage == "export" for t in self.trials) + 1, delay=0.0)
        self.trials.append(trial)
        if "ws" not in state:
            state["ws"] = self.copy(self.ingested(), "export")
            state["complete"] = {}
        ws = state["ws"]
        ds = Workspace(ws).dataset("d")
        out = ws / "export.jsonl"
        self.run(self.cli(ws, "export", "d", "--out", str(out), "--force", "--json"))  # a previous, complete export
        apply_marks(ds, self.rng.sample(ds.read_rows(["id"]).column("id").to_pylist(), 300), mark="exclude")
        self.run_dying("mixmap.core.export.write.write_json_atomic", 1, ["--workspace", str(ws), "export", "d", "--out", str(out),
                       "--force"], trial)
        manifest_file = ws / "export.jsonl.manifest.json"
        trial.after_kill = {"manifest": manifest_file.exists()}
        if manifest_file.exists():
            described = json.loads(manifest_file.read_text())["output"]["sha256"]
            if described != sha256_of(out):
                raise self.fail(trial, "the manifest beside the export describes the previous file")
        self.run(self.cli(ws, "export", "d", "--out", str(out), "--force", "--json"))
        return trial

    def leftover_temp_files(self) -> list[str]:
        return sorted(str(p.relative_to(self.folder)) for p in self.folder.rglob(".*.tmp"))

    def summary(self) -> dict:
        by_stage: dict[str, dict] = {}
        for t in self.trials:
            entry = by_stage.setdefault(t.stage, {"trials": 0, "killed": 0, "seconds": 0.0})
            entry["trials"] += 1
            entry["killed"] += int(t.killed)
            entry["seconds"] = round(entry["seconds"] + t.seconds, 1)
        return {"seed": self.seed, "trials": len(self.trials), "killed": sum(t.killed for t in self.trials),
                "stages": by_stage, "leftover_temp_files": len(self.leftover_temp_files())}


def sha256_of(path: Path) -> str:
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest()


def read_export(path: Path) -> frozenset[str]:
    """The ids in a complete export file; raises on a partial or unreadable file."""
    if path.suffix == ".parquet":
        return frozenset(pq.read_table(path, columns=["id"]).column("id").to_pylist())
    data = path.read_bytes()
    if data and not data.endswith(b"\n"):
        raise ValueError("the last line is cut off")
    return frozenset(json.loads(line)["id"] for line in data.decode("utf-8").splitlines())
