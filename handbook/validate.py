"""Raw YAML trees -> a validated Handbook; collects every problem with its Location."""

from __future__ import annotations

import difflib
import os
import re
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from .crosscheck import ASSET_HINT, Checker
from .errors import Location, Report, describe
from .glossary import Glossary, load_glossary
from .layers import Provenance, is_layer, merge
from .load import Document, KeyPath, format_key_path, load_yaml
from .model import HandbookMeta
from .section import Section

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
    glossary: Glossary | None = None
    """data/glossary.yaml, when the handbook has a term base."""
    provenance: Provenance | None = None
    """For a layer (README, Layers): its chain and what each layer added, changed, removed."""

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
    meta_doc: Document | None = load_yaml(data_dir / "handbook.yaml",
                                          f"{display_root}handbook.yaml", report,
                                          data_dir)
    stack = None
    if meta_doc is not None and is_layer(meta_doc):  # a layer: merge its chain first
        stack = merge(data_dir, meta_doc, report)
        meta_doc = stack.meta if stack else None
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
            if stack is not None:  # the merge has read (or reported) every chapter
                doc = stack.sections.get(section_id)
            elif not os.path.lexists(path):  # a link or a pipe is named by load_yaml
                report.error(
                    meta_doc.locate(("sections", index)),
                    f"expected a file sections/{section_id}.yaml, got no such file",
                    "data.missing-file",
                )
                continue
            else:
                doc = load_yaml(path, f"{display_root}sections/{section_id}.yaml", report,
                                data_dir)
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
        folder = data_dir / "sections"  # a linked folder is refused above: list none of it
        for extra in [] if folder.is_symlink() else sorted(folder.glob("*.yaml")):
            if extra.stem not in listed:
                report.warning(
                    Location(f"{display_root}sections/{extra.name}"),
                    f"file not listed in handbook.yaml sections: expected it listed, got "
                    f"{[*meta.sections]}",
                    "data.unlisted",
                )
        complete = len(sections) == len(meta.sections)
        Checker(meta, sections, docs, stack.asset_root if stack else data_dir, report,
                 complete).run()
    glossary_dir, glossary_root = data_dir, display_root
    if stack is not None:  # a layer: the glossary of the nearest folder of its chain with one
        glossary_dir, glossary_root = next(
            ((layer.dir, layer.root) for layer in reversed(stack.provenance.layers)
             if (layer.dir / "glossary.yaml").is_file()), (data_dir, display_root))
    glossary, _ = load_glossary(glossary_dir, meta, glossary_root, report)
    report.raise_if_errors("validation", strict=strict)
    assert meta is not None
    handbook = Handbook(
        meta=meta,
        sections=sections,
        data_dir=stack.asset_root if stack else data_dir,
        files={key: doc.display for key, doc in docs.items()},
        lines={key: {p: lc[0] for p, lc in doc.values.items()} for key, doc in docs.items()},
        glossary=glossary,
        provenance=stack.provenance if stack else None,
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
        # the parent's path as located: in a merged layer, the path in the layer's own file
        where = Location(where.path, where.line, where.col,
                         format_key_path((*_parts(where.key_path), loc[-1])))
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
        hint = _PATTERN_HINTS.get(pattern, ASSET_HINT if "assets/" in pattern else pattern)
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


def _parts(key_path: str) -> KeyPath:
    """'groups[0].rules' -> ('groups', 0, 'rules'): a formatted key path read back."""
    parts: list[str | int] = []
    for name, index in re.findall(r"([^.\[\]]+)|\[(\d+)\]", key_path):
        parts.append(int(index) if index else name)
    return tuple(parts)


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
