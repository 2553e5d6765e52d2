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
