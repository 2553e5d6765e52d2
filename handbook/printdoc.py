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
import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.writers.html5 import HTML5Translator

from . import __version__
from .errors import ContentError, Problem, Report, UsageError
from .fonts import Face, faces
from .html import (
    CONF_PY,
    DOCUTILS_CONF,
    LANGUAGE_NAMES,
    brand_css,
    run_sphinx,
    sphinx_conf,
    theme_settings,
)
from .i18n import theme_labels
from .paths import THEMES
from .printcss import (
    INTENT_CSS,
    chapter_css,
    cmyk_css,
    footer_css,
    output_intent,
    reference_css,
)
from .render import Renderer, rst_escape, sync_tree
from .safefs import read_asset

if TYPE_CHECKING:
    from .project import BuildOptions, Prepared
    from .validate import Handbook

PAPER_MM = {"A4": (210.0, 297.0), "A5": (148.0, 210.0), "Letter": (215.9, 279.4)}
_DEFAULT_MARGINS = (20.0, 22.0, 22.0, 18.0)  # top, bottom, inner, outer (mm) without a VI grid
_PLACEHOLDER = "HBPDFIDENTIFIER"
_SCRIPT = {"zh_CN": "hans", "zh_TW": "hant", "zh_HK": "hant"}
_STYLESHEETS = ["brand.css", "print.css", "print-page.css", "print-doc.css"]
_BAND_MM = 18.0  # height of the colour band at the foot of the cover

# --- page setup ----------------------------------------------------------------------------


@dataclass(frozen=True)
class PageSetup:
    """Paper, margins (mm; inner is the binding side) and bleed of the printed page."""

    paper: str
    top: float
    bottom: float
    inner: float
    outer: float
    bleed: float

    @classmethod
    def for_handbook(cls, handbook: Handbook, paper: str | None, bleed: float) -> PageSetup:
        """The VI grid's paper and margins, or A4; margins scale to another paper's width."""
        if not 0 <= bleed <= 20:  # also refuses nan
            raise UsageError(f"--bleed: expected 0 to 20 mm, got {bleed:g}")
        grid = next((s.grid for s in handbook.sections if s.grid), None)
        base_paper = grid.paper if grid else "A4"
        chosen = paper or base_paper
        if chosen not in PAPER_MM:
            raise UsageError(f"--paper: expected one of {', '.join(PAPER_MM)}, got {chosen}")
        margins = ((grid.margin_top_mm, grid.margin_bottom_mm, grid.margin_inner_mm,
                    grid.margin_outer_mm) if grid else _DEFAULT_MARGINS)
        scale = min(1.0, PAPER_MM[chosen][0] / PAPER_MM[base_paper][0])
        top, bottom, inner, outer = (round(m * scale, 1) for m in margins)
        return cls(chosen, top, bottom, inner, outer, bleed)


def _css_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def _counter_content(label: str) -> str:
    """'Page {page} of {pages}' -> a CSS content value with the page counters in place."""
    parts = []
    for piece in re.split(r"(\{page\}|\{pages\})", label):
        if piece == "{page}":
            parts.append("counter(page)")
        elif piece == "{pages}":
            parts.append("counter(pages)")
        elif piece:
            parts.append(_css_string(piece))
    return " ".join(parts)


def _font_files(face_map: dict[str, Face], scripts: list[str]) -> dict[str, Path]:
    """Target name -> source file of every font the documents declare."""
    files: dict[str, Path] = {}
    for script in scripts:
        face = face_map[script]
        for weight, path in (("400", face.regular), ("700", face.bold)):
            if path is None:
                continue
            if not path.is_file():
                raise ContentError(f"font file {path} for {face.family!r} not found: install "
                                   "weblate-fonts or fix typography.files in the VI section")
            files[f"{face.slug}-{weight}{path.suffix.lower()}"] = path
    return files


def _scripts(handbook: Handbook, lang: str) -> list[str]:
    """Scripts whose fonts a document needs: its own, the source language's, and Latin."""
    wanted = [_SCRIPT.get(lang, "latin"), _SCRIPT.get(handbook.meta.source_language, "latin"),
              "latin"]
    return [s for i, s in enumerate(wanted) if s not in wanted[:i]]


