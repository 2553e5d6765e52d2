"""Model <-> gettext catalogs: extract, update, stats, add a language, translate a model.

Translation happens on the content model, not in Sphinx: every ``Text`` field is one
message whose msgctxt is its key path with rule IDs (``groups[smile].rules[STD-SMI-001].text``),
one catalog per section. A translated model carries, on each string, whether it is
translated, fuzzy (out of date) or missing, so readers can be told.
"""

from __future__ import annotations

import hashlib
import marshal
import re
import typing
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import polib
from pydantic import BaseModel

from .errors import ContentError, Location, Problem, Report, display_path
from .load import format_key_path
from .log import logger
from .model import TRANSLATABLE
from .paths import Paths, po_file, write_atomic

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
                if isinstance(item, BaseModel):
                    seg = getattr(item, "id", None) or i
                    yield from _walk(item, f"{here}[{seg}]", (*key, name, i), rule)


def iter_messages(handbook: Handbook) -> Iterator[Message]:
    """Every translatable string of the handbook, in file order."""
    units: list[tuple[str, BaseModel]] = [(HANDBOOK_DOMAIN, handbook.meta)]
    units += [(s.id, s) for s in handbook.sections]
    for domain, obj in units:
        # relative to the data folder, wherever the command runs from
        short = "handbook.yaml" if domain == HANDBOOK_DOMAIN else f"sections/{domain}.yaml"
        lines = handbook.lines.get(domain, {})
        for ctx, key, rule, text in _walk(obj, "", (), ""):
            comment = f"{short} {format_key_path(key)}" + (f" (rule {rule})" if rule else "")
            yield Message(domain, ctx, text, comment, (short, lines.get(key, 0)))


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
    return dataclasses.replace(handbook, meta=meta, sections=sections)  # type: ignore[arg-type]


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
        if path.is_file():
            display = display_path(path, paths.data)
            entries = (read_po(path, display, report) if cache is None
                       else _read_po_cached(path, display, report, cache))
            for (ctx, entry) in entries.items():
                catalog[(domain, ctx)] = entry
    return catalog


_CACHE_FORMAT = 1


def _read_po_cached(path: Path, display: str, report: Report, cache: Path) -> dict[str, Entry]:
    data = path.read_bytes()
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


def read_po(path: Path, display: str, report: Report, labels: bool = False
            ) -> dict[str, Entry]:
    """Parse one .po strictly: syntax, UTF-8, duplicates, placeholders, markup."""
    return parse_po(path.read_bytes(), display, report, labels)


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
        if entry.msgstr and not fuzzy:
            want = sorted(_PLACEHOLDER.findall(entry.msgid))
            have = sorted(_PLACEHOLDER.findall(entry.msgstr))
            if want != have:
                report.error(where, f"placeholders differ: expected {want}, got {have}",
                             "i18n.placeholder")
                continue
            if _MARKUP.search(entry.msgstr) and not _MARKUP.search(entry.msgid):
                report.warning(where, "translation looks like markup (directive, role, script or "
                               "javascript: link); it is shown as plain text", "i18n.markup")
        out[key] = Entry(entry.msgstr, fuzzy, entry.msgid, line)
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


# --- writing catalogs ----------------------------------------------------------------------


def _header(po: polib.POFile, lang: str | None, handbook: Handbook) -> None:
    date = f"{handbook.meta.effective.isoformat()} 00:00+0000"
    po.metadata = {
        "Project-Id-Version": f"{handbook.meta.organisation.name} {handbook.meta.version}",
        "Report-Msgid-Bugs-To": "",
        "POT-Creation-Date": date,
        "PO-Revision-Date": date,
        "Last-Translator": "",
        "Language-Team": "",
        "Language": lang or "",
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
        "Plural-Forms": PLURALS.get((lang or "")[:2], "nplurals=2; plural=(n != 1);"),
    }


def _pot_entries(messages: list[Message]) -> list[polib.POEntry]:
    return [
        polib.POEntry(msgctxt=m.context, msgid=m.msgid, msgstr="", comment=m.comment,
                      occurrences=[m.occurrence])
        for m in messages
    ]


def _by_domain(handbook: Handbook) -> dict[str, list[Message]]:
    out: dict[str, list[Message]] = {d: [] for d in domains(handbook)}
    for message in iter_messages(handbook):
        out[message.domain].append(message)
    return out


def extract(handbook: Handbook, paths: Paths) -> list[Path]:
    """Write <locales>/templates/<domain>.pot from the source language only."""
    written = []
    for domain, messages in _by_domain(handbook).items():
        pot = polib.POFile(wrapwidth=0)
        _header(pot, None, handbook)
        pot.extend(_pot_entries(messages))
        path = paths.locales / TEMPLATES / f"{domain}.pot"
        written.append(_save(pot, path))
    return written


