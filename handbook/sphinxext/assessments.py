"""Self-assessments -> HTML forms: the ``hb-assessment``, ``hb-question`` and ``hb-band``
directives and their nodes (scored in the browser by handbook.js)."""

from __future__ import annotations

from typing import Any

from docutils import nodes
from docutils.parsers.rst import Directive, directives
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective


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
        # the question is the fieldset's <legend>, which holds phrasing content only
        for paragraph in list(node.findall(nodes.paragraph)):
            line = nodes.inline("", "", *paragraph.children, classes=["hb-qline"])
            paragraph.replace_self(line)
        first = next(iter(node.findall(nodes.inline)), None)
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


def answer_digest(form_id: str, qid: str, value: str) -> str:
    """What a page keeps of a question's answer: FNV-1a (32 bits) of form:question:answer.

    The browser checks a choice by digesting it the same way (handbook's hb-quiz.js), so
    the answer key is in no page as text and shows only after submitting.
    """
    digest = 0x811C9DC5
    for byte in f"{form_id}:{qid}:{value}".encode():
        digest = ((digest ^ byte) * 0x01000193) & 0xFFFFFFFF
    return f"{digest:08x}"


# labels the browser shows: data-l-<key> on the form, from the theme catalogs
_FORM_LABELS = {
    "incomplete": "Answer every question to see your score. Not answered yet: {list} "
                  "({n} of {total}).",
    "correct": "Your answer is correct.",
    "answer": "Correct answer: {answer}",
    "score": "Your score: {score} — {band}",
}


def visit_assessment(self: Any, node: hb_assessment) -> None:
    labels = self.builder.config.hb_labels
    attrs = {"data-kind": node["kind"], "data-method": node["method"],
             "data-base": str(node["base"]), "data-per-wrong": str(node["per_wrong"]),
             "data-form": node["form_id"], "ids": [f"form-{node['form_id']}"],
             "novalidate": "novalidate"}
    attrs.update({f"data-l-{key}": labels.get(text, text) for key, text in _FORM_LABELS.items()})
    attrs["data-l-sep"] = "、" if str(self.builder.config.language).startswith("zh") else ", "
    self.body.append(self.starttag(node, "form", **attrs))


def depart_assessment(self: Any, node: hb_assessment) -> None:
    labels = self.builder.config.hb_labels
    score = self.encode(labels.get("Show my score", "Show my score"))
    reset = self.encode(labels.get("Start again", "Start again"))
    self.body.append(
        f'<div class="hb-form-actions"><button type="submit" class="hb-score">{score}</button>'
        f' <button type="reset">{reset}</button></div>'
        '<p class="hb-result" role="status" aria-live="polite"></p></form>\n'
    )


def visit_question(self: Any, node: hb_question) -> None:
    attrs: dict[str, Any] = {"ids": [f"q-{node['form_id']}-{node['qid']}"],
                             "data-q": node["qid"], "data-number": str(node["number"] or "")}
    if node["answer"]:
        attrs["data-key"] = answer_digest(node["form_id"], node["qid"], node["answer"])
    self.body.append(self.starttag(node, "fieldset", **attrs))
    self.body.append('<legend class="hb-qtext">')


def depart_question(self: Any, node: hb_question) -> None:
    labels = self.builder.config.hb_labels
    name = f"{node['form_id']}-{node['qid']}"
    self.body.append('</legend><div class="hb-choices">')
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


def setup(app: Sphinx) -> None:
    app.add_node(hb_assessment, html=(visit_assessment, depart_assessment))
    app.add_node(hb_question, html=(visit_question, depart_question))
    app.add_node(hb_band, html=(visit_band, depart_band))
    app.add_directive("hb-assessment", AssessmentDirective)
    app.add_directive("hb-question", QuestionDirective)
    app.add_directive("hb-band", BandDirective)
