"""A Diff -> what people read: JSON for tools, text for the terminal, and the diff command."""

from __future__ import annotations

import json
import re
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from .diff import Diff, GroupChange, Place, SectionChange, Value, diff_handbooks
from .errors import UsageError
from .gitsrc import find_repo, is_data_folder, resolve_source
from .log import logger
from .metadiff import meta_json, meta_lines
from .validate import load_handbook

# --- output --------------------------------------------------------------------------------


def _place_json(place: Place) -> dict[str, Any]:
    return {
        "section": {"id": place.section_id, "title": place.section_title},
        "group": ({"id": place.group_id, "title": place.group_title}
                  if place.group_id is not None else None),
    }


def to_json(diff: Diff) -> dict[str, Any]:
    """The diff as plain JSON data with stable keys (a page filters entries by audience)."""
    return {
        "old": {"version": diff.old_version},
        "new": {"version": diff.new_version},
        "summary": _counts(diff),
        "section_order": list(diff.section_order),
        "sections": [
            {"id": s.id, "status": s.status, "title": s.title, "old_title": s.old_title}
            for s in diff.sections
        ],
        "groups": [
            {"section": g.section_id, "id": g.id, "status": g.status, "title": g.title,
             "old_title": g.old_title}
            for g in diff.groups
        ],
        "entries": [
            {
                "id": e.id,
                "kind": e.kind,
                "status": e.status,
                "title": e.title,
                **_place_json(e.place),
                "moved_from": _place_json(e.old_place) if e.old_place else None,
                "audiences": list(e.audiences),
                "changes": [
                    {"field": c.field, "old": c.old, "new": c.new,
                     "inline": [list(s) for s in c.inline] if c.inline is not None else None}
                    for c in e.changes
                ],
            }
            for e in diff.entries
        ],
        "handbook": meta_json(diff.meta),
    }


def _counts(diff: Diff) -> dict[str, int]:
    counts = {status: 0 for status in ("added", "removed", "changed", "moved")}
    for entry in diff.entries:
        counts[entry.status] += 1
    for status in ("added", "removed", "retitled"):
        counts[f"sections_{status}"] = sum(1 for s in diff.sections if s.status == status)
    for status in ("added", "removed", "retitled"):
        counts[f"groups_{status}"] = sum(1 for g in diff.groups if g.status == status)
    return counts


_MARK = {"added": "+", "removed": "-", "changed": "~", "moved": ">"}
_COLOR = {"added": "32", "removed": "31", "changed": "33", "moved": "36"}
_CONTEXT = 24
_LONG = 80


def _show(value: Value) -> str:
    if value is None:
        return "(none)"
    if isinstance(value, list):
        return "[" + "; ".join(value) + "]"
    return re.sub(r"\n+", " ¶ ", value)


def _clip(old: str, new: str) -> tuple[str, str]:
    """Long values cut down to the changed part with some context on each side."""
    if max(len(old), len(new)) <= _LONG:
        return old, new
    prefix = len(_common(old, new))
    limit = min(len(old), len(new)) - prefix
    suffix = min(len(_common(old[::-1], new[::-1])), limit)
    start = max(0, prefix - _CONTEXT)

    def cut(text: str) -> str:
        end = min(len(text), len(text) - suffix + _CONTEXT)
        return ("…" if start else "") + text[start:end] + ("…" if end < len(text) else "")

    return cut(old), cut(new)


def _common(a: str, b: str) -> str:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return a[:n]


def _lines(diff: Diff, paint: Callable[[str, str], str]) -> Iterator[str]:
    counts = _counts(diff)
    summary = ", ".join(f"{counts[s]} {s}" for s in ("added", "removed", "changed", "moved"))
    for level in ("sections", "groups"):
        facts = [f"{counts[f'{level}_{s}']} {s}" for s in ("added", "removed", "retitled")
                 if counts[f"{level}_{s}"]]
        summary += f"; {level}: {', '.join(facts)}" if facts else ""
    if diff.meta:
        summary += f"; handbook.yaml: {len(diff.meta)} changed"
    if not diff.entries and not diff.sections and not diff.groups and not diff.meta:
        summary = "no differences"
    yield f"handbook {diff.old_version} → {diff.new_version}: {summary}"
    yield from meta_lines(diff.meta)
    titles: dict[str, str] = {s.id: s.title for s in diff.sections}
    for entry in diff.entries:
        titles.setdefault(entry.place.section_id, entry.place.section_title)
    reported = {*titles, *(g.section_id for g in diff.groups)}
    for section_id in (s for s in diff.section_order if s in reported):
        fact = next((s for s in diff.sections if s.id == section_id), None)
        yield ""
        yield f"{section_id}  {titles.get(section_id, '')}{_note(fact)}".rstrip()
        for group in diff.groups:
            if group.section_id == section_id:
                yield f"  group {group.id}  {group.title}{_note(group)}"
        for entry in diff.entries:
            if entry.place.section_id != section_id:
                continue
            yield paint(entry.status, f"{_MARK[entry.status]} {entry.id} {_show(entry.title)}")
            if entry.old_place is not None:
                yield f"    moved from {entry.old_place.path} to {entry.place.path}"
            for change in entry.changes:
                old, new = _clip(_show(change.old), _show(change.new))
                yield f"    {change.field}: {old} → {new}"


def _note(fact: SectionChange | GroupChange | None) -> str:
    if fact is None:
        return ""
    if fact.status == "retitled":
        return f"  (retitled from {fact.old_title})"
    return f"  ({fact.status})"


def format_text(diff: Diff, color: bool = False) -> str:
    """The diff for a terminal: a summary line, then each section's entries; plain text."""

    def paint(status: str, text: str) -> str:
        return f"\x1b[{_COLOR[status]}m{text}\x1b[0m" if color else text

    return "\n".join(_lines(diff, paint)) + "\n"


# --- command line --------------------------------------------------------------------------


def run_command(old_spec: str, new_spec: str | None, data_dir: Path, fmt: str) -> int:
    """`diff OLD [NEW]`: print what changed; 0 also when something did (errors raise)."""
    if fmt not in ("text", "json"):
        raise UsageError(f"unknown format {fmt!r}: expected text or json")
    data_dir = Path(data_dir)
    with tempfile.TemporaryDirectory(prefix="handbook-diff-") as tmp:
        handbooks = []
        for spec in (old_spec, new_spec if new_spec is not None else str(data_dir)):
            if is_data_folder(spec):
                folder = Path(spec)
            else:
                repo, subdir = find_repo(data_dir)
                folder = resolve_source(spec, repo, subdir, Path(tmp))
            logger.debug("reading %s from %s", spec, folder)
            handbook, report = load_handbook(folder)
            for problem in report.warnings:
                logger.debug("%s", problem)
            handbooks.append(handbook)
        diff = diff_handbooks(handbooks[0], handbooks[1])
    if fmt == "json":
        sys.stdout.write(json.dumps(to_json(diff), ensure_ascii=False, indent=2) + "\n")
    else:
        sys.stdout.write(format_text(diff))
    return 0
