"""The tool as a company installs it: from its wheel, outside this repository."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from handbook.cli import main

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel built from this checkout, installed into a folder of its own."""
    base = tmp_path_factory.mktemp("wheel")
    # build from a copy of the checkout's files, as a clean clone has them: setuptools writes
    # build/ and *.egg-info into the folder it builds
    listed = subprocess.run(["git", "-C", str(REPO), "ls-files", "-z", "--cached", "--others",
                             "--exclude-standard"], check=True, capture_output=True).stdout
    source = base / "source"
    for name in filter(None, listed.decode().split("\0")):
        if (REPO / name).is_file():
            (source / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / name, source / name)
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                    "-q", "-w", str(base / "dist"), str(source)],
                   check=True, capture_output=True, timeout=300)
    (wheel,) = (base / "dist").glob("handbook-*.whl")
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target",
                    str(base / "site"), str(wheel)], check=True, capture_output=True, timeout=300)
    return base / "site"


def run(installed: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The installed `handbook` command, from cwd, with a bare PATH (no venv bin folder)."""
    env = {**os.environ, "PYTHONPATH": str(installed),
           "PATH": os.pathsep.join(["/usr/bin", "/bin"])}
    return subprocess.run([sys.executable, str(installed / "bin" / "handbook"), *args],
                          cwd=cwd, env=env, capture_output=True, text=True, timeout=600,
                          check=False)


@pytest.mark.slow
def test_the_wheel_carries_its_theme_and_builds_a_new_handbook(installed: Path,
                                                                tmp_path: Path) -> None:
    assert (installed / "handbook" / "themes" / "handbook" / "rst" / "index.rst.j2").is_file()
    where = run(installed, tmp_path, "--help")
    assert where.returncode == 0 and "init" in where.stdout, where.stderr
    assert run(installed, tmp_path, "bench", "--help").returncode == 0
    done = run(installed, tmp_path, "init", "my-handbook")
    assert done.returncode == 0, done.stderr
    done = run(installed, tmp_path, "--data", "my-handbook", "--no-pdf")
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "_build" / "site" / "2026.1" / "en" / "index.html").is_file()
    # the build used the installed package, not this checkout
    probe = subprocess.run([sys.executable, "-c", "import handbook.paths as p; print(p.THEMES)"],
                           cwd=tmp_path, env={**os.environ, "PYTHONPATH": str(installed)},
                           capture_output=True, text=True, check=True)
    assert Path(probe.stdout.strip()) == installed / "handbook" / "themes"


@pytest.mark.parametrize("language", ["en", "zh_CN", "zh_TW"])
def test_init_writes_a_handbook_that_validates(tmp_path: Path, language: str) -> None:
    folder = tmp_path / "hb"
    assert main(["init", str(folder), "--language", language, "-q"]) == 0
    names = {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}
    assert {".gitignore", ".vscode/settings.json", ".schema/handbook.schema.json",
            ".schema/section.schema.json", ".github/workflows/handbook.yml", ".gitlab-ci.yml",
            "handbook.yaml", "assets/logo.svg"} <= names
    assert f"source_language: {language}" in (folder / "handbook.yaml").read_text("utf-8")
    assert main(["validate", "--data", str(folder), "--strict", "-q"]) == 0
    if language == "zh_TW":
        assert "服務" in (folder / "sections" / "service.yaml").read_text("utf-8")


def test_init_refuses_a_folder_that_is_not_empty(tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "keep.txt").write_text("mine", encoding="utf-8")
    assert main(["init", str(tmp_path)]) == 2
    assert "expected a new or empty folder" in capsys.readouterr().err
    assert [p.name for p in tmp_path.iterdir()] == ["keep.txt"]
    assert main(["init", str(tmp_path / "hb"), "--language", "no such"]) == 2
