"""Role pages and the home page's role block in a real browser, on a phone and a desktop."""

from __future__ import annotations

from pathlib import Path

import pytest
from browsertools import DESKTOP, PHONE

pytestmark = pytest.mark.browser

VERSION = "2026.1"


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_role_page_and_home_on_phone_and_desktop(browser, server: str, tmp_path: Path,  # type: ignore[no-untyped-def]
                                                 size: str) -> None:
    options = PHONE if size == "phone" else DESKTOP
    width = options["viewport"]["width"]  # type: ignore[index]
    errors: list[str] = []
    context = browser.new_context(**options)
    page = context.new_page()
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{server}/{VERSION}/zh_CN/for-front-desk.html")
    page.wait_for_load_state("load")
    page.screenshot(path=str(tmp_path / f"for-front-desk-{width}.png"))
    button = page.locator(".hb-role-pdf a")
    box = button.bounding_box()
    assert box is not None and box["y"] + box["height"] <= 844  # in the first view
    assert box["height"] >= 24 and box["x"] + box["width"] <= width
    assert page.evaluate("document.documentElement.scrollWidth") <= width  # no sideways scroll
    row = page.locator("ul.hb-rulelist li a").first
    row_box = row.bounding_box()
    assert row_box is not None and row_box["height"] >= 24  # a tap target
    href = row.get_attribute("href")
    row.click()
    page.wait_for_load_state("load")
    assert page.url.endswith(href)
    anchor = href.split("#")[1]
    target = page.locator(f"[id='{anchor}']").bounding_box()
    assert target is not None and 0 <= target["y"] < 844
    page.goto(f"{server}/{VERSION}/zh_CN/index.html#home-audiences")
    page.wait_for_load_state("load")
    page.screenshot(path=str(tmp_path / f"index-{width}.png"))
    assert page.locator("#home-audiences .hb-role-pdf a").count() == 4
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    context.close()
    assert errors == []
