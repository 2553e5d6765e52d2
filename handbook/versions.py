"""Git tags -> every edition rebuilt from its own data with today's templates, in one tree.

Like sphinx-multiversion: each tag named like ``handbook-2026.1`` is read straight from git
(the working tree is never touched), validated and built with the current theme into
``<out>/<version>/<lang>/``; the working tree's edition is built too. Every edition gets a
"What changed" page against the edition before it.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import ContentError, HandbookError, UsageError
from .gitsrc import export_ref, find_repo, list_tags
from .log import logger, stage
from .paths import Paths
from .publish import Tree, _version_key, publish

if TYPE_CHECKING:
    from .diff import Diff
    from .project import BuildOptions, Prepared
    from .validate import Handbook


@dataclass
class Edition:
    """One edition to build: where its data came from and its prepared handbook."""

    label: str
    data: Path
    prepared: Prepared

    @property
    def version(self) -> str:
        return self.prepared.handbook.meta.version


@dataclass(frozen=True)
class Changes:
    """What changed in an edition: the source-language diff, and one per built language."""

    old_version: str
    source: Diff
    by_lang: dict[str, Diff]


def changes_between(old: Prepared, new: Prepared) -> Changes:
    """Rule-level changes, decided on the source language, shown in every language."""
    from .diff import diff_handbooks  # only editions with a predecessor need it

    source = diff_handbooks(old.handbook, new.handbook)
    by_lang = {}
    for lang in new.languages:
        before = old.translated.get(lang, old.handbook)
        by_lang[lang] = diff_handbooks(before, new.translated[lang])
    return Changes(old.handbook.meta.version, source, by_lang)


def site_pages(handbook: Handbook, has_changes: bool) -> list[str]:
    """The docnames an edition's site has, for the version switcher."""
    pages = ["index", "search", *(s.id for s in handbook.sections)]
    pages += [f"for-{a.id}" for a in handbook.meta.audiences]
    if handbook.glossary is not None:
        pages.append("glossary")
    if any(s.forms for s in handbook.sections):
        pages.append("forms")
    if has_changes:
        pages.append("changes")
    if handbook.provenance is not None:
        pages.append("local-rules")
    return pages


def previous_edition(options: BuildOptions, handbook: Handbook,
                     tmp: Path) -> Prepared | None:
    """The newest tagged edition older than handbook, when the data folder is in git."""
    from .project import prepare

    try:
        repo, sub = find_repo(options.paths.data)
    except UsageError:
        return None
    current = _version_key(handbook.meta.version)
    older: list[tuple[tuple[int, ...], str]] = []
    for tag, _ in list_tags(repo, options.tag_pattern):
        name = _tag_version(tag, options.tag_pattern)
        if name and _version_key(name) < current:
            older.append((_version_key(name), tag))
    if not older:
        return None
    tag = max(older)[1]
    folder = tmp / tag / "data"
    paths = Paths(folder, options.paths.out)
    langs = [lang for lang in (options.languages or handbook.languages)]
    try:
        export_ref(repo, tag, sub, folder)
        with stage(f"reading edition {tag} for the changes page"):
            old = prepare(folder, paths, None, strict=False)
    except HandbookError as exc:
        left_out(tag, sub, folder, exc, "the site has no changes page", options.strict)
        return None
    old.languages = [lang for lang in langs if lang in old.handbook.languages]
    return old


def left_out(tag: str, sub: str, folder: Path, exc: HandbookError, what: str,
             strict: bool) -> None:
    """An old edition that does not build: a warning naming its tag (ContentError if strict).

    Its problems name its files as ``tag:folder/file`` (the temporary copy is gone by the
    time anyone reads them).
    """
    where = f"{tag}:{sub.strip('/') or '.'}"
    problems = [replace(p, location=replace(p.location, path=p.location.path.replace(
        str(folder), where))) for p in exc.problems]
    first = str(problems[0]) if problems else str(exc).replace(str(folder), where)
    more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
    if strict:
        raise ContentError(f"edition {tag} does not build (--strict)", problems or None) \
            from None
    logger.warning("WARNING: edition %s does not build, %s: %s%s", tag, what, first, more)


