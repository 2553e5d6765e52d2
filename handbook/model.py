"""The handbook's content model: typed, frozen classes, one documented field per attribute.

These classes are the schema. ``validate.py`` turns raw YAML trees into them, ``schema.py``
exports them as JSON Schema for editors, and the docstring under each field is what authors
read in their editor's hover. Fields typed ``Text`` are prose that translators translate.
"""

from __future__ import annotations

import datetime as _dt
import re
from typing import Annotated, Any, Literal

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
Slug = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$", max_length=48)]
SectionCode = Annotated[str, StringConstraints(pattern=r"^[A-Z]{2,4}$")]
GroupCode = Annotated[str, StringConstraints(pattern=r"^[A-Z0-9]{2,4}$")]
RuleId = Annotated[str, StringConstraints(pattern=r"^[A-Z]{2,4}-[A-Z0-9]{2,4}-[0-9]{3}$")]
LangCode = Annotated[str, StringConstraints(pattern=r"^[a-z]{2,3}(_[A-Z]{2}|_[A-Z][a-z]{3})?$")]
Version = Annotated[str, StringConstraints(pattern=r"^[0-9]{4}\.[0-9]+$")]
AssetPath = Annotated[
    str, StringConstraints(pattern=r"^assets/[A-Za-z0-9_][A-Za-z0-9_./-]*\.(svg|png|jpg|jpeg)$")
]
FontPath = Annotated[
    str, StringConstraints(pattern=r"^assets/[A-Za-z0-9_][A-Za-z0-9_./-]*\.(ttf|otf|woff2?)$")
]
HexColor = Annotated[str, StringConstraints(pattern=r"^#[0-9A-F]{6}$")]
FontFamily = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9 -]{0,63}$")]
Email = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+$")]

ColorRole = Literal[
    "primary", "secondary", "accent", "text", "muted", "background", "surface", "link",
    "border", "success", "warning", "danger",
]
Script = Literal["latin", "hans", "hant"]


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


class Audience(Model):
    id: Slug
    """Stable identifier used in audiences lists and in onboarding PDF file names."""
    name: Text
    """Role name as readers know it, e.g. 前台接待."""
    description: Text
    """Who belongs to this audience."""
    first_week: list[Text] = Field(default_factory=list)
    """The onboarding manual's "your first week" plan, one item per day or step."""


class ReleaseGate(Model):
    threshold: Int = Field(default=100, ge=0, le=100)
    """Percent of the required sections' messages that must be translated to publish a language."""
    required_sections: list[Slug] = Field(default_factory=list)
    """Sections whose translation decides whether a language is published."""


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
    theme: Slug = "handbook"
    """Theme folder under themes/ (or the data folder's own themes/)."""


# --- sections/<id>.yaml --------------------------------------------------------------------


class Governance(Model):
    owner: Slug
    """Owner id from handbook.yaml that keeps this section current."""
    effective: Date
    """Date the section's current text took effect."""
    review_due: Date
    """Date by which the owner reviews the section again."""


class Rule(Model):
    id: RuleId
    """Stable ID <SECTION>-<GROUP>-<NNN>, e.g. BI-COM-003; never reused for another rule."""
    title: Text
    """Short name of the rule."""
    text: Text
    """What is required, in one to three sentences."""
    measure: Text | None = None
    """The measurable criterion, e.g. "within 3 m" or "handshake ≤ 3 s"."""
    audiences: list[Slug] = Field(default_factory=list)
    """Audience ids the rule applies to; empty means everyone."""
    do: list[Text] = Field(default_factory=list)
    """Concrete things to do."""
    dont: list[Text] = Field(default_factory=list)
    """Concrete things not to do."""
    steps: list[Text] = Field(default_factory=list)
    """Ordered steps, when the rule is a procedure."""
    see_also: list[RuleId] = Field(default_factory=list)
    """IDs of related rules anywhere in the handbook."""


class Group(Model):
    id: Slug
    """Identifier unique in the section; the group's page anchor."""
    code: GroupCode
    """Middle part of the group's rule IDs."""
    title: Text
    """Group heading."""
    intro: Text | None = None
    """Optional text under the heading."""
    audiences: list[Slug] = Field(default_factory=list)
    """Audience ids the whole group is for; empty means everyone."""
    rules: list[Rule] = Field(default_factory=list)
    """The rules of this group, in reading order."""


