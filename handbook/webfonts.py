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
"""

from __future__ import annotations

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


def _text(html: str) -> str:
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


def install_web_fonts(outdir: Path, face_map: dict[str, Face], cache: Path, lang: str) -> int:
    """Write ``_static/fonts/*.woff2`` and ``_static/fonts.css``; return the font bytes."""
    page_script = {"zh_CN": "hans", "zh_TW": "hant"}.get(lang, "latin")
    pages: list[set[str]] = []
    bold_pages: list[set[str]] = []
    bold: set[str] = set()
    marked: dict[str, set[str]] = {s: set() for s in ("hans", "hant", "latin")}
    for path in sorted(outdir.glob("*.html")):
        html = path.read_text(encoding="utf-8")
        shown = "".join(_SHOWN.findall(html))
        pages.append(set(_text(html) + _text(shown)) - {"\n", "\t", "\r"})
        bold_pages.append(set())
        for match in _BOLD.finditer(html):
            bold_pages[-1] |= set(_text(match[2] or match[4]))
        bold |= bold_pages[-1]
        for match in _LANG.finditer(html):
            marked[_SCRIPT_OF_LANG.get(match[2], "latin")] |= set(_text(match[3]))
    rest: set[str] = set()  # what only scripts show: search results (titles are bold there)
    for path in sorted((outdir / "_static").glob("hb-*.js")):
        rest |= set(path.read_text(encoding="utf-8", errors="ignore"))
    if (outdir / INDEX_NAME).is_file():
        index = read_index(outdir / INDEX_NAME)  # what results show, not the lookup tables
        bold |= set("".join(d[3] + d[4] for d in index["docs"]))
        rest |= set("".join(d[3] + d[4] + d[5] for d in index["docs"]))
        rest |= set("".join(c[1] for c in index["chapters"] + index["roles"]))
    every = set().union(*pages, rest) if pages else rest
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
    return total
