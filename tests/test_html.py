"""The built intranet site, checked on parsed HTML: pages, anchors, cards, swatches, search."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml
from lxml import html as lhtml

from handbook.cli import main
from handbook.search import INDEX_NAME, read_index

VERSION = "2026.1"
LANGS = ("zh_CN", "en", "zh_TW")
SECTIONS = ("mi", "bi", "vi", "standards", "phrases", "dress", "etiquette", "complaints", "cases")
AUDIENCES = ("front-desk", "call-centre", "field-service", "manager")
REPO = Path(__file__).resolve().parent.parent


def page(site: Path, lang: str, name: str) -> lhtml.HtmlElement:
    return lhtml.parse(str(site / VERSION / lang / f"{name}.html")).getroot()


def sample_yaml(name: str) -> dict:  # type: ignore[type-arg]
    return yaml.safe_load((REPO / "data" / "sections" / f"{name}.yaml").read_text("utf-8"))


@pytest.mark.parametrize("lang", LANGS)
def test_every_page_exists_with_language_attribute(sample_site: Path, lang: str) -> None:
    for name in ("index", "search", *SECTIONS, *(f"for-{a}" for a in AUDIENCES)):
        root = page(sample_site, lang, name)
        assert root.get("lang") == lang.replace("_", "-"), name


def test_versions_json_and_root_redirect(sample_site: Path) -> None:
    versions = json.loads((sample_site / "versions.json").read_text("utf-8"))["versions"]
    assert [v["name"] for v in versions] == [VERSION]
    assert versions[0]["latest"] is True
    assert versions[0]["languages"] == sorted(LANGS)
    assert versions[0]["effective"] == "2026-01-01"
    redirect = (sample_site / "index.html").read_text("utf-8")
    assert f"url={VERSION}/zh_CN/index.html" in redirect
    assert (sample_site / "latest" / "zh_CN" / "index.html").is_file()


def test_rules_have_stable_ascii_anchors_and_visible_ids(sample_site: Path) -> None:
    bi = sample_yaml("bi")
    ids = [r["id"] for g in bi["groups"] for r in g["rules"]]
    root = page(sample_site, "zh_CN", "bi")
    for rule_id in ids:
        (box,) = root.xpath(f"//div[@id='{rule_id.lower()}']")
        assert "hb-rule" in box.get("class")
        assert box.xpath(".//code[contains(@class,'hb-id')]")[0].text_content() == rule_id
        (link,) = box.xpath(".//p[contains(@class,'hb-rule-head')]//a")
        assert link.get("href") == f"#{rule_id.lower()}"
    assert root.xpath("//div[@id='bi-com-003']")


@pytest.mark.parametrize("lang", LANGS)
def test_no_generated_ids_anywhere(sample_site: Path, lang: str) -> None:
    for path in (sample_site / VERSION / lang).glob("*.html"):
        ids = lhtml.parse(str(path)).getroot().xpath("//@id")
        auto = [i for i in ids if re.fullmatch(r"id\d+", i)]
        assert not auto, (path.name, auto)
        assert len(ids) == len(set(ids)), path.name


def test_phrase_cards(sample_site: Path) -> None:
    data = sample_yaml("phrases")
    phrases = [p for g in data["phrase_groups"] for p in g["phrases"]]
    root = page(sample_site, "zh_CN", "phrases")
    cards = root.xpath("//div[contains(@class,'hb-phrase')]")
    assert len(cards) == len(phrases)
    first = phrases[0]
    (card,) = root.xpath(f"//div[@id='{first['id'].lower()}']")
    assert first["say"] in card.xpath(".//p[contains(@class,'hb-say')]")[0].text_content()
    assert first["situation"] in card.text_content()
    with_avoid = [p for p in phrases if p.get("avoid")]
    assert len(root.xpath("//p[contains(@class,'hb-avoid')]")) == len(with_avoid)


def test_vi_swatches_with_values_and_contrast(sample_site: Path) -> None:
    colors = sample_yaml("vi")["colors"]
    root = page(sample_site, "zh_CN", "vi")
    for color in colors:
        (swatch,) = root.xpath(f"//div[@id='color-{color['id']}']")
        text = swatch.text_content()
        assert color["hex"] in text
        assert "RGB " + " ".join(str(v) for v in color["rgb"]) in text
        assert "CMYK " + " ".join(str(v) for v in color["cmyk"]) in text
        if color.get("pantone"):
            assert color["pantone"] in text
        assert re.search(r"\d+\.\d:1 (AA|✗)", text)
    css = (Path(root.base).parent / "_static" / "brand.css").read_text("utf-8")
    primary = next(c for c in colors if c["role"] == "primary")
    assert f"--hb-primary: {primary['hex']};" in css
    assert root.xpath("//div[contains(@class,'hb-logo-demo')]//img[@alt]")


def test_audience_pages_list_only_what_applies(sample_site: Path) -> None:
    standards = sample_yaml("standards")
    rules = [r for g in standards["groups"] for r in g["rules"]]
    for_phone = page(sample_site, "zh_CN", "for-call-centre")
    linked = {a.get("href").split("#")[1]
              for a in for_phone.xpath("//ul[contains(@class,'hb-rulelist')]//a[@href]")}
    for rule in rules:
        applies = not rule.get("audiences") or "call-centre" in rule["audiences"]
        assert (rule["id"].lower() in linked) == applies, rule["id"]
    assert "前台接待" not in for_phone.xpath("//h1")[0].text_content()


def test_governance_visible_on_every_section(sample_site: Path) -> None:
    for name in SECTIONS:
        root = page(sample_site, "zh_CN", name)
        (gov,) = root.xpath("//p[contains(@class,'hb-governance')]")
        text = gov.text_content()
        data = sample_yaml(name)["governance"]
        assert str(data["review_due"]) in text and "复审日期" in text


def test_assessment_forms(sample_site: Path) -> None:
    root = page(sample_site, "zh_CN", "cases")
    (form,) = root.xpath("//form[@id='form-listening-test']")
    assert form.get("data-base") == "105" and form.get("data-per-wrong") == "7"
    questions = form.xpath(".//fieldset[contains(@class,'hb-question')]")
    assert len(questions) == 15
    assert all(len(q.get("data-key")) == 8 for q in questions)  # digests: test_polish
    assert len(form.xpath(".//input[@type='radio']")) == 30
    bands = root.xpath("//div[contains(@class,'hb-band')]")
    assert {(b.get("data-min"), b.get("data-max")) for b in bands} >= {
        ("91", "105"), ("77", "90"), ("0", "76")}


def test_no_external_resources(sample_site: Path) -> None:
    for path in (sample_site / VERSION).rglob("*"):
        if path.suffix not in (".html", ".css", ".js"):
            continue
        text = path.read_text("utf-8", errors="ignore")
        if path.suffix == ".html":
            root = lhtml.fromstring(text)
            for attr in root.xpath("//@src | //link/@href | //script/@src"):
                assert not re.match(r"^(https?:)?//", attr), (path, attr)
        else:
            assert not re.search(r"url\(\s*['\"]?(https?:)?//", text), path
            assert "@import url(\"http" not in text


def search_index(site: Path, lang: str) -> dict:  # type: ignore[type-arg]
    return read_index(site / VERSION / lang / INDEX_NAME)


def test_search_index_has_chinese_words_and_rules(sample_site: Path) -> None:
    index = search_index(sample_site, "zh_CN")
    for word in ("握手", "微笑", "投诉"):  # jieba's words, which the browser cuts queries into
        assert word in index["words"], word
    pages = [name for name, _ in index["chapters"]]
    rules = {d[2]: d for d in index["docs"]}
    assert "握手" in rules["etq-met-001"][4] and pages[rules["etq-met-001"][1]] == "etiquette.html"
    assert "握手" in search_index(sample_site, "zh_TW")["words"]
    en = search_index(sample_site, "en")
    assert "握手" not in en["words"]
    assert "handshake" in " ".join(d[4] + d[5] for d in en["docs"]).lower()
    assert not (sample_site / VERSION / "zh_CN" / "searchindex.js").exists()  # not Sphinx's


def test_language_switcher_keeps_the_page(sample_site: Path) -> None:
    root = page(sample_site, "en", "etiquette")
    options = root.xpath("//select[contains(@class,'hb-lang-select')]/option")
    targets = {o.get("lang"): o.get("value") for o in options}
    assert set(targets) == {"zh-CN", "en", "zh-TW"}
    base = sample_site / VERSION / "en"
    for url in targets.values():
        assert url.endswith("/etiquette.html")
        assert (base / url).resolve().is_file()


def test_home_page_has_mission_quicklinks_and_news(sample_site: Path) -> None:
    root = page(sample_site, "zh_CN", "index")
    assert root.xpath("//div[contains(@class,'hb-mission')]")
    links = root.xpath("//div[contains(@class,'hb-quicklink')]/p[1]//a/@href")
    assert sorted(links) == sorted(f"for-{a}.html#for-{a}" for a in AUDIENCES)
    meta = yaml.safe_load((REPO / "data" / "handbook.yaml").read_text("utf-8"))
    text = root.text_content()
    assert all(item in text for item in meta["whats_new"])


def test_english_site_is_translated(sample_site: Path) -> None:
    root = page(sample_site, "en", "etiquette")
    assert not root.xpath(
        "//*[contains(@class,'hb-untranslated') or contains(@class,'hb-passage')]")
    assert "handshake" in root.text_content().lower()
    tw = page(sample_site, "zh_TW", "index")
    assert "嘉和服務集團" in tw.text_content() or "服務" in tw.text_content()


# --- builds of modified handbooks ------------------------------------------------------------

INJECTIONS = [
    ".. raw:: html\n\n   <script>alert('raw')</script>",
    ".. include:: /etc/passwd",
    "`click <javascript:alert(1)>`_ and <b>bold</b> <script>alert(2)</script>",
    ":ref:`x` |sub| **strong** [1]_ .. _target: http://example.com",
    "- list item\n\n1. enumerated\n\n====\ntitle\n====",
]


@pytest.mark.slow
def test_injection_in_content_stays_literal(root, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    data = root("sample")
    path = data / "sections" / "bi.yaml"
    tree = yaml.safe_load(path.read_text("utf-8"))
    rule = tree["groups"][0]["rules"][0]
    rule["text"] = INJECTIONS[0]
    rule["title"] = INJECTIONS[2]
    rule["do"] = INJECTIONS[1:]
    tree["groups"][0]["title"] = "<script>alert(3)</script>"
    tree["summary"] = "javascript:alert(4)"
    path.write_text(yaml.safe_dump(tree, allow_unicode=True, sort_keys=False), "utf-8")
    out = tmp_path / "site"
    assert main(["html", "--data", str(data), "--out", str(out), "-l", "zh_CN", "-q"]) == 0
    html = (out / VERSION / "zh_CN" / "bi.html").read_text("utf-8")
    root_el = lhtml.fromstring(html)
    scripts = root_el.xpath("//script")
    assert all(s.get("src") for s in scripts), "only Sphinx's own script files"
    assert not root_el.xpath("//a[starts-with(normalize-space(@href),'javascript')]")
    assert "root:x:0:0" not in html
    box = root_el.xpath(f"//div[@id='{rule['id'].lower()}']")[0].text_content()
    assert ".. raw:: html" in box and "<script>alert('raw')</script>" in box
    assert ".. include:: /etc/passwd" in box
    assert "`click <javascript:alert(1)>`_" in box


@pytest.mark.slow
def test_untranslated_and_fuzzy_text_shows_source_with_notice(root, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import polib

    data = root("sample")
    po_path = data / "locales" / "en" / "LC_MESSAGES" / "etiquette.po"
    po = polib.pofile(str(po_path), wrapwidth=0)
    missing = next(e for e in po if e.msgctxt.endswith(".title") and "rules[" in e.msgctxt)
    fuzzy = next(e for e in po if e.msgctxt.endswith(".text") and "rules[" in e.msgctxt)
    missing.msgstr = ""
    fuzzy.flags.append("fuzzy")
    po.save(str(po_path))
    out = tmp_path / "site"
    assert main(["html", "--data", str(data), "--out", str(out), "-l", "en", "-q"]) == 0
    root_el = page(out, "en", "etiquette")
    (span,) = root_el.xpath("//span[contains(@class,'hb-missing')]")
    assert span.get("lang") == "zh-CN" and span.text_content() == missing.msgid
    assert span.get("title") == "Not yet translated"
    (block,) = root_el.xpath("//div[contains(@class,'hb-passage') and contains(@class,'hb-fuzzy')]")
    assert block.get("lang") == "zh-CN"
    assert "Translation may be out of date" in block.text_content()
    assert fuzzy.msgid in block.text_content()


@pytest.mark.parametrize("lang", LANGS)
def test_accessibility_basics(sample_site: Path, lang: str) -> None:
    for path in sorted((sample_site / VERSION / lang).glob("*.html")):
        root = lhtml.parse(str(path)).getroot()
        assert len(root.xpath("//main")) == 1 and root.xpath("//header") and root.xpath(
            "//nav[@aria-label]") and root.xpath("//footer"), path.name
        levels = [int(h.tag[1]) for h in root.xpath("//main//*[self::h1 or self::h2 or "
                                                      "self::h3 or self::h4]")]
        assert levels and levels[0] == 1 and levels.count(1) == 1, path.name
        pairs = zip(levels, levels[1:], strict=False)
        assert all(b - a <= 1 for a, b in pairs), (path.name, levels)
        for img in root.xpath("//img"):
            assert img.get("alt") is not None, (path.name, img.get("src"))
        for select in root.xpath("//select"):
            assert select.get("aria-label") or select.xpath("ancestor::label"), path.name


def test_a_build_skips_imports_it_never_uses(root, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Start-up is most of an incremental build: Sphinx's remote-image and doctest support,
    jieba's pkg_resources and the builders a handbook never runs are not imported."""
    import subprocess
    import sys

    data = root("two-languages")
    unused = ("requests", "pkg_resources", "sphinx.ext.doctest", "sphinx.builders.linkcheck",
              "sphinx.builders.epub3", "sphinx.builders.latex")
    script = ("import sys, types; from handbook.cli import main; "
              f"code = main(['html', '--data', {str(data)!r}, '--out', "
              f"{str(tmp_path / 'site')!r}, '-l', 'zh_CN', '-q']); "
              # a module imported lazily and never used is not a plain module yet
              f"print(code, *[m for m in {unused!r} "
              "if type(sys.modules.get(m)) is types.ModuleType])")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          cwd=REPO, timeout=300, check=False)
    assert done.stdout.split() == ["0"], done.stdout + done.stderr
    assert (tmp_path / "site" / "2026.1" / "zh_CN" / INDEX_NAME).is_file()
