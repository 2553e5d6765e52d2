"""A validated meta and its sections -> the checks no single file can make: unique IDs,
see-also targets, declared audiences and owners, reserved page names, VI colours and assets,
assessment scoring, forms. Every problem is reported at the line that causes it."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .assets import image_problem
from .colors import contrast_ratio
from .errors import Location, Report
from .forms import check_forms
from .load import Document, KeyPath
from .model import HandbookMeta
from .paths import RESERVED_PAGES, reserved_page
from .safefs import Refused, asset_limit, check_data_file, read_data_file
from .section import Section

ASSET_HINT = "a file under assets/ (letters, digits, _ . / -; no '..', no URL)"


class Checker:
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
            self._check_plans(ids)
        check_forms(self.sections, self.docs, set(ids) if self.complete else None,
                    lambda doc, path, message, category: self._error(doc, path, message,
                                                                     category))

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
        for i, section_id in enumerate(meta.sections):
            if reserved_page(section_id):
                self._error(doc, ("sections", i), f"expected a section id that names no "
                            f"generated page ({', '.join(RESERVED_PAGES)}, for-<audience>), "
                            f"got {section_id!r}; rename the section", "data.id")
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

    def _check_plans(self, ids: dict[str, Location]) -> None:
        """Every reference of a first-week plan names a rule, an assessment or a chapter."""
        known = set(ids) | {s.id for s in self.sections}
        known |= {a.id for s in self.sections for a in s.assessments}
        doc = self.docs["handbook"]
        for ai, audience in enumerate(self.meta.audiences):
            for si, step in enumerate(audience.first_week):
                for ri, ref in enumerate(step.refs):
                    if ref not in known:
                        self._error(doc, ("audiences", ai, "first_week", si, "refs", ri),
                                    "expected the ID of a rule, phrase or case, an assessment "
                                    f"id or a section id of this handbook, got {ref!r}",
                                    "data.reference")

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
                self._asset(doc, ("typography", ti, "files", fi), font, image=False)

    def _asset(self, doc: Document, path: KeyPath, rel: str, image: bool = True) -> None:
        """An asset must be a regular file inside the data folder, reached through no link;
        an image must be what its name says, and inert (assets.py)."""
        root = self.data_dir.resolve()
        parts = Path(rel).parts
        if ".." in parts or "." in parts:
            self._error(doc, path, f"expected {ASSET_HINT}, got {rel!r}", "data.asset")
            return
        current = self.data_dir
        for part in parts:
            current = current / part
            if current.is_symlink():
                self._error(doc, path, f"expected a regular file, got a symbolic link at "
                            f"{current.relative_to(self.data_dir).as_posix()!r}", "data.asset")
                return
        target = self.data_dir / rel
        try:  # a regular file of bounded size, not a pipe or device
            data = b""
            if image:  # read once, here: the checks below judge these bytes
                data = read_data_file(self.data_dir, target, asset_limit(rel))
            else:
                check_data_file(self.data_dir, target, asset_limit(rel))
        except Refused as exc:
            self._error(doc, path, f"expected an existing file {rel!r}, got no such file"
                        if exc.kind == "missing" else exc.message, "data.asset")
            return
        if root not in target.resolve().parents:
            self._error(doc, path, f"expected a file inside the data folder, got {rel!r}",
                        "data.asset")
            return
        if image:  # judged by its bytes, not its name
            problem = image_problem(data, target.name)
            if problem:
                self._error(doc, path, problem, "data.asset")

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
