"""``handbook init DIR``: a new folder -> a small handbook that validates and builds.

It copies the skeleton of the chosen language (every kind of section once, one audience,
comments on each field), then adds what a project around it needs: a .gitignore, the JSON
Schemas with the VS Code mapping, and CI examples that build and publish the site.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path

from .errors import UsageError
from .log import logger
from .paths import SKELETON

# skeleton file -> where init writes it (dot files are kept without their dot in the wheel)
_COMMON = {
    "gitignore": ".gitignore",
    "vscode-settings.json": ".vscode/settings.json",
    "github-workflow.yml": ".github/workflows/handbook.yml",
    "gitlab-ci.yml": ".gitlab-ci.yml",
}
_LANGUAGE = re.compile(r"^[a-z]{2,3}(_[A-Z]{2}|_[A-Z][a-z]{3})?$")


def init(dest: Path, language: str) -> list[Path]:
    """Write a new handbook into dest (absent or empty); return the files written."""
    if not _LANGUAGE.match(language):
        raise UsageError(f"--language {language!r}: expected a language code like en, zh_CN "
                         "or pt_BR")
    if dest.exists() and (not dest.is_dir() or any(dest.iterdir())):
        what = "a folder that is not empty" if dest.is_dir() else "a file"
        raise UsageError(f"{dest}: expected a new or empty folder, got {what}; "
                         "init never overwrites")
    source = SKELETON / ("zh_CN" if language.startswith("zh") else "en")
    convert = _traditional() if language in ("zh_TW", "zh_HK") else None
    written: list[Path] = []
    for path in sorted(p for p in source.rglob("*") if p.is_file()):
        target = dest / path.relative_to(source)
        target.parent.mkdir(parents=True, exist_ok=True)
        text = path.read_text("utf-8")
        if path.name == "handbook.yaml":
            text = re.sub(r"(?m)^source_language: \S+", f"source_language: {language}", text)
        if convert:
            text = convert(text).replace("script: hans", "script: hant").replace(
                "Kurinto Sans SC", "Kurinto Sans TC")
        target.write_text(text, encoding="utf-8")
        written.append(target)
    for name, relative in _COMMON.items():
        target = dest / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(SKELETON / "common" / name, target)
        written.append(target)
    from .schema import write_schemas

    written += write_schemas(dest / ".schema")
    if source.name == "en" and not language.startswith("en"):
        logger.warning("the sample text is in English: write your own in %s", language)
    return written


def _traditional() -> Callable[[str], str] | None:
    """Simplified -> Traditional (Taiwan usage) for a zh_TW skeleton, as `i18n add` does."""
    from .catalogs import s2twp

    convert: Callable[[str], str] = s2twp()
    return convert
