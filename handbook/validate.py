"""Raw YAML trees -> a validated Handbook; collects every problem with its Location."""

from __future__ import annotations

import difflib
import re
import typing
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from .colors import contrast_ratio
from .errors import Location, Report, describe
from .load import Document, KeyPath, format_key_path, load_yaml
from .model import HandbookMeta, Section

_PATTERN_HINTS = {
    "^[A-Z]{2,4}-[A-Z0-9]{2,4}-[0-9]{3}$": "an ID like BI-COM-003",
    "^[a-z][a-z0-9]*(-[a-z0-9]+)*$": "a lowercase id like front-desk",
    "^[A-Z]{2,4}$": "a code of 2–4 capital letters like BI",
    "^[A-Z0-9]{2,4}$": "a code of 2–4 capitals or digits like COM",
    "^#[0-9A-F]{6}$": "a colour like #0B4F8A (capital hex digits)",
    "^[0-9]{4}\\.[0-9]+$": "a version like 2026.1",
    "^[a-z]{2,3}(_[A-Z]{2}|_[A-Z][a-z]{3})?$": "a language code like zh_CN or en",
    "^[A-Za-z0-9][A-Za-z0-9 -]{0,63}$": "a font family name of letters, digits, spaces, -",
    "^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+$": "an e-mail address",
}
_SLUG = re.compile(r"[a-z][a-z0-9]*(-[a-z0-9]+)*")
_ASSET_HINT = "a file under assets/ (letters, digits, _ . / -; no '..', no URL)"


@dataclass(frozen=True)
class Handbook:
    """A validated handbook: its metadata, its sections in order, and where each came from."""

    meta: HandbookMeta
    sections: list[Section]
    data_dir: Path
    files: dict[str, str] = field(default_factory=dict)
    """Section id ('handbook' for handbook.yaml) -> the file's display path."""
    lines: dict[str, dict[KeyPath, int]] = field(default_factory=dict)
    """Section id -> key path -> line, for translator references."""

    def section(self, section_id: str) -> Section:
        return next(s for s in self.sections if s.id == section_id)

    @property
    def languages(self) -> list[str]:
        return [self.meta.source_language, *self.meta.languages]


def load_handbook(data_dir: Path, strict: bool = False) -> tuple[Handbook, Report]:
    """Load, validate and cross-check a data folder; raise ContentError listing every problem."""
    report = Report()
    data_dir = Path(data_dir)
    display_root = _display_root(data_dir)
    meta_doc = load_yaml(data_dir / "handbook.yaml", f"{display_root}handbook.yaml", report)
    meta = _validate(meta_doc, HandbookMeta, report) if meta_doc else None
    sections: list[Section] = []
    docs: dict[str, Document] = {}
    if meta is not None and meta_doc is not None:
        docs["handbook"] = meta_doc
    if meta_doc is not None:
        # Even when handbook.yaml has errors, check the section files it lists, so one run
        # reports every problem; only the cross-checks need a valid handbook.yaml.
        listed_ids = (list(enumerate(meta.sections)) if meta is not None
                      else _listed_sections(meta_doc.data))
        for index, section_id in listed_ids:
            path = data_dir / "sections" / f"{section_id}.yaml"
            if not path.is_file():
                report.error(
                    meta_doc.locate(("sections", index)),
                    f"expected a file sections/{section_id}.yaml, got no such file",
                    "data.missing-file",
                )
                continue
            doc = load_yaml(path, f"{display_root}sections/{section_id}.yaml", report)
            section = _validate(doc, Section, report) if doc else None
            if doc is not None and section is not None:
                if section.id != section_id:
                    report.error(
                        doc.locate(("id",)),
                        f"expected id {section_id!r} (the file name), got {section.id!r}",
                        "data.id",
                    )
                docs[section.id] = doc
                sections.append(section)
    if meta is not None and meta_doc is not None:
        listed = set(meta.sections)
        for extra in sorted((data_dir / "sections").glob("*.yaml")):
            if extra.stem not in listed:
                report.warning(
                    Location(f"{display_root}sections/{extra.name}"),
                    f"file not listed in handbook.yaml sections: expected it listed, got "
                    f"{[*meta.sections]}",
                    "data.unlisted",
                )
        complete = len(sections) == len(meta.sections)
        _Checker(meta, sections, docs, data_dir, report, complete).run()
    report.raise_if_errors("validation", strict=strict)
    assert meta is not None
    handbook = Handbook(
        meta=meta,
        sections=sections,
        data_dir=data_dir,
        files={key: doc.display for key, doc in docs.items()},
        lines={key: {p: lc[0] for p, lc in doc.values.items()} for key, doc in docs.items()},
    )
    return handbook, report


