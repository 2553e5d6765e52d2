"""A merged layer -> its catalogs, badges, local-rules page and diff; a group -> every layer.

``python build.py --data <layer>`` builds a layer like any handbook: its catalogs are those of
every layer below it, its own winning (each translates its own strings). ``python build.py``
without ``--data`` builds the corporate handbook and every layer found under ``data/`` into
``<out>/<layer path>/<version>/<lang>/`` with a ``sites.html`` page listing them.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import Report, UsageError
from .i18n import Catalog, load_catalog
from .paths import Paths

if TYPE_CHECKING:
    from .validate import Handbook

_SKIP_DIRS = {"sections", "locales", "assets", "themes"}


def catalog_loader(handbook: Handbook) -> Callable[..., Catalog]:
    """load_catalog, or for a layer: the catalogs of every layer from the bottom up."""
    provenance = handbook.provenance
    if provenance is None:
        return load_catalog

    def load(paths: Paths, lang: str, domain_names: list[str], report: Report,
             cache: Path | None = None) -> Catalog:
        catalog: Catalog = {}
        for layer in provenance.layers:
            catalog.update(load_catalog(Paths(layer.dir, paths.out), lang, domain_names,
                                        report, cache))
        return catalog

    return load


# --- templates -----------------------------------------------------------------------------


def template_globals(handbook: Handbook) -> dict[str, Any]:
    """What the reST templates use for layers: ``layer_of(item)`` and ``has_local``."""
    from .render import view

    provenance = handbook.provenance
    if provenance is None:
        return {"layer_of": lambda item: None, "has_local": False}
    names = {info.id: view(info) for info in handbook.meta.layers}
    item_layer = provenance.item_layer

    def layer_of(item: Any) -> Any:
        return names.get(item_layer.get(str(item.raw.id), ""))

    return {"layer_of": layer_of, "has_local": True}


def local_context(handbook: Handbook, gettext: Callable[[str], Any],
                  list_sep: str = ", ") -> dict[str, Any]:
    """Template values of the local-rules page: the top layer's changes, reasons, unit."""
    from .render import _FIELD_LABELS, view
    from .rst import anchor, rst_escape

    provenance = handbook.provenance
    assert provenance is not None
    items: dict[str, Any] = {}
    for section in handbook.sections:
        items[section.id] = section
        for group in section.groups:
            items.update({r.id: r for r in group.rules})
        for pgroup in section.phrase_groups:
            items.update({p.id: p for p in pgroup.phrases})
        items.update({c.id: c for c in section.cases})
    titles = {s.id: view(s.title) for s in handbook.sections}
    labels = {"added": gettext("Added"), "changed": gettext("Changed"),
              "removed": gettext("Removed")}
    entries = []
    for change in provenance.changes:
        item = items.get(change.id) if change.kind != "removed" else None
        title = getattr(item, "title", None) or getattr(item, "situation", None)
        linked = change.what in ("rule", "phrase", "case", "chapter") and item is not None
        entries.append({
            "kind": change.kind, "kind_label": labels[change.kind], "id": rst_escape(change.id),
            "anchor": anchor(change.id if change.what != "group"
                             else f"{change.section}-{change.id}"),
            "linked": linked,
            "title": view(title) if title is not None else rst_escape(change.title),
            "section": titles.get(change.section, rst_escape(change.section)),
            "fields": rst_escape(list_sep.join(str(gettext(_FIELD_LABELS.get(f, f)))
                                               for f in change.fields)),
            "reason": rst_escape(change.reason) if change.reason else None,
        })
    layers = handbook.meta.layers
    below = view(layers[-2].name) if len(layers) > 1 else view(handbook.meta.organisation.name)
    return {"local": {"layer": view(layers[-1].name) if layers else rst_escape(""),
                      "below": below, "entries": entries}}


# --- diff ----------------------------------------------------------------------------------


def run_diff(data: Path, fmt: str) -> int:
    """``python build.py --data <layer> diff``: the layer against the layer below it."""
    from .validate import load_handbook

    handbook, _ = load_handbook(data)
    provenance = handbook.provenance
    if provenance is None:
        raise UsageError(f"{data} is not a layer (its handbook.yaml has no 'extends'): give "
                         "diff OLD [NEW] to compare editions")
    below = provenance.layers[-2]
    if fmt == "json":
        sys.stdout.write(json.dumps({"layer": provenance.top.id,
                                     "base": below.id or str(below.dir),
                                     "changes": [c.as_dict() for c in provenance.changes]},
                                    ensure_ascii=False, indent=2) + "\n")
        return 0
    sys.stdout.write(diff_text(handbook))
    return 0


def diff_text(handbook: Handbook) -> str:
    """The local-rules list as plain text, one line per change (and its reason)."""
    provenance = handbook.provenance
    assert provenance is not None
    below = provenance.layers[-2]
    counts = {k: sum(1 for c in provenance.changes if c.kind == k)
              for k in ("added", "changed", "removed")}
    lines = [f"layer {provenance.top.id} ({provenance.top.name}) against "
             f"{below.name or below.root.rstrip('/') or '.'}: "
             + ", ".join(f"{n} {k}" for k, n in counts.items())]
    for change in provenance.changes:
        fields = f" [{', '.join(change.fields)}]" if change.fields else ""
        lines.append(f"  {change.kind:<8} {change.what:<7} {change.id:<12} {change.title}"
                     f"{fields}  ({change.where})")
        if change.reason:
            lines.append(f"           reason: {change.reason}")
    return "\n".join(lines) + "\n"


# --- a group: the corporate handbook and every layer ---------------------------------------


def find_layers(data: Path) -> list[Path]:
    """Every layer folder under data (a handbook.yaml with ``extends``), lowest first."""
    found = []
    for meta in sorted(data.rglob("handbook.yaml")):
        folder = meta.parent
        rel = folder.relative_to(data)
        if folder == data or _SKIP_DIRS & set(rel.parts):
            continue
        if any(line.startswith("extends:") for line in
               meta.read_text(encoding="utf-8", errors="replace").splitlines()):
            found.append(folder)
    return sorted(found, key=lambda p: (len(p.relative_to(data).parts), p.as_posix()))
