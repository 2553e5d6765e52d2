"""A layer folder (``extends:`` in handbook.yaml) -> merged raw trees that remember their files.

A layer holds only what differs from the folder it extends (see README, Layers): what it
adds, the fields it changes of inherited rules (by ID), and the rules it removes with a
reason. The merge works on the located raw trees before validation, so every problem of a
merged handbook is still reported at the file and line that caused it, and ``locked: true``
below is enforced here, at the layer's line that breaks it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import Location, Report, describe
from .load import Document, KeyPath, load_yaml

MAX_LAYERS = 16
"""Deepest chain of layers accepted (corporate -> region -> site needs three)."""

_META_APPEND = ("owners", "audiences", "sections")
_META_REPLACE = ("title", "subtitle", "version", "effective", "whats_new", "unit", "theme")
_META_KEYS = ("extends", "layer", *_META_APPEND, *_META_REPLACE)


@dataclass
class Layer:
    """One folder of a chain: the corporate handbook (first) or a layer above it."""

    dir: Path
    root: str
    """Display prefix of its files, e.g. data/layers/east/."""
    meta: Document
    id: str = ""
    """The layer's id ('' for the corporate handbook at the bottom)."""
    name: str = ""


@dataclass(frozen=True)
class Change:
    """One addition, change or removal a layer makes against the layer below."""

    kind: str
    """added, changed or removed."""
    what: str
    """rule, phrase, case, group or chapter."""
    id: str
    section: str
    title: str
    fields: tuple[str, ...] = ()
    reason: str | None = None
    where: str = ""
    """file:line in the layer."""
    title_ctx: str = ""
    """msgctxt of the title in the catalogs of the section's domain (the layer's own for what
    it adds, the ones below for what it changes or removes); '' if it has none."""
    reason_ctx: str = ""
    """msgctxt of the reason in the layer's own catalog of the section's domain."""
    reason_line: int = 0
    """Line of the reason in the layer's file (for the catalogs' occurrences)."""

    def as_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "what": self.what, "id": self.id, "section": self.section,
                "title": self.title, "fields": list(self.fields), "reason": self.reason,
                "where": self.where}


@dataclass
class Provenance:
    """Who made what in a merged handbook."""

    layers: list[Layer]
    """Bottom (corporate) first; the last one is the layer being built."""
    item_layer: dict[str, str] = field(default_factory=dict)
    """Rule, phrase or case ID -> id of the layer that added it or changed it last."""
    changes: list[Change] = field(default_factory=list)
    """What the top layer adds, changes and removes against the layer below."""
    docs: dict[str, Document] = field(default_factory=dict)
    removed: set[str] = field(default_factory=set)
    """Every rule, phrase and case ID a layer of the chain removed."""

    @property
    def top(self) -> Layer:
        return self.layers[-1]

    def owns(self, domain: str, key: KeyPath) -> bool:
        """Whether the string at key of a domain ('handbook' or a section) is the top layer's."""
        doc = self.docs.get(domain)
        if doc is None:
            return False
        # by folder, not by the displayed prefix: run from inside the layer, its files show
        # as sections/x.yaml and those below as ../../sections/x.yaml, which both start with ''
        return Path(doc.locate(key).path).resolve().is_relative_to(self.top.dir.resolve())


@dataclass
class MergedDocument(Document):
    """A merged raw tree: each key path remembers the file and path it came from."""

    origin: dict[KeyPath, tuple[Document, KeyPath]] = field(default_factory=dict)

    def locate(self, path: KeyPath, key: bool = False) -> Location:
        probe = tuple(path)
        while True:
            if probe in self.origin:
                doc, at = self.origin[probe]
                return doc.locate((*at, *path[len(probe):]), key)
            if not probe:
                return super().locate(path, key)
            probe = probe[:-1]


@dataclass
class Stack:
    """What load_handbook needs from a chain: merged documents and their provenance."""

    meta: MergedDocument
    sections: dict[str, Document]
    provenance: Provenance

    @property
    def asset_root(self) -> Path:
        return self.provenance.layers[0].dir


