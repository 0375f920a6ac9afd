"""Versioned marks: every marking action is a numbered version with a message and a time; undo and redo.

Storage (tables in mixmap.core.store.tables):
    marks       the current state: id, mark ("include" / "exclude" / ""), tags  (merge-inserted on id)
    marks_log   append-only, one row per version: version, ts, op ("mark" / "undo" / "redo" / "baseline"),
                target (the version an undo / redo acts on), message, action (JSON of the request), and the
                touched rows' states before and after (ids, before_mark, before_tags, after_mark, after_tags)

The log is the truth; the marks table is its materialisation. Each action, under a per-dataset file lock:
  1. repairs the marks table if a crash left it behind the log (the last materialised version is kept in
     datasets/<name>/marks_state.json), 2. appends its log row (one commit), 3. merge-inserts the rows'
     new states, 4. records the materialised version. Commit conflicts are retried (mixmap.core.store.atomic.with_retries).

Marks at any version are the log replayed up to it (each row stores absolute states, so replay is a dict
update per row). Undo writes back the "before" states of the latest effective action, redo its "after"
states; both are versions themselves, so history is never rewritten. Undo and redo are linear, as in an
editor: a new marking action after an undo drops the redo stack. A row with no mark and no tags counts as
unmarked and is left out of `read_marks`, so undoing restores exactly the marks as they were.
"""
from __future__ import annotations

import json
import time
from collections.abc import Iterable

import pyarrow as pa
import pyarrow.compute as pc

from mixmap.core.errors import StoreError
from mixmap.core.store.atomic import write_json_atomic
from mixmap.core.store.filters import compare
from mixmap.core.store.locks import dataset_lock
from mixmap.core.store.tables import MARK_VALUES, MARKS_SCHEMA

_TAGS = pa.list_(pa.string())
LOG_SCHEMA = pa.schema(
    [
        pa.field("version", pa.int64()),
        pa.field("ts", pa.float64()),
        pa.field("op", pa.string()),
        pa.field("target", pa.int64()),
        pa.field("message", pa.string()),
        pa.field("action", pa.string()),
        pa.field("ids", pa.list_(pa.string())),
        pa.field("before_mark", pa.list_(pa.string())),
        pa.field("before_tags", pa.list_(_TAGS)),
        pa.field("after_mark", pa.list_(pa.string())),
        pa.field("after_tags", pa.list_(_TAGS)),
    ]
)
# Every this many actions the marks tables are compacted: one fragment per action slows every scan down.
COMPACT_EVERY = 50
SUMMARY_COLUMNS = ["version", "ts", "op", "target", "message", "action"]
State = dict[str, tuple[str, tuple[str, ...]]]


class MarksError(StoreError):
    """Nothing to undo / redo, or a marks version that does not exist."""


def marks_lock(dataset):
    """Serialise marking actions on one dataset across threads and processes (re-entrant within a thread)."""
    return dataset_lock(dataset, "marks")


# ---- reading ------------------------------------------------------------------------------------------
def _log(dataset, columns: list[str] | None = None, where: str | None = None) -> pa.Table:
    """The log (only `columns`, only rows matching `where`), oldest first; migrates a legacy log once."""
    schema = dataset.read_frame("marks_log", where="FALSE")
    if schema is None:
        return LOG_SCHEMA.empty_table().select(columns or LOG_SCHEMA.names)
    if "version" not in schema.column_names:
        with marks_lock(dataset):
            _migrate_legacy(dataset)
    return dataset.read_frame("marks_log", columns, where=where).sort_by("version")


def marks_version(dataset) -> int:
    """The latest version (0 before the first marking action).

    Versions are 1, 2, ... n, each assigned as the previous one + 1 under the marks lock and appended in one
    atomic commit, so the latest is the log's row count: metadata only, where reading the log's versions
    scanned one fragment per action ever taken.
    """
    columns = dataset.frame_columns("marks_log")
    if columns is None:
        return 0
    if "version" not in columns:
        versions = _log(dataset, ["version"]).column("version")  # migrates the legacy log
        return int(pc.max(versions).as_py() or 0) if len(versions) else 0
    return dataset.count_frame_rows("marks_log")


