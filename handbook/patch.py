"""A layer's sections/<id>.yaml for an inherited chapter -> that chapter's raw tree, changed.

The file holds only what the layer adds (``groups``, ``phrase_groups``, ``cases``), changes
(``change``: inherited ID -> fields) and removes (``remove``: ID and reason). What is
``locked`` below (the item, its group or its chapter; the VI chapter by default) cannot be
changed, removed or added to: the error stands at the layer's line and names the lock's
file and the chapter's owner.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .errors import Report, describe
from .load import Document, KeyPath
from .section import Case, Phrase, Rule

if TYPE_CHECKING:
    from .layers import Layer, Provenance, _Origins

_PATCH_KEYS = ("id", "groups", "phrase_groups", "cases", "change", "remove")
_ITEMS: dict[str, Any] = {"rule": Rule, "phrase": Phrase, "case": Case}
_PATCH_OF = {"changed": "change", "removed": "remove", "added": "add"}
"""The key of a layer's chapter file that made a change of each kind (for msgctxt)."""
_TITLE = {"rule": "title", "phrase": "situation", "case": "title"}
_VI_KEYS = ("colors", "logo", "typography", "type_scale", "grid")
_GROUPS = {"groups": ("rules", "rule"), "phrase_groups": ("phrases", "phrase")}


