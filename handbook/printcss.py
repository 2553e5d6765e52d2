"""Theme labels and VI data -> the print stylesheet rules that carry translated text:
page references after cross-references, the rule-ID index, running footers.

:mod:`handbook.printdoc` appends what this module writes to the per-build stylesheet.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from .errors import Location, Problem

if TYPE_CHECKING:
    from .validate import Handbook


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


def chapter_css(duplex: bool) -> str:
    """Chapters (and the contents) open on a new page; for duplex printing, on a right-hand
    one, leaving a blank verso where needed."""
    where = "right" if duplex else "page"
    return f"h1, nav.contents {{ break-before: {where}; }}\n"


def footer_css(labels: dict[str, str], classification: str | None, version: str,
               identifier: str) -> str:
    """One document's footer line: classification, edition and document ID, centred."""
    parts = [str(classification)] if classification else []
    parts += [f"{labels.get('Edition', 'Edition')} {version}",
              f"{labels.get('Document ID', 'Document ID')} {identifier}"]
    content = css_string(" · ".join(parts))
    return (f"@page {{ @bottom-center {{ content: {content}; font-size: 7pt; "
            "color: var(--hb-muted); vertical-align: top; padding-top: 5mm; } }\n"
            "@page :blank { @bottom-center { content: none; } }\n"
            "@page hb-cover { @bottom-center { content: none; } }\n")


def cmyk_css(colors: list[tuple[str, str, tuple[float, ...]]],
             bleed: float) -> str:
    """The print-shop variant: every VI colour role (and swatch) in device CMYK from the VI
    data, black text in pure K, crop and registration marks when there is a bleed.

    colors: (role, swatch id, CMYK percentages) of every VI colour, in VI order.
    """
    from .html import _DEFAULT_COLORS

    names = {"background": "bg"}
    lines, seen = [":root {"], set()
    for role, _, cmyk in colors:
        if role not in seen:  # the first colour of a role drives the theme (as brand.css)
            seen.add(role)
            lines.append(f"  --hb-{names.get(role, role)}: {_device_cmyk(cmyk)};")
    for role, hex_value in _DEFAULT_COLORS.items():  # roles the VI leaves to the theme
        if role not in seen:
            lines.append(f"  --hb-{names.get(role, role)}: {_device_cmyk(_naive_cmyk(hex_value))};")
    lines.append("}")
    lines += [f".swatch-{swatch} .hb-chip, .on-{swatch} {{ background: {_device_cmyk(cmyk)}; }}"
              for _, swatch, cmyk in colors]
    # white on colour stays white paper; #fff in the theme's rules becomes no ink
    lines.append(".hb-id, .hb-cover-kind { color: device-cmyk(0 0 0 0); }")
    if bleed:
        lines.append("@page { marks: crop cross; }")
    return "\n".join(lines) + "\n"


def _naive_cmyk(hex_value: str) -> tuple[float, ...]:
    """#RRGGBB -> CMYK percentages by the textbook formula (the theme's own defaults only;
    VI colours carry the values their printer matched)."""
    r, g, b = (int(hex_value[i:i + 2], 16) / 255 for i in (1, 3, 5))
    k = 1 - max(r, g, b)
    if k >= 1:
        return (0.0, 0.0, 0.0, 100.0)
    return tuple(round(100 * v, 1) for v in ((1 - r - k) / (1 - k), (1 - g - k) / (1 - k),
                                             (1 - b - k) / (1 - k), k))


def _device_cmyk(cmyk: tuple[float, ...]) -> str:
    return "device-cmyk(" + " ".join(f"{v / 100:g}" for v in cmyk) + ")"


OUTPUT_INTENT = "assets/print/output-intent.icc"
"""The print shop's CMYK characterisation (e.g. FOGRA39, ISO Coated v2), in the data folder:
PDF/X-4 embeds it as the output intent. Not shipped: profiles belong to the printer."""


def output_intent(handbook: Handbook, problems: list[Problem]) -> dict[str, str | bytes]:
    """Static files and CSS of the print-shop output intent; a warning when there is none."""
    path = handbook.data_dir / OUTPUT_INTENT
    if not path.is_file():
        problems.append(Problem(
            Location(OUTPUT_INTENT), "expected the print shop's CMYK ICC profile for --print, "
            "got none: the PDF has no output intent, which PDF/X-4 requires", "pdf.print",
            "WARNING"))
        return {}
    return {"_static/output-intent.icc": path.read_bytes()}


INTENT_CSS = '@color-profile device-cmyk { src: url("output-intent.icc"); }\n'
"""Declares the output intent's profile (print-page.css sits beside it in _static)."""
