"""Permalinks -> links a screen reader can name: the heading links Sphinx adds and the "#"
beside each rule and phrase (the ``hb-rule-link`` and ``hb-phrase-link`` roles) carry an
aria-label from the theme catalogs ("Link to this rule"), not just the "#" they show."""

from __future__ import annotations

from typing import Any

from docutils import nodes
from docutils.parsers.rst.states import Inliner
from docutils.utils import unescape
from sphinx.application import Sphinx
from sphinx.writers.html5 import HTML5Translator

LABELS = {"rule": "Link to this rule", "phrase": "Link to this phrase",
          "heading": "Link to this heading"}


class hb_permalink(nodes.Inline, nodes.TextElement):
    pass


def _label(translator: Any, kind: str) -> str:
    labels: dict[str, str] = translator.builder.config.hb_labels
    return labels.get(LABELS[kind], LABELS[kind])


class WebTranslator(HTML5Translator):
    """The site's HTML: a heading's permalink is named for screen readers."""

    def add_permalink_ref(self, node: nodes.Element, title: str) -> None:
        if isinstance(node, nodes.section):
            title = _label(self, "heading")
        if node["ids"] and self.config.html_permalinks and self.builder.add_permalinks:
            self.body.append(
                f'<a class="headerlink" href="#{self.attval(node["ids"][0])}" '
                f'aria-label="{self.attval(title)}" title="{self.attval(title)}">'
                f'{self.config.html_permalinks_icon}</a>')


def _role(kind: str) -> Any:
    def role(name: str, rawtext: str, text: str, lineno: int, inliner: Inliner,
             options: dict[str, Any] | None = None,
             content: list[str] | None = None) -> tuple[list[nodes.Node], list[Any]]:
        node = hb_permalink(rawtext, "#", kind=kind, target=unescape(text).strip())
        return [node], []
    return role


def visit_permalink(self: Any, node: hb_permalink) -> None:
    label = self.attval(_label(self, node["kind"]))
    # "reference external": the class the print style sheet hides, as before
    self.body.append(f'<a class="reference external hb-permalink" '
                     f'href="#{self.attval(node["target"])}" aria-label="{label}" '
                     f'title="{label}">')


def depart_permalink(self: Any, node: hb_permalink) -> None:
    self.body.append("</a>")


def setup(app: Sphinx) -> None:
    # a print project (handbook.printdoc) puts its own translator in place of this one
    app.set_translator("html", WebTranslator)
    app.add_node(hb_permalink, html=(visit_permalink, depart_permalink))
    app.add_role("hb-rule-link", _role("rule"))
    app.add_role("hb-phrase-link", _role("phrase"))
