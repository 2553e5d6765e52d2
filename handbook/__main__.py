"""``python -m handbook`` -> the command line."""

from handbook.cli import run

run()
