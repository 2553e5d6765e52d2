"""The same input gives the same bytes: built twice (another time, folder, hash seed, time
zone), or built incrementally after an edit or a deletion versus built from scratch.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from lxml import html as lhtml
from pypdf import PdfReader

from handbook.cli import main
from handbook.search import INDEX_NAME, read_index

REPO = Path(__file__).resolve().parent.parent
ROOTS = Path(__file__).resolve().parent / "roots"
VERSION = "2026.1"


def tree(out: Path) -> dict[str, bytes]:
    """Relative path -> bytes (or b'-> target' for a link) of everything <out> publishes."""
    top = out.resolve()
    found: dict[str, bytes] = {}
    for folder, dirs, files in os.walk(top):
        for name in dirs + files:
            path = Path(folder) / name
            rel = path.relative_to(top).as_posix()
            if path.is_symlink():
                found[rel] = b"-> " + os.readlink(path).encode()
            elif path.is_file():
                found[rel] = path.read_bytes()
    return found


def differences(a: dict[str, bytes], b: dict[str, bytes]) -> list[str]:
    """What differs between two trees, readable in a failure message."""
    out = [f"only in first: {k}" for k in sorted(a.keys() - b.keys())]
    out += [f"only in second: {k}" for k in sorted(b.keys() - a.keys())]
    for key in sorted(a.keys() & b.keys()):
        if a[key] != b[key]:
            at = next((i for i, (x, y) in enumerate(zip(a[key], b[key], strict=False)) if x != y),
                      min(len(a[key]), len(b[key])))
            out.append(f"{key}: differs at byte {at}: {a[key][max(0, at - 60):at + 60]!r} / "
                       f"{b[key][max(0, at - 60):at + 60]!r}")
    return out


def copy(name: str, target: Path) -> Path:
    source = REPO / "data" if name == "sample" else ROOTS / name
    shutil.copytree(source, target, symlinks=True)
    return target


def build(command: str, data: Path, out: Path, *extra: str) -> int:
    return main([command, "--data", str(data), "--out", str(out), "-q", *extra])


# --- the same input twice ------------------------------------------------------------------


@dataclass(frozen=True)
class Setting:
    """One way to run a build: where, when and in what environment."""

    folder: str
    env: dict[str, str]


SETTINGS = (
    Setting("a", {"PYTHONHASHSEED": "1", "TZ": "UTC"}),
    # Another folder depth, hash seed and time zone; SOURCE_DATE_EPOCH set to another
    # moment: the dates printed come from the edition's effective date, not from the clock
    # or the environment.
    Setting("second/build/b", {"PYTHONHASHSEED": "2", "TZ": "Pacific/Kiritimati",
                               "SOURCE_DATE_EPOCH": "1234567890"}),
)


def build_twice(tmp_path: Path, name: str, argv: list[str]) -> list[Path]:
    """Build a copy of root name in each setting, 1 s apart, in parallel subprocesses."""
    procs, outs = [], []
    for setting in SETTINGS:
        base = tmp_path / setting.folder
        copy(name, base / "data")
        env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
        env.update(setting.env)
        env["HANDBOOK_CACHE"] = str(base / "cache")  # nothing shared between the two
        procs.append(subprocess.Popen(
            [sys.executable, "-m", "handbook", *argv, "--data", "data", "--out", "site", "-q"],
            cwd=base, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE))
        outs.append(base / "site")
        time.sleep(1.1)
    for proc in procs:
        stdout, stderr = proc.communicate(timeout=300)
        assert proc.returncode == 0, stderr.decode()
        assert stderr == b"", stderr.decode()
    return outs


@pytest.mark.slow
def test_html_tree_is_byte_identical(tmp_path: Path) -> None:
    first, second = build_twice(tmp_path, "sample", ["html", "-l", "zh_CN"])
    a, b = tree(first), tree(second)
    assert any(k.endswith(f"zh_CN/{INDEX_NAME}") for k in a)
    assert differences(a, b) == []


@pytest.mark.slow
def test_pdfs_are_byte_identical(tmp_path: Path) -> None:
    first, second = build_twice(tmp_path, "minimal", ["pdf"])
    a, b = tree(first), tree(second)
    pdfs = sorted(k for k in a if k.endswith(".pdf"))
    assert pdfs == [f"{VERSION}/en/pdf/handbook.pdf", f"{VERSION}/en/pdf/onboarding-counter.pdf"]
    assert differences(a, b) == []
    for name in pdfs:  # the dates in it are the edition's, not the clock's
        metadata = PdfReader(io.BytesIO(a[name])).metadata
        assert metadata is not None
        assert metadata["/CreationDate"] == metadata["/ModDate"] == "D:20260301000000+00'00"


# --- incremental equals clean --------------------------------------------------------------


def search_index(out: Path, lang: str = "en") -> dict[str, Any]:
    return read_index(out / VERSION / lang / INDEX_NAME)


def indexed_words(index: dict[str, Any], part: int = 0) -> set[str]:
    """The words of every result's title and text (part 4: titles only)."""
    fields = [d[part] for d in index["docs"]] if part else \
        [f"{d[4]} {d[5]}" for d in index["docs"]]
    return set(re.findall(r"[a-z0-9]+", " ".join(fields).lower()))


