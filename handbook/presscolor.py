"""RGB colour operators of a laid-out PDF -> CMYK from the VI data (the print-shop variant).

The print stylesheet gives text and brand colours in device-cmyk, but WeasyPrint still
writes some colours in RGB: an SVG logo keeps the colours it was drawn in, and the crop
and registration marks are black RGB strokes. A WeasyPrint finisher rewrites every ``rg``
and ``RG`` of the page and form streams before the file is written:

- a colour of the VI table becomes that colour's CMYK (what the printer matched);
- in the marks (a form drawn over the bleed), black becomes registration (all four inks);
- any other colour: white is no ink, black is pure K, the rest by the textbook formula.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

CMYK = tuple[float, float, float, float]
_RGB_OP = re.compile(rb"^(-?[\d.]+) (-?[\d.]+) (-?[\d.]+) (rg|RG)$")
REGISTRATION: CMYK = (100.0, 100.0, 100.0, 100.0)


def naive_cmyk(r: float, g: float, b: float) -> CMYK:
    """RGB (0–1) -> CMYK percentages by the textbook formula (black is pure K)."""
    k = 1 - max(r, g, b)
    if k >= 1:
        return (0.0, 0.0, 0.0, 100.0)
    c, m, y = ((1 - v - k) / (1 - k) for v in (r, g, b))
    return (round(100 * c, 1), round(100 * m, 1), round(100 * y, 1), round(100 * k, 1))


def _key(r: float, g: float, b: float) -> tuple[int, int, int]:
    return (round(r * 255), round(g * 255), round(b * 255))


class PressColors:
    """Maps the RGB colours WeasyPrint wrote to CMYK: the VI table first."""

    def __init__(self, table: Iterable[tuple[tuple[int, int, int], CMYK]]) -> None:
        self.table = {tuple(rgb): tuple(cmyk) for rgb, cmyk in table}

    def cmyk(self, r: float, g: float, b: float) -> CMYK:
        found = self.table.get(_key(r, g, b))
        return found if found is not None else naive_cmyk(r, g, b)  # type: ignore[return-value]

    def rewrite(self, lines: list[Any], marks: bool = False) -> list[Any]:
        """One content stream's operator lines with every rg/RG in CMYK (k/K)."""
        out = []
        for line in lines:
            match = _RGB_OP.match(line) if isinstance(line, bytes) else None
            if match is None:
                out.append(line)
                continue
            r, g, b = (float(v) for v in match.groups()[:3])
            cmyk = REGISTRATION if marks and _key(r, g, b) == (0, 0, 0) else self.cmyk(r, g, b)
            operator = b"k" if match.group(4) == b"rg" else b"K"
            out.append(b" ".join(f"{v / 100:g}".encode() for v in cmyk) + b" " + operator)
        return out


def _reference(value: Any) -> int | None:
    """pydyf writes a reference as b'12 0 R'."""
    if isinstance(value, bytes) and value.endswith(b" R"):
        return int(value.split()[0])
    return None


def recolour(pdf: Any, colors: PressColors) -> int:
    """WeasyPrint finisher step: rewrite the RGB operators of every page content stream and
    form XObject of a pydyf document; return how many streams changed."""
    import pydyf

    changed = 0
    pages = [pdf.objects[n] for n in (_reference(k) for k in _kids(pdf)) if n is not None]
    contents = {_reference(page.get("Contents")) for page in pages}
    for number, obj in enumerate(pdf.objects):
        if not isinstance(obj, pydyf.Stream) or not isinstance(obj.stream, list):
            continue
        extra = obj.extra or {}
        form = extra.get("Type") == "/XObject" and extra.get("Subtype") == "/Form"
        if number not in contents and not form:
            continue
        bbox = extra.get("BBox") or [0, 0]
        marks = form and float(bbox[0]) < 0 and float(bbox[1]) < 0  # drawn over the bleed
        lines = colors.rewrite(obj.stream, marks)
        if lines != obj.stream:
            obj.stream = lines
            changed += 1
    return changed


def _kids(pdf: Any) -> list[bytes]:
    """References of every page (WeasyPrint writes one flat page tree)."""
    kids = pdf.pages["Kids"]
    return [b" ".join(str(v).encode() for v in kids[i:i + 3]) for i in range(0, len(kids), 3)]
