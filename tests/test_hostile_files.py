"""Files of the data folder from many hands: only regular files inside it are read, each up
to the limit of its kind, and a refused file's content is never shown.

Symbolic links, named pipes and devices cannot travel in git well, so they are made here in
copies of ``tests/roots/two-languages`` and ``minimal``; catalogs with a foreign charset,
blank translations and plural entries are roots of their own (``broken-po-charset``,
``po-blank-translation``, ``po-plural``). Commands that would hang or fill the memory on a
pipe or ``/dev/zero`` run in a child process with a timeout and a memory cap.
"""

from __future__ import annotations

import os
import resource
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import polib
import pytest
from lxml import html as lhtml

from handbook.cli import main
from handbook.errors import ContentError
from handbook.gitsrc import export_ref
from handbook.safefs import MAX_IMAGE_BYTES, MAX_PO_BYTES, Refused, read_data_file

REPO = Path(__file__).resolve().parent.parent
SECRET = "root:x:0:0:SECRET-LINE-OF-A-FILE-OUTSIDE"
LINK = ("expected a regular file, got a symbolic link; symbolic links are not followed in the "
        "data folder, put the file itself there")
PO = "two-languages/locales/en/LC_MESSAGES/basics.po"

Root = Callable[[str], Path]


def run(capsys: pytest.CaptureFixture[str], *argv: str | Path) -> tuple[int, list[str]]:
    code = main([str(a) for a in argv])
    captured = capsys.readouterr()
    return code, (captured.out + captured.err).splitlines()


def secret(tmp_path: Path) -> Path:
    path = tmp_path / "outside" / "secret.txt"
    path.parent.mkdir(exist_ok=True)
    path.write_text(SECRET + "\n", encoding="utf-8")
    return path


def _cap_memory() -> None:  # in the child: a read of /dev/zero fails instead of swapping
    resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))


def run_child(cwd: Path, *argv: str) -> tuple[int, list[str]]:
    """build.py in a child process: a hang or a runaway read fails the test, not the run."""
    done = subprocess.run([sys.executable, str(REPO / "build.py"), *argv], cwd=cwd,
                          capture_output=True, text=True, timeout=60, check=False,
                          preexec_fn=_cap_memory,
                          env={**os.environ, "PYTHONPATH": str(REPO)})
    return done.returncode, (done.stdout + done.stderr).splitlines()


# --- YAML ----------------------------------------------------------------------------------


def _link_out(path: Path) -> None:
    path.unlink()
    path.symlink_to(secret(path.parents[2]))


def _link_in(path: Path) -> None:  # a link inside the folder is refused too: one rule
    shutil.move(path, path.parent.parent / "basics-real.yaml")
    path.symlink_to(Path("..") / "basics-real.yaml")


def _fifo(path: Path) -> None:
    path.unlink()
    os.mkfifo(path)


def _linked_folder(path: Path) -> None:
    outside = path.parents[2] / "outside" / "sections"
    shutil.move(path.parent, outside)
    (outside / "private-notes.yaml").write_text("a: b\n", encoding="utf-8")  # not listed
    path.parent.symlink_to(outside, target_is_directory=True)


SECTION = "two-languages/sections/basics.yaml"
YAML_CASES: dict[str, tuple[Callable[[Path], None], str]] = {
    "link-outside": (_link_out, f"{SECTION}: ERROR: {LINK} [data.io]"),
    "link-inside": (_link_in, f"{SECTION}: ERROR: {LINK} [data.io]"),
    "fifo": (_fifo, f"{SECTION}: ERROR: expected a regular file, got a named pipe (FIFO) "
                    "[data.io]"),
    "linked-folder": (_linked_folder, f"{SECTION}: ERROR: expected a regular file, got a "
                      "symbolic link at 'sections'; symbolic links are not followed in the data "
                      "folder [data.io]"),
}


