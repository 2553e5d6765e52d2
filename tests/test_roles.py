"""Role pages and the home page's role block: grouped, linked rule lists and onboarding PDFs."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import html as lhtml

from handbook.cli import main

VERSION = "2026.1"
LANGS = ("zh_CN", "en", "zh_TW")
AUDIENCES = ("front-desk", "call-centre", "field-service", "manager")
ITEMS = "//div[contains(@class,'hb-rule') or contains(@class,'hb-phrase')]" \
        " | //section[div[contains(@class,'hb-case')]]"
PDF_LABEL = {"zh_CN": "入职手册（PDF）", "en": "Onboarding manual for ", "zh_TW": "入職手冊（PDF）"}
ROLE_HEADING = {"zh_CN": "按岗位", "en": "For your role", "zh_TW": "按職務"}


def page(site: Path, lang: str, name: str) -> lhtml.HtmlElement:
    return lhtml.parse(str(site / VERSION / lang / f"{name}.html")).getroot()


def listed(root: lhtml.HtmlElement) -> dict[str, str]:
    """Rule ID -> href of every row of a role page's lists."""
    out = {}
    for link in root.xpath("//ul[contains(@class,'hb-rulelist')]/li//a[@href]"):
        (code,) = link.xpath("./span[contains(@class,'hb-id')]")
        out[code.text_content()] = link.get("href")
    return out


def filter_shows(site: Path, lang: str, audience: str) -> set[str]:
    """Item anchors the chapter pages' role filter (hb-nav.js) leaves visible for audience:
    items with no aud-* class, or with aud-<audience>."""
    index = page(site, lang, "index")
    chapters = [a.get("href").split("#")[0].removesuffix(".html")
                for a in index.xpath("//div[contains(@class,'hb-section-card')]//a[@href]")]
    shown = set()
    for chapter in chapters:
        for item in page(site, lang, chapter).xpath(ITEMS):
            classes = item.get("class", "").split()
            if item.tag == "section":
                classes = item.xpath("./div[contains(@class,'hb-case')]")[0].get("class").split()
            tags = [c for c in classes if c.startswith("aud-")]
            if item.get("id") and (not tags or f"aud-{audience}" in tags):
                shown.add(f"{chapter}.html#{item.get('id')}")
    return shown


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
@pytest.mark.parametrize("audience", AUDIENCES)
def test_role_page_is_grouped_by_chapter_and_links_to_existing_rule_anchors(
        sample_site: Path, lang: str, audience: str) -> None:
    root = page(sample_site, lang, f"for-{audience}")
    assert not root.xpath("//table[contains(@class,'hb-checklist')] | //td"), "a list, no table"
    chapters = root.xpath(f"//section[starts-with(@id,'for-{audience}-')]"
                          f"[h2][not(@id='for-{audience}-first-week')]")
    assert len(chapters) >= 5
    anchors: dict[str, set[str]] = {}
    for chapter in chapters:
        name = chapter.get("id").removeprefix(f"for-{audience}-")
        groups = chapter.xpath("./section[h3]")
        assert groups, name
        for group in groups:
            assert group.get("id").startswith(f"{chapter.get('id')}-") and group.get("id").isascii()
            rows = group.xpath("./ul[contains(@class,'hb-rulelist')]/li")
            assert rows, group.get("id")
            for row in rows:
                (link,) = row.xpath(".//a[@href]")
                target, anchor = link.get("href").split("#")
                assert target == f"{name}.html", (name, link.get("href"))  # grouped by chapter
                code = link.xpath("./span[contains(@class,'hb-id')]")[0].text_content()
                assert anchor == code.lower()
                title = link.text_content().removeprefix(code).strip()
                assert title, code
                anchors.setdefault(name, set()).add(anchor)
                for measure in row.xpath(".//span[contains(@class,'hb-measure')]"):
                    assert measure.text_content().strip()
    for name, ids in anchors.items():
        present = set(page(sample_site, lang, name).xpath("//*/@id"))
        assert ids <= present, (name, sorted(ids - present))


