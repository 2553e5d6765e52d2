"""The site's search index: one entry per rule, phrase card and section, read from the HTML.

Sphinx's own search finds pages, splits a Chinese query with its English splitter while the
index was cut by jieba, and knows nothing of rules or roles. This index is what
``_static/hb-search.js`` searches in the browser (see README, "Search"):

- every ``div.hb-rule`` / ``div.hb-phrase`` with an id is a result of its own, with its
  code, title, text, chapter and roles (its ``aud-*`` classes); every ``section`` with an id
  is one too, with the text that is not in a rule or a sub-section;
- Chinese is matched as substrings of the text in one normal form, Simplified: ``t2s`` maps
  every Traditional character of the site's text (and the Traditional forms of its
  Simplified characters) to the Simplified one, so a query in either script finds the same
  rules. The query is cut into words in the browser with ``words``: the words jieba cut the
  indexed text into, with jieba's frequency, so the browser splits a query as jieba would;
- English words are stemmed in the browser, query and text alike, with the Snowball stemmer
  Sphinx ships (``_static/hb-stemmer.js``).

The index is a script (``hb-search-index.js`` setting ``window.HB_SEARCH_INDEX``), not JSON
fetched at run time, so search works from ``file://`` too.
"""

from __future__ import annotations

import json
import marshal
import math
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

INDEX_NAME = "hb-search-index.js"
STEMMER_NAME = "_static/hb-stemmer.js"
SKIP_PAGES = frozenset({"search.html", "genindex.html"})
_VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
                   "source", "track", "wbr"})
_BLOCK = frozenset({"p", "li", "div", "td", "th", "h1", "h2", "h3", "h4", "h5", "h6", "dt",
                    "dd", "legend", "label", "section", "tr", "blockquote"})
_UNIT_CLASSES = frozenset({"hb-rule", "hb-phrase", "hb-swatch"})
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_SPACE = re.compile(r"\s+")
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")


@dataclass
class Unit:
    """One search result: a rule, a phrase card or a section."""

    kind: int  # 0 rule or phrase, 1 section
    anchor: str
    roles: list[str]
    title: list[str] = field(default_factory=list)
    code: list[str] = field(default_factory=list)
    text: list[str] = field(default_factory=list)

    def row(self) -> tuple[int, str, str, str, str, list[str]]:
        """(kind, anchor, code, title, text, roles)."""
        title = _clean("".join(self.title))
        code = _clean("".join(self.code))
        if code and title.startswith(code):  # a case's heading carries its code
            title = title[len(code):].strip()
        return (self.kind, self.anchor, code, title, _clean("".join(self.text)), self.roles)


