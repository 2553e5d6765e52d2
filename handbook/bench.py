"""The sample handbook -> a table of build timings and memory, each measured in this run.

Every figure times a whole process (``python -m handbook …`` or ``sphinx-build``) with
``os.wait4``, so start-up and imports count as users feel them, and peak memory is the
operating system's own figure for that process and its children.
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .log import logger
from .paths import Paths

PAIRED_RUNS = 5
"""Pairs behind each ratio of two builds (ours and sphinx-build, rebuild and full build,
parallel and sequential): run one after the other, each pair gives a ratio and the table
shows their median, so a machine that speeds up or slows down moves neither side alone."""


@dataclass
class Run:
    seconds: float
    peak_mib: float


def _environ() -> dict[str, str]:
    """The environment of every timed process: this one's, with Python's cache of compiled
    modules on. Python keeps it by default; with PYTHONDONTWRITEBYTECODE set (as on some
    build machines) every process would compile the handbook package again (about 0.06 s),
    which no default installation pays. sphinx-build runs with the same environment."""
    return {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def _run(args: list[str], cwd: Path | None = None) -> Run:
    start = time.perf_counter()
    proc = subprocess.Popen(args, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            env=_environ())
    assert proc.stderr is not None
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed ({proc.returncode}):\n"
                           f"{err.decode(errors='replace')[-2000:]}")
    return Run(seconds, usage.ru_maxrss / 1024)


def _median(runs: list[Run]) -> Run:
    return Run(statistics.median(r.seconds for r in runs),
               statistics.median(r.peak_mib for r in runs))


def _ratio(a: list[Run], b: list[Run]) -> float:
    """The median of the ratios of the pairs a[i] / b[i] (see PAIRED_RUNS)."""
    return statistics.median(x.seconds / y.seconds for x, y in zip(a, b, strict=True))


def _handbook(*args: str) -> list[str]:
    return [sys.executable, "-m", "handbook", *args, "-q"]


def _fresh(work: Path, name: str) -> Path:
    target = work / name
    shutil.rmtree(target, ignore_errors=True)
    shutil.rmtree(target.parent / f".{target.name}-work", ignore_errors=True)
    return target


def _edit_one_rule(data: Path) -> None:
    """Prefix the first rule text of the largest chapter with a revision mark.

    The largest chapter is the worst case: its whole page is read and written again.
    """
    for path in sorted((data / "sections").glob("*.yaml"), key=lambda p: -p.stat().st_size):
        text = path.read_text(encoding="utf-8")
        new, count = re.subn(r"(\n        text: )", r"\1（修订）", text, count=1)
        if count:
            path.write_text(new, encoding="utf-8")
            return
    raise RuntimeError(f"no rule text to edit in {data / 'sections'}")


def scale_handbook(source: Path, target: Path, factor: int) -> Path:
    """A copy of source with every rule and phrase repeated factor times under new IDs."""
    import yaml

    shutil.copytree(source, target, ignore=shutil.ignore_patterns("layers"))
    # source language only: no catalogs, and no term base naming the dropped languages
    shutil.rmtree(target / "locales", ignore_errors=True)
    (target / "glossary.yaml").unlink(missing_ok=True)
    for path in sorted((target / "sections").glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for key, items in (("groups", "rules"), ("phrase_groups", "phrases")):
            for group in data.get(key, []):
                originals = group[items]
                grown = []
                for n in range(factor):
                    for i, item in enumerate(originals):
                        copy = json.loads(json.dumps(item, default=str))  # no aliases
                        prefix = item["id"].rsplit("-", 1)[0]
                        copy["id"] = f"{prefix}-{n * len(originals) + i + 1:03d}"
                        copy.pop("see_also", None)
                        grown.append(copy)
                group[items] = grown
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False),
                        encoding="utf-8")
    meta_path = target / "handbook.yaml"
    meta = yaml.safe_load(meta_path.read_text(encoding="utf-8"))
    meta["languages"] = []
    meta["release"]["required_sections"] = []
    for key in ("effective",):
        meta[key] = str(meta[key])
    meta_path.write_text(yaml.safe_dump(meta, allow_unicode=True, sort_keys=False),
                         encoding="utf-8")
    return target


def _serve_pair(data: Path, out: Path, languages: list[str]) -> tuple[float, float]:
    """Seconds of serve's first build and of its rebuild after a one-rule edit, timed in a
    new process by serve_pair."""
    proc = subprocess.run(
        [sys.executable, "-c", "import sys; from handbook.bench import serve_pair; "
         "serve_pair(*sys.argv[1:])", str(data), str(out), *languages],
        capture_output=True, text=True, env=_environ())
    if proc.returncode != 0:
        raise RuntimeError(f"serve rebuild of {data} failed ({proc.returncode}):\n"
                           f"{proc.stderr[-2000:]}")
    times = json.loads(proc.stdout.splitlines()[-1])
    return times["full"], times["rebuild"]


def serve_pair(data: str, out: str, *languages: str) -> None:
    """What serve does: build, then build again in the same process after an edit (here one
    rule, made as soon as the first build is published). Prints both times as JSON."""
    from .pipeline import build
    from .serve import serve_options

    logging.getLogger("handbook").setLevel(logging.WARNING)
    options = serve_options(Paths(Path(data), Path(out)), list(languages) or None)
    start = time.perf_counter()
    build(options)
    full = time.perf_counter() - start
    _edit_one_rule(Path(data))
    start = time.perf_counter()
    build(options)
    rebuild = time.perf_counter() - start
    print(json.dumps({"full": full, "rebuild": rebuild}))  # noqa: T201 - read by _serve_pair


def _search_index(site: Path, lang: str, cold: bool) -> tuple[float, int, int]:
    """Seconds, results and bytes of the search index of a built language, made again in a
    new process (imports excluded: a build has loaded jieba and OpenCC already); cold: with
    no text cut before."""
    proc = subprocess.run(
        [sys.executable, "-c", "import sys; from handbook.bench import time_search_index; "
         "time_search_index(*sys.argv[1:])", str(site), lang, "cold" if cold else "kept"],
        capture_output=True, text=True, env=_environ())
    if proc.returncode != 0:
        raise RuntimeError(f"search index of {site} failed ({proc.returncode}):\n"
                           f"{proc.stderr[-2000:]}")
    found = json.loads(proc.stdout.splitlines()[-1])
    return found["seconds"], found["units"], found["size"]


def time_search_index(site: str, lang: str, mode: str = "cold") -> None:
    """Build the search index of a built site as a build does after Sphinx; print the time.

    "cold": no text cut before (the user's kept cuts and word costs are hidden from it; only
    the shards of jieba's dictionary stay, as jieba's own dictionary cache would); "kept":
    with the texts and word costs earlier builds of this user kept."""
    import tempfile

    import jieba  # noqa: F401 - loaded by every Chinese build before the index
    import opencc  # noqa: F401

    from . import segment
    from .search import build_index

    with tempfile.TemporaryDirectory() as empty:
        if mode == "cold":
            segment.Segmenter.memo_file = property(  # type: ignore[method-assign,assignment]
                lambda self: Path(empty) / "cuts")
            segment.Segmenter.costs_file = property(  # type: ignore[method-assign,assignment]
                lambda self: Path(empty) / "costs")
        start = time.perf_counter()
        stats = build_index(Path(site), lang, {})
        seconds = time.perf_counter() - start
    print(json.dumps({"seconds": seconds, "units": stats.units,  # noqa: T201 - read above
                      "size": stats.size}))


def _pdf_pages(folder: Path) -> int:
    from pypdf import PdfReader

    return sum(len(PdfReader(str(p)).pages) for p in sorted(folder.glob("*.pdf")))


def _write_roster(path: Path, audiences: list[str], count: int) -> Path:
    """A roster of count made-up hires, spread over the audiences."""
    lines = ["name,employee_id,audience,department,start_date,supervisor"]
    lines += [f"张{i:04d},E{10000 + i},{audiences[i % len(audiences)]},营业厅,2026-03-02,李娜"
              for i in range(count)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _packs_row(data: Path, work: Path, meta: dict[str, Any], source: str, runs: int
               ) -> tuple[str, str, str, str]:
    """Stamping onboarding packs once the role manuals exist: the time a roster of 220
    hires takes more than one of 20 (both in new processes, manuals built before), so
    the start-up, validation and the manuals' up-to-date check cancel out."""
    audiences = [a["id"] for a in meta["audiences"]]
    small = _write_roster(work / "hires-20.csv", audiences, 20)
    large = _write_roster(work / "hires-220.csv", audiences, 220)
    args = ["pdf", "--data", str(data), "--out", str(work / "packs")]
    _run(_handbook(*args, "--roster", str(small)), cwd=work)  # lays out the role manuals
    few, many = [], []
    for _ in range(runs):
        few.append(_run(_handbook(*args, "--roster", str(small)), cwd=work))
        many.append(_run(_handbook(*args, "--roster", str(large)), cwd=work))
    extra = _median(many).seconds - _median(few).seconds
    return (f"Onboarding packs {source}: 200 more hires", f"{extra:.2f} s",
            f"{200 / extra:.1f} packs/s (target ≥ 20)",
            f"fixed {_median(few).seconds:.2f} s per roster (20 hires)")


