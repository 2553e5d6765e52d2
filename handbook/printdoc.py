"""Translated handbook -> the Sphinx projects of its print documents, built to print HTML.

One language gives ``handbook`` and ``onboarding-<audience>`` per audience. Each document
is a Sphinx project of its own under ``<cache>/print-src/<name>/`` (labels are global in a
project, and every document repeats the rules it shares), built with the ``html`` builder
and the ``print`` theme into ``<cache>/print-html/<name>/``, with the brand's font files
beside the documents; :mod:`handbook.pdf` lays that HTML out.

- The page setup (paper, margins, bleed) comes from the VI grid, and the per-build
  stylesheet declares the fonts, the type scale and the folios.
- The same input gives the same HTML: the dates come from the edition's effective date and
  the printed identifier from the content.
- This module is also the Sphinx extension of the print projects: it moves each section's
  id onto its heading, so a link (and the table of contents' page number) lands on the
  page the heading is on, never on the page before a break.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.writers.html5 import HTML5Translator

from . import __version__
from .errors import Problem, Report, UsageError
from .fonts import faces
from .html import (
    CONF_PY,
    DOCUTILS_CONF,
    LANGUAGE_NAMES,
    run_sphinx,
    sphinx_conf,
    theme_settings,
)
from .i18n import theme_labels
from .intent import find_intent
from .paths import THEMES
from .printcss import (
    INTENT_CSS,
    PageSetup,
    brand_cmyk_css,
    brand_colors,
    chapter_css,
    cmyk_css,
    font_files,
    footer_css,
    page_css,
    reference_css,
    scripts_of,
)
from .render import Renderer
from .rst import rst_escape, sync_tree
from .safefs import read_asset

if TYPE_CHECKING:
    from .project import BuildOptions, Prepared
    from .validate import Handbook

_PLACEHOLDER = "HBPDFIDENTIFIER"
_STYLESHEETS = ["brand.css", "print.css", "print-page.css", "print-doc.css"]


# --- print documents -----------------------------------------------------------------------


@dataclass(frozen=True)
class PrintDoc:
    """One PDF to build: its Sphinx project files and what WeasyPrint writes into it."""

    name: str
    files: dict[str, str | bytes]
    identifier: str
    """Short content hash printed on the document (imprint, acknowledgement page)."""
    file_id: bytes
    """The PDF's /ID: the content and the page setup."""


def print_labels(prepared: Prepared, lang: str) -> tuple[dict[str, str], list[Problem]]:
    """Theme labels for print: the site theme's catalog over the print theme's own
    (<theme>/print/locales/<lang>/LC_MESSAGES/theme.po: covers, folios, acknowledgement)."""
    report = Report()
    own = theme_labels([prepared.theme_root / "print", THEMES / "handbook" / "print"], lang,
                       report)
    return {**own, **prepared.labels[lang]}, report.problems


def _audiences(handbook: Handbook, wanted: list[str] | None) -> list[str]:
    known = [a.id for a in handbook.meta.audiences]
    unknown = [a for a in wanted or [] if a not in known]
    if unknown:
        raise UsageError(f"--audience: unknown audience {', '.join(unknown)}: expected one of "
                         f"{', '.join(known)} (handbook.yaml audiences)")
    return [a for a in known if wanted is None or a in wanted]


def _assets(handbook: Handbook) -> dict[str, bytes]:
    """Images the documents show: the organisation's logo and the VI logo files."""
    names = []
    if handbook.meta.organisation.logo:
        names.append(handbook.meta.organisation.logo)
    for section in handbook.sections:
        if section.logo:
            names += [section.logo.file, *(v.file for v in section.logo.variants)]
    return {"_assets/" + n.removeprefix("assets/"): read_asset(handbook.data_dir, n)
            for n in dict.fromkeys(names)}


