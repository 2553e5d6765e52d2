"""The one place that knows the folder conventions: data/, themes/, locales/, _build/."""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import jinja2

REPO = Path(__file__).resolve().parent.parent
DEFAULT_DATA = Path("data")
DEFAULT_OUT = Path("_build") / "site"
_INSTALLED_THEMES = Path(__file__).resolve().parent / "themes"
THEMES = _INSTALLED_THEMES if _INSTALLED_THEMES.is_dir() else REPO / "themes"
"""Built-in themes: inside the package when installed from a wheel, else the repository's."""
SKELETON = Path(__file__).resolve().parent / "skeleton"
"""What ``handbook init`` copies into a new handbook folder."""

RESERVED_PAGES = ("index", "search", "genindex", "py-modindex", "changes", "glossary",
                  "forms", "local-rules")
"""Pages the site generates itself (Sphinx's and ours): no section may take their names."""
RESERVED_PREFIXES = ("for-",)
"""Prefixes of generated pages: for-<audience> is the page of one audience."""


def reserved_page(name: str) -> bool:
    """Whether a section id would replace, or be replaced by, a generated page."""
    return name in RESERVED_PAGES or name.startswith(RESERVED_PREFIXES)


@dataclass(frozen=True)
class Paths:
    """Where one build reads and writes."""

    data: Path
    out: Path

    @property
    def locales(self) -> Path:
        """Translations kept with the data: <data>/locales/<lang>/LC_MESSAGES/<domain>.po."""
        return self.data / "locales"

    @property
    def work(self) -> Path:
        """Private working folder beside the published tree: caches and releases."""
        return self.out.parent / f".{self.out.name}-work"

    def cache(self, version: str, lang: str) -> Path:
        """Persistent Sphinx project of one version and language (sources, doctrees, HTML)."""
        return self.work / "cache" / version / lang

    @property
    def releases(self) -> Path:
        """Complete published trees; <out> is a symbolic link to the newest one."""
        return self.work / "releases"


def theme_dir(name: str, data: Path) -> Path:
    """A theme from the data folder's own themes/ first, then the built-in ones."""
    own = data / "themes" / name
    return own if own.is_dir() else THEMES / name


def po_file(locales: Path, lang: str, domain: str) -> Path:
    return locales / lang / "LC_MESSAGES" / f"{domain}.po"


def user_cache(name: str) -> Path:
    """A cache shared by every build of this user: $HANDBOOK_CACHE/name, else
    $XDG_CACHE_HOME/handbook/name, else ~/.cache/handbook/name.

    It holds only what is a pure function of its key (font subsets, the segmentation
    dictionary, compiled templates), so builds may share and race on it.
    """
    if os.environ.get("HANDBOOK_CACHE"):
        return Path(os.environ["HANDBOOK_CACHE"]) / name
    base = os.environ.get("XDG_CACHE_HOME")
    return (Path(base) if base else Path.home() / ".cache") / "handbook" / name


def write_atomic(path: Path, data: bytes) -> None:
    """Write path so that a reader (another build sharing a cache) sees the old file or the
    new one, never part of one: a temporary file of this process, then one rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    try:
        tmp.write_bytes(data)
        tmp.replace(path)
    except BaseException:  # a full disk: no partial file is left behind
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


def template_cache() -> jinja2.BytecodeCache | None:
    """Compiled Jinja templates for every build of this user, checked against their source."""
    import jinja2

    folder = user_cache("templates")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:  # a read-only home: compile every time
        return None
    if not os.access(folder, os.W_OK):
        return None
    return jinja2.FileSystemBytecodeCache(str(folder))
