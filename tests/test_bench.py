"""``build.py bench``: every figure of the table measured, and the ×10 handbook it grows."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from handbook.bench import _edit_one_rule, scale_handbook
from handbook.cli import main
from handbook.validate import load_handbook

REPO = Path(__file__).resolve().parent.parent

ROW = re.compile(r"^\| (?P<measure>.+?) +\| (?P<time>[\d.]+ s) +\| (?P<base>.+?) +\| "
                 r"(?P<ratio>.+?) +\|$")


@pytest.mark.slow
def test_bench_prints_every_figure(root, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    data = root("minimal")
    # a bare PATH, without the environment's bin folder: bench must find everything it runs
    # through the Python it was started with
    env = {**os.environ, "PATH": os.pathsep.join(["/usr/bin", "/bin"])}
    done = subprocess.run(
        [sys.executable, "build.py", "bench", "--data", str(data), "--out",
         str(tmp_path / "site"), "--runs", "1", "--skip-scaled"],
        cwd=REPO, capture_output=True, text=True, timeout=600, check=False, env=env)
    assert done.returncode == 0, done.stderr
    rows = [ROW.match(line) for line in done.stdout.splitlines()[2:]]
    assert all(rows), done.stdout
    measures = {m["measure"]: m for m in rows if m}
    assert list(measures) == [
        "HTML full build en",
        "search index en, nothing cut before",
        "search index en, texts cut before",
        "HTML one-rule rebuild, all 1 languages",
        "HTML one-rule rebuild, en only",
        "HTML one-rule rebuild in serve, all 1 languages",
        "HTML one-rule rebuild in serve, en only",
        f"HTML all 1 languages, parallel ({os.cpu_count()} cores)",
        next(k for k in measures if k.startswith("PDF en: ")),
        "Onboarding packs en: 200 more hires",
    ]
    for measure in measures.values():
        assert re.search(r"\d+\.\d\d× \(target ≤ [\d.]+\)|pages/s|packs/s|MiB/page",
                         measure["ratio"] +
                         measure["base"]), measure.group(0)
    pages = int(re.search(r"PDF en: (\d+) pages", done.stdout)[1])  # type: ignore[index]
    assert pages > 5
    assert not (tmp_path / "site").exists()  # every build went to a temporary folder


@pytest.mark.slow
def test_bench_only_measures_the_groups_asked_for(root, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from handbook.bench import GROUPS
    from handbook.cli import BENCH_GROUPS

    assert BENCH_GROUPS == GROUPS
    done = subprocess.run(
        [sys.executable, "build.py", "bench", "--data", str(root("minimal")), "--out",
         str(tmp_path / "site"), "--runs", "1", "--only", "rebuild", "--only", "parallel"],
        cwd=REPO, capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stderr
    rows = [ROW.match(line) for line in done.stdout.splitlines()[2:]]
    assert [m["measure"] for m in rows if m] == [
        "HTML one-rule rebuild, all 1 languages",
        "HTML one-rule rebuild, en only",
        f"HTML all 1 languages, parallel ({os.cpu_count()} cores)",
    ]


def test_the_edit_changes_one_rule_of_the_largest_chapter(root) -> None:  # type: ignore[no-untyped-def]
    data = root("sample")
    before = {p.name: p.read_text(encoding="utf-8") for p in (data / "sections").glob("*.yaml")}
    _edit_one_rule(data)
    after = {p.name: p.read_text(encoding="utf-8") for p in (data / "sections").glob("*.yaml")}
    changed = [name for name in before if before[name] != after[name]]
    assert changed == ["standards.yaml"]
    assert after["standards.yaml"].count("（修订）") == 1
    assert main(["validate", "--data", str(data), "-q"]) == 0


def test_scaled_handbook_is_valid_and_ten_times_larger(root, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    small, _ = load_handbook(REPO / "data")
    big, _ = load_handbook(scale_handbook(REPO / "data", tmp_path / "x10", 10))

    def count(handbook) -> int:  # type: ignore[no-untyped-def]
        return sum(len(g.rules) for s in handbook.sections for g in s.groups)

    assert count(big) == 10 * count(small)
    ids = [r.id for s in big.sections for g in s.groups for r in g.rules]
    assert len(ids) == len(set(ids))