GROUPS = ("full", "rebuild", "serve", "parallel", "pdf", "packs", "scaled", "layers")
"""The groups of rows ``bench --only`` chooses from, in the order of the table: full builds
with their search index, one-rule rebuilds, the same in serve, parallel languages, PDF,
onboarding packs, the ×10 handbook and layers."""


def run_bench(paths: Paths, runs: int | None = None, skip_scaled: bool = False,
              only: list[str] | None = None) -> int:
    """Build the handbook in paths.data several ways and print the figures as a table.

    runs repeats every figure (median); by default each ratio of two builds is measured
    PAIRED_RUNS times and the long PDF and ×10 builds once. only names the groups of rows
    to measure (GROUPS; default: all of them).
    """
    chosen = set(only or GROUPS)
    if skip_scaled:
        chosen.discard("scaled")
    pairs = runs or PAIRED_RUNS
    runs = runs or 1
    rows: list[tuple[str, str, str, str]] = []
    data = paths.data.resolve()
    with tempfile.TemporaryDirectory(prefix="handbook-bench-") as tmp_name:
        work = Path(tmp_name)
        import yaml

        meta = yaml.safe_load((data / "handbook.yaml").read_text(encoding="utf-8"))
        langs = [meta["source_language"], *meta.get("languages", [])]
        version = str(meta["version"])
        # Warm the per-user caches (font subsets, compiled templates, the segmentation
        # dictionary) for every build below: a user meets a cold cache once per machine.
        _run(_handbook("html", "--data", str(data), "--out", str(_fresh(work, "warm"))))
        for lang in langs if "full" in chosen else []:
            _run(_handbook("html", "--data", str(data), "--out", str(_fresh(work, "warm")),
                           "-l", lang))
            ours, plain = [], []
            for _ in range(pairs):
                out = _fresh(work, f"full-{lang}")
                ours.append(_run(_handbook("html", "--data", str(data), "--out", str(out),
                                           "-l", lang, "-j", "1")))
                src = Paths(data, out).cache(version, lang) / "src"
                target = work / f"plain-{lang}"
                shutil.rmtree(target, ignore_errors=True)
                plain.append(_run([sys.executable, "-m", "sphinx", "-q", "-b", "html", "-d",
                                   str(target / "doctrees"), str(src), str(target / "html")]))
            rows.append((f"HTML full build {lang}", f"{_median(ours).seconds:.2f} s",
                         f"sphinx-build {_median(plain).seconds:.2f} s",
                         f"{_ratio(ours, plain):.2f}× (target ≤ 1.15)"))
            for cold, label in ((True, "nothing cut before"), (False, "texts cut before")):
                found = [_search_index(out / version / lang, lang, cold) for _ in range(runs)]
                seconds = statistics.median(f[0] for f in found)
                units, size = found[0][1], found[0][2]
                rows.append((f"search index {lang}, {label}", f"{seconds:.2f} s",
                             f"{units} results, {size / 1024:.0f} KiB; of the full build",
                             f"{seconds / _median(ours).seconds:.2f}× (target ≤ 0.15)"))
        source = langs[0]
        copy = work / "edit-data"
        shutil.copytree(data, copy)
        # `python build.py html` after an edit, as an author runs it: every language, then
        # the source language alone. Each edit is timed against a full build just before it.
        variants: list[tuple[str, list[str]]] = [(f"all {len(langs)} languages", []),
                                                 (f"{source} only", ["-l", source])]
        for label, only_lang in variants if "rebuild" in chosen else []:
            full, incr = [], []
            for _ in range(pairs):
                out = _fresh(work, "incremental")
                full.append(_run(_handbook("html", "--data", str(copy), "--out", str(out),
                                           *only_lang)))
                _edit_one_rule(copy)
                incr.append(_run(_handbook("html", "--data", str(copy), "--out", str(out),
                                           *only_lang)))
            rows.append((f"HTML one-rule rebuild, {label}", f"{_median(incr).seconds:.2f} s",
                         f"full {_median(full).seconds:.2f} s",
                         f"{_ratio(incr, full):.2f}× (target ≤ 0.3)"))
        # The same edits under `serve`, which authors preview with: the process stays up,
        # so the rebuild after a save finds Python, Sphinx and jieba loaded. Each pair is a
        # fresh process timing its first (full) build and the rebuild after the edit.
        for label, only_lang in variants if "serve" in chosen else []:
            first, again = [], []
            for _ in range(pairs):
                out = _fresh(work, "serve")
                full_s, rebuild_s = _serve_pair(copy, out, only_lang[1:])
                first.append(Run(full_s, 0.0))
                again.append(Run(rebuild_s, 0.0))
            rows.append((f"HTML one-rule rebuild in serve, {label}",
                         f"{_median(again).seconds:.2f} s",
                         f"its full build {_median(first).seconds:.2f} s",
                         f"{_ratio(again, first):.2f}× (target ≤ 0.3)"))
        seq, par = [], []
        for _ in range(pairs if "parallel" in chosen else 0):
            seq.append(_run(_handbook("html", "--data", str(data), "--out",
                                      str(_fresh(work, "seq")), "-j", "1")))
            par.append(_run(_handbook("html", "--data", str(data), "--out",
                                      str(_fresh(work, "par")))))
        if seq:
            rows.append((f"HTML all {len(langs)} languages, parallel ({os.cpu_count()} cores)",
                         f"{_median(par).seconds:.2f} s",
                         f"sequential {_median(seq).seconds:.2f} s",
                         f"{_ratio(par, seq):.2f}× (target ≤ 0.65)"))
        pdf_runs, pages = [], 0
        for _ in range(runs if "pdf" in chosen else 0):
            out = _fresh(work, "pdf")
            pdf_runs.append(_run(_handbook("pdf", "--data", str(data), "--out", str(out),
                                           "-l", source, "-j", "1")))
            pages = _pdf_pages(out / version / source / "pdf")
        if pdf_runs:
            a = _median(pdf_runs)
            rows.append((f"PDF {source}: {pages} pages (handbook + onboarding)",
                         f"{a.seconds:.2f} s", f"{pages / a.seconds:.1f} pages/s (target ≥ 6)",
                         f"peak {a.peak_mib:.0f} MiB = {a.peak_mib / max(pages, 1):.2f} "
                         "MiB/page (target ≤ 2)"))
        if "packs" in chosen:
            rows.append(_packs_row(data, work, meta, source, runs))
        if "scaled" in chosen:
            big = scale_handbook(data, work / "scaled", 10)
            small_runs, big_runs = [], []
            for _ in range(runs):
                small_runs.append(_run(_handbook("html", "--data", str(data), "--out",
                                                 str(_fresh(work, "x1")), "-l", source)))
                big_runs.append(_run(_handbook("html", "--data", str(big), "--out",
                                               str(_fresh(work, "x10")), "-l", source)))
            rows.append((f"HTML ×10 content {source}", f"{_median(big_runs).seconds:.2f} s",
                         f"×1 {_median(small_runs).seconds:.2f} s",
                         f"{_ratio(big_runs, small_runs):.2f}× time (target ≤ 10×)"))
        from .benchlayers import layer_rows

        if "layers" in chosen:
            rows += layer_rows(data, work, source, pairs, "scaled" in chosen, _run, _handbook,
                               _fresh)
    widths = [max(len(r[i]) for r in rows + [("measure", "time", "compared with", "ratio")])
              for i in range(4)]
    header = ("measure", "time", "compared with", "ratio")
    lines = ["| " + " | ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)) + " |",
             "| " + " | ".join("-" * w for w in widths) + " |"]
    lines += ["| " + " | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) + " |"
              for row in rows]
    print("\n".join(lines))  # noqa: T201 - the table is the command's output
    logger.info("bench: %d pair(s) per ratio of two builds, %d run(s) of the PDF and ×10 "
                "builds; medians", pairs, runs)
    return 0
