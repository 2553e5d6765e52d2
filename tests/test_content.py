"""The sample handbook's content stays consistent: one rule per fact, no contradictions."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import polib
import pytest

from handbook.i18n import iter_messages
from handbook.section import Rule
from handbook.validate import Handbook, load_handbook

REPO = Path(__file__).resolve().parent.parent
SAMPLE = REPO / "data"


@pytest.fixture(scope="module")
def hb() -> Handbook:
    return load_handbook(SAMPLE)[0]


def rules(hb: Handbook) -> Iterator[tuple[str, Rule]]:
    for section in hb.sections:
        for group in section.groups:
            for rule in group.rules:
                yield section.id, rule


def translations(lang: str) -> Iterator[tuple[str, str]]:
    """(msgid, msgstr) of every current entry of a language's catalogs."""
    for path in sorted((SAMPLE / "locales" / lang / "LC_MESSAGES").glob("*.po")):
        for entry in polib.pofile(str(path)):
            if not entry.obsolete and entry.msgstr:
                yield entry.msgid, entry.msgstr


def source_texts(hb: Handbook) -> list[str]:
    return [message.msgid for message in iter_messages(hb)]


def clauses(text: str) -> list[str]:
    return [c for c in re.split(r"[，。；;,.]", text) if c]


def test_one_badge_position_in_every_language(hb: Handbook) -> None:
    """The name badge sits on one side of the chest in every chapter (DRS vs VI)."""
    found: dict[str, set[str]] = {"zh_CN": set(), "zh_TW": set(), "en": set()}
    for text in source_texts(hb):
        for clause in clauses(text):
            if "工牌" in clause:
                found["zh_CN"].update(re.findall(r"[左右]胸", clause))
    for _, text in translations("zh_TW"):
        for clause in clauses(text):
            if "識別證" in clause:
                found["zh_TW"].update(re.findall(r"[左右]胸", clause))
    for _, text in translations("en"):
        for clause in clauses(text):
            if "badge" in clause:
                after = clause[clause.index("badge"):]
                found["en"].update(re.findall(r"(left|right)\b[^,.;]*\bchest", after))
    assert found == {"zh_CN": {"右胸"}, "zh_TW": {"右胸"}, "en": {"right"}}


# Every week-1 requirement of the handbook, and the words a first-week plan uses for it.
WEEK_ONE = {"MI-PRI-004": "确认页", "CAS-USE-003": "倾听能力自测"}


def test_every_first_week_plan_has_every_week_one_requirement(hb: Handbook) -> None:
    required = {rule.id for _, rule in rules(hb) if "第一周" in (rule.measure or "")}
    assert required == set(WEEK_ONE), "a new week-1 requirement: add it to WEEK_ONE"
    missing = [(audience.id, rule_id) for audience in hb.meta.audiences
               for rule_id, words in WEEK_ONE.items()
               if not any(words in day.text for day in audience.first_week)]
    assert missing == []


def test_acknowledgement_page_is_named_as_the_pdf_prints_it(hb: Handbook) -> None:
    labels = {}
    for lang in ("zh_CN", "zh_TW"):
        po = polib.pofile(str(REPO / "themes/handbook/print/locales" / lang
                              / "LC_MESSAGES/theme.po"))
        labels[lang] = next(e.msgstr for e in po if e.msgid == "Acknowledgement")
    mentions = [t for t in source_texts(hb) if "确认页" in t]
    assert len(mentions) >= 5
    assert all(f"“{labels['zh_CN']}”" in t and "本手册确认页" not in t for t in mentions)
    tw = [t for _, t in translations("zh_TW") if "確認頁" in t]
    assert tw and all(f"「{labels['zh_TW']}」" in t for t in tw)
    en = [t for s, t in translations("en") if "确认页" in s]
    assert en and all("‘Acknowledgement’ page" in t for t in en)


def test_a_lone_engineer_never_installs(hb: Handbook) -> None:
    """Installations take the four-person team of the 'five ones' (STD-ONS-003)."""
    lone = [phrase.id for section in hb.sections for group in section.phrase_groups
            for phrase in group.phrases
            if re.search(r"我是.*工程师", phrase.say) and "安装" in phrase.say]
    assert lone == []
    five_ones = next(rule for _, rule in rules(hb) if rule.id == "STD-ONS-003")
    assert "安装" in five_ones.text and "一人" in five_ones.text


def test_follow_up_rate_counts_reached_calls(hb: Handbook) -> None:
    """Every job gets a follow-up call (STD-RTV-001); a monthly rate can only be a reach rate."""
    every = next(rule for _, rule in rules(hb) if rule.id == "STD-RTV-001")
    assert "每张" in (every.measure or "")
    rates = [rule for _, rule in rules(hb)
             if "回访" in rule.title + rule.text and "%" in (rule.measure or "")]
    assert rates and all("接通" in (rule.measure or "") for rule in rates)


