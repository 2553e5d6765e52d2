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


# --- 2. the acknowledgement page as an HR record -----------------------------------------

ACK_FIELDS = ["Name", "Employee number", "Department", "Position", "Start date",
              "Supervisor / HR", "Employee's signature", "Supervisor's / HR signature"]


def test_acknowledgement_is_an_hr_record(minimal_pdfs: Path) -> None:
    path = minimal_pdfs / "onboarding-counter.pdf"
    texts = page_texts(path)
    last = texts[-1]
    for label in ACK_FIELDS:
        assert label in last, label
    assert last.count("Date") == 2  # employee's and supervisor's
    assert re.search(r"Edition 2026\.1 · Effective 2026-03-01 .*Document ID [0-9A-F-]{14}",
                     last)
    # every field line is a named destination on that page (where a roster stamps)
    dests = destinations(path)
    fields = {name: page for name, page in dests.items() if name.startswith("hb-field-")}
    assert len(fields) == 10 and set(fields.values()) == {len(texts) - 1}
    assert dests["hb-cover-name"] == dests["hb-cover-employee-id"] == 0
    assert "Employee number" in texts[0]


def test_ambiguous_theme_labels_have_a_message_context() -> None:
    from handbook.errors import Report
    from handbook.i18n import theme_labels
    from handbook.paths import THEMES

    for lang, position, role in (("zh_CN", "岗位", "用途"), ("zh_TW", "職位", "用途")):
        report = Report()
        labels = theme_labels([THEMES / "handbook", THEMES / "handbook" / "print"], lang,
                              report)
        assert report.problems == []
        assert labels["acknowledgement form\x04Position"] == position
        assert labels["VI type scale table: what a text style is used for\x04Role"] == role
        assert "Role" not in labels  # no label without its context


def test_theme_label_context_keeps_same_msgid_apart(tmp_path: Path) -> None:
    from handbook.errors import Report
    from handbook.i18n import theme_labels

    po = tmp_path / "locales" / "de" / "LC_MESSAGES" / "theme.po"
    po.parent.mkdir(parents=True)
    po.write_text('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
                  'msgctxt "form"\nmsgid "Role"\nmsgstr "Stelle"\n\n'
                  'msgctxt "table"\nmsgid "Role"\nmsgstr "Verwendung"\n\n'
                  'msgid "Date"\nmsgstr "Datum"\n', "utf-8")
    labels = theme_labels([tmp_path], "de", Report())
    assert labels == {"form\x04Role": "Stelle", "table\x04Role": "Verwendung",
                      "Date": "Datum"}


# --- 6. archival and accessible ------------------------------------------------------------


def struct_elements(pdf: pikepdf.Pdf) -> list[tuple[str, str]]:
    """(structure type, alt text) of every element of the structure tree."""
    found: list[tuple[str, str]] = []
    stack = [pdf.Root.StructTreeRoot]
    while stack:
        node = stack.pop()
        if not isinstance(node, pikepdf.Dictionary):
            continue
        if "/S" in node:
            found.append((str(node.S), str(node.get("/Alt", ""))))
        kids = node.get("/K")
        stack.extend(kids if isinstance(kids, pikepdf.Array) else [kids])
    return found


@pytest.mark.parametrize("name", ["handbook", "onboarding-counter"])
def test_pdf_is_tagged_pdf_a_and_pdf_ua(minimal_pdfs: Path, name: str) -> None:
    with pikepdf.open(minimal_pdfs / f"{name}.pdf") as pdf:
        assert pdf.Root.MarkInfo.Marked is True
        assert pdf.Root.ViewerPreferences.DisplayDocTitle is True
        assert str(pdf.Root.Lang) == "en"
        (intent,) = pdf.Root.OutputIntents
        assert intent.S == "/GTS_PDFA1"
        meta = pdf.open_metadata()
        assert meta["pdfaid:part"] == "3" and meta["pdfaid:conformance"] == "A"
        assert meta["pdfuaid:part"] == "1"
        assert meta["dc:title"] == str(pdf.docinfo.Title)
        elements = struct_elements(pdf)
        kinds = {kind for kind, _ in elements}
        assert {"/Document", "/H1", "/P", "/Link", "/Table"} <= kinds
        assert ("/Figure", "Northwind Services Ltd") in elements  # the logo's alt text
        assert all(alt for kind, alt in elements if kind == "/Figure")
