"""YAML files -> raw tree of dicts, lists and strings, plus a key-path -> Location index.

Every scalar is kept as the text the author wrote: the schema decides what is a number, a
date or a boolean. That keeps YAML 1.1 surprises (``NO``, ``12:30``, ``012``) out, and the
loader refuses tags, anchors and aliases (no alias bombs), duplicate keys, several documents
per file, and files that are too large or too deeply nested.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .errors import Location, Report, describe
from .safefs import MAX_YAML_BYTES, Refused, read_data_file
from .text import control_problem

try:  # libyaml's event parser is ~10x faster; the pure-Python one gives the same events
    from yaml import CSafeLoader as _EventLoader

    _BYTE_OFFSETS = True  # libyaml counts a reader error's position in UTF-8 bytes
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _EventLoader  # type: ignore[assignment]

    _BYTE_OFFSETS = False

MAX_BYTES = MAX_YAML_BYTES
"""Largest data file accepted; a handbook section is a few hundred kilobytes at most."""

MAX_DEPTH = 24
"""Deepest nesting accepted; the schema itself is at most eight levels deep."""

KeyPath = tuple[str | int, ...]

_NULLS = {"", "~", "null", "Null", "NULL"}


def format_key_path(path: KeyPath) -> str:
    """('groups', 0, 'rules', 2, 'id') -> 'groups[0].rules[2].id'."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else part
    return out


@dataclass
class Document:
    """One loaded YAML file: its raw tree and where each key and value stands."""

    path: Path
    display: str
    data: Any
    values: dict[KeyPath, tuple[int, int]] = field(default_factory=dict)
    keys: dict[KeyPath, tuple[int, int]] = field(default_factory=dict)

    def locate(self, path: KeyPath, key: bool = False) -> Location:
        """The location of a value (or of its key), falling back to the nearest parent."""
        probe = tuple(path)
        table = self.keys if key else self.values
        while probe:
            if probe in table:
                line, col = table[probe]
                return Location(self.display, line, col, format_key_path(path))
            if probe in self.values:
                line, col = self.values[probe]
                return Location(self.display, line, col, format_key_path(path))
            probe = probe[:-1]
        line, col = self.values.get((), (1, 1))
        return Location(self.display, line, col, format_key_path(path))


class _Stop(Exception):
    """The file cannot be read further; the problem is already reported."""


def load_yaml(path: Path, display: str, report: Report, root: Path | None = None
              ) -> Document | None:
    """Read one file; report every problem found and return None if it is unusable.

    root is the data folder: no folder between it and path may be a symbolic link (by
    default only path itself is checked).
    """
    try:
        data = read_data_file(path.parent if root is None else root, path, MAX_BYTES)
    except Refused as exc:
        where = Location(display, 1, 1) if exc.kind == "too-large" else Location(display)
        report.error(where, exc.message, exc.category("data"))
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = exc.object[: exc.start]
        line_start = before.rfind(b"\n") + 1
        column = len(before[line_start:].decode("utf-8", "replace")) + 1
        report.error(
            Location(display, before.count(b"\n") + 1, column),
            f"expected UTF-8 text, got byte 0x{exc.object[exc.start]:02x}",
            "data.encoding",
        )
        return None
    reported = len(report.problems)
    doc = Document(path, display, None)
    try:
        try:
            doc.data = _Builder(doc, yaml.parse(text, Loader=_EventLoader), report).build()
        except yaml.MarkedYAMLError as exc:
            if not _scanner_depth_limit(exc):
                raise
            # libyaml (PyYAML >= 6.0.4) refuses 1000 nested flow levels while it looks ahead,
            # before our own limit sees the events: read again with the pure-Python parser,
            # which hands them over as it goes, so our check names the key path and limit.
            del report.problems[reported:]
            doc = Document(path, display, None)
            doc.data = _Builder(doc, yaml.parse(text, Loader=yaml.SafeLoader), report).build()
    except _Stop:
        return None
    except yaml.MarkedYAMLError as exc:
        if _scanner_depth_limit(exc):  # a parser with a limit below ours: say it our way
            mark = exc.problem_mark
            report.error(
                Location(display, mark.line + 1 if mark else 1, mark.column + 1 if mark else 1),
                f"nesting too deep: expected at most {MAX_DEPTH} levels", "data.too-deep",
            )
            return None
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = exc.problem or "invalid YAML"
        if exc.context:
            started = exc.context_mark
            if started and mark and started.line != mark.line:  # say where the open item began
                problem = f"{exc.context} started at line {started.line + 1}: {problem}"
            else:
                problem = f"{exc.context}: {problem}"
        lines = text.splitlines()
        if "tab" not in problem and line <= len(lines) and lines[line - 1][col - 1:col] == "\t":
            problem += "; indent with spaces, not tabs"
        report.error(Location(display, line, col), f"YAML syntax: {problem}", "data.yaml")
        return None
    except yaml.reader.ReaderError as exc:  # a control character: it has a position, not a mark
        prefix = (text.encode("utf-8")[: exc.position].decode("utf-8", "replace")
                  if _BYTE_OFFSETS else text[: exc.position])
        report.error(
            Location(display, prefix.count("\n") + 1, len(prefix) - prefix.rfind("\n")),
            f"YAML syntax: expected printable text, got the control character "
            f"U+{exc.character:04X}; remove it", "data.yaml",
        )
        return None
    except yaml.YAMLError as exc:  # pragma: no cover - every other error carries a mark
        first_line = str(exc).splitlines()[0] if str(exc) else "invalid YAML"
        report.error(Location(display, 1, 1), f"YAML syntax: {first_line}", "data.yaml")
        return None
    return doc


