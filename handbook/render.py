"""Validated (translated) model -> Sphinx reST sources through Jinja2 templates.

Escaping lives here. Templates never see raw content: every string they can reach is
already reST-escaped (every ASCII punctuation character backslash-escaped, so no inline
markup, role, directive, target or link can form), and code-made markup such as anchors
is marked :class:`Rst` explicitly. Untrusted text therefore always reaches the page as text.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
from pydantic import BaseModel

from .i18n import Message, TStr
from .model import applies_to

_PUNCT = re.compile(r"([!-/:-@\[-`{-~])")


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
            current.append(_PUNCT.sub(r"\\\1", line))
        elif current:
            paragraphs.append(" ".join(current) if _joinable(current) else "\n".join(current))
            current = []
    if current:
        paragraphs.append(" ".join(current) if _joinable(current) else "\n".join(current))
    out = Rst("\n\n".join(paragraphs))
    if isinstance(text, TStr):
        out.status = text.status
        out.lang = text.lang
    return out


def _joinable(lines: list[str]) -> bool:
    # Lines of one paragraph are joined with a space: with no indentation left, nothing
    # can turn into a definition list or block quote.
    return True


def anchor(item_id: str) -> Rst:
    """Rule ID -> stable ASCII anchor: BI-COM-003 -> bi-com-003."""
    return Rst(item_id.lower())


class View:
    """Read-only, escaped view of a model object for templates."""

    def __init__(self, obj: BaseModel, extra: dict[str, Any] | None = None) -> None:
        self._obj = obj
        self._extra = extra or {}

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        if name in self._extra:
            return self._extra[name]
        value = getattr(self._obj, name)
        return view(value)

    @property
    def raw(self) -> BaseModel:
        """The model object itself, for code (filters, tests); never printed directly."""
        return self._obj


def view(value: Any) -> Any:
    if isinstance(value, BaseModel):
        extra: dict[str, Any] = {}
        item_id = getattr(value, "id", None)
        if isinstance(item_id, str):
            extra["anchor"] = anchor(item_id)
            extra["id"] = rst_escape(item_id)
        audiences = getattr(value, "audiences", None)
        if isinstance(audiences, list):
            extra["audience_ids"] = list(audiences)
            extra["audience_classes"] = Rst(" ".join(f"aud-{a}" for a in audiences))
        return View(value, extra)
    if isinstance(value, list):
        return [view(v) for v in value]
    if isinstance(value, str):
        return rst_escape(value)
    if isinstance(value, (_dt.date, int, float)):
        return rst_escape(str(value))
    return value


@dataclass
class SiteContext:
    """Everything the templates of one language need besides the model."""

    lang: str
    source_lang: str
    labels: Callable[[str], str]
    audience: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def make_env(template_dirs: list[Path]) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(p) for p in template_dirs]),
        undefined=jinja2.StrictUndefined,
        autoescape=False,  # output is reST; every reachable string is pre-escaped (see View)
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["rst"] = rst_escape
    env.filters["anchor"] = anchor
    env.filters["heading"] = _heading
    env.filters["block"] = _block
    return env


def _heading(text: str, char: str = "=") -> Rst:
    """Escaped title -> title with an underline long enough for wide CJK characters."""
    title = str(text).replace("\n", " ")
    width = sum(2 if ord(c) > 0x2E80 else 1 for c in title) + 2
    return Rst(f"{title}\n{char * width}")


def _block(text: str, indent: int) -> Rst:
    """Indent every line of an escaped text for a directive body."""
    pad = " " * indent
    return Rst("\n".join(pad + line if line else "" for line in str(text).splitlines()))


def write_if_changed(path: Path, content: str) -> bool:
    """Write a file only when its content differs, so Sphinx rereads only what changed."""
    data = content.encode("utf-8")
    if path.is_file() and path.read_bytes() == data:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return True


def sync_tree(root: Path, files: dict[str, str], keep: Iterable[str] = ()) -> list[str]:
    """Make root hold exactly files (relative path -> text); return the removed paths."""
    changed = [rel for rel, text in files.items() if write_if_changed(root / rel, text)]
    keep_set = set(keep) | set(files)
    removed = []
    if root.is_dir():
        for path in sorted(root.rglob("*")):
            rel = path.relative_to(root).as_posix()
            if path.is_file() and rel not in keep_set and not rel.startswith("_keep/"):
                path.unlink()
                removed.append(rel)
    del changed
    return removed


def digest(obj: Any) -> str:
    return hashlib.sha256(json.dumps(obj, sort_keys=True, default=str).encode()).hexdigest()


__all__ = [
    "Message", "Rst", "SiteContext", "View", "anchor", "applies_to", "make_env", "rst_escape",
    "sync_tree", "view", "write_if_changed",
]
