"""Shared fixtures: test roots copied to tmp_path, and one session-wide build of the sample."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from handbook.cli import main

REPO = Path(__file__).resolve().parent.parent
ROOTS = Path(__file__).resolve().parent / "roots"
SAMPLE = REPO / "data"


def copy_root(name: str, tmp_path: Path) -> Path:
    """A test root (or 'sample' for data/) copied into tmp_path; never built in place."""
    source = SAMPLE if name == "sample" else ROOTS / name
    target = tmp_path / name
    shutil.copytree(source, target, symlinks=True)
    return target


@pytest.fixture
def root(tmp_path: Path):  # type: ignore[no-untyped-def]
    return lambda name: copy_root(name, tmp_path)


@pytest.fixture(scope="session")
def sample_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample handbook built once (HTML and PDF, every language); read-only for tests."""
    reuse = os.environ.get("HANDBOOK_TEST_SITE")
    if reuse:  # a developer's shortcut: point at a site already built from data/
        return Path(reuse)
    base = tmp_path_factory.mktemp("sample-build")
    data = copy_root("sample", base)
    out = base / "site"
    code = main(["all", "--data", str(data), "--out", str(out), "-q"])
    assert code == 0
    return out