@pytest.mark.parametrize("audience", AUDIENCES)
def test_role_page_lists_what_the_role_filter_shows(sample_site: Path, audience: str) -> None:
    root = page(sample_site, "zh_CN", f"for-{audience}")
    assert set(listed(root).values()) == filter_shows(sample_site, "zh_CN", audience)


def test_group_audiences_reach_the_filter(sample_site: Path) -> None:
    # MI-CUL-* have no audiences of their own; their group is for managers only
    mi = page(sample_site, "zh_CN", "mi")
    (rule,) = mi.xpath("//div[@id='mi-cul-001']")
    assert "aud-manager" in rule.get("class").split()
    (applies,) = rule.xpath(".//*[contains(@class,'hb-applies')]")  # and the rule says so
    assert "管理人员" in applies.text_content()
    assert "MI-CUL-001" in listed(page(sample_site, "zh_CN", "for-manager"))
    assert "MI-CUL-001" not in listed(page(sample_site, "zh_CN", "for-front-desk"))


@pytest.mark.parametrize("lang", LANGS)
def test_role_page_puts_its_onboarding_pdf_first(sample_site: Path, lang: str) -> None:
    for audience in AUDIENCES:
        root = page(sample_site, lang, f"for-{audience}")
        (link,) = root.xpath("//p[contains(@class,'hb-role-pdf')]/a")
        assert link.get("href") == f"pdf/onboarding-{audience}.pdf"
        assert (sample_site / VERSION / lang / link.get("href")).is_file()
        assert PDF_LABEL[lang] in link.text_content()
        order = list(root.iter())  # above the first week and the rule lists
        assert order.index(link) < order.index(root.xpath("//h2")[0])
        first_week = root.xpath(f"//section[@id='for-{audience}-first-week']/ol/li")
        assert first_week
        links = [a.get("href") for li in first_week for a in li.xpath(".//a")]
        assert len(links) >= 3  # the sample's steps name what to read
        for href in links:  # ... as a link to a chapter, assessment or rule of the site
            target, fragment = href.split("#")
            assert page(sample_site, lang, target[:-5]).xpath(f"//*[@id='{fragment}']"), href


@pytest.mark.parametrize("lang", LANGS)
def test_home_links_every_role_page_and_its_pdf(sample_site: Path, lang: str) -> None:
    root = page(sample_site, lang, "index")
    (block,) = root.xpath("//section[@id='home-audiences']")
    assert block.xpath("./h2")[0].text_content().rstrip("#¶ ") == ROLE_HEADING[lang]
    pages = block.xpath(".//div[contains(@class,'hb-quicklink')]/p[1]/a/@href")
    assert pages == [f"for-{a}.html#for-{a}" for a in AUDIENCES]
    pdfs = block.xpath(".//p[contains(@class,'hb-role-pdf')]/a")
    assert [a.get("href") for a in pdfs] == [f"pdf/onboarding-{a}.pdf" for a in AUDIENCES]
    for link in pdfs:
        assert PDF_LABEL[lang] in link.text_content()
        assert (sample_site / VERSION / lang / link.get("href")).is_file()
    for href in pages:
        assert (sample_site / VERSION / lang / href.split("#")[0]).is_file()


def test_pdf_links_only_when_the_site_has_the_pdfs(root, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    data = root("minimal")
    out = tmp_path / "site"

    def links() -> list[str]:
        site = out / VERSION / "en"
        hrefs = [a.get("href") for name in ("index", "for-counter")
                 for a in page(out, "en", name).xpath("//p[contains(@class,'hb-role-pdf')]/a")]
        assert all((site / href).is_file() for href in hrefs)
        return hrefs

    assert main(["html", "--data", str(data), "--out", str(out), "-q"]) == 0
    assert links() == []  # no PDF built or published: no link to a missing file
    assert main(["pdf", "--data", str(data), "--out", str(out), "--audience", "counter",
                 "-q"]) == 0
    assert main(["html", "--data", str(data), "--out", str(out), "-q"]) == 0
    assert links() == ["pdf/onboarding-counter.pdf"] * 2  # published before: linked
