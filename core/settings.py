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
    Setting("MIXMAP_DATA_DIRS", None, "Folders the app may read data files from, separated by the OS path "
            "separator (`:` on Linux); same as repeating `mixmap app --data-dir DIR`. None by default: the app "
            "reads only uploads and its own exports."),
    Setting("MIXMAP_APP_PASSWORD", None, "The password (or token) the app asks for; required when `--host` is "
            "not localhost (without it `mixmap app` generates a token and prints it)."),
)
BY_NAME = {s.name: s for s in SETTINGS}


def setting(name: str) -> str | None:
    """The value of a MIXMAP_* setting: the environment's, else its documented default."""
    known = BY_NAME[name]  # a KeyError here is a programming error: every setting is in the table
    value = os.environ.get(name)
    return value if value not in (None, "") else known.default


def is_loopback(host: str) -> bool:
    """True when `host` is reachable only from this machine (localhost, 127.0.0.0/8, ::1)."""
    import ipaddress

    name = host.strip().strip("[]").lower()
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False  # a host name or an interface address: others may reach it


def password_matches(typed: str, expected: str) -> bool:
    """Constant-time comparison (hmac.compare_digest over UTF-8 bytes, so non-ASCII passwords work too)."""
    import hmac

    return hmac.compare_digest(str(typed).encode("utf-8"), str(expected).encode("utf-8"))
