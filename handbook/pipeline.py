"""One build: validate -> translate -> Sphinx site and PDFs per language -> publish."""

from __future__ import annotations

import gc
import os
import tempfile
import time
from pathlib import Path
from typing import Any

from .errors import ContentError, Problem, sorted_problems, summary
from .html import SiteInfo, build_site, preload_sphinx
from .log import logger, stage
from .paths import Paths, user_cache
from .project import BuildOptions, Prepared, prepare
from .publish import Tree, current_release, publish, read_versions
from .validate import Handbook
from .workarea import build_lock, cache_guard, check_out


def build(options: BuildOptions) -> list[Tree]:
    """Build what options ask for from options.paths.data, publish it, return the trees.

    --out is checked first, and the build holds its work folder's lock from before its first
    write to after the switch, so the published site is always one build's whole output.
    """
    check_out(options.paths)
    with build_lock(options.paths, options.wait):
        return build_locked(options)


def build_locked(options: BuildOptions) -> list[Tree]:
    """build() for a caller that has checked --out and holds its lock (a group build)."""
    start = time.perf_counter()
    paths = options.paths
    if options.all_versions:
        from .versions import build_all_versions

        return build_all_versions(options, build_prepared)
    prepared = prepare(paths.data, paths, options.languages, options.strict)
    from .versions import changes_between, previous_edition, site_pages

    with tempfile.TemporaryDirectory(prefix="handbook-previous-") as tmp:
        previous = previous_edition(options, prepared.handbook, Path(tmp))
        changes = changes_between(previous, prepared) if previous else None
        known = read_versions(current_release(paths))
        version = prepared.handbook.meta.version
        pages = {v["name"]: v.get("pages", []) for v in known}
        pages[version] = site_pages(prepared.handbook, changes is not None)
        trees = build_prepared(prepared, options, paths,
                               extra={"pages": pages, "changes": changes})
    meta = prepared.handbook.meta
    publish(paths, trees, {meta.version: version_meta(prepared.handbook)}, meta.source_language)
    made = [f"{len(trees)} language{'s' if len(trees) != 1 else ''}"]
    if options.html:
        made.append(f"{sum(len(list(t.html.rglob('*.html'))) for t in trees if t.html)} "
                    "HTML pages")
    if options.pdf:
        made.append(f"{sum(len(list(t.pdf.glob('*.pdf'))) for t in trees if t.pdf)} PDFs")
    logger.info("build succeeded: %s %s, %s in %.1f s -> %s",
                meta.organisation.short_name or meta.organisation.name, meta.version,
                ", ".join(made), time.perf_counter() - start, paths.out / meta.version)
    return trees


def version_meta(handbook: Handbook) -> dict[str, Any]:
    from .versions import site_pages

    meta = handbook.meta
    return {"effective": meta.effective.isoformat(), "title": str(meta.title),
            "pages": site_pages(handbook, True)}


def build_prepared(prepared: Prepared, options: BuildOptions, paths: Paths,
                   site_versions: list[dict[str, Any]] | None = None,
                   latest: str | None = None, extra: dict[str, Any] | None = None) -> list[Tree]:
    """Build the HTML site and PDFs of every prepared language into the cache."""
    handbook = prepared.handbook
    version = handbook.meta.version
    listed_langs = [lang for lang in handbook.languages
                    if lang in prepared.listed and prepared.listed[lang]] or prepared.languages
    if site_versions is None:
        previous = read_versions(current_release(paths))
        site_versions = _switcher_versions(previous, version)
    latest = latest or (site_versions[0]["name"] if site_versions else version)
    prepared.changes = (extra or {}).get("changes")
    jobs = _jobs(options, len(prepared.languages))
    sites = {
        lang: SiteInfo(version=version, lang=lang, languages=listed_langs,
                       versions=site_versions, latest=latest,
                       pdf="handbook.pdf" if prepared.listed[lang] and (
                           options.pdf or _has_pdf(paths, version, lang)) else None,
                       pages=(extra or {}).get("pages", {}), changes=prepared.changes,
                       onboarding=_onboarding(paths, options, handbook, version, lang)
                       if prepared.listed[lang] else [])
        for lang in prepared.languages
    }
    saved_epoch = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = str(_epoch(handbook))
    global _JOB
    _JOB = (prepared, options, paths, sites)
    try:
        if jobs > 1:
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            if options.html:
                preload_sphinx()  # imported once here, shared by every worker

            # fork: the workers inherit the prepared handbook instead of unpickling it;
            # they are not daemons, so the PDF stage may start layout workers of its own.
            # Frozen, what they inherit is never walked by their garbage collector, which
            # would write to every object and so copy the pages the workers share.
            gc.freeze()
            try:
                with ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("fork")) \
                        as pool:
                    results = list(pool.map(_build_language, prepared.languages))
            finally:
                gc.unfreeze()
        else:
            results = [_build_language(lang) for lang in prepared.languages]
    finally:
        _JOB = None
        if saved_epoch is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)
        else:
            os.environ["SOURCE_DATE_EPOCH"] = saved_epoch
    trees = [tree for tree, _ in results]
    problems: list[Problem] = [p for _, found in results for p in found]
    for problem in problems:
        logger.warning("%s", problem)
    if problems and options.strict:
        raise ContentError(summary("build (--strict)", problems), sorted_problems(problems))
    return trees


