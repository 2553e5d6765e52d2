"""Validated (translated) model -> Sphinx reST sources through Jinja2 templates.

Escaping lives here. Templates never see raw content: every string they can reach is
already reST-escaped (every ASCII punctuation character backslash-escaped, so no inline
markup, role, directive, target or link can form), and code-made markup such as anchors
is marked :class:`Rst` explicitly. Untrusted text therefore always reaches the page as text.
"""

from __future__ import annotations

import datetime as _dt
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from .colors import contrast_ratio, passes_aa
from .forms import forms_by_rule
from .glossary import glossary_rows
from .layerbuild import local_context, template_globals
from .metadiff import meta_rows
from .rst import Rst, anchor, bare_id, make_env, ref_elsewhere, ref_link, rst_escape
from .section import Section, applies_to, effective_audiences

if TYPE_CHECKING:
    from .validate import Handbook

class View:
    """Read-only, escaped view of a model object for templates."""

    def __init__(self, obj: BaseModel, extra: dict[str, Any] | None = None) -> None:
        self._obj = obj
        self._extra = extra or {}

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        if name in self._extra:
            return self._extra[name]
        value = self.__dict__[name] = view(getattr(self._obj, name))  # asked again: found
        return value

    @property
    def raw(self) -> BaseModel:
        """The model object itself, for code (filters, tests); never printed directly."""
        return self._obj


def list_separator(lang: str) -> str:
    """What joins the items of a list in running text: the enumeration comma 、 in Chinese."""
    return "、" if lang.split("_")[0] == "zh" else ", "


def view(value: Any) -> Any:
    if isinstance(value, BaseModel):
        extra: dict[str, Any] = {}
        item_id = getattr(value, "id", None)
        if isinstance(item_id, str):
            extra["anchor"] = anchor(item_id)
            extra["id"] = rst_escape(item_id)
        audiences = getattr(value, "audiences", None)
        if isinstance(audiences, list):
            extra["audience_ids"] = list(audiences)
            extra["audience_classes"] = Rst(" ".join(f"aud-{a}" for a in audiences))
        return View(value, extra)
    if isinstance(value, list):
        return [view(v) for v in value]
    if isinstance(value, str):
        return rst_escape(value)
    if isinstance(value, (_dt.date, int, float)):
        return rst_escape(str(value))
    return value


