"""A group build: layers seeded from the build below, in parallel; sites pages; layer i18n."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import polib
import pytest
from lxml import html as lhtml

from handbook import group
from handbook.cli import main

ROOTS = Path(__file__).resolve().parent / "roots"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The layered root built as a group (corporate, region, branch), one job at a time."""
    base = tmp_path_factory.mktemp("group")
    shutil.copytree(ROOTS / "layered", base / "data")
    here = os.getcwd()
    os.chdir(base)  # without --data: the group under data/
    try:
        assert main(["html", "--out", "out", "-j", "1", "-q"]) == 0
    finally:
        os.chdir(here)
    return base


def _texts(folder: Path) -> dict[str, list[tuple[str | None, str]]]:
    """Every page: the text and data-layer of each rule, and the page's main text."""
    out = {}
    for page in sorted(folder.glob("*.html")):
        root = lhtml.parse(str(page)).getroot()
        body = root.xpath('//div[@role="main"]') or root.xpath("//body")
        out[page.name] = [(el.get("data-layer"), " ".join(el.text_content().split()))
                          for el in root.xpath('//div[contains(@class, "hb-rule ")]')]
        out[page.name].append((None, " ".join(body[0].text_content().split())))
    return out


def test_a_layer_reads_again_only_the_pages_it_changed(built: Path) -> None:
    work = built / ".out-work"
    corporate = work / "cache/2026.1/zh_CN/doctrees"
    region = next((work / "layers/layers/region").glob(".*-work")) / "cache/2026.1/zh_CN/doctrees"
    # vi is the same page in the region (Sphinx kept the corporate doctree: same mtime) ...
    assert (region / "vi.doctree").stat().st_mtime_ns == \
        (corporate / "vi.doctree").stat().st_mtime_ns
    # ... basics is not (the region changes and removes rules in it): read again
    assert (region / "basics.doctree").stat().st_mtime_ns != \
        (corporate / "basics.doctree").stat().st_mtime_ns
    assert (region / "local.doctree").is_file()


def test_a_seeded_layer_equals_its_build_alone(built: Path, tmp_path: Path) -> None:
    out = tmp_path / "alone"
    assert main(["html", "--data", str(built / "data/layers/region"), "--out", str(out),
                 "-q"]) == 0
    for lang in ("zh_CN", "en"):
        alone = _texts(out / "2026.1" / lang)
        in_group = _texts(built / "out/layers/region/2026.1" / lang)
        assert in_group == alone


