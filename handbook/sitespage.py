"""The sites of a group -> <out>/sites.html and one sites page per further language.

A reader of a group's sites opens the list in the group's working language: ``sites.html``
is in the corporate handbook's source language; every other language the group publishes
gets ``sites.<lang>.html``. Each page has a menu of the others, headings through the theme's
catalogs, and the names of layers and units through each layer's own catalogs (the
translated handbooks), so a branch's English reader sees "West Lake branch".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .csp import csp_meta
from .webfonts import page_text

if TYPE_CHECKING:
    from .fonts import Face

SITES_CSS = ("body{font-family:var(--hb-sites-font,sans-serif);margin:2rem}"
             "table{border-collapse:collapse}"
             "td,th{border:1px solid #ccc;padding:.4rem .8rem;text-align:left}"
             ".hb-sites-langs a{margin-right:1rem}.hb-sites-langs [aria-current]"
             "{font-weight:bold}"
             "@media (max-width:40rem){body{margin:1rem}thead{display:none}"
             "table,tbody,tr,td{display:block}tr{border:1px solid #ccc;margin-bottom:.8rem}"
             "td{border:0;padding:.25rem .6rem}td:empty{display:none}"
             "td::before{content:attr(data-label);display:block;font-size:.8em;color:#555}}\n")
"""The sites page's style: a file, since the site's CSP runs no inline style."""

HEADINGS = ("Layer", "Unit", "Extends", "Edition", "Languages")
"""Column headings, English msgids of the theme's catalogs (theme.po)."""


@dataclass(frozen=True)
class Site:
    """One built handbook of the group: where it is published and what it is called."""

    rel: str
    """Path under <out>: '' for the corporate handbook, else the layer's path under data/."""
    meta: Any
    """The handbook's metadata (model.HandbookMeta) in its source language."""
    languages: list[str]
    translated: dict[str, Any] = field(default_factory=dict)
    """Language -> the metadata in that language (the layer's catalogs and those below)."""

    def meta_in(self, lang: str) -> Any:
        return self.translated.get(lang, self.meta)


def page_name(lang: str, source: str) -> str:
    return "sites.html" if lang == source else f"sites.{lang}.html"


def sites_pages(sites: list[Site], labels: dict[str, dict[str, str]]) -> dict[str, str]:
    """File name -> HTML: the sites page in every language of the corporate handbook
    (labels: language -> the theme's msgid -> msgstr)."""
    source = sites[0].meta.source_language
    langs = [source, *(lang for lang in sites[0].languages if lang != source)]
    return {page_name(lang, source): sites_page(sites, lang, langs, labels.get(lang, {}))
            for lang in langs}


def sites_page(sites: list[Site], lang: str, langs: list[str], labels: dict[str, str]) -> str:
    """One language's list of every handbook of the group: unit, base, languages, links."""
    from .html import LANGUAGE_NAMES

    def _(msgid: str) -> str:
        return labels.get(msgid) or msgid

    source = sites[0].meta.source_language
    rows = []
    for site in sites:
        meta = site.meta_in(lang)
        layer = meta.layers[-1].name if meta.layers else meta.organisation.name
        unit = meta.unit.name if meta.unit else meta.title
        depth = len(meta.layers)
        prefix = f"{site.rel}/" if site.rel else ""
        ordered = sorted(site.languages, key=lambda code: code != lang)  # the page's first
        links = " ".join(
            f'<a href="{escape(prefix)}{escape(meta.version)}/{escape(code)}/index.html" '
            f'hreflang="{escape(code.replace("_", "-"))}">'
            f"{escape(LANGUAGE_NAMES.get(code, code))}</a>" for code in ordered)
        below = escape(str(meta.layers[-2].name if len(meta.layers) > 1 else
                           meta.organisation.short_name or meta.organisation.name)) \
            if depth else ""
        cells = "".join(f'<td data-label="{escape(_(heading))}">{value}</td>'
                        for heading, value in zip(HEADINGS, (
                            escape(str(layer)), escape(str(unit)), below,
                            escape(meta.version), links), strict=True))
        rows.append(
            f'<tr data-layer="{escape(meta.layers[-1].id) if meta.layers else ""}" '
            f'class="hb-site-depth-{depth}">{cells}</tr>')
    corporate = sites[0].meta_in(lang)
    title = f"{escape(str(corporate.organisation.name))} · {escape(str(corporate.title))}"
    current = ' aria-current="page"'
    menu = " ".join(
        f'<a href="{escape(page_name(code, source))}" lang="{escape(code.replace("_", "-"))}" '
        f'hreflang="{escape(code.replace("_", "-"))}"{current if code == lang else ""}>'
        f"{escape(LANGUAGE_NAMES.get(code, code))}</a>" for code in langs)
    nav = (f'<nav class="hb-sites-langs" aria-label="{escape(_("Language"))}">{menu}</nav>\n'
           if len(langs) > 1 else "")
    head = "".join(f"<th>{escape(_(h))}</th>" for h in HEADINGS)
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{escape(lang.replace("_", "-"))}"><head>'
        f'<meta charset="utf-8">{csp_meta()}<title>{title}</title>'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<link rel="stylesheet" href="sites.css">'
        f"</head><body>{nav}<h1>{title}</h1>\n<table class=\"hb-sites\"><thead><tr>{head}"
        "</tr></thead><tbody>\n" + "\n".join(rows) + "\n</tbody></table></body></html>\n")


_SCRIPT_OF_PAGE = {"zh_CN": "hans", "zh_TW": "hant"}


def sites_fonts(pages: dict[str, str], langs: list[str], face_map: dict[str, Face],
                cache: Path) -> tuple[str, dict[str, bytes]]:
    """The sites pages' own fonts (they are outside every site, and a reader's system may
    have no Chinese font): one WOFF2 subset per script of the characters the pages show,
    and the CSS that uses them, per page language. Returns (css, file name -> bytes)."""
    from .fonts import subset_font

    chars = set(page_text("".join(pages.values()))) - {"\n", "\t", "\r"}
    files: dict[str, bytes] = {}
    faces_css: list[str] = []
    for script in ("latin", "hans", "hant"):
        face = face_map.get(script)
        if face is None or face.regular is None:
            continue
        data, covered = subset_font(face.regular, "".join(sorted(chars)), cache)
        if not covered:
            continue
        name = f"sites-{script}.woff2"
        files[name] = data
        faces_css.append(f'@font-face{{font-family:"hb-sites-{script}";'
                         f'src:url({name}) format("woff2");font-display:swap}}')
    order = {"latin": ("latin", "hans", "hant"), "hans": ("latin", "hans", "hant"),
             "hant": ("latin", "hant", "hans")}
    rules = []
    for lang in langs:
        script = _SCRIPT_OF_PAGE.get(lang, "latin")
        stack = ",".join(f'"hb-sites-{s}"' for s in order[script]
                         if f"sites-{s}.woff2" in files)
        selector = f':root:lang({lang.replace("_", "-")})'
        rules.append(f"{selector}{{--hb-sites-font:{stack},sans-serif}}")
    return "".join(faces_css) + "".join(rules) + "\n", files
