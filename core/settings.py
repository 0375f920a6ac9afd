"""Every `MIXMAP_*` setting in one table (name, default, help), read in one place.

Settings are data, as in datasette: `tests/test_docs.py` fails when one is missing from the README, and
`mixmap settings` could list them. A stage reads a value with `setting("NAME")`; nothing else reads the
environment for MIXMAP_* names.
"""
from __future__ import annotations

import os
from dataclasses import dataclass


@dataclass(frozen=True)
class Setting:
    name: str
    default: str | None
    help: str


SETTINGS = (
    Setting("MIXMAP_WORKSPACE", "./mixmap_workspace", "Workspace folder (same as --workspace)."),
    Setting("MIXMAP_TABLES", None, "Where the Lance tables live, e.g. s3://bucket/mixmap/lance (same as --tables); "
            "default WORKSPACE/lance."),
    Setting("MIXMAP_MODEL_CACHE", None, "A folder several workspaces share for the distilled static model "
            "(default WORKSPACE/models)."),
    Setting("MIXMAP_COMMIT_SECONDS", "20", "The embed stage commits vectors at least this often (seconds), so a "
            "killed run loses at most this much work."),
    Setting("MIXMAP_WARMUP", "1", "0 stops the app from compiling UMAP's numba code in the background at start."),
)
BY_NAME = {s.name: s for s in SETTINGS}


def setting(name: str) -> str | None:
    """The value of a MIXMAP_* setting: the environment's, else its documented default."""
    known = BY_NAME[name]  # a KeyError here is a programming error: every setting is in the table
    value = os.environ.get(name)
    return value if value not in (None, "") else known.default
