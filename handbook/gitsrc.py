"""Git history -> data folders of past editions, read with plumbing; the work tree is never used."""

from __future__ import annotations

import os
import re
import subprocess
import tempfile
from pathlib import Path, PurePosixPath

from .errors import ContentError, UsageError

_MODES = {"100644": 0o644, "100755": 0o755, "120000": 0}
"""Tree entry modes we write: regular file, executable file, symbolic link (0: no chmod)."""


def _git(repo: Path, *args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(["git", "-C", str(repo), *args], input=stdin,
                              capture_output=True, check=False)
    except FileNotFoundError:
        raise UsageError("git not found: expected the git command on PATH to read "
                         "editions from history") from None


def _stderr(result: subprocess.CompletedProcess[bytes]) -> str:
    """git's last line of complaint, for the end of our own message."""
    lines = result.stderr.decode("utf-8", "replace").strip().splitlines()
    return lines[-1] if lines else f"git exited with {result.returncode}"


def find_repo(path: Path) -> tuple[Path, str]:
    """The git repository holding path, and path relative to its root ('.' for the root)."""
    result = _git(path, "rev-parse", "--show-toplevel")
    if result.returncode != 0:
        raise UsageError(f"{path} is not inside a git repository: expected the data folder "
                         f"in a git checkout to read editions by tag ({_stderr(result)})")
    top = Path(result.stdout.decode("utf-8").strip())
    rel = Path(path).resolve().relative_to(top.resolve())
    return top, rel.as_posix()


def resolve_commit(repo: Path, ref: str) -> str:
    """The commit a tag, branch or commit-ish names; UsageError when there is none."""
    if not ref or ref.startswith("-"):
        raise UsageError(f"expected a git ref like handbook-2026.1, got {ref!r}")
    result = _git(repo, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
    if result.returncode != 0:
        raise UsageError(f"unknown git ref {ref!r}: expected a tag, branch or commit of {repo} "
                         "(git tag -l 'handbook-*' lists the editions)")
    return result.stdout.decode("ascii").strip()


def export_ref(repo: Path, ref: str, subdir: str, dest: Path) -> Path:
    """Write the folder subdir as it is at ref into dest (new or empty); return dest.

    Reads the tree with ``git ls-tree`` and the files with ``git cat-file --batch``, so the
    work tree, the index and HEAD stay as they are, and no .gitattributes filter applies.
    """
    commit = resolve_commit(repo, ref)
    sub = PurePosixPath(subdir.replace(os.sep, "/")).as_posix().strip("/")
    tree = f"{commit}^{{tree}}" if sub in ("", ".") else f"{commit}:{sub}"
    kind = _git(repo, "cat-file", "-t", tree)
    if kind.returncode != 0 or kind.stdout.strip() != b"tree":
        raise ContentError(f"{ref} has no folder {sub}/: expected the handbook data there "
                           f"(is --data the folder the edition was tagged with?)")
    listing = _git(repo, "ls-tree", "-r", "-z", tree)
    if listing.returncode != 0:
        raise ContentError(f"cannot list {sub}/ at {ref}: {_stderr(listing)}")
    entries: list[tuple[str, str, PurePosixPath]] = []
    for record in listing.stdout.split(b"\0"):
        if not record:
            continue
        head, _, name = record.partition(b"\t")
        mode, otype, oid = head.decode("ascii").split(" ")
        path = PurePosixPath(name.decode("utf-8", "surrogateescape"))
        if otype != "blob" or mode not in _MODES:
            continue  # submodules and other non-files have no content to export
        if path.is_absolute() or ".." in path.parts:
            raise ContentError(f"{ref}: unsafe path {path} in {sub}/")
        entries.append((mode, oid, path))
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    if any(dest.iterdir()):
        raise UsageError(f"{dest} is not empty: expected a new folder to export {ref} into")
    blobs = _git(repo, "cat-file", "--batch", stdin="".join(f"{oid}\n" for _, oid, _ in
                                                             entries).encode("ascii"))
    if blobs.returncode != 0:
        raise ContentError(f"cannot read {sub}/ at {ref}: {_stderr(blobs)}")
    data, pos = blobs.stdout, 0
    links: set[PurePosixPath] = set()
    for mode, oid, path in entries:
        end = data.index(b"\n", pos)
        header = data[pos:end].split(b" ")
        if len(header) != 3:
            raise ContentError(f"cannot read {sub}/{path} at {ref}: git object {oid} is missing")
        size = int(header[2])
        content = data[end + 1:end + 1 + size]
        pos = end + 1 + size + 1
        if links.intersection(path.parents):  # a crafted tree: a file "below" a link
            raise ContentError(f"{ref}: unsafe path {path} in {sub}/: expected no file inside "
                               "a symbolic link")
        _write_entry(dest.joinpath(*path.parts), mode, content, f"{ref}: {sub}/{path}")
        if mode == "120000":
            links.add(path)
    return dest


def _write_entry(target: Path, mode: str, content: bytes, where: str) -> None:
    """Create one exported file or symbolic link; never write through a link or over a file.

    Links are written as links: whoever reads the folder refuses them (see safefs).
    """
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        if mode == "120000":
            target.symlink_to(content.decode("utf-8", "surrogateescape"))
            return
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC,
                     0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
            os.fchmod(handle.fileno(), _MODES[mode])
    except OSError as exc:  # a crafted tree: the same path twice, a file where a folder is
        raise ContentError(f"{where}: cannot export it: {exc.strerror}") from None


def _version_key(name: str) -> tuple[tuple[int, int, str], ...]:
    """Natural order: digit runs compare as numbers, so 2026.2 < 2026.10 < 2027.1."""
    return tuple((0, int(run), "") if run.isdigit() else (1, 0, run)
                 for run in re.findall(r"\d+|\D+", name))


def list_tags(repo: Path, pattern: str = "handbook-*") -> list[tuple[str, str]]:
    """(tag, commit) of the tags matching a glob that name commits, oldest edition first."""
    fmt = "%(refname:strip=2)%00%(objecttype)%00%(objectname)%00%(*objecttype)%00%(*objectname)"
    result = _git(repo, "for-each-ref", f"--format={fmt}", f"refs/tags/{pattern}")
    if result.returncode != 0:
        raise UsageError(f"cannot list tags of {repo}: {_stderr(result)}")
    tags = []
    for line in result.stdout.decode("utf-8").splitlines():
        name, otype, oid, peeled_type, peeled = line.split("\0")
        if otype == "commit":
            tags.append((name, oid))
        elif otype == "tag" and peeled_type == "commit":
            tags.append((name, peeled))
    return sorted(tags, key=lambda tag: (_version_key(tag[0]), tag[0]))


def is_data_folder(spec: str | Path) -> bool:
    """Whether spec names an existing folder with a handbook.yaml."""
    return (Path(spec) / "handbook.yaml").is_file()


def resolve_source(spec: str, repo: Path, data_subdir: str, tmp: Path) -> Path:
    """A data folder for spec: the folder itself, or data_subdir exported from git ref spec."""
    if is_data_folder(spec):
        return Path(spec)
    if spec.startswith("-") or _git(repo, "rev-parse", "--verify", "--quiet",
                                    f"{spec}^{{commit}}").returncode != 0:
        raise UsageError(f"{spec!r} is neither a data folder (a folder with handbook.yaml) nor "
                         f"a git ref of {repo}: expected a folder like data or a tag like "
                         "handbook-2026.1")
    safe = re.sub(r"[^A-Za-z0-9._-]+", "_", spec)[:60] or "ref"
    folder = Path(tempfile.mkdtemp(prefix=f"{safe}-", dir=tmp))
    name = PurePosixPath(data_subdir).name or "data"
    return export_ref(repo, spec, data_subdir, folder / name)