class Renderer:
    """Turns one language's translated handbook into the files of a Sphinx project."""

    def __init__(self, handbook: Handbook, lang: str, labels: dict[str, str],
                 template_dirs: list[Path]) -> None:
        self.handbook = handbook
        self.lang = lang
        self.labels = labels
        self.env = make_env(template_dirs)
        self.list_sep = list_separator(lang)
        self.env.filters["series"] = lambda items: Rst(self.list_sep.join(map(str, items)))
        self.audience: str | None = None
        self.env.tests["applies"] = lambda item: applies_to(item.audience_ids, self.audience)
        meta = handbook.meta
        self.owner_names = {o.id: view(o.name) for o in meta.owners}
        self.audience_names = {a.id: view(a.name) for a in meta.audiences}
        self.effective = effective_audiences(handbook.sections)
        self.globals: dict[str, Any] = {
            "_": self.gettext,
            "_p": self.pgettext,
            "fmt": self.format_label,
            "hb": view(meta),
            "sections": [view(s) for s in handbook.sections],
            "audiences": [view(a) for a in meta.audiences],
            "lang": lang,
            "owner_name": lambda oid: self.owner_names.get(oid, rst_escape(oid)),
            "audience_names": self.audience_list,
            "refs": lambda ids: Rst(self.list_sep.join(ref_link(i) for i in ids)),
            "plan_refs": self.plan_refs,
            "ref_link": ref_link,
            "contrast": _contrast,
            "asset": lambda rel: Rst("/_assets/" + rel.removeprefix("assets/")),
            "alt": lambda text: Rst(" ".join(str(text).split())),
            "script_names": {"latin": "Latin", "hans": "Simplified Chinese",
                             "hant": "Traditional Chinese"},
            "audience_items": self.audience_items,
            "audience_groups": self.audience_groups,
            "aud_classes": self.audience_classes,
            "applies_ids": self.applies_ids,
            "checklist_row": _checklist_row,
            "onboarding": [],
            "has_changes": False,
            "pdf_name": None,
            "mission": None,
            "glossary": glossary_rows(handbook.glossary, lang, meta.source_language,
                                      rst_escape),
            "forms": [view(f) for s in handbook.sections for f in s.forms],
            "form_refs": self.form_refs,
            "forms_linked": True,
            **template_globals(handbook),
        }
        self._forms_by_rule = forms_by_rule(handbook.sections)

    def gettext(self, msgid: str) -> Rst:
        """A theme label in this language, escaped like any other text."""
        return rst_escape(self.labels.get(msgid, msgid))

    def pgettext(self, context: str, msgid: str) -> Rst:
        """A theme label that has a msgctxt (one English word, several meanings)."""
        return rst_escape(self.labels.get(f"{context}\x04{msgid}", msgid))

    def format_label(self, msgid: str, **values: str) -> Rst:
        """A label with {placeholders} filled by already-escaped values."""
        out = str(self.gettext(msgid))
        for key, value in values.items():
            out = out.replace(str(rst_escape("{" + key + "}")), str(value))
        return Rst(out)

    def form_refs(self, rule_id: str, linked: bool = True) -> Rst:
        """The forms that record a rule: links to them, or (a document without the forms)
        their titles."""
        out = []
        for form in self._forms_by_rule.get(rule_id, []):
            title = view(form.title)
            out.append(f":ref:`{title} <form-{form.id}>`" if linked
                       else f":hb-xref-elsewhere:`{title}`")
        return Rst(", ".join(out))

    def audience_list(self, ids: list[str]) -> Rst:
        return Rst(self.list_sep.join(self.audience_names.get(i, rst_escape(i)) for i in ids))

    def audience_items(self, section: Section) -> list[View]:
        """Rules, phrases and cases of a section that apply to the current audience."""
        out: list[View] = []
        if not applies_to(section.audiences, self.audience):
            return out
        for group in section.groups:
            if applies_to(group.audiences, self.audience):
                out += [view(r) for r in group.rules if applies_to(r.audiences, self.audience)]
        for pgroup in section.phrase_groups:
            out += [view(p) for p in pgroup.phrases if applies_to(p.audiences, self.audience)]
        return out

    def audience_groups(self, section: Section) -> list[dict[str, Any]]:
        """What applies to the current audience in a section, group by group: anchor, title
        (None for the chapter's cases, which have no group: the template names them) and
        checklist rows."""
        out: list[dict[str, Any]] = []
        if not applies_to(section.audiences, self.audience):
            return out
        for group in section.groups:
            if applies_to(group.audiences, self.audience):
                rows = [_checklist_row(r) for r in group.rules
                        if applies_to(r.audiences, self.audience)]
                out.append({"anchor": anchor(group.id), "title": view(group.title), "rows": rows})
        for pgroup in section.phrase_groups:
            rows = [_checklist_row(p) for p in pgroup.phrases
                    if applies_to(p.audiences, self.audience)]
            out.append({"anchor": anchor(pgroup.id), "title": view(pgroup.title), "rows": rows})
        rows = [_checklist_row(c) for c in section.cases if applies_to(c.audiences, self.audience)]
        out.append({"anchor": Rst("cases"), "title": None, "rows": rows})
        return [g for g in out if g["rows"]]

    def applies_ids(self, item: View) -> list[str]:
        """The audiences an item applies to, narrowed by its chapter's and group's (empty:
        everyone): what its "applies to" line names and the role filter reads."""
        return list(self.effective.get(str(getattr(item.raw, "id", "")), item.audience_ids))

    def audience_classes(self, item: View) -> Rst:
        """The aud-<id> classes the role filter reads, so it shows what the role page lists."""
        return Rst(" ".join(f"aud-{a}" for a in self.applies_ids(item)))

    def item_ids(self) -> list[str]:
        """Every rule, phrase and case ID of the handbook, sorted: the rule-ID index."""
        ids = [r.id for s in self.handbook.sections for g in s.groups for r in g.rules]
        ids += [p.id for s in self.handbook.sections for g in s.phrase_groups
                for p in g.phrases]
        ids += [c.id for s in self.handbook.sections for c in s.cases]
        return sorted(ids)

    def page(self, template: str, audience: str | None = None, **context: Any) -> str:
        self.audience = audience
        return self.env.get_template(template).render({**self.globals, **context})

    def site_pages(self, extra: dict[str, Any] | None = None) -> dict[str, str]:
        """docname.rst -> reST of every page of the intranet site."""
        extra = extra or {}
        mission = None
        for section in self.handbook.sections:
            for group in section.groups:
                if group.id == "mission" and (group.intro or group.rules):
                    first = group.rules[0] if group.rules else None
                    mission = {"title": view(group.title),
                               "text": view(first.text if first else group.intro)}
        pages = {"index.rst": self.page("index.rst.j2", mission=mission, **extra)}
        for section in self.handbook.sections:
            pages[f"{section.id}.rst"] = self.page("section.rst.j2", section=view(section))
        for aud in self.handbook.meta.audiences:
            pages[f"for-{aud.id}.rst"] = self.page(
                "audience.rst.j2", audience=aud.id, aud=view(aud),
                onboarding=extra.get("onboarding", []))
        if self.handbook.glossary is not None:
            pages["glossary.rst"] = self.page("glossary.rst.j2")
        if self.globals["forms"]:
            pages["forms.rst"] = self.page("forms.rst.j2")
        if self.handbook.provenance is not None:  # a layer: what it changes, and why
            local = local_context(self.handbook, self.gettext, self.list_sep)
            pages["local-rules.rst"] = self.page("local.rst.j2", **local)
        return pages

    def plan_refs(self, ids: list[str], refs: Any = None,
                  titles: dict[Rst, Any] | None = None) -> Rst:
        """A first-week step's references: chapters and assessments by title, rules by ID;
        each a link (in print followed by its page). By default those of the whole site."""
        if titles is None:
            titles = {anchor(s.id): s.title for s in self.handbook.sections}
            titles |= {anchor(a.id): a.title for s in self.handbook.sections
                       for a in s.assessments}
        if refs is None:
            def refs(ids: list[str]) -> Rst:
                return Rst(self.list_sep.join(ref_link(i) for i in ids))
        return Rst(self.list_sep.join(
            Rst(f":ref:`{rst_escape(str(titles[anchor(i)]))} <{anchor(i)}>`")
            if anchor(i) in titles else refs([i]) for i in ids))

    def print_pages(self, audiences: list[str],
                    extra: dict[str, Any] | None = None) -> dict[str, str]:
        """Document name -> reST of each print document: the whole handbook, then one
        onboarding manual per audience id in audiences, holding only what applies to it.

        Each document is a Sphinx project of its own (labels are global in a project), so
        a see-also reference to a rule left out of a manual is printed as its bare ID.
        """
        extra = extra or {}
        pages = {"handbook": self.page("print_handbook.rst.j2", aud=None,
                                       chapters=[view(s) for s in self.handbook.sections],
                                       index_ids=self.item_ids(), **extra)}
        for aud in self.handbook.meta.audiences:
            if aud.id not in audiences:
                continue
            self.audience = aud.id
            sections = [s for s in self.handbook.sections if applies_to(s.audiences, aud.id)]
            present = {str(item.anchor) for s in sections for item in self.audience_items(s)}
            present |= {anchor(c.id) for s in sections for c in s.cases
                        if applies_to(c.audiences, aud.id)}

            def refs(ids: list[str], present: set[str] = present) -> Rst:
                return Rst(self.list_sep.join(ref_link(i) if anchor(bare_id(i)) in present
                                     else ref_elsewhere(i) for i in ids))

            titles = {anchor(s.id): s.title for s in sections}
            titles |= {anchor(a.id): a.title for s in sections for a in s.assessments
                       if applies_to(a.audiences, aud.id)}

            def plan_refs(ids: list[str], refs: Any = refs, titles: dict[Rst, Any] = titles
                          ) -> Rst:
                return self.plan_refs(ids, refs, titles)

            pages[f"onboarding-{aud.id}"] = self.page(
                "print_onboarding.rst.j2", audience=aud.id, aud=view(aud),
                chapters=[view(s) for s in sections], refs=refs, plan_refs=plan_refs,
                vi_basics=True, forms_linked=False, **extra)
        return pages


    def changes_page(self, source: Any, shown: Any, old_version: str) -> str:
        """The "What changed in <version>" page of the site."""
        return self.page("changes.rst.j2", **self.changes_context(source, shown, old_version),
                         changes_prefix="changes")

    def changes_context(self, source: Any, shown: Any, old_version: str) -> dict[str, Any]:
        """Template values listing changes: the source diff decides, the shown diff words it."""
        wanted = {(e.id, e.status): {c.field for c in e.changes} for e in source.entries}
        by_id = {(e.id, e.status): e for e in shown.entries}
        titles = {s.id: view(s.title) for s in self.handbook.sections}
        sections: dict[str, dict[str, Any]] = {}
        labels = {"added": "Added", "removed": "Removed", "changed": "Changed", "moved": "Moved"}
        for entry in source.entries:
            key = (entry.id, entry.status)
            entry = by_id.get(key, entry)
            sec = sections.setdefault(entry.place.section_id, {
                "anchor": anchor(entry.place.section_id),
                "title": titles.get(entry.place.section_id, rst_escape(entry.place.section_title)),
                "entries": []})
            fields = [c for c in entry.changes if c.field in wanted[key]]
            sec["entries"].append({
                "id": rst_escape(entry.id),
                "anchor": anchor(entry.id),
                "status": entry.status,
                "status_label": self.gettext(labels[entry.status]),
                "title": rst_escape(entry.title),
                "classes": Rst(" ".join(f"aud-{a}" for a in entry.audiences)),
                "linked": entry.status != "removed",
                "fields": [{"label": self.gettext(_FIELD_LABELS.get(c.field, c.field)),
                            "text": _inline_diff(c)} for c in fields],
                "moved_from": rst_escape(entry.old_place.path) if entry.old_place else None,
            })
        counts = {k: sum(1 for e in source.entries if e.status == k) for k in labels}
        return {"changes": list(sections.values()), "counts": counts,
                "meta_changes": meta_rows(source.meta, shown.meta, rst_escape),
                "status_labels": {k: self.gettext(v) for k, v in labels.items()},
                "old_version": rst_escape(old_version)}


