"""A glossary term's first use on a page links to its entry (handbook/sphinxext/terms.py):
a small Sphinx project for the matching rules, the sample site and PDF for the wiring."""

from __future__ import annotations

import re
from pathlib import Path

import lxml.html
import pikepdf
import pytest

from handbook.html import run_sphinx
from handbook.sphinxext.terms import term_pattern

GLOSSARY = """\
Glossary
========

.. _term-on-site:

On site: the 24-hour promise.

.. _term-field:

Field service: work in the home.

.. _term-card:

Service card: the card.

.. _term-24h:

24 hour.

.. _term-visit:

Door.
"""


def build(tmp_path: Path, index: str, terms: list[list[str]]) -> dict[str, str]:
    """Build index.rst and glossary.rst with the term extension; page name -> HTML (the
    terms decide how text matches, not the project's language)."""
    src = tmp_path / "src"
    src.mkdir()
    (src / "conf.py").write_text(
        f"extensions = ['handbook.sphinxext.terms']\nhb_terms = {terms!r}\n"
        f"root_doc = 'index'\nhtml_theme = 'basic'\n", encoding="utf-8")
    (src / "index.rst").write_text(index + "\n.. toctree::\n\n   glossary\n", encoding="utf-8")
    (src / "glossary.rst").write_text(GLOSSARY + "\nA service card in the glossary.\n",
                                      encoding="utf-8")
    assert run_sphinx(src, tmp_path / "out", tmp_path / "doctrees") == []
    return {name: (tmp_path / "out" / f"{name}.html").read_text(encoding="utf-8")
            for name in ("index", "glossary")}


def links(html: str) -> list[tuple[str, str]]:
    """(href, text) of every link to a glossary entry in the page's body."""
    root = lxml.html.fromstring(html)
    return [(a.get("href"), a.text_content()) for a in root.iter("a")
            if "glossary.html#term-" in (a.get("href") or "")]


EN_PAGE = """\
Standards
=========

Service card in a heading
-------------------------

.. container:: hb-rule

   .. rst-class:: hb-rule-head

   The service card rule

   Hand over the Service Card at the door. Then hand over the service card again.
   Say ``service card`` in code and see `service card <https://example.com>`__.

   Field servicemen and unfield service do not match; a field-service-like word neither.

.. container:: hb-rule

   The field service engineer brings a service card.

Text outside a rule: field service.
"""


def test_first_use_in_rule_text_links_and_nothing_else(tmp_path: Path) -> None:
    pages = build(tmp_path, EN_PAGE, [["service card", "card"], ["field service", "field"]])
    assert links(pages["index"]) == [("glossary.html#term-card", "Service Card"),
                                     ("glossary.html#term-field", "field service")]
    root = lxml.html.fromstring(pages["index"])
    for heading in root.iter("h1", "h2"):
        assert not heading.xpath(".//a[contains(@href, '#term-')]")
    head = root.xpath("//p[contains(@class, 'hb-rule-head')]")[0]
    assert not head.xpath(".//a")
    # the glossary page itself links nothing
    assert links(pages["glossary"]) == []


def test_english_terms_match_whole_words_only(tmp_path: Path) -> None:
    page = """\
Page
====

.. container:: hb-rule

   Field servicemen, unfield service and field-service-like words are not the term.

.. container:: hb-rule

   Here it is: FIELD SERVICE.
"""
    assert links(build(tmp_path, page, [["field service", "field"]])["index"]) == [
        ("glossary.html#term-field", "FIELD SERVICE")]


def test_chinese_longest_term_wins(tmp_path: Path) -> None:
    page = """\
服务
====

.. container:: hb-rule

   我们承诺24小时上门服务，其后的上门服务也按标准，上门前先打电话。
"""
    terms = [["上门", "visit"], ["24 小时上门", "on-site"], ["上门服务", "field"]]
    found = links(build(tmp_path, page, terms)["index"])
    assert found == [("glossary.html#term-on-site", "24小时上门"),
                     ("glossary.html#term-field", "上门服务"),
                     ("glossary.html#term-visit", "上门")]


def test_pattern_orders_longest_first() -> None:
    pattern, ids = term_pattern((("上门", "a"), ("24 小时上门", "b")))
    assert pattern is not None
    assert [m.group() for m in pattern.finditer("24 小时上门")] == ["24 小时上门"]
    assert ids == {"上门": "a", "24小时上门": "b"}
    assert term_pattern(()) == (None, {})


# --- the sample --------------------------------------------------------------------------


@pytest.mark.parametrize(("lang", "page", "term", "surface"), [
    ("zh_CN", "standards", "follow-up-call", "回访"),
    ("en", "standards", "follow-up-call", "follow-up call"),
    ("zh_TW", "complaints", "service-card", "服務卡"),
])
def test_sample_pages_link_first_use(sample_site: Path, lang: str, page: str, term: str,
                                     surface: str) -> None:
    html = (sample_site / "2026.1" / lang / f"{page}.html").read_text(encoding="utf-8")
    found = links(html)
    hrefs = [h for h, _ in found]
    assert f"glossary.html#term-{term}" in hrefs
    assert len(hrefs) == len(set(hrefs)), "each term linked once per page"
    text = dict(found)[f"glossary.html#term-{term}"]
    assert text.casefold() == surface.casefold()
    root = lxml.html.fromstring(html)
    rules = root.xpath("//div[contains(concat(' ', @class, ' '), ' hb-rule ')]")
    body = "".join(r.text_content() for r in rules)
    assert body.casefold().count(surface.casefold()) > 1, "the term is used again, unlinked"
    glossary = (sample_site / "2026.1" / lang / "glossary.html").read_text(encoding="utf-8")
    assert links(glossary) == []
    assert f'id="term-{term}"' in glossary


@pytest.mark.parametrize("lang", ["zh_CN", "en", "zh_TW"])
def test_sample_pdf_links_terms_to_the_glossary_appendix(sample_site: Path, lang: str) -> None:
    pdf = pikepdf.open(sample_site / "2026.1" / lang / "pdf" / "handbook.pdf")
    names = {str(k) for k in _dest_names(pdf)}
    targets = set()
    for page in pdf.pages:
        for annot in page.get("/Annots", []):
            action = annot.get("/A")
            dest = annot.get("/Dest") if action is None else action.get("/D")
            if dest is not None and not isinstance(dest, pikepdf.Array):
                targets.add(str(dest))
    terms = {t for t in targets if re.fullmatch(r"term-[a-z0-9-]+", t)}
    assert "term-service-card" in terms and terms <= names


def _dest_names(pdf: pikepdf.Pdf) -> list[str]:
    names = pdf.Root.get("/Names")
    if names is None or "/Dests" not in names:
        return []
    out: list[str] = []
    stack = [names.Dests]
    while stack:
        node = stack.pop()
        if "/Names" in node:
            out += [str(n) for n in list(node.Names)[::2]]
        stack += list(node.get("/Kids", []))
    return out
