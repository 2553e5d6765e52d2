"""The glossary as data: validated, held against the catalogs (i18n check), exported (terms)."""

from __future__ import annotations

import csv
import io
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

import polib
import pytest

from handbook.cli import main
from handbook.termbase import check_entry
from handbook.validate import load_handbook

Root = Callable[[str], Path]
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def run(capsys: pytest.CaptureFixture[str], *argv: str | Path) -> tuple[int, str, list[str]]:
    code = main([str(a) for a in argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err.splitlines()


def set_msgstr(path: Path, ctx: str, new: str) -> int:
    """Replace one translation; return the line of its msgstr."""
    po = polib.pofile(str(path), wrapwidth=0)
    entry = next(e for e in po if e.msgctxt == ctx)
    entry.msgstr = new
    path.write_text(po.__unicode__(), encoding="utf-8")
    lines = path.read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line == f'msgctxt "{ctx}"')
    return next(i for i in range(start, len(lines)) if lines[i].startswith("msgstr")) + 1


def test_sample_glossary_loads_with_the_handbook() -> None:
    handbook, _ = load_handbook(Path(__file__).resolve().parent.parent / "data")
    assert handbook.glossary is not None
    terms = {t.term: t for t in handbook.glossary.terms}
    assert terms["回访"].translations["en"] == "follow-up call"
    assert terms["24 小时上门"].translations["en"] == "24-hour on-site service"
    assert "梅瑞特" in terms["万豪"].forbidden["zh_TW"]


def test_sample_passes_i18n_check(root: Root, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "i18n", "check", "--data", root("sample"))
    assert code == 0, err
    assert err[-1] == "i18n check: en, zh_TW clean (17 glossary terms)"


def test_i18n_check_reports_planted_inconsistencies(
        root: Root, capsys: pytest.CaptureFixture[str]) -> None:
    data = root("sample")
    std = data / "locales/en/LC_MESSAGES/standards.po"
    line = set_msgstr(std, "groups[return-visit].title", "Return visits")
    tw = data / "locales/zh_TW/LC_MESSAGES/vi.po"
    ctx = "groups[typography].rules[VI-TYP-002].title"
    tw_line = set_msgstr(tw, ctx, "按字號表排版")
    code, _, err = run(capsys, "i18n", "check", "--data", data)
    assert code == 1
    assert err == [
        f"{std.relative_to(data.parent)}:{line}:1: ERROR: groups[return-visit].title: expected "
        "'follow-up call' for '回访', got the forbidden variant 'return visit' [i18n.term]",
        f"{tw.relative_to(data.parent)}:{tw_line}:1: ERROR: {ctx}: expected '字級' for '字号', "
        "got the forbidden variant '字號' [i18n.term]",
        "ERROR: i18n check failed: 2 errors",
    ]


def test_check_entry_catches_the_usual_mistakes() -> None:
    assert check_entry("回访", "Call back", "en", None) == []
    assert check_entry("您好，{name}", "Hello, {nom}", "en", None) == [
        ("expected placeholders ['{name}'], got ['{nom}']", "i18n.placeholder")]
    assert check_entry("您好", " Hello", "en", None) == [
        ("expected leading whitespace '' as in the source, got ' '", "i18n.whitespace")]
    assert check_entry("请稍等。", "Please wait。", "en", None) == [
        ("expected ASCII punctuation in en text, got full-width '。'", "i18n.punctuation")]
    assert check_entry("请稍等，谢谢", "請稍等,謝謝", "zh_TW", None) == [
        ("expected full-width punctuation in Chinese text, got '等,'", "i18n.punctuation")]
    assert check_entry("电话 139 1234 5678", "電話 139 1234 5678", "zh_TW", None) == [
        ("expected a local phone number or address format, got the mainland '139 1234 5678'",
         "i18n.locale")]


def test_term_missing_its_approved_translation(root: Root) -> None:
    handbook, _ = load_handbook(root("sample"))
    problems = check_entry("回访时限", "Time limit for calling back", "en", handbook.glossary)
    assert problems == [("expected the approved translation 'follow-up call' of glossary term "
                         "'回访', got none", "i18n.term")]
    assert check_entry("“三换”原则", "the three-changes principle", "en",
                       handbook.glossary) == []


def test_terms_export_tbx_parses(root: Root, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "i18n", "terms", "--format", "tbx", "--data", root("sample"))
    assert code == 0
    tree = ET.fromstring(out.encode("utf-8"))
    assert tree.tag == "martif" and tree.get(XML_LANG) == "zh-CN"
    entries = tree.findall("./text/body/termEntry")
    assert len(entries) == 17
    follow = next(e for e in entries if e.get("id") == "follow-up-call")
    en = next(s for s in follow.findall("langSet") if s.get(XML_LANG) == "en")
    terms = {t.findtext("term"): t.findtext("termNote") for t in en.findall("tig")}
    assert terms["follow-up call"] == "preferredTerm-admn-sts"
    assert terms["return visit"] == "deprecatedTerm-admn-sts"


def test_terms_export_csv(root: Root, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "i18n", "terms", "--format", "csv", "--data", root("sample"))
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert len(rows) == 17
    row = next(r for r in rows if r["id"] == "on-site-24h")
    assert (row["zh-CN"], row["en"], row["zh-TW"]) == ("24 小时上门", "24-hour on-site service",
                                                       "24 小時到府")


def test_broken_glossary_is_reported(root: Root, capsys: pytest.CaptureFixture[str]) -> None:
    data = root("sample")
    (data / "glossary.yaml").write_text(
        "terms:\n"
        "  - id: a\n    term: 回访\n    definition: {en: x}\n"
        "    translations: {en: follow-up call, fr: rappel}\n"
        "    forbidden: {en: [follow-up]}\n"
        "  - id: a\n    term: 工牌\n    definition: {zh_CN: 牌}\n", encoding="utf-8")
    code, _, err = run(capsys, "validate", "--data", data)
    assert code == 1
    body = [re.sub(r"^.*?glossary\.yaml", "glossary.yaml", e) for e in err[:-1]]
    assert body == [
        "glossary.yaml:4:17: ERROR: terms[0].definition: expected a definition in the source "
        "language zh_CN, got ['en'] [glossary.missing]",
        "glossary.yaml:5:40: ERROR: terms[0].translations.fr: expected one of the handbook's "
        "languages ['en', 'zh_CN', 'zh_TW'], got 'fr' [glossary.language]",
        "glossary.yaml:6:21: ERROR: terms[0].forbidden.en: expected forbidden variants that the "
        "approved translation 'follow-up call' does not contain, got ['follow-up'] "
        "[glossary.conflict]",
        "glossary.yaml:7:9: ERROR: terms[1].id: expected a unique id, got 'a' again (first at "
        "terms[0]) [glossary.duplicate]",
    ]


def test_glossary_page_and_pdf_appendix(root: Root) -> None:
    from handbook.i18n import translate
    from handbook.render import Renderer

    handbook, _ = load_handbook(root("sample"))
    themes = [Path(__file__).resolve().parent.parent / "themes/handbook/rst"]
    en = Renderer(translate(handbook, "en", None), "en", {}, themes)
    page = en.site_pages()["glossary.rst"]
    assert ".. _term-follow-up-call:" in page
    assert ":hb-title:`回访` · follow\\-up call" in page
    assert "A phone call from the Customer Care Centre after a job" in page
    assert "   glossary\n" in en.site_pages()["index.rst"]
    printed = en.print_pages([], {"pdf_id": "x", "logo": None, "language_name": "English",
                                  "has_appendix": False})["handbook"]
    assert ".. _glossary:" in printed and ".. _term-on-site-24h:" in printed
    source = Renderer(handbook, "zh_CN", {"Glossary": "术语表"}, themes).site_pages()
    assert "术语表" in source["glossary.rst"] and " · " not in source["glossary.rst"]
