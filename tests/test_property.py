"""Property tests: whatever text a content file holds, validation and rendering end in a
located message or a page, never a traceback, and the text reaches the page as text."""

from __future__ import annotations

import re
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from doctree import parse_rst
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import html as lhtml

from handbook.cli import main
from handbook.errors import ContentError
from handbook.paths import Paths
from handbook.project import prepare
from handbook.render import Renderer
from handbook.rst import heading, rst_escape
from handbook.text import terminal_safe

ROOTS = Path(__file__).resolve().parent / "roots"

FRAGMENTS = ["<script>alert(1)</script>", "**bold**", "*em*", "`code`", "``lit``", "|sub|",
             ".. raw:: html", ".. image:: /etc/passwd", ":ref:`x`", "_target", "`x <http://a>`_",
             "[1]_", "• ", "‣ ", "⁃ ", "1. ", "#. ", "(a) ", "- ", "* ", "+ ", "| ", ">>> ",
             "===", "---", "::", "\\", "&lt;", "<!--", "]]>", "{{ x }}", "{% x %}", "%s",
             "{role}", "javascript:alert(1)", "\x1b[2J", "\x07", "\x00", "\r", "\u202e",
             "\u200b", "\u2028", "⌚", "👍🏽", "☕", "服务", "e\u0301", "\t", "\n", "\n\n",
             "  ", "\xa0", "\u3000"]

text_values = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=6)),
                       min_size=1, max_size=6).map("".join)


def _no_controls(text: str) -> str:
    return "".join(c for c in text if c in "\t\n" or not (ord(c) < 0x20 or 0x7F <= ord(c) < 0xA0))


clean_values = text_values.map(_no_controls).filter(lambda t: bool(t.split()))


def _fold(text: str) -> str:
    return " ".join(text.split())


@settings(max_examples=100, deadline=None)
@given(text_values)
def test_escaped_text_parses_as_exactly_that_text(text: str) -> None:
    """Any text without control characters (the validator refuses them): one title and its
    paragraphs, with no markup, list or warning of any kind."""
    text = _no_controls(text)
    if not text.split():
        return
    title = " ".join(text.split())
    doctree, warnings = parse_rst(f"{heading(rst_escape(title))}\n\n{rst_escape(text)}\n")
    assert warnings == []
    assert doctree["title"] == title
    assert {node.tagname for node in doctree.children} <= {"title", "paragraph"}
    shown = [node.astext() for node in doctree.children if node.tagname == "paragraph"]
    assert _fold(" ".join(shown)) == _fold(text)


def _write(data: Path, values: dict[str, str]) -> None:
    path = data / "sections" / "basics.yaml"
    tree = yaml.safe_load((ROOTS / "minimal" / "sections" / "basics.yaml").read_text("utf-8"))
    tree["title"] = values["title"]
    group = tree["groups"][0]
    group["title"] = values["group"]
    rule = group["rules"][0]
    rule.update(title=values["rule"], text=values["text"], measure=values["measure"])
    rule["do"] = [values["do"]]
    path.write_text(yaml.safe_dump(tree, allow_unicode=True, sort_keys=False), "utf-8")


@pytest.fixture(scope="module")
def workdir() -> Iterator[Path]:
    with tempfile.TemporaryDirectory() as top:
        data = Path(top) / "data"
        shutil.copytree(ROOTS / "minimal", data)
        yield data


_KEYS = ("title", "group", "rule", "text", "measure", "do")
FIELDS = st.fixed_dictionaries({key: st.one_of(clean_values, text_values) for key in _KEYS})
CLEAN_FIELDS = st.fixed_dictionaries({key: clean_values for key in _KEYS})


@settings(max_examples=12, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(FIELDS)
def test_validate_and_render_never_crash_nor_let_markup_through(workdir: Path,
                                                                values: dict[str, str]) -> None:
    _write(workdir, values)
    try:
        prepared = prepare(workdir, Paths(workdir, workdir.parent / "site"), None)
    except ContentError as exc:
        assert exc.problems
        for problem in exc.problems:
            assert problem.location.line > 0 and "expected" in problem.message, str(problem)
            assert terminal_safe(str(problem)).isprintable()
        return
    renderer = Renderer(prepared.translated["en"], "en", prepared.labels["en"],
                        prepared.template_dirs)
    extra = {"pdf_id": "x", "logo": "/_assets/logo.svg", "language_name": "English",
             "has_appendix": False}
    pages = {**renderer.site_pages(), **renderer.print_pages(["counter"], extra)}
    for name, source in pages.items():
        # a checklist row is a JSON line of an hb-checklist directive, never parsed as reST
        source = "\n".join(line for line in source.splitlines()
                           if not line.lstrip().startswith('{"id": '))
        assert not re.search(r"(?<!\\)<script", source), name  # content's < is escaped: \<
        assert ".. raw" not in source and ".. include" not in source, name


@pytest.mark.slow
@settings(max_examples=2, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(CLEAN_FIELDS)
def test_a_real_site_build_shows_the_text_and_runs_nothing(workdir: Path,
                                                          values: dict[str, str]) -> None:
    _write(workdir, values)
    out = workdir.parent / "site"
    code = main(["html", "--data", str(workdir), "--out", str(out), "-q"])
    assert code == 0
    page = out / "2026.1" / "en" / "basics.html"
    tree = lhtml.fromstring(page.read_bytes())
    scripts = tree.xpath("//script")
    assert scripts and all(s.get("src") and not (s.text or "").strip() for s in scripts)
    assert not [a for el in tree.iter() if isinstance(el.tag, str) for a in el.attrib
                if a.lower().startswith("on")]
    visible = _fold(tree.xpath("string(//article)"))
    for key in ("title", "rule", "text"):
        assert _fold(values[key]) in visible, key