def is_layer(doc: Document) -> bool:
    return isinstance(doc.data, dict) and doc.data.get("extends") is not None


def display_root(folder: Path) -> str:
    try:
        rel = folder.resolve().relative_to(Path.cwd().resolve())
        return "" if str(rel) == "." else rel.as_posix() + "/"
    except ValueError:
        return os.path.normpath(folder.as_posix()) + "/"


_CACHE: dict[tuple[str, int, int], Document] = {}
"""Files below the layer being built, read once per process (a group build reads the
corporate files once for all its layers). Never mutated: the merge copies what it changes."""


def _read(path: Path, display: str, report: Report) -> Document | None:
    """A layer's handbook.yaml or chapter, read like every data file: no link on the way from
    the layer's folder, no pipe or device, bounded (safefs)."""
    root = path.parent.parent if path.parent.name == "sections" else path.parent
    return load_yaml(path, display, report, root)


def _load(path: Path, display: str, report: Report) -> Document | None:
    try:
        stat = path.lstat()
    except OSError:
        return _read(path, display, report)
    key = (str(path.resolve()), stat.st_mtime_ns, stat.st_size)
    if key in _CACHE and _CACHE[key].display == display:
        return _CACHE[key]
    before = len(report.problems)
    doc = _read(path, display, report)
    if doc is not None and len(report.problems) == before:
        _CACHE[key] = doc
    return doc


def chain(data_dir: Path, top: Document, report: Report) -> list[Layer] | None:
    """The folders from the corporate handbook up to data_dir, following ``extends``."""
    layers = [Layer(data_dir, display_root(data_dir), top)]
    seen = {data_dir.resolve()}
    while is_layer(layers[0].meta):
        below = layers[0]
        extends = below.meta.data["extends"]
        where = below.meta.locate(("extends",))
        folder = below.dir / str(extends)
        if not isinstance(extends, str) or not (folder / "handbook.yaml").is_file():
            report.error(where, f"expected a data folder with handbook.yaml, relative to this "
                         f"file, got {describe(extends)}", "layer.extends")
            return None
        if folder.resolve() in seen or len(layers) >= MAX_LAYERS:
            report.error(where, f"expected a chain of at most {MAX_LAYERS} layers without a "
                         f"loop, got {extends!r} again", "layer.extends")
            return None
        seen.add(folder.resolve())
        root = display_root(folder)
        doc = _load(folder / "handbook.yaml", root + "handbook.yaml", report)
        if doc is None:
            return None
        layers.insert(0, Layer(folder, root, doc))
    corporate = layers[0].meta.data if isinstance(layers[0].meta.data, dict) else {}
    org = corporate.get("organisation")
    org = org if isinstance(org, dict) else {}
    layers[0].name = str(org.get("short_name") or org.get("name") or layers[0].dir.name)
    for layer in layers[1:]:
        info = layer.meta.data.get("layer")
        if isinstance(info, dict) and isinstance(info.get("id"), str):
            layer.id, layer.name = info["id"], str(info.get("name") or info["id"])
        else:
            report.error(layer.meta.locate(("layer",) if "layer" in layer.meta.data else ()),
                         "expected a mapping 'layer' with the layer's id and name, got "
                         f"{describe(info)}", "layer.id")
            layer.id = layer.name = layer.dir.name
    return layers


# --- copying with origins ------------------------------------------------------------------