class _Patch:
    def __init__(self, data: dict[str, Any], sid: str, layer: Layer, doc: Document,
                 origins: _Origins, report: Report, provenance: Provenance,
                 owners: dict[Any, Any], top: bool) -> None:
        self.data, self.sid, self.layer, self.doc = data, sid, layer, doc
        self.origins, self.report, self.provenance = origins, report, provenance
        self.owners, self.top = owners, top

    # --- reporting -------------------------------------------------------------------------

    def error(self, path: KeyPath, message: str, category: str, key: bool = False) -> None:
        self.report.error(self.doc.locate(path, key), message, category)

    def record(self, kind: str, what: str, item_id: str, title: Any, path: KeyPath,
               fields: tuple[str, ...] = (), reason: Any = None, group: Any = None,
               reason_path: KeyPath = ()) -> None:
        from .layers import Change

        if what in ("rule", "phrase", "case"):
            if kind == "removed":
                self.provenance.item_layer.pop(item_id, None)
                self.provenance.removed.add(item_id)
            else:
                self.provenance.item_layer[item_id] = self.layer.id
        if self.top:
            reason_ctx = ""
            if reason and reason_path:
                reason_ctx = f"{_PATCH_OF[kind]}[{item_id}].reason"
            self.provenance.changes.append(Change(
                kind, what, item_id, self.sid, str(title or ""), fields,
                str(reason) if reason else None, str(self.doc.locate(path, key=True)),
                title_ctx(what, item_id, group), reason_ctx,
                self.doc.locate(reason_path).line if reason_ctx else 0))

    def locked(self, path: KeyPath, what: str, item_id: str, node: Any) -> None:
        """Report a change to something locked: where it is locked and who owns it."""
        doc, at = self.origins.nodes.get(id(node), (None, ()))
        if doc is not None and isinstance(node, dict) and "locked" in node:
            where = f"locked at {doc.locate((*at, 'locked'))}"
        else:
            where = "locked: the VI chapter is locked unless the corporate handbook says " \
                    "locked: false"
        owner_id = (self.data.get("governance") or {}).get("owner")
        owner = self.owners.get(owner_id)
        who = f"{owner} ({owner_id})" if owner else str(owner_id)
        self.error(path, f"{what} {item_id!r} is {where}; its owner is {who}: expected no "
                   "change, removal or addition from a layer; ask the owner to change it "
                   "below", "layer.locked", key=True)

    # --- operations ------------------------------------------------------------------------

    def run(self) -> None:
        data = self.doc.data
        if not isinstance(data, dict):
            self.error((), f"expected a mapping of changes, got {describe(data)}", "data.type")
            return
        for key in data:
            if key not in _PATCH_KEYS:
                self.error((key,), f"unknown key {key!r} in a layer's chapter file: expected "
                           f"one of {', '.join(_PATCH_KEYS)}", "data.unknown-key", key=True)
        if data.get("id", self.sid) != self.sid:
            self.error(("id",), f"expected id {self.sid!r} (the file name), got "
                       f"{describe(data.get('id'))}", "data.id")
        if section_locked(self.data):
            changing = [k for k in data if k != "id"]
            if changing:
                self.locked((changing[0],), "chapter", self.sid, self.data)
            return
        self.index = self._index()
        for key in ("change", "remove", "groups", "phrase_groups", "cases"):
            if key in data:
                getattr(self, "_" + key)(data[key])

    def _index(self) -> dict[str, tuple[str, Any, dict[str, Any], list[Any]]]:
        return {str(item.get("id")): (kind, group, item, items)
                for kind, group, item, items in iter_items(self.data)}

    def _find(self, path: KeyPath, item_id: Any) -> tuple[str, Any, dict[str, Any],
                                                          list[Any]] | None:
        found = self.index.get(str(item_id))
        if found is None:
            self.error(path, f"expected the ID of an inherited rule, phrase or case of chapter "
                       f"{self.sid!r}, got {describe(item_id)}", "layer.reference", key=True)
            return None
        kind, group, item, _ = found
        for node, what, name in ((item, kind, item_id), (group, "group", (group or {}).get("id"))):
            if is_locked(node):
                self.locked(path, what, str(name), node)
                return None
        return found

    def _change(self, changes: Any) -> None:
        if not isinstance(changes, dict):
            self.error(("change",), f"expected a mapping of inherited IDs to the fields they "
                       f"change, got {describe(changes)}", "data.type")
            return
        for item_id, fields in changes.items():
            path = ("change", item_id)
            found = self._find(path, item_id)
            if found is None:
                continue
            kind, group, item, _ = found
            if not isinstance(fields, dict) or not fields:
                self.error(path, f"expected the fields to change, got {describe(fields)}",
                           "data.type")
                continue
            allowed = set(_ITEMS[kind].model_fields) - {"id", "locked"} | {"reason"}
            changed = []
            for name, value in fields.items():
                if name not in allowed:
                    self.error((*path, name), f"unknown key {name!r}: expected fields of a "
                               f"{kind} ({', '.join(sorted(allowed))})", "data.unknown-key",
                               key=True)
                elif name != "reason":
                    self.origins.place(item, name, value, self.doc, (*path, name))
                    changed.append(name)
            self.record("changed", kind, str(item_id), item.get(_TITLE[kind]), path,
                        tuple(changed), fields.get("reason"), group, (*path, "reason"))

    def _remove(self, removals: Any) -> None:
        if not isinstance(removals, list):
            self.error(("remove",), f"expected a list of {{id, reason}}, got "
                       f"{describe(removals)}", "data.type")
            return
        for i, entry in enumerate(removals):
            path: KeyPath = ("remove", i)
            if not isinstance(entry, dict) or "id" not in entry:
                self.error(path, f"expected a mapping with id and reason, got "
                           f"{describe(entry)}", "data.type")
                continue
            for key in entry:
                if key not in ("id", "reason"):
                    self.error((*path, key), f"unknown key {key!r}: expected id and reason",
                               "data.unknown-key", key=True)
            reason = entry.get("reason")
            if not isinstance(reason, str) or not reason.strip():
                self.error((*path, "id"), "expected key 'reason' beside the removed ID, got "
                           "none: say why the rule does not apply here", "layer.reason")
                continue
            found = self._find((*path, "id"), entry["id"])
            if found is None:
                continue
            kind, group, item, items = found
            items.remove(item)
            del self.index[str(entry["id"])]
            self.record("removed", kind, str(entry["id"]), item.get(_TITLE[kind]),
                        (*path, "id"), (), reason, group, (*path, "reason"))

    def _groups(self, groups: Any, key: str = "groups") -> None:
        inner, kind = _GROUPS[key]
        if not isinstance(groups, list):
            self.error((key,), f"expected a list of groups, got {describe(groups)}", "data.type")
            return
        target = self.data.setdefault(key, [])
        for i, group in enumerate(groups):
            path: KeyPath = (key, i)
            inherited = next((g for g in target if isinstance(g, dict) and isinstance(group, dict)
                              and g.get("id") == group.get("id")), None)
            if inherited is None:
                self.origins.place(target, 0, group, self.doc, path)
                if isinstance(group, dict):
                    self.record("added", "group", str(group.get("id")), group.get("title"),
                                path, group=key)
                    self._added(group.get(inner), kind, (*path, inner), group)
                continue
            if is_locked(inherited):
                self.locked(path, "group", str(inherited.get("id")), inherited)
                continue
            for extra in group:
                if extra not in ("id", inner):
                    self.error((*path, extra), f"an inherited group takes only new {inner} "
                               f"from a layer, got {extra!r}", "layer.key", key=True)
            items = group.get(inner)
            if not isinstance(items, list):
                self.error((*path, inner), f"expected a list of {inner}, got "
                           f"{describe(items)}", "data.type")
                continue
            into = inherited.setdefault(inner, [])
            for n, item in enumerate(items):
                self.origins.place(into, 0, item, self.doc, (*path, inner, n))
            self._added(items, kind, (*path, inner), inherited)

    def _phrase_groups(self, groups: Any) -> None:
        self._groups(groups, "phrase_groups")

    def _cases(self, cases: Any) -> None:
        if not isinstance(cases, list):
            self.error(("cases",), f"expected a list of cases, got {describe(cases)}",
                       "data.type")
            return
        target = self.data.setdefault("cases", [])
        for n, case in enumerate(cases):
            self.origins.place(target, 0, case, self.doc, ("cases", n))
        self._added(cases, "case", ("cases",))

    def _added(self, items: Any, kind: str, path: KeyPath, group: Any = None) -> None:
        for n, item in enumerate(items if isinstance(items, list) else []):
            if isinstance(item, dict):
                self.record("added", kind, str(item.get("id")), item.get(_TITLE[kind]),
                            (*path, n), group=group)


