"""`python -m llmpick`."""

from llmpick.cli import main

main()
