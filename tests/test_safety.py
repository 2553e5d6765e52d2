"""A build cannot hurt the published site or its readers: atomic publishing, concurrent
readers, hostile text in every field, escaping asset paths, and no network while building.

The hostile corpus starts from ``tests/roots/adversarial/`` (a small English handbook with
every kind of text field the schema has: rules, phrases, cases, both kinds of
self-assessment, colours, logo variants, typography) and from ``minimal``; the payloads are
written into a copy at test time, so they can name the port of a local listener that must
see no request at all.
"""

from __future__ import annotations

import contextlib
import http.server
import io
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pikepdf
import pytest
import yaml
from expect import YamlSyntax
from lxml import html as lhtml
from pypdf import PdfReader
from sitetools import build, change_everything, edit, snapshot

import handbook.html
import handbook.pipeline
import handbook.publish
from handbook.log import counter

Root = Callable[[str], Path]

ROOTS = Path(__file__).resolve().parent / "roots"
VERSION = "2026.1"
LANG = "en"


def releases(out: Path) -> list[str]:
    return sorted(p.name for p in (out.parent / f".{out.name}-work" / "releases").iterdir())


@pytest.fixture(autouse=True)
def _crash_files_in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # an internal error saves its traceback with tempfile: keep those out of /tmp
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))


# --- atomic publishing ---------------------------------------------------------------------


