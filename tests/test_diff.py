"""`diff`: what changed between two editions, from data folders and from git tags."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from handbook.cli import main
from handbook.diff import Diff, diff_handbooks, inline_diff, tokens
from handbook.diffout import format_text, to_json
from handbook.errors import ContentError, UsageError
from handbook.gitsrc import export_ref, list_tags, resolve_source
from handbook.validate import load_handbook

Root = Callable[[str], Path]

NEW_RULE = """\
      - id: BI-OUT-006
        title: 守时：约好的时间就是承诺
        text: 与顾客和同事约定的时间要准时到达；确实无法准时，提前告知并说明新的时间。
        audiences: [front-desk]
"""


def edit(path: Path, old: str, new: str) -> None:
    """Replace text that occurs exactly once in a YAML file."""
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times in {path.name}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def cut_item(path: Path, item_id: str) -> None:
    """Delete one list item (`- id: ...` and its indented lines) from a section file."""
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    start = next(i for i, line in enumerate(lines) if line.strip() == f"- id: {item_id}")
    indent = len(lines[start]) - len(lines[start].lstrip())
    end = start + 1
    while end < len(lines) and (not lines[end].strip()
                                or len(lines[end]) - len(lines[end].lstrip()) > indent):
        end += 1
    path.write_text("".join(lines[:start] + lines[end:]), encoding="utf-8")


def make_edits(data: Path) -> None:
    """The edits the diff must find: one changed, one added, two removed, three moved."""
    sections = data / "sections"
    edit(sections / "bi.yaml", "每位员工都代表整个嘉和", "每一位员工都代表嘉和")
    edit(sections / "bi.yaml", "      - id: BI-OUT-005\n", NEW_RULE + "      - id: BI-OUT-005\n")
    cut_item(sections / "bi.yaml", "BI-OUT-003")
    cut_item(sections / "phrases.yaml", "PHR-GRT-007")
    # Rule IDs carry the group code (validate.py), so a rule keeps its ID across groups only
    # when its group gets a new id and keeps its code: the MI-MIS rules move to mi/purpose.
    edit(sections / "mi.yaml", "  - id: mission\n    code: MIS\n    title: 使命\n",
         "  - id: purpose\n    code: MIS\n    title: 使命与宗旨\n")


@pytest.fixture
def editions(root: Root, tmp_path: Path) -> tuple[Path, Path]:
    old = root("sample")
    new = tmp_path / "new"
    shutil.copytree(old, new, symlinks=True)
    make_edits(new)
    return old, new


def compare(old: Path, new: Path) -> Diff:
    return diff_handbooks(load_handbook(old)[0], load_handbook(new)[0])


# --- inline diffs --------------------------------------------------------------------------


def test_chinese_is_compared_by_character_english_by_word() -> None:
    assert tokens("我是 1086 号客服 Li's best-kept tip.") == [
        "我", "是", " ", "1086", " ", "号", "客", "服", " ", "Li's", " ", "best-kept", " ",
        "tip", ".",
    ]
    assert inline_diff("每位员工都代表整个嘉和", "每一位员工都代表嘉和") == (
        ("equal", "每"), ("insert", "一"), ("equal", "位员工都代表"), ("delete", "整个"),
        ("equal", "嘉和"),
    )
    assert inline_diff("Stand when the guest arrives.", "Stand and smile when a guest arrives.") \
        == (("equal", "Stand"), ("insert", " and smile"), ("equal", " when "),
            ("delete", "the"), ("insert", "a"), ("equal", " guest arrives."))


# --- data folders --------------------------------------------------------------------------


def test_same_edition_has_no_differences(root: Root) -> None:
    data = root("sample")
    diff = compare(data, data)
    assert diff.entries == () and diff.sections == () and diff.groups == ()
    assert format_text(diff) == "handbook 2026.1 → 2026.1: no differences\n"


def test_diff_lists_exactly_the_edits(editions: tuple[Path, Path]) -> None:
    diff = compare(*editions)
    assert [(e.status, e.id) for e in diff.entries] == [
        ("moved", "MI-MIS-001"), ("moved", "MI-MIS-002"), ("moved", "MI-MIS-003"),
        ("changed", "BI-OUT-001"), ("added", "BI-OUT-006"), ("removed", "BI-OUT-003"),
        ("removed", "PHR-GRT-007"),
    ]
    assert diff.sections == ()
    assert [(g.section_id, g.id, g.status, g.title) for g in diff.groups] == [
        ("mi", "purpose", "added", "使命与宗旨"), ("mi", "mission", "removed", "使命"),
    ]
    assert [e.id for e in diff.added] == ["BI-OUT-006"]
    assert [e.id for e in diff.removed] == ["BI-OUT-003", "PHR-GRT-007"]
    assert [e.id for e in diff.changed] == ["BI-OUT-001"]
    assert [e.id for e in diff.moved] == ["MI-MIS-001", "MI-MIS-002", "MI-MIS-003"]

    changed = diff.changed[0]
    assert changed.kind == "rule" and changed.audiences == ()
    assert (changed.place.section_id, changed.place.group_id) == ("bi", "outer-conduct")
    [change] = changed.changes
    assert change.field == "text"
    assert isinstance(change.old, str) and isinstance(change.new, str)
    assert "每位员工都代表整个嘉和" in change.old and "每一位员工都代表嘉和" in change.new
    assert change.inline is not None
    assert [s for s in change.inline if s[0] != "equal"] == [("insert", "一"), ("delete", "整个")]
    assert "".join(t for op, t in change.inline if op != "insert") == change.old
    assert "".join(t for op, t in change.inline if op != "delete") == change.new

    moved = diff.moved[0]
    assert moved.old_place is not None and moved.changes == ()
    assert (moved.old_place.path, moved.old_place.group_title) == ("mi/mission", "使命")
    assert (moved.place.path, moved.place.group_title) == ("mi/purpose", "使命与宗旨")

    retired = diff.removed[1]
    assert (retired.kind, retired.place.path, retired.audiences) == \
        ("phrase", "phrases/greeting", ("manager",))
    assert diff.added[0].audiences == ("front-desk",)
    assert [e.id for e in diff.for_audience("call-centre").entries] == [
        "MI-MIS-001", "MI-MIS-002", "MI-MIS-003", "BI-OUT-001", "BI-OUT-003",
    ]
    assert len(diff.for_audience(None).entries) == len(diff.entries)


def test_json_has_stable_keys_and_every_entry(editions: tuple[Path, Path]) -> None:
    data = to_json(compare(*editions))
    assert list(data) == ["old", "new", "summary", "section_order", "sections", "groups",
                          "entries", "handbook"]
    assert data["summary"] == {
        "added": 1, "removed": 2, "changed": 1, "moved": 3,
        "sections_added": 0, "sections_removed": 0, "sections_retitled": 0,
        "groups_added": 1, "groups_removed": 1, "groups_retitled": 0,
    }
    assert data["section_order"][:3] == ["mi", "bi", "vi"]
    assert data["groups"][0] == {"section": "mi", "id": "purpose", "status": "added",
                                 "title": "使命与宗旨", "old_title": None}
    added = data["entries"][4]
    assert added == {
        "id": "BI-OUT-006", "kind": "rule", "status": "added",
        "title": "守时：约好的时间就是承诺",
        "section": {"id": "bi", "title": "行为规范 / BI"},
        "group": {"id": "outer-conduct", "title": "职业化行为准则：外在"},
        "moved_from": None, "audiences": ["front-desk"], "changes": [],
    }
    moved = data["entries"][0]
    assert moved["moved_from"] == {"section": {"id": "mi", "title": "企业理念 / MI"},
                                   "group": {"id": "mission", "title": "使命"}}
    assert moved["group"] == {"id": "purpose", "title": "使命与宗旨"}
    change = data["entries"][3]["changes"][0]
    assert list(change) == ["field", "old", "new", "inline"]
    assert ["insert", "一"] in change["inline"]
    json.dumps(data)  # plain JSON data all the way down


def test_text_report(editions: tuple[Path, Path]) -> None:
    text = format_text(compare(*editions))
    lines = text.splitlines()
    assert lines[0] == ("handbook 2026.1 → 2026.1: 1 added, 2 removed, 1 changed, 3 moved; "
                        "groups: 1 added, 1 removed")
    assert lines[1:4] == ["", "mi  企业理念 / MI", "  group purpose  使命与宗旨  (added)"]
    assert lines[4] == "  group mission  使命  (removed)"
    assert [line for line in lines if line and not line.startswith((" ", "+", "-", "~", ">"))] \
        == [lines[0], "mi  企业理念 / MI", "bi  行为规范 / BI", "phrases  服务用语"]
    assert "> MI-MIS-001 我们的使命" in lines
    assert "    moved from mi/mission to mi/purpose" in lines
    assert "+ BI-OUT-006 守时：约好的时间就是承诺" in lines
    assert any(line.startswith("- BI-OUT-003 ") for line in lines)
    assert any(line.startswith("- PHR-GRT-007 ") for line in lines)
    field = next(line for line in lines if line.startswith("    text: "))
    assert "每位员工都代表整个嘉和" in field and " → " in field and "每一位员工都代表嘉和" in field
    assert "\x1b[" not in text
    assert "\x1b[32m+ BI-OUT-006 守时：约好的时间就是承诺\x1b[0m" in format_text(
        compare(*editions), color=True)


def test_changed_audiences_count_for_both_readerships(root: Root, tmp_path: Path) -> None:
    old = root("sample")
    new = tmp_path / "new"
    shutil.copytree(old, new)
    phrases = new / "sections" / "phrases.yaml"
    edit(phrases, "为您检修空调。这是我的工牌和服务卡。\n        avoid: 开门，修空调的。\n"
         "        why: 顾客看不到是谁就开门不放心；不报名号、不出示工牌也不符合上门服务标准。\n"
         "        audiences: [field-service]",
         "为您检修空调。这是我的工牌和服务卡。\n        avoid: 开门，修空调的。\n"
         "        why: 顾客看不到是谁就开门不放心；不报名号、不出示工牌也不符合上门服务标准。\n"
         "        audiences: [call-centre]")
    diff = compare(old, new)
    [entry] = diff.entries
    assert (entry.id, entry.status, entry.audiences) == \
        ("PHR-GRT-006", "changed", ("call-centre", "field-service"))
    [change] = entry.changes
    assert (change.field, change.old, change.new, change.inline) == \
        ("audiences", ["field-service"], ["call-centre"], None)
    assert "    audiences: [field-service] → [call-centre]" in format_text(diff).splitlines()


def test_sections_added_removed_and_renamed(root: Root, tmp_path: Path) -> None:
    old = root("sample")
    new = tmp_path / "new"
    shutil.copytree(old, new)
    (new / "sections" / "dress.yaml").unlink()
    cases = new / "sections" / "cases.yaml"
    edit(cases, "id: cases\n", "id: case-studies\n")
    edit(cases, "title: 案例与自测\n", "title: 案例研究\n")
    cases.rename(new / "sections" / "case-studies.yaml")
    edit(new / "handbook.yaml", "dress, etiquette, complaints, cases]",
         "etiquette, complaints, case-studies]")
    # what named the dress chapter goes with it: a first-week step's refs, a form's rule
    edit(new / "handbook.yaml", "        refs: [dress]\n", "")
    edit(new / "sections" / "standards.yaml", ", STD-RSP-001, DRS-BAS-005]", ", STD-RSP-001]")
    old_book, new_book = load_handbook(old)[0], load_handbook(new)[0]
    diff = diff_handbooks(old_book, new_book)
    assert [(s.id, s.status, s.title) for s in diff.sections] == [
        ("case-studies", "added", "案例研究"),
        ("dress", "removed", old_book.section("dress").title), ("cases", "removed", "案例与自测"),
    ]
    assert diff.groups == ()  # groups of added and removed sections are not listed again
    dress = [i for g in old_book.section("dress").groups for i in (r.id for r in g.rules)]
    cases_ids = [r.id for g in old_book.section("cases").groups for r in g.rules] + \
        [c.id for c in old_book.section("cases").cases]
    assert [(e.status, e.id) for e in diff.entries] == \
        [("moved", i) for i in cases_ids] + [("removed", i) for i in dress]
    assert {e.old_place.path.split("/")[0] for e in diff.moved if e.old_place} == {"cases"}
    case = next(e for e in diff.moved if e.kind == "case")
    assert (case.place.path, case.place.group_id) == ("case-studies", None)
    text = format_text(diff)
    assert text.splitlines()[0] == (
        f"handbook 2026.1 → 2026.1: 0 added, {len(dress)} removed, 0 changed, "
        f"{len(cases_ids)} moved; sections: 1 added, 2 removed; handbook.yaml: 3 changed")
    assert "case-studies  案例研究  (added)" in text
    assert f"dress  {old_book.section('dress').title}  (removed)" in text


# --- command line --------------------------------------------------------------------------


def test_cli_compares_folders(editions: tuple[Path, Path],
                              capsys: pytest.CaptureFixture[str]) -> None:
    old, new = editions
    assert main(["diff", str(old), str(new), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data == to_json(compare(old, new))
    assert main(["diff", str(old), "--data", str(new)]) == 0  # NEW defaults to --data
    assert capsys.readouterr().out == format_text(compare(old, new))


def test_cli_content_error_exits_1(editions: tuple[Path, Path],
                                   capsys: pytest.CaptureFixture[str]) -> None:
    old, new = editions
    edit(new / "sections" / "bi.yaml", "      - id: BI-OUT-006\n", "      - id: BI-OUT-6\n")
    assert main(["diff", str(old), str(new)]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "ERROR: groups[0].rules[3].id: expected an ID like BI-COM-003" in captured.err
    assert "validation failed: 1 error" in captured.err


# --- git -----------------------------------------------------------------------------------


@pytest.fixture
def git_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Git as on a fresh machine: no user or system configuration, a fixed identity."""
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", os.devnull)
    monkeypatch.setenv("HOME", str(tmp_path))
    for key, value in {"NAME": "Handbook Test", "EMAIL": "test@example.com"}.items():
        monkeypatch.setenv(f"GIT_AUTHOR_{key}", value)
        monkeypatch.setenv(f"GIT_COMMITTER_{key}", value)


