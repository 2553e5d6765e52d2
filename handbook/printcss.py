"""Theme labels and VI data -> the print stylesheets: paper and margins (PageSetup), the @page
rules with running heads and folios, brand colours for screen and press, page references
after cross-references, the rule-ID index, running footers.

:mod:`handbook.printdoc` appends what this module writes to the per-build stylesheet.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import ContentError, UsageError
from .fonts import Face
from .html import brand_css

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
        f".hb-see-also a.reference.internal::after, .hb-rule-forms a.reference.internal::after, "
        f".hb-first-week a.reference.internal::after, "
        f".hb-answer-key-title a.reference.internal::after {{ content: {page}; }}",
        f".hb-see-also .hb-xref-elsewhere::after, .hb-rule-forms .hb-xref-elsewhere::after, "
        f".hb-first-week .hb-xref-elsewhere::after "
        f"{{ content: {elsewhere}; }}",
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


INTENT_CSS = ('@color-profile device-cmyk { src: url("output-intent.icc"); '
              'components: cyan, magenta, yellow, black; }\n')
"""Declares the output intent's profile (print-page.css sits beside it in _static)."""


# --- page geometry and the page CSS of a print document ----------------------------------


PAPER_MM = {"A4": (210.0, 297.0), "A5": (148.0, 210.0), "Letter": (215.9, 279.4)}
_DEFAULT_MARGINS = (20.0, 22.0, 22.0, 18.0)  # top, bottom, inner, outer (mm) without a VI grid
SCRIPT = {"zh_CN": "hans", "zh_TW": "hant", "zh_HK": "hant"}
"""The writing system of a Chinese language (latin for every other)."""
_BAND_MM = 18.0  # height of the colour band at the foot of the cover

# --- page setup ----------------------------------------------------------------------------


@dataclass(frozen=True)
class PageSetup:
    """Paper, margins (mm; inner is the binding side) and bleed of the printed page."""

    paper: str
    top: float
    bottom: float
    inner: float
    outer: float
    bleed: float

    @classmethod
    def for_handbook(cls, handbook: Handbook, paper: str | None, bleed: float) -> PageSetup:
        """The VI grid's paper and margins, or A4; margins scale to another paper's width."""
        if not 0 <= bleed <= 20:  # also refuses nan
            raise UsageError(f"--bleed: expected 0 to 20 mm, got {bleed:g}")
        grid = next((s.grid for s in handbook.sections if s.grid), None)
        base_paper = grid.paper if grid else "A4"
        chosen = paper or base_paper
        if chosen not in PAPER_MM:
            raise UsageError(f"--paper: expected one of {', '.join(PAPER_MM)}, got {chosen}")
        margins = ((grid.margin_top_mm, grid.margin_bottom_mm, grid.margin_inner_mm,
                    grid.margin_outer_mm) if grid else _DEFAULT_MARGINS)
        scale = min(1.0, PAPER_MM[chosen][0] / PAPER_MM[base_paper][0])
        top, bottom, inner, outer = (round(m * scale, 1) for m in margins)
        return cls(chosen, top, bottom, inner, outer, bleed)


LATIN_MEASURE_EM = 28.5
"""Widest line of Latin-script prose (a quiz question's line too: its legend is a table
cell, which max-width does not reach), in ems: about 68 characters of Source Sans, never
more than 80 (the type area itself holds over 90 at the body size)."""
_PROSE = "p, li, dd, dt, blockquote, .line-block, figcaption, .hb-qline"


def counter_content(label: str) -> str:
    """'Page {page} of {pages}' -> a CSS content value with the page counters in place."""
    parts = []
    for piece in re.split(r"(\{page\}|\{pages\})", label):
        if piece == "{page}":
            parts.append("counter(page)")
        elif piece == "{pages}":
            parts.append("counter(pages)")
        elif piece:
            parts.append(css_string(piece))
    return " ".join(parts)


def font_files(face_map: dict[str, Face], scripts: list[str]) -> dict[str, Path]:
    """Target name -> source file of every font the documents declare."""
    files: dict[str, Path] = {}
    for script in scripts:
        face = face_map[script]
        for weight, path in (("400", face.regular), ("700", face.bold)):
            if path is None:
                continue
            if not path.is_file():
                raise ContentError(f"font file {path} for {face.family!r} not found: install "
                                   "weblate-fonts or fix typography.files in the VI section")
            files[f"{face.slug}-{weight}{path.suffix.lower()}"] = path
    return files


def scripts_of(handbook: Handbook, lang: str) -> list[str]:
    """Scripts whose fonts a document needs: its own, the source language's, and Latin."""
    wanted = [SCRIPT.get(lang, "latin"), SCRIPT.get(handbook.meta.source_language, "latin"),
              "latin"]
    return [s for i, s in enumerate(wanted) if s not in wanted[:i]]