def _listed_sections(data: Any) -> list[tuple[int, str]]:
    """(index, id) of the sections an invalid handbook.yaml lists, where the id is usable."""
    listed = data.get("sections") if isinstance(data, dict) else None
    if not isinstance(listed, list):
        return []
    usable: list[tuple[int, str]] = []
    for index, item in enumerate(listed):
        if isinstance(item, str) and _SLUG.fullmatch(item) and item not in dict(usable).values():
            usable.append((index, item))
    return usable


def _display_root(data_dir: Path) -> str:
    try:
        rel = data_dir.resolve().relative_to(Path.cwd().resolve())
        return "" if str(rel) == "." else rel.as_posix() + "/"
    except ValueError:
        return data_dir.as_posix().rstrip("/") + "/"


# --- schema errors -------------------------------------------------------------------------


def _validate(doc: Document, model: type[BaseModel], report: Report) -> Any:
    if not isinstance(doc.data, dict):
        report.error(
            doc.locate(()), f"expected a mapping of keys, got {describe(doc.data)}", "data.type"
        )
        return None
    try:
        return model.model_validate(doc.data)
    except ValidationError as exc:
        for err in exc.errors():
            _report_schema_error(doc, model, err, report)
        return None


def _report_schema_error(
    doc: Document, model: type[BaseModel], err: Any, report: Report
) -> None:
    loc: KeyPath = tuple(err["loc"])  # the schema has no tagged unions: every part is a key
    kind = err["type"]
    got = describe(err.get("input"))
    ctx = err.get("ctx") or {}
    category = "data.type"
    if kind == "missing":
        where = doc.locate(loc[:-1])
        where = Location(where.path, where.line, where.col, format_key_path(loc))
        report.error(where, f"expected key {loc[-1]!r}, got none (it is required)", "data.missing")
        return
    if kind == "extra_forbidden":
        allowed = sorted(_fields_at(model, loc[:-1]))
        close = difflib.get_close_matches(str(loc[-1]), allowed, n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        report.error(
            doc.locate(loc, key=True),
            f"unknown key {loc[-1]!r}: expected one of {', '.join(allowed)}{hint}",
            "data.unknown-key",
        )
        return
    if kind == "string_pattern_mismatch":
        pattern = str(ctx.get("pattern", ""))
        hint = _PATTERN_HINTS.get(pattern, _ASSET_HINT if "assets/" in pattern else pattern)
        message, category = f"expected {hint}, got {got}", "data.format"
    elif kind == "string_type":
        message = f"expected text, got {got}"
    elif kind in ("list_type", "tuple_type"):
        message = f"expected a list, got {got}"
    elif kind in ("model_type", "dict_type", "model_attributes_type"):
        message = f"expected a mapping of keys, got {got}"
    elif kind == "string_too_short":
        message, category = "expected non-empty text, got an empty string", "data.value"
    elif kind == "literal_error":
        message, category = f"expected one of {ctx.get('expected')}, got {got}", "data.value"
    elif kind in ("too_short", "too_long"):
        n = ctx.get("min_length") if kind == "too_short" else ctx.get("max_length")
        which = "at least" if kind == "too_short" else "at most"
        actual = ctx.get("actual_length")
        message = f"expected {which} {n} item{'s' if n != 1 else ''}, got {actual}"
        category = "data.value"
    elif kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        sign = {"greater_than_equal": "≥", "less_than_equal": "≤",
                "greater_than": ">", "less_than": "<"}[kind]
        bound = next(iter(ctx.values()), "?")
        message, category = f"expected a number {sign} {bound}, got {got}", "data.range"
    elif kind in ("int_type", "float_type", "date_type", "bool_type"):
        noun = {"int_type": "a whole number", "float_type": "a number",
                "date_type": "a date like 2026-01-01", "bool_type": "true or false"}[kind]
        message = f"expected {noun}, got {got}"
    elif kind.startswith("hb_"):
        message = err["msg"]
    else:  # pragma: no cover - a pydantic error kind the schema does not produce today
        message = f"{err['msg']}, got {got}"
    report.error(doc.locate(loc), message, category)


def _fields_at(model: type[BaseModel], loc: KeyPath) -> set[str]:
    """The keys allowed at a key path, walking the model classes along it."""
    current: Any = model
    for part in loc:
        if isinstance(part, int):
            current = _list_item(current)
        elif isinstance(current, type) and issubclass(current, BaseModel):
            info = current.model_fields.get(part)
            current = info.annotation if info else None
        current = _unwrap(current)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return set(current.model_fields)
    return set()


def _unwrap(tp: Any) -> Any:
    """Optional[X] -> X, Annotated[X, ...] -> X."""
    for _ in range(4):
        origin = typing.get_origin(tp)
        if origin is typing.Annotated:
            tp = typing.get_args(tp)[0]
        elif origin in (typing.Union, getattr(__import__("types"), "UnionType", None)):
            args = [a for a in typing.get_args(tp) if a is not type(None)]
            tp = args[0] if len(args) == 1 else tp
            if len(args) != 1:
                break
        else:
            break
    return tp


def _list_item(tp: Any) -> Any:
    tp = _unwrap(tp)
    args = typing.get_args(tp)
    return args[0] if args else None


# --- cross-checks --------------------------------------------------------------------------

_SVG_FORBIDDEN = re.compile(r"<!DOCTYPE|<!ENTITY|<\?xml-stylesheet", re.IGNORECASE)


class _Checker:
    """Checks that need the whole handbook: unique IDs, references, assets, colours, scores."""

    def __init__(
        self, meta: HandbookMeta, sections: list[Section], docs: dict[str, Document],
        data_dir: Path, report: Report, complete: bool = True,
    ) -> None:
        self.meta = meta
        self.complete = complete
        """Whether every listed section validated; if not, unknown IDs may live in the rest."""
        self.sections = sections
        self.docs = docs
        self.data_dir = data_dir
        self.report = report
        self.audiences = {a.id for a in meta.audiences}
        self.owners = {o.id for o in meta.owners}

    def run(self) -> None:
        self._check_meta()
        ids: dict[str, Location] = {}
        for section in self.sections:
            doc = self.docs[section.id]
            self._check_section(section, doc, ids)
        if self.complete:
            self._check_see_also(ids)

    def _error(self, doc: Document, path: KeyPath, message: str, category: str) -> None:
        self.report.error(doc.locate(path), message, category)

    def _unique(
        self, doc: Document, items: Sequence[tuple[KeyPath, str]], what: str, category: str
    ) -> None:
        seen: dict[str, KeyPath] = {}
        for path, value in items:
            if value in seen:
                first = doc.locate(seen[value])
                self._error(
                    doc, path, f"duplicate {what} {value!r}: expected each once, got it again "
                    f"(first at line {first.line})", category,
                )
            else:
                seen[value] = path

    def _check_meta(self) -> None:
        doc, meta = self.docs["handbook"], self.meta
        self._unique(doc, [(("owners", i, "id"), o.id) for i, o in enumerate(meta.owners)],
                     "owner id", "data.duplicate-id")
        self._unique(doc, [(("audiences", i, "id"), a.id) for i, a in enumerate(meta.audiences)],
                     "audience id", "data.duplicate-id")
        self._unique(doc, [(("sections", i), s) for i, s in enumerate(meta.sections)],
                     "section", "data.duplicate-id")
        self._unique(doc, [(("languages", i), lang) for i, lang in enumerate(meta.languages)],
                     "language", "data.duplicate-id")
        for i, lang in enumerate(meta.languages):
            if lang == meta.source_language:
                self._error(doc, ("languages", i), f"expected target languages only, got the "
                            f"source language {lang!r}", "data.value")
        for i, section_id in enumerate(meta.release.required_sections):
            if section_id not in meta.sections:
                self._error(doc, ("release", "required_sections", i),
                            f"expected a section listed in sections, got {section_id!r}",
                            "data.reference")
        if meta.organisation.logo:
            self._asset(doc, ("organisation", "logo"), meta.organisation.logo)

    def _audiences(self, doc: Document, path: KeyPath, audiences: list[str]) -> None:
        for i, audience in enumerate(audiences):
            if audience not in self.audiences:
                self._error(doc, (*path, i), f"expected a declared audience "
                            f"({', '.join(sorted(self.audiences))}), got {audience!r}",
                            "data.reference")

    def _check_section(self, section: Section, doc: Document, ids: dict[str, Location]) -> None:
        if section.governance.owner not in self.owners:
            self._error(doc, ("governance", "owner"), f"expected an owner declared in "
                        f"handbook.yaml ({', '.join(sorted(self.owners))}), got "
                        f"{section.governance.owner!r}", "data.reference")
        if section.governance.review_due < section.governance.effective:
            self._error(doc, ("governance", "review_due"), f"expected a date after effective "
                        f"({section.governance.effective}), got {section.governance.review_due}",
                        "data.value")
        self._audiences(doc, ("audiences",), section.audiences)

        def claim(path: KeyPath, item_id: str, prefix: str) -> None:
            where = doc.locate(path)
            if not item_id.startswith(prefix):
                self._error(doc, path, f"expected an ID starting with {prefix}, got {item_id!r}",
                            "data.id")
            if item_id in ids:
                first = ids[item_id]
                self._error(doc, path, f"duplicate ID {item_id!r}: expected IDs unique across "
                            f"the handbook, got it again (first at {first})", "data.duplicate-id")
            else:
                ids[item_id] = where

        self._unique(doc, [(("groups", i, "id"), g.id) for i, g in enumerate(section.groups)]
                     + [(("phrase_groups", i, "id"), g.id)
                        for i, g in enumerate(section.phrase_groups)],
                     "group id", "data.duplicate-id")
        self._unique(doc, [(("groups", i, "code"), g.code) for i, g in enumerate(section.groups)]
                     + [(("phrase_groups", i, "code"), g.code)
                        for i, g in enumerate(section.phrase_groups)],
                     "group code", "data.duplicate-id")
        for gi, group in enumerate(section.groups):
            self._audiences(doc, ("groups", gi, "audiences"), group.audiences)
            for ri, rule in enumerate(group.rules):
                path = ("groups", gi, "rules", ri)
                claim((*path, "id"), rule.id, f"{section.code}-{group.code}-")
                self._audiences(doc, (*path, "audiences"), rule.audiences)
        for gi, pgroup in enumerate(section.phrase_groups):
            for pi, phrase in enumerate(pgroup.phrases):
                path = ("phrase_groups", gi, "phrases", pi)
                claim((*path, "id"), phrase.id, f"{section.code}-{pgroup.code}-")
                self._audiences(doc, (*path, "audiences"), phrase.audiences)
                if phrase.avoid and not phrase.why:
                    self._error(doc, (*path, "avoid"), "expected a 'why' beside 'avoid', got "
                                "none: say why the phrase is to be avoided", "data.missing")
        for ci, case in enumerate(section.cases):
            claim(("cases", ci, "id"), case.id, f"{section.code}-")
            self._audiences(doc, ("cases", ci, "audiences"), case.audiences)
        self._check_vi(section, doc)
        for ai, assessment in enumerate(section.assessments):
            self._audiences(doc, ("assessments", ai, "audiences"), assessment.audiences)
            self._check_assessment(doc, ("assessments", ai), assessment)

    def _check_see_also(self, ids: dict[str, Location]) -> None:
        for section in self.sections:
            doc = self.docs[section.id]
            for gi, group in enumerate(section.groups):
                for ri, rule in enumerate(group.rules):
                    for si, ref in enumerate(rule.see_also):
                        if ref not in ids:
                            self._error(doc, ("groups", gi, "rules", ri, "see_also", si),
                                        f"expected the ID of a rule in this handbook, got "
                                        f"{ref!r}", "data.reference")

    def _check_vi(self, section: Section, doc: Document) -> None:
        self._unique(doc, [(("colors", i, "id"), c.id) for i, c in enumerate(section.colors)],
                     "colour id", "data.duplicate-id")
        roles: dict[str, int] = {}
        for i, color in enumerate(section.colors):
            rgb = tuple(int(color.hex[k:k + 2], 16) for k in (1, 3, 5))
            if tuple(color.rgb) != rgb:
                self._error(doc, ("colors", i, "rgb"), f"expected {list(rgb)} to match hex "
                            f"{color.hex}, got {list(color.rgb)}", "data.color")
            if color.role in ("primary", "text", "background", "link") and color.role in roles:
                self._error(doc, ("colors", i, "role"), f"expected one colour with role "
                            f"{color.role!r}, got a second one", "data.color")
            roles.setdefault(color.role, i)
        if section.colors:
            for role in ("primary", "text", "background"):
                if role not in roles:
                    self._error(doc, ("colors",), f"expected a colour with role {role!r}, got "
                                "none", "data.color")
            if "background" in roles:
                bg = section.colors[roles["background"]].hex
                for i, color in enumerate(section.colors):
                    if color.role in ("text", "muted", "link"):
                        ratio = contrast_ratio(color.hex, bg)
                        if ratio < 4.5:
                            self.report.warning(
                                doc.locate(("colors", i, "hex")),
                                f"text colour {color.hex} on background {bg}: expected a WCAG "
                                f"contrast of at least 4.5:1 (AA), got {ratio:.2f}:1",
                                "vi.contrast",
                            )
        color_ids = {c.id for c in section.colors}
        if section.logo:
            self._asset(doc, ("logo", "file"), section.logo.file)
            for i, variant in enumerate(section.logo.variants):
                self._asset(doc, ("logo", "variants", i, "file"), variant.file)
                if variant.background and variant.background not in color_ids:
                    self._error(doc, ("logo", "variants", i, "background"), f"expected a "
                                f"colour id of this section, got {variant.background!r}",
                                "data.reference")
        for ti, face in enumerate(section.typography):
            for fi, font in enumerate(face.files):
                self._asset(doc, ("typography", ti, "files", fi), font)

    def _asset(self, doc: Document, path: KeyPath, rel: str) -> None:
        """An asset must be a regular file inside the data folder, reached through no link."""
        root = self.data_dir.resolve()
        parts = Path(rel).parts
        if ".." in parts or "." in parts:
            self._error(doc, path, f"expected {_ASSET_HINT}, got {rel!r}", "data.asset")
            return
        current = self.data_dir
        for part in parts:
            current = current / part
            if current.is_symlink():
                self._error(doc, path, f"expected a regular file, got a symbolic link at "
                            f"{current.relative_to(self.data_dir).as_posix()!r}", "data.asset")
                return
        target = self.data_dir / rel
        if not target.is_file():
            self._error(doc, path, f"expected an existing file {rel!r}, got no such file",
                        "data.asset")
            return
        if root not in target.resolve().parents:
            self._error(doc, path, f"expected a file inside the data folder, got {rel!r}",
                        "data.asset")
            return
        if target.suffix == ".svg":
            problem = svg_problem(target.read_bytes())
            if problem:
                self._error(doc, path, f"expected a self-contained SVG, got {problem}",
                            "data.asset")

    def _check_assessment(self, doc: Document, path: KeyPath, assessment: Any) -> None:
        questions = [(gi, qi, q) for gi, g in enumerate(assessment.groups)
                     for qi, q in enumerate(g.questions)]
        self._unique(doc, [((*path, "groups", gi, "questions", qi, "id"), q.id)
                           for gi, qi, q in questions], "question id", "data.duplicate-id")
        scoring = assessment.scoring
        if assessment.kind == "quiz":
            for gi, qi, q in questions:
                if q.answer is None:
                    self._error(doc, (*path, "groups", gi, "questions", qi),
                                "expected an answer (\"yes\" or \"no\") for a quiz question, "
                                "got none", "data.missing")
            if scoring.method != "deduct" or scoring.base is None or scoring.per_wrong is None:
                self._error(doc, (*path, "scoring"), "expected method deduct with base and "
                            "per_wrong for a quiz, got another scoring", "data.value")
                return
            if scoring.base != scoring.per_wrong * len(questions):
                self._error(doc, (*path, "scoring", "base"), f"expected base = per_wrong × "
                            f"questions = {scoring.per_wrong * len(questions)}, got "
                            f"{scoring.base}", "data.value")
            low, high = scoring.base - scoring.per_wrong * len(questions), scoring.base
            scores = {scoring.base - scoring.per_wrong * w for w in range(len(questions) + 1)}
        else:
            if assessment.scale is None:
                self._error(doc, path, "expected a scale for a rating assessment, got none",
                            "data.missing")
                return
            if scoring.method != "sum":
                self._error(doc, (*path, "scoring", "method"), "expected method sum for a "
                            "rating assessment, got deduct", "data.value")
                return
            low = assessment.scale.min * len(questions)
            high = assessment.scale.max * len(questions)
            scores = set(range(low, high + 1))
        covered: dict[int, int] = {}
        for bi, band in enumerate(scoring.bands):
            if band.min > band.max:
                self._error(doc, (*path, "scoring", "bands", bi), f"expected min ≤ max, got "
                            f"{band.min} > {band.max}", "data.value")
            for score in sorted(s for s in scores if band.min <= s <= band.max):
                if score in covered:
                    self._error(doc, (*path, "scoring", "bands", bi), f"expected bands not to "
                                f"overlap, got score {score} in bands {covered[score] + 1} and "
                                f"{bi + 1}", "data.value")
                    break
                covered[score] = bi
        missing = sorted(s for s in scores if s not in covered)
        if missing:
            self._error(doc, (*path, "scoring", "bands"), f"expected bands to cover every score "
                        f"from {low} to {high}, got no band for {missing[0]}", "data.value")


def svg_problem(data: bytes) -> str | None:
    """Why an SVG is not self-contained and inert, or None when it is."""
    text = data.decode("utf-8", "replace")
    if _SVG_FORBIDDEN.search(text):
        return "a DOCTYPE, entity or stylesheet declaration"
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        return f"invalid XML ({exc})"
    for element in root.iter():
        tag = element.tag.rsplit("}", 1)[-1]
        if tag in ("script", "foreignObject", "iframe", "object", "embed"):
            return f"a <{tag}> element"
        for name, value in element.attrib.items():
            local = name.rsplit("}", 1)[-1]
            if local.lower().startswith("on"):
                return f"an event attribute {local!r}"
            if local == "href" and not value.startswith("#"):
                return f"a link to {value[:40]!r}"
            if "url(" in value and not re.search(r"url\(\s*['\"]?#", value):
                return "a url() reference outside the file"
        if tag == "style" and element.text and re.search(r"url\(|@import", element.text):
            return "a stylesheet that loads other files"
    return None
