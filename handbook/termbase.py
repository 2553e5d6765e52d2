"""Translation catalogs + glossary -> ``i18n check`` problems at file.po:line, and the term
base exported as TBX or CSV for translation tools (``i18n terms``)."""

from __future__ import annotations

import csv
import io
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import polib

from .errors import Location, Report, display_path
from .glossary import Glossary
from .log import logger
from .paths import Paths, po_file

_PLACEHOLDER = re.compile(r"%(?:\([A-Za-z_]\w*\))?[sdif]|\{[A-Za-z_]\w*\}")
_HAN = r"\u3400-\u9fff"
# ASCII punctuation touching a Chinese character, where Chinese text wants full width.
_ASCII_IN_CHINESE = re.compile(rf"[{_HAN}][,;:!?()]|[,;:!?(][{_HAN}]")
# Chinese full-width punctuation in an English translation ("“" and "”" are English too).
_FULL_WIDTH = re.compile(r"[，。；：！？（）、「」『』【】《》]")
# A mainland mobile number (139 1234 5678) or a 单元-style address in a Taiwan text.
_MAINLAND = re.compile(r"(?<!\d)1[3-9]\d[ -]?\d{4}[ -]?\d{4}(?!\d)|\d+\s*單元")


def _tag(lang: str) -> str:
    """A gettext locale (zh_TW) as a BCP 47 tag (zh-TW) for TBX and CSV headers."""
    return lang.replace("_", "-")


def _fold(text: str) -> str:
    """Case and hyphenation folded: "Three-changes" matches the term "three changes"."""
    return re.sub(r"[\s\-\u2010\u2011]+", " ", text.casefold())


def _entries(path: Path) -> Iterator[polib.POEntry]:
    for entry in polib.pofile(str(path), wrapwidth=0):
        if not entry.obsolete and entry.msgstr and "fuzzy" not in entry.flags:
            yield entry


def check_entry(msgid: str, msgstr: str, lang: str, glossary: Glossary | None) -> list[
        tuple[str, str]]:
    """(message, category) of everything wrong with one translation."""
    out: list[tuple[str, str]] = []
    if glossary is not None:
        low = _fold(msgstr)
        for term in glossary.terms:
            approved = term.translations.get(lang)
            found: dict[str, str] = {}
            for variant in term.forbidden.get(lang, []):
                if _fold(variant) in low:
                    found.setdefault(_fold(variant), variant)
            used = list(found.values())
            for variant in used:
                out.append((f"expected {approved or 'the approved term'!r} for "
                            f"{term.term!r}, got the forbidden variant {variant!r}",
                            "i18n.term"))
            if approved and not used and term.term in msgid and _fold(approved) not in low:
                out.append((f"expected the approved translation {approved!r} of glossary "
                            f"term {term.term!r}, got none", "i18n.term"))
    wanted, got = sorted(_PLACEHOLDER.findall(msgid)), sorted(_PLACEHOLDER.findall(msgstr))
    if wanted != got:
        out.append((f"expected placeholders {wanted}, got {got}", "i18n.placeholder"))
    for side, want, have in (
            ("leading", msgid[: len(msgid) - len(msgid.lstrip())],
             msgstr[: len(msgstr) - len(msgstr.lstrip())]),
            ("trailing", msgid[len(msgid.rstrip()):], msgstr[len(msgstr.rstrip()):])):
        if want != have:
            out.append((f"expected {side} whitespace {want!r} as in the source, got "
                        f"{have!r}", "i18n.whitespace"))
    if lang.startswith("zh"):
        if bad := _ASCII_IN_CHINESE.search(msgstr):
            out.append((f"expected full-width punctuation in Chinese text, got "
                        f"{bad.group()!r}", "i18n.punctuation"))
        if lang in ("zh_TW", "zh_HK") and (bad := _MAINLAND.search(msgstr)):
            out.append((f"expected a local phone number or address format, got the mainland "
                        f"{bad.group()!r}", "i18n.locale"))
    elif bad := _FULL_WIDTH.search(msgstr):
        out.append((f"expected ASCII punctuation in {lang} text, got full-width "
                    f"{bad.group()!r}", "i18n.punctuation"))
    return out


