"""Long pages in a real browser: the on-this-page list and drawer, the header that stays on a
phone, back to top, the role filter that says what it hides, and the weight of a phone's
first view of the longest chapter."""

from __future__ import annotations

from pathlib import Path

import pytest
from browsertools import DESKTOP, PHONE, open_page, wait_until

pytestmark = pytest.mark.browser

VERSION = "2026.1"


@pytest.fixture(scope="module")
def server(server: str) -> str:
    """conftest's server, at the sample's edition: {server}/{lang}/page.html."""
    return f"{server}/{VERSION}"



def test_phone_header_stays_and_the_drawer_lists_the_groups(browser, server: str,  # type: ignore[no-untyped-def]
                                                            tmp_path: Path) -> None:
    errors: list[str] = []
    context, page = open_page(browser, PHONE, errors)
    page.goto(f"{server}/zh_CN/standards.html")
    page.wait_for_load_state("load")
    toc = page.locator("#hb-toc")
    assert not toc.is_visible() or toc.bounding_box()["x"] >= 390  # type: ignore[index]
    page.mouse.wheel(0, 8000)
    wait_until(page, "window.scrollY > 5000")
    header = page.locator(".hb-header").bounding_box()
    assert header is not None and header["y"] == 0 and header["height"] < 130
    assert page.locator(".hb-header input[name=q]").is_visible()  # search stays at hand
    page.click(".hb-toc-button")
    wait_until(page, "document.getElementById('hb-toc').getBoundingClientRect().right <= 391")
    entries = toc.locator("li a").all_inner_texts()
    assert len(entries) >= 10 and "电话服务" in entries
    page.screenshot(path=str(tmp_path / "standards-toc-390.png"))
    toc.locator("li a", has_text="电话服务").click()
    wait_until(page, "location.hash === '#standards-telephone'")
    page.wait_for_timeout(300)  # the drawer slides away
    assert page.locator(".hb-toc-button").get_attribute("aria-expanded") == "false"
    heading = page.locator("#standards-telephone h2").bounding_box()
    header = page.locator(".hb-header").bounding_box()
    assert heading is not None and header is not None
    assert header["height"] <= heading["y"] < 400  # under the header, not behind it
    context.close()
    assert errors == []


def test_back_to_top(browser, server: str) -> None:  # type: ignore[no-untyped-def]
    errors: list[str] = []
    context, page = open_page(browser, PHONE, errors)
    page.goto(f"{server}/en/standards.html")
    page.wait_for_load_state("load")
    top = page.locator(".hb-top")
    assert not top.is_visible()
    page.mouse.wheel(0, 6000)
    wait_until(page, "window.scrollY > 3000")
    top.wait_for(state="visible")
    box = top.bounding_box()
    assert box is not None and box["height"] >= 44 and box["y"] + box["height"] <= 844
    top.click()
    wait_until(page, "window.scrollY === 0")
    context.close()
    assert errors == []


def test_desktop_lists_the_groups_beside_the_page(browser, server: str,  # type: ignore[no-untyped-def]
                                                  tmp_path: Path) -> None:
    errors: list[str] = []
    context, page = open_page(browser, DESKTOP, errors)
    page.goto(f"{server}/zh_TW/standards.html")
    page.wait_for_load_state("load")
    assert page.locator("#hb-toc").is_visible() and not page.locator(".hb-toc-button").is_visible()
    box = page.locator("#hb-toc").bounding_box()
    main = page.locator("#main").bounding_box()
    assert box is not None and main is not None and box["x"] >= main["x"] + main["width"] - 1
    page.mouse.wheel(0, 6000)
    page.wait_for_timeout(300)
    assert page.locator("#hb-toc").bounding_box()["y"] < 120  # type: ignore[index]  # sticky
    assert page.locator("#hb-toc a.hb-current").count() == 1
    page.screenshot(path=str(tmp_path / "standards-1366.png"))
    context.close()
    assert errors == []


ROLE_FACTS = """() => {
  const items = [...document.querySelectorAll('.hb-rule, .hb-phrase, .hb-case, .hb-change')];
  const role = document.getElementById('hb-audience').value;
  const hidden = items.filter(el => el.classList.contains('hb-hidden'));
  const expected = items.filter(el => [...el.classList].some(c => c.startsWith('aud-'))
                                      && !el.classList.contains('aud-' + role));
  const groups = [...document.querySelectorAll('.hb-body section section')]
    .filter(s => s.querySelector('.hb-rule, .hb-phrase, .hb-case'));
  const empty = groups.filter(s => [...s.querySelectorAll('.hb-rule, .hb-phrase, .hb-case')]
    .every(el => expected.includes(el))).map(s => s.id);
  const collapsed = groups.filter(s => s.classList.contains('hb-hidden')).map(s => s.id);
  const tocHidden = [...document.querySelectorAll('#hb-toc li.hb-hidden a')]
    .map(a => a.getAttribute('href').slice(1));
  return {hidden: hidden.length, expected: expected.length, empty, collapsed, tocHidden};
}"""


