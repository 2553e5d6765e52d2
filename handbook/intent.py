"""ICC profile -> the output intent of the print-shop PDF (PDF/X-4): which profile, checked.

The handbook's own ``assets/print/output-intent.icc`` (the print shop's characterisation,
e.g. FOGRA39) comes first; else Ghostscript's CMYK profile that Debian's ``libgs-common``
installs; else the build stops with an error saying what to install. A profile must be an
ICC output profile (device class ``prtr``) in CMYK: an RGB or monitor profile cannot
describe the press the PDF is separated for.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path

from .errors import ContentError, Location, Problem
from .safefs import read_asset

OUTPUT_INTENT = "assets/print/output-intent.icc"
"""The print shop's CMYK characterisation, in the data folder (not shipped: profiles belong
to the printer)."""

SYSTEM_PROFILES = (Path("/usr/share/color/icc/ghostscript/default_cmyk.icc"),)
"""Free CMYK output profiles of the system, in order of preference (Debian: libgs-common)."""


@dataclass(frozen=True)
class Intent:
    """A checked CMYK output profile and where it came from."""

    data: bytes
    description: str
    """The profile's own name (its 'desc' tag): the PDF's OutputConditionIdentifier."""
    source: str


def _description(data: bytes) -> str:
    """The text of the profile's 'desc' tag (ICC v2 textDescription or v4 mluc), or ''."""
    (count,) = struct.unpack_from(">I", data, 128)
    for index in range(min(count, 200)):
        signature, offset, size = struct.unpack_from(">4sII", data, 132 + 12 * index)
        if signature != b"desc" or offset + size > len(data) or size < 12:
            continue
        tag = data[offset:offset + size]
        if tag[:4] == b"desc":
            (length,) = struct.unpack_from(">I", tag, 8)
            return tag[12:12 + length].split(b"\0", 1)[0].decode("latin-1").strip()
        if tag[:4] == b"mluc" and size >= 28:
            length, start = struct.unpack_from(">II", tag, 20)
            return tag[start:start + length].decode("utf-16-be", "replace").strip()
    return ""


def check_profile(data: bytes) -> str:
    """The profile's description; ValueError ('expected ..., got ...') if it is not a CMYK
    output profile."""
    if len(data) < 132 or data[36:40] != b"acsp":
        raise ValueError("expected an ICC profile (signature 'acsp' at byte 36), got "
                         f"{len(data)} bytes of something else")
    kind, space = data[12:16].decode("latin-1"), data[16:20].decode("latin-1")
    if (kind, space) != ("prtr", "CMYK"):
        raise ValueError("expected an ICC output profile (class 'prtr') in colour space "
                         f"'CMYK', got class {kind.strip()!r} in {space.strip()!r}")
    try:
        (count,) = struct.unpack_from(">I", data, 128)
        struct.unpack_from(">4sII", data, 132 + 12 * max(0, min(count, 200) - 1))
        return _description(data) or "CMYK"
    except struct.error:
        raise ValueError("expected an ICC tag table after the 128-byte header, got a "
                         "truncated file") from None


def find_intent(data_dir: Path, system: tuple[Path, ...] = SYSTEM_PROFILES) -> Intent:
    """The output intent of --print: the handbook's profile, else the system's.

    Raises ContentError, located at the profile, when the handbook's is not a CMYK output
    profile or when there is none at all.
    """
    own = data_dir / OUTPUT_INTENT
    if own.exists() or own.is_symlink():
        data = read_asset(data_dir, OUTPUT_INTENT)
        try:
            return Intent(data, check_profile(data), OUTPUT_INTENT)
        except ValueError as exc:
            problem = Problem(Location(OUTPUT_INTENT), str(exc), "pdf.print")
            raise ContentError("the output intent profile is unusable", [problem]) from None
    for path in system:
        if path.is_file():
            data = path.read_bytes()
            try:
                return Intent(data, check_profile(data), str(path))
            except ValueError:
                continue
    places = ", ".join(str(p) for p in system)
    problem = Problem(
        Location(OUTPUT_INTENT), "expected a CMYK output profile for --print (PDF/X-4 needs an "
        f"output intent), got none: put the print shop's profile here, or install the free "
        f"one (Debian/Ubuntu: apt-get install libgs-common, which provides {places})",
        "pdf.print")
    raise ContentError("no output intent profile for --print", [problem])