def test_marriott_case_date(hb: Handbook) -> None:
    case = next(c for s in hb.sections for c in s.cases if c.id == "CAS-MAR-001")
    assert "1989 年 11 月" in case.situation and "万豪" in case.situation
    assert any("November 1989" in t for _, t in translations("en"))
    assert not any("梅瑞特" in t for _, t in translations("zh_TW"))


def statistic(measure: str) -> str | None:
    """Why a measure reads as a statistic rather than a standard someone can be checked on.

    A measure states a limit an inspector can verify on one job, call or person. Arithmetic
    (67 = 1 + 11 + 11 × 5), a ratio ("10 倍"), an average, a share of a whole split three ways
    (7 % / 38 % / 55 %) or "only" describe the world: they belong in the text, with a source.
    The same words with a bound ("不小于 0.5 倍", "不超过 10%") are a specification.
    """
    if re.search(r"=|\d\s*[+−÷]\s*\d", measure):
        return "arithmetic"
    if re.search(BOUND, measure):
        return None
    if re.search(r"\d\s*倍|平均|只有", measure):
        return "ratio or average"
    if len(re.findall(r"\d\s*%", measure)) >= 3:
        return "a distribution"
    return None


BOUND = r"不[少小低超多大高]于|不超过|以内|之内|至少|最多|以上|以下|[≤≥<>]"


def test_statistic_detector() -> None:
    assert statistic("1 + 11 + 11 × 5 = 67 人") == "arithmetic"
    assert statistic("开发一位新顾客的花费约为维持一位老顾客的 10 倍") == "ratio or average"
    assert statistic("约 7% 来自话语，38% 来自语气，55% 来自肢体语言") == "a distribution"
    assert statistic("每月接通并完成核实的服务单不少于 80%") is None
    assert statistic("铃响 3 声之内接听") is None
    assert statistic("四周空白不小于标志高度的 0.5 倍") is None
    assert statistic("名片尺寸 90 mm × 54 mm") is None


def test_no_measure_is_a_statistic(hb: Handbook) -> None:
    bad = [(rule.id, why) for _, rule in rules(hb)
           if rule.measure and (why := statistic(rule.measure))]
    assert bad == []


# Rules that once said the same thing twice: one keeps it, the other points to it.
CROSS_REFERENCED = [("STD-POS-003", "STD-WRP-006"), ("BI-COM-014", "STD-LIS-015"),
                    ("BI-COM-017", "ETQ-INT-002"), ("DRS-AUD-002", "STD-ONS-005"),
                    ("DRS-BAS-005", "VI-LAY-004")]


def test_no_rule_line_is_written_twice(hb: Handbook) -> None:
    seen: dict[str, str] = {}
    doubled = []
    for _, rule in rules(hb):
        for line in (*rule.do, *rule.dont, *rule.steps):
            if line in seen and seen[line] != rule.id:
                doubled.append((seen[line], rule.id, line))
            seen.setdefault(line, rule.id)
    assert doubled == []


@pytest.mark.parametrize(("one", "other"), CROSS_REFERENCED)
def test_former_duplicates_point_to_each_other(hb: Handbook, one: str, other: str) -> None:
    by_id = {rule.id: rule for _, rule in rules(hb)}
    assert other in by_id[one].see_also or one in by_id[other].see_also



def test_most_service_standards_are_measurable(hb: Handbook) -> None:
    """At least 60 % of the standards chapter's rules carry a measure an auditor can check."""
    standards = [rule for section_id, rule in rules(hb) if section_id == "standards"]
    measured = [rule for rule in standards if rule.measure]
    assert len(measured) >= 0.6 * len(standards), f"{len(measured)} of {len(standards)}"
    unmeasured_groups = [group.id for section in hb.sections if section.id == "standards"
                         for group in section.groups
                         if group.id in {"eye-contact", "listening", "wrong-postures"}
                         and not any(rule.measure for rule in group.rules)]
    assert unmeasured_groups == []


def test_escalation_matrix_names_roles_not_people(hb: Handbook) -> None:
    """The matrix gives a role and a time limit per level; names and numbers are local."""
    matrix = next(rule for _, rule in rules(hb) if rule.id == "CMP-MTX-002")
    assert len(matrix.steps) >= 4
    assert all(re.search(r"\d+ (分钟|小时)|当天|立即", step) for step in matrix.steps)
    assert not any(re.search(r"\d{3,}[- ]?\d{3,}|@", step) for step in matrix.steps)


def test_this_edition_was_approved_before_it_took_effect(hb: Handbook) -> None:
    latest = hb.meta.approvals[0]
    assert latest.version == hb.meta.version
    assert latest.date <= hb.meta.effective
    dates = [approval.date for approval in hb.meta.approvals]
    assert dates == sorted(dates, reverse=True)