def test_role_filter_tells_the_truth(browser, server: str) -> None:  # type: ignore[no-untyped-def]
    errors: list[str] = []
    context, page = open_page(browser, DESKTOP, errors)
    page.goto(f"{server}/zh_CN/standards.html")
    page.wait_for_load_state("load")
    status = page.locator(".hb-filter-status")
    assert not status.is_visible()
    page.select_option("#hb-audience", "field-service")
    facts = page.evaluate(ROLE_FACTS)
    assert facts["hidden"] == facts["expected"] > 0
    assert status.is_visible()
    assert status.inner_text().startswith(f"已按岗位隐藏 {facts['hidden']} 条规范。")
    assert facts["empty"] and facts["collapsed"] == facts["empty"] == facts["tocHidden"]
    assert not page.locator(f"#{facts['empty'][0]}").is_visible()
    page.click(".hb-show-all")
    assert page.locator(".hb-hidden").count() == 0 and not status.is_visible()
    assert page.input_value("#hb-audience") == ""
    context.close()
    assert errors == []


def test_link_to_a_rule_the_filter_hides_reveals_it(browser, server: str) -> None:  # type: ignore[no-untyped-def]
    errors: list[str] = []
    context, page = open_page(browser, PHONE, errors)
    page.goto(f"{server}/zh_CN/standards.html")
    page.evaluate("localStorage.setItem('hb-audience', 'call-centre')")
    page.goto(f"{server}/zh_CN/index.html")
    page.goto(f"{server}/zh_CN/standards.html#std-smi-001")  # front desk, field, managers
    page.wait_for_load_state("load")
    rule = page.locator("#std-smi-001")
    assert rule.is_visible()
    box = rule.bounding_box()
    assert box is not None and 0 < box["y"] < 844
    assert page.locator("#std-smi-006.hb-hidden, .hb-rule.hb-hidden").count() > 0  # still filtered
    context.close()
    assert errors == []


@pytest.mark.parametrize("lang", ["zh_CN", "zh_TW", "en"])
def test_phone_first_view_of_the_longest_chapter_weighs_under_600_kb(  # type: ignore[no-untyped-def]
        browser, server: str, lang: str) -> None:
    errors: list[str] = []
    context, page = open_page(browser, PHONE, errors)
    loaded: dict[str, int] = {}
    page.on("response", lambda r: loaded.__setitem__(r.url, len(r.body())))
    page.goto(f"{server}/{lang}/standards.html")
    page.wait_for_load_state("networkidle")
    height = page.evaluate("document.documentElement.scrollHeight")
    assert height > 15000  # the longest chapter: the case the budget is for
    total = sum(loaded.values())
    fonts = [url for url in loaded if "/fonts/" in url]
    assert all(url.endswith(".woff2") for url in fonts), fonts
    other = {"zh_CN": "-tc-", "zh_TW": "-sc-", "en": "kurinto"}[lang]
    assert not [url for url in fonts if other in url], fonts  # only the page's own script
    assert total <= 600 * 1024, sorted(loaded.items(), key=lambda kv: -kv[1])
    context.close()
    assert errors == []


def _covered(css: str, family: str) -> set[str]:
    import re

    chars: set[str] = set()
    for rule in re.findall(r"@font-face \{([^}]*)\}", css):
        if f'"{family}"' in rule and "font-weight: 400" in rule:
            for part in re.search(r"unicode-range: ([^;]*);", rule)[1].split(","):  # type: ignore[index]
                low, _, high = part.strip()[2:].partition("-")
                chars |= {chr(c) for c in range(int(low, 16), int(high or low, 16) + 1)}
    return chars


@pytest.mark.parametrize(("lang", "family"), [("zh_CN", "Kurinto Sans SC"),
                                              ("zh_TW", "Kurinto Sans TC")])
def test_text_that_scripts_show_has_glyphs(sample_site: Path, lang: str, family: str) -> None:
    """Labels the scripts put on the page (the filter's count, search messages) are drawn by
    the page's font, not by whatever the phone has."""
    from lxml import html as lhtml

    site = sample_site / VERSION / lang
    covered = _covered((site / "_static" / "fonts.css").read_text("utf-8"), family)
    root = lhtml.parse(str(site / "standards.html")).getroot()
    shown = [root.xpath("//p[contains(@class,'hb-filter-status')]/@data-template")[0],
             *root.xpath("//form[contains(@class,'hb-search')]/@*[starts-with(name(),'data-l-')]")]
    missing = {c for text in shown for c in text if ord(c) > 0x2E80} - covered
    assert len(shown) > 5 and not missing, missing