def _state_table(state: State, ids: Iterable[str] | None = None, *, keep_cleared: bool = False) -> pa.Table:
    keys = sorted(state) if ids is None else sorted(set(ids) & state.keys())
    keys = [k for k in keys if keep_cleared or state[k][0] or state[k][1]]
    return pa.table({"id": pa.array(keys, pa.string()), "mark": pa.array([state[k][0] for k in keys], pa.string()),
                     "tags": pa.array([list(state[k][1]) for k in keys], _TAGS)}, schema=MARKS_SCHEMA)


def marks_at(dataset, version: int) -> State:
    """{id: (mark, tags)} as of `version`, by replaying the log's absolute after-states."""
    latest = marks_version(dataset)
    if version < 0 or version > latest:
        raise MarksError(f"{dataset.name} has marks versions 0..{latest}, not {version}")
    state: State = {}
    columns = ["version", "ids", "after_mark", "after_tags"]
    for entry in _log(dataset, columns, where=compare("version", "<=", int(version))).to_pylist():
        for row_id, mark, tags in zip(entry["ids"], entry["after_mark"], entry["after_tags"]):
            state[row_id] = (mark or "", tuple(tags or ()))
    return state


def read_marks(dataset, *, ids: Iterable[str] | None = None, version: int | None = None) -> pa.Table:
    """Marked rows (id, mark, tags), sorted by id; rows with no mark and no tags are left out."""
    if version is not None:
        return _state_table(marks_at(dataset, version), ids)
    # The table is derived from the log; a crash between a log append and its upsert leaves it behind (only
    # the next writer repairs it), so readers replay the log past the table's recorded position themselves.
    done, latest = _materialised(dataset), marks_version(dataset)
    table = dataset.marks_state()
    if done < latest:
        tail = _replay_after(dataset, done)
        table = pa.concat_tables([
            table.filter(pc.invert(pc.is_in(table.column("id"), value_set=pa.array(list(tail), pa.string())))),
            _state_table(tail, keep_cleared=True)]).cast(MARKS_SCHEMA)
    keep = pc.or_(pc.not_equal(pc.fill_null(table.column("mark"), ""), ""),
                  pc.greater(pc.fill_null(pc.list_value_length(table.column("tags")), 0), 0))
    table = table.filter(keep)
    if ids is not None:
        table = table.filter(pc.is_in(table.column("id"), value_set=pa.array(list(ids), pa.string())))
    return table.sort_by("id")


# ---- writing ------------------------------------------------------------------------------------------
def _state_path(dataset):
    return dataset.dir / "marks_state.json"


def _materialised(dataset) -> int:
    try:
        return int(json.loads(_state_path(dataset).read_text(encoding="utf-8"))["materialised"])
    except (OSError, ValueError, KeyError):
        return -1  # unknown: replay the whole log (idempotent)


def _upsert(dataset, ids: list[str], marks: list[str], tags: list[list[str]]) -> None:
    if ids:
        dataset.upsert_marks(pa.table({"id": ids, "mark": marks, "tags": pa.array(tags, _TAGS)}, schema=MARKS_SCHEMA))


def _replay_after(dataset, done: int) -> State:
    """{id: (mark, tags)} of the rows the log's versions after `done` touched, as of the latest version."""
    state: State = {}
    columns = ["version", "ids", "after_mark", "after_tags"]
    for entry in _log(dataset, columns, where=compare("version", ">", done)).to_pylist():
        for row_id, mark, tags in zip(entry["ids"], entry["after_mark"], entry["after_tags"]):
            state[row_id] = (mark or "", tuple(tags or ()))
    return state


