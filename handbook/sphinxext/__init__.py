"""The Sphinx extension the generated projects load: notices, forms, ids, safety, page context.

- ``:hb-missing:`` / ``:hb-fuzzy:`` roles and the ``hb-passage`` directive mark text shown in
  the source language because its translation is missing or out of date, with a notice and
  the right ``lang`` attribute;
- ``hb-assessment`` / ``hb-question`` / ``hb-band`` turn self-assessments into HTML forms;
- a transform gives every section only its explicit ASCII ids (never ``id1``), so one-page
  print builds have no colliding anchors;
- raw and file-insertion directives are switched off for every document;
- ``html-page-context`` hands the theme its switchers, labels and breadcrumbs;
- an incremental build writes again exactly the pages that can have changed (rewrites.py).
"""

from __future__ import annotations

from typing import Any

from docutils import nodes
from docutils.parsers.rst import Directive, directives
from docutils.parsers.rst.states import Inliner
from docutils.utils import unescape
from sphinx.application import Sphinx
from sphinx.transforms import SphinxTransform
from sphinx.util.docutils import SphinxDirective

from ..log import logger
from ..paths import template_cache
from . import rewrites
from .chinese import load_memo, save_memo, search_language

# --- translation notices -------------------------------------------------------------------


class hb_untranslated(nodes.inline):
    """Inline text in the source language, with a notice in its title."""


class hb_passage(nodes.General, nodes.Element):
    """Block text in the source language, with a visible notice."""


def _label(env: Any, key: str) -> str:
    labels: dict[str, str] = env.config.hb_labels
    return labels.get(key, key)


def _lang_attr(env: Any) -> str:
    return str(env.config.hb_source_lang).replace("_", "-")


def _notice_role(state: str) -> Any:
    def role(name: str, rawtext: str, text: str, lineno: int, inliner: Inliner,
             options: dict[str, Any] | None = None, content: list[str] | None = None) -> Any:
        env = inliner.document.settings.env
        node = hb_untranslated(rawtext, unescape(text), classes=["hb-untranslated", f"hb-{state}"])
        node["lang"] = _lang_attr(env)
        node["notice"] = _label(env, "Not yet translated" if state == "missing"
                                else "Translation may be out of date")
        return [node], []
    return role


class PassageDirective(SphinxDirective):
    required_arguments = 1
    has_content = True

    def run(self) -> list[nodes.Node]:
        state = self.arguments[0]
        if state not in ("missing", "fuzzy"):
            raise self.error(f"hb-passage: expected missing or fuzzy, got {state!r}")
        node = hb_passage(classes=["hb-passage", f"hb-{state}"])
        node["lang"] = _lang_attr(self.env)
        notice = _label(self.env, "Not yet translated" if state == "missing"
                        else "Translation may be out of date")
        node += nodes.paragraph("", notice, classes=["hb-notice"])
        self.state.nested_parse(self.content, self.content_offset, node)
        return [node]


def visit_untranslated(self: Any, node: hb_untranslated) -> None:
    self.body.append(self.starttag(node, "span", "", lang=node["lang"], title=node["notice"]))


def depart_untranslated(self: Any, node: hb_untranslated) -> None:
    self.body.append("</span>")


def visit_passage(self: Any, node: hb_passage) -> None:
    self.body.append(self.starttag(node, "div", lang=node["lang"]))


def depart_passage(self: Any, node: hb_passage) -> None:
    self.body.append("</div>\n")


# --- self-assessment forms -----------------------------------------------------------------


class hb_assessment(nodes.General, nodes.Element):
    pass


class hb_question(nodes.General, nodes.Element):
    pass


class hb_band(nodes.General, nodes.Element):
    pass


class AssessmentDirective(SphinxDirective):
    required_arguments = 1
    has_content = True
    option_spec = {
        "kind": lambda v: directives.choice(v, ("quiz", "rating")),
        "method": lambda v: directives.choice(v, ("deduct", "sum")),
        "base": directives.nonnegative_int,
        "per-wrong": directives.nonnegative_int,
        "scale": directives.unchanged,
    }

    def run(self) -> list[nodes.Node]:
        node = hb_assessment(classes=["hb-assessment"])
        node["form_id"] = directives.class_option(self.arguments[0])[0]
        node["kind"] = self.options.get("kind", "quiz")
        node["method"] = self.options.get("method", "deduct")
        node["base"] = self.options.get("base", 0)
        node["per_wrong"] = self.options.get("per-wrong", 0)
        low, high = (self.options.get("scale") or "1 5").split()
        node["scale"] = (int(low), int(high))
        self.state.nested_parse(self.content, self.content_offset, node)
        for question in node.findall(hb_question):
            question["kind"] = node["kind"]
            question["scale"] = node["scale"]
            question["form_id"] = node["form_id"]
        return [node]


