"""sections/<id>.yaml -> a Section: rules in groups, the visual identity, phrase cards, cases,
self-assessments and printable forms (forms.py). The scalar types, the base class and
handbook.yaml's model are in model.py; like those, every field here is documented for the
JSON Schema and editors."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from .forms import Form
from .model import (
    AssetPath,
    Date,
    Flag,
    FontFamily,
    FontPath,
    GroupCode,
    HexColor,
    Int,
    Model,
    Name,
    Number,
    RuleId,
    SectionCode,
    Slug,
    Text,
)

ColorRole = Literal[
    "primary", "secondary", "accent", "text", "muted", "background", "surface", "link",
    "border", "success", "warning", "danger",
]
Script = Literal["latin", "hans", "hant"]


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
    locked: Flag = False
    """Layers that extend this handbook may not change or remove it (see README, Layers)."""


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
    locked: Flag = False
    """Layers that extend this handbook may not change or remove it (see README, Layers)."""


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
    locked: Flag = False
    """Layers that extend this handbook may not change or remove it (see README, Layers)."""


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
    locked: Flag = False
    """Layers that extend this handbook may not change or remove it (see README, Layers)."""


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
    locked: Flag = False
    """Layers that extend this handbook may not change or remove it (see README, Layers)."""


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
    forms: list[Form] = Field(default_factory=list)
    """Printable forms for the rules of this section (a forms page and PDF appendices)."""
    locked: Flag | None = None
    """Layers may not change this chapter; unset: locked for the VI chapter only."""


def applies_to(audiences: list[str], audience: str | None) -> bool:
    """Whether an item tagged with audiences (empty: everyone) applies to one audience."""
    return audience is None or not audiences or audience in audiences


def effective_audiences(sections: list[Section]) -> dict[str, list[str]]:
    """Rule, phrase and case ID -> the audiences it applies to once its chapter's and group's
    are taken into account (empty: everyone): ``applies_to`` on the result agrees with
    ``applies_to`` at every level, which the role pages and onboarding manuals use."""
    out: dict[str, list[str]] = {}

    def narrow(outer: list[str], inner: list[str]) -> list[str]:
        if not outer or not inner:
            return list(outer or inner)
        both = [a for a in inner if a in outer]
        return both or list(inner)  # disjoint levels apply to nobody; keep the rule's own

    for section in sections:
        for group in section.groups:
            for rule in group.rules:
                out[rule.id] = narrow(narrow(section.audiences, group.audiences), rule.audiences)
        for pgroup in section.phrase_groups:
            for phrase in pgroup.phrases:
                out[phrase.id] = narrow(section.audiences, phrase.audiences)
        for case in section.cases:
            out[case.id] = narrow(section.audiences, case.audiences)
    return out
