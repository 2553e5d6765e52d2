"""Text -> safe reST: escaping, ids and references, and the Jinja environment whose filters
make headings, inline text and indented blocks of already-escaped strings; writing the
generated sources (only what changed, so Sphinx rereads only that).

Every string a template can reach is reST-escaped here (every ASCII punctuation character
backslash-escaped, so no inline markup, role, directive, target or link can form), and
code-made markup such as anchors is marked :class:`Rst` explicitly.
"""

from __future__ import annotations

from pathlib import Path

import jinja2
from docutils.utils import column_width

from .i18n import TStr
from .paths import template_cache

BULLETS = "\u2022\u2023\u2043"
"""The non-ASCII characters docutils starts a bullet list with (•, ‣, ⁃; its Body.patterns
["bullet"]). Every other list, table, directive or inline markup starts with ASCII
punctuation, enumerators included."""

# every ASCII punctuation character and every bullet -> itself backslash-escaped
_ESCAPES = str.maketrans({c: "\\" + c for c in [*map(chr, range(0x21, 0x7F)), *BULLETS]
                          if not c.isalnum()})


class Rst(str):
    """reST that code wrote (or escaped): safe to place in a template as it is."""

    status: str = "ok"
    lang: str = ""


def rst_escape(text: str) -> Rst:
    """Plain text -> reST that renders as exactly that text, whatever it contains."""
    lines = [line.strip() for line in str(text).splitlines()]
    paragraphs: list[str] = []
    current: list[str] = []
    for line in lines:
        if line:
            current.append(line.translate(_ESCAPES))
        elif current:
            paragraphs.append(" ".join(current))  # one line: nothing can indent
            current = []
    if current:
        paragraphs.append(" ".join(current))  # one line: nothing can indent
    # Backslashes alone escape to a run of one punctuation character, which docutils reads
    # as a transition or a title's overline; an escaped space (shown as nothing) breaks it.
    paragraphs = ["\\ " + p if p.strip("\\ ") == "" else p for p in paragraphs]
    out = Rst("\n\n".join(paragraphs))
    if isinstance(text, TStr):
        out.status = text.status
        out.lang = text.lang
    return out


def anchor(item_id: str) -> Rst:
    """Rule ID -> stable ASCII anchor: BI-COM-003 -> bi-com-003."""
    return Rst(item_id.lower())


def bare_id(item_id: str) -> str:
    """A rule ID as written in YAML, whether given plain or already reST-escaped.

    Rule IDs hold only letters, digits and hyphens, so dropping backslashes undoes the
    escaping templates see (``BI\\-COM\\-003``) and never changes a plain ID.
    """
    return str(item_id).replace("\\", "")


def ref_link(item_id: str) -> Rst:
    """A cross-reference to a rule, phrase or case in the same document: a link (in print
    the theme adds the target's page after it)."""
    plain = bare_id(item_id)
    return Rst(f":ref:`{rst_escape(plain)} <{anchor(plain)}>`")


def ref_elsewhere(item_id: str) -> Rst:
    """A reference to an item this document leaves out: its ID, marked as in the handbook."""
    return Rst(f":hb-xref-elsewhere:`{rst_escape(bare_id(item_id))}`")


def make_env(template_dirs: list[Path]) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(p) for p in template_dirs]),
        undefined=jinja2.StrictUndefined,
        autoescape=False,  # output is reST; every reachable string is pre-escaped (see View)
        keep_trailing_newline=True,
        trim_blocks=False,
        lstrip_blocks=True,
        bytecode_cache=template_cache(),
    )
    env.filters["heading"] = heading
    env.filters["inline"] = inline
    env.filters["block"] = block
    return env


def inline(text: str) -> Rst:
    """A text on one line (paragraph breaks become spaces), keeping its translation state."""
    out = Rst(" ".join(str(text).split()))
    out.status = getattr(text, "status", "ok")
    out.lang = getattr(text, "lang", "")
    return out


def heading(text: str, char: str = "=") -> Rst:
    """Escaped title -> title with an underline as long as docutils measures the title."""
    title = " ".join(str(text).split())
    width = column_width(title) + 2  # docutils' own measure: wide, emoji, combining
    return Rst(f"{title}\n{char * width}")


def block(text: str, indent: int) -> Rst:
    """Indent every line of an escaped text for a directive body."""
    pad = " " * indent
    return Rst("\n".join(pad + line if line else "" for line in str(text).splitlines()))


def write_if_changed(path: Path, content: str | bytes) -> bool:
    """Write a file only when its content differs, so Sphinx rereads only what changed."""
    data = content.encode("utf-8") if isinstance(content, str) else content
    if path.is_file() and path.read_bytes() == data:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return True


def sync_tree(root: Path, files: dict[str, str | bytes]) -> tuple[list[str], list[str]]:
    """Make root hold exactly files (relative path -> content); return (changed, removed)."""
    changed = [rel for rel, content in files.items() if write_if_changed(root / rel, content)]
    removed = []
    if root.is_dir():
        for path in sorted(root.rglob("*"), reverse=True):
            rel = path.relative_to(root).as_posix()
            if path.is_file() and rel not in files:
                path.unlink()
                removed.append(rel)
            elif path.is_dir() and not any(path.iterdir()):
                path.rmdir()
    return changed, removed
