"""Two editions' handbook.yaml -> what changed in them: titles, owners and their contacts,
audiences and their first-week plans, languages, release gate, what's new."""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel

from .model import HandbookMeta, PlanStep

MetaStatus = Literal["added", "removed", "changed"]

# Fields of handbook.yaml that differ in every edition, or say nothing to a reader.
_SKIPPED = {"version", "theme"}


@dataclass(frozen=True)
class MetaChange:
    """One changed value of handbook.yaml, at a key path like owners[hr].contact."""

    path: str
    status: MetaStatus
    old: Any
    new: Any


def _plain(value: Any) -> Any:
    """Model values as JSON-friendly data (dates as ISO text)."""
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def _compare(path: str, old: Any, new: Any) -> Iterator[MetaChange]:
    """Changes between two values; lists of objects with an id are matched by id."""
    if old == new:
        return
    if isinstance(old, list) and isinstance(new, list) and \
            all(hasattr(v, "id") for v in [*old, *new]) and (old or new):
        before = {v.id: v for v in old}
        after = {v.id: v for v in new}
        for key, value in after.items():
            if key not in before:
                yield MetaChange(f"{path}[{key}]", "added", None, _plain(value))
            else:
                yield from _compare(f"{path}[{key}]", before[key], value)
        for key, value in before.items():
            if key not in after:
                yield MetaChange(f"{path}[{key}]", "removed", _plain(value), None)
        return
    if isinstance(old, list) and isinstance(new, list) and \
            all(isinstance(v, (str, PlanStep)) for v in [*old, *new]):
        yield from _compare_lines(path, [_line(v) for v in old], [_line(v) for v in new])
        return
    if isinstance(old, BaseModel) and type(old) is type(new):
        for name in type(old).model_fields:
            yield from _compare(f"{path}.{name}" if path else name, getattr(old, name),
                                getattr(new, name))
        return
    status: MetaStatus = "added" if old in (None, []) else \
        "removed" if new in (None, []) else "changed"
    yield MetaChange(path, status, _plain(old), _plain(new))


def _line(value: str | PlanStep) -> str:
    """A plan step as one line of text: its text, then the IDs it refers to."""
    if isinstance(value, str):
        return value
    return value.text + (f" ({', '.join(value.refs)})" if value.refs else "")


def _compare_lines(path: str, old: list[str], new: list[str]) -> Iterator[MetaChange]:
    """Lists of texts (a first-week plan, what's new) line by line, numbered as in new."""
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        pairs = min(i2 - i1, j2 - j1) if tag == "replace" else 0
        for k in range(pairs):
            yield MetaChange(f"{path}[{j1 + k}]", "changed", old[i1 + k], new[j1 + k])
        for k in range(i1 + pairs, i2):
            yield MetaChange(f"{path}[{k}]", "removed", old[k], None)
        for k in range(j1 + pairs, j2):
            yield MetaChange(f"{path}[{k}]", "added", None, new[k])


def diff_meta(old: HandbookMeta, new: HandbookMeta) -> tuple[MetaChange, ...]:
    """Every change of handbook.yaml except the edition number, in the file's key order."""
    out: list[MetaChange] = []
    for name in type(new).model_fields:
        if name not in _SKIPPED:
            out += _compare(name, getattr(old, name), getattr(new, name))
    return tuple(out)


def show(value: Any) -> str:
    """A value on one line for the terminal and the changes page."""
    if value is None:
        return "(none)"
    if isinstance(value, list):
        return "[" + "; ".join(show(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {show(v)}" for k, v in value.items() if v not in
                               (None, [])) + "}"
    return " ¶ ".join(str(value).split("\n"))


def meta_lines(changes: tuple[MetaChange, ...]) -> Iterator[str]:
    """The text report's handbook.yaml block."""
    if not changes:
        return
    yield ""
    yield "handbook.yaml"
    for change in changes:
        if change.status == "added":
            yield f"  + {change.path}: {show(change.new)}"
        elif change.status == "removed":
            yield f"  - {change.path}: {show(change.old)}"
        else:
            yield f"  ~ {change.path}: {show(change.old)} → {show(change.new)}"


def meta_json(changes: tuple[MetaChange, ...]) -> list[dict[str, Any]]:
    return [{"path": c.path, "status": c.status, "old": c.old, "new": c.new} for c in changes]


def meta_rows(source: tuple[MetaChange, ...], shown: tuple[MetaChange, ...],
              escape: Any) -> list[dict[str, Any]]:
    """The changes page's handbook.yaml list: the source diff decides what changed, the
    diff of the page's language words it; every text escaped by escape."""
    worded = {c.path: c for c in shown}
    rows = []
    for change in source:
        change = worded.get(change.path, change)
        text = show(change.new) if change.status == "added" else show(change.old) \
            if change.status == "removed" else f"{show(change.old)} → {show(change.new)}"
        rows.append({"path": escape(change.path), "status": change.status,
                     "text": escape(text)})
    return rows
