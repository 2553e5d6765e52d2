"""The site's finish, on parsed HTML: the header logo and favicon the VI chapter asks for, one
viewport, titles said once, Chinese lists joined with 、, translated VI labels, named
permalinks, one search field, and self-assessments that keep their answers to themselves."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from lxml import html as lhtml

from handbook.assets import svg_problem
from handbook.colors import contrast_ratio
from handbook.html import _DEFAULT_COLORS, focus_colors
from handbook.logos import mark_svg
from handbook.render import list_separator
from handbook.sphinxext.assessments import answer_digest

VERSION = "2026.1"
LANGS = ("zh_CN", "en", "zh_TW")
REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "data"


def page(site: Path, lang: str, name: str) -> lhtml.HtmlElement:
    return lhtml.parse(str(site / VERSION / lang / f"{name}.html")).getroot()


def sample_yaml(name: str) -> dict:  # type: ignore[type-arg]
    return yaml.safe_load((DATA / "sections" / f"{name}.yaml").read_text("utf-8"))


def pages(site: Path, lang: str) -> list[Path]:
    found = sorted((site / VERSION / lang).glob("*.html"))
    assert len(found) > 10
    return found


# --- head: viewport, title, favicon --------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_one_viewport_and_the_title_said_once(sample_site: Path, lang: str) -> None:
    meta = yaml.safe_load((DATA / "handbook.yaml").read_text("utf-8"))
    for path in pages(sample_site, lang):
        root = lhtml.parse(str(path)).getroot()
        assert len(root.xpath("//meta[@name='viewport']")) == 1, path.name
        (title,) = root.xpath("//head/title/text()")
        parts = title.split(" · ")
        assert len(parts) == len(set(parts)), (path.name, title)
    home = page(sample_site, "zh_CN", "index")
    assert home.xpath("//head/title/text()") == [meta["title"]]


@pytest.mark.parametrize("lang", LANGS)
def test_favicon_is_the_logo_mark(sample_site: Path, lang: str) -> None:
    for name in ("index", "standards", "search"):
        (icon,) = page(sample_site, lang, name).xpath("//head/link[@rel='icon']")
        assert icon.get("href") == "_static/favicon.svg" and icon.get("type") == "image/svg+xml"
    data = (sample_site / VERSION / lang / "_static" / "favicon.svg").read_bytes()
    assert svg_problem(data) is None
    icon = lhtml.fromstring(data)
    assert icon.get("viewbox").split()[2] == icon.get("viewbox").split()[3]  # square
    assert b"#D69A2D" in data and b"wordmark" not in data  # the colour mark, no wordmark


def test_header_shows_the_logo_the_vi_names_for_its_colour(sample_site: Path) -> None:
    vi = sample_yaml("vi")
    primary = next(c for c in vi["colors"] if c["role"] == "primary")
    (variant,) = [v for v in vi["logo"]["variants"] if v["background"] == primary["id"]]
    for lang in LANGS:
        root = page(sample_site, lang, "standards")
        (logo,) = root.xpath("//a[@class='hb-brand']/img[contains(@class,'hb-brand-logo')]")
        static = sample_site / VERSION / lang
        assert (static / logo.get("src")).read_bytes() == (DATA / variant["file"]).read_bytes()
        assert int(logo.get("width")) == vi["logo"]["min_width_px"]  # the VI's screen minimum
        assert "hb-plate" not in logo.get("class")
        (mark,) = root.xpath("//a[@class='hb-brand']/img[contains(@class,'hb-brand-mark')]")
        data = (static / mark.get("src")).read_bytes()
        assert svg_problem(data) is None and b"#FFFFFF" in data and b"#1D4F91" not in data
        # the organisation's name stays in the link for screen readers (the logo's alt is "")
        assert root.xpath("//a[@class='hb-brand']/span[contains(@class,'hb-brand-org')]")


def test_mark_is_cut_only_from_a_named_mark_it_can_measure() -> None:
    logo = (DATA / "assets" / "logo.svg").read_bytes()
    mark = mark_svg(logo)
    assert mark is not None and svg_problem(mark) is None
    x, y, w, h = (float(v) for v in lhtml.fromstring(mark).get("viewbox").split())
    assert w == h and x <= 14 and y <= 17 and x + w >= 114 and y + h >= 108
    assert mark_svg(logo.replace(b'id="mark"', b'id="other"')) is None
    assert mark_svg(logo.replace(b"M16 46C14", b"m16 46c14")) is None  # relative: not read
    assert mark_svg(b"\x89PNG\r\n\x1a\n") is None


# --- text: lists, labels ---------------------------------------------------------------------


def test_list_separator() -> None:
    assert (list_separator("zh_CN"), list_separator("zh_TW"), list_separator("en")) == \
        ("、", "、", ", ")


@pytest.mark.parametrize(("lang", "sep"), [("zh_CN", "、"), ("zh_TW", "、"), ("en", ", ")])
def test_lists_are_joined_with_the_enumeration_comma_in_chinese(sample_site: Path, lang: str,
                                                                  sep: str) -> None:
    rules = [r for g in sample_yaml("standards")["groups"] for r in g["rules"]
             if len(r.get("audiences", [])) >= 2]
    assert rules
    root = page(sample_site, lang, "standards")
    for rule in rules:
        (applies,) = root.xpath(f"//div[@id='{rule['id'].lower()}']"
                                "//p[contains(@class,'hb-applies')]")
        names = applies.text_content().split(None, 1)[1] if lang != "en" else \
            applies.text_content().removeprefix("Applies to ")
        assert len(names.split(sep)) == len(rule["audiences"]), names
        if sep == "、":
            assert ", " not in names and "," not in names
    fallbacks = [row.xpath("./td")[2].text_content() for row in
                 page(sample_site, lang, "vi").xpath("//table[contains(@class,'hb-table')]"
                                                     "//tr[td]")
                 if len(row.xpath("./td")) == 4]
    assert fallbacks and all(sep in f for f in fallbacks), fallbacks


@pytest.mark.parametrize(("lang", "primary", "h1"), [("en", "Primary", "Heading 1"),
                                                     ("zh_TW", "主色", "一級標題"),
                                                     ("zh_CN", "主色", "一级标题")])
def test_vi_colour_roles_and_type_scale_are_translated(sample_site: Path, lang: str,
                                                       primary: str, h1: str) -> None:
    root = page(sample_site, lang, "vi")
    vi = sample_yaml("vi")
    chips = [c.text_content() for c in
             root.xpath("//div[contains(@class,'hb-swatch')]//code[contains(@class,'hb-id')]")]
    assert len(chips) == len(vi["colors"]) and chips[0] == primary
    assert not {c["role"] for c in vi["colors"]} & set(chips)  # no raw role name left
    scale = [row.xpath("./td")[0].text_content().strip() for table in
             root.xpath("//table[contains(@class,'hb-table')]") for row in table.xpath(".//tr[td]")
             if row.xpath("./td")[1].text_content().strip().endswith(" pt")]
    assert len(scale) == len(vi["type_scale"]) and scale[0] == h1
    assert not {s["role"] for s in vi["type_scale"]} & set(scale)


# --- links and fields -----------------------------------------------------------------------


@pytest.mark.parametrize(("lang", "rule", "heading"), [("zh_CN", "链接到此规范", "链接到此标题"),
                                                       ("en", "Link to this rule",
                                                        "Link to this heading"),
                                                       ("zh_TW", "連結到此規範", "連結到此標題")])
def test_permalinks_have_a_translated_accessible_name(sample_site: Path, lang: str, rule: str,
                                                      heading: str) -> None:
    root = page(sample_site, lang, "standards")
    rule_links = root.xpath("//p[contains(@class,'hb-rule-head')]/a")
    assert len(rule_links) == len(root.xpath("//div[contains(@class,'hb-rule')]"))
    assert {a.get("aria-label") for a in rule_links} == {rule}
    heading_links = root.xpath("//a[contains(@class,'headerlink')]")
    assert heading_links and {a.get("aria-label") for a in heading_links} == {heading}
    for path in pages(sample_site, lang):
        for a in lhtml.parse(str(path)).getroot().xpath(
                "//a[contains(@class,'headerlink') or contains(@class,'hb-permalink')]"):
            assert a.get("aria-label"), (path.name, a.get("href"))


@pytest.mark.parametrize("lang", LANGS)
def test_search_page_has_one_search_field(sample_site: Path, lang: str) -> None:
    root = page(sample_site, lang, "search")
    assert len(root.xpath("//input[@type='search' or @name='q']")) == 1
    assert len(root.xpath("//form[@role='search'] | //*[@role='search']")) == 1


def test_focus_ring_colours_stand_out_from_what_they_sit_on() -> None:
    sample = {c["role"]: c["hex"] for c in sample_yaml("vi")["colors"]}
    for colors in (_DEFAULT_COLORS, {**_DEFAULT_COLORS, **sample},
                   {**_DEFAULT_COLORS, "primary": "#9FD3F0", "link": "#7FB8E0"}):  # a pale brand
        focus, on_primary = focus_colors(colors)
        assert contrast_ratio(focus, colors["background"]) >= 3, colors
        assert contrast_ratio(on_primary, colors["primary"]) >= 3, colors


# --- self-assessments -----------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_quiz_questions_are_numbered_legends_and_the_key_is_not_on_the_page(
        sample_site: Path, lang: str) -> None:
    path = sample_site / VERSION / lang / "cases.html"
    root = lhtml.parse(str(path)).getroot()
    for assessment in sample_yaml("cases")["assessments"]:
        (form,) = root.xpath(f"//form[@id='form-{assessment['id']}']")
        questions = [q for g in assessment["groups"] for q in g["questions"]]
        fieldsets = form.xpath(".//fieldset[contains(@class,'hb-question')]")
        assert len(fieldsets) == len(questions)
        for number, (fieldset, question) in enumerate(zip(fieldsets, questions, strict=True), 1):
            (legend,) = fieldset.xpath("./legend")  # the first child: what a reader hears
            assert fieldset.index(legend) == 0
            assert legend.text_content().startswith(f"{number}. ")
            assert not legend.xpath(".//p|.//div")  # phrasing content only
            assert fieldset.get("data-answer") is None
            answer = question.get("answer")
            if answer:
                other = "yes" if answer == "no" else "no"
                assert fieldset.get("data-key") == answer_digest(assessment["id"],
                                                                 question["id"], answer)
                assert fieldset.get("data-key") != answer_digest(assessment["id"],
                                                                 question["id"], other)
            else:
                assert fieldset.get("data-key") is None
        assert form.get("data-l-incomplete") and "{list}" in form.get("data-l-incomplete")
    assert not root.xpath("//*[contains(@class,'hb-answer-key')]")
    labels = {"zh_CN": "参考答案", "zh_TW": "參考答案", "en": "Answer key"}
    assert labels[lang] not in path.read_text("utf-8")