class QuestionDirective(Directive):
    required_arguments = 1
    optional_arguments = 1
    has_content = True
    option_spec = {"number": directives.positive_int}

    def run(self) -> list[nodes.Node]:
        node = hb_question(classes=["hb-question"])
        node["qid"] = directives.class_option(self.arguments[0])[0]
        node["number"] = self.options.get("number", 0)
        node["answer"] = self.arguments[1] if len(self.arguments) > 1 else ""
        if node["answer"] not in ("", "yes", "no"):
            raise self.error(f"hb-question: expected yes or no, got {node['answer']!r}")
        self.state.nested_parse(self.content, self.content_offset, node)
        first = next(iter(node.findall(nodes.paragraph)), None)
        if node["number"] and first is not None:  # the number the answer key uses
            first.insert(0, nodes.inline("", f"{node['number']}. ", classes=["hb-qnum"]))
        return [node]


class BandDirective(Directive):
    required_arguments = 2
    has_content = True

    def run(self) -> list[nodes.Node]:
        node = hb_band(classes=["hb-band"])
        node["min"], node["max"] = (int(a) for a in self.arguments)
        self.state.nested_parse(self.content, self.content_offset, node)
        return [node]


def visit_assessment(self: Any, node: hb_assessment) -> None:
    attrs = {"data-kind": node["kind"], "data-method": node["method"],
             "data-base": str(node["base"]), "data-per-wrong": str(node["per_wrong"]),
             "ids": [f"form-{node['form_id']}"]}
    self.body.append(self.starttag(node, "form", **attrs))


def depart_assessment(self: Any, node: hb_assessment) -> None:
    labels = self.builder.config.hb_labels
    score = self.encode(labels.get("Show my score", "Show my score"))
    reset = self.encode(labels.get("Start again", "Start again"))
    self.body.append(
        f'<div class="hb-form-actions"><button type="button" class="hb-score">{score}</button>'
        f' <button type="reset">{reset}</button></div>'
        '<p class="hb-result" role="status" aria-live="polite"></p></form>\n'
    )


def visit_question(self: Any, node: hb_question) -> None:
    self.body.append(self.starttag(node, "fieldset", **{"data-answer": node["answer"]}))
    self.body.append('<div class="hb-qtext">')


def depart_question(self: Any, node: hb_question) -> None:
    labels = self.builder.config.hb_labels
    name = f"{node['form_id']}-{node['qid']}"
    self.body.append('</div><div class="hb-choices">')
    if node["kind"] == "quiz":
        options = [("yes", labels.get("yes", "yes")), ("no", labels.get("no", "no"))]
    else:
        low, high = node["scale"]
        options = [(str(v), str(v)) for v in range(low, high + 1)]
    for value, text in options:
        self.body.append(
            f'<label><input type="radio" name="{self.attval(name)}" value="{self.attval(value)}">'
            f'<span class="hb-box"></span>{self.encode(text)}</label> '
        )
    self.body.append("</div></fieldset>\n")


def visit_band(self: Any, node: hb_band) -> None:
    self.body.append(self.starttag(node, "div", **{"data-min": str(node["min"]),
                                                   "data-max": str(node["max"])}))


def depart_band(self: Any, node: hb_band) -> None:
    self.body.append("</div>\n")


def _skip(self: Any, node: nodes.Node) -> None:
    raise nodes.SkipNode


# --- audience checklists ------------------------------------------------------------------


class ChecklistDirective(SphinxDirective):
    """Rows of (rule link, title, measure) built as nodes directly, one JSON object per line.

    Audience pages list hundreds of rules; parsing them as a reST table costs seconds per
    page, building the table costs milliseconds. The text never passes a reST parser.
    """

    has_content = True

    def run(self) -> list[nodes.Node]:
        import json

        from sphinx.addnodes import pending_xref

        table = nodes.table(classes=["hb-table", "hb-checklist"])
        group = nodes.tgroup(cols=3)
        table += group
        for width in (20, 45, 35):
            group += nodes.colspec(colwidth=width)
        body = nodes.tbody()
        group += body
        for line in self.content:
            if not line.strip():
                continue
            row_data = json.loads(line)
            row = nodes.row()
            ref = pending_xref("", refdomain="std", reftype="ref", reftarget=row_data["anchor"],
                               refexplicit=True, refwarn=True)
            ref += nodes.inline("", row_data["id"])
            row += nodes.entry("", nodes.paragraph("", "", ref))
            for key in ("title", "measure"):
                para = nodes.paragraph()
                text = row_data.get(key) or ""
                if row_data.get(f"{key}_status", "ok") in ("missing", "fuzzy"):
                    state = row_data[f"{key}_status"]
                    inline = hb_untranslated(text, text, classes=["hb-untranslated", f"hb-{state}"])
                    inline["lang"] = _lang_attr(self.env)
                    inline["notice"] = _label(self.env, "Not yet translated" if state == "missing"
                                              else "Translation may be out of date")
                    para += inline
                elif text:
                    para += nodes.Text(text)
                row += nodes.entry("", para)
            body += row
        return [table]


