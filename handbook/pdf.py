"""Translated handbook -> print documents (reST -> Sphinx HTML, print theme) -> PDF by WeasyPrint.

One language gives ``handbook.pdf`` and ``onboarding-<audience>.pdf`` per audience. Each
document is a Sphinx project of its own under ``<cache>/print-src/<name>/`` (labels are
global in a project, and every document repeats the rules it shares), built with the
``html`` builder and the ``print`` theme, then laid out through WeasyPrint's Python API
(``HTML(...).render().write_pdf()``), one document per worker process when several CPUs
are free: WeasyPrint is single-threaded.

- WeasyPrint reads only files under ``<cache>/print-html/`` and ``data:`` URLs; anything
  else stops the build with an error naming the URL (:class:`BuildDirFetcher`).
- The brand's font files are copied beside the documents and declared with ``@font-face``;
  WeasyPrint embeds a subset of each.
- The same input gives byte-identical PDFs: the dates come from the edition's effective
  date and the file identifier from the content.
- This module is also the Sphinx extension of the print projects: it moves each section's
  id onto its heading, so a link (and the table of contents' page number) lands on the
  page the heading is on, never on the page before a break.
"""

from __future__ import annotations

import hashlib
import json
import logging
import mimetypes
import os
import re
import shutil
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit
from urllib.request import url2pathname

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.writers.html5 import HTML5Translator
from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

from . import __version__
from .errors import ContentError, Location, Problem, Report, UsageError
from .fonts import Face, faces
from .html import CONF_PY, DOCUTILS_CONF, LANGUAGE_NAMES, brand_css, run_sphinx, sphinx_conf
from .i18n import theme_labels
from .log import logger
from .paths import THEMES
from .render import Renderer, rst_escape, sync_tree

if TYPE_CHECKING:
    from .pipeline import BuildOptions, Prepared
    from .validate import Handbook

