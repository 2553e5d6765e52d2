"""The one place that knows the folder conventions: data/, themes/, locales/, _build/."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_DATA = Path("data")
DEFAULT_OUT = Path("_build") / "site"
THEMES = REPO / "themes"


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