def _repair(dataset) -> None:
    """Re-apply log rows the marks table missed (a crash between steps 2 and 3); caller holds the lock."""
    done = _materialised(dataset)
    latest = marks_version(dataset)
    if done >= latest:
        return
    state = _replay_after(dataset, done)
    keys = list(state)
    _upsert(dataset, keys, [state[k][0] for k in keys], [list(state[k][1]) for k in keys])
    write_json_atomic(_state_path(dataset), {"materialised": latest})


def _migrate_legacy(dataset) -> None:
    """A log from before versioning (no `version` column): start history with the current marks."""
    table = dataset.marks_log()
    if table is None or "version" in table.column_names:
        return
    current = read_marks(dataset).to_pylist()
    entry = _entry(1, "baseline", -1, "marks from before history was kept",
                   {"legacy_actions": table.num_rows, "rows": len(current)},
                   [r["id"] for r in current], [("", ())] * len(current),
                   [(r["mark"] or "", tuple(r["tags"] or ())) for r in current])
    dataset.write_frame("marks_log", entry)
    write_json_atomic(_state_path(dataset), {"materialised": 1})


def _entry(version: int, op: str, target: int, message: str, action: dict, ids: list[str],
           before: list[tuple[str, tuple[str, ...]]], after: list[tuple[str, tuple[str, ...]]]) -> pa.Table:
    return pa.Table.from_pylist([{
        "version": version, "ts": time.time(), "op": op, "target": target, "message": message or "",
        "action": json.dumps(action, sort_keys=True), "ids": ids,
        "before_mark": [b[0] for b in before], "before_tags": [list(b[1]) for b in before],
        "after_mark": [a[0] for a in after], "after_tags": [list(a[1]) for a in after],
    }], schema=LOG_SCHEMA)


def _commit(dataset, op: str, target: int, message: str, action: dict, ids: list[str],
            before: list, after: list) -> int:
    """Steps 2-4 of an action; the caller holds the lock and has repaired the table."""
    version = marks_version(dataset) + 1
    dataset.append_marks_log(_entry(version, op, target, message, action, ids, before, after))
    _upsert(dataset, ids, [a[0] for a in after], [list(a[1]) for a in after])
    write_json_atomic(_state_path(dataset), {"materialised": version})
    if version % COMPACT_EVERY == 0:
        for kind in ("marks_log", "marks"):
            dataset.compact_frame(kind)
    return version


def apply_marks(dataset, ids: Iterable[str], *, mark: str | None = None, add_tags: Iterable[str] = (),
                remove_tags: Iterable[str] = (), message: str = "") -> int:
    """Set include / exclude ("" clears) and add / remove tags on rows, as one new version. Returns rows touched."""
    if mark is not None and mark not in MARK_VALUES:
        raise MarksError(f"mark must be one of include, exclude or '' (clear), not {mark!r}")
    ids = list(dict.fromkeys(str(i) for i in ids))
    add_tags = list(dict.fromkeys(t.strip() for t in add_tags if t and t.strip()))
    removed = set(remove_tags)
    if not ids:
        return 0
    with marks_lock(dataset):
        _repair(dataset)
        current = {r["id"]: (r["mark"] or "", tuple(r["tags"] or ())) for r in read_marks(dataset, ids=ids).to_pylist()}
        before = [current.get(i, ("", ())) for i in ids]
        after = []
        for old_mark, old_tags in before:
            tags = [t for t in old_tags if t not in removed]
            tags += [t for t in add_tags if t not in tags]
            after.append((old_mark if mark is None else mark, tuple(tags)))
        action = {"rows": len(ids), "mark": mark, "add_tags": add_tags, "remove_tags": sorted(removed)}
        _commit(dataset, "mark", -1, message, action, ids, before, after)
    return len(ids)


