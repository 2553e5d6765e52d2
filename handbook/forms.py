"""A section's ``forms`` -> printable forms: their model (parts of fields of five kinds), the
checks no schema can make (kind-specific keys, weights, linked rules), and the index the
renderer uses to link each rule to the forms that record it."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Literal

from pydantic import Field

from .load import KeyPath
from .model import Int, Model, RuleId, Slug, Text

FieldKind = Literal["text", "date", "checkbox", "signature", "score"]
SCORE_MIN, SCORE_MAX = 1, 5


class Criterion(Model):
    id: Slug
    """Identifier unique in the score field."""
    label: Text
    """What is scored, e.g. 微笑."""
    weight: Int = Field(ge=1, le=100)
    """Share of the total in points; the weights of a score field add up to 100."""
    guide: Text | None = None
    """What earns a 5, so two assessors score alike."""


class FormField(Model):
    id: Slug
    """Identifier unique in the form."""
    label: Text
    """What the person filling in the form writes or ticks."""
    kind: FieldKind
    """text: lines to write on; date; checkbox: tick one or more options; signature;
    score: criteria rated 1–5, weighted to a total out of 100."""
    help: Text | None = None
    """A short hint printed under the label."""
    lines: Int = Field(default=1, ge=1, le=12)
    """text only: how many lines to leave for writing."""
    options: list[Text] = Field(default_factory=list)
    """checkbox only: the boxes to tick (at least two)."""
    criteria: list[Criterion] = Field(default_factory=list)
    """score only: what is rated, with weights adding up to 100."""


class FormPart(Model):
    id: Slug
    """Identifier unique in the form."""
    title: Text
    """Heading of this part of the form."""
    fields: list[FormField] = Field(min_length=1)
    """The fields, in the order they are filled in."""


class Form(Model):
    id: Slug
    """Identifier unique in the handbook; the form's anchor (form-<id>)."""
    title: Text
    """Title printed at the top of the form."""
    purpose: Text
    """Who fills it in, when, and what happens to it."""
    rules: list[RuleId] = Field(min_length=1)
    """The rules this form records; each links to the form."""
    script: list[Text] = Field(default_factory=list)
    """What to say, in order, when the form is filled in during a call or a visit."""
    parts: list[FormPart] = Field(min_length=1)
    """The parts of the form."""


ErrorAt = Callable[[Any, KeyPath, str, str], None]
"""(document, key path, message, category) -> None: report one located problem."""


def _unique(doc: Any, items: Sequence[tuple[KeyPath, str]], what: str, error: ErrorAt) -> None:
    seen: set[str] = set()
    for path, value in items:
        if value in seen:
            error(doc, path, f"expected each {what} once, got {value!r} again",
                  "data.duplicate-id")
        seen.add(value)


def check_forms(sections: Sequence[Any], docs: dict[str, Any], rule_ids: set[str] | None,
                error: ErrorAt) -> None:
    """Report forms that no schema catches: duplicate ids, keys that do not belong to a
    field's kind, score weights that do not add up to 100, and (rule_ids given) links to
    rules the handbook does not have."""
    form_ids: list[tuple[Any, KeyPath, str]] = []
    for section in sections:
        doc = docs[section.id]
        for fi, form in enumerate(section.forms):
            at: KeyPath = ("forms", fi)
            form_ids.append((doc, (*at, "id"), form.id))
            _unique(doc, [((*at, "parts", pi, "id"), p.id) for pi, p in enumerate(form.parts)],
                    "part id", error)
            _unique(doc, [((*at, "parts", pi, "fields", i, "id"), f.id)
                          for pi, p in enumerate(form.parts) for i, f in enumerate(p.fields)],
                    "field id", error)
            for pi, part in enumerate(form.parts):
                for i, field in enumerate(part.fields):
                    _check_field(doc, (*at, "parts", pi, "fields", i), field, error)
            if rule_ids is not None:
                for ri, rule in enumerate(form.rules):
                    if rule not in rule_ids:
                        error(doc, (*at, "rules", ri), f"expected the ID of a rule in this "
                              f"handbook, got {rule!r}", "data.reference")
    seen: dict[str, Any] = {}
    for doc, path, form_id in form_ids:
        if form_id in seen:
            error(doc, path, f"expected form ids unique across the handbook, got {form_id!r} "
                  f"again (first at {seen[form_id]})", "data.duplicate-id")
        seen.setdefault(form_id, doc.locate(path))


def _check_field(doc: Any, at: KeyPath, field: FormField, error: ErrorAt) -> None:
    fields_set = field.model_fields_set
    own = {"text": "lines", "checkbox": "options", "score": "criteria"}
    for key in ("lines", "options", "criteria"):
        if key in fields_set and own.get(field.kind) != key:
            error(doc, (*at, key), f"expected {key} only on a "
                  f"{next(k for k, v in own.items() if v == key)} field, got it on a "
                  f"{field.kind} field", "data.value")
    if field.kind == "checkbox" and len(field.options) < 2:
        error(doc, at, f"expected at least two options for a checkbox field, got "
              f"{len(field.options)}", "data.missing")
    if field.kind == "score":
        if not field.criteria:
            error(doc, at, "expected criteria for a score field, got none", "data.missing")
            return
        _unique(doc, [((*at, "criteria", i, "id"), c.id) for i, c in enumerate(field.criteria)],
                "criterion id", error)
        total = sum(c.weight for c in field.criteria)
        if total != 100:
            error(doc, (*at, "criteria"), f"expected weights adding up to 100, got {total}",
                  "data.value")


def forms_by_rule(sections: Sequence[Any]) -> dict[str, list[Any]]:
    """Rule ID -> the forms (in handbook order) that record it."""
    out: dict[str, list[Any]] = {}
    for section in sections:
        for form in section.forms:
            for rule in form.rules:
                out.setdefault(rule, []).append(form)
    return out
