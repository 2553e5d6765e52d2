"""The built Sphinx project of the layer below -> the starting point of a layer's build.

A layer shares most of its pages with the layer below it. Its first build starts from a copy
of that layer's cache folder (sources, doctrees, Sphinx environment, HTML, search-index
cache), with the Sphinx environment moved to the copy's paths, so Sphinx reads again only
the pages whose generated source differs (rst.sync_tree leaves equal files untouched, and
the copies keep their older modification times). Sphinx refuses an environment whose source
folder moved ("source directory has changed") and would read every page again.
"""

from __future__ import annotations

import os
import pickle
import shutil
from pathlib import Path
from typing import Any

ENVIRONMENT = "environment.pickle"
"""Sphinx's pickled build environment in the doctrees folder (sphinx.application)."""


def seed(below: Path, cache: Path) -> bool:
    """Copy the cache folder of the layer below into a layer's empty one; True if seeded.

    A folder the build below left unfinished, or one that is not there, seeds nothing."""
    from .workarea import DIRTY

    if not below.is_dir() or (below / DIRTY).exists() or cache.exists():
        return False
    shutil.copytree(below, cache, symlinks=True)
    for pickled in sorted(cache.rglob(ENVIRONMENT)):  # the site's, and each print project's
        try:
            relocate(pickled, below, cache)
        except Exception:  # noqa: BLE001 - an unreadable environment: Sphinx starts afresh
            pickled.unlink(missing_ok=True)
    return True


def relocate(pickled: Path, old: Path, new: Path) -> None:
    """Point a copied Sphinx environment at the copy: its source and doctree folders, and
    the dependencies it notes (absolute paths), from under old to under new."""
    if not pickled.is_file():
        return
    env = pickle.loads(pickled.read_bytes())  # our own build's file, in our work folder
    old_s, new_s = os.fspath(old.resolve()), os.fspath(new.resolve())  # as Sphinx keeps them

    def moved(path: Any) -> Path:
        text = os.fspath(path)
        if text == old_s or text.startswith(old_s + os.sep):
            return Path(new_s + text[len(old_s):])
        return Path(text)

    env.srcdir = moved(env.srcdir)
    env.doctreedir = moved(env.doctreedir)
    env.project.srcdir = type(env.project.srcdir)(moved(env.project.srcdir))
    for docname, deps in env.dependencies.items():
        env.dependencies[docname] = {type(dep)(moved(dep)) for dep in deps}
    stat = pickled.stat()
    pickled.write_bytes(pickle.dumps(env, pickle.HIGHEST_PROTOCOL))
    os.utime(pickled, ns=(stat.st_atime_ns, stat.st_mtime_ns))
