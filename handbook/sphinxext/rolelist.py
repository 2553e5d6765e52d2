"""Role pages' rule lists: JSON lines of an ``hb-checklist`` directive -> linked HTML list items.

A role page lists every rule, phrase and case that applies to the role, each as one list
item: a link to the rule in its chapter showing its ID and title, then its measure. The
rows are built as nodes directly (parsing hundreds of them as reST costs seconds a page);
their text never passes a reST parser. The links are resolved after reading, from the same
labels ``:ref:`` uses, so a row whose rule has no anchor is a warning, as a broken ref is.
"""

from __future__ import annotations

import json
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

_log = logging.getLogger(__name__)


class hb_rulelink(nodes.Inline, nodes.Element):
    """The ID and title of a rule, to become a link to the rule's anchor once labels are known."""


class ChecklistDirective(SphinxDirective):
    """``.. hb-checklist::`` with one JSON object (id, anchor, title, measure) per line."""

    has_content = True

    def run(self) -> list[nodes.Node]:
        from . import untranslated

        items = nodes.bullet_list(classes=["hb-rulelist"])
        measure_label = self.env.config.hb_labels.get("Measure", "Measure")
        for line in self.content:
            if not line.strip():
                continue
            row = json.loads(line)
            link = hb_rulelink(target=row["anchor"])
            link += nodes.inline("", row["id"], classes=["hb-id"])
            link += nodes.Text(" ")
            link += untranslated(self.env, row["title"], row.get("title_status", "ok"))
            para = nodes.paragraph("", "", link)
            if row.get("measure"):
                measure = nodes.inline("", "", classes=["hb-measure"])
                measure += nodes.inline("", measure_label, classes=["hb-label"])
                measure += nodes.Text(" ")
                measure += untranslated(self.env, row["measure"],
                                        row.get("measure_status", "ok"))
                para += measure
            items += nodes.list_item("", para)
        return [items]


class ResolveRuleLinks(SphinxPostTransform):
    """Give every rule link the page and anchor of its label (plain text if it has none)."""

    default_priority = 20  # after Sphinx resolves :ref: (10); labels are all known by then

    def run(self, **kwargs: Any) -> None:
        labels = self.env.domaindata["std"]["anonlabels"]
        for link in list(self.document.findall(hb_rulelink)):
            docname, labelid = labels.get(link["target"], ("", ""))
            if not docname:
                _log.warning("rule link: no anchor %r", link["target"], location=link)
                link.replace_self(nodes.inline("", "", *link.children))
                continue
            link["docname"], link["labelid"] = docname, labelid


def visit_rulelink(self: Any, node: hb_rulelink) -> None:
    builder = self.builder
    uri = builder.get_relative_uri(builder.current_docname, node["docname"])
    self.body.append(f'<a href="{self.attval(uri + "#" + node["labelid"])}">')


def depart_rulelink(self: Any, node: hb_rulelink) -> None:
    self.body.append("</a>")


def setup(app: Sphinx) -> None:
    app.add_node(hb_rulelink, html=(visit_rulelink, depart_rulelink))
    app.add_directive("hb-checklist", ChecklistDirective)
    app.add_post_transform(ResolveRuleLinks)
