"""Reading built PDFs in tests with Python libraries only (no poppler or qpdf executables).

pypdfium2 (PDFium in a wheel) extracts text fast, CJK included, keeping each line of dot
leaders and page number together; pikepdf (libqpdf in a wheel) checks the file structure the
way ``qpdf --check`` does and reads the font dictionaries the way ``pdffonts`` lists them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pikepdf
import pypdfium2

_SUBSET = re.compile(r"^[A-Z]{6}\+")


@cache
def page_texts(path: Path) -> list[str]:
    """The text of every page, in page order, lines separated by \\n."""
    document = pypdfium2.PdfDocument(path)
    try:
        texts = []
        for page in document:
            textpage = page.get_textpage()
            text = textpage.get_text_range().replace("\r\n", "\n").replace("\r", "\n")
            texts.append(text.replace("\ufffe", "-"))  # PDFium's mark for a hyphen at a break
            textpage.close()
            page.close()
        return texts
    finally:
        document.close()


def structure_problems(path: Path) -> list[str]:
    """What qpdf's check finds wrong with the file's syntax and streams (empty: none)."""
    with pikepdf.open(path) as pdf:
        return [str(problem) for problem in pdf.check_pdf_syntax()]


@dataclass(frozen=True)
class Font:
    """One font dictionary a page uses, as pdffonts reports it."""

    name: str
    embedded: bool
    subset: bool

    @property
    def family(self) -> str:
        return _SUBSET.sub("", self.name)


def fonts(path: Path) -> list[Font]:
    """Every font of every page (composite fonts by their descendant), once each."""
    found: dict[tuple[int, int], Font] = {}
    with pikepdf.open(path) as pdf:
        for page in pdf.pages:
            resources = page.obj.get("/Resources", pikepdf.Dictionary())
            for font in resources.get("/Font", pikepdf.Dictionary()).values():
                key = font.objgen
                if key in found:
                    continue
                described = font
                if font.get("/Subtype") == "/Type0":
                    described = font["/DescendantFonts"][0]
                descriptor = described.get("/FontDescriptor", pikepdf.Dictionary())
                name = str(font.get("/BaseFont", "")).lstrip("/")
                embedded = any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
                found[key] = Font(name, embedded, bool(_SUBSET.match(name)))
    return list(found.values())


MM = 72 / 25.4


@cache
def page_fill(path: Path, top_mm: float = 20.0, bottom_mm: float = 22.0) -> list[float]:
    """How far down each page's type area its content reaches (0–1): from the top margin
    to the bottom of the lowest text, image or drawing, as a share of the area's height.

    The type area lies between the top and bottom margins (of the trim box), so running
    heads, folios and footers do not count; a page holding one heading is about 5 % filled.
    """
    document = pypdfium2.PdfDocument(path)
    fills = []
    try:
        for page in document:
            _, bottom, _, top = page.get_trimbox()
            area_low, area_high = bottom + bottom_mm * MM, top - top_mm * MM
            lowest = area_high
            for obj in page.get_objects(max_depth=1):
                if obj.type == pypdfium2.raw.FPDF_PAGEOBJ_FORM:  # crop marks, outside
                    continue
                _, y0, _, y1 = obj.get_bounds()
                if y1 - y0 > 0.95 * (area_high - area_low):  # a page-long box: backgrounds
                    continue
                if y1 > area_low + 1 and y0 < area_high - 1:  # inside the type area
                    lowest = min(lowest, max(y0, area_low))
            fills.append((area_high - lowest) / (area_high - area_low))
            page.close()
        return fills
    finally:
        document.close()


@cache
def text_lines(path: Path) -> list[list[str]]:
    """The printed lines of every page as laid out, soft hyphens dropped: a line ends where
    the next character starts back at the left on a lower baseline, or past a gap wider
    than 10 pt (table cells, the two running heads, answer boxes are lines of their own)."""
    document = pypdfium2.PdfDocument(path)
    pages = []
    try:
        for page in document:
            textpage = page.get_textpage()
            lines: list[str] = []
            current: list[str] = []
            last: tuple[float, float, float] | None = None
            for i in range(textpage.count_chars()):
                char = textpage.get_text_range(i, 1)
                if char in ("\r", "\n", "\ufffe", "\x02"):
                    continue
                left, bottom, right, top = textpage.get_charbox(i)
                if last is not None and (left < last[0] - 1 and bottom < last[1] - 2
                                         or abs(bottom - last[1]) > 20
                                         or left > last[2] + 10 and right > left):
                    lines.append("".join(current).rstrip())
                    current = []
                current.append(char)
                if right > left:  # spaces PDFium makes up have an empty box
                    last = (left, bottom, right)
            if current:
                lines.append("".join(current).rstrip())
            textpage.close()
            page.close()
            pages.append([line for line in lines if line.strip()])
        return pages
    finally:
        document.close()


def char_fonts(path: Path, chars: str) -> dict[tuple[str, str], int]:
    """(character, font name without its subset tag) -> how often the PDF draws it so,
    for every occurrence of the given characters."""
    import ctypes

    found: dict[tuple[str, str], int] = {}
    document = pypdfium2.PdfDocument(path)
    try:
        for page in document:
            textpage = page.get_textpage()
            for i in range(textpage.count_chars()):
                char = textpage.get_text_range(i, 1)
                if char not in chars:
                    continue
                name = ctypes.create_string_buffer(256)
                flags = ctypes.c_int()
                pypdfium2.raw.FPDFText_GetFontInfo(textpage.raw, i, name, 256,
                                                   ctypes.byref(flags))
                key = (char, _SUBSET.sub("", name.value.decode("utf-8", "replace")))
                found[key] = found.get(key, 0) + 1
            textpage.close()
            page.close()
        return found
    finally:
        document.close()
