"""Every published page carries a Content-Security-Policy that lets only the site's own
files load, and holds no inline script, event attribute or inline style it would block;
in Chromium the pages load and search with no violation reported."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from lxml import html as lhtml

from handbook.cli import main
from handbook.csp import POLICY

Root = Callable[[str], Path]


def inline_code(page: Path) -> list[str]:
    """What a page holds that its policy would block or that runs without a file."""
    tree = lhtml.fromstring(page.read_bytes())
    found = []
    metas = tree.xpath("//meta[@http-equiv='Content-Security-Policy']")
    if [m.get("content") for m in metas] != [POLICY]:
        found.append(f"{page.name}: policy {[m.get('content') for m in metas]}")
    else:
        head = tree.find("head")
        loads = [el for el in head if isinstance(el.tag, str)
                 and el.tag in ("script", "link", "style", "base")]
        if loads and head.index(loads[0]) < head.index(metas[0]):
            found.append(f"{page.name}: <{loads[0].tag}> before the policy")
    for el in tree.iter():
        if not isinstance(el.tag, str):
            continue
        if el.tag == "script" and (not el.get("src") or (el.text or "").strip()):
            found.append(f"{page.name}: inline script {(el.text or '')[:60]!r}")
        if el.tag == "style":
            found.append(f"{page.name}: <style> block")
        for name, value in el.attrib.items():
            if name.lower().startswith("on"):
                found.append(f"{page.name}: {el.tag} {name}={value[:40]!r}")
            if name.lower() == "style":
                found.append(f"{page.name}: {el.tag} style={value[:40]!r}")
            if name.lower() in ("href", "src", "action") and value.strip().lower() \
                    .startswith("javascript:"):
                found.append(f"{page.name}: {el.tag} {name}={value[:40]!r}")
    return found


def _pages(top: Path) -> list[Path]:
    return sorted(p for p in top.resolve().rglob("*.html") if "/pdf/" not in p.as_posix())


def test_every_page_of_two_editions_carries_the_policy(root: Root, tmp_path: Path) -> None:
    data, out = root("adversarial"), tmp_path / "site"
    assert main(["html", "--data", str(data), "--out", str(out), "-q"]) == 0
    handbook = data / "handbook.yaml"
    text = handbook.read_text("utf-8")
    handbook.write_text(text.replace('version: "2026.1"', 'version: "2026.2"')
                        .replace("effective: 2026-03-01", "effective: 2026-09-01"), "utf-8")
    assert main(["html", "--data", str(data), "--out", str(out), "-q"]) == 0
    pages = _pages(out)
    names = {p.relative_to(out.resolve()).as_posix() for p in pages}
    assert {"index.html", "2026.1/en/search.html", "2026.2/en/index.html"} <= names
    found = [problem for page in pages for problem in inline_code(page)]
    assert found == []


def test_every_page_of_the_sample_carries_the_policy(sample_site: Path) -> None:
    pages = _pages(sample_site)
    assert len(pages) > 30
    assert [problem for page in pages for problem in inline_code(page)] == []


# --- in Chromium ---------------------------------------------------------------------------


_LISTEN = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__violations.push(e.violatedDirective + " " + e.blockedURI);
});
"""


@pytest.mark.browser
def test_pages_load_and_search_with_no_policy_violation(browser, server: str,  # type: ignore[no-untyped-def]
                                                         sample_site: Path) -> None:
    pages = [p.relative_to(sample_site.resolve()).as_posix() for p in _pages(sample_site)
             if "/zh_CN/" in p.as_posix() or p.name == "search.html"]
    # (the root index.html redirects at once: its policy is checked above, without a browser)
    context = browser.new_context()
    try:
        page = context.new_page()
        page.add_init_script(_LISTEN)
        console: list[str] = []
        page.on("console", lambda m: console.append(m.text) if m.type in
                ("error", "warning") else None)
        seen: dict[str, Any] = {}
        for rel in pages:
            page.goto(f"{server}/{rel}")
            page.wait_for_load_state("load")
            seen[rel] = page.evaluate("window.__violations")
        assert {rel: v for rel, v in seen.items() if v} == {}
        # scripts run: the logo shows and the header search finds rules
        page.goto(f"{server}/2026.1/zh_CN/index.html")
        assert page.evaluate("document.querySelector('.hb-brand img').naturalWidth") > 0
        page.fill("input[name=q]", "握手")
        page.press("input[name=q]", "Enter")
        page.wait_for_selector("#search-results a", timeout=15000)
        assert page.locator("#search-results a").count() > 0
        assert page.evaluate("window.__violations") == []
        assert [m for m in console if "Content Security Policy" in m] == []
    finally:
        context.close()
