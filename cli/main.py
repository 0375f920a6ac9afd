"""`mixmap`: one subcommand per stage, each a few lines over core.

The group and its shared helpers live in cli/common.py; each sibling module registers its commands on it
when imported, and this module imports them all, so `mixmap.cli.main:main` is the complete command line.
"""
from mixmap.cli import checks, coverage, dedup, marks, mixes, quality, select, stages  # noqa: F401  (registration)
from mixmap.cli.common import add_root_options, emit, main, workspace_of  # noqa: F401  (the entry point and its helpers)

add_root_options(main)  # after every module registered its commands