_JOB: tuple[Prepared, BuildOptions, Paths, dict[str, SiteInfo]] | None = None
"""The build the language workers share (set before forking them)."""


def _jobs(options: BuildOptions, languages: int) -> int:
    """Language workers: -j, else one per CPU; an HTML-only build of up to twice as many
    languages as CPUs starts one per language, so no language runs alone at the end while
    a CPU idles (3 languages on 2 CPUs: 1.5 rounds instead of 2). PDF builds keep one per
    CPU: each lays out its documents in processes of its own."""
    if options.jobs > 0:
        return min(options.jobs, languages)
    cpus = os.cpu_count() or 1
    if not options.pdf and languages <= 2 * cpus:
        return languages
    return max(1, min(languages, cpus))


def _epoch(handbook: Handbook) -> int:
    """SOURCE_DATE_EPOCH: the edition's effective date, so equal input gives equal bytes."""
    import calendar

    return calendar.timegm(handbook.meta.effective.timetuple())


def _build_language(lang: str) -> tuple[Tree, list[Problem]]:
    """Build one language's site and PDFs into its cache folder (runs in a worker)."""
    assert _JOB is not None
    prepared, options, paths, sites = _JOB
    version = prepared.handbook.meta.version
    cache = paths.cache(version, lang)
    site = sites[lang]
    problems: list[Problem] = []
    html_dir = pdf_dir = None
    with cache_guard(cache):  # a build killed in here leaves it marked: rebuilt from nothing
        if options.html:
            with stage(f"building HTML ({lang}, {version})"):
                html_dir, found = build_site(
                    prepared.translated[lang], lang, prepared.labels[lang],
                    prepared.template_dirs, prepared.theme_root, site, cache,
                    user_cache("fonts"), 1, source=prepared.handbook)
            problems += found
        if options.pdf:
            from .pdf import build_pdfs

            with stage(f"building PDF ({lang}, {version})"):
                pdf_dir, found = build_pdfs(prepared, lang, options, cache, user_cache("fonts"))
            problems += found
    return Tree(version, lang, html_dir, pdf_dir, prepared.listed[lang]), problems


def _has_pdf(paths: Paths, version: str, lang: str, name: str = "handbook.pdf") -> bool:
    """Whether the published site already has this PDF of the language (an html-only build)."""
    release = current_release(paths)
    return release is not None and (release / version / lang / "pdf" / name).is_file()


def _onboarding(paths: Paths, options: BuildOptions, handbook: Handbook, version: str,
                lang: str) -> list[str]:
    """Audiences whose onboarding manual the published site will have: those this build
    makes, or for an HTML-only build those the published site already has."""
    known = [a.id for a in handbook.meta.audiences]
    if options.pdf:
        return [a for a in known if options.audiences is None or a in options.audiences]
    return [a for a in known if _has_pdf(paths, version, lang, f"onboarding-{a}.pdf")]


def _switcher_versions(previous: list[dict[str, Any]], version: str) -> list[dict[str, Any]]:
    names = {v["name"] for v in previous} | {version}
    from .publish import _version_key

    ordered = sorted(names, key=_version_key, reverse=True)
    return [{"name": n, "latest": i == 0} for i, n in enumerate(ordered)]
