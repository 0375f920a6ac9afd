"""The `mixmap` command line: a thin click group over core (see cli/main.py)."""
