"""Two validated handbooks -> what changed, item by item: added, removed, changed, moved."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Literal

from .metadiff import MetaChange, diff_meta
from .section import Case, Phrase, Rule, Section, applies_to
from .validate import Handbook

Kind = Literal["rule", "phrase", "case"]
Status = Literal["added", "removed", "changed", "moved"]
Op = Literal["equal", "delete", "insert"]
Segment = tuple[Op, str]
Value = str | list[str] | None

ID_FIELDS = frozenset({"audiences", "see_also"})
"""Fields that hold IDs rather than prose: shown old → new, without an inline diff."""

_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_LETTER = rf"(?:(?![{_CJK}])[^\W_])"
_TOKEN = re.compile(rf"{_LETTER}+(?:['’-]{_LETTER}+)*|\s+|.", re.DOTALL)
"""A word of a spaced script, a run of whitespace, or one other character (Han, kana, …)."""


@dataclass(frozen=True)
class Place:
    """Where an item sits: its section and, for rules and phrases, its group."""

    section_id: str
    section_title: str
    group_id: str | None = None
    group_title: str | None = None

    @property
    def path(self) -> str:
        """section-id/group-id, as the text report prints it."""
        return f"{self.section_id}/{self.group_id}" if self.group_id else self.section_id


@dataclass(frozen=True)
class FieldChange:
    """One field of an item, before and after; inline marks the change for highlighting."""

    field: str
    old: Value
    new: Value
    inline: tuple[Segment, ...] | None = None
    """Prose fields: ("equal" | "delete" | "insert", text) segments from old to new."""


@dataclass(frozen=True)
class Entry:
    """One rule, phrase or case that was added, removed, changed or moved."""

    id: str
    kind: Kind
    status: Status
    title: str
    """Rule and case title, phrase situation (the new one; the old one when removed)."""
    place: Place
    """Where the item is now; where it was, when removed."""
    old_place: Place | None = None
    """Where a moved item was."""
    audiences: tuple[str, ...] = ()
    """Who sees the item in either edition (section and item tags); empty: everyone."""
    changes: tuple[FieldChange, ...] = ()
    """Changed fields in model order; a moved item may have some too."""


@dataclass(frozen=True)
class SectionChange:
    """A section that was added, removed or given a new title."""

    id: str
    status: Literal["added", "removed", "retitled"]
    title: str
    old_title: str | None = None


@dataclass(frozen=True)
class GroupChange:
    """A rule or phrase group that was added, removed or given a new title in its section."""

    section_id: str
    id: str
    status: Literal["added", "removed", "retitled"]
    title: str
    old_title: str | None = None


@dataclass(frozen=True)
class Diff:
    """What changed from one edition to the next, in reading order."""

    old_version: str
    new_version: str
    section_order: tuple[str, ...]
    """Section ids: the new edition's in reading order, then removed ones in old order."""
    sections: tuple[SectionChange, ...]
    """Section facts, new reading order first, then removed sections in old order."""
    groups: tuple[GroupChange, ...]
    """Group facts per section (same order): new groups in reading order, then removed ones."""
    entries: tuple[Entry, ...]
    """Per section (same order): present items in new reading order, then removed ones."""
    meta: tuple[MetaChange, ...] = ()
    """Changes of handbook.yaml: owners, audiences and first-week plans, release gate …"""

    def _with(self, status: Status) -> list[Entry]:
        return [e for e in self.entries if e.status == status]

    @property
    def added(self) -> list[Entry]:
        return self._with("added")

    @property
    def removed(self) -> list[Entry]:
        return self._with("removed")

    @property
    def changed(self) -> list[Entry]:
        """Items changed in place (moved items, changed or not, are in moved)."""
        return self._with("changed")

    @property
    def moved(self) -> list[Entry]:
        return self._with("moved")

    def for_audience(self, audience: str | None) -> Diff:
        """Only the entries that matter to one audience (None: everyone's entries)."""
        return replace(self, entries=tuple(e for e in self.entries
                                           if applies_to(list(e.audiences), audience)))


# --- comparing -----------------------------------------------------------------------------

Item = Rule | Phrase | Case


@dataclass(frozen=True)
class _Found:
    item: Item
    kind: Kind
    place: Place
    audiences: frozenset[str] | None  # None: everyone
    order: tuple[int, int]  # section index, item index in the section


def _effective(section: Section, own: list[str]) -> frozenset[str] | None:
    """Who sees an item: its own tags within its section's (as the renderer filters)."""
    mine, theirs = frozenset(own), frozenset(section.audiences)
    if mine and theirs:
        return (mine & theirs) or mine  # disjoint tags: keep the author's own
    return mine or theirs or None


def _section_items(section: Section) -> Iterator[tuple[Item, Kind, Place]]:
    """A section's rules, phrases and cases in reading order, with where each sits."""
    for group in section.groups:
        for rule in group.rules:
            yield rule, "rule", Place(section.id, section.title, group.id, group.title)
    for pgroup in section.phrase_groups:
        for phrase in pgroup.phrases:
            yield phrase, "phrase", Place(section.id, section.title, pgroup.id, pgroup.title)
    for case in section.cases:
        yield case, "case", Place(section.id, section.title)


def _items(handbook: Handbook) -> dict[str, _Found]:
    return {
        item.id: _Found(item, kind, place, _effective(section, item.audiences), (si, index))
        for si, section in enumerate(handbook.sections)
        for index, (item, kind, place) in enumerate(_section_items(section))
    }


