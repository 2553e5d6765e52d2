"""A roster of new hires -> one personalised onboarding pack (PDF) per hire.

The role manuals are laid out once (and reused while their content is unchanged); a pack
is its role manual with the hire's details stamped above the lines of the cover and the
acknowledgement page. The lines carry ids (``hb-cover-*``, ``hb-field-*``) that WeasyPrint
writes as named destinations, so stamping needs no layout of the manual: one small
WeasyPrint page per hire holds the text, pikepdf lays it over the manual's pages as marked
artifact content (the manual's structure tree stays valid) and writes the copy.

Packs hold personal data: they are written under their own folder (``_build/packs`` by
default), never into the published site, each file whole or not at all.
"""

from __future__ import annotations

import html
import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import ContentError, UsageError
from .log import logger, stage
from .roster import Hire, read_roster

if TYPE_CHECKING:
    import pikepdf

    from .project import BuildOptions, Prepared
    from .validate import Handbook

DEFAULT_PACKS = Path("_build") / "packs"
# field id in the manual -> Hire attribute (position: the audience's name)
_COVER = {"hb-cover-name": "name", "hb-cover-employee-id": "employee_id"}
_FORM = {"hb-field-name": "name", "hb-field-employee-id": "employee_id",
         "hb-field-department": "department", "hb-field-position": "position",
         "hb-field-start-date": "start_date", "hb-field-supervisor": "supervisor"}


@dataclass(frozen=True)
class Field:
    """Where a value goes: page (0-based) and the left end of the line it sits on (pt)."""

    page: int
    x: float
    y: float


@dataclass(frozen=True)
class Manual:
    """A role manual built once, and the fields a pack fills in."""

    path: Path
    width: float
    height: float
    fields: dict[str, Field]
    css: str
    """@font-face and font stacks of the manual, so stamped text uses the brand's fonts."""

    @property
    def stamped(self) -> list[int]:
        """The pages that hold fields, in order."""
        return sorted({f.page for f in self.fields.values()})


def check_out_folder(out: Path, site: Path) -> None:
    """Refuse a packs folder inside a published site: packs hold personal data."""
    resolved = out.resolve()
    for folder in (resolved, *resolved.parents):
        if (folder / "versions.json").is_file() or folder == site.resolve():
            raise UsageError(f"--out {out}: expected a folder outside the published site "
                             f"({folder}); onboarding packs hold personal data")


def read_fields(path: Path) -> tuple[float, float, dict[str, Field]]:
    """The page size and the stampable fields (named destinations) of a built manual."""
    import pikepdf

    with pikepdf.open(path) as pdf:
        pages = {page.obj.objgen: n for n, page in enumerate(pdf.pages)}
        box = pdf.pages[0].mediabox
        fields = {}
        for name, dest in pikepdf.NameTree(pdf.Root.Names.Dests).items():
            if name in _COVER or name in _FORM:
                fields[name] = Field(pages[dest[0].objgen], float(dest[2]), float(dest[3]))
        return float(box[2]) - float(box[0]), float(box[3]) - float(box[1]), fields


def overlay_pages(manual: Manual, hire: Hire, position: str) -> list[str]:
    """One <section> (a page) per stamped page of the manual, in page order, holding the
    hire's details where the lines are."""
    values = {"name": hire.name, "employee_id": hire.employee_id,
              "department": hire.department, "start_date": hire.start_date,
              "supervisor": hire.supervisor, "position": position}
    pages: dict[int, list[str]] = {page: [] for page in manual.stamped}
    for name, key in {**_COVER, **_FORM}.items():
        spot = manual.fields.get(name)
        if spot is not None and values[key]:
            pages[spot.page].append(f'<p style="left:{spot.x:.2f}pt;bottom:{spot.y + 4:.2f}pt">'
                                    f"{html.escape(values[key])}</p>")
    return [f'<section>{"".join(items)}</section>' for _, items in sorted(pages.items())]


def overlay_html(manual: Manual, sections: list[str], color: str) -> str:
    """The overlay document: the given pages, the size of the manual's."""
    return ("<!DOCTYPE html><html><head><meta charset='utf-8'><style>"
            f"{manual.css}"
            f"@page {{ size: {manual.width:.3f}pt {manual.height:.3f}pt; margin: 0 }}"
            "section { position: relative; height: 100vh; break-after: page; }"
            f"p {{ position: absolute; margin: 0; font-size: 11pt; color: {color};"
            " white-space: nowrap; max-width: 80mm; overflow: hidden; }"
            f"</style></head><body>{''.join(sections)}</body></html>")