def _raise_in_sphinx(monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("boom in Sphinx")
    monkeypatch.setattr(handbook.html, "run_sphinx", boom)


def _raise_after_sphinx(monkeypatch: pytest.MonkeyPatch) -> None:
    real = handbook.html.run_sphinx

    def late(*args: Any, **kwargs: Any) -> Any:
        real(*args, **kwargs)  # the cache now holds the new pages; nothing is published
        raise RuntimeError("boom after Sphinx")
    monkeypatch.setattr(handbook.html, "run_sphinx", late)


def _raise_in_build_site(monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("boom in build_site")
    monkeypatch.setattr(handbook.pipeline, "build_site", boom)


def _raise_while_publishing(monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("boom while publishing")
    # the new release is complete (versions.json and index.html written) but not yet named
    monkeypatch.setattr(handbook.publish, "_release_name", boom)


@pytest.mark.parametrize("fault", [_raise_in_sphinx, _raise_after_sphinx, _raise_in_build_site,
                                   _raise_while_publishing],
                         ids=["in-sphinx", "after-sphinx", "in-build-site", "while-publishing"])
def test_exception_mid_build_leaves_the_site_untouched(
        fault: Callable[[pytest.MonkeyPatch], None], root: Root, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    data, out = root("minimal"), tmp_path / "site"
    assert build("html", data, out) == 0
    before, link = snapshot(out), os.readlink(out)
    change_everything(data)
    capsys.readouterr()
    with monkeypatch.context() as patch:
        fault(patch)
        assert build("html", data, out) == 1
    err = capsys.readouterr().err
    assert re.search(r"^ERROR: internal error: RuntimeError: boom .*\(traceback saved to "
                     r"\S+; please report it\)$", err, re.M), err
    assert os.readlink(out) == link
    assert snapshot(out) == before
    assert not [n for n in releases(out) if n.startswith(".staging-")], \
        "a build that failed (not killed) leaves no staging folder behind"
    # The next good build publishes the edit: the failed one left no stale cache behind.
    assert build("html", data, out) == 0
    assert build("html", data, tmp_path / "clean") == 0
    assert snapshot(out) == snapshot(tmp_path / "clean")


def test_content_error_leaves_the_site_untouched(root: Root, tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    data, out = root("minimal"), tmp_path / "site"
    assert build("html", data, out) == 0
    before, link = snapshot(out), os.readlink(out)
    edit(data / "sections" / "basics.yaml", "title: Greeting\n", "title: [Greeting\n")
    capsys.readouterr()
    for command in ("html", "pdf", "all"):
        assert build(command, data, out) == 1
        assert capsys.readouterr().err.splitlines() == [
            YamlSyntax(f"{data}/sections/basics.yaml", 13, "started at line 12: "),
            "ERROR: validation failed: 1 error",
        ]
        assert os.readlink(out) == link
        assert snapshot(out) == before


_KILL = """\
import os, signal, sys, types
import handbook.publish as publish
from handbook.cli import main

def die(*args, **kwargs):
    os.kill(os.getpid(), signal.SIGKILL)

if sys.argv[1] == "staging":      # killed with its staging folder filled, before naming it
    publish._release_name = die
else:                              # killed after naming its release, before the switch
    publish.os = types.ModuleType("os")
    publish.os.__dict__.update(os.__dict__)
    publish.os.replace = die
main(["html", "--data", sys.argv[2], "--out", sys.argv[3], "-q"])
"""


@pytest.mark.parametrize("moment", ["staging", "switch"])
def test_killed_build_leaves_the_site_untouched_and_is_cleaned_up(
        moment: str, root: Root, tmp_path: Path) -> None:
    data, out = root("minimal"), tmp_path / "site"
    assert build("html", data, out) == 0
    before, link, kept = snapshot(out), os.readlink(out), releases(out)
    change_everything(data)
    script = tmp_path / "kill.py"
    script.write_text(_KILL, encoding="utf-8")
    proc = subprocess.run([sys.executable, str(script), moment, str(data), str(out)],
                          cwd=tmp_path, capture_output=True, timeout=120)
    assert proc.returncode == -signal.SIGKILL, proc.stderr.decode()
    left = sorted(set(releases(out)) - set(kept))
    links = list(tmp_path.glob(".site.link-*"))
    if moment == "staging":
        assert len(left) == 1 and left[0].startswith(".staging-") and links == []
    else:
        assert left == ["r000002"] and len(links) == 1
    assert os.readlink(out) == link
    assert snapshot(out) == before
    # A build a while later (a killed build's litter is older than a running build's) cleans
    # it up and publishes from the live release, never from what the killed build left.
    folder = out.parent / f".{out.name}-work" / "releases" / left[0]
    (folder / "planted.html").write_text("<html>left by a killed build</html>", "utf-8")
    old = time.time() - 3600
    for path in [folder, *links]:
        os.utime(path, (old, old), follow_symlinks=False)
    young = out.parent / f".{out.name}-work" / "releases" / f".staging-{os.getpid()}-0"
    young.mkdir()  # as if another build were filling it right now: left alone
    assert build("html", data, out) == 0
    assert build("html", data, tmp_path / "clean") == 0
    assert snapshot(out) == snapshot(tmp_path / "clean")
    assert b"then your own" in (out / VERSION / LANG / "phone.html").read_bytes()
    assert young.is_dir()
    assert list(tmp_path.glob(".site.link-*")) == []
    if moment == "staging":
        assert not folder.exists()
    else:  # a complete release that was never switched to: pruned like any other
        assert releases(out)[-3:] == ["r000001", "r000002", "r000003"]
        for _ in range(2):
            assert build("html", data, out) == 0
        assert [n for n in releases(out) if n.startswith("r")] == \
            ["r000003", "r000004", "r000005"]


def test_only_the_last_three_releases_are_kept(root: Root, tmp_path: Path) -> None:
    data, out = root("minimal"), tmp_path / "site"
    for n in range(5):
        edit(data / "sections" / "phone.yaml", "by ring 3" if n == 0 else f"build {n - 1}",
             f"build {n}")
        assert build("html", data, out) == 0
    kept = releases(out)
    assert kept == ["r000003", "r000004", "r000005"]
    assert out.resolve().name == "r000005"
    assert b"build 4" in (out / VERSION / LANG / "phone.html").read_bytes()


def test_another_version_never_deletes_the_first(root: Root, tmp_path: Path) -> None:
    data, out = root("minimal"), tmp_path / "site"
    assert build("html", data, out) == 0
    first = {k: v for k, v in snapshot(out).items() if k.startswith(f"{VERSION}/")}
    edit(data / "handbook.yaml", 'version: "2026.1"', 'version: "2026.2"')
    edit(data / "handbook.yaml", "effective: 2026-03-01", "effective: 2026-09-01")
    for _ in range(4):  # more builds than releases kept
        assert build("html", data, out) == 0
    tree = snapshot(out)
    assert {k: v for k, v in tree.items() if k.startswith(f"{VERSION}/")} == first
    assert (out / "2026.2" / LANG / "index.html").is_file()
    assert tree["latest"] == "-> 2026.2"
    versions = json.loads((out / "versions.json").read_text("utf-8"))["versions"]
    assert [(v["name"], v["latest"]) for v in versions] == [("2026.2", True), ("2026.1", False)]
    # building the older edition again keeps the newer one, and the newer one stays latest
    edit(data / "handbook.yaml", 'version: "2026.2"', 'version: "2026.1"')
    edit(data / "handbook.yaml", "effective: 2026-09-01", "effective: 2026-03-01")
    assert build("html", data, out) == 0
    assert (out / "2026.2" / LANG / "index.html").is_file()
    assert os.readlink(out / "latest") == "2026.2"


# --- concurrent readers --------------------------------------------------------------------


@dataclass
class _Reader:
    """Reads published pages in a loop until told to stop; keeps every failure."""

    paths: list[Path]
    reads: int = 0
    failures: list[str] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)

    def run(self) -> None:
        deadline = time.monotonic() + 60
        while not self.stop.is_set() and time.monotonic() < deadline \
                and len(self.failures) < 20:
            for path in self.paths:
                try:
                    data = path.read_bytes()
                except OSError as exc:
                    self.failures.append(f"{path.name}: {exc!r}")
                    continue
                self.reads += 1
                if path.suffix == ".json":
                    try:
                        json.loads(data)["versions"][0]["name"]
                    except Exception as exc:  # noqa: BLE001 - any failure is a failed read
                        self.failures.append(f"{path.name}: {exc!r}")
                    continue
                if not data.rstrip().endswith(b"</html>"):
                    self.failures.append(f"{path.name}: partial file of {len(data)} bytes")
                    continue
                try:
                    lhtml.fromstring(data).xpath("//title")[0]
                except Exception as exc:  # noqa: BLE001 - any parse failure is a failed read
                    self.failures.append(f"{path.name}: {exc!r}")


def test_readers_never_see_a_missing_or_partial_page(root: Root, tmp_path: Path) -> None:
    data, out = root("minimal"), tmp_path / "site"
    phone = data / "sections" / "phone.yaml"
    assert build("html", data, out) == 0
    reader = _Reader([out / VERSION / LANG / "index.html", out / VERSION / LANG / "phone.html",
                      out / "index.html", out / "versions.json"])
    thread = threading.Thread(target=reader.run, daemon=True)
    thread.start()
    try:
        edit(phone, "by ring 3", "by ring 2")
        assert build("html", data, out) == 0
        good = phone.read_text(encoding="utf-8")
        phone.write_text(good + "groups: [\n", encoding="utf-8")  # a content error
        assert build("html", data, out) == 1
        phone.write_text(good.replace("by ring 2", "by ring 4"), encoding="utf-8")
        assert build("html", data, out) == 0
        edit(phone, "by ring 4", "by ring 5")
        assert build("html", data, out) == 0  # the fourth release: the first is pruned
    finally:
        reader.stop.set()
        thread.join(timeout=70)
    assert not thread.is_alive()
    assert reader.failures == []
    assert reader.reads > 20
    assert b"by ring 5" in (out / VERSION / LANG / "phone.html").read_bytes()


# --- a local listener that must hear nothing -----------------------------------------------


class Listener:
    """An HTTP server on 127.0.0.1 that counts every connection and request it gets."""

    def __init__(self) -> None:
        self.connections = 0
        self.requests: list[str] = []
        listener = self

        class Handler(http.server.BaseHTTPRequestHandler):
            timeout = 2

            def do_GET(self) -> None:  # noqa: N802 - http.server's naming
                listener.requests.append(f"{self.command} {self.path}")
                self.send_error(404)

            do_HEAD = do_POST = do_GET  # noqa: N815

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                pass

        class Server(http.server.ThreadingHTTPServer):
            daemon_threads = True

            def verify_request(self, request: Any, client_address: Any) -> bool:
                listener.connections += 1
                return listener.connections <= 100  # bounded: refuse a flood

        self.server = Server(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/"
        self.thread = threading.Thread(target=self.server.serve_forever,
                                       kwargs={"poll_interval": 0.05}, daemon=True)

    def __enter__(self) -> Listener:
        self.thread.start()
        try:  # prove that it listens, so that "no request" means something
            urllib.request.urlopen(self.url + "probe", timeout=5).close()
        except urllib.error.HTTPError as exc:
            exc.close()
            assert exc.code == 404
        assert self.requests == ["GET /probe"]
        self.connections, self.requests = 0, []
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


@pytest.fixture(scope="module")
def listener() -> Iterator[Listener]:
    with Listener() as server:
        yield server


# --- hostile text in every field -----------------------------------------------------------

TEXT_KEYS = frozenset({
    "title", "subtitle", "text", "summary", "intro", "measure", "do", "dont", "steps",
    "situation", "say", "avoid", "why", "name", "short_name", "description", "first_week",
    "whats_new", "usage", "alt", "label", "correct", "incorrect", "story", "lesson",
    "questions", "instructions", "explanation", "advice", "min_label", "max_label",
})
"""Keys whose string values (or list items) are prose: every Text field of the model."""


def payloads(url: str) -> list[str]:
    """One line each: markup of every kind a text field could be mistaken for."""
    return [
        ".. raw:: html",
        "<script>x()</script>",
        ".. include:: /etc/passwd",
        "`a <javascript:alert(1)>`_",
        "<img src=x onerror=alert(1)>",
        "[md](javascript:alert(2))",
        "|s|",
        ":ref:`x`",
        f".. image:: {url}image.png",
        f"`b <{url}link>`_",
        f"<img src={url}tag.png>",
        f"![m]({url}md.png)",
        f"<link rel=stylesheet href={url}style.css>",
        f"{url}bare",
        "javascript:alert(3)",
        "**bold** *em* ``code`` [#]_ [1]_ _`target` x__",
    ]


def paragraph_payloads(url: str) -> list[str]:
    """The directive payloads in their real shape: with a blank line and an indented body."""
    return [
        ".. raw:: html\n\n   <script>x()</script>",
        ".. include:: /etc/passwd",
        "`a <javascript:alert(1)>`_",
        "<img src=x onerror=alert(1)>",
        "[md](javascript:alert(2))",
        "|s|",
        ":ref:`x`",
        f".. image:: {url}x.png",
    ]


@dataclass(frozen=True)
class Planted:
    key_path: str
    marker: str
    lines: list[str]
    """The payload lines, in the order they were written after the marker."""


def plant(data: Path, make: Callable[[int], list[str]], sep: str) -> list[Planted]:
    """Replace every prose string in data/*.yaml with marker + payloads; return what went where.

    Field n gets make(n): callers rotate the payloads so that each comes first (at the start
    of a paragraph, where a directive would form) in many kinds of field.
    """
    planted: list[Planted] = []

    def walk(node: Any, key: str | None, path: tuple[str, ...]) -> Any:
        if isinstance(node, dict):
            return {k: walk(v, k, (*path, k)) for k, v in node.items()}
        if isinstance(node, list):
            return [walk(v, key, path) for v in node]
        if isinstance(node, str) and key in TEXT_KEYS:
            marker = f"Q{len(planted):03d}Q"
            lines = make(len(planted))
            planted.append(Planted("/".join(path), marker, lines))
            return marker + sep + sep.join(lines)
        return node

    for path in [data / "handbook.yaml", *sorted((data / "sections").glob("*.yaml"))]:
        tree = yaml.safe_load(path.read_text(encoding="utf-8"))
        tree = walk(tree, None, (path.stem,))
        path.write_text(yaml.safe_dump(tree, allow_unicode=True, sort_keys=False, width=1000),
                        encoding="utf-8")
    return planted


def _flat(text: str) -> str:
    return " ".join(text.split())


@dataclass
class Built:
    data: Path
    out: Path
    planted: list[Planted]
    url: str
    code: int
    warnings: int
    err: str
    requests: list[str]
    connections: int
    pdf_text: dict[str, tuple[str, str]] = field(default_factory=dict)
    """PDF file name -> (text of its pages, its metadata values)."""


def build_planted(base: Path, name: str, listener: Listener, command: str,
                  make: Callable[[str], Callable[[int], list[str]]], sep: str) -> Built:
    data = base / name
    shutil.copytree(ROOTS / name, data, symlinks=True)
    planted = plant(data, make(listener.url), sep)
    out = base / "site"
    stderr = io.StringIO()
    before = (len(listener.requests), listener.connections)
    with contextlib.redirect_stderr(stderr):
        code = build(command, data, out)
    warnings = counter.warnings
    built = Built(data, out, planted, listener.url, code, warnings, stderr.getvalue(),
                  listener.requests[before[0]:], listener.connections - before[1])
    for pdf in sorted(out.glob(f"{VERSION}/{LANG}/pdf/*.pdf")):
        reader = PdfReader(pdf)
        built.pdf_text[pdf.name] = ("".join(page.extract_text() for page in reader.pages),
                                    " ".join(str(v) for v in (reader.metadata or {}).values()))
    return built


def _rotated(url: str) -> Callable[[int], list[str]]:
    """Field n: half the payloads, starting with payload n (the handbook stays short)."""
    lines = payloads(url)
    return lambda n: [lines[(n + k) % len(lines)] for k in range(len(lines) // 2)]


@pytest.fixture(scope="module", params=["adversarial", "minimal"])
def hostile(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory,
            listener: Listener) -> Built:
    """A root with every prose field replaced by the payloads, built (HTML and PDF) once."""
    base = tmp_path_factory.mktemp(f"hostile-{request.param}")
    return build_planted(base, request.param, listener, "all", _rotated, "\n")


_URL_ATTRS = ("href", "src", "action", "formaction", "data", "poster", "srcset", "background",
              "cite", "longdesc", "manifest", "xlink:href", "{http://www.w3.org/1999/xlink}href")


def active_content(page: Path) -> list[str]:
    """Everything in a published page that could run script or reach the network."""
    found = []
    root = lhtml.fromstring(page.read_bytes())
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        where = f"{page.name}: <{el.tag}>"
        if el.tag == "script" and not el.get("src"):
            found.append(f"{where} inline script {el.text_content()[:60]!r}")
        if el.tag in ("iframe", "object", "embed", "base", "frame", "applet"):
            found.append(f"{where} element")
        if el.tag == "meta" and el.get("http-equiv", "").lower() == "refresh":
            found.append(f"{where} refresh")
        for name, value in el.attrib.items():
            if name.lower().startswith("on"):
                found.append(f"{where} {name}={value[:60]!r}")
            if name in _URL_ATTRS and re.match(r"\s*(javascript|vbscript|data|https?|ftp|file)"
                                               r"\s*:|\s*//", value, re.I):
                found.append(f"{where} {name}={value[:80]!r}")
            if name == "style" and re.search(r"url\s*\(|expression\s*\(|@import", value, re.I):
                found.append(f"{where} style={value[:80]!r}")
    return found


def page_text(page: Path) -> tuple[str, str]:
    """(visible text, text of alt/title/aria-label/content attributes), whitespace folded."""
    root = lhtml.fromstring(page.read_bytes())
    for el in root.xpath("//script | //style"):
        el.drop_tree()
    attrs = [v for el in root.iter() if isinstance(el.tag, str)
             for k, v in el.attrib.items() if k in ("alt", "title", "aria-label", "content")]
    return _flat(root.text_content()), "\n".join(_flat(a) for a in attrs)


def pdf_problems(path: Path) -> list[str]:
    """Actions, scripts and links to anywhere outside the document."""
    found = []
    with pikepdf.open(path) as pdf:
        for obj in pdf.objects:
            if not isinstance(obj, pikepdf.Dictionary):
                continue
            action = obj.get("/S")
            if action is not None and str(action) in ("/JavaScript", "/Launch", "/SubmitForm",
                                                      "/ImportData", "/URI", "/GoToR",
                                                      "/GoToE", "/Rendition"):
                found.append(f"{path.name}: action {action} {obj.get('/URI', '')}")
            if "/JS" in obj or "/JavaScript" in obj or "/AA" in obj:
                found.append(f"{path.name}: script or automatic action in {list(obj.keys())}")
            if isinstance(obj.get("/OpenAction"), pikepdf.Dictionary):
                found.append(f"{path.name}: open action {obj.get('/OpenAction')}")
            if "/URI" in obj:
                found.append(f"{path.name}: URI {obj.get('/URI')}")
            if str(obj.get("/Type", "")) == "/Filespec" or "/EmbeddedFiles" in obj:
                found.append(f"{path.name}: embedded or external file")
    return found


def test_hostile_text_builds(hostile: Built) -> None:
    assert hostile.code == 0, hostile.err
    assert hostile.warnings == 0, hostile.err
    pages = sorted((hostile.out / VERSION / LANG).rglob("*.html"))
    pdfs = sorted((hostile.out / VERSION / LANG / "pdf").glob("*.pdf"))
    assert len(pages) >= 5 and len(pdfs) >= 2


def test_hostile_text_runs_nothing_and_links_nowhere(hostile: Built) -> None:
    found = []
    for page in sorted((hostile.out / VERSION).rglob("*.html")):
        found += active_content(page)
    for pdf in sorted((hostile.out / VERSION).rglob("*.pdf")):
        found += pdf_problems(pdf)
    assert found == []


def test_hostile_text_includes_no_file(hostile: Built) -> None:
    work = hostile.out.parent / f".{hostile.out.name}-work"
    for top in (hostile.out.resolve(), work / "cache"):
        for path in top.rglob("*"):
            if path.is_file() and path.suffix not in (".woff", ".woff2", ".ttf", ".otf", ".pdf"):
                data = path.read_bytes()
                assert b"root:x:0:0" not in data, path
                assert b"/usr/sbin/nologin" not in data, path
    for name, (text, meta) in hostile.pdf_text.items():
        assert "root:x:0:0" not in text + meta, name
        assert "/usr/sbin/nologin" not in text + meta, name


def test_hostile_text_is_shown_literally(hostile: Built) -> None:
    """Every field shows up, on the site or in a PDF, as exactly the text that was written."""
    site = [page_text(p) for p in sorted((hostile.out / VERSION / LANG).glob("*.html"))]
    visible = "\n".join(text for text, _ in site)
    attributes = "\n".join(attrs for _, attrs in site)
    pdf_text = "".join(text for text, _ in hostile.pdf_text.values())
    pdf_meta = " ".join(meta for _, meta in hostile.pdf_text.values())
    pdf_flat = "".join(pdf_text.split())
    unseen, mangled = [], []
    for item in hostile.planted:
        written = _flat(" ".join([item.marker, *item.lines]))
        if item.marker in visible or item.marker in attributes:
            if written not in visible and written not in attributes:
                at = (visible if item.marker in visible else attributes).index(item.marker)
                shown = (visible if item.marker in visible else attributes)[at:at + 300]
                mangled.append(f"{item.key_path}: {shown!r}")
        elif item.marker not in pdf_flat and item.marker not in pdf_meta:
            unseen.append(item.key_path)
    assert mangled == []
    assert unseen == []
    for line in payloads(hostile.url):  # every payload, in the PDFs too (line breaks aside)
        assert _flat(line) in visible
        assert "".join(line.split()) in pdf_flat, line


def test_no_request_while_building(hostile: Built) -> None:
    assert hostile.requests == []
    assert hostile.connections == 0


def _paragraphs(base: Path, listener: Listener, command: str) -> Built:
    """The payloads with their blank lines: every text field holds several paragraphs, also
    the ones a template shows inline (titles, names, labels, table cells)."""
    built = build_planted(base, "adversarial", listener, command,
                          lambda url: lambda n: paragraph_payloads(url), "\n\n")
    assert built.code == 0, built.err
    assert built.requests == [] and built.connections == 0
    assert built.warnings == 0, built.err
    return built


def test_hostile_paragraphs_in_every_field_of_the_site(tmp_path: Path,
                                                       listener: Listener) -> None:
    built = _paragraphs(tmp_path, listener, "html")
    found = []
    for page in sorted((built.out / VERSION).rglob("*.html")):
        found += active_content(page)
        assert b"root:x:0:0" not in page.read_bytes()
    assert found == []
    visible = "\n".join(page_text(p)[0] for p in (built.out / VERSION / LANG).glob("*.html"))
    for item in built.planted:
        if item.marker in visible:
            at = visible.index(item.marker)
            shown = "".join(visible[at:at + 600].split())
            for line in item.lines:
                assert "".join(line.split()) in shown, (item.key_path, line)


def test_hostile_paragraphs_in_every_field_of_the_pdfs(tmp_path: Path,
                                                       listener: Listener) -> None:
    built = _paragraphs(tmp_path, listener, "pdf")
    found = []
    for pdf in sorted((built.out / VERSION).rglob("*.pdf")):
        found += pdf_problems(pdf)
    assert found == []
    text = "".join("".join((t + m).split()) for t, m in built.pdf_text.values())
    assert "root:x:0:0" not in text
    for item in built.planted:
        if item.key_path.endswith("/alt"):  # an image's text alternative is not page text
            continue
        assert item.marker in text, item.key_path


# --- asset paths ---------------------------------------------------------------------------

_ASSET = "expected a file under assets/ (letters, digits, _ . / -; no '..', no URL)"
SECRET = "OUTSIDE-DATA-7f3a"
_SECRET_SVG = (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><desc>{SECRET}'
               '</desc><rect width="10" height="10"/></svg>\n')
_FONT = "    usage: English text and numbers.\n"


def _outside(tmp_path: Path) -> Path:
    outside = tmp_path / "outside"
    outside.mkdir(exist_ok=True)
    (outside / "secret.svg").write_text(_SECRET_SVG, encoding="utf-8")
    (outside / "secret.ttf").write_bytes(SECRET.encode() * 64)
    return outside


def _logo(data: Path, value: str) -> None:
    edit(data / "handbook.yaml", "logo: assets/logo.svg", f"logo: {value}")


def _symlinked_logo(data: Path) -> None:
    (data / "assets" / "logo.svg").unlink()
    (data / "assets" / "logo.svg").symlink_to(_outside(data.parent) / "secret.svg")


def _symlinked_assets(data: Path) -> None:
    outside = _outside(data.parent)
    shutil.move(data / "assets", outside / "assets")
    (data / "assets").symlink_to(outside / "assets", target_is_directory=True)


def _symlinked_font(data: Path) -> None:
    (data / "assets" / "fonts").mkdir()
    (data / "assets" / "fonts" / "brand.ttf").symlink_to(_outside(data.parent) / "secret.ttf")
    edit(data / "sections" / "vi.yaml", _FONT, _FONT + "    files: [assets/fonts/brand.ttf]\n")


ESCAPES: dict[str, tuple[Callable[[Path], None], list[str]]] = {
    "dotdot": (lambda d: _logo(d, "assets/x/../../outside/secret.svg"), [
        f"handbook.yaml:6:9: ERROR: organisation.logo: {_ASSET}, got "
        "'assets/x/../../outside/secret.svg' [data.asset]"]),
    "parent": (lambda d: _logo(d, "../outside/secret.svg"), [
        f"handbook.yaml:6:9: ERROR: organisation.logo: {_ASSET}, got "
        "'../outside/secret.svg' [data.format]"]),
    "absolute": (lambda d: _logo(d, "/etc/passwd.svg"), [
        f"handbook.yaml:6:9: ERROR: organisation.logo: {_ASSET}, got '/etc/passwd.svg' "
        "[data.format]"]),
    "url": (lambda d: _logo(d, "http://127.0.0.1:9/logo.svg"), [
        f"handbook.yaml:6:9: ERROR: organisation.logo: {_ASSET}, got "
        "'http://127.0.0.1:9/logo.svg' [data.format]"]),
    "variant-dotdot": (lambda d: edit(d / "sections" / "vi.yaml", "file: assets/logo-reverse.svg",
                                      "file: assets/../../outside/secret.svg"), [
        f"sections/vi.yaml:39:13: ERROR: logo.variants[0].file: {_ASSET}, got "
        "'assets/../../outside/secret.svg' [data.format]"]),
    "font-dotdot": (lambda d: edit(d / "sections" / "vi.yaml", _FONT, _FONT +
                                   "    files: [assets/f/../../../outside/secret.ttf]\n"), [
        f"sections/vi.yaml:51:13: ERROR: typography[0].files[0]: {_ASSET}, got "
        "'assets/f/../../../outside/secret.ttf' [data.asset]"]),
    "font-url": (lambda d: edit(d / "sections" / "vi.yaml", _FONT, _FONT +
                                "    files: ['http://127.0.0.1:9/f.ttf']\n"), [
        f"sections/vi.yaml:51:13: ERROR: typography[0].files[0]: {_ASSET}, got "
        "'http://127.0.0.1:9/f.ttf' [data.format]"]),
    "symlinked-logo": (_symlinked_logo, [
        "handbook.yaml:6:9: ERROR: organisation.logo: expected a regular file, got a symbolic "
        "link at 'assets/logo.svg' [data.asset]",
        "sections/vi.yaml:33:9: ERROR: logo.file: expected a regular file, got a symbolic link "
        "at 'assets/logo.svg' [data.asset]"]),
    "symlinked-assets": (_symlinked_assets, [
        "handbook.yaml:6:9: ERROR: organisation.logo: expected a regular file, got a symbolic "
        "link at 'assets' [data.asset]",
        "sections/vi.yaml:33:9: ERROR: logo.file: expected a regular file, got a symbolic link "
        "at 'assets' [data.asset]",
        "sections/vi.yaml:39:13: ERROR: logo.variants[0].file: expected a regular file, got a "
        "symbolic link at 'assets' [data.asset]"]),
    "symlinked-font": (_symlinked_font, [
        "sections/vi.yaml:51:13: ERROR: typography[0].files[0]: expected a regular file, got a "
        "symbolic link at 'assets/fonts/brand.ttf' [data.asset]"]),
}


def _contains_secret(top: Path) -> list[Path]:
    if not top.exists():
        return []
    return [p for p in top.rglob("*") if p.is_file() and SECRET.encode() in p.read_bytes()]


@pytest.mark.parametrize("case", list(ESCAPES))
def test_escaping_asset_path_is_refused_and_nothing_is_copied(
        case: str, root: Root, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    change, expected = ESCAPES[case]
    data = root("adversarial")
    _outside(tmp_path)
    change(data)
    monkeypatch.chdir(tmp_path)
    capsys.readouterr()
    command = "pdf" if case.startswith("font") else "html"
    assert build(command, Path("adversarial"), Path("site")) == 1
    errors = len(expected)
    assert capsys.readouterr().err.splitlines() == [
        *(f"adversarial/{line}" for line in expected),
        f"ERROR: validation failed: {errors} error{'s' if errors > 1 else ''}",
    ]
    assert not (tmp_path / "site").exists()
    assert _contains_secret(tmp_path / ".site-work") == []


def test_unreferenced_symlink_in_assets_is_not_copied(root: Root, tmp_path: Path) -> None:
    data = root("adversarial")
    (data / "assets" / "extra.svg").symlink_to(_outside(tmp_path) / "secret.svg")
    assert build("html", data, tmp_path / "site") == 0
    assert _contains_secret(tmp_path / "site") == []
    assert _contains_secret(tmp_path / ".site-work") == []


_SVGS = {
    "image-href": '<image href="{url}logo.png" width="10" height="10"/>',
    "xlink-href": '<use xmlns:xlink="http://www.w3.org/1999/xlink" xlink:href="{url}s.svg#a"/>',
    "style-url": '<rect width="10" height="10" style="fill: url({url}p.svg#g)"/>',
    "import": "<style>@import url({url}s.css);</style>",
}


@pytest.mark.parametrize("case", list(_SVGS))
def test_svg_logo_that_fetches_is_refused(case: str, root: Root, tmp_path: Path,
                                          listener: Listener,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    data = root("minimal")
    logo = data / "assets" / "logo.svg"
    element = _SVGS[case].format(url=listener.url)
    logo.write_text(logo.read_text(encoding="utf-8").replace("</svg>", f"  {element}\n</svg>"),
                    encoding="utf-8")
    requests = len(listener.requests)
    capsys.readouterr()
    assert build("all", data, tmp_path / "site") == 1
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 2 and err[1] == "ERROR: validation failed: 1 error", err
    assert re.fullmatch(r"\S*handbook\.yaml:5:9: ERROR: organisation\.logo: expected a "
                        r"self-contained SVG, got .+ \[data\.asset\]", err[0]), err[0]
    assert not (tmp_path / "site").exists()
    assert listener.requests[requests:] == []