def _title(item: Item) -> str:
    return item.situation if isinstance(item, Phrase) else item.title


def _audiences(handbook: Handbook, *sets: frozenset[str] | None) -> tuple[str, ...]:
    if any(s is None for s in sets):
        return ()
    union: set[str] = set().union(*(s for s in sets if s is not None))
    declared = [a.id for a in handbook.meta.audiences]
    return tuple(sorted(union, key=lambda a: (declared.index(a) if a in declared
                                              else len(declared), a)))


def tokens(text: str) -> list[str]:
    """Words for spaced scripts, single characters for Chinese and Japanese, whitespace runs."""
    return _TOKEN.findall(text)


def inline_diff(old: str, new: str) -> tuple[Segment, ...]:
    """Segments turning old into new: Chinese compared by character, English by word."""
    a, b = tokens(old), tokens(new)
    segments: list[Segment] = []

    def put(op: Op, parts: list[str]) -> None:
        text = "".join(parts)
        if not text:
            return
        if segments and segments[-1][0] == op:
            segments[-1] = (op, segments[-1][1] + text)
        else:
            segments.append((op, text))

    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            put("equal", a[i1:i2])
        else:
            put("delete", a[i1:i2])
            put("insert", b[j1:j2])
    return tuple(segments)


def _as_text(value: Value) -> str:
    if value is None:
        return ""
    return "\n".join(value) if isinstance(value, list) else value


def _changes(old: Item, new: Item) -> tuple[FieldChange, ...]:
    changes = []
    for name in type(new).model_fields:
        if name == "id":
            continue
        before, after = getattr(old, name), getattr(new, name)
        if before == after:
            continue
        inline = None if name in ID_FIELDS else inline_diff(_as_text(before), _as_text(after))
        changes.append(FieldChange(name, _copy(before), _copy(after), inline))
    return tuple(changes)


def _copy(value: Value) -> Value:
    return list(value) if isinstance(value, list) else value


def diff_handbooks(old: Handbook, new: Handbook) -> Diff:
    """Compare two handbooks by item ID across rules, phrases and cases."""
    before, after = _items(old), _items(new)
    keyed: list[tuple[tuple[int, int, int], Entry]] = []
    removed_base = len(new.sections)
    new_index = {s.id: i for i, s in enumerate(new.sections)}
    old_index = {s.id: i for i, s in enumerate(old.sections)}

    def removed_key(was: _Found) -> tuple[int, int, int]:
        section = was.place.section_id
        if section in new_index:
            return (new_index[section], 1, was.order[1])
        return (removed_base + old_index[section], 1, was.order[1])

    for item_id, now in after.items():
        was = before.get(item_id)
        title = _title(now.item)
        key = (now.order[0], 0, now.order[1])
        if was is None or was.kind != now.kind:
            keyed.append((key, Entry(item_id, now.kind, "added", title, now.place,
                                     audiences=_audiences(new, now.audiences))))
            continue
        changes = _changes(was.item, now.item)
        audiences = _audiences(new, was.audiences, now.audiences)
        moved = (was.place.section_id, was.place.group_id) != \
            (now.place.section_id, now.place.group_id)
        if moved:
            keyed.append((key, Entry(item_id, now.kind, "moved", title, now.place, was.place,
                                     audiences, changes)))
        elif changes:
            keyed.append((key, Entry(item_id, now.kind, "changed", title, now.place,
                                     audiences=audiences, changes=changes)))
    for item_id, was in before.items():
        now_found = after.get(item_id)
        if now_found is None or now_found.kind != was.kind:
            keyed.append((removed_key(was), Entry(item_id, was.kind, "removed", _title(was.item),
                                                  was.place,
                                                  audiences=_audiences(new, was.audiences))))
    keyed.sort(key=lambda pair: pair[0])

    sections: list[SectionChange] = []
    groups: list[GroupChange] = []
    old_sections = {s.id: s for s in old.sections}
    for section in new.sections:
        previous = old_sections.get(section.id)
        if previous is None:
            sections.append(SectionChange(section.id, "added", section.title))
        elif previous.title != section.title:
            sections.append(SectionChange(section.id, "retitled", section.title, previous.title))
        if previous is not None:
            groups += _group_changes(previous, section)
    for section in old.sections:
        if section.id not in new_index:
            sections.append(SectionChange(section.id, "removed", section.title))
    order = [s.id for s in new.sections] + [s.id for s in old.sections if s.id not in new_index]
    return Diff(old.meta.version, new.meta.version, tuple(order), tuple(sections),
                tuple(groups), tuple(entry for _, entry in keyed), diff_meta(old.meta, new.meta))


def _group_changes(old: Section, new: Section) -> list[GroupChange]:
    """Groups added, removed or retitled in a section both editions have."""
    before = {g.id: g.title for g in old.groups} | {g.id: g.title for g in old.phrase_groups}
    after = {g.id: g.title for g in new.groups} | {g.id: g.title for g in new.phrase_groups}
    changes = []
    for group_id, title in after.items():
        if group_id not in before:
            changes.append(GroupChange(new.id, group_id, "added", title))
        elif before[group_id] != title:
            changes.append(GroupChange(new.id, group_id, "retitled", title, before[group_id]))
    changes += [GroupChange(new.id, group_id, "removed", title)
                for group_id, title in before.items() if group_id not in after]
    return changes