class Color(Model):
    id: Slug
    """Identifier used by logo variants and the theme."""
    name: Text
    """Colour name, e.g. 嘉和蓝."""
    role: ColorRole
    """What the theme uses the colour for."""
    usage: Text
    """Where the colour is used."""
    hex: HexColor
    """Screen value, #RRGGBB in capitals."""
    rgb: list[Annotated[Int, Field(ge=0, le=255)]] = Field(min_length=3, max_length=3)
    """Screen value as [R, G, B]; must equal hex."""
    cmyk: list[Annotated[Int, Field(ge=0, le=100)]] = Field(min_length=4, max_length=4)
    """Print value as [C, M, Y, K] percentages."""
    pantone: Name | None = None
    """Spot colour reference, e.g. PMS 7686 C."""


class LogoVariant(Model):
    file: AssetPath
    """Logo file under assets/."""
    label: Text
    """What this variant is for."""
    background: Slug | None = None
    """Colour id of the background it is shown on."""


class Logo(Model):
    file: AssetPath
    """Main logo file under assets/."""
    alt: Text
    """Text alternative for screen readers."""
    clear_space: Number = Field(gt=0, le=2)
    """Clear space on every side, as a fraction of the logo height."""
    min_width_mm: Number = Field(gt=0)
    """Smallest printed width in millimetres."""
    min_width_px: Int = Field(gt=0)
    """Smallest on-screen width in pixels."""
    variants: list[LogoVariant] = Field(default_factory=list)
    """Other versions, e.g. reversed for dark backgrounds."""
    correct: list[Text] = Field(default_factory=list)
    """Correct uses."""
    incorrect: list[Text] = Field(default_factory=list)
    """Uses that are not allowed."""


class Typeface(Model):
    script: Script
    """Writing system: latin, hans (Simplified Chinese) or hant (Traditional Chinese)."""
    family: FontFamily
    """Font family name the theme and PDF use first."""
    fallback: list[FontFamily] = Field(default_factory=list)
    """Families to fall back on, in order."""
    usage: Text
    """What the typeface is used for."""
    files: list[FontPath] = Field(default_factory=list)
    """The company's own font files under assets/ (regular first, then bold)."""


class TypeSize(Model):
    role: Slug
    """Text role, e.g. h1, body, caption."""
    size_pt: Number = Field(gt=0, le=96)
    """Size in points."""
    leading: Number = Field(ge=1, le=3)
    """Line height as a multiple of the size."""


class Grid(Model):
    paper: Literal["A4", "A5", "Letter"] = "A4"
    """Default paper size for print."""
    margin_top_mm: Number = Field(ge=5, le=60)
    """Top margin."""
    margin_bottom_mm: Number = Field(ge=5, le=60)
    """Bottom margin."""
    margin_inner_mm: Number = Field(ge=5, le=60)
    """Inner (binding side) margin."""
    margin_outer_mm: Number = Field(ge=5, le=60)
    """Outer margin."""
    columns: Int = Field(ge=1, le=24)
    """Number of layout columns."""
    gutter_mm: Number = Field(ge=0, le=20)
    """Space between columns."""
    baseline_pt: Number = Field(gt=0, le=40)
    """Baseline grid increment."""


class Phrase(Model):
    id: RuleId
    """Stable ID like PHR-GRT-001."""
    situation: Text
    """When to say it."""
    say: Text
    """The approved phrase."""
    avoid: Text | None = None
    """A phrase not to use in its place."""
    why: Text | None = None
    """Why the avoided phrase is wrong; required with avoid."""
    audiences: list[Slug] = Field(default_factory=list)
    """Audience ids; empty means everyone."""


class PhraseGroup(Model):
    id: Slug
    """Identifier unique in the section."""
    code: GroupCode
    """Middle part of the phrases' IDs."""
    title: Text
    """Kind of phrase, e.g. 问候语."""
    intro: Text | None = None
    """Optional guidance for this kind."""
    phrases: list[Phrase] = Field(min_length=1)
    """The approved phrases."""


