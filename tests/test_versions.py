"""Editions from git tags: both trees, versions.json, switchers, banner, what-changed page."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from lxml import html as lhtml

from handbook.cli import main

REPO = Path(__file__).resolve().parent.parent
GIT_ENV = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com",
           "GIT_CONFIG_GLOBAL": "/dev/null", "GIT_CONFIG_SYSTEM": "/dev/null"}


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=repo, env=GIT_ENV, check=True,
                          capture_output=True, text=True).stdout


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), "utf-8")


@pytest.fixture(scope="module")
def editions(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A git repository with editions 2026.1 and 2026.2, built with --versions."""
    repo = tmp_path_factory.mktemp("editions")
    shutil.copytree(REPO / "data", repo / "data")
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "2026.1")
    git(repo, "tag", "handbook-2026.1")
    data = repo / "data"
    edit(data / "handbook.yaml", '\nversion: "2026.1"', '\nversion: "2026.2"')
    edit(data / "handbook.yaml", "effective: 2026-01-01", "effective: 2026-07-01")
    sections = data / "sections"
    # edit a rule
    edit(sections / "etiquette.yaml", "measure: 每次握手不超过 3 秒；握手时必须站立",
         "measure: 每次握手 1 至 3 秒；握手时必须站立")
    # add a rule
    edit(sections / "etiquette.yaml", "      - id: ETQ-MET-001\n",
         "      - id: ETQ-MET-099\n        title: 握手后自我介绍\n"
         "        text: 握手后报出自己的姓名和部门，再双手递上名片。\n"
         "      - id: ETQ-MET-001\n")
    # delete a rule and retire a phrase
    _delete_item(sections / "standards.yaml", "STD-SMI-006")
    _delete_item(sections / "phrases.yaml", "PHR-GRT-007")
    git(repo, "commit", "-qam", "2026.2")
    git(repo, "tag", "handbook-2026.2")
    status_before = git(repo, "status", "--porcelain")
    out = tmp_path_factory.mktemp("editions-out") / "site"
    code = main(["all", "--versions", "--no-pdf", "--data", str(data), "--out", str(out),
                 "-l", "zh_CN", "-l", "en", "-q"])
    assert code == 0
    assert git(repo, "status", "--porcelain") == status_before
    return repo, out


def _delete_item(path: Path, item_id: str) -> None:
    lines = path.read_text("utf-8").splitlines(keepends=True)
    start = next(i for i, line in enumerate(lines) if line.strip() == f"- id: {item_id}")
    indent = len(lines[start]) - len(lines[start].lstrip())
    end = start + 1
    while end < len(lines) and (not lines[end].strip() or
                                len(lines[end]) - len(lines[end].lstrip()) > indent):
        end += 1
    text = "".join(lines[:start] + lines[end:])
    text = text.replace(f", {item_id}]", "]").replace(f"[{item_id}, ", "[").replace(
        f"[{item_id}]", "[]")
    path.write_text(text, "utf-8")


def page(out: Path, version: str, lang: str, name: str) -> lhtml.HtmlElement:
    return lhtml.parse(str(out / version / lang / f"{name}.html")).getroot()


def test_both_trees_and_versions_json(editions: tuple[Path, Path]) -> None:
    _, out = editions
    for version in ("2026.1", "2026.2"):
        for lang in ("zh_CN", "en"):
            assert (out / version / lang / "index.html").is_file()
    data = json.loads((out / "versions.json").read_text("utf-8"))["versions"]
    assert [(v["name"], v["latest"], v["effective"]) for v in data] == [
        ("2026.2", True, "2026-07-01"), ("2026.1", False, "2026-01-01")]
    assert data[0]["languages"] == ["en", "zh_CN"]
    assert "url=2026.2/zh_CN/index.html" in (out / "index.html").read_text("utf-8")
    assert (out / "latest").resolve().name == "2026.2"