@pytest.mark.parametrize("case", list(YAML_CASES))
def test_section_file_must_be_a_regular_file(case: str, root: Root, tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    change, expected = YAML_CASES[case]
    data = root("two-languages")
    secret(tmp_path)
    change(data / "sections" / "basics.yaml")
    monkeypatch.chdir(tmp_path)
    for command in ("validate", "html"):
        code, lines = run(capsys, command, "--data", "two-languages", "--out", "site", "-q")
        assert (code, lines) == (1, [expected, "ERROR: validation failed: 1 error"]), command
    assert not (tmp_path / "site").exists()


@pytest.mark.parametrize(("make", "expected"), [
    (lambda p: p.symlink_to("/dev/zero"), LINK),
    (lambda p: os.mkfifo(p), "expected a regular file, got a named pipe (FIFO)"),
])
def test_handbook_yaml_that_would_hang_or_fill_memory(make: Callable[[Path], None],
                                                      expected: str, root: Root,
                                                      tmp_path: Path) -> None:
    data = root("two-languages")
    (data / "handbook.yaml").unlink()
    make(data / "handbook.yaml")
    code, lines = run_child(tmp_path, "validate", "--data", "two-languages")
    assert (code, lines) == (1, [f"two-languages/handbook.yaml: ERROR: {expected} [data.io]",
                                 "ERROR: validation failed: 1 error"])


# --- catalogs ------------------------------------------------------------------------------


def _po_link_out(path: Path) -> None:
    path.unlink()
    path.symlink_to(secret(path.parents[5]))


def _po_dev_zero(path: Path) -> None:
    path.unlink()
    path.symlink_to("/dev/zero")


def _po_too_large(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    padding = "# " + "x" * (MAX_PO_BYTES - len(text.encode()) - 2) + "\n"
    path.write_text(padding + text, encoding="utf-8")  # one byte over the limit


def _linked_locales(path: Path) -> None:
    outside = path.parents[5] / "outside" / "LC_MESSAGES"
    shutil.move(path.parent, outside)
    path.parent.symlink_to(outside, target_is_directory=True)


PO_CASES: dict[str, tuple[Callable[[Path], None], str]] = {
    "link-outside": (_po_link_out, f"{PO}: ERROR: {LINK} [i18n.io]"),
    "dev-zero": (_po_dev_zero, f"{PO}: ERROR: {LINK} [i18n.io]"),
    "fifo": (_fifo, f"{PO}: ERROR: expected a regular file, got a named pipe (FIFO) [i18n.io]"),
    "too-large": (_po_too_large, f"{PO}:1:1: ERROR: file too large: expected at most "
                                 f"{MAX_PO_BYTES // 1024} KiB, got {MAX_PO_BYTES // 1024 + 1} "
                                 "KiB [i18n.too-large]"),
    "linked-folder": (_linked_locales, f"{PO}: ERROR: expected a regular file, got a symbolic "
                      "link at 'locales/en/LC_MESSAGES'; symbolic links are not followed in "
                      "the data folder [i18n.io]"),
}


@pytest.mark.parametrize("case", list(PO_CASES))
def test_catalog_must_be_a_regular_file_of_bounded_size(
        case: str, root: Root, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    change, expected = PO_CASES[case]
    data = root("two-languages")
    change(data / "locales" / "en" / "LC_MESSAGES" / "basics.po")
    monkeypatch.chdir(tmp_path)
    errors = [expected]
    if case == "linked-folder":
        errors.append(expected.replace("basics.po", "handbook.po"))
    failed = f"ERROR: reading translations failed: {len(errors)} error{'s' * (len(errors) > 1)}"
    for argv in (["i18n", "stats"], ["i18n", "update"], ["validate"], ["html", "-l", "en"]):
        code, lines = run(capsys, *argv, "--data", "two-languages", "--out", "site", "-q")
        assert (code, lines) == (1, [*errors, failed]), argv
        assert not [line for line in lines if "SECRET" in line]
    assert not (tmp_path / "site").exists()
    assert not (data / "locales" / "templates").exists()  # update stopped before writing


def test_extract_never_writes_through_a_link(root: Root, tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    data = root("two-languages")
    target = secret(tmp_path)
    (data / "locales" / "templates").mkdir()
    (data / "locales" / "templates" / "basics.pot").symlink_to(target)
    monkeypatch.chdir(tmp_path)
    code, lines = run(capsys, "i18n", "extract", "--data", "two-languages")
    assert (code, lines) == (1, [
        f"two-languages/locales/templates/basics.pot: ERROR: {LINK} [i18n.io]",
        "ERROR: cannot write two-languages/locales/templates/basics.pot"])
    assert target.read_text("utf-8") == SECRET + "\n"
    assert (data / "locales" / "templates" / "basics.pot").is_symlink()


def test_blank_translation_counts_as_untranslated(root: Root, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    root("po-blank-translation")
    monkeypatch.chdir(tmp_path)
    code, lines = run(capsys, "i18n", "stats", "--data", "po-blank-translation")
    assert code == 0
    assert lines[2].split() == ["en", "basics", "2", "2", "3", "28.6%"]  # two-languages: 4 2 1
    code, lines = run(capsys, "html", "--data", "po-blank-translation", "--out", "site",
                      "-l", "en")
    assert code == 0
    where = "po-blank-translation/locales/en/LC_MESSAGES/basics.po"
    assert [line for line in lines if "i18n.blank" in line] == [
        f"{where}:22:1: WARNING: summary: translation is only whitespace: expected text, got "
        "'  '; it counts as untranslated [i18n.blank]",
        f"{where}:34:1: WARNING: groups[greeting].rules[BAS-GRT-001].title: translation is only "
        "whitespace: expected text, got '\\u3000\\u200b'; it counts as untranslated "
        "[i18n.blank]",
    ]
    page = lhtml.parse(str(tmp_path / "site" / "2026.1" / "en" / "basics.html")).getroot()
    text = page.text_content()
    assert "问候与承诺。" in text and "十秒问候" in text  # the source, with the missing notice
    assert page.xpath("//*[contains(@class, 'missing')]")


def test_plural_entries_survive_update(root: Root, tmp_path: Path,
                                       monkeypatch: pytest.MonkeyPatch,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    data = root("po-plural")
    monkeypatch.chdir(tmp_path)
    code, lines = run(capsys, "i18n", "update", "--data", "po-plural")
    assert (code, lines) == (0, ["updated en: 0 new, 1 now fuzzy, 1 obsolete"])
    po = polib.pofile(str(data / "locales" / "en" / "LC_MESSAGES" / "basics.po"))
    plural = {e.msgctxt: (e.obsolete, e.msgid_plural, e.msgstr_plural) for e in po
              if e.msgid_plural}
    assert plural == {
        "customers-waiting": (1, "{n} customers waiting",
                              {0: "{n} customer waiting", 1: "{n} customers waiting"}),
        "queue-length": (1, "{n} people in the queue",
                         {0: "one person in the queue", 1: "{n} people in the queue"}),
    }
    before = (data / "locales" / "en" / "LC_MESSAGES" / "basics.po").read_bytes()
    assert run(capsys, "i18n", "update", "--data", "po-plural") == \
        (0, ["updated en: 0 new, 0 now fuzzy, 0 obsolete"])
    assert (data / "locales" / "en" / "LC_MESSAGES" / "basics.po").read_bytes() == before


# --- assets --------------------------------------------------------------------------------


def _big_logo(data: Path) -> None:
    logo = data / "assets" / "logo.svg"
    text = logo.read_text(encoding="utf-8")
    comment = "<!-- " + "x" * (MAX_IMAGE_BYTES - len(text.encode()) - 8) + " -->\n"
    logo.write_text(text.replace("<svg", comment + "<svg", 1), encoding="utf-8")


ASSET_CASES: dict[str, tuple[Callable[[Path], None], str]] = {
    "fifo": (lambda d: _fifo(d / "assets" / "logo.svg"),
             "expected a regular file, got a named pipe (FIFO)"),
    "too-large": (_big_logo, f"file too large: expected at most {MAX_IMAGE_BYTES // 1024} KiB, "
                             f"got {MAX_IMAGE_BYTES // 1024 + 1} KiB"),
}


@pytest.mark.parametrize("case", list(ASSET_CASES))
def test_asset_must_be_a_regular_file_of_bounded_size(
        case: str, root: Root, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    change, message = ASSET_CASES[case]
    change(root("minimal"))
    monkeypatch.chdir(tmp_path)
    code, lines = run_child(tmp_path, "validate", "--data", "minimal")
    assert (code, lines) == (1, [
        f"minimal/handbook.yaml:5:9: ERROR: organisation.logo: {message} [data.asset]",
        "ERROR: validation failed: 1 error"])


def test_read_data_file_refuses_devices_without_reading() -> None:
    with pytest.raises(Refused, match=r"^expected a regular file, got a character device$"):
        read_data_file(Path("/dev"), Path("/dev/zero"), 10)
    with pytest.raises(Refused, match=r"^expected a file inside"):
        read_data_file(Path("/dev"), Path("/etc/passwd"), 10)


# --- old editions from git -----------------------------------------------------------------


def _git(repo: Path, *args: str, stdin: str | None = None) -> str:
    env = {**os.environ, "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull,
           "GIT_AUTHOR_NAME": "T", "GIT_AUTHOR_EMAIL": "t@example.com",
           "GIT_COMMITTER_NAME": "T", "GIT_COMMITTER_EMAIL": "t@example.com"}
    return subprocess.run(["git", "-C", str(repo), *args], input=stdin, capture_output=True,
                          text=True, check=True, env=env).stdout.strip()


def test_linked_file_in_an_old_edition_is_refused(root: Root, tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    _git(repo, "init", "-q")
    shutil.copytree(root("two-languages"), repo / "data")
    section = repo / "data" / "sections" / "basics.yaml"
    section.unlink()
    section.symlink_to(secret(tmp_path))
    _git(repo, "add", "data")
    _git(repo, "commit", "-q", "-m", "hostile")
    _git(repo, "tag", "handbook-2025.1")
    code, lines = run(capsys, "diff", "handbook-2025.1", "--data", repo / "data")
    assert code == 1
    assert [line.split("/data/", 1)[-1] for line in lines] == [
        f"sections/basics.yaml: ERROR: {LINK} [data.io]", "ERROR: validation failed: 1 error"]


def test_crafted_tree_cannot_write_outside_the_export(tmp_path: Path) -> None:
    """A tree with a link 'assets' -> outside and a file 'assets/x' (git fsck would object,
    mktree does not) must not write x outside."""
    repo = tmp_path / "repo"
    repo.mkdir()
    _git(repo, "init", "-q")
    outside = tmp_path / "outside"
    outside.mkdir()
    blob = _git(repo, "hash-object", "-w", "--stdin", stdin="planted\n")
    link = _git(repo, "hash-object", "-w", "--stdin", stdin=str(outside))
    sub = _git(repo, "mktree", stdin=f"100644 blob {blob}\tx\n")
    data = _git(repo, "mktree", stdin=f"120000 blob {link}\tassets\n040000 tree {sub}\tassets\n")
    top = _git(repo, "mktree", stdin=f"040000 tree {data}\tdata\n")
    _git(repo, "tag", "handbook-2025.1", _git(repo, "commit-tree", "-m", "crafted", top))
    with pytest.raises(ContentError, match=r"unsafe path assets/x in data/: expected no file "
                                           r"inside a symbolic link"):
        export_ref(repo, "handbook-2025.1", "data", tmp_path / "export")
    assert list(outside.iterdir()) == []