class _Origins:
    """Remembers where every copied mapping and list (and every placed value) came from."""

    def __init__(self) -> None:
        self.nodes: dict[int, tuple[Document, KeyPath]] = {}
        self.slots: dict[tuple[int, str | int], tuple[Document, KeyPath]] = {}
        self.keep: list[Any] = []

    def copy(self, value: Any, doc: Document, path: KeyPath) -> Any:
        """A deep copy of value (found at path of doc) whose nodes remember that place."""
        if isinstance(value, dict):
            out: Any = {k: self.copy(v, doc, (*path, k)) for k, v in value.items()}
        elif isinstance(value, list):
            out = [self.copy(v, doc, (*path, i)) for i, v in enumerate(value)]
        else:
            return value
        self.nodes[id(out)] = (doc, path)
        self.keep.append(out)
        return out

    def place(self, parent: Any, key: str | int, value: Any, doc: Document,
              path: KeyPath) -> None:
        """Set parent[key] (or append, for a list) to a copy of value from path of doc."""
        copied = self.copy(value, doc, path)
        if isinstance(parent, list):
            key = len(parent)
            parent.append(copied)
        else:
            parent[key] = copied
        self.slots[(id(parent), key)] = (doc, path)

    def document(self, data: Any, base: Document) -> MergedDocument:
        merged = MergedDocument(base.path, base.display, data)
        paths: list[KeyPath] = []
        self._walk(data, (), merged.origin, paths)
        for path in paths:  # lines for translator references
            where = merged.locate(path)
            merged.values[path] = (where.line, where.col)
        return merged

    def _walk(self, node: Any, path: KeyPath, out: dict[KeyPath, tuple[Document, KeyPath]],
              paths: list[KeyPath]) -> None:
        paths.append(path)
        if id(node) in self.nodes:
            out[path] = self.nodes[id(node)]
        items = node.items() if isinstance(node, dict) else \
            enumerate(node) if isinstance(node, list) else ()
        for key, child in items:
            if (id(node), key) in self.slots:
                out[(*path, key)] = self.slots[(id(node), key)]
            self._walk(child, (*path, key), out, paths)


# --- merging -------------------------------------------------------------------------------


def merge(data_dir: Path, top: Document, report: Report) -> Stack | None:
    """Merge the chain ending at data_dir; report every problem; None if it cannot be read."""
    layers = chain(data_dir, top, report)
    if layers is None:
        return None
    origins = _Origins()
    base = layers[0]
    meta = origins.copy(base.meta.data, base.meta, ()) if isinstance(base.meta.data, dict) \
        else {}
    definer: dict[str, int] = {}
    listed = meta.get("sections")
    for sid in listed if isinstance(listed, list) else []:
        definer.setdefault(str(sid), 0)
    for index, layer in enumerate(layers[1:], start=1):
        _merge_meta(meta, layer, origins, report, definer, index)
    meta.pop("extends", None)
    meta.pop("layer", None)
    provenance = Provenance(layers)
    merged_meta = origins.document(meta, top)
    provenance.docs["handbook"] = merged_meta
    sections: dict[str, Document] = {}
    owners = {o.get("id"): o.get("name") for o in meta.get("owners") or []
              if isinstance(o, dict)}
    inherited: list[Any] = [meta]
    for sid, first in definer.items():
        doc = _merge_section(sid, first, layers, origins, report, provenance, owners)
        if doc is not None:
            sections[sid] = doc
            provenance.docs[sid] = doc
            if first < len(layers) - 1:
                inherited.append(doc.data)
    top_dir = layers[-1].dir.resolve()

    def mine(node: Any) -> bool:
        origin = origins.nodes.get(id(node))
        return origin is not None and Path(origin[0].path).resolve().is_relative_to(top_dir)

    from .patch import drop_removed

    for data in inherited if provenance.removed else []:
        drop_removed(data, provenance.removed, mine)
    return Stack(merged_meta, sections, provenance)


