"""`python -m cli` runs the mixmap command line (same as the `mixmap` script)."""
from mixmap.cli.main import main

main()
