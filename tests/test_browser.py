"""The site in a real browser: home page, rule permalinks, Chinese search, phone width."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

pytestmark = pytest.mark.browser


def _page(browser, width: int):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    external: list[str] = []
    page.on("request", lambda r: external.append(r.url)
            if not r.url.startswith(("http://127.0.0.1", "data:", "blob:")) else None)
    return page, external


def test_home_permalink_and_screenshots(browser, server: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    page, external = _page(browser, 1280)
    page.goto(f"{server}/")
    page.wait_for_load_state("networkidle")
    assert page.url.endswith("/2026.1/zh_CN/index.html")
    assert page.locator("h1").first.inner_text().startswith("服务规范")
    # our own font files are what draws the Chinese text
    assert page.evaluate("document.fonts.check('16px \"Kurinto Sans SC\"', '握手')")
    loaded = page.evaluate("[...document.fonts].filter(f => f.status === 'loaded')"
                           ".map(f => f.family)")
    assert any("Kurinto Sans SC" in family for family in loaded)
    page.screenshot(path=str(tmp_path / "home-1280.png"), full_page=False)
    page.goto(f"{server}/2026.1/zh_CN/bi.html#bi-com-003")
    page.wait_for_load_state("networkidle")
    target = page.locator("#bi-com-003")
    assert target.is_visible()
    assert "BI-COM-003" in target.inner_text()
    box = target.bounding_box()
    assert box is not None and 0 <= box["y"] < 900
    assert not external, external


def test_search_finds_the_handshake_rule(browser, server: str) -> None:  # type: ignore[no-untyped-def]
    page, _ = _page(browser, 1280)
    page.goto(f"{server}/2026.1/zh_CN/index.html")
    page.fill("input[name=q]", "握手")
    page.press("input[name=q]", "Enter")
    page.wait_for_selector("#search-results a", timeout=15000)
    results = page.locator("#search-results li").all_inner_texts()
    assert any("商务礼仪" in r for r in results), results
    first = page.locator("#search-results a").first
    assert first.get_attribute("href") == "etiquette.html#etq-met-001"
    first.click()
    page.wait_for_load_state("networkidle")
    assert page.url.endswith("etiquette.html#etq-met-001")
    handshake = page.locator(".hb-rule", has_text="握手").first
    assert handshake.is_visible() and "ETQ-" in handshake.inner_text()


@pytest.mark.parametrize("lang", ["en", "zh_CN", "zh_TW"])
def test_phone_width_is_usable(browser, server: str, tmp_path: Path, lang: str) -> None:  # type: ignore[no-untyped-def]
    page, _ = _page(browser, 375)
    page.goto(f"{server}/2026.1/{lang}/standards.html")
    page.wait_for_load_state("networkidle")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    button = page.locator(".hb-search button").bounding_box()
    assert button is not None and button["x"] + button["width"] <= 375
    assert not page.locator("#hb-nav").is_visible()
    page.click("button.hb-menu")
    assert page.locator("#hb-nav").is_visible()
    page.screenshot(path=str(tmp_path / "standards-375.png"), full_page=False)


def test_audience_filter_and_self_assessment(browser, server: str) -> None:  # type: ignore[no-untyped-def]
    page, _ = _page(browser, 1280)
    page.goto(f"{server}/2026.1/zh_CN/standards.html")
    page.wait_for_load_state("networkidle")
    total = page.locator(".hb-rule").count()
    page.select_option("#hb-audience", "call-centre")
    hidden = page.locator(".hb-rule.hb-hidden").count()
    assert 0 < hidden < total
    assert page.locator(".hb-rule.aud-call-centre.hb-hidden").count() == 0
    page.goto(f"{server}/2026.1/zh_CN/cases.html")
    form = page.locator("#form-listening-test")
    questions = form.locator("fieldset.hb-question")
    cases = yaml.safe_load((Path(__file__).parent.parent / "data" / "sections" / "cases.yaml")
                           .read_text("utf-8"))
    (quiz,) = [a for a in cases["assessments"] if a["id"] == "listening-test"]
    answers = [q["answer"] for g in quiz["groups"] for q in g["questions"]]
    for i in range(questions.count()):
        fieldset = questions.nth(i)
        answer = answers[i]  # the page holds digests only
        wrong = "no" if answer == "yes" else "yes"
        fieldset.locator(f"input[value={wrong if i < 2 else answer}]").check()
    form.locator("button.hb-score").click()
    result = form.locator(".hb-result").inner_text()
    assert result.startswith("你的得分：91 — ")
