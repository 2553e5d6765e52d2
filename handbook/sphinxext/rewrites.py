"""Which pages an incremental build writes again: exactly those whose HTML can have changed.

Sphinx rewrites the pages it read again, plus the pages whose toctree lists one of them.
For the handbook theme that is both too much and too little:

- too little: every page's sidebar lists every page by title, in toctree order, and its
  previous/next links name two more, so a changed page title or order makes every page
  stale. Sphinx rewrites only the parent (sphinx-doc/sphinx#5506), so an incremental build
  differed from a clean one;
- too much: when a rule's text changes but no heading does, the parent's toctree stays the
  same, yet Sphinx writes it again (about 0.1 s of a one-rule rebuild).

So the page titles and toctrees, and the tables of contents of the pages about to be read,
are noted first and compared after reading: a changed title or toctree rewrites every page,
an unchanged table of contents spares the parents.
"""

from __future__ import annotations

from typing import Any

_NOTED = "_handbook_tocs"
_SAVED = "_handbook_files_to_rebuild"


def _outline(env: Any) -> tuple[dict[str, str], dict[str, list[str]]]:
    """What every page's sidebar and previous/next links show: titles and toctree order."""
    return ({docname: title.astext() for docname, title in env.titles.items()},
            {docname: list(children) for docname, children in env.toctree_includes.items()})


def note_tocs(app: Any, env: Any, docnames: list[str]) -> None:
    """env-before-read-docs: remember the outline, and the tocs of the pages to read."""
    tocs = {docname: env.tocs[docname].pformat() for docname in docnames
            if docname in env.tocs}
    setattr(app, _NOTED, (_outline(env), tocs))


def rewrite_on_outline_change(app: Any, env: Any) -> list[str]:
    """env-get-updated: every page when a title, the toctree or the set of pages changed."""
    outline, _ = getattr(app, _NOTED, (None, {}))
    if outline is not None and outline[0] and outline != _outline(env):
        return sorted(env.found_docs)
    return []


def spare_parents(app: Any, builder: Any) -> None:
    """write-started: a page whose table of contents is unchanged does not make its parents
    stale, so they are not written again. Restored after the build; the environment was
    already saved."""
    env = builder.env
    _, tocs = getattr(app, _NOTED, (None, {}))
    unchanged = {docname for docname, toc in tocs.items()
                 if docname in env.tocs and env.tocs[docname].pformat() == toc}
    if not unchanged:
        return
    setattr(app, _SAVED, env.files_to_rebuild)
    env.files_to_rebuild = {docname: parents for docname, parents in env.files_to_rebuild.items()
                            if docname not in unchanged}


def restore(app: Any, exception: BaseException | None) -> None:
    """build-finished: give the environment back its full toctree map."""
    saved = getattr(app, _SAVED, None)
    if saved is not None:
        app.env.files_to_rebuild = saved
        delattr(app, _SAVED)


def setup(app: Any) -> None:
    app.connect("env-before-read-docs", note_tocs)
    app.connect("env-get-updated", rewrite_on_outline_change)
    app.connect("write-started", spare_parents)
    app.connect("build-finished", restore)
