"""diff and the changes page see handbook.yaml: owners, first-week plans, release gate."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from handbook.cli import main
from handbook.diff import diff_handbooks
from handbook.render import Renderer
from handbook.validate import load_handbook

Root = Callable[[str], Path]
THEMES = [Path(__file__).resolve().parent.parent / "themes/handbook/rst"]


def edited(root: Root, tmp_path: Path) -> tuple[Path, Path]:
    old = root("sample")
    new = tmp_path / "new"
    new.mkdir()
    import shutil

    shutil.copytree(old, new / "data")
    meta = new / "data/handbook.yaml"
    text = meta.read_text(encoding="utf-8")
    for a, b in (("    contact: hr@jiahe.example", "    contact: people@jiahe.example"),
                 ("      - 第四天：在组长陪同下完成一次上门服务，并请顾客在服务卡上评分。",
                  "      - 第四天：在组长陪同下独立完成一次上门服务。"),
                 ("  threshold: 100", "  threshold: 95"),
                 ("    name: 管理人员", "    name: 管理者")):
        assert text.count(a) == 1
        text = text.replace(a, b)
    meta.write_text(text, encoding="utf-8")
    return old, new / "data"


def test_diff_reports_handbook_yaml(root: Root, tmp_path: Path,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    old, new = edited(root, tmp_path)
    assert main(["diff", str(old), str(new)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out == [
        "handbook 2026.1 → 2026.1: 0 added, 0 removed, 0 changed, 0 moved; "
        "handbook.yaml: 4 changed",
        "",
        "handbook.yaml",
        "  ~ owners[hr].contact: hr@jiahe.example → people@jiahe.example",
        "  ~ audiences[field-service].first_week[3]: 第四天：在组长陪同下完成一次上门服务，"
        "并请顾客在服务卡上评分。 → 第四天：在组长陪同下独立完成一次上门服务。",
        "  ~ audiences[manager].name: 管理人员 → 管理者",
        "  ~ release.threshold: 100 → 95",
    ]
    assert main(["diff", str(old), str(new), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["handbook"][0] == {"path": "owners[hr].contact", "status": "changed",
                                   "old": "hr@jiahe.example", "new": "people@jiahe.example"}


def test_added_owner_and_removed_first_week_day(root: Root, tmp_path: Path) -> None:
    old, new = edited(root, tmp_path)
    meta = new / "handbook.yaml"
    day2 = "      - text: 第二天：学习向上、平行、向下沟通规范，安排一次团队早会。\n" \
        "        refs: [BI-COM-002]\n"
    text = meta.read_text(encoding="utf-8").replace(
        "audiences:\n", "  - id: legal\n    name: 法务部\n    contact: legal@jiahe.example\n"
        "audiences:\n", 1).replace(day2, "")
    meta.write_text(text, encoding="utf-8")
    diff = diff_handbooks(load_handbook(old)[0], load_handbook(new)[0])
    found = {(c.path, c.status) for c in diff.meta}
    assert ("owners[legal]", "added") in found
    assert ("audiences[manager].first_week[1]", "removed") in found


def test_changes_page_lists_handbook_yaml(root: Root, tmp_path: Path) -> None:
    old, new = edited(root, tmp_path)
    handbook = load_handbook(new)[0]
    diff = diff_handbooks(load_handbook(old)[0], handbook)
    page = Renderer(handbook, "zh_CN", {"Handbook settings": "手册设置"}, THEMES).changes_page(
        diff, diff, "2025.2")
    assert "手册设置" in page
    assert ":hb-id:`release\\.threshold` :hb-label:`Changed` 100 → 95" in page
    assert "→ people\\@jiahe" in page
    assert "No changes." not in page
