"""Validated logo files -> the site header's logo, its mark and the favicon, per the VI rules.

The header is drawn in the primary colour, so it shows the logo variant the VI chapter names
for that background (the reversed logo), at the VI's smallest on-screen width; where a phone
has no room for that, only the mark (the VI's "graphic alone"). The favicon is the colour
mark. A mark is cut from an SVG logo only when the file names it (an element with
``id="mark"``) and its extent can be read from absolute coordinates; the result is checked
against the same allow-list as every published SVG.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .assets import SVG, published_extension, sniff, svg_problem

_NUMBER = re.compile(r"-?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")
_ABSOLUTE_PATH = re.compile(r"[MLHVCSQTAZ0-9.,\s\-eE]*")  # no relative commands
_ARC = re.compile(r"[Aa]")


@dataclass
class SiteLogos:
    """The published logo files of a site and what its header needs to show them."""

    files: dict[str, bytes] = field(default_factory=dict)
    logo: str = ""
    """The logo on light backgrounds: _static/logo.<type>."""
    header: str = ""
    """The logo on the header's colour: the VI's variant for it, else the logo."""
    header_size: tuple[int, int] | None = None
    """Width and height of the header logo in CSS px (the VI's smallest screen width)."""
    mark: str = ""
    """The header logo's mark alone, for a phone's narrow header ("" when not found)."""
    favicon: str = ""
    favicon_type: str = ""

    def context(self) -> dict[str, Any]:
        return {"logo": self.logo, "header_logo": self.header, "header_mark": self.mark,
                "header_size": list(self.header_size or ()), "favicon": self.favicon,
                "favicon_type": self.favicon_type}


_TYPES = {"svg": "image/svg+xml", "png": "image/png", "jpg": "image/jpeg",
          "webp": "image/webp"}


def site_logos(handbook: Any, read: Callable[[str], bytes]) -> SiteLogos:
    """The logo files of the site from the handbook's organisation logo and its VI chapter;
    read(asset name) returns the bytes the validation accepted."""
    out = SiteLogos()
    meta = handbook.meta
    if not meta.organisation.logo:
        return out
    data = read(meta.organisation.logo)
    out.logo = f"_static/logo.{published_extension(data)}"
    out.files[out.logo] = data
    header, vi_logo = data, _vi_logo(handbook)
    variant = _variant_for_primary(handbook, vi_logo)
    if variant is not None:
        header = read(variant)
        out.header = f"_static/logo-on-primary.{published_extension(header)}"
        out.files[out.header] = header
    else:
        out.header = out.logo
    box = svg_box(header) if sniff(header) == "svg" else None
    if vi_logo is not None and box is not None and box[2] > 0 and box[3] > 0:
        width = int(vi_logo.min_width_px)
        out.header_size = (width, round(width * box[3] / box[2]))
    mark = mark_svg(header)
    if mark is not None:
        out.mark = "_static/logo-mark-on-primary.svg"
        out.files[out.mark] = mark
    favicon = mark_svg(data)
    if favicon is not None:
        out.favicon, out.favicon_type = "_static/favicon.svg", _TYPES["svg"]
        out.files[out.favicon] = favicon
    else:  # the whole logo: better than the browser asking the server for /favicon.ico
        out.favicon, out.favicon_type = out.logo, _TYPES[published_extension(data)]
    return out


def _vi_logo(handbook: Any) -> Any:
    return next((s.logo for s in handbook.sections if getattr(s, "logo", None)), None)


def _variant_for_primary(handbook: Any, vi_logo: Any) -> str | None:
    """The asset of the logo variant whose background is the primary colour (the header's)."""
    if vi_logo is None:
        return None
    primary = next((c for s in handbook.sections for c in s.colors if c.role == "primary"),
                   None)
    if primary is None:
        return None
    for variant in vi_logo.variants:
        if variant.background == primary.id:
            return str(variant.file)
    return None


def svg_box(data: bytes) -> tuple[float, float, float, float] | None:
    """An SVG's viewBox (x, y, width, height), or None when it has none to read."""
    try:
        root = ET.fromstring(data)
    except ET.ParseError:
        return None
    numbers = [float(n) for n in _NUMBER.findall(root.get("viewBox", ""))]
    return (numbers[0], numbers[1], numbers[2], numbers[3]) if len(numbers) == 4 else None


def mark_svg(data: bytes) -> bytes | None:
    """A square SVG of the logo's element id="mark" alone, or None when the logo is not an
    SVG, names no mark, or draws it in a way whose extent is not read here (relative path
    commands, arcs, transforms, references)."""
    if sniff(data) != "svg" or svg_problem(data) is not None:
        return None
    root = ET.fromstring(data)
    mark = next((e for e in root.iter() if e.get("id") == "mark"), None)
    if mark is None:
        return None
    extent = _extent(mark)
    if extent is None:
        return None
    left, top, right, bottom = extent
    side = max(right - left, bottom - top)
    pad = side * 0.04
    x = left - (side - (right - left)) / 2 - pad
    y = top - (side - (bottom - top)) / 2 - pad
    side += 2 * pad
    ET.register_namespace("", SVG)
    out = ET.Element(f"{{{SVG}}}svg", {"viewBox": f"{x:g} {y:g} {side:g} {side:g}",
                                       "width": "64", "height": "64"})
    out.append(_copy(mark))
    text = ET.tostring(out, encoding="utf-8", xml_declaration=False)
    return text + b"\n" if svg_problem(text) is None else None


def _copy(element: ET.Element) -> ET.Element:
    """A copy keeping only the drawing: the id (unique in the new file too) and comments go."""
    new = ET.Element(element.tag, {k: v for k, v in element.attrib.items() if k != "id"})
    for child in element:
        if isinstance(child.tag, str):
            new.append(_copy(child))
    return new


def _extent(element: ET.Element) -> tuple[float, float, float, float] | None:
    """Left, top, right, bottom of what the element draws (the hull of its points, which
    holds every curve), or None when that cannot be read from absolute coordinates."""
    xs: list[float] = []
    ys: list[float] = []
    for node in element.iter():
        if not isinstance(node.tag, str):
            return None
        tag = node.tag.rsplit("}", 1)[-1]
        if "transform" in node.attrib or "style" in node.attrib or tag == "use":
            return None
        try:
            if tag == "g":
                continue
            if tag == "path":
                d = node.get("d", "")
                if not _ABSOLUTE_PATH.fullmatch(d) or _ARC.search(d):
                    return None
                if re.search(r"[HV]", d):
                    return None  # one-coordinate commands: pairs below would misalign
                numbers = [float(n) for n in _NUMBER.findall(d)]
                if len(numbers) % 2:
                    return None
                xs += numbers[0::2]
                ys += numbers[1::2]
            elif tag == "circle":
                cx, cy, r = (float(node.get(k, "0")) for k in ("cx", "cy", "r"))
                xs += [cx - r, cx + r]
                ys += [cy - r, cy + r]
            elif tag == "rect":
                x, y = float(node.get("x", "0")), float(node.get("y", "0"))
                xs += [x, x + float(node.get("width", "0"))]
                ys += [y, y + float(node.get("height", "0"))]
            else:
                return None
        except ValueError:
            return None
    if not xs:
        return None
    return min(xs), min(ys), max(xs), max(ys)
