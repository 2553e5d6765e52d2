"""The handbook's content model: typed, frozen classes, one documented field per attribute.

These classes are the schema. ``validate.py`` turns raw YAML trees into them, ``schema.py``
exports them as JSON Schema for editors, and the docstring under each field is what authors
read in their editor's hover. Fields typed ``Text`` are prose that translators translate.
"""

from __future__ import annotations

import datetime as _dt
import re
from typing import Annotated, Any, ClassVar

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints
from pydantic_core import PydanticCustomError

from .errors import describe


class Translatable:
    """Marks a string field as prose to extract for translation."""

    def __repr__(self) -> str:
        return "Translatable()"


TRANSLATABLE = Translatable()

_INT = re.compile(r"[+-]?[0-9]+")
_FLOAT = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _to_int(value: Any) -> Any:
    if isinstance(value, str):
        if not _INT.fullmatch(value.strip()):
            raise PydanticCustomError(
                "hb_int", "expected a whole number, got {got}", {"got": describe(value)}
            )
        return int(value)
    return value


def _to_float(value: Any) -> Any:
    if isinstance(value, str):
        if not _FLOAT.fullmatch(value.strip()):
            raise PydanticCustomError(
                "hb_float", "expected a number, got {got}", {"got": describe(value)}
            )
        return float(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    return value


def _to_date(value: Any) -> Any:
    if isinstance(value, str):
        try:
            if not _DATE.fullmatch(value.strip()):
                raise ValueError
            return _dt.date.fromisoformat(value.strip())
        except ValueError:
            raise PydanticCustomError(
                "hb_date", "expected a date like 2026-01-01, got {got}", {"got": describe(value)}
            ) from None
    return value


def _to_bool(value: Any) -> Any:
    if isinstance(value, str):
        if value.strip() not in ("true", "false"):
            raise PydanticCustomError(
                "hb_bool", "expected true or false, got {got}", {"got": describe(value)}
            )
        return value.strip() == "true"
    return value


def _clean_text(value: Any) -> Any:
    """Trim each line's trailing spaces and the whole text's ends; keep paragraph breaks."""
    if isinstance(value, str):
        lines = [line.rstrip() for line in value.strip().splitlines()]
        return "\n".join(lines)
    return value


Text = Annotated[str, BeforeValidator(_clean_text), StringConstraints(min_length=1), TRANSLATABLE]
"""Prose shown to readers and translated; plain text, paragraphs separated by a blank line."""

Name = Annotated[str, BeforeValidator(_clean_text), StringConstraints(min_length=1)]
Int = Annotated[int, BeforeValidator(_to_int)]
Number = Annotated[float, BeforeValidator(_to_float)]
Date = Annotated[_dt.date, BeforeValidator(_to_date)]
Flag = Annotated[bool, BeforeValidator(_to_bool)]
Slug = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$", max_length=48)]
SectionCode = Annotated[str, StringConstraints(pattern=r"^[A-Z]{2,4}$")]
GroupCode = Annotated[str, StringConstraints(pattern=r"^[A-Z0-9]{2,4}$")]
RuleId = Annotated[str, StringConstraints(pattern=r"^[A-Z]{2,4}-[A-Z0-9]{2,4}-[0-9]{3}$")]
LangCode = Annotated[str, StringConstraints(pattern=r"^[a-z]{2,3}(_[A-Z]{2}|_[A-Z][a-z]{3})?$")]
Version = Annotated[str, StringConstraints(pattern=r"^[0-9]{4}\.[0-9]+$")]
AssetPath = Annotated[
    str,
    StringConstraints(pattern=r"^assets/[A-Za-z0-9_][A-Za-z0-9_./-]*\.(svg|png|jpg|jpeg|webp)$"),
]
FontPath = Annotated[
    str, StringConstraints(pattern=r"^assets/[A-Za-z0-9_][A-Za-z0-9_./-]*\.(ttf|otf|woff2?)$")
]
HexColor = Annotated[str, StringConstraints(pattern=r"^#[0-9A-F]{6}$")]
FontFamily = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9 -]{0,63}$")]
Email = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+$")]



class Model(BaseModel):
    """Base: frozen, strict, unknown keys are errors, field docstrings become descriptions."""

    model_config = ConfigDict(
        frozen=True, strict=True, extra="forbid", use_attribute_docstrings=True, defer_build=True,
        str_strip_whitespace=False,
    )


# --- handbook.yaml -------------------------------------------------------------------------


class Organisation(Model):
    name: Text
    """Full legal or trading name, printed on covers and in PDF metadata."""
    short_name: Text | None = None
    """Short name for running heads and the site header."""
    logo: AssetPath | None = None
    """Logo file under assets/ shown in the site header and on the PDF cover."""


class Owner(Model):
    id: Slug
    """Stable identifier sections use in governance.owner."""
    name: Text
    """Department or role that owns content."""
    contact: Email | None = None
    """Where readers send questions about the sections this owner keeps."""