PAPER_MM = {"A4": (210.0, 297.0), "A5": (148.0, 210.0), "Letter": (215.9, 279.4)}
_DEFAULT_MARGINS = (20.0, 22.0, 22.0, 18.0)  # top, bottom, inner, outer (mm) without a VI grid
_PLACEHOLDER = "HBPDFIDENTIFIER"
_SCRIPT = {"zh_CN": "hans", "zh_TW": "hant", "zh_HK": "hant"}
_STYLESHEETS = ["brand.css", "print.css", "print-page.css"]
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
        if bleed < 0 or bleed > 20:
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
                 f"background: {_role_color(handbook, 'primary')}; }}")
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
    return {"_assets/" + n.removeprefix("assets/"): (handbook.data_dir / n).read_bytes()
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
               static: dict[str, str]) -> list[PrintDoc]:
    """The Sphinx project of every print document of one language."""
    meta = handbook.meta
    renderer = Renderer(handbook, lang, labels, prepared.template_dirs)
    assets = _assets(handbook)
    logo = ("/_assets/" + meta.organisation.logo.removeprefix("assets/")
            if meta.organisation.logo else None)
    extra: dict[str, Any] = {
        "pdf_id": _PLACEHOLDER, "logo": logo,
        "language_name": rst_escape(LANGUAGE_NAMES.get(lang, lang)),
        "has_appendix": prepared.changes is not None,
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
        conf.update({
            # a theme of the data folder may leave the print theme to the built-in one
            "html_theme_path": list(dict.fromkeys([str(prepared.theme_root),
                                                   str(THEMES / "handbook")])),
            "root_doc": name,
            "extensions": [*conf["extensions"], "handbook.pdf"],
            "html_permalinks": False,
            "html_context": {"hb_print": _metadata(handbook, lang, labels, name)},
            "html_search_options": {},
        })
        files: dict[str, str | bytes] = {**assets, **static}
        files[f"{name}.rst"] = rst.replace(_PLACEHOLDER, identifier)
        files["handbook-conf.json"] = json.dumps(conf, ensure_ascii=False, indent=1,
                                                 sort_keys=True)
        files["conf.py"] = CONF_PY
        files["docutils.conf"] = DOCUTILS_CONF
        docs.append(PrintDoc(name, files, identifier, file_id))
    return docs


# --- WeasyPrint ----------------------------------------------------------------------------


class FetchRefused(FatalURLFetchingError):  # type: ignore[misc]  # weasyprint is untyped
    """WeasyPrint asked for something outside the print build folder."""


class BuildDirFetcher(URLFetcher):  # type: ignore[misc]  # weasyprint is untyped
    """A WeasyPrint URL fetcher that reads files under one folder and data: URLs, nothing else.

    Everything else (http:, ftp:, a file elsewhere, a missing file) raises
    :class:`FetchRefused`, which stops the rendering: the build fails closed.
    """

    def __init__(self, root: Path) -> None:
        super().__init__(allowed_protocols=["data"], fail_on_errors=True)
        self.root = root.resolve()

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        scheme = url.split(":", 1)[0].lower()
        if scheme == "data":
            return super().fetch(url, headers)
        if scheme == "file":
            path = Path(url2pathname(urlsplit(url).path)).resolve()
            if not path.is_relative_to(self.root):
                raise FetchRefused(f"refused to fetch {url}: only files under {self.root} "
                                   "and data: URLs may be read while laying out the PDF")
            if not path.is_file():
                raise FetchRefused(f"cannot fetch {url}: no such file in the print build")
            kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": kind})
        raise FetchRefused(f"refused to fetch {url}: only files under {self.root} and data: "
                           "URLs may be read while laying out the PDF")


class _Collect(logging.Handler):
    """Keeps WeasyPrint's warnings so they become build problems, not stray stderr lines."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def write_pdf(html: Path, target: Path, root: Path, file_id: bytes,
              font_config: Any = None) -> tuple[int, list[Problem]]:
    """Lay out one print HTML file into target; return its page count and the warnings.

    Raises ContentError when WeasyPrint asks for anything outside root.
    """
    import weasyprint

    collect = _Collect()
    wp_logger = logging.getLogger("weasyprint")
    propagate = wp_logger.propagate
    wp_logger.addHandler(collect)
    wp_logger.propagate = False
    tmp = target.with_name(target.name + ".tmp")
    try:
        document = weasyprint.HTML(filename=html, base_url=html.resolve().parent.as_uri() + "/",
                                   url_fetcher=BuildDirFetcher(root)).render(
            font_config=font_config)
        document.write_pdf(tmp, pdf_identifier=file_id)
        pages = len(document.pages)
    except FetchRefused as exc:
        tmp.unlink(missing_ok=True)
        raise ContentError(f"{html}: {exc}") from None
    except FatalURLFetchingError as exc:
        tmp.unlink(missing_ok=True)
        raise ContentError(f"{html}: {exc}: {exc.__cause__ or 'failed'}") from None
    finally:
        wp_logger.removeHandler(collect)
        wp_logger.propagate = propagate
    tmp.replace(target)  # never rewrite a file in place: published trees hard-link them
    problems = [Problem(Location(str(html)), record.getMessage(), "pdf", "WARNING")
                for record in collect.records]
    return pages, problems


def _layout_job(html: str, target: str, root: str, file_id: bytes
                ) -> tuple[int, list[Problem], float, str | None]:
    """Worker process: write_pdf with plain arguments; errors come back as text."""
    start = time.perf_counter()
    try:
        pages, problems = write_pdf(Path(html), Path(target), Path(root), file_id)
    except ContentError as exc:
        return 0, [], 0.0, str(exc)
    return pages, problems, time.perf_counter() - start, None


def _workers(count: int) -> int:
    """Documents laid out side by side: one per CPU this process may use, or just this
    process in one of the pipeline's language workers (daemonic, so it may not start
    processes, and its sibling languages keep the other CPUs busy)."""
    import multiprocessing

    if multiprocessing.current_process().daemon:
        return 1
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        cpus = os.cpu_count() or 1
    return max(1, min(count, cpus))


class Layout:
    """Lays out print HTML files into PDFs as they are submitted; collects pages and warnings.

    WeasyPrint is single-threaded, so with several CPUs the documents go to worker
    processes (started fresh, so they hold only WeasyPrint and their document) while this
    process builds the next document's HTML; with one CPU, one document, or inside a
    language worker of the pipeline, they are laid out here, one after the other.
    """

    def __init__(self, root: Path, count: int) -> None:
        self.root = root
        self.count = count
        self.pages = 0
        self.problems: list[Problem] = []
        self._done = 0
        self._font_config: Any = None
        self._pool: Any = None
        self._futures: list[tuple[Any, Path]] = []

    def __enter__(self) -> Layout:
        workers = _workers(self.count)
        if workers > 1:
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            self._pool = ProcessPoolExecutor(workers,
                                             mp_context=multiprocessing.get_context("spawn"))
        return self

    def submit(self, html: Path, target: Path, file_id: bytes) -> None:
        if self._pool is not None:
            future = self._pool.submit(_layout_job, str(html), str(target), str(self.root),
                                       file_id)
            self._futures.append((future, target))
            return
        from weasyprint.text.fonts import FontConfiguration

        if self._font_config is None:
            self._font_config = FontConfiguration()  # shared: each font file is read once
        start = time.perf_counter()
        pages, found = write_pdf(html, target, self.root, file_id, self._font_config)
        self._record(target, pages, found, time.perf_counter() - start)

    def __exit__(self, kind: type[BaseException] | None, *rest: Any) -> None:
        if self._pool is None:
            return
        errors = []
        try:
            if kind is None:
                from concurrent.futures import as_completed

                targets = dict(self._futures)
                for future in as_completed(targets):
                    pages, found, seconds, error = future.result()
                    if error:
                        errors.append(error)
                    else:
                        self._record(targets[future], pages, found, seconds)
        finally:
            self._pool.shutdown(cancel_futures=True)
        if errors:
            raise ContentError("\n".join(errors))

    def _record(self, target: Path, pages: int, problems: list[Problem], seconds: float) -> None:
        self._done += 1
        self.pages += pages
        self.problems += problems
        logger.info("[%3d%%] %s: %d pages (%.1f s)", 100 * self._done // self.count,
                    target.name, pages, seconds)


# --- the stage -----------------------------------------------------------------------------


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
    static = {
        "_static/brand.css": _brand_colors(handbook, face_map, lang) + _cmyk_css(handbook),
        "_static/print-page.css": page_css(handbook, lang, labels, setup, face_map, fonts,
                                           scripts),
    }
    docs = print_docs(handbook, lang, labels, prepared, audiences, setup, static)
    return docs, html_root, problems


def _build_html(doc: PrintDoc, cache: Path, html_root: Path) -> list[Problem]:
    """Write one document's Sphinx project (only files that changed) and build its HTML."""
    srcdir = cache / "print-src" / doc.name
    sync_tree(srcdir, doc.files)
    return run_sphinx(srcdir, html_root / doc.name, cache / "print-doctrees" / doc.name, "html")