def _save(po: polib.POFile, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = po.__unicode__()
    if not path.is_file() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")
    return path


def update(handbook: Handbook, paths: Paths, languages: list[str],
           prefill: Any = None) -> dict[str, dict[str, int]]:
    """Merge the current messages into each language's catalogs, like msgmerge --previous.

    A message whose source text changed keeps its translation, becomes fuzzy and keeps the
    old source as ``#| msgid``; removed messages become obsolete (``#~``).
    """
    report = Report()  # every catalog is checked before any is rewritten
    for lang in languages:
        for domain in domains(handbook):
            path = po_file(paths.locales, lang, domain)
            if path.is_file():
                read_po(path, display_path(path, paths.data), report)
    report.raise_if_errors("reading translations")
    counts: dict[str, dict[str, int]] = {}
    for lang in languages:
        tally = {"new": 0, "fuzzy": 0, "obsolete": 0}
        for domain, messages in _by_domain(handbook).items():
            path = po_file(paths.locales, lang, domain)
            old: dict[str, polib.POEntry] = {}
            retired: dict[str, polib.POEntry] = {}
            if path.is_file():
                for entry in polib.pofile(str(path), wrapwidth=0):
                    if not entry.obsolete:
                        old[entry.msgctxt or entry.msgid] = entry
                    else:  # kept, like msgmerge does, and revived if the message returns
                        retired.setdefault(entry.msgctxt or entry.msgid, entry)
            po = polib.POFile(wrapwidth=0)
            _header(po, lang, handbook)
            for message in messages:
                entry = polib.POEntry(msgctxt=message.context, msgid=message.msgid,
                                      comment=message.comment, occurrences=[message.occurrence])
                previous = old.pop(message.context, None) or retired.pop(message.context, None)
                if previous is not None:
                    entry.msgstr = previous.msgstr
                    entry.flags = [f for f in previous.flags if f != "fuzzy"]
                    entry.tcomment = previous.tcomment
                    if previous.msgid != message.msgid and previous.msgstr:
                        entry.flags.append("fuzzy")
                        entry.previous_msgid = previous.previous_msgid or previous.msgid
                        tally["fuzzy"] += 1
                    elif "fuzzy" in previous.flags:
                        entry.flags.append("fuzzy")
                        entry.previous_msgid = previous.previous_msgid
                elif prefill is not None:
                    entry.msgstr = prefill(message.msgid)
                    entry.flags = ["fuzzy"]
                    tally["new"] += 1
                else:
                    tally["new"] += 1
                po.append(entry)
            for gone in old.values():
                if gone.msgstr:
                    gone.obsolete = True
                    po.append(gone)
                    tally["obsolete"] += 1
            po.extend(e for key, e in retired.items() if key not in old)
            _save(po, path)
        counts[lang] = tally
    return counts


@dataclass
class Stat:
    translated: int = 0
    fuzzy: int = 0
    untranslated: int = 0

    @property
    def total(self) -> int:
        return self.translated + self.fuzzy + self.untranslated

    @property
    def percent(self) -> float:
        return 100.0 * self.translated / self.total if self.total else 100.0


def stats(handbook: Handbook, catalog: Catalog, lang: str) -> dict[str, Stat]:
    """Per domain: translated / fuzzy (incl. out of date) / untranslated current messages."""
    out = {d: Stat() for d in domains(handbook)}
    for message in iter_messages(handbook):
        entry = catalog.get((message.domain, message.context))
        stat = out[message.domain]
        if entry is None or not entry.msgstr:
            stat.untranslated += 1
        elif entry.fuzzy or entry.msgid != message.msgid:
            stat.fuzzy += 1
        else:
            stat.translated += 1
    return out


def release_ready(handbook: Handbook, per_domain: dict[str, Stat]) -> tuple[bool, float]:
    """Whether a language passes the release gate, and its share of required messages."""
    required = handbook.meta.release.required_sections or [s.id for s in handbook.sections]
    done = sum(per_domain[d].translated for d in required if d in per_domain)
    total = sum(per_domain[d].total for d in required if d in per_domain)
    percent = 100.0 * done / total if total else 100.0
    return percent >= handbook.meta.release.threshold, percent


def s2twp() -> Any:
    """Simplified -> Traditional (Taiwan, with phrases) converter from OpenCC."""
    import opencc

    return opencc.OpenCC("s2twp").convert


# --- theme labels --------------------------------------------------------------------------


def theme_labels(theme_dirs: list[Path], lang: str, report: Report) -> dict[str, str]:
    """msgid -> msgstr of the theme's own labels (search, next, owner …) for lang; a label
    with a msgctxt is keyed ``msgctxt + "\\x04" + msgid``, as gettext's pgettext does."""
    labels: dict[str, str] = {}
    for folder in reversed(theme_dirs):
        path = folder / "locales" / lang / "LC_MESSAGES" / "theme.po"
        if path.is_file():
            for key, entry in read_po(path, display_path(path, folder), report,
                                      labels=True).items():
                if entry.msgstr and not entry.fuzzy:
                    labels[key] = entry.msgstr
    return labels


# --- command line --------------------------------------------------------------------------


def run_command(action: str, paths: Paths, lang: str | None, languages: list[str] | None,
                check: int | None) -> int:
    from .errors import UsageError
    from .validate import load_handbook

    handbook, _ = load_handbook(paths.data)
    targets = languages or handbook.meta.languages
    if action == "extract":
        for path in extract(handbook, paths):
            logger.info("wrote %s", path)
        return 0
    if action == "update":
        for name, tally in update(handbook, paths, targets).items():
            logger.info("updated %s: %d new, %d now fuzzy, %d obsolete", name, tally["new"],
                        tally["fuzzy"], tally["obsolete"])
        extract(handbook, paths)
        return 0
    if action == "add":
        if not lang or not re.fullmatch(r"[a-z]{2,3}(_[A-Z]{2})?", lang):
            raise UsageError(f"expected a language code like ja or zh_TW, got {lang!r}")
        if lang == handbook.meta.source_language:
            raise UsageError(f"{lang} is the source language")
        prefill = s2twp() if lang == "zh_TW" and handbook.meta.source_language == "zh_CN" \
            else None
        tally = update(handbook, paths, [lang], prefill=prefill)[lang]
        extract(handbook, paths)
        added = _add_language_to_config(paths.data / "handbook.yaml", lang)
        logger.info("added %s: %d messages%s%s", lang, tally["new"],
                    " pre-filled with OpenCC s2twp and marked fuzzy for review" if prefill
                    else "", "; listed in handbook.yaml languages" if added else "")
        return 0
    # stats
    report = Report()
    rows = []
    failing = []
    for name in targets:
        catalog = load_catalog(paths, name, domains(handbook), report)
        report.raise_if_errors("reading translations")
        per = stats(handbook, catalog, name)
        for domain, stat in per.items():
            rows.append((name, domain, stat))
        total = Stat(sum(s.translated for s in per.values()), sum(s.fuzzy for s in per.values()),
                     sum(s.untranslated for s in per.values()))
        rows.append((name, "TOTAL", total))
        if check is not None and total.percent < check:
            failing.append(f"{name} {total.percent:.1f}%")
    print(f"{'language':<9} {'section':<12} {'translated':>10} {'fuzzy':>6} "  # noqa: T201
          f"{'untransl.':>9} {'done':>7}")
    for name, domain, stat in rows:
        print(f"{name:<9} {domain:<12} {stat.translated:>10} {stat.fuzzy:>6} "  # noqa: T201
              f"{stat.untranslated:>9} {stat.percent:>6.1f}%")
    if failing:
        logger.error("below --check %d%%: %s", check, ", ".join(failing))
        return 1
    return 0


def _add_language_to_config(path: Path, lang: str) -> bool:
    """Add lang to handbook.yaml's languages list, keeping the file's comments and layout."""
    text = path.read_text(encoding="utf-8")
    match = re.search(r"^languages:[ \t]*\[([^\]\n]*)\][ \t]*(#[^\n]*)?$", text, re.M)
    if match:
        items = [x.strip() for x in match.group(1).split(",") if x.strip()]
        if lang in items:
            return False
        items.append(lang)
        text = text[: match.start(1)] + ", ".join(items) + text[match.end(1):]
    else:
        block = re.search(r"^languages:[ \t]*(#[^\n]*)?\n((?:[ \t]+-[^\n]*\n)*)", text, re.M)
        if not block:
            raise ContentError(f"{path}: expected a 'languages:' list to add {lang} to")
        if re.search(rf"^[ \t]+-[ \t]*{re.escape(lang)}[ \t]*(#.*)?$", block.group(2), re.M):
            return False
        indent = re.match(r"[ \t]+", block.group(2)).group(0) if block.group(2) else "  "  # type: ignore[union-attr]
        text = text[: block.end()] + f"{indent}- {lang}\n" + text[block.end():]
    path.write_text(text, encoding="utf-8")
    return True

