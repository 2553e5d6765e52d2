"""The command line: exit 0 when all is well, 1 for content errors, 2 for usage errors."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from expect import YamlSyntax

from handbook import __version__
from handbook.cli import main

REPO = Path(__file__).resolve().parent.parent
SAMPLE = REPO / "data"

Root = Callable[[str], Path]


@pytest.mark.parametrize(("argv", "complaint"), [
    (["frobnicate"], "unrecognized arguments: frobnicate"),
    (["validate", "--frobnicate"], "unrecognized arguments: --frobnicate"),
    (["schema", "--kind", "chapter"], "invalid choice: 'chapter'"),
    (["validate", "--data"], "expected one argument"),
], ids=["unknown-command", "unknown-option", "bad-choice", "option-without-value"])
def test_usage_errors_exit_2(argv: list[str], complaint: str,
                             capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert complaint in err
    assert err.startswith("usage: handbook")


@pytest.mark.parametrize("a_file", [False, True], ids=["missing", "a-file"])
def test_missing_data_folder_exits_2(a_file: bool, tmp_path: Path,
                                     monkeypatch: pytest.MonkeyPatch,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    if a_file:
        (tmp_path / "nope").write_text("a file, not a folder", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["validate", "--data", "nope"]) == 2
    assert capsys.readouterr().err.splitlines() == [
        "ERROR: data folder nope not found: expected a folder with handbook.yaml "
        "(use --data DIR)"
    ]


def test_folder_without_handbook_yaml_is_a_content_error(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "empty").mkdir()
    monkeypatch.chdir(tmp_path)
    assert main(["validate", "--data", "empty"]) == 1
    assert capsys.readouterr().err.splitlines() == [
        "empty/handbook.yaml: ERROR: cannot read file: No such file or directory [data.io]",
        "ERROR: validation failed: 1 error",
    ]


def test_validate_sample(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "--data", str(SAMPLE)]) == 0
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 1
    assert re.fullmatch(r"validated .*data: 9 sections, \d+ rules, \d+ phrases, 0 warnings",
                        lines[0])


def test_quiet_validate_prints_nothing(root: Root, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "--data", str(root("minimal")), "-q"]) == 0
    assert capsys.readouterr().err == ""


def test_strict_turns_warnings_into_failure(root: Root, monkeypatch: pytest.MonkeyPatch,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    data = root("minimal")
    (data / "sections" / "phone.yaml").rename(data / "sections" / "unlisted.yaml")
    (data / "sections" / "basics.yaml").write_text(
        (data / "sections" / "basics.yaml").read_text(encoding="utf-8")
        .replace("see_also: [PHN-ANS-001]", "see_also: [BAS-GRT-001]"), encoding="utf-8")
    (data / "handbook.yaml").write_text(
        (data / "handbook.yaml").read_text(encoding="utf-8")
        .replace("sections: [basics, phone]", "sections: [basics]"), encoding="utf-8")
    monkeypatch.chdir(data.parent)
    warning = ("minimal/sections/unlisted.yaml: WARNING: file not listed in handbook.yaml "
               "sections: expected it listed, got ['basics'] [data.unlisted]")

    assert main(["validate", "--data", "minimal"]) == 0
    assert capsys.readouterr().err.splitlines()[0] == warning

    assert main(["validate", "--data", "minimal", "--strict"]) == 1
    assert capsys.readouterr().err.splitlines() == [
        warning, "ERROR: validation failed: 0 errors, 1 warning"]


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--version"]) == 0
    assert capsys.readouterr().out == f"handbook {__version__}\n"


def test_build_py_exit_code_and_no_traceback(root: Root) -> None:
    """The shim passes main()'s code to the shell; a content error is never a traceback."""
    data = root("bad-yaml-syntax")
    done = subprocess.run([sys.executable, str(REPO / "build.py"), "validate", "--data",
                           "bad-yaml-syntax"], cwd=data.parent, capture_output=True, text=True,
                          timeout=60, check=False)
    assert done.returncode == 1
    assert done.stdout == ""
    assert done.stderr.splitlines() == [
        YamlSyntax("bad-yaml-syntax/sections/basics.yaml", 16, "started at line 15: "),
        "ERROR: validation failed: 1 error",
    ]


@pytest.mark.parametrize(("jobs", "pdf", "languages", "cpus", "workers"), [
    (0, False, 3, 2, 3),   # HTML: every language at once, no lone last language
    (0, False, 5, 2, 2),   # more than twice the CPUs: one worker per CPU
    (0, True, 3, 2, 2),    # PDF: one per CPU, layout has its own processes
    (0, False, 1, 8, 1),
    (1, False, 3, 2, 1),   # -j wins
    (4, True, 3, 2, 3),    # but never more workers than languages
])
def test_language_workers(jobs: int, pdf: bool, languages: int, cpus: int, workers: int,
                          monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from handbook.paths import Paths
    from handbook.pipeline import _jobs
    from handbook.project import BuildOptions

    monkeypatch.setattr("os.cpu_count", lambda: cpus)
    options = BuildOptions(Paths(tmp_path, tmp_path / "out"), pdf=pdf, jobs=jobs)
    assert _jobs(options, languages) == workers
