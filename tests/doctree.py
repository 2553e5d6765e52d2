"""reST -> a docutils doctree and the warnings docutils wrote, as the escaping tests read it."""

from __future__ import annotations

from typing import Any

from docutils.core import publish_doctree


def parse_rst(source: str) -> tuple[Any, list[str]]:
    """Parse with raw and file insertion off, as the build does; never halt, collect."""
    warnings: list[str] = []

    class Stream:
        def write(self, text: str) -> None:
            warnings.append(text)

    doctree = publish_doctree(source, settings_overrides={
        "warning_stream": Stream(), "report_level": 1, "raw_enabled": False,
        "file_insertion_enabled": False, "halt_level": 5})
    return doctree, warnings
