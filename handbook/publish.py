"""Built trees -> a new release folder -> the published site, switched in one atomic step.

``<out>`` is a symbolic link to ``<work>/releases/<id>/``. A build copies the previous
release (hard links, so it is cheap), replaces only the trees it built, writes
``versions.json`` and the redirects, then points ``<out>`` at the new release with
``os.replace``. Readers see the old site or the new one, never a half-written one; a failed
or killed build leaves the old release untouched.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .csp import csp_meta
from .errors import UsageError
from .log import logger
from .paths import Paths
from .workarea import is_release, link_target

KEEP_RELEASES = 3
_SKIP = {".buildinfo", ".buildinfo.bak", ".doctrees"}


@dataclass(frozen=True)
class Tree:
    """One built language of one version, ready to publish."""

    version: str
    lang: str
    html: Path | None
    pdf: Path | None
    listed: bool
    """False for a language below its release gate: published for preview, not linked."""


def current_release(paths: Paths) -> Path | None:
    """The release folder the published site points at now, if any: only ever one of our own
    releases, since its files are hard-linked into the next one."""
    target = link_target(paths)
    if target is None or not is_release(paths, target) or not target.is_dir():
        return None
    return target.resolve()


def read_versions(release: Path | None) -> list[dict[str, Any]]:
    if release is None or not (release / "versions.json").is_file():
        return []
    data = json.loads((release / "versions.json").read_text(encoding="utf-8"))
    return list(data.get("versions", []))


def _link_tree(src: Path, dst: Path) -> None:
    """Copy a published tree with hard links (files are never modified in place)."""
    for root, dirs, files in os.walk(src):
        rel = Path(root).relative_to(src)
        (dst / rel).mkdir(parents=True, exist_ok=True)
        dirs.sort()
        for name in sorted(files):
            try:
                os.link(Path(root) / name, dst / rel / name)
            except OSError:
                shutil.copy2(Path(root) / name, dst / rel / name)


def _copy_tree(src: Path, dst: Path) -> None:
    """Copy a build output (a real copy: Sphinx rewrites its files in place next time)."""
    # not shutil.copytree: it turns every error (a full disk) into one shutil.Error of text
    for root, dirs, files in os.walk(src):
        dirs[:] = sorted(d for d in dirs if d not in _SKIP)
        rel = Path(root).relative_to(src)
        (dst / rel).mkdir(parents=True, exist_ok=True)
        for name in sorted(files):
            if name not in _SKIP:
                shutil.copy2(Path(root) / name, dst / rel / name)


def publish(paths: Paths, trees: list[Tree], versions_meta: dict[str, dict[str, Any]],
            default_lang: str, keep: int = KEEP_RELEASES,
            files: dict[str, str | bytes] | None = None) -> Path:
    """Make a new release from the previous one plus trees, and switch <out> to it."""
    if paths.out.exists() and not paths.out.is_symlink():
        if any(paths.out.iterdir()):
            raise UsageError(f"{paths.out} is a folder that this tool did not publish; move it "
                             "away or choose another --out")
        paths.out.rmdir()
    paths.releases.mkdir(parents=True, exist_ok=True)
    previous = current_release(paths)
    staging = paths.releases / f".staging-{os.getpid()}-{time.monotonic_ns()}"
    try:
        if previous is not None:
            _link_tree(previous, staging)
        else:
            staging.mkdir(parents=True)
        for tree in trees:
            target = staging / tree.version / tree.lang
            if tree.html is not None:  # a new site; the PDFs stay unless rebuilt too
                kept = target / "pdf"
                for child in (target.iterdir() if target.is_dir() else []):
                    if child != kept or tree.pdf is not None or not tree.listed:
                        shutil.rmtree(child) if child.is_dir() else child.unlink()
                _copy_tree(tree.html, target)
            if tree.pdf is not None:
                shutil.rmtree(target / "pdf", ignore_errors=True)
                if tree.listed:
                    _copy_tree(tree.pdf, target / "pdf")
        versions = _merge_versions(read_versions(previous), trees, versions_meta)
        _write_index(staging, versions, default_lang)
        for rel, text in (files or {}).items():  # a group build's layer indexes and sites page
            (staging / rel).parent.mkdir(parents=True, exist_ok=True)
            _write_new(staging / rel, text)
        # the caller holds the output's build lock (workarea.build_lock), so no other build
        # picks the same release name
        release = paths.releases / _release_name(paths)
        staging.rename(release)
    except BaseException:  # a failed build leaves no staging folder (a killed one: _prune)
        shutil.rmtree(staging, ignore_errors=True)
        raise
    link = paths.out.parent / f".{paths.out.name}.link-{os.getpid()}"
    link.unlink(missing_ok=True)
    os.symlink(os.path.relpath(release, paths.out.parent), link)
    os.replace(link, paths.out)
    logger.info("published %s -> %s", paths.out, release.name)
    _prune(paths, release, keep)
    return release


def _release_name(paths: Paths) -> str:
    existing = [p.name for p in paths.releases.iterdir() if p.name.startswith("r")]
    numbers = [int(n[1:7]) for n in existing if n[1:7].isdigit()]
    return f"r{(max(numbers) + 1) if numbers else 1:06d}"


def _merge_versions(old: list[dict[str, Any]], trees: list[Tree],
                    meta: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    by_name = {v["name"]: v for v in old}
    for tree in trees:
        if "/" in tree.version:  # a layer's tree (<layer path>/<version>): its own index
            continue
        entry = by_name.setdefault(tree.version, {"name": tree.version, "languages": [],
                                                  "preview": []})
        entry.update({k: v for k, v in meta.get(tree.version, {}).items()})
        listed = set(entry.get("languages", []))
        preview = set(entry.get("preview", []))
        (listed if tree.listed else preview).add(tree.lang)
        (preview if tree.listed else listed).discard(tree.lang)
        entry["languages"] = sorted(listed)
        entry["preview"] = sorted(preview)
    versions = sorted(by_name.values(), key=lambda v: _version_key(v["name"]), reverse=True)
    for i, entry in enumerate(versions):
        entry["latest"] = i == 0
    return versions


def _version_key(name: str) -> tuple[int, ...]:
    return tuple(int(p) if p.isdigit() else 0 for p in name.split("."))


def _write_new(path: Path, content: str | bytes) -> None:
    """Write a file of the new release, never through a hard link into the live one."""
    path.unlink(missing_ok=True)
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)


def _write_index(release: Path, versions: list[dict[str, Any]], default_lang: str) -> None:
    _write_new(release / "versions.json",
               json.dumps({"versions": versions}, ensure_ascii=False, indent=2) + "\n")
    if not versions:
        return
    latest = versions[0]
    lang = default_lang if default_lang in latest["languages"] else \
        (latest["languages"] or latest.get("preview") or [default_lang])[0]
    target = f"{latest['name']}/{lang}/index.html"
    _write_new(release / "index.html", redirect_page(target))
    latest_link = release / "latest"
    if latest_link.is_symlink() or latest_link.exists():
        latest_link.unlink()
    os.symlink(latest["name"], latest_link)


def redirect_page(target: str) -> str:
    """A page that sends the reader on to target (relative), carrying the site's CSP."""
    return (
        f"<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">{csp_meta()}"
        f"<meta http-equiv=\"refresh\" content=\"0; url={target}\">"
        f"<link rel=\"canonical\" href=\"{target}\"><title>Handbook</title></head>"
        f"<body><p><a href=\"{target}\">{target}</a></p></body></html>\n"
    )


def _prune(paths: Paths, current: Path, keep: int) -> None:
    releases = sorted(p for p in paths.releases.iterdir() if p.name.startswith("r"))
    for old in releases[:-keep]:
        if old != current:
            shutil.rmtree(old, ignore_errors=True)
    for stale in paths.releases.glob(".staging-*"):
        # a staging folder of a killed build; a running build's is younger than a minute
        if time.time() - stale.stat().st_mtime > 60:
            shutil.rmtree(stale, ignore_errors=True)
    for stale in paths.out.parent.glob(f".{paths.out.name}.link-*"):
        # the new link of a build killed just before its switch
        if stale.is_symlink() and time.time() - stale.lstat().st_mtime > 60:
            stale.unlink(missing_ok=True)