class Stamper:
    """A role manual opened once, written again for each hire with that hire's overlay.

    Opening and parsing a tagged manual costs about as much as writing it, so the pages
    are changed, the copy written, and the changes undone for the next hire.
    """

    def __init__(self, manual: Manual) -> None:
        import pikepdf

        self.manual = manual
        self.pdf = pikepdf.open(manual.path)

    def write(self, overlay: pikepdf.Pdf, first: int, target: Path) -> None:
        """The manual with overlay pages first, first + 1 … laid over its stamped pages, as
        artifact content (outside the structure tree, like a folio), written to target."""
        import pikepdf

        pdf = self.pdf
        undo = []
        try:
            for offset, page_number in enumerate(self.manual.stamped):
                page = pdf.pages[page_number]
                contents: Any = page.obj.get("/Contents")
                resources: Any = page.obj.get("/Resources")
                undo.append((page, contents, resources))
                form = pdf.copy_foreign(overlay.pages[first + offset].as_form_xobject())
                own = pikepdf.Dictionary({k: resources[k] for k in resources.keys()}) \
                    if resources is not None else pikepdf.Dictionary()  # the pages share theirs
                old: Any = own.get("/XObject")
                xobjects = pikepdf.Dictionary({k: old[k] for k in old.keys()}) \
                    if old is not None else pikepdf.Dictionary()
                xobjects["/HbPack"] = form
                own["/XObject"] = xobjects
                page.obj["/Resources"] = own
                streams: list[Any] = [pdf.make_stream(b"q\n")]
                streams += list(contents) if isinstance(contents, pikepdf.Array) \
                    else [contents] if contents is not None else []
                streams.append(pdf.make_stream(b"\nQ /Artifact BMC q /HbPack Do Q EMC\n"))
                page.obj["/Contents"] = pikepdf.Array(streams)
            tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
            pdf.save(tmp, stream_decode_level=pikepdf.StreamDecodeLevel.none)
            tmp.replace(target)
        finally:
            for page, contents, resources in undo:
                for key, value in (("/Contents", contents), ("/Resources", resources)):
                    if value is None:
                        del page.obj[key]
                    else:
                        page.obj[key] = value

    def close(self) -> None:
        self.pdf.close()


