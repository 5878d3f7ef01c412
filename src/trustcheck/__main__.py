"""Run trustcheck as `python -m trustcheck`."""

from trustcheck.cli import main

main()