def _metadata(handbook: Handbook, lang: str, labels: dict[str, str], name: str) -> dict[str, Any]:
    """What the print layout puts in <head>, and WeasyPrint into the PDF's metadata."""
    meta = handbook.meta
    title = str(meta.title)
    subject = str(meta.subtitle or meta.title)
    keywords = [str(meta.organisation.short_name or meta.organisation.name), title, meta.version]
    kind = "handbook"
    if name.startswith("onboarding-"):
        kind = "onboarding"
        audience = next(a for a in meta.audiences if f"onboarding-{a.id}" == name)
        manual = labels.get("Onboarding manual", "Onboarding manual")
        title = f"{title} · {manual} · {audience.name}"
        subject = f"{manual} · {audience.name}"
        keywords.append(str(audience.name))
    keywords += [str(s.title) for s in handbook.sections]
    stamp = f"{meta.effective.isoformat()}T00:00:00+00:00"
    return {"lang": lang.replace("_", "-"), "title": title,
            "author": str(meta.organisation.name), "subject": subject,
            "keywords": [" ".join(k.replace(",", " ").split()) for k in keywords],
            "generator": f"handbook {__version__}", "created": stamp, "kind": kind,
            "stylesheets": _STYLESHEETS}


def print_docs(handbook: Handbook, lang: str, labels: dict[str, str], prepared: Prepared,
               audiences: list[str], setup: PageSetup,
               static: dict[str, str | bytes]) -> list[PrintDoc]:
    """The Sphinx project of every print document of one language."""
    meta = handbook.meta
    renderer = Renderer(handbook, lang, labels, prepared.template_dirs)
    assets = _assets(handbook)
    theme, theme_static = theme_settings(prepared.theme_root, "print")
    logo = ("/_assets/" + meta.organisation.logo.removeprefix("assets/")
            if meta.organisation.logo else None)
    extra: dict[str, Any] = {
        "pdf_id": _PLACEHOLDER, "logo": logo,
        "language_name": rst_escape(LANGUAGE_NAMES.get(lang, lang)),
        "has_appendix": prepared.changes is not None, "answer_keys_in_appendix": True,
    }
    if prepared.changes is not None:  # "Changes in this edition", from the same diff
        changes = prepared.changes
        extra.update(renderer.changes_context(
            changes.source, changes.by_lang.get(lang, changes.source), changes.old_version))
        extra["changes_prefix"] = "appendix-changes"
    sources = renderer.print_pages(audiences, extra)
    digest = hashlib.sha256()
    for rel in sorted(assets):
        digest.update(rel.encode() + b"\0" + hashlib.sha256(assets[rel]).digest())
    docs = []
    for name, rst in sources.items():
        content = digest.copy()
        content.update(rst.encode("utf-8"))
        full = content.hexdigest().upper()
        identifier = f"{full[:4]}-{full[4:8]}-{full[8:12]}"
        file_id = hashlib.sha256(f"{full} {setup}".encode()).hexdigest()[:32].encode()
        hb_site = {"org": str(meta.organisation.short_name or meta.organisation.name),
                   "title": str(meta.title), "version": meta.version, "lang": lang}
        conf = sphinx_conf(handbook, lang, labels, prepared.theme_root, "print", hb_site)
        conf.update(theme)
        conf.update({
            "root_doc": name,
            "extensions": [*conf["extensions"], "handbook.printdoc"],
            "html_permalinks": False,
            "html_context": {"hb_print": _metadata(handbook, lang, labels, name)},
            "html_search_options": {},
        })
        if name != "handbook":  # an onboarding manual has no glossary to link to
            conf["hb_terms"] = []
        files: dict[str, str | bytes] = {**assets, **theme_static, **static}
        files[f"{name}.rst"] = rst.replace(_PLACEHOLDER, identifier)
        files["_static/print-doc.css"] = footer_css(labels, meta.classification,
                                                    meta.version, identifier)
        files["handbook-conf.json"] = json.dumps(conf, ensure_ascii=False, indent=1,
                                                 sort_keys=True)
        files["conf.py"] = CONF_PY
        files["docutils.conf"] = DOCUTILS_CONF
        docs.append(PrintDoc(name, files, identifier, file_id))
    return docs


# --- the projects -----------------------------------------------------------------------------


