"""Shared fixtures: test roots copied to tmp_path, and one session-wide build of the sample."""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from handbook.cli import main

REPO = Path(__file__).resolve().parent.parent
ROOTS = Path(__file__).resolve().parent / "roots"
SAMPLE = REPO / "data"


def copy_root(name: str, tmp_path: Path) -> Path:
    """A test root (or 'sample' for data/) copied into tmp_path; never built in place."""
    source = SAMPLE if name == "sample" else ROOTS / name
    target = tmp_path / name
    shutil.copytree(source, target, symlinks=True)
    return target


@pytest.fixture
def root(tmp_path: Path):  # type: ignore[no-untyped-def]
    return lambda name: copy_root(name, tmp_path)


@pytest.fixture(scope="session")
def sample_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample handbook built once (HTML and PDF, every language); read-only for tests."""
    reuse = os.environ.get("HANDBOOK_TEST_SITE")
    if reuse:  # a developer's shortcut: point at a site already built from data/
        return Path(reuse)
    base = tmp_path_factory.mktemp("sample-build")
    data = copy_root("sample", base)
    out = base / "site"
    code = main(["all", "--data", str(data), "--out", str(out), "-q"])
    assert code == 0
    return out


# --- the published sample in a browser -----------------------------------------------------

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run",
                  "--disable-quic"]


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="session")
def server(sample_site: Path) -> Iterator[str]:
    """The published sample over HTTP on loopback, as an intranet server would serve it."""
    handler = functools.partial(_QuietHandler, directory=str(sample_site.resolve()))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="session")
def browser():  # type: ignore[no-untyped-def]
    """Debian's Chromium driven by Playwright (which cannot download its own browser here)."""
    sync_api = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.fail("chromium is not installed (apt-get install chromium)")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()