def build_packs(prepared: Prepared, hires: list[Hire], manuals: dict[tuple[str, str], Manual],
                out: Path, color: str) -> list[Path]:
    """Stamp one pack per hire into out; return the files written.

    The hires are split between one worker process per CPU (at least 20 hires each); each
    lays out the overlay text of its hires as one WeasyPrint document per language (a
    document costs about 0.1 s whatever its length, mostly loading fonts) and writes
    their packs, each copying only its own pages of the overlay.
    """
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    names = {lang: {a.id: str(a.name) for a in prepared.translated[lang].meta.audiences}
             for lang in {h.language for h in hires}}
    out.mkdir(parents=True, exist_ok=True)
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        cpus = os.cpu_count() or 1
    workers = max(1, min(cpus, len(hires) // 20))
    chunks = [hires[i::workers] for i in range(workers)]
    if workers == 1 or multiprocessing.current_process().daemon:
        return _stamp_hires(hires, manuals, names, out, color)
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
        done = list(pool.map(_stamp_hires, chunks, [manuals] * workers, [names] * workers,
                             [out] * workers, [color] * workers))
    return [path for paths in done for path in paths]


def _stamp_hires(hires: list[Hire], manuals: dict[tuple[str, str], Manual],
                 names: dict[str, dict[str, str]], out: Path, color: str) -> list[Path]:
    """Overlay and write the packs of some hires (in a worker, or in this process)."""
    import io

    import pikepdf
    import weasyprint
    from weasyprint.text.fonts import FontConfiguration

    from .pdf import BuildDirFetcher

    font_config = FontConfiguration()
    written = []
    for lang in sorted({h.language for h in hires}):
        batch = [h for h in hires if h.language == lang]
        sections: list[str] = []
        firsts = []
        for hire in batch:
            firsts.append(len(sections))
            sections += overlay_pages(manuals[(lang, hire.audience)], hire,
                                      names[lang][hire.audience])
        manual = manuals[(lang, batch[0].audience)]
        folder = manual.path.parent
        data = weasyprint.HTML(string=overlay_html(manual, sections, color),
                               base_url=folder.as_uri() + "/",
                               url_fetcher=BuildDirFetcher(folder.parent)
                               ).write_pdf(font_config=font_config)
        with pikepdf.open(io.BytesIO(data)) as overlay:
            if len(overlay.pages) != len(sections):
                raise ContentError(f"overlay of the {lang} packs: expected {len(sections)} "
                                   f"pages, got {len(overlay.pages)}")
            stampers = {aud: Stamper(manuals[(lang, aud)])
                        for aud in dict.fromkeys(h.audience for h in batch)}
            try:
                for hire, first in zip(batch, firsts, strict=True):
                    target = out / hire.file_name
                    stampers[hire.audience].write(overlay, first, target)
                    written.append(target)
            finally:
                for stamper in stampers.values():
                    stamper.close()
    return written


def run_roster(options: BuildOptions, roster: Path, out: Path) -> int:
    """``build.py pdf --roster hires.csv``: check every row, build or reuse the role
    manuals, stamp one pack per hire into out."""
    from .project import prepare
    from .validate import load_handbook

    start = time.perf_counter()
    paths = options.paths
    check_out_folder(out, paths.out)
    handbook, _ = load_handbook(paths.data)
    meta = handbook.meta
    hires = read_roster(roster, [a.id for a in meta.audiences], handbook.languages,
                        meta.source_language)
    languages = sorted({h.language for h in hires})
    prepared = prepare(paths.data, paths, languages, options.strict)
    manuals = {}
    for lang in languages:
        wanted = sorted({h.audience for h in hires if h.language == lang})
        with stage(f"role manuals ({lang}, {', '.join(wanted)})"):
            manuals.update(role_manuals(prepared, lang, wanted, options))
    with stage(f"stamping {len(hires)} packs"):
        stamp_start = time.perf_counter()
        written = build_packs(prepared, hires, manuals, out, text_color(handbook))
        seconds = time.perf_counter() - stamp_start
    logger.info("%d onboarding packs in %.1f s (stamping %.2f s, %.1f packs/s) -> %s",
                len(written), time.perf_counter() - start, seconds,
                len(written) / seconds if seconds else 0.0, out)
    return 0


def role_manuals(prepared: Prepared, lang: str, audiences: list[str], options: BuildOptions
                 ) -> dict[tuple[str, str], Manual]:
    """The onboarding manuals of one language, laid out only when their content changed
    (a manual's /ID is the hash of its content and page setup)."""
    import dataclasses

    from .pdf import Layout
    from .printdoc import build_html, print_projects

    version = prepared.handbook.meta.version
    cache = options.paths.cache(version, lang).resolve()
    docs, html_root, problems = print_projects(
        prepared, lang, dataclasses.replace(options, audiences=audiences), cache)
    folder = cache / "pack-manuals"
    folder.mkdir(parents=True, exist_ok=True)
    wanted = [doc for doc in docs if doc.name.startswith("onboarding-")]
    stale = [doc for doc in wanted if not _same_id(folder / f"{doc.name}.pdf", doc.file_id)]
    if stale:
        with Layout(html_root, len(stale)) as layout:  # side by side when CPUs are free
            for doc in stale:
                problems += build_html(doc, cache, html_root)
                layout.submit(html_root / doc.name / f"{doc.name}.html",
                              folder / f"{doc.name}.pdf", doc.file_id)
        problems += layout.problems
    css = _font_css(prepared.translated[lang], lang, cache / "pack-fonts")
    manuals = {}
    for doc in wanted:
        target = folder / f"{doc.name}.pdf"
        width, height, fields = read_fields(target)
        if not fields:
            raise ContentError(f"{target}: the manual has no fields to stamp (hb-cover-*, "
                               "hb-field-* ids): does a theme replace print_acknowledgement?")
        manuals[(lang, doc.name.removeprefix("onboarding-"))] = Manual(
            target, width, height, fields, css)
    for problem in problems:
        logger.warning("%s", problem)
    return manuals


def _same_id(path: Path, file_id: bytes) -> bool:
    import pikepdf

    if not path.is_file():
        return False
    try:
        with pikepdf.open(path) as pdf:
            return bytes(pdf.trailer.ID[0]) == file_id
    except (pikepdf.PdfError, AttributeError, IndexError):
        return False


def _font_css(handbook: Handbook, lang: str, folder: Path) -> str:
    """@font-face rules for the stamped text: the brand's regular face of every script
    (a name may be written in any), the language's own first; the files are copied into
    folder, the only place the overlay may read besides the manual."""
    from .fonts import faces
    from .printcss import SCRIPT

    face_map = faces(handbook.sections, handbook.data_dir)
    first = SCRIPT.get(lang, "latin")
    order = [first, *(s for s in ("latin", "hans", "hant") if s != first)]
    rules, families = [], []
    folder.mkdir(parents=True, exist_ok=True)
    for script in order:
        face = face_map.get(script)
        if face is None or face.regular is None or not face.regular.is_file():
            continue
        name = f"{face.slug}{face.regular.suffix.lower()}"
        target = folder / name
        if not target.is_file() or target.stat().st_size != face.regular.stat().st_size:
            tmp = folder / f".{name}.{os.getpid()}.tmp"
            shutil.copyfile(face.regular, tmp)
            tmp.replace(target)
        rules.append(f'@font-face {{ font-family: "{face.family}"; '
                     f'src: url("../{folder.name}/{name}"); }}')
        families.append(f'"{face.family}"')
    rules.append(f"html {{ font-family: {', '.join([*families, 'sans-serif'])}; }}")
    return "\n".join(rules)


def text_color(handbook: Handbook) -> str:
    """The VI palette's text colour (near-black without one)."""
    for section in handbook.sections:
        for color in section.colors:
            if color.role == "text":
                return color.hex
    return "#1A1A1A"