def _tag_version(tag: str, pattern: str) -> str:
    prefix = pattern.split("*", 1)[0]
    return tag[len(prefix):] if tag.startswith(prefix) else ""


BuildEdition = Callable[..., list[Tree]]
"""pipeline.build_prepared: builds one prepared edition's languages (passed in, so that this
stage does not import the orchestrator that runs it)."""


def build_all_versions(options: BuildOptions, build_edition: BuildEdition) -> list[Tree]:
    """Build every tagged edition and the working tree's, then publish them together."""
    from .project import prepare

    repo, sub = find_repo(options.paths.data)
    tags = list_tags(repo, options.tag_pattern)
    with tempfile.TemporaryDirectory(prefix="handbook-versions-") as tmp_name:
        tmp = Path(tmp_name)
        editions: dict[str, Edition] = {}
        for tag, _ in tags:
            folder = tmp / tag / "data"
            try:
                export_ref(repo, tag, sub, folder)
                with stage(f"validating edition {tag}"):
                    prepared = prepare(folder, Paths(folder, options.paths.out),
                                       _langs(options, folder), options.strict)
            except HandbookError as exc:
                left_out(tag, sub, folder, exc, "left out of the site", options.strict)
                continue
            editions[prepared.handbook.meta.version] = Edition(tag, folder, prepared)
        current = prepare(options.paths.data, options.paths, options.languages, options.strict)
        version = current.handbook.meta.version
        if version in editions:
            logger.info("edition %s: the working tree replaces tag %s", version,
                        editions[version].label)
        editions[version] = Edition("working tree", options.paths.data, current)
        while True:  # an old edition that fails to build is left out, the others rebuilt
            ordered = sorted(editions.values(), key=lambda e: _version_key(e.version))
            try:
                trees = _build_editions(ordered, options, build_edition)
                break
            except _EditionFailed as failed:
                edition = failed.edition
                if edition.data == options.paths.data:
                    raise failed.error from None
                left_out(edition.label, sub, edition.data, failed.error,
                         "left out of the site", options.strict)
                del editions[edition.version]
        meta = {e.version: {"effective": e.prepared.handbook.meta.effective.isoformat(),
                            "title": str(e.prepared.handbook.meta.title), "source": e.label}
                for e in ordered}
        publish(options.paths, trees, meta, current.handbook.meta.source_language)
    logger.info("built %d editions: %s", len(ordered), ", ".join(e.version for e in ordered))
    return trees


class _EditionFailed(Exception):
    def __init__(self, edition: Edition, error: HandbookError) -> None:
        super().__init__(str(error))
        self.edition, self.error = edition, error


def _build_editions(ordered: list[Edition], options: BuildOptions,
                    build_edition: BuildEdition) -> list[Tree]:
    """Build editions (oldest first), each with the others in its switcher."""
    changes: dict[str, Changes] = {}
    for before, after in zip(ordered, ordered[1:], strict=False):
        changes[after.version] = changes_between(before.prepared, after.prepared)
    latest = ordered[-1].version
    switcher = [{"name": e.version, "latest": e.version == latest} for e in reversed(ordered)]
    pages = {e.version: site_pages(e.prepared.handbook, e.version in changes) for e in ordered}
    trees: list[Tree] = []
    for edition in ordered:
        paths = Paths(edition.data, options.paths.out)
        try:
            trees += build_edition(edition.prepared, options, paths, switcher, latest,
                                    {"pages": pages, "changes": changes.get(edition.version)})
        except HandbookError as exc:
            raise _EditionFailed(edition, exc) from None
    return trees


def _langs(options: BuildOptions, folder: Path) -> list[str] | None:
    """The requested languages an old edition has (an old one may lack a newer language)."""
    if not options.languages:
        return None
    from .errors import Report
    from .load import load_yaml

    # like every data file: no link, no pipe, bounded; prepare() reports what is wrong
    doc = load_yaml(folder / "handbook.yaml", "handbook.yaml", Report(), folder)
    meta: Any = doc.data if doc is not None and isinstance(doc.data, dict) else {}
    languages = meta.get("languages")
    known = {meta.get("source_language"), *(languages if isinstance(languages, list) else [])}
    return [lang for lang in options.languages if lang in known] or None
