"""Untrusted text -> the control characters it must not hold, and terminal-safe messages.

YAML escapes (``"\\e"``, ``"\\x07"``) and .po escapes (``\\a``) let a content file hold
characters that would reach the HTML, the PDF metadata and the terminal. Content may hold
tab and newline only; messages printed to a terminal show every other control character,
and the bidirectional overrides that can reorder a line, as an escape.
"""

from __future__ import annotations

import re
import unicodedata

_ALLOWED = frozenset("\t\n")

# C0, DEL, C1, and the bidi embeddings, overrides and isolates (Trojan Source)
_TERMINAL_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def control_char(text: str) -> tuple[int, str] | None:
    """(index, character) of the first control character other than tab and newline."""
    for index, char in enumerate(text):
        if char not in _ALLOWED and unicodedata.category(char) == "Cc":
            return index, char
    return None


def control_problem(text: str) -> str | None:
    """An "expected ..., got ..." message for text holding a control character, or None."""
    found = control_char(text)
    if found is None:
        return None
    index, char = found
    return (f"expected text without control characters, got U+{ord(char):04X} at character "
            f"{index + 1}; remove it (only tab and newline are allowed)")


def terminal_safe(text: str) -> str:
    """Text with every control character but tab and newline shown as an escape."""
    return _TERMINAL_UNSAFE.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"),
                                text)
