"""A data folder -> a Prepared handbook: validated, its catalogs read and every language
translated, checked before anything is built; and BuildOptions, what one build is asked for.

The stages (site, PDFs, editions) take these; none of them imports the orchestrator,
pipeline.py, which runs them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .catalogs import release_ready, stats
from .errors import Problem, Report, UsageError
from .i18n import domains, theme_labels, translate
from .layerbuild import catalog_loader
from .log import logger, stage
from .paths import THEMES, Paths, theme_dir
from .validate import Handbook, load_handbook


@dataclass
class BuildOptions:
    paths: Paths
    languages: list[str] | None = None
    html: bool = True
    pdf: bool = True
    strict: bool = False
    audiences: list[str] | None = None
    paper: str | None = None
    bleed: float = 0.0
    duplex: bool = False
    """Print: chapters open on right-hand pages (blank versos where needed)."""
    print_shop: bool = False
    """Print: the print-shop variant (PDF/X-4, CMYK colours, crop marks with a bleed)."""
    all_versions: bool = False
    tag_pattern: str = "handbook-*"
    jobs: int = 0
    """Languages built at once; 0: chosen from the CPUs (see _jobs)."""
    wait: bool = False
    """Wait for another build writing to the same --out instead of stopping (exit 2)."""


@dataclass
class Prepared:
    """A validated handbook with everything each language needs, checked before any build."""

    handbook: Handbook
    languages: list[str]
    labels: dict[str, dict[str, str]]
    translated: dict[str, Handbook]
    listed: dict[str, bool]
    template_dirs: list[Path]
    theme_root: Path
    warnings: list[Problem] = field(default_factory=list)
    changes: Any = None
    """versions.Changes against the previous edition, for the PDF appendix."""


def prepare(data: Path, paths: Paths, languages: list[str] | None,
            strict: bool = False) -> Prepared:
    """Validate data and catalogs for the requested languages; raise on any content error."""
    with stage("validating " + str(data)):
        handbook, report = load_handbook(data, strict=strict)
    known = handbook.languages
    wanted = languages or known
    unknown = [lang for lang in wanted if lang not in known]
    if unknown:
        raise UsageError(f"unknown language {', '.join(unknown)}: expected one of "
                         f"{', '.join(known)} (handbook.yaml languages)")
    root = theme_dir(handbook.meta.theme, data)
    # a theme of the data folder replaces single files of the built-in one (see
    # html.theme_settings): its reST templates and labels come first, the built-in ones fill in
    layers = [root] if root == THEMES / "handbook" else [root, THEMES / "handbook"]
    template_dirs = [layer / "rst" for layer in layers]
    i18n_report = Report()
    labels: dict[str, dict[str, str]] = {}
    translated: dict[str, Handbook] = {}
    listed: dict[str, bool] = {}
    for lang in wanted:
        labels[lang] = theme_labels(layers, lang, i18n_report)
        if lang == handbook.meta.source_language:
            translated[lang] = translate(handbook, lang, None)
            listed[lang] = True
            continue
        before = len(i18n_report.errors)
        catalog = catalog_loader(handbook)(paths, lang, domains(handbook), i18n_report,
                                           paths.work / "catalogs")
        translated[lang] = translate(handbook, lang, catalog)
        if len(i18n_report.errors) > before:
            listed[lang] = False  # unreadable catalogs: the errors say so, not the gate
            continue
        ready, percent = release_ready(handbook, stats(handbook, catalog, lang))
        listed[lang] = ready
        if not ready:
            logger.warning("%s: %.1f%% of the required sections translated, release gate is "
                           "%d%%: built for preview only, left out of the language switcher "
                           "and the published PDFs", lang, percent,
                           handbook.meta.release.threshold)
    i18n_report.raise_if_errors("reading translations", strict=strict)
    for problem in report.problems + i18n_report.problems:
        logger.warning("%s", problem)
    return Prepared(handbook, list(wanted), labels, translated, listed, template_dirs, root,
                    report.problems + i18n_report.problems)