def _stacks(log: pa.Table) -> tuple[list[int], list[int]]:
    """(done, redoable) version stacks after replaying the log's ops in order."""
    done: list[int] = []
    redo: list[int] = []
    for entry in log.select(["version", "op", "target"]).to_pylist():
        if entry["op"] == "mark":
            done.append(entry["version"])
            redo.clear()
        elif entry["op"] == "undo" and done and done[-1] == entry["target"]:
            redo.append(done.pop())
        elif entry["op"] == "redo" and redo and redo[-1] == entry["target"]:
            done.append(redo.pop())
    return done, redo


def _undo_redo(dataset, op: str, message: str) -> dict:
    with marks_lock(dataset):
        log = _log(dataset, ["version", "op", "target"])
        _repair(dataset)
        done, redo = _stacks(log)
        stack = done if op == "undo" else redo
        if not stack:
            raise MarksError(f"nothing to {op} in {dataset.name}")
        target = stack[-1]
        entry = _log(dataset, where=compare("version", "=", target)).to_pylist()[0]
        before = list(zip(entry["before_mark"], [tuple(t or ()) for t in entry["before_tags"]]))
        after = list(zip(entry["after_mark"], [tuple(t or ()) for t in entry["after_tags"]]))
        if op == "undo":
            before, after = after, before
        text = message or f"{op} v{target}" + (f": {entry['message']}" if entry["message"] else "")
        version = _commit(dataset, op, target, text, {"target": target, "rows": len(entry["ids"])}, entry["ids"],
                          before, after)
    return {"dataset": dataset.name, op: target, "message": entry["message"], "rows": len(entry["ids"]),
            "marks_version": version}


def undo(dataset, *, message: str = "") -> dict:
    """Undo the latest marking action not undone yet (a new version restoring the rows' earlier states)."""
    return _undo_redo(dataset, "undo", message)


def redo(dataset, *, message: str = "") -> dict:
    """Redo the most recently undone action, if no marking action happened since."""
    return _undo_redo(dataset, "redo", message)


def _describe(action: dict, op: str) -> str:
    if op in ("undo", "redo"):
        return f"{op} v{action.get('target')}"
    if op == "baseline":
        return "marks kept from before versioning"
    parts = [] if action.get("mark") is None else [f"{action['mark'] or 'clear'}"]
    parts += [f"+{t}" for t in action.get("add_tags") or []] + [f"-{t}" for t in action.get("remove_tags") or []]
    return f"{' '.join(parts) or 'no change'} on {action.get('rows', 0):,} rows"


def history(dataset) -> list[dict]:
    """One dict per version, oldest first: version, time (UTC), op, what, message, rows, undone, can_undo / redo."""
    log = _log(dataset, SUMMARY_COLUMNS)
    done, redo_stack = _stacks(log)
    out = []
    for entry in log.to_pylist():
        action = json.loads(entry["action"] or "{}")
        out.append({
            "version": entry["version"], "time": time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(entry["ts"])),
            "op": entry["op"], "target": None if entry["target"] < 0 else entry["target"],
            "what": _describe(action, entry["op"]), "message": entry["message"], "rows": int(action.get("rows", 0)),
            "undone": entry["version"] in redo_stack,
        })
    if out:
        out[-1]["next_undo"] = done[-1] if done else None
        out[-1]["next_redo"] = redo_stack[-1] if redo_stack else None
    return out


def marks_snapshot(dataset, version: int | None = None) -> dict:
    """Marks at a version as compact lists (for manifests): {"include": [...], "exclude": [...], "tags": {...}}."""
    table = read_marks(dataset, version=version).to_pylist()
    tags: dict[str, list[str]] = {}
    for row in table:
        for tag in row["tags"] or []:
            tags.setdefault(tag, []).append(row["id"])
    return {"include": [r["id"] for r in table if r["mark"] == "include"],
            "exclude": [r["id"] for r in table if r["mark"] == "exclude"], "tags": dict(sorted(tags.items()))}

