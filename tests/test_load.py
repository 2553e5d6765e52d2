"""The safe YAML loader: text stays text, tags/anchors/duplicates refused, every place located."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
import yaml
from expect import YamlSyntax

from handbook.errors import Location, Report
from handbook.load import MAX_BYTES, Document, format_key_path, load_yaml


def load(tmp_path: Path, content: str | bytes) -> tuple[Document | None, list[str]]:
    """Load content written to t.yaml; return the document and the printed problems."""
    path = tmp_path / "t.yaml"
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    else:
        path.write_bytes(content)
    report = Report()
    doc = load_yaml(path, "t.yaml", report)
    return doc, [str(p) for p in report.problems]


def data(tmp_path: Path, content: str) -> Any:
    doc, problems = load(tmp_path, content)
    assert problems == []
    assert doc is not None
    return doc.data


@pytest.mark.parametrize("text", [
    "NO", "no", "No", "yes", "Yes", "on", "off", "y", "n", "true", "False",  # YAML 1.1 booleans
    "12:30", "1:02:03",  # sexagesimal numbers
    "012", "0o17", "0x1F", "0b101", "1_000", "1e3", ".inf", "-.Inf", ".nan",  # numbers
    "2026-01-01", "2026-01-01 12:00:00",  # timestamps
    "2026.10", "+1", "=",
])
def test_plain_scalars_keep_the_text_as_written(tmp_path: Path, text: str) -> None:
    assert data(tmp_path, f"value: {text}\nlist: [{text}]\n") == {"value": text, "list": [text]}


def test_keys_are_text_too(tmp_path: Path) -> None:
    assert data(tmp_path, "NO: a\n012: b\n12:30: c\n") == {"NO": "a", "012": "b", "12:30": "c"}


@pytest.mark.parametrize("text", ["", "~", "null", "Null", "NULL"])
def test_plain_nulls_are_none(tmp_path: Path, text: str) -> None:
    assert data(tmp_path, f"value: {text}\n") == {"value": None}


@pytest.mark.parametrize("text", ["''", "'~'", '"null"'])
def test_quoted_nulls_are_text(tmp_path: Path, text: str) -> None:
    assert data(tmp_path, f"value: {text}\n") == {"value": text[1:-1]}


def test_block_scalars_and_nesting(tmp_path: Path) -> None:
    assert data(tmp_path, "a:\n  - b: |\n      line one\n      line two\n") == {
        "a": [{"b": "line one\nline two\n"}]
    }


@pytest.mark.parametrize("content", ["", "# only a comment\n", "---\n"])
def test_empty_file_gives_no_data(tmp_path: Path, content: str) -> None:
    assert data(tmp_path, content) is None


def test_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    doc, problems = load(tmp_path, b"\xef\xbb\xbfa: 1\n")
    assert problems == [] and doc is not None and doc.data == {"a": "1"}


# --- where things are ----------------------------------------------------------------------


def test_values_and_keys_are_located(tmp_path: Path) -> None:
    doc, _ = load(tmp_path, "groups:\n  - id: a\n    rules:\n      - id: X-Y-001\n")
    assert doc is not None
    assert doc.values[()] == (1, 1)
    assert doc.keys[("groups",)] == (1, 1)
    assert doc.values[("groups", 0, "id")] == (2, 9)
    assert doc.keys[("groups", 0, "rules")] == (3, 5)
    assert doc.values[("groups", 0, "rules", 0, "id")] == (4, 13)
    assert doc.locate(("groups", 0, "rules", 0, "id")) == Location(
        "t.yaml", 4, 13, "groups[0].rules[0].id")
    assert doc.locate(("groups", 0, "rules"), key=True) == Location(
        "t.yaml", 3, 5, "groups[0].rules")


def test_locate_falls_back_to_the_nearest_parent(tmp_path: Path) -> None:
    doc, _ = load(tmp_path, "groups:\n  - id: a\n")
    assert doc is not None
    assert doc.locate(("groups", 0, "title")) == Location("t.yaml", 2, 5, "groups[0].title")
    assert doc.locate(("missing", 3)) == Location("t.yaml", 1, 1, "missing[3]")


@pytest.mark.parametrize(("path", "text"), [
    ((), ""),
    (("title",), "title"),
    (("groups", 0, "rules", 2, "id"), "groups[0].rules[2].id"),
    ((3, "a"), "[3].a"),
])
def test_format_key_path(path: tuple[str | int, ...], text: str) -> None:
    assert format_key_path(path) == text


# --- refused input -------------------------------------------------------------------------


@pytest.mark.parametrize(("content", "message"), [
    ("a: !!python/object/apply:os.system [echo pwned]\n",
     "t.yaml:1:4: ERROR: a: expected a plain value, got the tag "
     "!!python/object/apply:os.system; tags are not allowed [data.tag]"),
    ("a: !!str 012\n",
     "t.yaml:1:4: ERROR: a: expected a plain value, got the tag !!str; tags are not allowed "
     "[data.tag]"),
    ("a: !local x\n",
     "t.yaml:1:4: ERROR: a: expected a plain value, got the tag !local; tags are not allowed "
     "[data.tag]"),
    ("a: &x 1\nb: *x\n",
     "t.yaml:1:4: ERROR: a: expected a value, got an anchor (&x); anchors and aliases are not "
     "allowed [data.alias]"),
    ("a: *x\n",
     "t.yaml:1:4: ERROR: a: expected a value, got an alias (*x); anchors and aliases are not "
     "allowed, write the value out [data.alias]"),
    ("a: 1\n---\nb: 2\n",
     "t.yaml:2:1: ERROR: expected one YAML document per file, got a second one [data.yaml]"),
    ("? [a, b]\n: 1\n",
     "t.yaml:1:3: ERROR: expected a plain key, got a mapping or list as key [data.key]"),
    ("a: 1\n  b: 2\n",
     YamlSyntax("t.yaml", 2)),
    ("a:\n  - 1\n  b: 2\n",
     YamlSyntax("t.yaml", 3, "started at line 2: ")),
    ("a: 'open\n",
     YamlSyntax("t.yaml", 2, "started at line 1: ")),
    ("a:\n\t- b\n",
     YamlSyntax("t.yaml", 2, "; indent with spaces, not tabs")),
    ("é: x\nb: 你好\x07\n",
     "t.yaml:2:6: ERROR: YAML syntax: expected printable text, got the control character "
     "U+0007; remove it [data.yaml]"),
], ids=["python-tag", "str-tag", "local-tag", "anchor", "alias", "two-documents", "complex-key",
        "bad-indent", "bad-list", "open-quote", "tab", "control-character"])
def test_refused(tmp_path: Path, content: str, message: str | YamlSyntax) -> None:
    doc, problems = load(tmp_path, content)
    assert doc is None
    assert problems == [message]


def test_alias_bomb_is_refused_at_its_first_anchor(tmp_path: Path) -> None:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for this, prev in zip("bcdefghijklmnop", "abcdefghijklmno", strict=True):
        lines.append(f"{this}: &{this} [" + ",".join([f"*{prev}"] * 9) + "]")
    start = time.perf_counter()
    doc, problems = load(tmp_path, "\n".join(lines) + "\n")
    assert time.perf_counter() - start < 0.5
    assert doc is None
    assert problems == ["t.yaml:1:4: ERROR: a: expected a value, got an anchor (&a); anchors and "
                        "aliases are not allowed [data.alias]"]


def test_duplicate_keys_name_both_lines_and_loading_goes_on(tmp_path: Path) -> None:
    doc, problems = load(tmp_path, "a: 1\nb: {c: 1, c: 2}\na: 2\na: 3\n")
    assert doc is not None and doc.data == {"a": "3", "b": {"c": "2"}}
    assert problems == [
        "t.yaml:2:11: ERROR: b.c: duplicate key 'c': expected each key once, got it again "
        "(first at line 2) [data.duplicate-key]",
        "t.yaml:3:1: ERROR: a: duplicate key 'a': expected each key once, got it again "
        "(first at line 1) [data.duplicate-key]",
        "t.yaml:4:1: ERROR: a: duplicate key 'a': expected each key once, got it again "
        "(first at line 1) [data.duplicate-key]",
    ]


def test_nesting_limit(tmp_path: Path) -> None:
    assert data(tmp_path, "a: " + "[" * 23 + "x" + "]" * 23 + "\n") is not None
    doc, problems = load(tmp_path, "a: " + "[" * 24 + "x" + "]" * 24 + "\n")
    assert doc is None
    assert problems == ["t.yaml:1:28: ERROR: a" + "[0]" * 24 + ": nesting too deep: expected at "
                        "most 24 levels [data.too-deep]"]


def test_very_deep_flow_nesting_is_refused_quickly(tmp_path: Path) -> None:
    start = time.perf_counter()
    doc, problems = load(tmp_path, "[" * 200_000 + "]" * 200_000)
    assert time.perf_counter() - start < 2.0
    assert doc is None
    assert [p.split(": ERROR: ")[0] for p in problems] == ["t.yaml:1:26"]
    assert problems[0].endswith("nesting too deep: expected at most 24 levels [data.too-deep]")


def _parser_with_a_limit(limit: int, real: Any) -> Any:
    """yaml.parse as a libyaml that refuses more than limit flow levels while looking ahead
    (as PyYAML 6.0.4's does at 1000): it fails before handing over the first event."""
    def parse(text: str, Loader: Any) -> Any:  # noqa: N803 - yaml.parse's own name
        depth = 0
        for column, char in enumerate(text):
            depth += {"[": 1, "]": -1}.get(char, 0)
            if depth > limit:
                raise yaml.scanner.ScannerError(
                    "while increasing flow level", None, "exceeded maximum nesting depth",
                    yaml.Mark("t.yaml", column, 0, column, None, None))
        return real(text, Loader=Loader)
    return parse


@pytest.mark.parametrize("limit", [30, 1000])
def test_a_parser_limit_above_ours_still_reports_ours(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, limit: int) -> None:
    calls: list[Any] = []
    real = yaml.parse
    limited = _parser_with_a_limit(limit, real)

    def first_call_limited(text: str, Loader: Any) -> Any:  # noqa: N803
        calls.append(Loader)
        return (limited if len(calls) == 1 else real)(text, Loader=Loader)

    monkeypatch.setattr("handbook.load.yaml.parse", first_call_limited)
    doc, problems = load(tmp_path, "a: " + "[" * 2000 + "]" * 2000 + "\n")
    assert doc is None
    assert problems == ["t.yaml:1:28: ERROR: a" + "[0]" * 24 + ": nesting too deep: expected at "
                        "most 24 levels [data.too-deep]"]
    assert calls[-1] is yaml.SafeLoader  # read again by the parser that streams its events


def test_a_parser_limit_below_ours_is_said_our_way(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("handbook.load.yaml.parse", _parser_with_a_limit(10, yaml.parse))
    doc, problems = load(tmp_path, "a: " + "[" * 20 + "]" * 20 + "\n")
    assert doc is None
    assert problems == ["t.yaml:1:14: ERROR: nesting too deep: expected at most 24 levels "
                        "[data.too-deep]"]


def test_size_limit(tmp_path: Path) -> None:
    comment = "# " + "x" * (MAX_BYTES - 3) + "\n"
    assert len(comment.encode()) == MAX_BYTES
    assert data(tmp_path, comment) is None
    doc, problems = load(tmp_path, comment + "\n")
    assert doc is None
    assert problems == ["t.yaml:1:1: ERROR: file too large: expected at most 2048 KiB, got "
                        "2049 KiB [data.too-large]"]


@pytest.mark.parametrize(("content", "where", "byte"), [
    (b"a: \xff\n", "1:4", "ff"),
    ("a: ok\nb: 你好 ".encode() + b"\xc3\x28\n", "2:7", "c3"),
    (b"a: caf\xe9\n", "1:7", "e9"),  # Latin-1, a common mistake
])
def test_invalid_utf8_is_located(tmp_path: Path, content: bytes, where: str, byte: str) -> None:
    doc, problems = load(tmp_path, content)
    assert doc is None
    assert problems == [f"t.yaml:{where}: ERROR: expected UTF-8 text, got byte 0x{byte} "
                        "[data.encoding]"]


def test_missing_file(tmp_path: Path) -> None:
    report = Report()
    assert load_yaml(tmp_path / "absent.yaml", "absent.yaml", report) is None
    assert [str(p) for p in report.problems] == [
        "absent.yaml: ERROR: cannot read file: No such file or directory [data.io]"
    ]