def check(paths: Paths, domains: list[str], languages: list[str],
          glossary: Glossary | None) -> Report:
    """Every problem of every translated, non-fuzzy entry, located at its msgstr line."""
    report = Report()
    for lang in languages:
        for domain in domains:
            path = po_file(paths.locales, lang, domain)
            if not path.is_file():
                continue
            shown = display_path(path, paths.data)
            lines = path.read_text(encoding="utf-8").splitlines()
            for entry in _entries(path):
                line = next((n for n in range(entry.linenum, len(lines) + 1)
                             if lines[n - 1].startswith("msgstr")), entry.linenum)
                for message, category in check_entry(entry.msgid, entry.msgstr, lang,
                                                      glossary):
                    where = Location(shown, line, 1, entry.msgctxt or "")
                    report.error(where, message, category)
    return report


def to_csv(glossary: Glossary, source: str, languages: list[str]) -> str:
    """One row per term: id, the term in every language, definition, forbidden variants."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["id", _tag(source), *map(_tag, languages), "definition", "note",
                     *(f"forbidden {_tag(lang)}" for lang in languages)])
    for term in glossary.terms:
        writer.writerow([term.id, term.term, *(term.translations.get(x, "") for x in languages),
                         term.definition[source], term.note or "",
                         *("; ".join(term.forbidden.get(x, [])) for x in languages)])
    return out.getvalue()


def to_tbx(glossary: Glossary, source: str, languages: list[str], title: str) -> str:
    """TBX (ISO 30042, the martif dialect Weblate, OmegaT and Trados read)."""
    xml_lang = "{http://www.w3.org/XML/1998/namespace}lang"
    root = ET.Element("martif", {"type": "TBX", xml_lang: _tag(source)})
    desc = ET.SubElement(ET.SubElement(ET.SubElement(root, "martifHeader"), "fileDesc"),
                         "sourceDesc")
    ET.SubElement(desc, "p").text = title
    body = ET.SubElement(ET.SubElement(root, "text"), "body")
    for term in glossary.terms:
        entry = ET.SubElement(body, "termEntry", {"id": term.id})
        if term.note:
            ET.SubElement(entry, "note").text = term.note
        for lang in (source, *languages):
            approved = term.term if lang == source else term.translations.get(lang)
            forbidden = term.forbidden.get(lang, [])
            if not approved and not forbidden:
                continue
            lang_set = ET.SubElement(entry, "langSet", {xml_lang: _tag(lang)})
            if lang in term.definition:
                ET.SubElement(lang_set, "descrip", {"type": "definition"}).text = \
                    term.definition[lang]
            for text, status in ([(approved, "preferredTerm-admn-sts")] if approved else []) \
                    + [(v, "deprecatedTerm-admn-sts") for v in forbidden]:
                tig = ET.SubElement(lang_set, "tig")
                ET.SubElement(tig, "term").text = text
                ET.SubElement(tig, "termNote", {"type": "administrativeStatus"}).text = status
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, "unicode") + "\n"


def run_command(action: str, paths: Paths, languages: list[str] | None, fmt: str) -> int:
    """``i18n check`` (exit 1 on any problem) and ``i18n terms`` (term base on stdout)."""
    import sys

    from .errors import UsageError
    from .i18n import domains
    from .validate import load_handbook

    handbook, _ = load_handbook(paths.data)
    targets = languages or handbook.meta.languages
    if action == "terms":
        if handbook.glossary is None:
            raise UsageError(f"no glossary: expected {paths.data / 'glossary.yaml'}")
        source = handbook.meta.source_language
        text = (to_tbx(handbook.glossary, source, targets, str(handbook.meta.title))
                if fmt == "tbx" else to_csv(handbook.glossary, source, targets))
        sys.stdout.write(text)
        return 0
    report = check(paths, domains(handbook), targets, handbook.glossary)
    report.raise_if_errors("i18n check")
    terms = len(handbook.glossary.terms) if handbook.glossary else 0
    logger.info("i18n check: %s clean (%d glossary terms)", ", ".join(targets), terms)
    return 0


__all__ = ["check", "check_entry", "run_command", "to_csv", "to_tbx"]