def mtimes(folder: Path) -> dict[str, int]:
    return {p.relative_to(folder).as_posix(): p.stat().st_mtime_ns
            for p in folder.rglob("*") if p.is_file()}


@dataclass(frozen=True)
class Rebuilt:
    """One handbook built, changed, built again into the same --out, and built from scratch."""

    first: dict[str, bytes]
    """The published tree before the change."""
    incremental: Path
    clean: Path
    before: dict[str, int]
    after: dict[str, int]
    """mtimes of the Sphinx HTML cache before and after the second build."""


def rebuild(base: Path, change: Callable[[Path], None], name: str = "minimal") -> Rebuilt:
    data = copy(name, base / "data")
    out = base / "site"
    cache = base / ".site-work" / "cache" / VERSION / "en" / "html"
    assert build("html", data, out) == 0
    first, before = tree(out), mtimes(cache)
    time.sleep(0.05)  # mtimes tell rewritten files apart
    change(data)
    assert build("html", data, out) == 0
    after = mtimes(cache)
    clean = base / "clean"
    assert build("html", data, clean) == 0
    return Rebuilt(first, out, clean, before, after)


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def edit_rule(data: Path) -> None:
    """One rule's text: a word goes, a word comes."""
    _edit(data / "sections" / "phone.yaml", "Pick up before the fourth ring",
          "Pick up before the third ring")


def edit_chinese_rule(data: Path) -> None:
    """A rule of a Chinese source: its words are cut by jieba for the search index."""
    _edit(data / "sections" / "basics.yaml", "顾客到达十秒内主动问候。", "顾客进门后立即起身迎候。")


def delete_rule_and_chapter(data: Path) -> None:
    """A rule (BAS-GRT-002) and a whole chapter (phone, with PHN-ANS-001) are deleted."""
    basics = data / "sections" / "basics.yaml"
    text = basics.read_text(encoding="utf-8")
    text, n = re.subn(r"      - id: BAS-GRT-002\n(        .*\n)+", "", text)
    assert n == 1
    basics.write_text(text.replace("        see_also: [PHN-ANS-001]\n", ""), encoding="utf-8")
    _edit(data / "handbook.yaml", "sections: [basics, phone]", "sections: [basics]")
    (data / "sections" / "phone.yaml").unlink()


@pytest.fixture(scope="module")
def edited(tmp_path_factory: pytest.TempPathFactory) -> Rebuilt:
    return rebuild(tmp_path_factory.mktemp("edited"), edit_rule)


@pytest.fixture(scope="module")
def edited_zh(tmp_path_factory: pytest.TempPathFactory) -> Rebuilt:
    return rebuild(tmp_path_factory.mktemp("edited-zh"), edit_chinese_rule, "two-languages")


@pytest.fixture(scope="module")
def retitled(tmp_path_factory: pytest.TempPathFactory) -> Rebuilt:
    return rebuild(tmp_path_factory.mktemp("retitled"), lambda data: _edit(
        data / "sections" / "phone.yaml", "title: On the Phone", "title: Answering the Phone"))


@pytest.fixture(scope="module")
def reordered(tmp_path_factory: pytest.TempPathFactory) -> Rebuilt:
    return rebuild(tmp_path_factory.mktemp("reordered"), lambda data: _edit(
        data / "handbook.yaml", "sections: [basics, phone]", "sections: [phone, basics]"))


@pytest.fixture(scope="module")
def deleted(tmp_path_factory: pytest.TempPathFactory) -> Rebuilt:
    return rebuild(tmp_path_factory.mktemp("deleted"), delete_rule_and_chapter)


