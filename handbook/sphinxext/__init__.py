"""The Sphinx extension the generated projects load: notices, forms, ids, safety, page context.

- ``:hb-missing:`` / ``:hb-fuzzy:`` roles and the ``hb-passage`` directive mark text shown in
  the source language because its translation is missing or out of date, with a notice and
  the right ``lang`` attribute;
- ``hb-assessment`` / ``hb-question`` / ``hb-band`` turn self-assessments into HTML forms
  (assessments.py);
- ``hb-checklist`` lists what applies to a role, each row a link to its rule (rolelist.py);
- a transform gives every section only its explicit ASCII ids (never ``id1``), so one-page
  print builds have no colliding anchors;
- raw and file-insertion directives are switched off for every document;
- ``html-page-context`` hands the theme its switchers, labels and breadcrumbs, and puts
  the Content-Security-Policy <meta> first in every page's head;
- an incremental build writes again exactly the pages that can have changed (rewrites.py);
- Sphinx's own search index is not built: the site has its own (handbook/search.py);
- the first use of a glossary term in a page's rule text links to its entry (terms.py).
"""

from __future__ import annotations

import re
from typing import Any

from docutils import nodes
from docutils.parsers.rst.states import Inliner
from docutils.utils import unescape
from sphinx.application import Sphinx
from sphinx.transforms import SphinxTransform
from sphinx.util.docutils import SphinxDirective

from ..csp import csp_meta
from ..log import logger
from ..paths import template_cache
from . import assessments, layers, permalinks, rewrites, rolelist, terms

_VIEWPORT = re.compile(r'<meta name="viewport"[^>]*>\n?')

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


# --- text shown in the source language ------------------------------------------------------


def untranslated(env: Any, text: str, status: str) -> nodes.Node:
    """Text built as a node (not parsed): marked with its notice when its translation is
    missing or out of date."""
    if status not in ("missing", "fuzzy"):
        return nodes.Text(text)
    node = hb_untranslated(text, text, classes=["hb-untranslated", f"hb-{status}"])
    node["lang"] = _lang_attr(env)
    node["notice"] = _label(env, "Not yet translated" if status == "missing"
                            else "Translation may be out of date")
    return node


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


def _no_sphinx_search(app: Sphinx) -> None:
    """The site searches with its own index (handbook/search.py); Sphinx's would cut every
    text with jieba a second time for a page-level index nothing reads."""
    if getattr(app.builder, "search", False):
        app.builder.search = False  # type: ignore[attr-defined]
        app.config.html_additional_pages = {**app.config.html_additional_pages,
                                            "search": "search.html"}


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

    # first in <head> after the charset: the policy covers every script and style after it;
    # the viewport is the basic layout's (docutils writes a second one into the metatags)
    context["metatags"] = csp_meta() + _VIEWPORT.sub("", context.get("metatags", ""))
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
        "logo": str(site.get("logo") or ""),  # the published file: _static/logo.<type>
        # the VI's variant for the header's colour, its mark for a phone, and the favicon
        "header_logo": str(site.get("header_logo") or ""),
        "header_mark": str(site.get("header_mark") or ""),
        "header_size": [int(v) for v in site.get("header_size") or ()],
        "favicon": str(site.get("favicon") or ""),
        "favicon_type": str(site.get("favicon_type") or ""),
    }
    context["hb_markup"] = Markup
    context["hb_page_toc"] = _page_toc(doctree)


def _page_toc(doctree: Any) -> str:
    """The page's groups (its second-level sections) as a list of links, or "" for a page
    with fewer than two."""
    from markupsafe import escape

    if doctree is None:
        return ""
    top = next(iter(doctree.findall(nodes.section)), None)
    if top is None:
        return ""
    items = []
    for child in top.children:
        if isinstance(child, nodes.section) and child["ids"]:
            title = child.next_node(nodes.title)
            text = title.astext() if title is not None else child["ids"][0]
            items.append(f'<li><a href="#{escape(child["ids"][0])}">{escape(text)}</a></li>')
    if len(items) < 2:
        return ""
    return '<ol class="hb-toc-list">' + "".join(items) + "</ol>"


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_config_value("hb_labels", {}, "env", types=[dict])
    app.add_config_value("hb_source_lang", "zh_CN", "env", types=[str])
    app.add_config_value("hb_site", {}, "html", types=[dict])
    app.add_node(hb_untranslated, html=(visit_untranslated, depart_untranslated))
    app.add_node(hb_passage, html=(visit_passage, depart_passage))
    app.add_role("hb-missing", _notice_role("missing"))
    app.add_role("hb-fuzzy", _notice_role("fuzzy"))
    app.add_directive("hb-passage", PassageDirective)
    rolelist.setup(app)
    assessments.setup(app)
    permalinks.setup(app)
    app.add_transform(ExplicitIds)
    app.connect("builder-inited", _no_sphinx_search)
    app.connect("builder-inited", _harden)
    # before translations.js (priority 500): its plural rule without eval, which CSP forbids
    app.add_js_file("hb-plural.js", priority=300)
    app.connect("html-page-context", _page_context)
    rewrites.setup(app)
    layers.setup(app)
    terms.setup(app)
    logger.debug("handbook Sphinx extension loaded")
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True,
            "env_version": 3}
