"""Search in a real browser: rules found by Chinese and English queries in every language of
the sample, the search.html?q= contract, results as you type, filters, no script errors."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

import pytest
from browsertools import wait_until

pytestmark = pytest.mark.browser

VERSION = "2026.1"

# (language, query, expected result, within the first n results)
QUERIES = [
    ("zh_CN", "三米微笑", "standards.html#std-smi-001", 1),
    ("zh_CN", "八颗牙", "standards.html#std-smi-002", 2),
    ("zh_CN", "着装要求", "bi.html#bi-out-002", 3),
    ("zh_CN", "电话礼仪", "etiquette.html#etq-vis-001", 3),
    ("zh_CN", "顾客投诉", "complaints.html#cmp-wom-002", 3),
    ("zh_CN", "嘉和蓝", "vi.html#color-jiahe-blue", 1),
    ("zh_CN", "握手", "etiquette.html#etq-met-001", 1),
    ("zh_CN", "投诉处理六步法", "complaints.html#complaints-six-steps", 1),
    ("zh_CN", "STD-SMI-001", "standards.html#std-smi-001", 1),
    ("zh_CN", "著裝要求", "bi.html#bi-out-002", 3),  # Traditional on the Simplified site
    ("zh_CN", "顧客投訴", "complaints.html#cmp-wom-002", 3),
    ("zh_TW", "三米微笑", "standards.html#std-smi-001", 1),  # Simplified, and the source's 米
    ("zh_TW", "三公尺微笑", "standards.html#std-smi-001", 1),
    ("zh_TW", "着装要求", "bi.html#bi-out-002", 3),
    ("zh_TW", "顾客投诉", "complaints.html#cmp-wom-002", 3),
    ("zh_TW", "嘉和蓝", "vi.html#color-jiahe-blue", 1),
    ("zh_TW", "電話禮儀", "etiquette.html#etq-vis-001", 3),
    ("zh_TW", "八颗牙", "standards.html#std-smi-002", 2),
    ("en", "greets", "standards.html#std-grt-001", 1),
    ("en", "greeting", "standards.html#std-grt-001", 8),
    ("en", "handshake", "etiquette.html#etq-met-001", 1),
    ("en", "smiling", "standards.html#standards-smile", 3),
    ("en", "3-metre smile", "standards.html#std-smi-001", 1),
    ("en", "dress code", "bi.html#bi-out-002", 1),
    ("en", "Jiahe blue", "vi.html#color-jiahe-blue", 1),
    ("en", "8 teeth", "standards.html#std-smi-002", 1),
    ("en", "complaint handling", "complaints.html#complaints-six-steps", 3),
]


@pytest.fixture(scope="module")
def server(server: str) -> str:
    """conftest's server, at the sample's edition: {server}/{lang}/page.html."""
    return f"{server}/{VERSION}"



@pytest.fixture
def page(browser):  # type: ignore[no-untyped-def]
    """A page that fails the test on any script error or request leaving the site."""
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error"
            and not m.text.startswith("Failed to load resource") else None)
    page.on("response", lambda r: errors.append(f"{r.status} {r.url}")
            if r.status >= 400 and not r.url.endswith("/favicon.ico") else None)
    page.on("request", lambda r: errors.append("request " + r.url)
            if not r.url.startswith(("http://127.0.0.1", "file://", "data:", "blob:")) else None)
    yield page
    context.close()
    assert errors == []


def results(page, server: str, lang: str, query: str, extra: str = "") -> list[str]:  # type: ignore[no-untyped-def]
    page.goto(f"{server}/{lang}/search.html?q={quote(query)}{extra}")
    wait_until(page,
        "document.querySelector('#hb-search-page.hb-ready') &&"
        " document.getElementById('hb-search-summary').textContent !== ''")
    return page.eval_on_selector_all("#search-results a",
                                     "links => links.map(a => a.getAttribute('href'))")


@pytest.mark.parametrize(("lang", "query", "expected", "within"), QUERIES,
                         ids=[f"{q[0]}-{q[1]}" for q in QUERIES])
def test_query_finds_the_rule(page, server: str, lang: str, query: str, expected: str,  # type: ignore[no-untyped-def]
                              within: int) -> None:
    found = results(page, server, lang, query)
    assert expected in found[:within], found[:8]


def test_a_result_is_a_rule_with_snippet_chapter_and_roles(page, server: str) -> None:  # type: ignore[no-untyped-def]
    results(page, server, "zh_CN", "三米微笑")
    first = page.locator("#search-results li").first
    assert first.locator("a").get_attribute("href") == "standards.html#std-smi-001"
    assert first.locator(".hb-hit-code").inner_text() == "STD-SMI-001"
    assert first.locator(".hb-hit-title mark").all_inner_texts() == ["三米微笑"]
    assert "三米" in first.locator(".hb-hit-snippet mark").all_inner_texts()
    assert first.locator(".hb-hit-meta").inner_text() == "服务标准 · 前台接待、上门服务、管理人员"
    assert page.inner_text("#hb-search-summary").startswith(
        f"{page.locator('#search-results li').count()} 条结果")
    first.locator("a").click()
    page.wait_for_load_state("load")
    assert page.url.endswith("standards.html#std-smi-001")
    assert page.locator("#std-smi-001").is_visible()


def test_traditional_site_counts_its_results(page, server: str) -> None:  # type: ignore[no-untyped-def]
    found = results(page, server, "zh_TW", "握手")
    assert page.inner_text("#hb-search-summary") == f"{len(found)} 條結果"
    assert page.input_value("form.hb-search input[name=q]") == "握手"  # one search box


def test_rule_title_ranks_above_a_mention(page, server: str) -> None:  # type: ignore[no-untyped-def]
    found = results(page, server, "zh_CN", "握手")
    titles = page.locator("#search-results .hb-hit-title").all_inner_texts()
    assert "握手" in titles[0] and found[0].startswith("etiquette.html#etq-met-")
    mentions = [i for i, t in enumerate(titles) if "握手" not in t]
    assert mentions and min(mentions) > max(i for i, t in enumerate(titles) if "握手" in t)


def test_filters_by_role_and_chapter(page, server: str) -> None:  # type: ignore[no-untyped-def]
    everyone = results(page, server, "zh_CN", "微笑")
    call_centre = results(page, server, "zh_CN", "微笑", "&role=call-centre")
    assert "standards.html#std-smi-005" in call_centre  # a call-centre rule stays
    assert "standards.html#std-smi-001" in everyone and "standards.html#std-smi-001" \
        not in call_centre  # front desk, field service and managers only
    page.select_option("#hb-search-chapter", label="服务用语")
    wait_until(page, "[...document.querySelectorAll('#search-results a')]"
                           ".every(a => a.getAttribute('href').startsWith('phrases.html'))")
    assert "chapter=" in page.url and "role=call-centre" in page.url


def test_results_as_you_type_in_the_header(page, server: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{server}/en/standards.html")
    page.fill("form.hb-search input[name=q]", "handsh")  # a word not finished yet
    page.wait_for_selector(".hb-live a.hb-hit-link")
    assert page.locator(".hb-live a.hb-hit-link").first.get_attribute("href") == \
        "etiquette.html#etq-met-001"
    page.keyboard.press("ArrowDown")
    assert page.evaluate("document.activeElement.getAttribute('href')") == \
        "etiquette.html#etq-met-001"
    page.keyboard.press("Escape")
    assert not page.locator(".hb-live").is_visible()
    page.press("form.hb-search input[name=q]", "Enter")
    page.wait_for_selector("#search-results a")
    assert "search.html?q=handsh" in page.url


@pytest.mark.parametrize("lang", ["zh_CN", "en", "zh_TW"])
def test_no_script_errors_on_any_page(page, server: str, sample_site: Path, lang: str) -> None:  # type: ignore[no-untyped-def]
    names = sorted(p.name for p in (sample_site / VERSION / lang).glob("*.html"))
    assert len(names) > 10
    for name in names:
        page.goto(f"{server}/{lang}/{name}")
        page.wait_for_load_state("load")
        page.fill("form.hb-search input[name=q]", "服务" if lang != "en" else "service")
        wait_until(page, "document.querySelector('.hb-live a, #search-results a')")


def test_search_works_from_a_file_url(page, sample_site: Path) -> None:  # type: ignore[no-untyped-def]
    url = (sample_site / VERSION / "zh_CN" / "search.html").resolve().as_uri()
    page.goto(f"{url}?q={quote('顾客投诉')}")
    page.wait_for_selector("#search-results a")
    assert "complaints.html#cmp-wom-002" in page.eval_on_selector_all(
        "#search-results a", "links => links.map(a => a.getAttribute('href'))")
