"""``.. hb-layer:: <id>``: a layer's badge on a rule it added or changed, and ``data-layer``.

The directive stands inside the rule's (or phrase's) container: it marks that container with
the layer's id, which the container's HTML visitor writes as a ``data-layer`` attribute, and
adds the badge (its content: the layer's name) with the same attribute.
"""

from __future__ import annotations

from typing import Any

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective


class LayerDirective(SphinxDirective):
    required_arguments = 1
    has_content = True

    def run(self) -> list[nodes.Node]:
        layer = directives.class_option(self.arguments[0])[0]
        self.state.parent["layer"] = layer
        badge = nodes.container(classes=["hb-layer-badge"])
        badge["layer"] = layer
        self.state.nested_parse(self.content, self.content_offset, badge)
        return [badge]


def visit_container(self: Any, node: nodes.container) -> None:
    extra = {"data-layer": node["layer"]} if node.get("layer") else {}
    self.body.append(self.starttag(node, "div", CLASS="docutils container", **extra))


def depart_container(self: Any, node: nodes.container) -> None:
    self.body.append("</div>\n")


def setup(app: Sphinx) -> None:
    app.add_directive("hb-layer", LayerDirective)
    app.add_node(nodes.container, override=True, html=(visit_container, depart_container))
