"""Theme labels and VI data -> the print stylesheet rules that carry translated text:
page references after cross-references, the rule-ID index, running footers.

:mod:`handbook.printdoc` appends what this module writes to the per-build stylesheet.
"""

from __future__ import annotations

import re


def css_string(text: str) -> str:
    """Plain text -> a CSS string literal."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def target_page(label: str) -> str:
    """'(page {page})' -> a CSS content value naming the page a link's target is on."""
    parts = []
    for piece in re.split(r"(\{page\})", label):
        if piece == "{page}":
            parts.append("target-counter(attr(href), page)")
        elif piece:
            parts.append(css_string(piece))
    return " ".join(parts)


def reference_css(labels: dict[str, str]) -> str:
    """Page numbers after every cross-reference, and the leaders of the rule-ID index."""
    page = target_page(labels.get(" (page {page})", " (page {page})"))
    elsewhere = css_string(labels.get(" (in the handbook)", " (in the handbook)"))
    return "\n".join([
        f".hb-see-also a.reference.internal::after, "
        f".hb-answer-key-title a.reference.internal::after {{ content: {page}; }}",
        f".hb-see-also .hb-xref-elsewhere::after {{ content: {elsewhere}; }}",
        ".hb-rule-index a.reference.internal::after { content: leader('.') "
        "target-counter(attr(href), page); }",
    ]) + "\n"
