"""Waiting on a page in tests without eval: the site's Content-Security-Policy forbids it, and
Playwright's wait_for_function evaluates its predicate with eval inside the page."""

from __future__ import annotations

import time
from typing import Any


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