def test_switcher_links_resolve_and_keep_the_page(editions: tuple[Path, Path]) -> None:
    _, out = editions
    for version in ("2026.1", "2026.2"):
        root = page(out, version, "zh_CN", "etiquette")
        options = root.xpath("//label[contains(@class,'hb-switch')][1]//option")
        values = {o.text_content().strip(" ★"): o.get("value") for o in options}
        assert set(values) == {"2026.1", "2026.2"}
        for url in values.values():
            assert url.endswith("/zh_CN/etiquette.html")
            assert (out / version / "zh_CN" / url).resolve().is_file()
    # the changes page exists only in 2026.2: the switcher sends 2026.1 readers home
    root = page(out, "2026.2", "zh_CN", "changes")
    old = next(o for o in root.xpath("//label[contains(@class,'hb-switch')][1]//option")
               if o.text_content().startswith("2026.1"))
    assert old.get("value").endswith("2026.1/zh_CN/index.html")


def test_banner_only_on_old_edition(editions: tuple[Path, Path]) -> None:
    _, out = editions
    old = page(out, "2026.1", "en", "index")
    (banner,) = old.xpath("//div[contains(@class,'hb-old-banner')]")
    assert "older edition" in banner.text_content()
    link = banner.xpath(".//a/@href")[0]
    assert (out / "2026.1" / "en" / link).resolve() == \
        (out / "2026.2" / "en" / "index.html").resolve()
    assert not page(out, "2026.2", "en", "index").xpath("//div[contains(@class,'hb-old-banner')]")


def test_changes_page_lists_exactly_the_changes(editions: tuple[Path, Path]) -> None:
    _, out = editions
    root = page(out, "2026.2", "zh_CN", "changes")
    entries = root.xpath("//div[contains(@class,'hb-change')]")
    found = {(e.xpath(".//code[contains(@class,'hb-id')]")[0].text_content(),
              next(c for c in e.get("class").split() if c in (
                  "hb-added", "hb-removed", "hb-changed", "hb-moved")))
             for e in entries}
    assert found == {("ETQ-MET-099", "hb-added"), ("ETQ-MET-001", "hb-changed"),
                     ("STD-SMI-006", "hb-removed"), ("PHR-GRT-007", "hb-removed")}
    changed = next(e for e in entries if "ETQ-MET-001" in e.text_content())
    assert changed.xpath(".//span[contains(@class,'hb-del')]")[0].text_content() == "不超过"
    assert changed.xpath(".//span[contains(@class,'hb-ins')]")[0].text_content() == "1 至"
    assert not (out / "2026.1" / "zh_CN" / "changes.html").exists()
    # translated: the English page words the same four changes in English where it can
    english = page(out, "2026.2", "en", "changes")
    assert len(english.xpath("//div[contains(@class,'hb-change')]")) == 4
    assert "Handshake" in english.text_content()


def test_deleted_rule_is_gone_from_the_new_edition(editions: tuple[Path, Path]) -> None:
    _, out = editions
    assert not page(out, "2026.2", "zh_CN", "standards").xpath("//div[@id='std-smi-006']")
    assert page(out, "2026.1", "zh_CN", "standards").xpath("//div[@id='std-smi-006']")
    index = (out / "2026.2" / "zh_CN" / "hb-search-index.js").read_text("utf-8")
    assert "std-smi-006" not in index
    assert "std-smi-006" in (out / "2026.1" / "zh_CN" / "hb-search-index.js").read_text("utf-8")


@pytest.mark.slow
def test_pdf_handbook_has_the_changes_appendix(editions: tuple[Path, Path],
                                               tmp_path: Path) -> None:
    """A plain build of a tagged repository compares with the previous tag, in the PDF too."""
    repo, _ = editions
    out = tmp_path / "site"
    assert main(["pdf", "--data", str(repo / "data"), "--out", str(out), "-l", "zh_CN",
                 "--audience", "manager", "-q"]) == 0
    pdf = out / "2026.2" / "zh_CN" / "pdf" / "handbook.pdf"
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], check=True,
                          capture_output=True, text=True).stdout
    appendix = text[text.index("对比版本：2026.1"):]  # the appendix opens with this line
    for rule_id in ("ETQ-MET-099", "ETQ-MET-001", "STD-SMI-006", "PHR-GRT-007"):
        assert rule_id in appendix, rule_id
