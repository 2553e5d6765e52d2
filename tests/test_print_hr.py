"""The print documents as HR hands them out and files them: cross-references with page
numbers, the rule-ID index, the acknowledgement record, archival and accessible PDFs.

Built once from tests/roots/minimal (small and fast); read-only for the tests below.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pikepdf
import pytest
from pdftools import page_texts

from handbook.cli import main

ROOTS = Path(__file__).resolve().parent / "roots"
VERSION = "2026.1"


@pytest.fixture(scope="module")
def minimal_pdfs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The minimal root's handbook.pdf and onboarding-counter.pdf."""
    base = tmp_path_factory.mktemp("minimal-print")
    data = base / "minimal"
    shutil.copytree(ROOTS / "minimal", data)
    assert main(["pdf", "--data", str(data), "--out", str(base / "site"), "-q"]) == 0
    return base / "site" / VERSION / "en" / "pdf"


def link_targets(path: Path) -> list[tuple[int, str]]:
    """(0-based page, destination name) of every internal link, in page order."""
    found = []
    with pikepdf.open(path) as pdf:
        for number, page in enumerate(pdf.pages):
            for annot in page.obj.get("/Annots", []):
                if annot.get("/Subtype") == "/Link" and "/Dest" in annot:
                    found.append((number, str(annot.Dest)))
    return found


def destinations(path: Path) -> dict[str, int]:
    """Named destination -> 0-based page."""
    with pikepdf.open(path) as pdf:
        pages = {page.objgen: n for n, page in enumerate(pdf.pages)}
        tree = pikepdf.NameTree(pdf.Root.Names.Dests)
        return {str(name): pages[dest[0].objgen] for name, dest in tree.items()}


# --- 1. references -----------------------------------------------------------------------


@pytest.mark.parametrize("name", ["handbook", "onboarding-counter"])
def test_see_also_is_a_link_with_the_target_page(minimal_pdfs: Path, name: str) -> None:
    path = minimal_pdfs / f"{name}.pdf"
    texts = page_texts(path)
    assert not any("\\" in text for text in texts), "backslash-escaped IDs"
    dests = destinations(path)
    see_also = [(n, line) for n, text in enumerate(texts) for line in text.splitlines()
                if line.startswith("See also")]
    assert len(see_also) == 2
    links = link_targets(path)
    for number, line in see_also:
        (rule_id, page), = re.findall(r"([A-Z]+-[A-Z]+-\d+) \(page (\d+)\)", line)
        assert (number, rule_id.lower()) in links  # a link on the same page
        assert dests[rule_id.lower()] == int(page) - 1  # to the page it names
        assert rule_id in texts[int(page) - 1]


def test_handbook_ends_with_a_rule_id_index(minimal_pdfs: Path) -> None:
    path = minimal_pdfs / "handbook.pdf"
    texts = page_texts(path)
    index = texts[-1]
    assert "Index of rule IDs" in index
    rows = re.findall(r"^([A-Z]+-[A-Z]+-\d+)\s*\.+\s*(\d+)$", index, re.M)
    assert [r for r, _ in rows] == ["BAS-GRT-001", "BAS-GRT-002", "BAS-PRM-001",
                                    "PHN-ANS-001"]
    dests = destinations(path)
    for rule_id, page in rows:
        assert dests[rule_id.lower()] == int(page) - 1
        assert rule_id in texts[int(page) - 1]
    last = len(texts) - 1
    assert sorted({d for n, d in link_targets(path) if n == last}) == [r.lower() for r, _ in rows]