def build_print_html(prepared: Prepared, lang: str, options: BuildOptions, cache: Path
                     ) -> tuple[list[PrintDoc], Path, list[Problem]]:
    """print_projects, with every document's HTML built."""
    docs, html_root, problems = print_projects(prepared, lang, options, cache)
    for doc in docs:
        problems += _build_html(doc, cache, html_root)
    return docs, html_root, problems


def build_pdfs(prepared: Prepared, lang: str, options: BuildOptions, cache: Path,
               font_cache: Path) -> tuple[Path, list[Problem]]:
    """Build handbook.pdf and the onboarding manuals of one language; return <cache>/pdf.

    font_cache is not needed: WeasyPrint embeds its own subset of each font file.
    """
    docs, html_root, problems = print_projects(prepared, lang, options, cache)
    out = cache / "pdf"
    out.mkdir(parents=True, exist_ok=True)
    wanted = {f"{doc.name}.pdf" for doc in docs}
    for stale in out.iterdir():
        if stale.name not in wanted:
            stale.unlink()
    start = time.perf_counter()
    with Layout(html_root, len(docs)) as layout:
        for doc in docs:  # the handbook first: it is the longest
            problems += _build_html(doc, cache, html_root)
            layout.submit(html_root / doc.name / f"{doc.name}.html", out / f"{doc.name}.pdf",
                          doc.file_id)
    seconds = time.perf_counter() - start
    logger.info("%d PDFs, %d pages in %.1f s (%.1f pages/s)", len(docs), layout.pages, seconds,
                layout.pages / seconds if seconds else 0.0)
    return out, problems + layout.problems


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


__all__ = ["BuildDirFetcher", "Layout", "PageSetup", "build_pdfs", "build_print_html",
           "page_css", "print_docs", "print_projects", "setup", "write_pdf"]