def test_sibling_layers_build_at_once_and_report_errors_located(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "data"
    shutil.copytree(ROOTS / "layered", data)
    twin = data / "layers/region/branch-2"
    shutil.copytree(data / "layers/region/branch", twin)
    meta = twin / "handbook.yaml"
    meta.write_text(meta.read_text(encoding="utf-8").replace("id: site", "id: site-2", 1),
                    encoding="utf-8")
    waves: list[tuple[list[str], int]] = []
    pool = group._in_pool

    def recording(wave: list[tuple[Path, Path]], workers: int, html: bool) -> list[object]:
        waves.append(([p.name for p, _ in wave], workers))
        return pool(wave, workers, html)

    monkeypatch.setattr(group, "_in_pool", recording)
    monkeypatch.chdir(tmp_path)
    assert main(["html", "--out", "out", "-l", "zh_CN", "-j", "2", "-q"]) == 0
    # the region and (seeded from the corporate build) a branch; the other branch after
    assert waves == [(["region", "branch"], 2)]
    sites = lhtml.parse(str(tmp_path / "out/sites.html")).getroot()
    assert [tr.get("data-layer") for tr in sites.xpath("//tbody/tr")] == \
        ["", "region", "site", "site-2"]
    page = lhtml.parse(str(tmp_path / "out/layers/region/branch-2/2026.1/zh_CN/basics.html"))
    assert page.xpath('//div[@id="bas-grt-101"]')[0].get("data-layer") == "site-2"

    capsys.readouterr()
    bad = twin / "sections/basics.yaml"
    bad.write_text(bad.read_text(encoding="utf-8") + "change:\n  BAS-NOPE-001: {title: x}\n",
                   encoding="utf-8")
    assert main(["html", "--out", "out", "-l", "zh_CN", "-j", "2", "-q"]) == 1
    err = capsys.readouterr().err
    assert "layers/region/branch-2/sections/basics.yaml:" in err and "ERROR" in err


def test_local_rules_translate_reasons_and_removed_titles(built: Path) -> None:
    page = lhtml.parse(str(built / "out/layers/region/2026.1/en/local-rules.html")).getroot()
    entries = {e.xpath('.//code[contains(@class, "hb-id")]')[0].text_content():
               " ".join(e.text_content().split())
               for e in page.xpath('//div[contains(@class, "hb-local ")]')}
    assert "Stand to greet" in entries["BAS-GRT-003"]  # the corporate catalog: its title
    assert "East China counters are stand-up counters." in entries["BAS-GRT-003"]
    assert "Queues are longer in East China" in entries["BAS-GRT-001"]  # the region's own
    assert not page.xpath('//*[contains(@class, "hb-missing")]')


def test_sites_pages_one_per_language(built: Path) -> None:
    source = lhtml.parse(str(built / "out/sites.html")).getroot()
    english = lhtml.parse(str(built / "out/sites.en.html")).getroot()
    assert (source.get("lang"), english.get("lang")) == ("zh-CN", "en")
    assert [th.text_content() for th in source.xpath("//th")] == \
        ["层级", "单位", "上级", "版本", "语言版本"]
    assert [th.text_content() for th in english.xpath("//th")] == \
        ["Layer", "Unit", "Extends", "Edition", "Languages"]
    rows = [[td.text_content() for td in tr.xpath("./td")][:3]
            for tr in english.xpath("//tbody/tr")]
    assert rows[2][0] == "West Lake branch"  # the branch's own catalog
    for page, current in ((source, "sites.html"), (english, "sites.en.html")):
        menu = page.xpath('//nav[@class="hb-sites-langs"]/a')
        assert [a.get("href") for a in menu] == ["sites.html", "sites.en.html"]
        assert [a.get("href") for a in menu if a.get("aria-current")] == [current]
    first = english.xpath("//tbody/tr")[1].xpath(".//a")[0]  # the reader's language first
    assert first.get("href") == "layers/region/2026.1/en/index.html"


def test_sites_pages_carry_fonts_for_every_character_they_show(built: Path) -> None:
    """The sites pages live outside every site: without fonts of their own a reader whose
    system has no Chinese font sees boxes."""
    from fontTools.ttLib import TTFont

    out = built / "out"
    css = (out / "sites.css").read_text(encoding="utf-8")
    assert "@font-face" in css and ':root:lang(zh-CN){--hb-sites-font:"hb-sites-latin",' \
        '"hb-sites-hans"' in css
    covered: set[str] = set()
    for name in re.findall(r"url\(([^)]+\.woff2)\)", css):
        covered |= {chr(c) for c in TTFont(str(out / name)).getBestCmap()}
    for page in ("sites.html", "sites.en.html"):
        shown = lhtml.parse(str(out / page)).getroot().text_content()
        assert {c for c in shown if not c.isspace()} - covered == set(), page


def test_layer_i18n_update_extracts_its_own_strings(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.copytree(ROOTS / "layered", tmp_path / "layered")
    region = tmp_path / "layered/layers/region"
    shutil.rmtree(region / "locales")
    monkeypatch.chdir(tmp_path)
    assert main(["i18n", "update", "--data", "layered/layers/region", "-q"]) == 0
    assert sorted(p.name for p in (region / "locales/en/LC_MESSAGES").iterdir()) == \
        ["basics.po", "handbook.po", "local.po"]  # none for chapters it does not touch
    basics = {e.msgctxt: e.msgid for e in
              polib.pofile(str(region / "locales/en/LC_MESSAGES/basics.po"))}
    assert basics["change[BAS-GRT-001].reason"] == "华东客流集中，排队时限收紧。"
    assert basics["remove[BAS-GRT-003].reason"] == "华东各店柜台为站立式。"
    assert "groups[greeting].rules[BAS-GRT-002].title" not in basics  # inherited
    shutil.rmtree(region / "locales/templates")
    monkeypatch.chdir(region)  # from inside the layer: still its own strings only
    assert main(["i18n", "extract", "--data", ".", "-q"]) == 0
    templates = region / "locales/templates"
    assert sorted(p.name for p in templates.iterdir()) == \
        ["basics.pot", "handbook.pot", "local.pot"]
    assert {e.msgctxt for e in polib.pofile(str(templates / "basics.pot"))} == {
        "groups[greeting].rules[BAS-GRT-001].measure",
        "groups[greeting].rules[BAS-GRT-101].title",
        "groups[greeting].rules[BAS-GRT-101].text",
        "change[BAS-GRT-001].reason", "remove[BAS-GRT-003].reason"}


def test_a_layer_uses_the_glossary_below(monkeypatch: pytest.MonkeyPatch) -> None:
    from handbook.validate import load_handbook

    monkeypatch.chdir(ROOTS.parent.parent)  # the sample: data/glossary.yaml, none in layers
    corporate, _ = load_handbook(Path("data"))
    branch, _ = load_handbook(Path("data/layers/east/hangzhou-xihu"))
    assert corporate.glossary is not None and branch.glossary is not None
    assert [t.id for t in branch.glossary.terms] == [t.id for t in corporate.glossary.terms]
