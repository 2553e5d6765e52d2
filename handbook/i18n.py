"""Model <-> gettext catalogs, reading side: messages of a model, .po files, translation.

Translation happens on the content model, not in Sphinx: every ``Text`` field is one
message whose msgctxt is its key path with rule IDs (``groups[smile].rules[STD-SMI-001].text``),
one catalog per section. A translated model carries, on each string, whether it is
translated, fuzzy (out of date) or missing, so readers can be told. Writing catalogs and
counting them (extract, update, stats, add) is catalogs.py.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import re
import typing
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import polib
from pydantic import BaseModel

from . import pocheck
from .errors import Location, Problem, Report, display_path
from .load import format_key_path
from .log import logger
from .model import TRANSLATABLE
from .paths import Paths, po_file, write_atomic
from .text import control_problem

if typing.TYPE_CHECKING:
    from .validate import Handbook

HANDBOOK_DOMAIN = "handbook"
TEMPLATES = "templates"
_PLACEHOLDER = re.compile(r"\{[a-z_][a-z0-9_]*\}|%\([a-z_]+\)[sd]|%[sd]")
_MARKUP = re.compile(r"^\s*\.\.\s+[a-z:-]+::|javascript\s*:|<\s*script|:[\w-]+:`", re.I | re.M)
PLURALS = {"zh": "nplurals=1; plural=0;", "ja": "nplurals=1; plural=0;"}


class TStr(str):
    """A string of a translated model, knowing whether it is a real translation."""

    status: str = "ok"
    """ok, fuzzy (translation out of date: source shown) or missing (source shown)."""
    lang: str = ""
    """Language the text is actually in (the source language when not translated)."""

    @classmethod
    def make(cls, text: str, status: str, lang: str) -> TStr:
        out = cls(text)
        out.status = status
        out.lang = lang
        return out


@dataclass(frozen=True)
class Message:
    """One translatable string of the content, with what a translator needs to know."""

    domain: str
    context: str
    msgid: str
    comment: str
    occurrence: tuple[str, int]


@dataclass(frozen=True)
class Entry:
    msgstr: str
    fuzzy: bool
    msgid: str
    line: int


Catalog = dict[tuple[str, str], Entry]
"""(domain, msgctxt) -> translation, for one language."""


# --- walking the model ---------------------------------------------------------------------


def _has_marker(tp: Any) -> bool:
    if typing.get_origin(tp) is typing.Annotated:
        args = typing.get_args(tp)
        return any(a is TRANSLATABLE for a in args[1:]) or _has_marker(args[0])
    return any(_has_marker(a) for a in typing.get_args(tp))


@cache
def _text_fields(cls: type[BaseModel]) -> frozenset[str]:
    out = set()
    for name, info in cls.model_fields.items():
        if any(m is TRANSLATABLE for m in info.metadata) or _has_marker(info.annotation):
            out.add(name)
    return frozenset(out)


def _inline(item: BaseModel) -> str | None:
    """The one translatable field of a list item that reads as text (a plan step), whose
    context is the item's own (first_week[2]), as when the item was a plain string."""
    return getattr(type(item), "translation_context", None)


def _walk(obj: BaseModel, ctx: str, key: tuple[Any, ...], rule: str) -> Iterator[
        tuple[str, tuple[Any, ...], str, str]]:
    """Yield (msgctxt, key path, rule id, text) for every translatable string of obj."""
    texts = _text_fields(type(obj))
    own_id = getattr(obj, "id", None)
    if isinstance(own_id, str) and re.fullmatch(r"[A-Z]{2,4}-[A-Z0-9]{2,4}-[0-9]{3}", own_id):
        rule = own_id
    for name in type(obj).model_fields:
        value = getattr(obj, name)
        here = f"{ctx}.{name}" if ctx else name
        if value is None:
            continue
        if name in texts:
            if isinstance(value, list):
                for i, item in enumerate(value):
                    yield f"{here}[{i}]", (*key, name, i), rule, item
            else:
                yield here, (*key, name), rule, value
        elif isinstance(value, BaseModel):
            yield from _walk(value, here, (*key, name), rule)
        elif isinstance(value, list):
            for i, item in enumerate(value):
                if isinstance(item, BaseModel) and (field := _inline(item)):
                    yield f"{here}[{i}]", (*key, name, i), rule, getattr(item, field)
                elif isinstance(item, BaseModel):
                    seg = getattr(item, "id", None) or i
                    yield from _walk(item, f"{here}[{seg}]", (*key, name, i), rule)