def _clean(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


class _PageParser(HTMLParser):
    """The units of one built page and the order of the chapters in its navigation."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.units: list[Unit] = []
        self.nav: list[str] = []
        self._stack: list[tuple[str, str, Unit | None]] = []  # tag, part, unit it opens
        self._open: list[Unit] = []
        self._article = 0
        self._in_nav = 0
        self._skip = 0
        self._part = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        classes = a.get("class", "").split()
        if tag == "nav" and a.get("id") == "hb-nav":
            self._in_nav = 1
        elif self._in_nav and tag == "a" and "internal" in classes:
            href = a.get("href", "").split("#")[0]
            if href and href not in self.nav:
                self.nav.append(href)
        if tag == "article" and "hb-body" in classes:
            self._article = 1
        if tag in _VOID or not self._article:
            return
        part, unit = "", None
        if self._skip or tag in ("script", "style", "button") or "headerlink" in classes \
                or "hb-label" in classes or "hb-notice" in classes or "hb-rulelist" in classes \
                or "hb-applies" in classes or "hb-nosearch" in classes \
                or (tag == "a" and "external" in classes and a.get("href", "").startswith("#")):
            part = "skip"
            self._skip += 1
        elif a.get("id") and (tag == "section" or (tag == "div" and _UNIT_CLASSES & set(classes))):
            roles = [c[4:] for c in classes if c.startswith("aud-")]
            unit = Unit(1 if tag == "section" else 0, a["id"], roles)
            self.units.append(unit)
            self._open.append(unit)
        elif self._open:
            inner = self._open[-1]
            if inner.kind == 1 and tag in _HEADINGS and not inner.title:
                part = "title"
            elif inner.kind == 0 and ("hb-title" in classes or "hb-situation" in classes):
                part = "title"
            elif inner.kind == 0 and "hb-id" in classes:
                part = "code"
        self._stack.append((tag, part, unit))
        if part in ("title", "code"):
            self._part = part

    def handle_endtag(self, tag: str) -> None:
        if tag == "nav" and self._in_nav:
            self._in_nav = 0
        if not self._article or tag in _VOID:
            return
        if tag == "article":
            self._article = 0
            return
        while self._stack:
            name, part, unit = self._stack.pop()
            if part == "skip":
                self._skip -= 1
            if unit is not None:
                self._open.pop()
            if part in ("title", "code"):
                self._part = next((p for _, p, _ in reversed(self._stack)
                                   if p in ("title", "code")), "")
            if name == tag:
                break
        if tag in _BLOCK and self._open:
            self._open[-1].text.append(" ")

    def handle_data(self, data: str) -> None:
        if not self._article or self._skip or not self._open:
            return
        unit = self._open[-1]
        if self._part == "title":
            unit.title.append(data)
        elif self._part == "code":
            unit.code.append(data)
        else:
            unit.text.append(data)


class Normaliser:
    """Lower case, and Simplified characters for Traditional ones (character by character, so
    a position in the normal form is the same position in the text)."""

    def __init__(self, table: dict[str, str]) -> None:
        self.table = table
        self._trans = str.maketrans(table)

    def __call__(self, text: str) -> str:
        return text.lower().translate(self._trans)


_RANGES = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF))
# Traditional characters that Simplified Chinese keeps for other words, so t2s leaves them
# (著名, 乾坤) although 著裝 is 着装 and 乾淨 is 干净: OpenCC tells them apart by phrase
# only. Searched as the one Simplified form, as a reader typing either script expects.
_KEPT = {"著": "着", "乾": "干", "瞭": "了", "覆": "复", "徵": "征", "藉": "借", "夥": "伙"}


def script_table(texts: list[str]) -> dict[str, str]:
    """Character -> its normal form, for every character whose normal form is that of a
    Chinese character of the texts. The normal form is the Simplified form of the character's
    Traditional form (OpenCC t2s after s2t), so 着 and 著, 发, 發 and 髮 meet."""
    normal = _normal_forms()
    targets = {normal.get(c, c) for c in set().union(*texts) if _CJK.match(c)}
    return {c: n for c, n in normal.items() if n in targets}


def _normal_forms() -> dict[str, str]:
    """Every CJK character whose normal form differs from it; kept once per user, since
    OpenCC takes half a second to load its tables."""
    import opencc

    from .paths import user_cache, write_atomic

    path = user_cache("segment") / f"opencc-{getattr(opencc, '__version__', '0')}-2.normal"
    try:
        known = marshal.loads(path.read_bytes())
        if isinstance(known, dict):
            return known
    except (OSError, ValueError, EOFError, TypeError):
        pass
    chars = [chr(c) for low, high in _RANGES for c in range(low, high + 1)]
    traditional = opencc.OpenCC("s2t").convert("\n".join(chars)).split("\n")
    simplified = opencc.OpenCC("t2s").convert("\n".join(traditional)).split("\n")
    table = {c: n for c, n in zip(chars, simplified, strict=True) if len(n) == 1 and n != c}
    table = {c: _KEPT.get(n, n) for c, n in table.items()}
    table.update({c: n for c, n in _KEPT.items()})
    try:
        write_atomic(path, marshal.dumps(table))
    except OSError:  # a read-only cache: made again next time
        pass
    return table


def source_texts(handbook: Any, lang: str) -> dict[str, str]:
    """Anchor -> "title\\ntext" of the source-language handbook's rules, phrase cards,
    groups and chapters, when it is Chinese and lang is Chinese in the other script: a
    Simplified query finds a rule of the Traditional site by the words of its source (米
    where the translation says 公尺)."""
    source = str(handbook.meta.source_language)
    if source == lang or not (source.startswith("zh") and lang.startswith("zh")):
        return {}
    out: dict[str, str] = {}
    for section in handbook.sections:
        out[str(section.id)] = f"{section.title}\n{section.summary}"
        for group in section.groups:
            out[f"{section.id}-{group.id}"] = f"{group.title}\n{group.intro or ''}"
            for rule in group.rules:
                body = [rule.text, rule.measure or "", *rule.steps, *rule.do, *rule.dont]
                out[str(rule.id).lower()] = f"{rule.title}\n" + " ".join(map(str, body))
        for pgroup in section.phrase_groups:
            out[f"{section.id}-{pgroup.id}"] = f"{pgroup.title}\n{pgroup.intro or ''}"
            for phrase in pgroup.phrases:
                body = [phrase.say, phrase.avoid or "", phrase.why or ""]
                out[str(phrase.id).lower()] = f"{phrase.situation}\n" + " ".join(map(str, body))
    return out


def vocabulary(texts: list[str], normalise: Normaliser,
               known: dict[str, int] | None = None) -> dict[str, int]:
    """The Chinese words jieba cuts the texts into, each with its cost (tenths of -log p).

    ``known`` holds costs an earlier build worked out with the same dictionary: only words
    not in it need jieba's dictionary, so a rebuild that brings no new word opens none of it.
    """
    from .segment import segmenter

    seg = segmenter()
    words: set[str] = set()
    for text in texts:
        for run in _CJK_RUN.findall(normalise(text)):
            words.update(w for w in seg.cut_for_search(run) if len(w) > 1)
    known = known or {}
    costs: dict[str, int] = {}
    missing = [w for w in words if w not in known]
    if missing:
        total = max(seg.total(), 1)
        costs = {w: round(10 * math.log(total / max(seg.frequency(w), 1))) for w in missing}
    return {w: known[w] if w in known else costs[w] for w in sorted(words)}


@dataclass
class IndexStats:
    units: int
    words: int
    size: int


PAGES_NAME = "hb-search-pages.marshal"
PARSER_VERSION = 4  # raise when _PageParser reads a page differently


def _read_pages(outdir: Path, cache: Path | None) -> list[tuple[str, list[str], list[Any]]]:
    """(page, its navigation, its units) of every page; a page whose HTML did not change
    since the last build is not parsed again."""
    import hashlib
    known: dict[str, Any] = {}
    if cache is not None:
        try:
            known = marshal.loads((cache / PAGES_NAME).read_bytes())
            if not isinstance(known, dict):
                known = {}
        except (OSError, ValueError, EOFError, TypeError):
            known = {}
    pages, now = [], {}
    for path in sorted(outdir.glob("*.html")):
        if path.name in SKIP_PAGES:
            continue
        html = path.read_bytes()
        digest = hashlib.sha256(html).hexdigest()
        entry = known.get(path.name)
        digest = f"{PARSER_VERSION}:{digest}"
        if not (isinstance(entry, tuple) and entry[0] == digest):
            parser = _PageParser()
            parser.feed(html.decode("utf-8"))
            parser.close()
            entry = (digest, parser.nav, [u.row() for u in parser.units])
        now[path.name] = entry
        pages.append((path.name, entry[1], entry[2]))
    if cache is not None and now != known:
        from .paths import write_atomic

        write_atomic(cache / PAGES_NAME, marshal.dumps(now))
    return pages


def build_index(outdir: Path, lang: str, roles: dict[str, str], cache: Path | None = None,
                alternates: dict[str, str] | None = None) -> IndexStats:
    """Write ``hb-search-index.js`` and ``_static/hb-stemmer.js`` into a built site.

    ``cache`` (the Sphinx doctree folder) keeps the parsed pages for the next build of the
    same project (the cut texts and word costs are kept per user: handbook/segment.py);
    ``alternates`` are the source-language texts by anchor
    (source_texts), matched too where the source is Chinese in the other script."""
    from .segment import segmenter

    pages = _read_pages(outdir, cache)
    nav = next((n for name, n, _ in pages if name == "index.html"), [])
    order = {name: i for i, name in enumerate(["index.html", *nav])}
    pages.sort(key=lambda p: (order.get(p[0], len(order)), p[0]))
    role_ids = list(roles)
    role_index = {r: i for i, r in enumerate(role_ids)}
    chapters, docs = [], []
    for number, (name, _, units) in enumerate(pages):
        chapters.append([name, units[0][3] if units else name])
        for kind, anchor, code, title, text, unit_roles in units:
            docs.append([kind, number, anchor, code, title, text,
                         [role_index[r] for r in unit_roles if r in role_index]])
    texts = [f"{d[4]}\n{d[5]}" for d in docs]
    chinese = any(_CJK.search(t) for t in texts)
    table = script_table(texts) if chinese else {}
    if chinese:  # as the other script words it (三米 / 三公尺): matched, never shown
        normal = Normaliser(table)
        for doc, text in zip(docs, list(texts), strict=True):
            alt = (alternates or {}).get(doc[2])
            if alt and normal(alt) != normal(text):
                doc.append(alt)
                texts.append(alt)
        table = script_table(texts)
    words: dict[str, int] = {}
    if chinese:
        seg = segmenter()
        seg.load_memo()
        known = seg.read_table(seg.costs_file)
        words = vocabulary(texts, Normaliser(table), known)
        seg.save_memo()
        if any(word not in known for word in words):
            seg.save_table(seg.costs_file, words, set(words))
    data = {"lang": lang, "chapters": chapters,
            "roles": [[r, roles[r]] for r in role_ids], "docs": docs,
            "t2s": "".join(k + v for k, v in table.items()), "words": words}
    script = ("window.HB_SEARCH_INDEX = "
              + json.dumps(data, ensure_ascii=False, separators=(",", ":")) + ";\n")
    _write_if_changed(outdir / INDEX_NAME, script.encode("utf-8"))
    _write_if_changed(outdir / STEMMER_NAME, stemmer_script())
    return IndexStats(len(docs), len(words), len(script.encode("utf-8")))


def read_index(path: Path) -> dict[str, Any]:
    """The data of a written ``hb-search-index.js``."""
    text = path.read_text(encoding="utf-8")
    prefix = "window.HB_SEARCH_INDEX = "
    if not text.startswith(prefix):
        raise ValueError(f"{path}: not a search index")
    data: dict[str, Any] = json.loads(text[len(prefix):].rstrip().removesuffix(";"))
    return data


def stemmer_script() -> bytes:
    """Sphinx's Snowball stemmers for English, as one script (BSD licence, in the file)."""
    import importlib.util  # found, not imported: sphinx.search loads every language's stemmer

    spec = importlib.util.find_spec("sphinx.search")
    assert spec is not None and spec.origin is not None
    folder = Path(spec.origin).parent / "minified-js"
    parts = [(folder / name).read_bytes() for name in ("base-stemmer.js", "english-stemmer.js")]
    return b"\n".join(parts)


def _write_if_changed(path: Path, data: bytes) -> None:
    if path.is_file() and path.read_bytes() == data:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
