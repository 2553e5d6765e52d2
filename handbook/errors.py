"""Problems found in content -> located, one-line messages users can act on."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Location:
    """Where a problem is: a file, a 1-based line and column, and the key path inside it."""

    path: str
    line: int = 0
    col: int = 0
    key_path: str = ""

    def __str__(self) -> str:
        if self.line:
            return f"{self.path}:{self.line}:{self.col}"
        return self.path


@dataclass(frozen=True)
class Problem:
    """One finding: an error stops the build, a warning does so only with --strict."""

    location: Location
    message: str
    category: str
    severity: str = "ERROR"

    def __str__(self) -> str:
        where = f"{self.location.key_path}: " if self.location.key_path else ""
        return f"{self.location}: {self.severity}: {where}{self.message} [{self.category}]"


class HandbookError(Exception):
    """A content or usage problem: printed as one line per problem, never a traceback."""

    category = "handbook"

    def __init__(self, message: str, problems: list[Problem] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.problems: list[Problem] = list(problems or [])

    def __str__(self) -> str:
        return self.message


class ContentError(HandbookError):
    """The data folder, a locale file or a theme holds something we cannot build from."""

    category = "content"


class UsageError(HandbookError):
    """The command line asks for something that does not exist (exit code 2)."""

    category = "usage"


@dataclass
class Report:
    """Collects every problem of a stage, so users see them all at once (as MkDocs does)."""

    problems: list[Problem] = field(default_factory=list)

    def error(self, location: Location, message: str, category: str) -> None:
        self.problems.append(Problem(location, message, category, "ERROR"))

    def warning(self, location: Location, message: str, category: str) -> None:
        self.problems.append(Problem(location, message, category, "WARNING"))

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "ERROR"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "WARNING"]

    def raise_if_errors(self, what: str, strict: bool = False) -> None:
        """Stop with every problem when there is an error (or, with strict, a warning)."""
        failing = self.problems if strict else self.errors
        if failing:
            raise ContentError(summary(what, self.problems), sorted_problems(self.problems))


def sorted_problems(problems: list[Problem]) -> list[Problem]:
    """File order, then line, then column: the order an editor shows them in."""
    return sorted(problems, key=lambda p: (p.location.path, p.location.line, p.location.col))


def summary(what: str, problems: list[Problem]) -> str:
    errors = sum(1 for p in problems if p.severity == "ERROR")
    warnings = len(problems) - errors
    parts = [f"{errors} error{'s' if errors != 1 else ''}"]
    if warnings:
        parts.append(f"{warnings} warning{'s' if warnings != 1 else ''}")
    return f"{what} failed: {', '.join(parts)}"


def describe(value: object, limit: int = 40) -> str:
    """How a YAML value reads in "expected ..., got ..." messages."""
    if value is None:
        return "nothing (null)"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    text = str(value)
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return repr(text) if isinstance(value, str) else text


def display_path(path: Path, root: Path) -> str:
    """A file path as users typed it: relative to the data folder's parent when possible.

    A symbolic link is named, not where it points: that is not ours to show.
    """
    try:
        return Path(os.path.abspath(path)).relative_to(Path.cwd()).as_posix()
    except ValueError:
        pass
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        try:
            return (root.name + "/" + path.resolve().relative_to(root.resolve()).as_posix())
        except ValueError:
            return path.as_posix()