def git(repo: Path, *args: str) -> str:
    result = subprocess.run(["git", "-C", str(repo), "-c", "init.defaultBranch=main", *args],
                            capture_output=True, text=True, check=True)
    return result.stdout


@pytest.fixture
def repo(git_env: None, root: Root, tmp_path: Path) -> Path:
    """A git repository with the sample under data/, tagged handbook-2026.1 and -2026.2."""
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q")
    shutil.copytree(root("sample"), repo / "data")
    git(repo, "add", "data")
    git(repo, "commit", "-q", "-m", "Edition 2026.1")
    git(repo, "tag", "-a", "-m", "Edition 2026.1", "handbook-2026.1")
    edit(repo / "data" / "handbook.yaml", '\nversion: "2026.1"', '\nversion: "2026.2"')
    edit(repo / "data" / "sections" / "bi.yaml", "每位员工都代表整个嘉和", "每一位员工都代表嘉和")
    git(repo, "commit", "-q", "-a", "-m", "Edition 2026.2")
    git(repo, "tag", "handbook-2026.2")
    return repo


def test_diff_between_tags_leaves_the_work_tree_alone(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    head = git(repo, "rev-parse", "HEAD")
    assert git(repo, "status", "--porcelain") == ""
    assert main(["diff", "handbook-2026.1", "handbook-2026.2", "--data", str(repo / "data")]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0] == "handbook 2026.1 → 2026.2: 0 added, 0 removed, 1 changed, 0 moved"
    assert lines[1:4] == ["", "bi  行为规范 / BI", "~ BI-OUT-001 形象：你就是顾客眼中的嘉和"]
    assert lines[4].startswith("    text: ") and len(lines) == 5
    assert git(repo, "status", "--porcelain") == ""
    assert git(repo, "rev-parse", "HEAD") == head

    # NEW defaults to the data folder, uncommitted edits included
    edit(repo / "data" / "sections" / "bi.yaml", "职业化行为准则：外在", "职业化行为准则：外在表现")
    status = git(repo, "status", "--porcelain")
    assert status == " M data/sections/bi.yaml\n"
    assert main(["diff", "handbook-2026.2", "--data", str(repo / "data"), "--format", "json"]) \
        == 0
    data = json.loads(capsys.readouterr().out)
    assert data["entries"] == []  # a retitled group changes no rule
    assert data["groups"] == [{"section": "bi", "id": "outer-conduct", "status": "retitled",
                               "title": "职业化行为准则：外在表现",
                               "old_title": "职业化行为准则：外在"}]
    assert git(repo, "status", "--porcelain") == status


def test_git_errors_exit_2(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["diff", "handbook-2025.9", "--data", str(repo / "data")]) == 2
    assert ("'handbook-2025.9' is neither a data folder (a folder with handbook.yaml) nor a git "
            "ref of") in capsys.readouterr().err
    outside = shutil.copytree(repo / "data", repo.parent / "outside")
    assert main(["diff", "handbook-2026.1", "--data", str(outside)]) == 2
    assert "is not inside a git repository" in capsys.readouterr().err


def test_list_tags_in_version_order(repo: Path) -> None:
    for tag in ("handbook-2027.1", "handbook-2026.10", "v1.0"):
        git(repo, "tag", tag)
    head = git(repo, "rev-parse", "HEAD").strip()
    first = git(repo, "rev-parse", "handbook-2026.1^{commit}").strip()
    assert list_tags(repo) == [
        ("handbook-2026.1", first), ("handbook-2026.2", head), ("handbook-2026.10", head),
        ("handbook-2027.1", head),
    ]
    assert list_tags(repo, "v*") == [("v1.0", head)]


def test_export_ref(repo: Path, tmp_path: Path) -> None:
    dest = export_ref(repo, "handbook-2026.1", "data", tmp_path / "export")
    assert 'version: "2026.1"' in (dest / "handbook.yaml").read_text(encoding="utf-8")
    assert sorted(p.name for p in (dest / "sections").iterdir()) == \
        sorted(p.name for p in (repo / "data" / "sections").iterdir())
    assert (dest / "assets" / "logo.svg").read_bytes() == \
        (repo / "data" / "assets" / "logo.svg").read_bytes()
    assert git(repo, "status", "--porcelain") == ""

    with pytest.raises(UsageError, match=r"^unknown git ref 'nope': expected a tag"):
        export_ref(repo, "nope", "data", tmp_path / "x")
    with pytest.raises(UsageError, match=r"^expected a git ref like handbook-2026.1, got '-p'"):
        export_ref(repo, "-p", "data", tmp_path / "x")
    with pytest.raises(ContentError, match=r"^handbook-2026.1 has no folder content/"):
        export_ref(repo, "handbook-2026.1", "content", tmp_path / "x")
    with pytest.raises(UsageError, match="is not empty"):
        export_ref(repo, "handbook-2026.1", "data", dest)


def test_resolve_source_prefers_folders(repo: Path, tmp_path: Path) -> None:
    data = repo / "data"
    assert resolve_source(str(data), repo, "data", tmp_path) == data
    exported = resolve_source("handbook-2026.1", repo, "data", tmp_path)
    assert exported.name == "data" and exported.parent.parent == tmp_path
    assert load_handbook(exported)[0].meta.version == "2026.1"
