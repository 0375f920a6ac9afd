"""`python -m cli` runs the mixmap command line (same as the `mixmap` script)."""
from cli.main import main

main()
