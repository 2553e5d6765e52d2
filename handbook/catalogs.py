"""Catalogs on disk -> written and measured: extract, update, stats, add a language, and
the ``i18n`` command. Reading them and translating a model is i18n.py."""

from __future__ import annotations

import re
import typing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polib

from . import pocheck
from .errors import ContentError, Report
from .i18n import (
    PLURALS,
    TEMPLATES,
    Catalog,
    Message,
    domains,
    iter_messages,
    load_catalog,
    parse_po,
)
from .log import logger
from .paths import Paths, po_file

if typing.TYPE_CHECKING:
    from .validate import Handbook


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
        path = paths.locales / TEMPLATES / f"{domain}.pot"
        if not messages and handbook.provenance is not None:
            path.unlink(missing_ok=True)  # a layer has templates of its own strings only
            continue
        pot = polib.POFile(wrapwidth=0)
        _header(pot, None, handbook)
        pot.extend(_pot_entries(messages))
        written.append(pocheck.save_catalog(paths.data, path, pot.__unicode__()))
    return written


def update(handbook: Handbook, paths: Paths, languages: list[str],
           prefill: Any = None) -> dict[str, dict[str, int]]:
    """Merge the current messages into each language's catalogs, like msgmerge --previous.

    A message whose source text changed keeps its translation, becomes fuzzy and keeps the
    old source as ``#| msgid``; removed messages become obsolete (``#~``).
    """
    report = Report()  # every catalog is checked before any is rewritten
    files = [po_file(paths.locales, lang, domain) for lang in languages
             for domain in domains(handbook)]
    read = pocheck.read_catalogs(paths.data, files, report, parse_po)
    report.raise_if_errors("reading translations")
    counts: dict[str, dict[str, int]] = {}
    for lang in languages:
        tally = {"new": 0, "fuzzy": 0, "obsolete": 0}
        for domain, messages in _by_domain(handbook).items():
            path = po_file(paths.locales, lang, domain)
            old: dict[str, polib.POEntry] = {}
            retired: dict[str, polib.POEntry] = {}
            plurals: list[polib.POEntry] = []  # no message of the model has plural forms
            if path in read:  # checked above: UTF-8, whatever the header said
                for entry in polib.pofile(read[path].decode("utf-8"), wrapwidth=0):
                    if entry.msgid_plural:
                        plurals.append(entry)
                    elif not entry.obsolete:
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
            for gone in [*old.values(), *plurals]:
                if gone.obsolete:  # a plural entry retired before
                    po.append(gone)
                elif pocheck.has_translation(gone):
                    gone.obsolete = True
                    po.append(gone)
                    tally["obsolete"] += 1
            po.extend(e for key, e in retired.items() if key not in old)
            if not po and handbook.provenance is not None:
                path.unlink(missing_ok=True)  # a layer keeps catalogs of its own strings only
                continue
            pocheck.save_catalog(paths.data, path, po.__unicode__())
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