def _merge_meta(meta: dict[str, Any], layer: Layer, origins: _Origins, report: Report,
                definer: dict[str, int], index: int) -> None:
    doc = layer.meta
    if not isinstance(doc.data, dict):
        report.error(doc.locate(()), f"expected a mapping of keys, got {describe(doc.data)}",
                     "data.type")
        return
    for key, value in doc.data.items():
        if key not in _META_KEYS:
            report.error(doc.locate((key,), key=True), f"a layer cannot set {key!r}: expected "
                         f"one of {', '.join(_META_KEYS)} (the rest is inherited)", "layer.key")
        elif key == "layer":
            origins.place(meta.setdefault("layers", []), 0, value, doc, (key,))
        elif key in _META_REPLACE:
            origins.place(meta, key, value, doc, (key,))
        elif key in _META_APPEND:
            if not isinstance(value, list):
                report.error(doc.locate((key,)), f"expected a list of what the layer adds, "
                             f"got {describe(value)}", "data.type")
                continue
            target = meta.setdefault(key, [])
            for i, item in enumerate(value):
                if key == "audiences" and _extend_audience(target, item, doc, i, origins,
                                                           report):
                    continue
                if key == "sections":
                    if str(item) in definer:
                        report.error(doc.locate((key, i)), f"expected a new chapter, got "
                                     f"{item!r}, which is inherited: change it with "
                                     f"sections/{item}.yaml", "layer.section")
                        continue
                    definer[str(item)] = index
                origins.place(target, 0, item, doc, (key, i))


def _extend_audience(target: list[Any], item: Any, doc: Document, i: int,
                     origins: _Origins, report: Report) -> bool:
    """An audience the layer names by an inherited id: add its first-week items."""
    if not isinstance(item, dict):
        return False
    inherited = next((a for a in target if isinstance(a, dict) and a.get("id") == item.get("id")),
                     None)
    if inherited is None:
        return False
    for key in item:
        if key not in ("id", "first_week"):
            report.error(doc.locate(("audiences", i, key), key=True), f"an inherited audience "
                         f"takes only first_week items from a layer, got {key!r}", "layer.key")
    days = item.get("first_week") or []
    plan = inherited.setdefault("first_week", [])
    for d, day in enumerate(days if isinstance(days, list) else []):
        origins.place(plan, 0, day, doc, ("audiences", i, "first_week", d))
    return True


def _merge_section(sid: str, first: int, layers: list[Layer], origins: _Origins,
                   report: Report, provenance: Provenance,
                   owners: dict[Any, Any]) -> Document | None:
    definer = layers[first]
    path = definer.dir / "sections" / f"{sid}.yaml"
    if not os.path.lexists(path):  # a link or a pipe is named by _read
        listed = definer.meta.data.get("sections") if isinstance(definer.meta.data, dict) else []
        index = listed.index(sid) if isinstance(listed, list) and sid in listed else 0
        report.error(definer.meta.locate(("sections", index)),
                     f"expected a file sections/{sid}.yaml, got no such file",
                     "data.missing-file")
        return None
    loader = _read if first == len(layers) - 1 else _load
    base = loader(path, f"{definer.root}sections/{sid}.yaml", report)
    if base is None:
        return None
    patches = []
    for layer in layers[first + 1:]:
        file = layer.dir / "sections" / f"{sid}.yaml"
        if os.path.lexists(file):
            doc = (_read if layer is layers[-1] else _load)(
                file, f"{layer.root}sections/{sid}.yaml", report)
            if doc is not None:
                patches.append((layer, doc))
    if not isinstance(base.data, dict):
        return base  # validation says what is wrong with it
    if first:
        _claim(base.data, definer, provenance, sid, base)
    if not patches:
        return base
    data = origins.copy(base.data, base, ())
    from .patch import apply_patch

    for layer, doc in patches:
        apply_patch(data, sid, layer, doc, origins, report, provenance, owners,
                    layer is layers[-1])
    return origins.document(data, base)


def _claim(data: dict[str, Any], layer: Layer, provenance: Provenance, sid: str,
           doc: Document) -> None:
    """A chapter a layer added: each of its items is the layer's."""
    from .patch import iter_items

    for _kind, _, item, _ in iter_items(data):
        provenance.item_layer[str(item.get("id"))] = layer.id
    if layer is provenance.layers[-1]:
        provenance.changes.append(Change(
            "added", "chapter", sid, sid, str(data.get("title", "")), (), None,
            str(doc.locate(())), "title"))
