"""--out and its work folder -> checked before a build, locked for the whole build, with
build caches that a killed build cannot poison.

``<out>`` is a symbolic link to ``<work>/releases/r000042/`` and ``<work>`` (``.<out>-work``
beside it) holds the releases and the Sphinx projects of every version and language. One
build at a time may use a work folder: a second one stops with a usage error, or waits
(``--wait``). A cache folder carries a marker while a build writes into it; a marker found
at the start means a build was killed (or failed) half way, and that folder is built afresh.
"""

from __future__ import annotations

import fcntl
import os
import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .errors import UsageError
from .log import logger
from .paths import Paths

RELEASE = re.compile(r"r\d{6}")
"""The name of a release folder: r000001, r000002, ..."""

DIRTY = ".building"
"""The marker of a cache folder a build is writing into."""


CONTENT_FOLDERS = ("sections", "locales", "assets", "themes")
"""Folders of a data folder that the build reads; a site may not be written into them."""


def is_release(paths: Paths, folder: Path) -> bool:
    """Whether folder is one of our own release folders (never a folder of someone else's)."""
    return bool(RELEASE.fullmatch(folder.name)) and \
        folder.parent.resolve() == paths.releases.resolve()


def link_target(paths: Paths) -> Path | None:
    """Where the symbolic link <out> points (made absolute, not resolved), or None."""
    if not paths.out.is_symlink():
        return None
    return Path(os.path.abspath(paths.out.parent / os.readlink(paths.out)))


def check_out(paths: Paths) -> None:
    """Refuse an --out that is not a place to publish into; nothing is written or built."""
    out = paths.out
    where = Path(os.path.abspath(out))
    if where == Path(where.anchor) or out.name in ("", ".", ".."):
        raise UsageError(f"--out {out}: expected a folder path ending in a name of its own, "
                         "like _build/site (the site and its work folder go there)")
    data = paths.data.resolve()
    site = where.parent.resolve() / where.name
    if site == data or site in data.parents:
        raise UsageError(f"--out {out} and --data {paths.data} overlap: expected the site "
                         "outside the data folder and the data folder outside the site")
    # a site inside the data folder (`handbook --data .`, out _build/site) is fine, but not
    # among what the build reads as content
    for name in CONTENT_FOLDERS:
        if site.is_relative_to(data / name):
            raise UsageError(f"--out {out} is inside {paths.data / name}, which the build "
                             f"reads: expected the site outside {', '.join(CONTENT_FOLDERS)}/ "
                             "of the data folder (like _build/site)")
    target = link_target(paths)
    if target is not None:
        if not is_release(paths, target):
            raise UsageError(f"--out {out} is a symbolic link to {target}, not to a release "
                             f"this tool published (in {paths.releases}): remove the link or "
                             "choose another --out")
    elif out.exists() and not out.is_dir():
        raise UsageError(f"--out {out} is a file: expected a folder to publish the site into")
    elif out.is_dir() and any(out.iterdir()):
        raise UsageError(f"{out} is a folder that this tool did not publish; move it away or "
                         "choose another --out")
    for folder in (paths.work, *paths.work.parents):
        if folder.exists():
            if not folder.is_dir():
                raise UsageError(f"--out {out}: {folder} is a file, expected a folder")
            if not os.access(folder, os.W_OK | os.X_OK):
                raise UsageError(f"--out {out}: cannot write to {folder} (the work folder "
                                 f"{paths.work.name} is kept there): expected a writable "
                                 "folder")
            break


@contextmanager
def build_lock(paths: Paths, wait: bool = False) -> Iterator[None]:
    """Hold <work>/build.lock for a whole build: one build per output folder at a time.

    The lock goes with the process (flock), so a killed build never leaves it taken.
    """
    try:
        paths.work.mkdir(parents=True, exist_ok=True)
        handle = open(paths.work / "build.lock", "a+b")
    except OSError as exc:
        raise UsageError(f"--out {paths.out}: cannot write to its work folder {paths.work}: "
                         f"{exc.strerror}: expected a writable folder") from None
    with handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if not wait:
                raise UsageError(f"another build is writing to {paths.out}: wait until it has "
                                 "finished, or build with --wait") from None
            logger.warning("another build is writing to %s: waiting until it has finished",
                           paths.out)
            fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@contextmanager
def cache_guard(folder: Path) -> Iterator[None]:
    """Let a build write into a cache folder; the folder stays valid only if it finishes.

    A folder still marked when a build starts was left half-written (its Sphinx environment,
    doctrees, search index and pages may disagree): it is removed and built from nothing,
    so the output equals a clean build's.
    """
    marker = folder / DIRTY
    if marker.exists():
        logger.info("%s: left unfinished by an earlier build; building it afresh", folder)
        shutil.rmtree(folder)
    folder.mkdir(parents=True, exist_ok=True)
    marker.touch()
    yield
    marker.unlink()