# --- explicit ids --------------------------------------------------------------------------


class ExplicitIds(SphinxTransform):
    """Keep only the explicit (label) ids of a section: never ``id1`` or a title-made id."""

    default_priority = 400

    def apply(self, **kwargs: Any) -> None:
        document = self.document
        for section in document.findall(nodes.section):
            explicit = [
                document.nameids[name] for name in section["names"]
                if document.nametypes.get(name) and document.nameids.get(name)
            ]
            if explicit:
                section["ids"] = [i for i in section["ids"] if i in explicit]


# --- safety and page context ---------------------------------------------------------------


def _harden(app: Sphinx) -> None:
    app.env.settings["file_insertion_enabled"] = False
    app.env.settings["raw_enabled"] = False
    app.env.settings["line_length_limit"] = 100_000
    templates = getattr(app.builder, "templates", None)
    if templates is not None and hasattr(templates, "environment"):
        templates.environment.bytecode_cache = template_cache()


def _page_context(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any],
                  doctree: Any) -> None:
    from markupsafe import Markup, escape

    site: dict[str, Any] = app.config.hb_site
    prefix = "../" * pagename.count("/")
    up = prefix + "../../"  # from <version>/<lang>/page.html to <out>/
    languages = []
    for lang in site.get("languages", []):
        languages.append({
            "code": lang["code"], "name": escape(lang["name"]), "current": lang["current"],
            "url": f"{up}{site['version']}/{lang['code']}/{pagename}.html",
            "home": f"{up}{site['version']}/{lang['code']}/index.html",
        })
    versions = []
    pages_by_version: dict[str, list[str]] = site.get("pages", {})
    for version in site.get("versions", []):
        exists = pagename in pages_by_version.get(version["name"], [pagename])
        target = pagename if exists else "index"
        versions.append({
            "name": escape(version["name"]), "current": version["name"] == site["version"],
            "latest": version.get("latest", False),
            "url": f"{up}{version['name']}/{site['lang']}/{target}.html",
        })
    labels = {k: escape(v) for k, v in app.config.hb_labels.items()}
    context["hb"] = {
        "labels": labels,
        "label": lambda key: labels.get(key, escape(key)),
        "org": escape(site.get("org", "")),
        "title": escape(site.get("title", "")),
        "version": escape(site.get("version", "")),
        "languages": languages,
        "versions": versions,
        "is_old": site.get("is_old", False),
        "latest_url": f"{up}{site.get('latest', site.get('version', ''))}/{site.get('lang', '')}/"
                      f"index.html",
        "pdf": site.get("pdf") and prefix + "pdf/" + site["pdf"],
        "audiences": [{"id": escape(a["id"]), "name": escape(a["name"])}
                      for a in site.get("audiences", [])],
        "owner": escape(site.get("owners", {}).get(pagename, "")),
        "logo": bool(site.get("logo")),
    }
    context["hb_markup"] = Markup


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_config_value("hb_labels", {}, "env", types=[dict])
    app.add_config_value("hb_source_lang", "zh_CN", "env", types=[str])
    app.add_config_value("hb_site", {}, "html", types=[dict])
    app.add_node(hb_untranslated, html=(visit_untranslated, depart_untranslated))
    app.add_node(hb_passage, html=(visit_passage, depart_passage))
    app.add_node(hb_assessment, html=(visit_assessment, depart_assessment))
    app.add_node(hb_question, html=(visit_question, depart_question))
    app.add_node(hb_band, html=(visit_band, depart_band))
    app.add_role("hb-missing", _notice_role("missing"))
    app.add_role("hb-fuzzy", _notice_role("fuzzy"))
    app.add_directive("hb-passage", PassageDirective)
    app.add_directive("hb-assessment", AssessmentDirective)
    app.add_directive("hb-question", QuestionDirective)
    app.add_directive("hb-band", BandDirective)
    app.add_directive("hb-checklist", ChecklistDirective)
    app.add_transform(ExplicitIds)
    app.add_search_language(search_language())
    app.connect("builder-inited", _harden)
    app.connect("builder-inited", load_memo)
    app.connect("build-finished", save_memo)
    app.connect("html-page-context", _page_context)
    rewrites.setup(app)
    logger.debug("handbook Sphinx extension loaded")
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True,
            "env_version": 1}
