"""A data folder with layers under it -> the corporate site, every layer's site, a sites page.

``python build.py`` (no ``--data``) builds ``data/`` as today into ``<out>/<version>/<lang>/``,
then each layer found under it (layerbuild.find_layers) into
``<out>/<layer path>/<version>/<lang>/``, and publishes the sites pages listing them all
(sitespage). Each layer is a build of its own (``--data <layer>``); here each starts from the
built Sphinx project of a layer below it (layerseed), so Sphinx reads only the pages the
layer changed, and the layers run in a pool of processes forked from this one, which share
the Sphinx modules and the catalogs parsed before (the parsed-catalog cache on disk too).
"""

from __future__ import annotations

import dataclasses
import json
import os
import time
from pathlib import Path
from typing import Any

from .fonts import faces
from .layerbuild import find_layers
from .layerseed import seed
from .log import logger
from .paths import Paths, user_cache
from .publish import Tree, publish, redirect_page
from .sitespage import SITES_CSS, Site, sites_fonts, sites_pages


def build_group(options: Any) -> list[Tree]:
    """Build the corporate handbook and every layer under it; publish them together."""
    from .workarea import build_lock, check_out

    check_out(options.paths)
    with build_lock(options.paths, options.wait):  # the corporate site and its layers: one
        return _build_group(options)              # build, published together


def _build_group(options: Any) -> list[Tree]:
    from .pipeline import build_locked
    from .validate import load_handbook

    start = time.perf_counter()
    data = options.paths.data
    trees = build_locked(options)
    corporate, _ = load_handbook(data)
    langs = [t.lang for t in trees if t.listed] or [corporate.meta.source_language]
    sites = [Site("", corporate.meta, langs, _translated_meta(corporate, options, langs))]
    layer_trees: list[Tree] = []
    for rel, built, site in build_layers(options, find_layers(data)):
        layer_trees += [dataclasses.replace(t, version=f"{rel}/{t.version}") for t in built]
        sites.append(site)
    pages = sites_pages(sites, _labels(corporate, data, langs))
    font_css, fonts = sites_fonts(pages, langs, faces(corporate.sections, corporate.data_dir),
                                  user_cache("fonts"))
    files: dict[str, str | bytes] = {**pages, "sites.css": SITES_CSS + font_css, **fonts}
    for site in sites[1:]:
        meta = site.meta
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


def build_layers(options: Any, folders: list[Path]) -> list[tuple[str, list[Tree], Site]]:
    """Build every layer (after the corporate handbook), in order of folders.

    A layer starts from the built project of the layer below (layerseed), so it waits for
    that one, in waves of -j processes (default: one per core), one layer per process and
    its languages one after the other. A wave with a core to spare takes a layer whose base
    is still to build too, seeded from its nearest built ancestor (it reads again the pages
    of both layers; the output is the same). The results come back in the order of
    folders, whatever finished first; a layer's error stops the build as it would alone,
    at its file and line."""
    global _GROUP
    workers = options.jobs if options.jobs > 0 else (os.cpu_count() or 1)
    data = options.paths.data.resolve()
    done: dict[Path, tuple[str, list[Tree], Site]] = {}
    waiting = {folder.resolve(): folder for folder in folders}
    _GROUP = options
    try:
        while waiting:
            wave = [(f, _base(f) or data) for f in waiting.values() if _base(f) not in waiting]
            if not wave:  # a loop of extends: the first one reports it when loaded
                wave = [(next(iter(waiting.values())), data)]
            for folder in waiting.values():
                if len(wave) >= workers:
                    break
                if all(folder is not f for f, _ in wave):
                    wave.append((folder, _nearest_built(folder, data, done)))
            if workers > 1 and len(wave) > 1:
                results = _in_pool(wave, min(workers, len(wave)), options.html)
            else:
                results = [_build_layer(folder, below) for folder, below in wave]
            for (folder, _), result in zip(wave, results, strict=True):
                done[folder.resolve()] = result
                del waiting[folder.resolve()]
    finally:
        _GROUP = None
    return [done[folder.resolve()] for folder in folders]