def iter_messages(handbook: Handbook) -> Iterator[Message]:
    """Every translatable string of the handbook, in file order."""
    units: list[tuple[str, BaseModel]] = [(HANDBOOK_DOMAIN, handbook.meta)]
    units += [(s.id, s) for s in handbook.sections]
    owns = handbook.provenance.owns if handbook.provenance else None  # a layer: its own only
    for domain, obj in units:
        # relative to the data folder, wherever the command runs from
        short = "handbook.yaml" if domain == HANDBOOK_DOMAIN else f"sections/{domain}.yaml"
        lines = handbook.lines.get(domain, {})
        for ctx, key, rule, text in _walk(obj, "", (), ""):
            if owns is not None and not owns(domain, key):
                continue
            comment = f"{short} {format_key_path(key)}" + (f" (rule {rule})" if rule else "")
            yield Message(domain, ctx, text, comment, (short, lines.get(key, 0)))
        if handbook.provenance is not None:  # the reasons of the layer's changes, removals
            for change in handbook.provenance.changes:
                if change.section == domain and change.reason and change.reason_ctx:
                    yield Message(domain, change.reason_ctx, change.reason,
                                  f"{short} {change.reason_ctx} (why the layer {change.kind} "
                                  f"{change.id})", (short, change.reason_line))


def translate(handbook: Handbook, lang: str, catalog: Catalog | None) -> Handbook:
    """A copy of the handbook whose texts are in lang where translated, else the source."""
    import dataclasses

    source = handbook.meta.source_language

    def convert(obj: BaseModel, domain: str, ctx: str) -> BaseModel:
        texts = _text_fields(type(obj))
        update: dict[str, Any] = {}
        for name in type(obj).model_fields:
            value = getattr(obj, name)
            here = f"{ctx}.{name}" if ctx else name
            if value is None:
                continue
            if name in texts:
                if isinstance(value, list):
                    update[name] = [one(domain, f"{here}[{i}]", v) for i, v in enumerate(value)]
                else:
                    update[name] = one(domain, here, value)
            elif isinstance(value, BaseModel):
                update[name] = convert(value, domain, here)
            elif isinstance(value, list) and value and isinstance(value[0], BaseModel) \
                    and (field := _inline(value[0])):
                update[name] = [item.model_copy(update={field: one(
                    domain, f"{here}[{i}]", getattr(item, field))}) for i, item in enumerate(value)]
            elif isinstance(value, list) and value and isinstance(value[0], BaseModel):
                update[name] = [
                    convert(item, domain, f"{here}[{getattr(item, 'id', None) or i}]")
                    for i, item in enumerate(value)
                ]
        return obj.model_copy(update=update)

    def one(domain: str, ctx: str, text: str) -> TStr:
        if catalog is None or lang == source:
            return TStr.make(text, "ok", source)
        entry = catalog.get((domain, ctx))
        if entry is None or not entry.msgstr:
            return TStr.make(text, "missing", source)
        if entry.fuzzy or entry.msgid != text:
            return TStr.make(text, "fuzzy", source)
        return TStr.make(entry.msgstr, "ok", lang)

    meta = convert(handbook.meta, HANDBOOK_DOMAIN, "")
    sections = [convert(s, s.id, "") for s in handbook.sections]
    provenance = handbook.provenance
    if provenance is not None:  # a layer's changes: titles and reasons on local-rules
        provenance = dataclasses.replace(provenance, changes=[dataclasses.replace(
            c, title=one(c.section, c.title_ctx, c.title) if c.title_ctx else c.title,
            reason=one(c.section, c.reason_ctx, c.reason) if c.reason and c.reason_ctx
            else c.reason) for c in provenance.changes])
    return dataclasses.replace(handbook, meta=meta, sections=sections,  # type: ignore[arg-type]
                               provenance=provenance)


