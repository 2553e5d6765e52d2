"""The "handbook" logger -> progress lines on stderr, with a warning counter for --strict."""

from __future__ import annotations

import logging
import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

from .text import terminal_safe

logger = logging.getLogger("handbook")


class _Counter(logging.Handler):
    """Counts warnings so --strict can fail a build that logged any."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.warnings = 0

    def emit(self, record: logging.LogRecord) -> None:
        if record.levelno == logging.WARNING:
            self.warnings += 1


class _Formatter(logging.Formatter):
    def __init__(self, color: bool) -> None:
        super().__init__("%(message)s")
        self.color = color

    def format(self, record: logging.LogRecord) -> str:
        text = terminal_safe(super().format(record))
        if record.levelno >= logging.WARNING and not text.startswith(("ERROR", "WARNING")) \
                and ": ERROR: " not in text and ": WARNING: " not in text:
            text = f"{record.levelname}: {text}"
        if self.color and record.levelno >= logging.WARNING:
            code = "31" if record.levelno >= logging.ERROR else "33"
            text = f"\x1b[{code}m{text}\x1b[0m"
        return text


counter = _Counter()


def setup(verbosity: int = 0) -> None:
    """Configure the handbook logger for the command line (the library never does this)."""
    for handler in list(logger.handlers):
        if not isinstance(handler, logging.NullHandler):
            logger.removeHandler(handler)
    handler = logging.StreamHandler(sys.stderr)
    color = sys.stderr.isatty() and "NO_COLOR" not in os.environ
    handler.setFormatter(_Formatter(color))
    logger.addHandler(handler)
    counter.warnings = 0
    logger.addHandler(counter)
    logger.setLevel(logging.DEBUG if verbosity > 0 else
                    logging.WARNING if verbosity < 0 else logging.INFO)
    logger.propagate = False


@contextmanager
def stage(what: str) -> Iterator[None]:
    """Log "<what> … done (1.2 s)" around a stage of the build."""
    start = time.perf_counter()
    logger.info("%s …", what)
    yield
    logger.info("%s … done (%.1f s)", what, time.perf_counter() - start)