class Case(Model):
    id: RuleId
    """Stable ID like CAS-MAR-001."""
    title: Text
    """Case title."""
    situation: Text
    """Background."""
    story: Text
    """What happened."""
    lesson: Text
    """What staff should take from it."""
    questions: list[Text] = Field(default_factory=list)
    """Discussion questions."""
    audiences: list[Slug] = Field(default_factory=list)
    """Audience ids; empty means everyone."""


class Question(Model):
    id: Slug
    """Identifier unique in the assessment, e.g. q01."""
    text: Text
    """The statement or question."""
    answer: Literal["yes", "no"] | None = None
    """Quiz only: the answer that scores."""


class QuestionGroup(Model):
    id: Slug
    """Identifier unique in the assessment."""
    title: Text
    """Group heading."""
    questions: list[Question] = Field(min_length=1)
    """Questions in this group."""


class Scale(Model):
    min: Int = Field(ge=0, le=100)
    """Lowest rating (0 to 100)."""
    max: Int = Field(ge=0, le=100)
    """Highest rating (0 to 100)."""
    min_label: Text
    """What the lowest rating means."""
    max_label: Text
    """What the highest rating means."""


class Band(Model):
    min: Int
    """Lowest score in the band (inclusive)."""
    max: Int
    """Highest score in the band (inclusive)."""
    label: Text
    """Result name."""
    advice: Text | None = None
    """What to do with this result."""


class Scoring(Model):
    method: Literal["deduct", "sum"]
    """deduct: base − per_wrong × wrong answers; sum: the sum of all ratings."""
    base: Int | None = None
    """deduct only: the score with no wrong answer."""
    per_wrong: Int | None = None
    """deduct only: points lost per wrong answer."""
    explanation: Text
    """How the score is worked out, for readers."""
    bands: list[Band] = Field(min_length=1)
    """Result bands; together they cover every possible score exactly once."""


class Assessment(Model):
    id: Slug
    """Identifier; the form's anchor."""
    title: Text
    """Title."""
    kind: Literal["quiz", "rating"]
    """quiz: yes/no questions with an answer key; rating: statements rated on a scale."""
    audiences: list[Slug] = Field(default_factory=list)
    """Audience ids the assessment is for; empty means everyone."""
    instructions: Text
    """How to take it."""
    scale: Scale | None = None
    """rating only: the rating scale."""
    groups: list[QuestionGroup] = Field(min_length=1)
    """Questions, grouped."""
    scoring: Scoring
    """How results are scored."""


class Section(Model):
    """sections/<id>.yaml: one chapter of the handbook."""

    id: Slug
    """Equals the file name without .yaml; the page name."""
    code: SectionCode
    """First part of every ID in this section, e.g. BI."""
    title: Text
    """Chapter title."""
    summary: Text
    """One or two sentences for the home page and table of contents."""
    governance: Governance
    """Who keeps the section and when it is reviewed."""
    audiences: list[Slug] = Field(default_factory=list)
    """Audience ids the whole section is for; empty means everyone."""
    intro: Text | None = None
    """Opening text."""
    groups: list[Group] = Field(default_factory=list)
    """Rule groups."""
    colors: list[Color] = Field(default_factory=list)
    """VI colour palette."""
    logo: Logo | None = None
    """VI logo specification."""
    typography: list[Typeface] = Field(default_factory=list)
    """VI typefaces per script; they drive the site and PDF fonts."""
    type_scale: list[TypeSize] = Field(default_factory=list)
    """VI type sizes."""
    grid: Grid | None = None
    """VI print layout grid; drives PDF margins."""
    phrase_groups: list[PhraseGroup] = Field(default_factory=list)
    """Phrase library."""
    cases: list[Case] = Field(default_factory=list)
    """Case studies."""
    assessments: list[Assessment] = Field(default_factory=list)
    """Self-assessments."""


def applies_to(audiences: list[str], audience: str | None) -> bool:
    """Whether an item tagged with audiences (empty: everyone) applies to one audience."""
    return audience is None or not audiences or audience in audiences
