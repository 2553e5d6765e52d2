"""Printable forms: schema, located errors, catalogs, the forms page and the PDF appendices."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import lxml.html
import polib
import pytest
import tinycss2
import yaml
from pdftools import page_texts

from handbook.cli import main
from handbook.validate import load_handbook

Root = Callable[[str], Path]
REPO = Path(__file__).resolve().parent.parent
LANGS = ["zh_CN", "en", "zh_TW"]
FORMS = {"service-card": "standards", "return-visit": "standards",
         "mystery-shopper": "standards", "complaint-record": "complaints"}
TOTAL = {"zh_CN": "合计", "en": "Total", "zh_TW": "合計"}


def sample_forms() -> dict[str, dict]:  # type: ignore[type-arg]
    out = {}
    for section in dict.fromkeys(FORMS.values()):  # in chapter order, as printed
        data = yaml.safe_load((REPO / "data/sections" / f"{section}.yaml").read_text("utf-8"))
        out |= {f["id"]: f for f in data["forms"]}
    return out


def validate(data: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, list[str]]:
    code = main(["validate", "--data", str(data)])
    err = capsys.readouterr().err.splitlines()
    return code, [re.sub(r"^.*?(sections/)", r"\1", line) for line in err if "ERROR" in line]


def line_of(path: Path, needle: str, after: str = "") -> tuple[int, int]:
    """1-based line and column of the first needle after the first `after`."""
    lines = path.read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if after in line) if after else 0
    row = next(i for i in range(start, len(lines)) if needle in lines[i])
    return row + 1, lines[row].index(needle) + 1


# --- model, schema, validation -------------------------------------------------------------


def test_sample_has_the_four_forms_with_weights_and_rules() -> None:
    handbook, report = load_handbook(REPO / "data")
    assert report.problems == []
    forms = {f.id: (s.id, f) for s in handbook.sections for f in s.forms}
    assert {k: v[0] for k, v in forms.items()} == FORMS
    kinds = {fld.kind for _, f in forms.values() for p in f.parts for fld in p.fields}
    assert kinds == {"text", "date", "checkbox", "signature", "score"}
    score = next(fld for p in forms["mystery-shopper"][1].parts for fld in p.fields
                 if fld.kind == "score")
    assert sum(c.weight for c in score.criteria) == 100
    assert "CMP-STP-006" in forms["complaint-record"][1].rules
    assert "STD-RTV-001" in forms["return-visit"][1].rules


def test_schema_describes_form_fields(tmp_path: Path) -> None:
    assert main(["schema", "--write", str(tmp_path)]) == 0
    schema = json.loads((tmp_path / "section.schema.json").read_text(encoding="utf-8"))
    defs = schema["$defs"]
    assert schema["properties"]["forms"]["items"] == {"$ref": "#/$defs/Form"}
    assert defs["FormField"]["properties"]["kind"]["enum"] == [
        "text", "date", "checkbox", "signature", "score"]
    assert "weight" in defs["Criterion"]["required"]
    assert "description" in defs["Form"]["properties"]["rules"]


def test_bad_field_kind_is_located(root: Root, capsys: pytest.CaptureFixture[str]) -> None:
    data = root("sample")
    path = data / "sections" / "complaints.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("            label: 受理日期\n            kind: date",
                                 "            label: 受理日期\n            kind: textarea", 1),
                    encoding="utf-8")
    code, errors = validate(data, capsys)
    line, col = line_of(path, "kind: textarea")
    assert code == 1
    assert errors == [
        f"sections/complaints.yaml:{line}:{col + 6}: ERROR: forms[0].parts[0].fields[1].kind: "
        "expected one of 'text', 'date', 'checkbox', 'signature' or 'score', got 'textarea' "
        "[data.value]",
        "ERROR: validation failed: 1 error",
    ]


def test_form_checks_are_located(root: Root, capsys: pytest.CaptureFixture[str]) -> None:
    """Keys of another kind, weights that miss 100, unknown rules, repeated ids."""
    data = root("sample")
    path = data / "sections" / "complaints.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace("            label: 受理人（姓名、工号）\n            kind: text",
                        "            label: 受理人（姓名、工号）\n            kind: text\n"
                        "            options: [甲, 乙]", 1)
    text = text.replace("CMP-STP-001, CMP-STP-004", "CMP-STP-001, CMP-STP-099", 1)
    text = text.replace("  - id: complaint-record", "  - id: service-card", 1)
    path.write_text(text, encoding="utf-8")
    standards = data / "sections" / "standards.yaml"
    standards.write_text(standards.read_text(encoding="utf-8").replace(
        "                label: 主动问候\n                weight: 15",
        "                label: 主动问候\n                weight: 25", 1), encoding="utf-8")
    code, errors = validate(data, capsys)
    options = line_of(path, "options: [甲, 乙]")
    rule = line_of(path, "CMP-STP-099")
    dup = line_of(path, "  - id: service-card")
    criteria = line_of(standards, "criteria:", after="id: mystery-shopper")
    first = line_of(standards, "  - id: service-card")
    assert code == 1
    assert errors == [
        f"sections/complaints.yaml:{dup[0]}:{dup[1] + 8}: ERROR: forms[0].id: expected form "
        "ids unique across the handbook, got 'service-card' again (first at "
        f"{data}/sections/standards.yaml:{first[0]}:{first[1] + 8}) [data.duplicate-id]",
        f"sections/complaints.yaml:{rule[0]}:{rule[1]}: ERROR: forms[0].rules[1]: expected "
        "the ID of a rule in this handbook, got 'CMP-STP-099' [data.reference]",
        f"sections/complaints.yaml:{options[0]}:{options[1] + 9}: ERROR: "
        "forms[0].parts[0].fields[3].options: expected options only on a checkbox field, "
        "got it on a text field [data.value]",
        f"sections/standards.yaml:{criteria[0] + 1}:{criteria[1] + 2}: ERROR: "
        "forms[2].parts[1].fields[0].criteria: expected weights adding up to 100, got 110 "
        "[data.value]",
        "ERROR: validation failed: 4 errors",
    ]


def test_forms_are_extracted_and_translated() -> None:
    pot = polib.pofile(str(REPO / "data/locales/templates/complaints.pot"))
    contexts = {e.msgctxt for e in pot}
    assert "forms[complaint-record].title" in contexts
    assert "forms[complaint-record].parts[closing].fields[result].options[2]" in contexts
    for lang in ("en", "zh_TW"):
        for section in dict.fromkeys(FORMS.values()):  # in chapter order, as printed
            po = polib.pofile(str(REPO / f"data/locales/{lang}/LC_MESSAGES/{section}.po"))
            forms = [e for e in po if e.msgctxt and e.msgctxt.startswith("forms[")]
            assert forms and all(e.translated() for e in forms), (lang, section)


# --- the built sample --------------------------------------------------------------------


def page(sample_site: Path, lang: str, name: str) -> lxml.html.HtmlElement:
    return lxml.html.parse(str(sample_site / "2026.1" / lang / f"{name}.html")).getroot()


def has_class(cls: str) -> str:
    return f"contains(concat(' ', normalize-space(@class), ' '), ' {cls} ')"


@pytest.mark.parametrize("lang", LANGS)
def test_forms_page_in_every_language(sample_site: Path, lang: str) -> None:
    root = page(sample_site, lang, "forms")
    sheets = root.xpath(f"//section[{has_class('hb-sheet')}]")
    assert [s.get("id") for s in sheets] == [f"form-{f}" for f in FORMS]
    for sheet in sheets:
        assert sheet.xpath("./h2")
        assert sheet.xpath(f".//div[{has_class('hb-blank')}]")
        assert sheet.xpath(f".//p[{has_class('hb-sheet-rules')}]//a[contains(@href, '.html#')]")
    score = root.xpath("//section[@id='form-mystery-shopper']"
                       f"//table[{has_class('hb-score-table')}]")
    assert len(score) == 1
    rows = score[0].xpath(".//tbody/tr")
    assert len(rows) == 9  # eight criteria and the totals row
    assert rows[-1].xpath("./td")[0].text_content().strip() == TOTAL[lang]
    assert rows[-1].xpath("./td")[1].text_content().strip() == "100"
    boxes = root.xpath(f"//section[@id='form-return-visit']//ul[{has_class('hb-options')}]/li")
    assert len(boxes) >= 10
    assert root.xpath(f"//section[@id='form-return-visit']//ol[{has_class('hb-sheet-script')}]"
                      "/li")
    nav = root.xpath("//nav[@id='hb-nav']//a[@href='forms.html' or @href='#']")
    assert nav, "the forms page is in the site's navigation"


@pytest.mark.parametrize("lang", LANGS)
def test_rules_link_to_their_forms(sample_site: Path, lang: str) -> None:
    complaints = page(sample_site, lang, "complaints")
    links = complaints.xpath(f"//*[@id='cmp-stp-006']//p[{has_class('hb-rule-forms')}]//a/@href")
    assert links == ["forms.html#form-complaint-record"]
    standards = page(sample_site, lang, "standards")
    links = standards.xpath(f"//*[@id='std-rtv-001']//p[{has_class('hb-rule-forms')}]//a/@href")
    assert links == ["forms.html#form-return-visit"]
    assert not standards.xpath(f"//*[@id='std-smi-003']//p[{has_class('hb-rule-forms')}]")


def _print_rules(css: str) -> list[str]:
    """Selectors of the @media print rules of a stylesheet, one string per rule."""
    out = []
    for rule in tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True):
        if rule.type == "at-rule" and rule.lower_at_keyword == "media" \
                and "print" in tinycss2.serialize(rule.prelude):
            for inner in tinycss2.parse_rule_list(rule.content, skip_comments=True,
                                                  skip_whitespace=True):
                if inner.type == "qualified-rule":
                    out.append(tinycss2.serialize(inner.prelude).strip() + " {"
                               + tinycss2.serialize(inner.content) + "}")
    return out


def test_forms_page_has_a_print_stylesheet(sample_site: Path) -> None:
    root = page(sample_site, "zh_CN", "forms")
    sheets = [h for h in root.xpath("//link[@rel='stylesheet']/@href") if "handbook.css" in h]
    assert sheets
    css = (sample_site / "2026.1" / "zh_CN" / sheets[0].split("?")[0]).read_text("utf-8")
    rules = _print_rules(css)
    chrome = [r for r in rules if ".hb-header" in r and "display: none" in r]
    assert chrome and ".hb-nav" in chrome[0] and ".hb-footer" in chrome[0]
    assert any(r.startswith(".hb-sheet ~ .hb-sheet") and "break-before: page" in r
               for r in rules)
    assert any(":target" in r and "display: none" in r for r in rules)


@pytest.mark.parametrize("lang", LANGS)
def test_pdf_has_each_form_on_its_own_pages(sample_site: Path, lang: str) -> None:
    texts = page_texts(sample_site / "2026.1" / lang / "pdf" / "handbook.pdf")
    po = {}
    if lang != "zh_CN":
        for section in dict.fromkeys(FORMS.values()):  # in chapter order, as printed
            po |= {e.msgctxt: e.msgstr for e in polib.pofile(
                str(REPO / f"data/locales/{lang}/LC_MESSAGES/{section}.po"))}
    starts = []
    for form_id, form in sample_forms().items():
        title = po.get(f"forms[{form_id}].title", form["title"])
        first = [i for i, t in enumerate(texts) if t.lstrip().startswith(title)]
        assert first, f"{title} opens a page"
        starts.append(first[0])
        part = po.get(f"forms[{form_id}].parts[{form['parts'][0]['id']}].title",
                      form["parts"][0]["title"])
        assert part in texts[first[0]]
    assert len(set(starts)) == 4 and starts == sorted(starts)
    shopper = "".join(texts[starts[2]:starts[3]])  # the third form, before the fourth
    assert re.search(re.escape(TOTAL[lang]) + r"\s+100\s+/ 100", shopper)
    for doc in ("onboarding-front-desk",):
        onboarding = "".join(page_texts(sample_site / "2026.1" / lang / "pdf" / f"{doc}.pdf"))
        title = po.get("forms[complaint-record].title", "投诉处理记录表")
        assert title in onboarding  # named beside the rules that use it …
        assert not any(t.lstrip().startswith(title) for t in page_texts(
            sample_site / "2026.1" / lang / "pdf" / f"{doc}.pdf"))  # … not printed


def test_form_text_is_escaped(root: Root) -> None:
    """A label, option or criterion that looks like reST reaches the page as text."""
    from handbook.render import Renderer
    from handbook.rst import rst_escape

    data = root("sample")
    path = data / "sections" / "complaints.yaml"
    hostile = "`x <javascript:alert(1)>`__ :ref:`y` .. raw:: html"
    text = path.read_text(encoding="utf-8")
    for old in ("label: 工单号", "[服务热线, 营业厅柜台", "title: 受理\n"):
        assert old in text
    text = text.replace("label: 工单号", f"label: '{hostile}'", 1)
    text = text.replace("[服务热线, 营业厅柜台", f"['{hostile}', 营业厅柜台", 1)
    text = text.replace("title: 受理\n", f"title: '{hostile}'\n", 1)
    path.write_text(text, encoding="utf-8")
    handbook, report = load_handbook(data)
    assert report.problems == []
    themes = [REPO / "themes/handbook/rst"]
    rst = Renderer(handbook, "zh_CN", {}, themes).site_pages()["forms.rst"]
    assert hostile not in rst
    assert rst.count(str(rst_escape(hostile))) == 3
