"""data/glossary.yaml -> validated term base: term, definition, approved and forbidden
translations per language (used by the glossary page, ``i18n check`` and ``i18n terms``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import Field

from .errors import Report
from .load import Document, load_yaml
from .model import HandbookMeta, LangCode, Model, Name, Slug, Text

GLOSSARY_FILE = "glossary.yaml"


class Term(Model):
    """One entry of the term base."""

    id: Slug
    """Stable identifier; the glossary page anchors each entry on it (``#term-<id>``)."""
    term: Name
    """The term as written in the source language."""
    definition: dict[LangCode, Text] = Field(min_length=1)
    """What the term means, per language; the source language is required."""
    translations: dict[LangCode, Name] = Field(default_factory=dict)
    """The one approved rendering in each target language."""
    forbidden: dict[LangCode, list[Name]] = Field(default_factory=dict)
    """Renderings translators must not use, per language (old or regional variants)."""
    note: Text | None = None
    """Usage note for translators (source language)."""


class Glossary(Model):
    """data/glossary.yaml: the handbook's term base."""

    terms: list[Term] = Field(min_length=1)
    """Terms in the order the glossary page lists them."""

    def definition(self, term: Term, lang: str, source: str) -> str:
        return term.definition.get(lang) or term.definition[source]


def load_glossary(data_dir: Path, meta: HandbookMeta | None, display_root: str,
                  report: Report) -> tuple[Glossary | None, Document | None]:
    """The glossary of a data folder (None when it has no glossary.yaml), checked against
    handbook.yaml: languages are the handbook's, the source definition is there, ids and
    terms are unique, an approved translation is never also forbidden. A language without
    an approved translation is not checked for the term (a phrase may have no one rendering)."""
    from .validate import _validate  # the one schema-error reporter

    path = data_dir / GLOSSARY_FILE
    if not path.is_file():
        return None, None
    doc = load_yaml(path, f"{display_root}{GLOSSARY_FILE}", report)
    if doc is None:
        return None, None
    glossary: Glossary | None = _validate(doc, Glossary, report)
    if glossary is None or meta is None:
        return glossary, doc
    known = {meta.source_language, *meta.languages}
    seen: dict[str, int] = {}
    seen_terms: dict[str, int] = {}
    for index, term in enumerate(glossary.terms):
        at: tuple[Any, ...] = ("terms", index)
        for key, table in (("id", seen), ("term", seen_terms)):
            value = getattr(term, key)
            if value in table:
                report.error(doc.locate((*at, key)),
                             f"expected a unique {key}, got {value!r} again (first at "
                             f"terms[{table[value]}])", "glossary.duplicate")
            table.setdefault(value, index)
        if meta.source_language not in term.definition:
            report.error(doc.locate((*at, "definition")),
                         f"expected a definition in the source language "
                         f"{meta.source_language}, got {sorted(term.definition)}",
                         "glossary.missing")
        for field in ("definition", "translations", "forbidden"):
            for lang in getattr(term, field):
                if lang not in known:
                    report.error(doc.locate((*at, field, lang), key=True),
                                 f"expected one of the handbook's languages "
                                 f"{sorted(known)}, got {lang!r}", "glossary.language")
        for lang, variants in term.forbidden.items():
            approved = term.translations.get(lang)
            if approved is not None and any(v.casefold() in approved.casefold()
                                            for v in variants):
                report.error(doc.locate((*at, "forbidden", lang)),
                             f"expected forbidden variants that the approved translation "
                             f"{approved!r} does not contain, got {variants}",
                             "glossary.conflict")
    return glossary, doc


def glossary_rows(glossary: Glossary | None, lang: str, source: str,
                  escape: Any) -> list[dict[str, Any]] | None:
    """What the glossary page lists in one language, every text already escaped by escape:
    the source term, its approved translation in lang (none on a source-language page) and
    the definition in lang (the source definition when lang has none)."""
    if glossary is None:
        return None
    return [{"id": term.id, "term": escape(term.term),
             "translation": escape(term.translations[lang])
             if lang != source and lang in term.translations else None,
             "definition": escape(glossary.definition(term, lang, source))}
            for term in glossary.terms]


def term_surfaces(glossary: Glossary | None, lang: str, source: str) -> list[list[str]]:
    """[surface, term id] of every term as readers of lang see it: the source term on a
    source-language page, else the approved translation (a term without one is left out)."""
    if glossary is None:
        return []
    out = []
    for term in glossary.terms:
        surface = term.term if lang == source else term.translations.get(lang)
        if surface:
            out.append([surface, term.id])
    return out
