"""Hostile content from outside translators and non-developers: control characters, section
ids that take a generated page's name, reST look-alikes, a bleed that is not a number."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from doctree import parse_rst
from docutils.parsers.rst.states import Body

from handbook.cli import main
from handbook.errors import Report
from handbook.i18n import parse_po
from handbook.paths import Paths, reserved_page
from handbook.project import prepare
from handbook.render import Renderer
from handbook.rst import BULLETS, heading, rst_escape

Root = Callable[[str], Path]


def validate(root: Root, name: str, monkeypatch: pytest.MonkeyPatch,
             capsys: pytest.CaptureFixture[str]) -> tuple[int, list[str]]:
    data = root(name)
    monkeypatch.chdir(data.parent)
    code = main(["validate", "--data", name])
    return code, capsys.readouterr().err.splitlines()


_CONTROL = "expected text without control characters, got U+{:04X} at character {}; remove it " \
           "(only tab and newline are allowed) [data.control-char]"


def test_control_characters_from_yaml_escapes_are_refused(
        root: Root, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    code, lines = validate(root, "control-chars", monkeypatch, capsys)
    assert code == 1
    assert lines == [
        "control-chars/handbook.yaml:4:15: ERROR: organisation.short_name: "
        + _CONTROL.format(0, 6),
        "control-chars/sections/basics.yaml:12:12: ERROR: groups[0].title: "
        + _CONTROL.format(0x1B, 9),
        "control-chars/sections/basics.yaml:21:15: ERROR: groups[0].rules[1].text: "
        + _CONTROL.format(0x85, 35),
        "ERROR: validation failed: 3 errors",
    ]


def test_a_control_character_in_a_key_is_refused(
        root: Root, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    data = root("minimal")
    path = data / "sections" / "phone.yaml"
    path.write_text(path.read_text("utf-8") + '"x\\x1b": 1\n', "utf-8")
    monkeypatch.chdir(data.parent)
    assert main(["validate", "--data", "minimal"]) == 1
    err = capsys.readouterr().err
    assert "\x1b" not in err
    assert "minimal/sections/phone.yaml:22:1: ERROR: x\\x1b: " + _CONTROL.format(0x1B, 2) in err


def test_control_characters_in_a_translation_are_refused() -> None:
    po = ('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
          'msgctxt "title"\nmsgid "Greeting"\nmsgstr "Gr\x1büßen"\n\n'
          'msgctxt "text"\nmsgid "Welcome"\nmsgstr "Will\\rkommen"\n').encode()
    report = Report()
    assert parse_po(po, "de.po", report) == {}
    assert [str(p) for p in report.problems] == [
        "de.po:5:1: ERROR: title: expected text without control characters, got U+001B at "
        "character 3; remove it (only tab and newline are allowed) [i18n.control-char]",
        "de.po:9:1: ERROR: text: expected text without control characters, got U+000D at "
        "character 5; remove it (only tab and newline are allowed) [i18n.control-char]"]


def test_messages_on_the_terminal_hold_no_control_character(
        root: Root, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """A file name is printed as it is: its escape sequences must not reach the terminal."""
    data = root("minimal")
    (data / "sections" / "x\x1b]0;owned\x07\u202e.yaml").write_text("id: x\n", "utf-8")
    monkeypatch.chdir(data.parent)
    assert main(["validate", "--data", "minimal"]) == 0
    err = capsys.readouterr().err
    assert re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]", err) is None
    assert "minimal/sections/x\\x1b]0;owned\\x07\\u202e.yaml: WARNING: file not listed" in err


def test_section_ids_of_generated_pages_are_refused(
        root: Root, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    code, lines = validate(root, "reserved-id", monkeypatch, capsys)
    reserved = ("(index, search, genindex, py-modindex, changes, glossary, forms, local-rules, "
                "for-<audience>)")
    assert code == 1
    assert lines == [
        "reserved-id/handbook.yaml:21:27: ERROR: sections[2]: expected a section id that names "
        f"no generated page {reserved}, got 'search'; rename the section [data.id]",
        "reserved-id/handbook.yaml:21:35: ERROR: sections[3]: expected a section id that names "
        f"no generated page {reserved}, got 'for-counter'; rename the section [data.id]",
        "ERROR: validation failed: 2 errors",
    ]


@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "-1", "20.5", "1e400", "abc"])
def test_bleed_must_be_a_finite_number_of_millimetres(
        value: str, root: Root, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = root("minimal")
    code = main(["pdf", "--data", str(data), "--out", str(tmp_path / "site"),
                 f"--bleed={value}"])
    assert code == 2
    assert capsys.readouterr().err.splitlines()[-1].endswith(
        f"error: argument --bleed: expected a number of millimetres from 0 to 20, got {value!r}")
    assert not (tmp_path / "site").exists()


# --- reST escaping -------------------------------------------------------------------------


def test_every_bullet_docutils_knows_is_escaped() -> None:
    pattern = Body.patterns["bullet"]  # compiled in place once docutils has parsed a text
    chars = re.match(r"\[(.*?)\]", getattr(pattern, "pattern", pattern))
    assert chars is not None
    assert {c for c in chars.group(1) if ord(c) > 0x7F} == set(BULLETS)


@pytest.mark.parametrize("text", ["• not a list", "‣ not a list", "⁃ not a list", "•",
                                  "1. not a list", "#. no", "(a) no", "iv) no", "- no",
                                  "* no", "+ no", "| no", ">>> no", ".. raw:: html", "---",
                                  "term\n  definition", ":field: no", "-o option"])
def test_a_paragraph_that_looks_like_a_list_stays_a_paragraph(text: str) -> None:
    doctree, warnings = parse_rst(str(rst_escape(text)) + "\n")
    assert warnings == []
    assert [child.tagname for child in doctree.children] == ["paragraph"]  # type: ignore[attr-defined]
    assert doctree.astext() == " ".join(line.strip() for line in text.splitlines())  # type: ignore[attr-defined]


@pytest.mark.parametrize("title", ["⌚⌛☕⚽", "✅ Done ✨", "⭐" * 9, "e\u0301te\u0301",
                                   "服务规范", "ＡＢＣ", "a\u200bb"])
def test_a_heading_underline_is_as_long_as_docutils_measures_the_title(title: str) -> None:
    doctree, warnings = parse_rst(str(heading(rst_escape(title))) + "\n\nBody.\n")
    assert warnings == []
    assert doctree["title"] == title  # type: ignore[index]


def test_every_page_the_site_generates_is_reserved(root: Root) -> None:
    """A page the renderer adds (a layer's local rules, the glossary, a role page …) must be
    a reserved id, or a section of that name would silently replace it."""
    data = root("layered") / "layers" / "region" / "branch"
    prepared = prepare(data, Paths(data, data.parent / "out"), None)
    lang = prepared.languages[0]
    renderer = Renderer(prepared.translated[lang], lang, prepared.labels[lang],
                        prepared.template_dirs)
    sections = {s.id for s in prepared.handbook.sections}
    generated = [Path(name).stem for name in renderer.site_pages()]
    assert "local-rules" in generated
    assert [name for name in generated if name not in sections and not reserved_page(name)] \
        == []
    assert reserved_page("glossary")  # the sample's glossary page
    assert reserved_page("forms")  # the sample's forms page
