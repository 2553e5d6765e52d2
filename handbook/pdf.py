"""Print HTML -> PDF by WeasyPrint: one file per print document, laid out side by side.

The print HTML comes from :mod:`handbook.printdoc`. Each document is laid out through
WeasyPrint's Python API (``HTML(...).render().write_pdf()``), one per worker process when
several CPUs are free: WeasyPrint is single-threaded.

- WeasyPrint reads only files under ``<cache>/print-html/`` and ``data:`` URLs; anything
  else stops the build with an error naming the URL (:class:`BuildDirFetcher`).
- WeasyPrint embeds a subset of each font file the documents declare.
- The same input gives byte-identical PDFs: the metadata dates come from the edition's
  effective date and the file identifier from the content.
"""

from __future__ import annotations

import logging
import mimetypes
import os
import re
import time
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit
from urllib.request import url2pathname

from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

from .errors import ContentError, Location, Problem
from .intent import check_profile
from .log import logger
from .presscolor import PressColors, recolour
from .printdoc import build_html, print_projects

if TYPE_CHECKING:
    from .project import BuildOptions, Prepared

# --- WeasyPrint ----------------------------------------------------------------------------

ARCHIVAL = "pdf/a-3a"
"""Every PDF is PDF/A-3a: archival (fonts embedded, colours defined by an output intent,
XMP metadata) at level A, which WeasyPrint writes tagged (structure tree, reading order,
alt text, document language, display title). WeasyPrint 70 writes one variant per file
(pdf/a-1b…4f, pdf/ua-1/2, pdf/x-1a…5g); PDF/UA-1 asks for what level A already makes, so
its identification (pdfuaid:part 1) is added to the same XMP packet. PDF/A-3 rather than
2: both fit (no attachments); 3 keeps attaching source files possible."""

PRINT_SHOP = "pdf/x-4"
"""The print-shop variant (--print): PDF/X-4, CMYK colours (see printcss.cmyk_css)."""


PressTable = tuple[tuple[tuple[int, int, int], tuple[float, float, float, float]], ...]
"""(RGB, CMYK) of every VI colour: what the print-shop variant turns RGB operators into."""


def _finish_print(file_id: bytes, press: PressTable) -> Any:
    """WeasyPrint finisher for PDF/X-4: its XMP DocumentID is random (uuid4); name the
    content instead, so the same input still gives the same bytes. Then the output intent
    is named after its profile, and the RGB left in the streams goes to CMYK."""

    def finish(document: Any, pdf: Any) -> None:
        reference = pdf.catalog["Metadata"]
        stream = pdf.objects[int(bytes(reference).split()[0])]
        packet = b"".join(stream.stream)
        stream.stream = [re.sub(rb"xmp\.did:[0-9a-f-]{36}", b"xmp.did:" + file_id, packet)]
        name_output_condition(pdf)
        recolour(pdf, PressColors(press))

    return finish


def name_output_condition(pdf: Any) -> None:
    """Name the PDF/X output intent after its profile's description (WeasyPrint uses the
    profile's model field when it has one) (a characterisation of its own, not a registry name)."""
    import pydyf

    if "OutputIntents" not in pdf.catalog:
        raise ContentError("--print: the PDF has no output intent (the @color-profile "
                           "device-cmyk rule was not applied)")
    for intent in pdf.catalog["OutputIntents"]:
        profile = pdf.objects[int(bytes(intent["DestOutputProfile"]).split()[0])]
        description = check_profile(b"".join(profile.stream))
        intent["OutputConditionIdentifier"] = pydyf.String(description)
        intent["OutputCondition"] = pydyf.String(description)
        intent["Info"] = pydyf.String(description)
        intent["S"] = "/GTS_PDFX"


_UA_XMP = (b'<rdf:Description rdf:about="" xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/" '
           b'pdfuaid:part="1" /></rdf:RDF>')


def declare_ua(document: Any, pdf: Any) -> None:
    """WeasyPrint finisher: add the PDF/UA-1 identification to the PDF/A XMP packet."""
    reference = pdf.catalog["Metadata"]  # b"12 0 R"
    stream = pdf.objects[int(bytes(reference).split()[0])]
    packet = b"".join(stream.stream)
    stream.stream = [packet.replace(b"</rdf:RDF>", _UA_XMP, 1)]


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
              font_config: Any = None, variant: str = "", press: PressTable = ()
              ) -> tuple[int, list[Problem]]:
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
            font_config=font_config, pdf_variant=variant or ARCHIVAL, pdf_tags=True)
        with warnings.catch_warnings():
            # WeasyPrint 70 leaves its sRGB profile file for the garbage collector
            warnings.simplefilter("ignore", ResourceWarning)
            document.write_pdf(tmp, pdf_identifier=file_id, pdf_variant=variant or ARCHIVAL,
                               pdf_tags=True, finisher=declare_ua if not variant
                               else _finish_print(file_id, press))
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


def _layout_job(html: str, target: str, root: str, file_id: bytes, variant: str = "",
                press: PressTable = ()) -> tuple[int, list[Problem], float, str | None]:
    """Worker process: write_pdf with plain arguments; errors come back as text."""
    start = time.perf_counter()
    try:
        pages, problems = write_pdf(Path(html), Path(target), Path(root), file_id,
                                    variant=variant, press=press)
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

    def __init__(self, root: Path, count: int, variant: str = "", press: PressTable = ()
                 ) -> None:
        self.root = root
        self.count = count
        self.variant = variant
        self.press = press
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
                                       file_id, self.variant, self.press)
            self._futures.append((future, target))
            return
        from weasyprint.text.fonts import FontConfiguration

        if self._font_config is None:
            self._font_config = FontConfiguration()  # shared: each font file is read once
        start = time.perf_counter()
        pages, found = write_pdf(html, target, self.root, file_id, self._font_config,
                                 self.variant, self.press)
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
    handbook = prepared.translated[lang]
    press: PressTable = tuple((tuple(c.rgb), tuple(float(v) for v in c.cmyk))  # type: ignore[misc]
                              for s in handbook.sections for c in s.colors)
    with Layout(html_root, len(docs), PRINT_SHOP if options.print_shop else "",
                press) as layout:
        for doc in docs:  # the handbook first: it is the longest
            problems += build_html(doc, cache, html_root)
            layout.submit(html_root / doc.name / f"{doc.name}.html", out / f"{doc.name}.pdf",
                          doc.file_id)
    seconds = time.perf_counter() - start
    logger.info("%d PDFs, %d pages in %.1f s (%.1f pages/s)", len(docs), layout.pages, seconds,
                layout.pages / seconds if seconds else 0.0)
    return out, problems + layout.problems
