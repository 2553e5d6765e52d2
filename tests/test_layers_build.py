"""Building a layer: provenance badges, the local-rules page, translations, diff."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from lxml import html as lhtml
from pdftools import page_texts

from handbook.cli import main
from handbook.i18n import translate
from handbook.render import Renderer
from handbook.validate import load_handbook

ROOTS = Path(__file__).resolve().parent / "roots"
THEME_RST = Path(__file__).resolve().parent.parent / "themes" / "handbook" / "rst"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The layered root's site layer (over its region), HTML in both languages."""
    base = tmp_path_factory.mktemp("layers") / "layered"
    shutil.copytree(ROOTS / "layered", base)
    out = base.parent / "out"
    assert main(["html", "--data", str(base / "layers" / "region" / "branch"), "--out", str(out),
                 "-q"]) == 0
    return out / "2026.1"


def _page(site: Path, lang: str, name: str) -> lhtml.HtmlElement:
    return lhtml.parse(str(site / lang / f"{name}.html")).getroot()


def _rule(page: lhtml.HtmlElement, rule_id: str) -> lhtml.HtmlElement:
    return page.xpath(f'//div[@id="{rule_id.lower()}"]')[0]


def test_rules_a_layer_added_or_changed_carry_its_badge(site: Path) -> None:
    page = _page(site, "zh_CN", "basics")
    marked = {el.get("data-layer") for el in page.xpath('//div[contains(@class, "hb-rule ")]')}
    assert marked == {None, "region", "site"}
    changed_by_region = _rule(page, "BAS-GRT-001")
    assert changed_by_region.get("data-layer") == "region"
    badge = changed_by_region.xpath('.//div[contains(@class, "hb-layer-badge")]')[0]
    assert (badge.get("data-layer"), badge.text_content().strip()) == ("region", "华东区域")
    assert "3 分钟内" in changed_by_region.text_content()
    assert _rule(page, "BAS-GRT-101").get("data-layer") == "site"  # the site changed it last
    inherited = _rule(page, "BAS-GRT-002")
    assert inherited.get("data-layer") is None
    assert not inherited.xpath('.//div[contains(@class, "hb-layer-badge")]')
    chapter = _page(site, "zh_CN", "local")  # the region's own chapter
    assert _rule(chapter, "LOC-HOL-001").get("data-layer") == "region"


def test_local_rules_page_lists_changes_and_the_unit(site: Path) -> None:
    page = _page(site, "zh_CN", "local-rules")
    assert page.xpath("//h1")[0].text_content().strip("#¶ ") == "西湖店本地规定"
    entries = page.xpath('//div[contains(@class, "hb-local ")]')
    assert [e.xpath('.//code[contains(@class, "hb-id")]')[0].text_content() for e in entries] \
        == ["BAS-GRT-101"]
    assert "修改的内容 正文" in " ".join(entries[0].text_content().split())
    assert entries[0].xpath('.//a[@href="basics.html#bas-grt-101"]')
    unit = " ".join(page.xpath('//div[contains(@class, "hb-unit")]')[0].text_content().split())
    assert "地址 杭州市西湖区北山街 1 号" in unit and "服务热线 0571-5555-0199" in unit
    rows = [[c.text_content().strip() for c in tr.xpath("./td")]
            for tr in page.xpath('//table[contains(@class, "hb-escalation")]//tbody/tr')]
    assert rows == [["顾客要求见负责人时", "值班主管", "李静", "0571-5555-0101"]]
    home = _page(site, "zh_CN", "index")
    assert home.xpath('//a[@href="local-rules.html"]')


def test_each_layer_translates_its_own_strings(site: Path) -> None:
    page = _page(site, "en", "basics")
    rule = _rule(page, "BAS-GRT-001")
    text = " ".join(rule.text_content().split())
    assert "Queueing" in text  # the corporate catalog
    assert "within 3 minutes" in text  # the region's catalog, for the field it changed
    assert rule.xpath('.//div[contains(@class, "hb-layer-badge")]')[0].text_content().strip() \
        == "East China region"
    assert "greet them in it" in _rule(page, "BAS-GRT-101").text_content()  # the site's
    assert not page.xpath('//*[contains(@class, "hb-untranslated")]')
    local = _page(site, "en", "local-rules")
    assert local.xpath("//h1")[0].text_content().strip("#¶ ") == "Local rules of West Lake branch"
    assert "Li Jing" in local.text_content()


