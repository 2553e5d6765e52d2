"""Matchers for messages whose wording belongs to a library, not to us.

A YAML syntax error is ours in its file, line, prefix, category and the hints we add; the
words in between and the column are libyaml's, and change between its versions (PyYAML 6.0.4
rewrote some). Tests compare lists of messages with ``==``, so the matcher is a value that
equals every message keeping our part of the promise.
"""

from __future__ import annotations

import re


class YamlSyntax:
    """Equals 'FILE:LINE:COL: ERROR: YAML syntax: … [data.yaml]' for any COL and wording,
    as long as each of ``ours`` (text the loader itself adds) is in it."""

    def __init__(self, path: str, line: int, *ours: str) -> None:
        self.path, self.line, self.ours = path, line, ours
        self.pattern = re.compile(
            rf"{re.escape(path)}:{line}:\d+: ERROR: YAML syntax: .+ \[data\.yaml\]")

    def __eq__(self, other: object) -> bool:
        return (isinstance(other, str) and self.pattern.fullmatch(other) is not None
                and all(part in other for part in self.ours))

    def __hash__(self) -> int:
        return hash((self.path, self.line, self.ours))

    def __repr__(self) -> str:
        hints = "".join(f" containing {part!r}" for part in self.ours)
        return f"<YAML syntax error at {self.path}:{self.line}{hints}>"