def _scanner_depth_limit(exc: yaml.MarkedYAMLError) -> bool:
    """Whether a YAML library stopped at its own nesting limit rather than at bad syntax."""
    return "nesting depth" in (exc.problem or "") or "nesting depth" in (exc.context or "")


class _Builder:
    """Turns the parser's event stream into plain data, checking each event as it comes."""

    def __init__(self, doc: Document, events: Any, report: Report) -> None:
        self.doc = doc
        self.events = iter(events)
        self.report = report

    def _where(self, event: Any, path: KeyPath) -> Location:
        mark = event.start_mark
        return Location(self.doc.display, mark.line + 1, mark.column + 1, format_key_path(path))

    def _fail(self, event: Any, path: KeyPath, message: str, category: str) -> None:
        self.report.error(self._where(event, path), message, category)
        raise _Stop

    def build(self) -> Any:
        data: Any = None
        documents = 0
        for event in self.events:
            if isinstance(event, yaml.DocumentStartEvent):
                documents += 1
                if documents > 1:
                    self._fail(
                        event, (), "expected one YAML document per file, got a second one",
                        "data.yaml",
                    )
                data = self._node(next(self.events), (), 0)
        return data

    def _check(self, event: Any, path: KeyPath, depth: int) -> None:
        if isinstance(event, yaml.AliasEvent):
            self._fail(
                event, path, f"expected a value, got an alias (*{event.anchor}); "
                "anchors and aliases are not allowed, write the value out", "data.alias",
            )
        if getattr(event, "anchor", None):
            self._fail(
                event, path, f"expected a value, got an anchor (&{event.anchor}); "
                "anchors and aliases are not allowed", "data.alias",
            )
        tag = getattr(event, "tag", None)
        if tag is not None:
            if tag.startswith("tag:yaml.org,2002:"):  # show it as written: !!python/object
                tag = "!!" + tag.removeprefix("tag:yaml.org,2002:")
            self._fail(
                event, path, f"expected a plain value, got the tag {tag}; tags are not allowed",
                "data.tag",
            )
        if depth > MAX_DEPTH:
            self._fail(
                event, path, f"nesting too deep: expected at most {MAX_DEPTH} levels",
                "data.too-deep",
            )

    def _text(self, event: Any, path: KeyPath) -> None:
        """A scalar may hold no control character (from an escape such as "\\e")."""
        problem = control_problem(event.value)
        if problem:
            self.report.error(self._where(event, path), problem, "data.control-char")

    def _node(self, event: Any, path: KeyPath, depth: int) -> Any:
        self._check(event, path, depth)
        mark = event.start_mark
        self.doc.values[path] = (mark.line + 1, mark.column + 1)
        if isinstance(event, yaml.ScalarEvent):
            if not event.style and event.value in _NULLS:  # plain: libyaml says "", PyYAML None
                return None
            self._text(event, path)
            return event.value
        if isinstance(event, yaml.SequenceStartEvent):
            items: list[Any] = []
            for child in self.events:
                if isinstance(child, yaml.SequenceEndEvent):
                    return items
                items.append(self._node(child, (*path, len(items)), depth + 1))
        if isinstance(event, yaml.MappingStartEvent):
            mapping: dict[str, Any] = {}
            for key_event in self.events:
                if isinstance(key_event, yaml.MappingEndEvent):
                    return mapping
                self._check(key_event, path, depth + 1)
                if not isinstance(key_event, yaml.ScalarEvent):
                    self._fail(
                        key_event, path, "expected a plain key, got a mapping or list as key",
                        "data.key",
                    )
                key = key_event.value
                self._text(key_event, (*path, key))
                key_mark = key_event.start_mark
                child_path = (*path, key)
                if child_path in self.doc.keys:
                    first = self.doc.keys[child_path][0]
                    self.report.error(
                        self._where(key_event, child_path),
                        f"duplicate key {describe(key)}: expected each key once, "
                        f"got it again (first at line {first})",
                        "data.duplicate-key",
                    )
                else:  # keep the first: a third copy names the first line too
                    self.doc.keys[child_path] = (key_mark.line + 1, key_mark.column + 1)
                mapping[key] = self._node(next(self.events), child_path, depth + 1)
        raise _Stop  # pragma: no cover - the parser always closes what it opens