def title_ctx(what: str, item_id: str, group: Any) -> str:
    """The msgctxt of an item's title in its chapter's catalog (as i18n._walk names it):
    group is the item's group (a mapping), or for a group its key (groups, phrase_groups)."""
    gid = group.get("id") if isinstance(group, dict) else None
    if what == "rule" and gid is not None:
        return f"groups[{gid}].rules[{item_id}].title"
    if what == "phrase" and gid is not None:
        return f"phrase_groups[{gid}].phrases[{item_id}].situation"
    if what == "case":
        return f"cases[{item_id}].title"
    if what == "group" and group in _GROUPS:
        return f"{group}[{item_id}].title"
    return "title" if what == "chapter" else ""


def apply_patch(data: dict[str, Any], sid: str, layer: Layer, doc: Document,
                origins: _Origins, report: Report, provenance: Provenance,
                owners: dict[Any, Any], top: bool) -> None:
    """Apply one layer's file for an inherited chapter to the chapter's copied raw tree."""
    _Patch(data, sid, layer, doc, origins, report, provenance, owners, top).run()


def iter_items(data: dict[str, Any]) -> list[tuple[str, Any, dict[str, Any], list[Any]]]:
    """(kind, group or None, item, the list holding it) for every rule, phrase and case."""
    out: list[tuple[str, Any, dict[str, Any], list[Any]]] = []
    for key, inner, kind in (("groups", "rules", "rule"), ("phrase_groups", "phrases", "phrase")):
        groups = data.get(key)
        for group in groups if isinstance(groups, list) else []:
            items = group.get(inner) if isinstance(group, dict) else None
            if not isinstance(items, list):
                continue
            for item in items:
                if isinstance(item, dict):
                    out.append((kind, group, item, items))
    cases = data.get("cases")
    for item in cases if isinstance(cases, list) else []:
        if isinstance(item, dict) and isinstance(cases, list):
            out.append(("case", None, item, cases))
    return out


def is_locked(node: Any) -> bool:
    return isinstance(node, dict) and node.get("locked") == "true"


def section_locked(data: dict[str, Any]) -> bool:
    """A chapter is locked when it says so; the VI chapter is unless it says locked: false."""
    if "locked" in data and data["locked"] is not None:
        return bool(data["locked"] == "true")
    return data.get("id") == "vi" or any(data.get(k) for k in _VI_KEYS)


_REFERENCES = ("see_also", "refs", "rules")
"""Keys whose lists may name rules: a rule's see-also, a plan step's refs, a form's rules."""


def drop_removed(node: Any, removed: set[str], mine: Any) -> None:
    """References inherited from below to an item a layer removed go with it (a see-also, a
    first-week step's refs, a form's rules); the top layer's own references are checked."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key in _REFERENCES and isinstance(value, list) and not mine(value):
                value[:] = [v for v in value if not (isinstance(v, str) and v in removed)]
            drop_removed(value, removed, mine)
    elif isinstance(node, list):
        for value in node:
            drop_removed(value, removed, mine)
