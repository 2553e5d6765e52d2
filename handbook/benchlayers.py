"""Bench rows of a group: what each additional layer costs, and 20 generated branch layers."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .layerbuild import find_layers

BRANCHES = 20


def generate_branches(data: Path, count: int) -> int:
    """Add count branch layers beside the sample's first branch, each with its own unit and
    its own stricter queue target; return how many layers data then has."""
    layers = find_layers(data)
    branch = next((p for p in layers if len(p.relative_to(data).parts) >= 3), None)
    if branch is None:
        return len(layers)
    for n in range(1, count + 1):
        target = branch.parent / f"branch-{n:02d}"
        shutil.copytree(branch, target)
        meta = target / "handbook.yaml"
        text = meta.read_text(encoding="utf-8")
        text = text.replace(f"id: {branch.name}", f"id: branch-{n:02d}", 1)
        meta.write_text(text.replace("name: 杭州西湖店", f"name: 第 {n} 分店", 1),
                        encoding="utf-8")
    return len(find_layers(data))


def layer_rows(data: Path, work: Path, source: str, pairs: int, scaled: bool,
               run: Callable[..., Any], handbook: Callable[..., list[str]],
               fresh: Callable[[Path, str], Path]) -> list[tuple[str, str, str, str]]:
    """Rows: the cost of each layer of the sample against a full corporate HTML build (the
    group build without --data, minus the corporate build, per layer), and, unless scaled is
    off, the group build with BRANCHES generated branch layers more. Both with the default
    -j: the layers whose base is built are built at once, one per core."""
    rows: list[tuple[str, str, str, str]] = []
    group = work / "group"
    shutil.copytree(data, group / "data")
    layers = len(find_layers(group / "data"))
    if not layers:
        return rows
    per_layer, corporate = [], []
    for _ in range(pairs):
        alone = run(handbook("html", "--data", "data", "--out", str(fresh(work, "corp")),
                             "-l", source), cwd=group).seconds
        whole = run(handbook("html", "--out", str(fresh(work, "grp")), "-l", source),
                    cwd=group).seconds
        corporate.append(alone)
        per_layer.append((whole - alone) / layers)
    per = sorted(per_layer)[len(per_layer) // 2]
    corp = sorted(corporate)[len(corporate) // 2]
    rows.append((f"HTML each additional layer {source} ({layers} layers)", f"{per:.2f} s",
                 f"full corporate {corp:.2f} s", f"{per / corp:.2f}× (target ≤ 0.6)"))
    if scaled:
        many = work / "group20"
        shutil.copytree(data, many / "data")
        total = generate_branches(many / "data", BRANCHES)
        whole = run(handbook("html", "--out", str(fresh(work, "grp20")), "-l", source),
                    cwd=many).seconds
        rows.append((f"HTML {total} layers ({BRANCHES} generated branches) {source}",
                     f"{whole:.2f} s", f"full corporate {corp:.2f} s",
                     f"{(whole - corp) / total / corp:.2f}× per layer (target ≤ 0.6)"))
    return rows