# --- reading catalogs ----------------------------------------------------------------------


def domains(handbook: Handbook) -> list[str]:
    return [HANDBOOK_DOMAIN, *(s.id for s in handbook.sections)]


def load_catalog(paths: Paths, lang: str, domain_names: list[str], report: Report,
                 cache: Path | None = None) -> Catalog:
    """Read a language's .po files; every problem goes to report with file:line.

    With a cache folder, a file whose bytes were read before is not parsed again: what it
    held and the problems found in it come from the cache.
    """
    catalog: Catalog = {}
    for domain in domain_names:
        path = po_file(paths.locales, lang, domain)
        if os.path.lexists(path):  # a link or a pipe is refused by read_catalog, not skipped
            display = display_path(path, paths.data)
            entries = (read_po(path, display, report, paths.data) if cache is None
                       else _read_po_cached(path, display, report, cache, paths.data))
            for (ctx, entry) in entries.items():
                catalog[(domain, ctx)] = entry
    return catalog


_CACHE_FORMAT = 2


def _read_po_cached(path: Path, display: str, report: Report, cache: Path,
                    root: Path) -> dict[str, Entry]:
    data = pocheck.read_catalog(root, path, display, report)
    if data is None:
        return {}
    digest = hashlib.sha256(data).hexdigest()
    stored = cache / f"{hashlib.sha256(display.encode()).hexdigest()[:24]}.marshal"
    try:
        form, seen, entries, problems = marshal.loads(stored.read_bytes())
        if form == _CACHE_FORMAT and seen == digest:
            for where, message, category, severity in problems:
                report.problems.append(Problem(Location(*where), message, category, severity))
            return {ctx: Entry(*fields) for ctx, fields in entries.items()}
    except (OSError, ValueError, EOFError, TypeError):
        pass  # not cached yet, or unreadable: parse
    own = Report()
    out = parse_po(data, display, own)
    report.problems += own.problems
    record = (_CACHE_FORMAT, digest,
              {ctx: (e.msgstr, e.fuzzy, e.msgid, e.line) for ctx, e in out.items()},
              [((p.location.path, p.location.line, p.location.col, p.location.key_path),
                p.message, p.category, p.severity) for p in own.problems])
    try:
        write_atomic(stored, marshal.dumps(record))
    except OSError as exc:
        logger.debug("cannot cache %s: %s", display, exc)
    return out


def read_po(path: Path, display: str, report: Report, root: Path | None = None,
            labels: bool = False) -> dict[str, Entry]:
    """Parse one .po strictly: a regular file below root (default: its folder) of bounded
    size, syntax, UTF-8, duplicates, placeholders, markup; labels: see parse_po."""
    data = pocheck.read_catalog(path.parent if root is None else root, path, display, report)
    return {} if data is None else parse_po(data, display, report, labels)