def test_edit_rewrites_only_the_pages_it_changes(edited: Rebuilt) -> None:
    rewritten = {k for k, t in edited.after.items()
                 if k.endswith(".html") and edited.before.get(k) != t}
    first = {k.removeprefix(f"{VERSION}/en/"): v for k, v in edited.first.items()}
    now = tree(edited.clean)
    same = {k for k in rewritten if first.get(k) == now.get(f"{VERSION}/en/{k}")}
    assert "phone.html" in rewritten
    # search.html is made every time; no other page whose content did not change is written,
    # not even index.html, whose toctree lists the page (its headings did not change)
    assert same <= {"search.html"}
    assert "basics.html" not in rewritten
    assert "index.html" not in rewritten


def test_retitled_page_is_renamed_on_every_page(retitled: Rebuilt) -> None:
    """Every page's sidebar and previous/next links name the page: all are written again
    (Sphinx alone writes only index.html, sphinx-doc/sphinx#5506)."""
    assert differences(tree(retitled.incremental), tree(retitled.clean)) == []
    site = retitled.incremental / VERSION / "en"
    for page in ("index.html", "basics.html", "phone.html"):
        assert "Answering the Phone" in (site / page).read_text(encoding="utf-8"), page


def test_reordered_pages_are_reordered_on_every_page(reordered: Rebuilt) -> None:
    assert differences(tree(reordered.incremental), tree(reordered.clean)) == []
    basics = (reordered.incremental / VERSION / "en" / "basics.html").read_text(encoding="utf-8")
    assert basics.index('href="phone.html">On the Phone') < basics.index('href="#">The Basics')
    assert 'rel="prev" title="On the Phone"' in basics


def test_edit_pages_equal_a_clean_build(edited: Rebuilt) -> None:
    """Every page, asset and file, the search index too."""
    incremental, clean = tree(edited.incremental), tree(edited.clean)
    assert differences(incremental, clean) == []
    assert b"the third ring" in incremental[f"{VERSION}/en/phone.html"]
    assert "third" in indexed_words(search_index(edited.incremental))
    assert "fourth" not in indexed_words(search_index(edited.incremental))




def test_edit_equals_a_clean_build(edited: Rebuilt) -> None:
    assert differences(tree(edited.incremental), tree(edited.clean)) == []


def test_chinese_edit_equals_a_clean_build(edited_zh: Rebuilt) -> None:
    """The second build cuts only the edited text; the rest comes from the memo of the
    user's earlier builds."""
    from handbook.segment import segmenter

    assert segmenter().memo_file.is_file()
    assert differences(tree(edited_zh.incremental), tree(edited_zh.clean)) == []
    words = search_index(edited_zh.incremental, "zh_CN")["words"]
    assert {"进门", "迎候", "十秒"} <= words.keys()  # 十秒 is still in the rule's title
    assert "到达" not in words


def test_deleted_rule_and_chapter_are_gone_everywhere(deleted: Rebuilt) -> None:
    site = deleted.incremental / VERSION / "en"
    assert not (site / "phone.html").exists()
    for page in sorted(site.glob("*.html")):
        root = lhtml.parse(str(page)).getroot()
        text = root.text_content()
        for gone in ("BAS-GRT-002", "Use their name", "PHN-ANS-001", "On the Phone",
                     "fourth ring"):
            assert gone not in text, (page.name, gone)
        nav = " ".join(n.text_content() for n in root.xpath("//nav[@id='hb-nav']"))
        hrefs = root.xpath("//a/@href")
        assert "On the Phone" not in nav
        assert not [h for h in hrefs if "phone" in h or "bas-grt-002" in h], page.name
    index = search_index(deleted.incremental)
    assert "phone.html" not in [name for name, _ in index["chapters"]]
    assert not [d for d in index["docs"] if "Phone" in d[4] or "Answering" in d[4]]
    for word in ("smile", "drink", "ring", "once", "know"):  # only the deleted rules had these
        assert word not in indexed_words(index), word
    assert not [w for w in indexed_words(index, 4) if w.startswith("answer")]


def test_deleted_pages_equal_a_clean_build(deleted: Rebuilt) -> None:
    assert differences(tree(deleted.incremental), tree(deleted.clean)) == []


def test_deletion_equals_a_clean_build(deleted: Rebuilt) -> None:
    index = search_index(deleted.incremental)
    assert "smile" not in indexed_words(index)  # the deleted chapter's words are not in it
    assert differences(tree(deleted.incremental), tree(deleted.clean)) == []
