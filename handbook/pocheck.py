"""A catalog file in the data folder -> its bytes and text, with the checks polib does not make.

Catalogs come from outside translators. Before a .po (or .pot) is parsed it must be a
regular file of at most :data:`~handbook.safefs.MAX_PO_BYTES` reached through no symbolic
link (see :mod:`handbook.safefs`), and a header that declares a charset must declare UTF-8:
the build reads every catalog as UTF-8, so a file declared ISO-8859-1 is an error to fix,
never something to convert silently. A translation of only whitespace is no translation.
"""

from __future__ import annotations

import codecs
import os
import re
from collections.abc import Callable
from pathlib import Path

import polib

from .errors import ContentError, Location, Problem, Report, display_path
from .safefs import MAX_PO_BYTES, Refused, read_data_file

_CHARSET = re.compile(r'^[ \t]*"Content-Type:[^"\n]*?charset=([^\\"\s;]*)', re.I | re.M)
_ENTRY_START = re.compile(r"^[ \t]*(?:msgctxt|msgid)[ \t]", re.M)
_BLANK = re.compile(r"[\s\u200b\u200c\u200d\u2060\ufeff]*")


def read_catalog(root: Path, path: Path, display: str, report: Report) -> bytes | None:
    """The bytes of a catalog below root, or None with the reason in report (file:1:1)."""
    try:
        return read_data_file(root, path, MAX_PO_BYTES)
    except Refused as exc:
        report.error(Location(display, 1, 1) if exc.kind == "too-large" else Location(display),
                     exc.message, exc.category("i18n"))
        return None


def read_catalogs(root: Path, paths: list[Path], report: Report,
                  parse: Callable[[bytes, str, Report], object]) -> dict[Path, bytes]:
    """The bytes of every catalog of paths that exists, each read and checked by parse once;
    problems go to report."""
    read: dict[Path, bytes] = {}
    for path in paths:
        if os.path.lexists(path):  # a link or a pipe is refused, not skipped
            display = display_path(path, root)
            data = read_catalog(root, path, display, report)
            if data is not None:
                parse(data, display, report)
                read[path] = data
    return read


def charset_problem(text: str, display: str, report: Report) -> bool:
    """Report a header charset other than UTF-8 at its line and column; True if there is one.

    Only the header entry (msgid "") counts: a translated string that merely contains
    ``Content-Type: ...charset=`` is text, not a declaration.
    """
    match = _CHARSET.search(text)
    if match is None:
        return False
    header = list(_ENTRY_START.finditer(text))
    if len(header) > 1 and match.start() > header[1].start():
        return False  # the first match is in a later entry: the header declares nothing
    name = match.group(1)
    try:
        utf8 = codecs.lookup(name).name == "utf-8"
    except LookupError:
        utf8 = False
    if utf8:
        return False
    line = text.count("\n", 0, match.start(1)) + 1
    col = match.start(1) - text.rfind("\n", 0, match.start(1))
    report.error(Location(display, line, col - len("charset=")),
                 f"expected charset=UTF-8 in the Content-Type header, got charset={name[:40]}: "
                 "catalogs are read as UTF-8; convert the file (msgconv -t UTF-8) and fix the "
                 "header", "i18n.encoding")
    return True


def is_blank(text: str) -> bool:
    """Whether a translation is empty or only whitespace (incl. zero-width characters)."""
    return _BLANK.fullmatch(text) is not None


def non_blank(msgstr: str, where: Location, report: Report) -> str:
    """msgstr, or "" with a warning when it is only whitespace: no translation at all."""
    if msgstr and is_blank(msgstr):
        report.warning(where, f"translation is only whitespace: expected text, got "
                       f"{msgstr[:20]!r}; it counts as untranslated", "i18n.blank")
        return ""
    return msgstr


def has_translation(entry: polib.POEntry) -> bool:
    """Whether an entry carries a translation worth keeping (any form, for a plural one)."""
    if entry.msgid_plural:
        return any(not is_blank(form) for form in entry.msgstr_plural.values())
    return not is_blank(entry.msgstr)


def save_catalog(root: Path, path: Path, text: str) -> Path:
    """Write a catalog below root unless it already holds text; never through a link.

    A symbolic link, pipe or device in the file's place or a linked folder on the way is an
    error; the file is replaced by a rename, so a reader never sees half of it.
    """
    from .paths import write_atomic

    data = text.encode("utf-8")
    rel = Path(os.path.relpath(os.path.abspath(path), os.path.abspath(root)))
    current = root
    for part in rel.parts[:-1]:
        current = current / part
        if current.is_symlink():
            raise ContentError(f"cannot write {display_path(path, root)}", [Problem(
                Location(display_path(current, root)), "expected a folder, got a symbolic "
                "link; symbolic links are not followed in the data folder", "i18n.io")])
    if os.path.lexists(path):
        try:
            if read_data_file(root, path, MAX_PO_BYTES) == data:
                return path
        except Refused as exc:
            if exc.kind != "too-large":
                raise ContentError(f"cannot write {display_path(path, root)}", [Problem(
                    Location(display_path(path, root)), exc.message,
                    exc.category("i18n"))]) from None
    write_atomic(path, data)
    return path
