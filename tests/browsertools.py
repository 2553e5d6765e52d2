"""Browser test helpers: the phone and desktop contexts, a page that collects script errors,
and waiting on a page without eval (the site's Content-Security-Policy forbids it, and
Playwright's wait_for_function evaluates its predicate with eval inside the page)."""

from __future__ import annotations

import time
from typing import Any

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
DESKTOP = {"viewport": {"width": 1366, "height": 900}}


def open_page(browser: Any, options: dict[str, Any], errors: list[str],
              console: bool = False) -> tuple[Any, Any]:
    """A new context and page; uncaught script errors (and, with console, console errors)
    are appended to errors."""
    context = browser.new_context(**options)
    page = context.new_page()
    page.on("pageerror", lambda e: errors.append(str(e)))
    if console:
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    return context, page


def wait_until(page: Any, expression: str, timeout: float = 15.0) -> Any:
    """Poll expression with page.evaluate (run by the browser's debugger protocol, which a
    page's policy does not restrict) until it is truthy; return its value."""
    deadline = time.monotonic() + timeout
    while True:
        value = page.evaluate(expression)
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {expression}")
        time.sleep(0.05)
