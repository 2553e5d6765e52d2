"""Building a test root and comparing what a site shows: shared by the fault tests."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from handbook.cli import main


def build(command: str, data: Path, out: Path, *extra: str) -> int:
    return main([command, "--data", str(data), "--out", str(out), "-q", *extra])


def snapshot(out: Path) -> dict[str, str]:
    """Relative path -> sha256 (or '-> target' for a link) of everything <out> shows."""
    top = out.resolve()
    found: dict[str, str] = {}
    for folder, dirs, files in os.walk(top):
        for name in dirs + files:
            path = Path(folder) / name
            rel = path.relative_to(top).as_posix()
            if path.is_symlink():
                found[rel] = "-> " + os.readlink(path)
            elif path.is_file():
                found[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def change_everything(data: Path) -> None:
    """An edit that changes every page, versions.json and the root index.html.

    Words are only added: see test_reproducible for what removing words does to the search
    index of an incremental build, which the comparisons here must not depend on.
    """
    edit(data / "handbook.yaml", "title: Service Standards", "title: Service Standards Book")
    edit(data / "sections" / "phone.yaml", "the company name first",
         "the company name first, then your own")
