"""A path inside the data folder -> its bytes, only if it is a regular file of bounded size.

YAML, catalogs and assets come from many hands. Every file the build reads from the data
folder goes through :func:`read_data_file`, which refuses, without reading a byte:

- a symbolic link, as the file itself or as any folder between the data folder and it
  (links are never followed, wherever they point: put the file itself in the folder);
- anything that is not a regular file: a named pipe (which would hang the build), a device
  (``/dev/zero`` would fill the memory), a socket, a folder;
- a file larger than the limit of its kind.

The path is opened one component at a time relative to the folder above it
(``O_NOFOLLOW``, ``O_NONBLOCK``), and the kind and size are checked on the open file, so a
file swapped for a link between the check and the read is refused too. A refusal says what
the file is, never what it holds.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from .errors import ContentError, Location, Problem, display_path

MAX_YAML_BYTES = 2 * 1024 * 1024
"""handbook.yaml and a section file: a handbook section is a few hundred kilobytes at most."""

MAX_PO_BYTES = 8 * 1024 * 1024
"""A catalog (.po, .pot): the source text, its translation and comments, about 3× the YAML."""

MAX_IMAGE_BYTES = 4 * 1024 * 1024
"""A logo or other image asset; the sample's logos are 6 KB."""

MAX_FONT_BYTES = 64 * 1024 * 1024
"""A font file of the data folder: a CJK font is 10–25 MB per weight."""

FONT_SUFFIXES = (".ttf", ".otf", ".ttc", ".otc", ".woff", ".woff2")


def asset_limit(name: str | Path) -> int:
    """The size limit of an asset by its kind: a font, else an image."""
    return MAX_FONT_BYTES if str(name).lower().endswith(FONT_SUFFIXES) else MAX_IMAGE_BYTES


_NOFOLLOW = os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC
_KINDS = (
    (stat.S_ISLNK, "a symbolic link"),
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


class Refused(Exception):
    """A data file that is not read; message is "expected ..., got ..." without content.

    kind is "missing" (no such file), "io" (not a regular file, or unreadable) or
    "too-large"; callers make it a category (``data.io``, ``i18n.too-large``).
    """

    def __init__(self, message: str, kind: str) -> None:
        super().__init__(message)
        self.message = message
        self.kind = kind

    def category(self, prefix: str) -> str:
        """data.io, data.too-large, i18n.io …: a missing file is an io problem too."""
        return f"{prefix}.{'io' if self.kind == 'missing' else self.kind}"


def describe_mode(mode: int) -> str:
    """What a file is, for "expected a regular file, got ..."."""
    for test, name in _KINDS:
        if test(mode):
            return name
    return "a special file"


def too_large(size: int, limit: int) -> str:
    return (f"file too large: expected at most {limit // 1024} KiB, "
            f"got {-(-size // 1024)} KiB")


def _parts(root: Path, path: Path) -> list[str]:
    """path's components below root (lexically: no link is resolved)."""
    rel = Path(os.path.relpath(os.path.abspath(path), os.path.abspath(root)))
    parts = [part for part in rel.parts if part != "."]
    if not parts or parts[0] == ".." or rel.is_absolute():
        raise Refused(f"expected a file inside {root}, got {path}", "io")
    return parts


def _refuse_component(dir_fd: int, name: str, parts: list[str], index: int,
                      exc: OSError) -> Refused:
    """The Refused for a component that could not be opened."""
    if exc.errno == errno.ENOENT:
        return Refused(f"cannot read file: {exc.strerror}", "missing")
    try:
        mode = os.stat(name, dir_fd=dir_fd, follow_symlinks=False).st_mode
    except OSError:
        return Refused(f"cannot read file: {exc.strerror}", "io")
    if index < len(parts) - 1 and stat.S_ISLNK(mode):
        at = "/".join(parts[: index + 1])
        return Refused(f"expected a regular file, got a symbolic link at {at!r}; symbolic "
                       "links are not followed in the data folder", "io")
    if index < len(parts) - 1 and not stat.S_ISDIR(mode):
        return Refused(f"cannot read file: {os.strerror(errno.ENOENT)}", "missing")
    if stat.S_ISLNK(mode):
        return Refused("expected a regular file, got a symbolic link; symbolic links are not "
                       "followed in the data folder, put the file itself there", "io")
    if not stat.S_ISREG(mode):
        return Refused(f"expected a regular file, got {describe_mode(mode)}", "io")
    return Refused(f"cannot read file: {exc.strerror}", "io")


def open_data_file(root: Path, path: Path) -> int:
    """A read-only descriptor of path (below root), reached through no symbolic link.

    The caller closes it. Raises Refused for a missing file, a link, or an unreadable file;
    the descriptor may still be of a FIFO or device: check with fstat before reading.
    """
    parts = _parts(root, path)
    try:
        fd = os.open(root, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    except OSError as exc:
        raise Refused(f"cannot read folder {root}: {exc.strerror}", "io") from None
    try:
        for index, name in enumerate(parts):
            last = index == len(parts) - 1
            flags = os.O_RDONLY | _NOFOLLOW | (0 if last else os.O_DIRECTORY)
            try:
                if last and not stat.S_ISREG(os.stat(name, dir_fd=fd,
                                                     follow_symlinks=False).st_mode):
                    raise OSError(errno.EINVAL, "not a regular file")  # not even opened
                child = os.open(name, flags, dir_fd=fd)
            except OSError as exc:
                raise _refuse_component(fd, name, parts, index, exc) from None
            os.close(fd)
            fd = child
    except BaseException:
        os.close(fd)
        raise
    return fd


def read_data_file(root: Path, path: Path, limit: int) -> bytes:
    """The bytes of path, a regular file below root of at most limit bytes; else Refused."""
    fd = open_data_file(root, path)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise Refused(f"expected a regular file, got {describe_mode(info.st_mode)}", "io")
        if info.st_size > limit:
            raise Refused(too_large(info.st_size, limit), "too-large")
        os.set_blocking(fd, True)
        chunks: list[bytes] = []
        total = 0
        while total <= limit:  # the file may grow while it is read
            chunk = os.read(fd, min(1 << 20, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
        if total > limit:
            raise Refused(too_large(total, limit), "too-large")
        return b"".join(chunks)
    except OSError as exc:
        raise Refused(f"cannot read file: {exc.strerror}", "io") from None
    finally:
        os.close(fd)


def check_data_file(root: Path, path: Path, limit: int) -> None:
    """Refused unless path is a regular file below root, reached through no link, of at
    most limit bytes (nothing is read: for files a library opens by name, such as fonts)."""
    fd = open_data_file(root, path)
    try:
        info = os.fstat(fd)
    finally:
        os.close(fd)
    if not stat.S_ISREG(info.st_mode):
        raise Refused(f"expected a regular file, got {describe_mode(info.st_mode)}", "io")
    if info.st_size > limit:
        raise Refused(too_large(info.st_size, limit), "too-large")


def read_asset(data_dir: Path, name: str) -> bytes:
    """The bytes of an asset the validation accepted; ContentError if it changed since."""
    try:
        return read_data_file(data_dir, data_dir / name, asset_limit(name))
    except Refused as exc:
        problem = Problem(Location(display_path(data_dir / name, data_dir)), exc.message,
                          "data.asset")
        raise ContentError(f"reading {name} failed", [problem]) from None