_GROUP: Any = None
"""The options of the group build the layer workers share (set before forking them)."""


def _nearest_built(folder: Path, data: Path, done: dict[Path, Any]) -> Path:
    """The closest folder below a layer whose build is done (at worst the corporate one)."""
    below = _base(folder)
    seen: set[Path] = set()
    while below is not None and below != data and below not in done and below not in seen:
        seen.add(below)
        below = _base(below)
    return below if below is not None and below in done else data


def _in_pool(wave: list[tuple[Path, Path]], workers: int, html: bool
             ) -> list[tuple[str, list[Tree], Site]]:
    import gc
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    from .html import preload_sphinx

    if html:
        preload_sphinx()  # imported once here, shared by every worker
    gc.freeze()  # what the forked workers share stays shared (see pipeline.build_prepared)
    try:
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) \
                as pool:
            return list(pool.map(_build_layer, *zip(*wave, strict=True), [True] * len(wave)))
    finally:
        gc.unfreeze()


def _build_layer(folder: Path, below: Path, alone: bool = False
                 ) -> tuple[str, list[Tree], Site]:
    """One layer's site under <work>/layers/<path>/, seeded from the built folder below
    (a worker of a pool runs its languages one after the other: alone)."""
    from .pipeline import build_prepared
    from .project import prepare
    from .versions import site_pages

    options = _GROUP
    if alone:
        options = dataclasses.replace(options, jobs=1)
    data = options.paths.data
    rel = folder.relative_to(data).as_posix()
    paths = _layer_paths(options, folder)
    prepared = prepare(folder, paths, options.languages, options.strict)
    version = prepared.handbook.meta.version
    base = options.paths if below == data.resolve() else _layer_paths(options, below)
    for lang in prepared.languages:
        seed(base.cache(version, lang), paths.cache(version, lang))
    built = build_prepared(prepared, options, paths, extra={
        "pages": {version: site_pages(prepared.handbook, False)}})
    return rel, built, Site(rel, prepared.handbook.meta, [t.lang for t in built if t.listed],
                            {lang: prepared.translated[lang].meta for lang in prepared.languages})


def _translated_meta(handbook: Any, options: Any, langs: list[str]) -> dict[str, Any]:
    """The corporate handbook's metadata in each language (its name on the sites pages)."""
    from .errors import Report
    from .i18n import HANDBOOK_DOMAIN, load_catalog, translate

    bare = dataclasses.replace(handbook, sections=[])  # the metadata is all it needs
    report = Report()
    return {lang: translate(bare, lang, load_catalog(options.paths, lang, [HANDBOOK_DOMAIN],
                                                     report, options.paths.work / "catalogs"))
            .meta for lang in langs}


def _labels(handbook: Any, data: Path, langs: list[str]) -> dict[str, dict[str, str]]:
    """The theme's labels in each language (the headings of the sites pages)."""
    from .errors import Report
    from .i18n import theme_labels
    from .paths import THEMES, theme_dir

    root = theme_dir(handbook.meta.theme, data)
    folders = [root] if root == THEMES / "handbook" else [root, THEMES / "handbook"]
    return {lang: theme_labels(folders, lang, Report()) for lang in langs}


def _layer_paths(options: Any, folder: Path) -> Paths:
    rel = folder.resolve().relative_to(options.paths.data.resolve()).as_posix()
    return Paths(folder, options.paths.work / "layers" / rel / "site")


def _base(folder: Path) -> Path | None:
    """The folder a layer extends (resolved), from the ``extends:`` line of its handbook.yaml
    as find_layers reads it (no YAML parse of untrusted data here: the layer's own build
    loads it safely and reports it, located); None if there is none. Only the order and the
    seeds depend on it, never the output."""
    text = (folder / "handbook.yaml").read_text(encoding="utf-8", errors="replace")
    for line in text.splitlines():
        if line.startswith("extends:"):
            value = line.removeprefix("extends:").split(" #")[0].strip().strip("'\"")
            return (folder / value).resolve() if value else None
    return None


def is_group(data: Path) -> bool:
    return bool(find_layers(data))