def _checklist_row(item: Any) -> Rst:
    """One audience-checklist row as a JSON line (never parsed as reST)."""
    title = getattr(item, "title", None) or getattr(item, "situation", "")
    measure = getattr(item, "measure", None) or ""
    row = {"id": item.id, "anchor": item.id.lower(), "title": str(title),
           "title_status": getattr(title, "status", "ok"), "measure": str(measure),
           "measure_status": getattr(measure, "status", "ok")}
    return Rst(json.dumps(row, ensure_ascii=False))


_FIELD_LABELS = {
    "title": "Title", "text": "Text", "measure": "Measure", "do": "Do", "dont": "Don't",
    "steps": "Steps", "audiences": "Applies to", "see_also": "See also",
    "situation": "Situation", "say": "Say", "avoid": "Avoid", "why": "Why",
    "story": "What happened", "lesson": "Lesson", "questions": "For discussion",
}


def _inline_diff(change: Any) -> Rst:
    """Old → new with deletions and insertions marked (``\\ `` lets roles touch CJK text)."""
    if change.inline is None:
        old = rst_escape(_flat(change.old)) or Rst("—")
        new = rst_escape(_flat(change.new)) or Rst("—")
        return Rst(f":hb-del:`{old}` → :hb-ins:`{new}`" if str(old).strip() and str(new).strip()
                   else f"{old} → {new}")
    parts = []
    for op, text in change.inline:
        flat = " ".join(text.replace("\n", " / ").split())
        if not flat:
            parts.append(" " if text else "")
            continue
        lead = " " if text[:1].isspace() else ""
        tail = " " if text[-1:].isspace() else ""
        escaped = rst_escape(flat)
        if op == "equal":
            parts.append(f"{lead}{escaped}{tail}")
        else:
            role = "hb-del" if op == "delete" else "hb-ins"
            parts.append(f"{lead}\\ :{role}:`{escaped}`\\ {tail}")
    return Rst("".join(parts).strip())


def _flat(value: Any) -> str:
    if isinstance(value, (list, tuple)):
        return " / ".join(str(v) for v in value)
    return "" if value is None else str(value)


def _contrast(fg: str, bg: str) -> Rst:
    ratio = contrast_ratio(fg, bg)
    return Rst(f"{ratio:.1f}:1 {'AA' if passes_aa(ratio) else '✗'}")