def parse_po(data: bytes, display: str, report: Report, labels: bool = False
             ) -> dict[str, Entry]:
    """The entries of a .po file's bytes, by msgctxt (or msgid); problems go to report.

    labels: a theme's catalog, where a msgctxt only tells apart labels with the same msgid:
    entries are keyed ``msgctxt + "\\x04" + msgid`` (gettext's pgettext key), or msgid.
    """
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        report.error(Location(display, line, 1), f"expected UTF-8 text, got byte "
                     f"0x{data[exc.start]:02x}", "i18n.encoding")
        return {}
    syntax = _po_syntax_error(text)
    if syntax:
        line, message = syntax
        report.error(Location(display, line, 1), message, "i18n.syntax")
        return {}
    if pocheck.charset_problem(text, display, report):
        return {}
    try:
        po = polib.pofile(text, wrapwidth=0)
    except (OSError, ValueError) as exc:
        match = re.search(r"line (\d+)", str(exc))
        line = int(match.group(1)) if match else 1
        report.error(Location(display, line, 1), f"invalid .po file: {exc}", "i18n.syntax")
        return {}
    out: dict[str, Entry] = {}
    for entry in po:
        if entry.obsolete or not entry.msgid:
            continue
        line = entry.linenum or 1
        where = Location(display, line, 1, entry.msgctxt or "")
        key = entry.msgctxt or entry.msgid
        if labels and entry.msgctxt:
            key = f"{entry.msgctxt}\x04{entry.msgid}"
        if key in out:
            report.error(where, f"duplicate entry {key!r}: expected each msgctxt/msgid once, got "
                         f"it again (first at line {out[key].line})", "i18n.duplicate")
            continue
        fuzzy = "fuzzy" in entry.flags
        control = control_problem(entry.msgstr)
        if control:
            report.error(where, control, "i18n.control-char")
            continue
        msgstr = pocheck.non_blank(entry.msgstr, where, report)
        if msgstr and not fuzzy:
            want = sorted(_PLACEHOLDER.findall(entry.msgid))
            have = sorted(_PLACEHOLDER.findall(entry.msgstr))
            if want != have:
                report.error(where, f"placeholders differ: expected {want}, got {have}",
                             "i18n.placeholder")
                continue
            if _MARKUP.search(entry.msgstr) and not _MARKUP.search(entry.msgid):
                report.warning(where, "translation looks like markup (directive, role, script or "
                               "javascript: link); it is shown as plain text", "i18n.markup")
        out[key] = Entry(msgstr, fuzzy, entry.msgid, line)
    return out


_PO_LINE = re.compile(
    r'^(#.*|msgctxt\s+".*"|msgid\s+".*"|msgid_plural\s+".*"|msgstr(\[\d+\])?\s+".*"|".*"|\s*)$'
)


def _po_syntax_error(text: str) -> tuple[int, str] | None:
    """The first line that is not .po syntax (polib accepts some broken files silently)."""
    state = "start"
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if stripped.startswith(('"', "msgctxt", "msgid", "msgstr")) and '"' in stripped \
                and not _closed(stripped[stripped.index('"'):]):
            return number, f"expected a closing quote, got {stripped[:40]!r}"
        if not _PO_LINE.match(stripped):
            return number, f"expected a comment, msgctxt, msgid, msgstr or a quoted string, got " \
                           f"{stripped[:40]!r}"
        if stripped.startswith("msgid "):
            state = "msgid"
        elif stripped.startswith("msgstr"):
            if state not in ("msgid", "msgstr"):
                return number, "expected msgid before msgstr, got msgstr alone"
            state = "msgstr"
        elif stripped.startswith('"') and state == "start":
            return number, "expected msgid or msgctxt before a string, got a string alone"
    return None


_QUOTED = re.compile(r'"(?:[^"\\]|\\.)*"\s*')


def _closed(quoted: str) -> bool:
    """Whether a line's quoted string ends at its closing quote (escapes honoured)."""
    return _QUOTED.fullmatch(quoted) is not None


# --- theme labels --------------------------------------------------------------------------


def theme_labels(theme_dirs: list[Path], lang: str, report: Report) -> dict[str, str]:
    """msgid -> msgstr of the theme's own labels (search, next, owner …) for lang; a label
    with a msgctxt is keyed ``msgctxt + "\\x04" + msgid``, as gettext's pgettext does."""
    labels: dict[str, str] = {}
    for folder in reversed(theme_dirs):
        path = folder / "locales" / lang / "LC_MESSAGES" / "theme.po"
        if os.path.lexists(path):
            for key, entry in read_po(path, display_path(path, folder), report, folder,
                                      labels=True).items():
                if entry.msgstr and not entry.fuzzy:
                    labels[key] = entry.msgstr
    return labels
