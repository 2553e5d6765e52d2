"""The site's web fonts: WOFF2 subsets a page downloads only when it draws their characters.

A Chinese page draws hundreds of distinct characters, and a font of all the characters of
the site is 400 KB per weight. So after Sphinx has written the pages:

- the font of the site's own script is cut into slices: one of the characters most pages
  use (header, menu and common words), then for each page, largest first, the characters
  no earlier slice has; the characters only search results show come last. Each slice is
  an ``@font-face`` with its ``unicode-range``, so the browser fetches a slice only when
  the page draws one of its characters, and the longest chapter needs only the first two;
- bold is cut to the characters that bold text uses (headings, titles, labels); any other
  character is drawn with the regular face, emboldened by the browser;
- the fonts of the other scripts (Traditional on a Simplified site, the Latin face) hold
  only what they draw: text marked with their ``lang``, and Latin letters and digits;
- the ``@font-face`` rules go to ``_static/fonts.css``, written with the files.

The characters of each page are kept beside the doctrees (``hb-font-pages.marshal``, by the
page's digest), so a rebuild reads again only the pages Sphinx wrote again; when no page,
result or font file brings a change to the character sets, the fonts written last time stay
as they are (``hb-fonts.marshal``).
"""

from __future__ import annotations

import hashlib
import marshal
import re
from collections import Counter
from pathlib import Path

from .errors import ContentError
from .fonts import Face, subset_font
from .search import INDEX_NAME, read_index

_TAG = re.compile(r"<[^>]*>")
# attributes whose text is shown: placeholders, tooltips, and labels scripts put on the page
_SHOWN = re.compile(r'\s(?:data-[\w-]+|placeholder|value|title|alt)="([^"]*)"')
_BOLD = re.compile(
    r"<(h[1-6]|strong|b|th|dt)\b[^>]*>(.*?)</\1>"
    r'|<(\w+)\b[^>]*\bclass="[^"]*\b(?:hb-label|hb-brand-org|hb-toc-title|hb-uses-title|'
    r'hb-label-block|hb-notice|hb-toc-list|hb-blank-label)\b[^"]*"[^>]*>(.*?)</\3>', re.S)
_LANG = re.compile(r'<(\w+)\b[^>]*\blang="([\w-]+)"[^>]*>(.*?)</\1>', re.S)
_SCRIPT_OF_LANG = {"zh-CN": "hans", "zh-SG": "hans", "zh-TW": "hant", "zh-HK": "hant"}
COMMON_SHARE = 0.5  # a character on at least this share of the pages is in the first slice
MIN_SLICE = 40  # characters; a page's smaller remainder joins the last slice


def page_text(html: str) -> str:
    import html as htmllib

    return htmllib.unescape(_TAG.sub(" ", html))


def _latin(chars: set[str]) -> set[str]:
    return {c for c in chars if ord(c) < 0x2E80}


def _slices(pages: list[set[str]], rest: set[str]) -> list[set[str]]:
    """Characters per slice: the common ones, then each page's new ones, largest first."""
    counts = Counter(c for page in pages for c in page)
    common = {c for c, n in counts.items() if n >= max(2, COMMON_SHARE * len(pages))}
    slices, seen, small = [common], set(common), set()
    for page in sorted(pages, key=lambda p: (-len(p), sorted(p)[:1])):
        new = page - seen
        seen |= new
        if len(new) >= MIN_SLICE:
            slices.append(new)
        else:
            small |= new
    slices.append(small)
    slices.append(rest - seen - small)  # shown only in search results
    return [s for s in slices if s]


PAGES_NAME = "hb-font-pages.marshal"
_Chars = tuple[set[str], set[str], dict[str, set[str]]]  # shown, bold, marked by script


def _page_chars(html: str) -> _Chars:
    """The characters a page shows, those it shows in bold, and those marked with a lang."""
    shown = "".join(_SHOWN.findall(html))
    chars = set(page_text(html) + page_text(shown)) - {"\n", "\t", "\r"}
    bold: set[str] = set()
    for match in _BOLD.finditer(html):
        bold |= set(page_text(match[2] or match[4]))
    marked: dict[str, set[str]] = {}
    for match in _LANG.finditer(html):
        script = _SCRIPT_OF_LANG.get(match[2], "latin")
        marked[script] = marked.get(script, set()) | set(page_text(match[3]))
    return chars, bold, marked


def _read_pages(outdir: Path, memo: Path | None) -> list[_Chars]:
    """The characters of every page; a page whose HTML did not change since the last build
    (memo, the doctree folder) is not read again."""
    known: dict[str, tuple[str, _Chars]] = {}
    if memo is not None:
        try:
            loaded = marshal.loads((memo / PAGES_NAME).read_bytes())
            known = loaded if isinstance(loaded, dict) else {}
        except (OSError, ValueError, EOFError, TypeError):
            known = {}
    pages, now = [], {}
    for path in sorted(outdir.glob("*.html")):
        data = path.read_bytes()
        digest = hashlib.sha256(data).hexdigest()
        entry = known.get(path.name)
        if not (isinstance(entry, tuple) and entry[0] == digest):
            html = data.decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")  # as read_text
            entry = (digest, _page_chars(html))
        now[path.name] = entry
        pages.append(entry[1])
    if memo is not None and now != known:
        from .paths import write_atomic

        write_atomic(memo / PAGES_NAME, marshal.dumps(now))
    return pages


DONE_NAME = "hb-fonts.marshal"