def _install_fonts(folder: Path, fonts: dict[str, Path]) -> None:
    """Copy the font files beside the documents (only when they changed)."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, source in fonts.items():
        target = folder / name
        stat = source.stat()
        if target.is_file() and target.stat().st_size == stat.st_size \
                and target.stat().st_mtime_ns == stat.st_mtime_ns:
            continue
        tmp = target.with_name(name + ".tmp")
        shutil.copy2(source, tmp)
        tmp.replace(target)
    for stale in folder.iterdir():
        if stale.name not in fonts:
            stale.unlink()


def print_projects(prepared: Prepared, lang: str, options: BuildOptions, cache: Path
                   ) -> tuple[list[PrintDoc], Path, list[Problem]]:
    """Every print document of one language as a Sphinx project, and its font files.

    Returns the documents, the folder their HTML goes to (<name>/<name>.html, with the
    fonts beside them: the only folder WeasyPrint may read), and the problems found.
    """
    handbook = prepared.translated[lang]
    labels, problems = print_labels(prepared, lang)
    audiences = _audiences(handbook, options.audiences)
    setup = PageSetup.for_handbook(handbook, options.paper, options.bleed)
    face_map = faces(handbook.sections, handbook.data_dir)
    scripts = scripts_of(handbook, lang)
    fonts = font_files(face_map, scripts)
    html_root = cache / "print-html"
    _install_fonts(html_root / "fonts", fonts)
    static: dict[str, str | bytes] = {
        "_static/brand.css": brand_colors(handbook, face_map, lang) + brand_cmyk_css(handbook),
        "_static/print-page.css": page_css(handbook, lang, labels, setup, face_map, fonts,
                                           scripts)
        + reference_css(labels) + chapter_css(options.duplex)
        + (cmyk_css([(c.role, c.id, tuple(c.cmyk)) for s in handbook.sections
                     for c in s.colors], setup.bleed) if options.print_shop else ""),
    }
    if options.print_shop:
        static["_static/output-intent.icc"] = find_intent(handbook.data_dir).data
        static["_static/print-page.css"] = str(static["_static/print-page.css"]) + INTENT_CSS
    docs = print_docs(handbook, lang, labels, prepared, audiences, setup, static)
    return docs, html_root, problems


def build_html(doc: PrintDoc, cache: Path, html_root: Path) -> list[Problem]:
    """Write one document's Sphinx project (only files that changed) and build its HTML."""
    srcdir = cache / "print-src" / doc.name
    sync_tree(srcdir, doc.files)
    return run_sphinx(srcdir, html_root / doc.name, cache / "print-doctrees" / doc.name, "html")


def build_print_html(prepared: Prepared, lang: str, options: BuildOptions, cache: Path
                     ) -> tuple[list[PrintDoc], Path, list[Problem]]:
    """print_projects, with every document's HTML built."""
    docs, html_root, problems = print_projects(prepared, lang, options, cache)
    for doc in docs:
        problems += build_html(doc, cache, html_root)
    return docs, html_root, problems




# --- Sphinx extension of the print projects ------------------------------------------------


class PrintTranslator(HTML5Translator):
    """HTML for print: a section's ids go on its heading instead of on <section>.

    A <section> can begin on the page before a forced break while its heading opens the
    next one, so a link to it would name the wrong page.
    """

    def visit_section(self, node: nodes.section) -> None:
        ids, node["ids"] = node["ids"], []
        super().visit_section(node)
        node["ids"] = ids

    def visit_title(self, node: nodes.title) -> None:
        if isinstance(node.parent, nodes.section) and not node["ids"]:
            node["ids"] = list(node.parent["ids"])
        super().visit_title(node)


def _no_search(app: Sphinx) -> None:
    # A PDF has no search page: skip the index (and the word segmenter it loads).
    app.builder.search = False  # type: ignore[attr-defined]


def setup(app: Sphinx) -> dict[str, Any]:
    """Sphinx entry point: the print projects list this module in their extensions."""
    app.set_translator("html", PrintTranslator, override=True)
    app.connect("builder-inited", _no_search)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
