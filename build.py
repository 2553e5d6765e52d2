"""``python build.py`` -> the handbook command line (same as the ``handbook`` script)."""

from handbook.cli import run

if __name__ == "__main__":
    run()