def page_css(handbook: Handbook, lang: str, labels: dict[str, str], setup: PageSetup,
             face_map: dict[str, Face], fonts: dict[str, Path], scripts: list[str]) -> str:
    """The per-build stylesheet: @page geometry, @font-face, font stacks, type scale, folios."""
    lines = [f"/* Written by the handbook tool for {lang}: paper {setup.paper}, "
             f"bleed {setup.bleed:g} mm. */"]
    for name in fonts:
        script = next(s for s in scripts if name.startswith(face_map[s].slug + "-"))
        weight = name.rsplit("-", 1)[1].split(".")[0]
        lines.append(f'@font-face {{ font-family: "{face_map[script].family}"; '
                     f'font-weight: {weight}; src: url("../../fonts/{name}"); }}')
    declared = tuple(face_map[s].family for s in scripts)

    def stack(script: str) -> str:
        face = face_map[script if script in scripts else scripts[0]]
        return face.stack(tuple(f for f in declared if f != face.family))

    page_script = SCRIPT.get(lang, "latin")
    lines.append(f":root {{ --hb-font-latin: {stack('latin')}; --hb-font-hans: {stack('hans')}; "
                 f"--hb-font-hant: {stack('hant')}; }}")
    lines.append(f"html {{ font-family: {stack(page_script)}; }}")
    lines.append(f":lang(zh-CN), :lang(zh-Hans) {{ font-family: {stack('hans')}; }}")
    lines.append(f":lang(zh-TW), :lang(zh-HK), :lang(zh-Hant) {{ font-family: {stack('hant')}; }}")
    lines.append(f":lang(en) {{ font-family: {stack('latin')}; }}")
    lines.append(f"code, kbd, pre, .pre {{ font-family: {stack('latin')}; }}")
    sizes = {t.role: t for s in handbook.sections for t in s.type_scale}
    for role, selector in (("body", "html"), ("h1", "h1"), ("h2", "h2"), ("h3", "h3"),
                           ("small", ".hb-governance, .hb-applies, .hb-see-also"),
                           ("caption", ".hb-values, .hb-imprint-note")):
        if role in sizes:
            lines.append(f"{selector} {{ font-size: {sizes[role].size_pt:g}pt; "
                         f"line-height: {sizes[role].leading:g}; }}")
    if "body" not in sizes:
        lines.append("html { font-size: 10.5pt; line-height: 1.6; }")
    if page_script == "latin":  # a readable measure: at most 80 characters a line
        lines.append(f"{_PROSE} {{ max-width: {LATIN_MEASURE_EM:g}em; }}")
    folio = counter_content(labels.get("Page {page} of {pages}", "Page {page} of {pages}"))
    page = [f"size: {setup.paper}", f"margin: {setup.top:g}mm {setup.outer:g}mm "
            f"{setup.bottom:g}mm {setup.inner:g}mm"]
    if setup.bleed:
        page.append(f"bleed: {setup.bleed:g}mm")
    lines.append(f"@page {{ {'; '.join(page)}; }}")
    lines.append(f"@page :left {{ margin-left: {setup.outer:g}mm; margin-right: {setup.inner:g}mm;"
                 f" @bottom-left {{ content: {folio}; }} }}")
    lines.append(f"@page :right {{ margin-left: {setup.inner:g}mm; margin-right: "
                 f"{setup.outer:g}mm; @bottom-right {{ content: {folio}; }} }}")
    # The cover is page 1, a right-hand page; its colour band runs off three edges into
    # the bleed (WeasyPrint positions it from the page area, inside the margins).
    top, outer, bottom, inner = setup.top + 12, setup.outer + 4, setup.bottom + 30, \
        setup.inner + 4
    lines.append(f"@page hb-cover {{ margin: {top:g}mm {outer:g}mm {bottom:g}mm {inner:g}mm; }}")
    width = PAPER_MM[setup.paper][0] + 2 * setup.bleed
    lines.append(f'.hb-cover::after {{ content: ""; display: block; position: absolute; '
                 f"left: -{inner + setup.bleed:g}mm; width: {width:g}mm; "
                 f"bottom: -{bottom + setup.bleed:g}mm; height: {_BAND_MM + setup.bleed:g}mm; "
                 "background: var(--hb-primary); }")
    return "\n".join(lines) + "\n"


def role_color(handbook: Handbook, role: str) -> str:
    for section in handbook.sections:
        for color in section.colors:
            if color.role == role:
                return color.hex
    return "#0B4F8A"


def brand_cmyk_css(handbook: Handbook) -> str:
    """Swatch chips in the print values (device-cmyk), after the screen ones in brand.css."""
    rules = []
    for section in handbook.sections:
        for color in section.colors:
            c, m, y, k = (v / 100 for v in color.cmyk)
            rules.append(f".swatch-{color.id} .hb-chip {{ background: "
                         f"device-cmyk({c:g} {m:g} {y:g} {k:g}); }}")
    return "\n".join(rules) + ("\n" if rules else "")


def brand_colors(handbook: Handbook, face_map: dict[str, Face], lang: str) -> str:
    """brand.css without its web fonts: the print documents declare their own."""
    css = brand_css(handbook, face_map, lang)
    return "".join(line for line in css.splitlines(keepends=True)
                   if not line.startswith("@font-face"))