def test_region_local_rules_give_reasons(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOTS)
    handbook, _ = load_handbook(Path("layered/layers/region"))
    source = translate(handbook, "zh_CN", None)
    rst = Renderer(source, "zh_CN", {}, [THEME_RST]).site_pages()["local-rules.rst"]
    assert "华东各店柜台为站立式。" in rst and "华东客流集中，排队时限收紧。" in rst
    assert ":hb-id:`BAS\\-GRT\\-003` :hb-label:`Removed`" in rst


def test_diff_lists_a_layer_against_the_layer_below(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(ROOTS)
    assert main(["diff", "--data", "layered/layers/region"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "layer region (华东区域) against 小店服务集团: 2 added, 1 changed, 1 removed",
        "  changed  rule    BAS-GRT-001  排队等候 [measure]  "
        "(layered/layers/region/sections/basics.yaml:3:3)",
        "           reason: 华东客流集中，排队时限收紧。",
        "  removed  rule    BAS-GRT-003  起身迎客  "
        "(layered/layers/region/sections/basics.yaml:7:5)",
        "           reason: 华东各店柜台为站立式。",
        "  added    rule    BAS-GRT-101  方言问候  "
        "(layered/layers/region/sections/basics.yaml:12:9)",
        "  added    chapter local        区域规定  (layered/layers/region/sections/local.yaml:1:1)",
    ]
    assert main(["diff", "--data", "layered/layers/region/branch", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert (data["layer"], data["base"]) == ("site", "region")
    assert [(c["kind"], c["id"], c["fields"]) for c in data["changes"]] == [
        ("changed", "BAS-GRT-101", ["text"])]
    assert main(["diff", "--data", "layered"]) == 2  # not a layer: a usage error


def test_layer_catalogs_hold_only_its_own_strings(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(ROOTS)
    assert main(["i18n", "stats", "--data", "layered/layers/region/branch"]) == 0
    totals = [line.split() for line in capsys.readouterr().out.splitlines() if "TOTAL" in line]
    assert totals == [["en", "TOTAL", "8", "0", "0", "100.0%"]]


def test_build_without_data_builds_every_layer(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.copytree(ROOTS / "layered", tmp_path / "data")
    monkeypatch.chdir(tmp_path)
    assert main(["html", "--out", "out", "-q"]) == 0
    out = tmp_path / "out"
    for prefix in ("", "layers/region/", "layers/region/branch/"):  # the corporate one as today
        for lang in ("zh_CN", "en"):
            assert (out / f"{prefix}2026.1/{lang}/index.html").is_file(), (prefix, lang)
    assert json.loads((out / "versions.json").read_text())["versions"][0]["name"] == "2026.1"
    layer_versions = json.loads((out / "layers/region/branch/versions.json").read_text())
    assert layer_versions["versions"][0]["languages"] == ["zh_CN", "en"]
    assert "2026.1/zh_CN/index.html" in (out / "layers/region/index.html").read_text()
    sites = lhtml.parse(str(out / "sites.html")).getroot()
    rows = [(tr.get("data-layer"), [td.text_content() for td in tr.xpath("./td")][:3])
            for tr in sites.xpath("//tbody/tr")]
    assert rows == [("", ["小店服务集团", "服务手册", ""]),
                    ("region", ["华东区域", "小店服务集团华东区域", "小店服务集团"]),
                    ("site", ["西湖店", "小店服务集团杭州西湖店", "华东区域"])]
    assert sites.xpath('//a[@href="layers/region/branch/2026.1/en/index.html"]')
    page = _page(out / "layers/region/branch/2026.1", "zh_CN", "basics")
    assert _rule(page, "BAS-GRT-101").get("data-layer") == "site"


def test_pdf_shows_the_layer_badge(tmp_path: Path) -> None:
    shutil.copytree(ROOTS / "layered", tmp_path / "layered")
    out = tmp_path / "out"
    assert main(["pdf", "--data", str(tmp_path / "layered/layers/region/branch"), "--out",
                 str(out), "-l", "zh_CN", "-q"]) == 0
    text = "\n".join(page_texts(out / "2026.1/zh_CN/pdf/handbook.pdf"))
    assert "BAS-GRT-001 排队等候\n华东区域\n" in text
    assert "BAS-GRT-101 方言问候\n西湖店\n" in text
    assert "BAS-GRT-002 称呼顾客\n知道顾客姓名后" in text  # inherited: no badge
    html = next((tmp_path / "out").parent.glob(".out-work/cache/2026.1/zh_CN/print-html/"
                                               "handbook/handbook.html")).read_text()
    assert 'data-layer="site" id="bas-grt-101"' in html
