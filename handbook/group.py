"""A data folder with layers under it -> the corporate site, every layer's site, a sites page.

``python build.py`` (no ``--data``) builds ``data/`` as today into ``<out>/<version>/<lang>/``,
then each layer found under it (layerbuild.find_layers) into
``<out>/<layer path>/<version>/<lang>/``, and publishes ``<out>/sites.html`` listing them all.
Each layer is a build of its own (``--data <layer>``); here they share one process, so the
corporate files and catalogs under every layer are read and parsed once.
"""

from __future__ import annotations

import dataclasses
import json
import shutil
import time
from html import escape
from pathlib import Path
from typing import Any

from .csp import csp_meta
from .layerbuild import find_layers
from .log import logger
from .paths import Paths
from .publish import Tree, publish, redirect_page
from .validate import Handbook


@dataclasses.dataclass(frozen=True)
class Site:
    """One built handbook of the group: where it is published and what it is called."""

    rel: str
    """Path under <out>: '' for the corporate handbook, else the layer's path under data/."""
    handbook: Handbook
    languages: list[str]


def build_group(options: Any) -> list[Tree]:
    """Build the corporate handbook and every layer under it; publish them together."""
    from .workarea import build_lock, check_out

    check_out(options.paths)
    with build_lock(options.paths, options.wait):  # the corporate site and its layers: one
        return _build_group(options)              # build, published together


def _build_group(options: Any) -> list[Tree]:
    from .pipeline import build_locked, build_prepared
    from .project import prepare
    from .versions import site_pages

    start = time.perf_counter()
    data = options.paths.data
    trees = build_locked(options)
    sites: list[Site] = []
    layer_trees: list[Tree] = []
    built_paths = {data.resolve(): options.paths}
    for folder in find_layers(data):
        rel = folder.relative_to(data).as_posix()
        paths = Paths(folder, options.paths.work / "layers" / rel / "site")
        built_paths[folder.resolve()] = paths
        prepared = prepare(folder, paths, options.languages, options.strict)
        version = prepared.handbook.meta.version
        provenance = prepared.handbook.provenance
        below = built_paths.get(provenance.layers[-2].dir.resolve()) if provenance else None
        if below is not None:
            for lang in prepared.languages:
                _seed(below.cache(version, lang), paths.cache(version, lang))
        built = build_prepared(prepared, options, paths, extra={
            "pages": {version: site_pages(prepared.handbook, False)}})
        layer_trees += [dataclasses.replace(t, version=f"{rel}/{t.version}") for t in built]
        sites.append(Site(rel, prepared.handbook, [t.lang for t in built if t.listed]))
    from .validate import load_handbook

    corporate, _ = load_handbook(data)
    langs = sorted({t.lang for t in trees if t.listed}) or [corporate.meta.source_language]
    sites.insert(0, Site("", corporate, langs))
    files = {"sites.html": sites_page(sites), "sites.css": SITES_CSS}
    for site in sites[1:]:
        meta = site.handbook.meta
        lang = meta.source_language if meta.source_language in site.languages \
            else (site.languages or [meta.source_language])[0]
        files[f"{site.rel}/index.html"] = redirect_page(f"{meta.version}/{lang}/index.html")
        files[f"{site.rel}/versions.json"] = json.dumps(
            {"versions": [{"name": meta.version, "languages": site.languages, "latest": True}]},
            ensure_ascii=False, indent=2) + "\n"
    if layer_trees:
        publish(options.paths, layer_trees, {}, corporate.meta.source_language, files=files)
    logger.info("group built: the corporate handbook and %d layer%s in %.1f s -> %s",
                len(sites) - 1, "s" if len(sites) != 2 else "", time.perf_counter() - start,
                options.paths.out / "sites.html")
    return trees + layer_trees


def _seed(below: Path, cache: Path) -> None:
    """Start a layer's first build from the Sphinx project of the layer below: Sphinx then
    reads again only the pages the layer changed (a layer shares most of its pages)."""
    if below.is_dir() and not cache.exists():
        shutil.copytree(below, cache, symlinks=True)



SITES_CSS = ("body{font-family:sans-serif;margin:2rem}table{border-collapse:collapse}"
             "td,th{border:1px solid #ccc;padding:.4rem .8rem;text-align:left}\n")
"""The sites page's style: a file, since the site's CSP runs no inline style."""


def sites_page(sites: list[Site]) -> str:
    """<out>/sites.html: every handbook of the group, with its unit, languages and link."""
    rows = []
    for site in sites:
        meta = site.handbook.meta
        layer = meta.layers[-1].name if meta.layers else meta.organisation.name
        unit = meta.unit.name if meta.unit else meta.title
        depth = len(meta.layers)
        prefix = f"{site.rel}/" if site.rel else ""
        links = " ".join(
            f'<a href="{escape(prefix)}{escape(meta.version)}/{escape(lang)}/index.html" '
            f'hreflang="{escape(lang.replace("_", "-"))}">{escape(lang)}</a>'
            for lang in site.languages)
        below = escape(meta.layers[-2].name if len(meta.layers) > 1 else
                       meta.organisation.short_name or meta.organisation.name) if depth else ""
        rows.append(
            f'<tr data-layer="{escape(meta.layers[-1].id) if meta.layers else ""}" '
            f'class="hb-site-depth-{depth}"><td>{escape(str(layer))}</td>'
            f"<td>{escape(str(unit))}</td><td>{below}</td><td>{escape(meta.version)}</td>"
            f"<td>{links}</td></tr>")
    corporate = sites[0].handbook.meta
    title = f"{escape(str(corporate.organisation.name))} · {escape(str(corporate.title))}"
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{escape(corporate.source_language.replace("_", "-"))}"><head>'
        f'<meta charset="utf-8">{csp_meta()}<title>{title}</title>'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<link rel="stylesheet" href="sites.css">'
        f"</head><body><h1>{title}</h1>\n<table class=\"hb-sites\"><thead><tr>"
        "<th>Layer</th><th>Unit</th><th>Extends</th><th>Edition</th><th>Languages</th>"
        "</tr></thead><tbody>\n" + "\n".join(rows) + "\n</tbody></table></body></html>\n")


def is_group(data: Path) -> bool:
    return bool(find_layers(data))
