"""The site's finish in a real browser: a self-assessment from first tap to score, focus rings
that stand out, permalinks a thumb can hit, the header logo at phone and desktop width, and no
script errors on the pages concerned."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from browsertools import DESKTOP, PHONE, open_page, wait_until

from handbook.colors import contrast_ratio

pytestmark = pytest.mark.browser

VERSION = "2026.1"
CASES = Path(__file__).resolve().parent.parent / "data" / "sections" / "cases.yaml"


@pytest.fixture(scope="module")
def server(server: str) -> str:
    """conftest's server, at the sample's edition: {server}/{lang}/page.html."""
    return f"{server}/{VERSION}"


def _answers() -> list[str]:
    data = yaml.safe_load(CASES.read_text("utf-8"))
    (quiz,) = [a for a in data["assessments"] if a["id"] == "listening-test"]
    return [q["answer"] for g in quiz["groups"] for q in g["questions"]]


# (language, label of the right answer "no", message parts)
QUIZ = [("zh_CN", "否", "尚未作答：第 2、4、", "正确答案：否", "你的得分："),
        ("en", "no", "Not answered yet: 2, 4, ", "Correct answer: no", "Your score: "),
        ("zh_TW", "否", "尚未作答：第 2、4、", "正確答案：否", "你的得分：")]


@pytest.mark.parametrize(("lang", "no", "incomplete", "correct", "score"), QUIZ)
def test_quiz_says_what_is_open_then_shows_each_right_answer(  # type: ignore[no-untyped-def]
        browser, server: str, tmp_path: Path, lang: str, no: str, incomplete: str,
        correct: str, score: str) -> None:
    answers = _answers()
    errors: list[str] = []
    context, page = open_page(browser, PHONE, errors, console=True)
    page.goto(f"{server}/{lang}/cases.html")
    page.wait_for_load_state("load")
    form = page.locator("#form-listening-test")
    fieldsets = form.locator("fieldset.hb-question")
    assert fieldsets.count() == len(answers) == 15
    # before submitting, the key is nowhere: not shown, not in the page's text or markup
    assert form.locator(".hb-feedback").count() == 0
    source = page.content()
    assert "data-answer" not in source and "hb-answer-key" not in source
    assert correct.split("：")[0].split(":")[0] not in page.locator("body").inner_text()
    # each question is announced by its legend: the accessible name of the group
    group = form.get_by_role("group", name=re.compile(r"^2\. "))
    assert group.count() == 1
    form.scroll_into_view_if_needed()
    form.screenshot(path=str(tmp_path / f"quiz-{lang}-before.png"))

    # two answered of 15: no score, and which 13 are open
    fieldsets.nth(0).locator("input[value=yes]").check()
    fieldsets.nth(2).locator(f"input[value={answers[2]}]").check()
    form.locator("button.hb-score").click()
    result = form.locator(".hb-result")
    text = result.inner_text()
    assert incomplete in text and "13" in text and "15" in text, text
    assert score not in text
    assert form.locator(".hb-question.hb-unanswered").count() == 13
    assert page.locator(".hb-band.hb-active").count() == 0
    assert form.locator(".hb-feedback").count() == 0  # no answers for part of the quiz
    form.screenshot(path=str(tmp_path / f"quiz-{lang}-incomplete.png"))

    # all answered, questions 1 and 2 wrong: 105 - 2 × 7 = 91, each wrong one corrected
    for i, answer in enumerate(answers):
        wrong = "yes" if answer == "no" else "no"
        fieldsets.nth(i).locator(f"input[value={wrong if i < 2 else answer}]").check()
    form.locator("button.hb-score").click()
    assert result.inner_text().startswith(f"{score}91 — ")
    assert page.locator(".hb-band.hb-active").count() == 1
    assert form.locator(".hb-question.hb-wrong").count() == 2
    assert fieldsets.nth(0).locator(".hb-feedback").inner_text() == correct  # answer: no
    assert fieldsets.nth(1).locator(".hb-feedback").inner_text() == correct
    assert form.locator(".hb-question.hb-right").count() == 13
    assert form.locator(".hb-unanswered").count() == 0
    form.screenshot(path=str(tmp_path / f"quiz-{lang}-scored.png"))

    form.locator("button[type=reset]").click()
    assert form.locator(".hb-feedback").count() == 0 and result.inner_text() == ""
    context.close()
    assert errors == []


def test_rating_needs_every_statement_too(browser, server: str) -> None:  # type: ignore[no-untyped-def]
    errors: list[str] = []
    context, page = open_page(browser, DESKTOP, errors, console=True)
    page.goto(f"{server}/en/cases.html")
    page.wait_for_load_state("load")
    form = page.locator("#form-customer-orientation")
    statements = form.locator("fieldset.hb-question")
    statements.nth(0).locator("input").first.check()
    form.locator("button.hb-score").click()
    text = form.locator(".hb-result").inner_text()
    assert f"({statements.count() - 1} of {statements.count()})" in text, text
    for i in range(statements.count()):
        statements.nth(i).locator("input").last.check()
    form.locator("button.hb-score").click()
    assert form.locator(".hb-result").inner_text().startswith("Your score: ")
    assert form.locator(".hb-feedback").count() == 0  # a rating has no right answers
    context.close()
    assert errors == []


# --- focus rings ---------------------------------------------------------------------------

_RING = """(selector) => {
  const el = document.querySelector(selector);
  el.focus();
  const style = getComputedStyle(el);
  let node = el.parentElement, bg = "rgb(255, 255, 255)";
  while (node) {
    const c = getComputedStyle(node).backgroundColor;
    if (c && c !== "transparent" && !/rgba\\(.*, 0\\)$/.test(c)) { bg = c; break; }
    node = node.parentElement;
  }
  return {visible: el.matches(":focus-visible"), ring: style.outlineColor,
          width: parseFloat(style.outlineWidth), style: style.outlineStyle, bg: bg};
}"""


def _hex(rgb: str) -> str:
    r, g, b = (int(v) for v in re.findall(r"\d+", rgb)[:3])
    return f"#{r:02X}{g:02X}{b:02X}"


@pytest.mark.parametrize("selector", [
    ".hb-header input[name=q]", ".hb-header button[type=submit]", ".hb-brand",
    ".hb-nav li a", ".hb-breadcrumbs a", ".hb-rule-head a", "#hb-audience",
    ".hb-body a.reference.internal"])
def test_focus_ring_stands_out_three_to_one(browser, server: str, selector: str) -> None:  # type: ignore[no-untyped-def]
    errors: list[str] = []
    context, page = open_page(browser, DESKTOP, errors, console=True)
    page.goto(f"{server}/zh_CN/standards.html")
    page.wait_for_load_state("load")
    page.keyboard.press("Tab")  # keyboard use: focus rings show
    found = page.evaluate(_RING, selector)
    assert found["visible"] and found["style"] == "solid" and found["width"] >= 2, found
    ratio = contrast_ratio(_hex(found["ring"]), _hex(found["bg"]))
    assert ratio >= 3, (selector, found, ratio)
    context.close()
    assert errors == []


# --- permalinks ----------------------------------------------------------------------------

_TARGETS = """() => Array.from(document.querySelectorAll("a.headerlink, a.hb-permalink"))
  .map(a => { const r = a.getBoundingClientRect();
              const s = getComputedStyle(a);
              return {w: r.width, h: r.height, name: a.getAttribute("aria-label"),
                      shown: s.opacity !== "0" && s.visibility === "visible"}; })"""


@pytest.mark.parametrize(("lang", "name"), [("zh_CN", "链接到此规范"), ("en", "Link to this rule")])
def test_permalinks_are_24px_targets_with_a_name(browser, server: str, lang: str,  # type: ignore[no-untyped-def]
                                                 name: str) -> None:
    errors: list[str] = []
    context, page = open_page(browser, PHONE, errors, console=True)
    page.goto(f"{server}/{lang}/standards.html")
    page.wait_for_load_state("load")
    targets = page.evaluate(_TARGETS)
    assert len(targets) > 80
    small = [t for t in targets if t["w"] < 24 or t["h"] < 24]
    assert small == [], small[:5]
    assert all(t["name"] and t["shown"] for t in targets)  # a phone has no hover: shown
    assert page.get_by_role("link", name=name, exact=True).count() > 80
    context.close()
    assert errors == []


# --- header and favicon --------------------------------------------------------------------


def test_header_logo_on_phone_and_desktop(browser, server: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    errors: list[str] = []
    for options, shown, hidden in ((DESKTOP, ".hb-brand-logo", ".hb-brand-mark"),
                                   (PHONE, ".hb-brand-mark", ".hb-brand-logo")):
        context, page = open_page(browser, options, errors, console=True)
        page.goto(f"{server}/zh_CN/index.html")
        page.wait_for_load_state("load")
        logo = page.locator(f".hb-brand {shown}")
        assert logo.is_visible() and not page.locator(f".hb-brand {hidden}").is_visible()
        assert page.evaluate(f"document.querySelector('.hb-brand {shown}').naturalWidth") > 0
        box = logo.bounding_box()
        assert box is not None
        if shown == ".hb-brand-logo":
            assert box["width"] >= 160  # the VI's smallest on-screen width
        else:
            assert box["height"] >= 32
            assert page.locator(".hb-brand-org").is_visible()  # the name beside the mark
        header = page.locator(".hb-header").bounding_box()
        assert header is not None and header["height"] < 140
        width = options["viewport"]["width"]  # type: ignore[index]
        page.screenshot(path=str(tmp_path / f"header-{width}.png"),
                        clip={"x": 0, "y": 0, "width": width, "height": 200})
        icon = page.evaluate("document.querySelector('link[rel=icon]').href")
        assert page.request.get(icon).ok
        context.close()
    assert errors == []


@pytest.mark.parametrize("name", ["index", "vi", "standards", "cases", "search"])
def test_no_script_errors_on_the_polished_pages(browser, server: str, name: str) -> None:  # type: ignore[no-untyped-def]
    errors: list[str] = []
    for options in (DESKTOP, PHONE):
        context, page = open_page(browser, options, errors, console=True)
        for lang in ("zh_CN", "en", "zh_TW"):
            page.goto(f"{server}/{lang}/{name}.html")
            page.wait_for_load_state("load")
            if name == "search":
                wait_until(page, "document.readyState === 'complete'")
                assert page.locator("input[type=search]:visible").count() == 1
        context.close()
    assert errors == []
