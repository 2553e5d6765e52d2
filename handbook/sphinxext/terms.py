"""Glossary terms in rule text -> a link to their glossary entry, the first use on a page.

The project's configuration lists the terms of its language (``hb_terms``: surface form and
term id; the source term on a source-language site, the approved translation elsewhere). The
content is translated before Sphinx reads it, so a transform on the read document sees the
text the reader sees. In each top-level section (a page of the site, a chapter of a print
document) the first use of each term inside a rule, phrase card or case becomes a reference
to the label ``term-<id>`` of the glossary; headings, links, code, labels and text shown in
another language are left alone. Latin terms match whole words, case-insensitively; Chinese
terms match as substrings, the longest first (24 小时上门 before 上门), a space in a term
matching any or no space.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.transforms import SphinxTransform

SCOPES = frozenset({"hb-rule", "hb-phrase", "hb-case"})
"""Classes of the containers whose text is "rule text"."""
SKIP_CLASSES = frozenset({"hb-rule-head", "hb-label", "hb-id", "hb-situation"})
_CJK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff]")
_SKIP_NODES = (nodes.title, nodes.reference, nodes.literal, nodes.literal_block,
               nodes.raw, nodes.comment, nodes.target, addnodes.pending_xref)


@lru_cache(maxsize=8)
def term_pattern(terms: tuple[tuple[str, str], ...]) -> tuple[re.Pattern[str] | None,
                                                               dict[str, str]]:
    """One regular expression for every term, longest first, and surface (case-folded,
    spaces removed) -> term id."""
    ids: dict[str, str] = {}
    parts = []
    for surface, term_id in sorted(terms, key=lambda t: (-len(t[0]), t[0])):
        words = surface.split()
        if not words:
            continue
        ids.setdefault(_key(surface), term_id)
        if _CJK.search(surface):
            parts.append(r"\s*".join(re.escape(w) for w in words))
        else:
            parts.append(r"(?<![\w-])" + r"\s+".join(re.escape(w) for w in words)
                         + r"(?![\w-])")
    if not parts:
        return None, ids
    return re.compile("|".join(parts), re.IGNORECASE), ids


def _key(text: str) -> str:
    return "".join(text.split()).casefold()


def _skipped(node: nodes.Node, scope: nodes.Node) -> bool | None:
    """True: never link here; False: rule text; None: outside rule text."""
    inside = None
    parent = node.parent
    while parent is not None and parent is not scope:
        if isinstance(parent, _SKIP_NODES):
            return True
        classes: set[str] = set(parent.get("classes", []))
        if classes & SKIP_CLASSES or parent.get("lang") not in (None, ""):
            return True
        if type(parent).__name__ == "hb_untranslated":
            return True
        if isinstance(parent, nodes.container) and classes & SCOPES:
            inside = False
        parent = parent.parent
    return inside


class TermLinks(SphinxTransform):
    """Link the first use of each glossary term in every page's (or chapter's) rule text."""

    default_priority = 790

    def apply(self, **kwargs: Any) -> None:
        terms = tuple((str(s), str(i)) for s, i in self.config.hb_terms)
        pattern, ids = term_pattern(terms)
        if pattern is None or self.env.docname == "glossary":
            return
        sections: list[nodes.Element] = [c for c in self.document.children
                                         if isinstance(c, nodes.section)]
        for scope in sections or [self.document]:
            used: set[str] = set()
            for text in list(scope.findall(nodes.Text)):
                if _skipped(text, scope) is not False:
                    continue
                self._link(text, pattern, ids, used)

    def _link(self, text: nodes.Text, pattern: re.Pattern[str], ids: dict[str, str],
              used: set[str]) -> None:
        source = text.astext()  # the node keeps reST escapes as NUL characters
        pieces: list[nodes.Node] = []
        at = 0
        for match in pattern.finditer(source):
            term_id = ids.get(_key(match.group()))
            if term_id is None or term_id in used:
                continue
            used.add(term_id)
            if match.start() > at:
                pieces.append(nodes.Text(source[at:match.start()]))
            ref = addnodes.pending_xref("", refdomain="std", reftype="ref",
                                        reftarget=f"term-{term_id}", refexplicit=True,
                                        refwarn=True, refdoc=self.env.docname)
            ref += nodes.inline(match.group(), match.group(), classes=["hb-term"])
            pieces.append(ref)
            at = match.end()
        if not pieces:
            return
        if at < len(source):
            pieces.append(nodes.Text(source[at:]))
        text.parent.replace(text, pieces)


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_config_value("hb_terms", [], "env", types=[list])
    app.add_transform(TermLinks)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
