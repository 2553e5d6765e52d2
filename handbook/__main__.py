"""``python -m handbook`` -> the command line."""

from handbook.cli import main

raise SystemExit(main())