def _inputs_key(lang: str, face_map: dict[str, Face], pages: list[set[str]],
                bold_pages: list[set[str]], sets: list[set[str]]) -> str:
    """A digest of everything the font files and fonts.css are made from."""
    def chars(group: set[str]) -> str:
        return "".join(sorted(group))

    fonts = []
    for script, face in sorted(face_map.items()):
        for font in (face.regular, face.bold):
            stat = font.stat() if font is not None and font.is_file() else None
            fonts.append((script, face.family, face.slug, str(font),
                          (stat.st_size, stat.st_mtime_ns) if stat else None))
    key = marshal.dumps((2, lang, fonts, [chars(p) for p in pages],
                         [chars(p) for p in bold_pages], [chars(s) for s in sets]))
    return hashlib.sha256(key).hexdigest()


def _unchanged(outdir: Path, memo: Path | None, key: str) -> int | None:
    """The font bytes of the last build when it had the same inputs and its files are there."""
    if memo is None:
        return None
    try:
        done_key, total, names = marshal.loads((memo / DONE_NAME).read_bytes())
    except (OSError, ValueError, EOFError, TypeError):
        return None
    fonts_dir = outdir / "_static" / "fonts"
    if done_key != key or not (outdir / "_static" / "fonts.css").is_file() \
            or not all((fonts_dir / name).is_file() for name in names):
        return None
    return int(total)


def unicode_range(chars: set[str]) -> str:
    """``U+4E00-4E02,U+4E09 …`` for a set of characters."""
    points = sorted(ord(c) for c in chars)
    parts, start = [], None
    for i, point in enumerate(points):
        if start is None:
            start = point
        if i + 1 == len(points) or points[i + 1] != point + 1:
            parts.append(f"U+{start:X}" if start == point else f"U+{start:X}-{point:X}")
            start = None
    return ",".join(parts)


def install_web_fonts(outdir: Path, face_map: dict[str, Face], cache: Path, lang: str,
                      memo: Path | None = None) -> int:
    """Write ``_static/fonts/*.woff2`` and ``_static/fonts.css``; return the font bytes.
    ``memo`` (the doctree folder) keeps the characters of each page for the next build."""
    page_script = {"zh_CN": "hans", "zh_TW": "hant"}.get(lang, "latin")
    pages: list[set[str]] = []
    bold_pages: list[set[str]] = []
    bold: set[str] = set()
    marked: dict[str, set[str]] = {s: set() for s in ("hans", "hant", "latin")}
    for chars, page_bold, page_marked in _read_pages(outdir, memo):
        pages.append(set(chars))
        bold_pages.append(set(page_bold))
        bold |= page_bold
        for script, marks in page_marked.items():
            marked[script] |= marks
    rest: set[str] = set()  # what only scripts show: search results (titles are bold there)
    for path in sorted((outdir / "_static").glob("hb-*.js")):
        rest |= set(path.read_text(encoding="utf-8", errors="ignore"))
    if (outdir / INDEX_NAME).is_file():
        index = read_index(outdir / INDEX_NAME)  # what results show, not the lookup tables
        bold |= set("".join(d[3] + d[4] for d in index["docs"]))
        rest |= set("".join(d[3] + d[4] + d[5] for d in index["docs"]))
        rest |= set("".join(c[1] for c in index["chapters"] + index["roles"]))
    every = set().union(*pages, rest) if pages else rest
    key = _inputs_key(lang, face_map, pages, bold_pages,
                      [bold, rest, *(marked[s] for s in sorted(marked))])
    done = _unchanged(outdir, memo, key)
    if done is not None:
        return done
    cjk_every = every - _latin(every)
    fonts_dir = outdir / "_static" / "fonts"
    fonts_dir.mkdir(parents=True, exist_ok=True)
    css: list[str] = []
    wanted: set[str] = set()
    total = 0
    for script, face in face_map.items():
        if script == page_script:
            chars = every
        elif script == "latin":
            chars = _latin(every) | marked["latin"]
        else:  # the other Chinese script: text marked with its lang; on a Latin site, all
            chars = marked[script] | (cjk_every if page_script == "latin" and script == "hans"
                                      else set())
        for weight, font in (("400", face.regular), ("700", face.bold)):
            if font is None or not chars:
                continue
            if not font.is_file():
                raise ContentError(f"font file {font} for {face.family!r} not found")
            wanted_chars = chars if weight == "400" else chars & bold
            if script == page_script:
                groups = _slices([p & wanted_chars for p in
                                  (pages if weight == "400" else bold_pages)], wanted_chars)
            else:
                groups = [wanted_chars]
            for number, group in enumerate(groups):
                data, covered = subset_font(font, "".join(sorted(group)), cache)
                if not covered:
                    continue
                name = f"{face.slug}-{weight}-{number}.woff2"
                wanted.add(name)
                target = fonts_dir / name
                if not target.is_file() or target.read_bytes() != data:
                    target.write_bytes(data)
                total += len(data)
                css.append(f'@font-face {{ font-family: "{face.family}"; font-weight: {weight}; '
                           f'font-display: swap; src: url("fonts/{name}") format("woff2"); '
                           f"unicode-range: {unicode_range(covered)}; }}")
    for stale in fonts_dir.iterdir():
        if stale.name not in wanted:
            stale.unlink()
    sheet = ("/* Web fonts in slices by unicode-range (handbook/webfonts.py) */\n"
             + "\n".join(css) + "\n").encode("utf-8")
    target = outdir / "_static" / "fonts.css"
    if not target.is_file() or target.read_bytes() != sheet:
        target.write_bytes(sheet)
    if memo is not None:
        from .paths import write_atomic

        write_atomic(memo / DONE_NAME, marshal.dumps((key, total, sorted(wanted))))
    return total