def page_css(handbook: Handbook, lang: str, labels: dict[str, str], setup: PageSetup,
             face_map: dict[str, Face], fonts: dict[str, Path], scripts: list[str]) -> str:
    """The per-build stylesheet: @page geometry, @font-face, font stacks, type scale, folios."""
    lines = [f"/* Written by the handbook tool for {lang}: paper {setup.paper}, "
             f"bleed {setup.bleed:g} mm. */"]
    for name in fonts:
        script = next(s for s in scripts if name.startswith(face_map[s].slug + "-"))
        weight = name.rsplit("-", 1)[1].split(".")[0]
        lines.append(f'@font-face {{ font-family: "{face_map[script].family}"; '
                     f'font-weight: {weight}; src: url("../../fonts/{name}"); }}')
    declared = tuple(face_map[s].family for s in scripts)

    def stack(script: str) -> str:
        face = face_map[script if script in scripts else scripts[0]]
        return face.stack(tuple(f for f in declared if f != face.family))

    page_script = _SCRIPT.get(lang, "latin")
    lines.append(f":root {{ --hb-font-latin: {stack('latin')}; --hb-font-hans: {stack('hans')}; "
                 f"--hb-font-hant: {stack('hant')}; }}")
    lines.append(f"html {{ font-family: {stack(page_script)}; }}")
    lines.append(f":lang(zh-CN), :lang(zh-Hans) {{ font-family: {stack('hans')}; }}")
    lines.append(f":lang(zh-TW), :lang(zh-HK), :lang(zh-Hant) {{ font-family: {stack('hant')}; }}")
    lines.append(f":lang(en) {{ font-family: {stack('latin')}; }}")
    lines.append(f"code, kbd, pre, .pre {{ font-family: {stack('latin')}; }}")
    sizes = {t.role: t for s in handbook.sections for t in s.type_scale}
    for role, selector in (("body", "html"), ("h1", "h1"), ("h2", "h2"), ("h3", "h3"),
                           ("small", ".hb-governance, .hb-applies, .hb-see-also"),
                           ("caption", ".hb-values, .hb-imprint-note")):
        if role in sizes:
            lines.append(f"{selector} {{ font-size: {sizes[role].size_pt:g}pt; "
                         f"line-height: {sizes[role].leading:g}; }}")
    if "body" not in sizes:
        lines.append("html { font-size: 10.5pt; line-height: 1.6; }")
    folio = _counter_content(labels.get("Page {page} of {pages}", "Page {page} of {pages}"))
    page = [f"size: {setup.paper}", f"margin: {setup.top:g}mm {setup.outer:g}mm "
            f"{setup.bottom:g}mm {setup.inner:g}mm"]
    if setup.bleed:
        page.append(f"bleed: {setup.bleed:g}mm")
    lines.append(f"@page {{ {'; '.join(page)}; }}")
    lines.append(f"@page :left {{ margin-left: {setup.outer:g}mm; margin-right: {setup.inner:g}mm;"
                 f" @bottom-left {{ content: {folio}; }} }}")
    lines.append(f"@page :right {{ margin-left: {setup.inner:g}mm; margin-right: "
                 f"{setup.outer:g}mm; @bottom-right {{ content: {folio}; }} }}")
    # The cover is page 1, a right-hand page; its colour band runs off three edges into
    # the bleed (WeasyPrint positions it from the page area, inside the margins).
    top, outer, bottom, inner = setup.top + 12, setup.outer + 4, setup.bottom + 30, \
        setup.inner + 4
    lines.append(f"@page hb-cover {{ margin: {top:g}mm {outer:g}mm {bottom:g}mm {inner:g}mm; }}")
    width = PAPER_MM[setup.paper][0] + 2 * setup.bleed
    lines.append(f'.hb-cover::after {{ content: ""; display: block; position: absolute; '
                 f"left: -{inner + setup.bleed:g}mm; width: {width:g}mm; "
                 f"bottom: -{bottom + setup.bleed:g}mm; height: {_BAND_MM + setup.bleed:g}mm; "
                 "background: var(--hb-primary); }")
    return "\n".join(lines) + "\n"


def _role_color(handbook: Handbook, role: str) -> str:
    for section in handbook.sections:
        for color in section.colors:
            if color.role == role:
                return color.hex
    return "#0B4F8A"


def _cmyk_css(handbook: Handbook) -> str:
    """Swatch chips in the print values (device-cmyk), after the screen ones in brand.css."""
    rules = []
    for section in handbook.sections:
        for color in section.colors:
            c, m, y, k = (v / 100 for v in color.cmyk)
            rules.append(f".swatch-{color.id} .hb-chip {{ background: "
                         f"device-cmyk({c:g} {m:g} {y:g} {k:g}); }}")
    return "\n".join(rules) + ("\n" if rules else "")


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
    scripts = _scripts(handbook, lang)
    fonts = _font_files(face_map, scripts)
    html_root = cache / "print-html"
    _install_fonts(html_root / "fonts", fonts)
    static: dict[str, str | bytes] = {
        "_static/brand.css": _brand_colors(handbook, face_map, lang) + _cmyk_css(handbook),
        "_static/print-page.css": page_css(handbook, lang, labels, setup, face_map, fonts,
                                           scripts)
        + reference_css(labels) + chapter_css(options.duplex)
        + (cmyk_css([(c.role, c.id, tuple(c.cmyk)) for s in handbook.sections
                     for c in s.colors], setup.bleed) if options.print_shop else ""),
    }
    if options.print_shop and (intent := output_intent(handbook, problems)):
        static.update(intent)
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


def _brand_colors(handbook: Handbook, face_map: dict[str, Face], lang: str) -> str:
    """brand.css without its web fonts: the print documents declare their own."""
    css = brand_css(handbook, face_map, lang)
    return "".join(line for line in css.splitlines(keepends=True)
                   if not line.startswith("@font-face"))


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