PlanRef = Annotated[str, StringConstraints(pattern=r"^([A-Z]{2,4}-[A-Z0-9]{2,4}-[0-9]{3}|"
                                                   r"[a-z][a-z0-9]*(-[a-z0-9]+)*)$")]
"""What a plan step points to: a rule, phrase or case ID, an assessment id or a chapter id."""


def _plain_step(value: Any) -> Any:
    """A plan step written as plain text is a step without references."""
    return {"text": value} if isinstance(value, str) else value


class PlanStep(Model):
    """One item of a first-week plan: what to do, and where the manual says how."""

    translation_context: ClassVar[str] = "text"
    """Its text keeps the translation context of a plain-text step (first_week[N])."""

    text: Text
    """What the new hire does, e.g. 第一天：领取工牌和制服。"""
    refs: list[PlanRef] = Field(default_factory=list)
    """Rules, assessments or chapters the step draws on, by ID; the manual prints each as a
    link with its page number."""


Step = Annotated[PlanStep, BeforeValidator(_plain_step, json_schema_input_type=str | PlanStep)]


class Audience(Model):
    id: Slug
    """Stable identifier used in audiences lists and in onboarding PDF file names."""
    name: Text
    """Role name as readers know it, e.g. 前台接待."""
    description: Text
    """Who belongs to this audience."""
    first_week: list[Step] = Field(default_factory=list)
    """The onboarding manual's "your first week" plan, one item per day or step: its text,
    or text and refs (IDs of the rules, assessments or chapters it draws on)."""


class ReleaseGate(Model):
    threshold: Int = Field(default=100, ge=0, le=100)
    """Percent of the required sections' messages that must be translated to publish a language."""
    required_sections: list[Slug] = Field(default_factory=list)
    """Sections whose translation decides whether a language is published."""


class LayerInfo(Model):
    id: Slug
    """Stable id of the layer, e.g. east or xihu; the data-layer attribute of its rules."""
    name: Text
    """Name shown on the badge of every rule the layer adds or changes."""


class Contact(Model):
    role: Text
    """Role, e.g. 值班经理."""
    name: Text | None = None
    """Person holding the role."""
    phone: Name | None = None
    """Phone number as dialled."""
    email: Email | None = None
    """E-mail address."""
    when: Text | None = None
    """When to call: the step of the escalation matrix this contact is for."""


class Unit(Model):
    name: Text
    """The unit's name, e.g. 嘉和服务集团杭州西湖店."""
    address: Text | None = None
    """Postal address."""
    hours: list[Text] = Field(default_factory=list)
    """Opening hours, one line each."""
    hotline: Name | None = None
    """Customer hotline."""
    contacts: list[Contact] = Field(default_factory=list)
    """Contacts in escalation order: the escalation matrix."""


class Approval(Model):
    version: Version
    """The edition approved, like 2026.1."""
    date: Date
    """Day the edition was approved."""
    approved_by: Text
    """Approving role or body (a site layer may name the person)."""


class HandbookMeta(Model):
    """handbook.yaml: who publishes the handbook, which edition, which languages and readers."""

    organisation: Organisation
    """The company the handbook belongs to."""
    title: Text
    """Handbook title on the home page and PDF cover."""
    subtitle: Text | None = None
    """Optional line under the title."""
    classification: Text | None = None
    """Handling line printed in every PDF's footer, e.g. 内部资料 (internal)."""
    version: Version
    """Edition, like 2026.1; published as <out>/<version>/."""
    effective: Date
    """Date this edition takes effect; also the reproducible build timestamp."""
    source_language: LangCode
    """Language the YAML is written in, e.g. zh_CN."""
    languages: list[LangCode] = Field(default_factory=list)
    """Target languages translated through data/locales/<lang>/LC_MESSAGES/*.po."""
    owners: list[Owner] = Field(min_length=1)
    """Departments that own sections."""
    audiences: list[Audience] = Field(min_length=1)
    """Reader groups; rules tagged with them and one onboarding manual each."""
    sections: list[Slug] = Field(min_length=1)
    """Section files under sections/, in reading order (file name without .yaml)."""
    release: ReleaseGate = Field(default_factory=ReleaseGate)
    """When a translation is complete enough to publish."""
    whats_new: list[Text] = Field(default_factory=list)
    """Highlights of this edition for the home page."""
    confidentiality: Text | None = None
    """Confidentiality notice for the home page and the inside cover."""
    approvals: list[Approval] = Field(default_factory=list)
    """Approval record, newest first: which edition was approved, when and by whom."""
    theme: Slug = "handbook"
    """Theme folder under themes/ (or the data folder's own themes/)."""
    extends: Name | None = None
    """Layers only: the data folder this one extends, relative to this file (README, Layers)."""
    layer: LayerInfo | None = None
    """Layers only: this layer's id and name, shown on every rule it adds or changes."""
    layers: list[LayerInfo] = Field(default_factory=list)
    """Filled in by the build, not written: the layers of a merged handbook, lowest first."""
    unit: Unit | None = None
    """Layers: the organisation unit (region, branch) this handbook is for."""
