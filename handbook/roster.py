"""A roster of new hires (CSV) -> checked rows, one per onboarding pack to stamp.

``hires.csv`` is UTF-8 with a header row. Columns ``name``, ``employee_id`` and ``audience``
are required; ``department``, ``start_date``, ``supervisor`` and ``language`` are optional.
Every problem is reported with its line (``hires.csv:4:1: ERROR: audience: expected …``)
and none of the packs is written while one row is wrong: packs hold personal data, and a
half-written set would be handed out.
"""

from __future__ import annotations

import csv
import datetime as _dt
import io
import re
from dataclasses import dataclass
from pathlib import Path

from .errors import ContentError, Location, Report, describe, summary

REQUIRED = ("name", "employee_id", "audience")
OPTIONAL = ("department", "start_date", "supervisor", "language")
_EMPLOYEE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
_MAX_TEXT = 80


@dataclass(frozen=True)
class Hire:
    """One row of the roster: whom a pack is for and which manual it stamps."""

    line: int
    name: str
    employee_id: str
    audience: str
    language: str
    department: str = ""
    start_date: str = ""
    supervisor: str = ""

    @property
    def file_name(self) -> str:
        """<employee_id>-<audience>.pdf, e.g. E10231-front-desk.pdf."""
        return f"{self.employee_id}-{self.audience}.pdf"


def read_roster(path: Path, audiences: list[str], languages: list[str],
                source_language: str) -> list[Hire]:
    """Every hire of the roster; raise ContentError listing every bad row."""
    try:  # as users typed it: relative to where they are, else as given
        display = path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        display = path.as_posix()
    report = Report()
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ContentError(f"{display}: cannot read the roster: {exc.strerror}") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        report.error(Location(display, line, 1), f"expected UTF-8 text, got byte "
                     f"0x{data[exc.start]:02x} (save the sheet as CSV UTF-8)", "roster.encoding")
        _stop(report, display)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        header = []
    except csv.Error as exc:
        report.error(Location(display, 1, 1), f"expected a CSV header row, got {exc}",
                     "roster.syntax")
        _stop(report, display)
    missing = [c for c in REQUIRED if c not in header]
    unknown = [c for c in header if c not in REQUIRED + OPTIONAL]
    if missing or unknown or len(set(header)) != len(header):
        report.error(Location(display, 1, 1, "header"),
                     f"expected columns {', '.join(REQUIRED)} (and optionally "
                     f"{', '.join(OPTIONAL)}), each once, got {', '.join(header) or 'nothing'}",
                     "roster.columns")
        _stop(report, display)
    hires: list[Hire] = []
    first_line: dict[str, int] = {}
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            report.error(Location(display, reader.line_num, 1), f"expected a CSV row, got {exc}",
                         "roster.syntax")
            break
        line = reader.line_num
        if not any(cell.strip() for cell in row):
            continue  # blank line
        if len(row) != len(header):
            report.error(Location(display, line, 1), f"expected {len(header)} fields like "
                         f"the header, got {len(row)}", "roster.columns")
            continue
        values = {key: cell.strip() for key, cell in zip(header, row, strict=True)}
        hire = _check_row(values, line, display, report, audiences, languages, source_language)
        if hire is None:
            continue
        if hire.employee_id in first_line:
            report.error(Location(display, line, 1, "employee_id"),
                         f"expected each employee ID once, got {hire.employee_id!r} again "
                         f"(first at line {first_line[hire.employee_id]})", "roster.duplicate")
            continue
        first_line[hire.employee_id] = line
        hires.append(hire)
    if not hires and not report.errors:
        report.error(Location(display, 1, 1), "expected at least one hire under the header, "
                     "got none", "roster.empty")
    _stop(report, display)
    return hires


def _stop(report: Report, display: str) -> None:
    """Raise with every problem found so far, if any is an error."""
    if report.errors:
        raise ContentError(summary(f"reading the roster {display}", report.problems) +
                           ": no pack written", report.problems)


def _check_row(values: dict[str, str], line: int, display: str, report: Report,
               audiences: list[str], languages: list[str], source_language: str
               ) -> Hire | None:
    """One row as a Hire, or None after reporting what is wrong with it."""
    before = len(report.errors)

    def bad(key: str, expected: str, got: str, category: str) -> None:
        report.error(Location(display, line, 1, key), f"expected {expected}, got {got}",
                     f"roster.{category}")

    for key in REQUIRED:
        if not values.get(key):
            bad(key, "a value (required column)", "an empty cell", "missing")
    for key in ("name", "department", "supervisor"):
        value = values.get(key, "")
        if len(value) > _MAX_TEXT or any(ord(c) < 32 for c in value):
            bad(key, f"one line of at most {_MAX_TEXT} characters", describe(value), "text")
    employee_id = values.get("employee_id", "")
    if employee_id and not _EMPLOYEE_ID.fullmatch(employee_id):
        bad("employee_id", "letters, digits, '.', '_' or '-' (it names the PDF file)",
            describe(employee_id), "employee_id")
    audience = values.get("audience", "")
    if audience and audience not in audiences:
        bad("audience", f"one of {', '.join(audiences)} (handbook.yaml audiences)",
            describe(audience), "audience")
    language = values.get("language") or source_language
    if language not in languages:
        bad("language", f"one of {', '.join(languages)}", describe(language), "language")
    start = values.get("start_date", "")
    if start:
        try:
            _dt.date.fromisoformat(start)
        except ValueError:
            bad("start_date", "a date as YYYY-MM-DD", describe(start), "date")
    if len(report.errors) > before:
        return None
    return Hire(line, values["name"], employee_id, audience, language,
                values.get("department", ""), start, values.get("supervisor", ""))
