"""Command line -> one of the build stages; HandbookError -> exit 1, usage error -> exit 2."""

from __future__ import annotations

import argparse
import errno
import gc
import math
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import NoReturn

from . import __version__
from .errors import HandbookError, Report, UsageError
from .log import counter, logger, setup
from .paths import DEFAULT_DATA, DEFAULT_OUT, Paths

BENCH_GROUPS = ("full", "rebuild", "serve", "parallel", "pdf", "packs", "scaled", "layers")
"""handbook.bench.GROUPS, named here so that parsing the command line imports no bench."""
COMMANDS = ("all", "validate", "html", "pdf", "i18n", "diff", "serve", "bench", "schema",
            "init")


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data", type=Path, default=None, metavar="DIR",
                        help="handbook data folder (default: data, with every layer under it)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, metavar="DIR",
                        help="published site folder (default: _build/site)")
    parser.add_argument("-l", "--language", action="append", dest="languages", metavar="LANG",
                        help="build only this language (repeatable), e.g. -l zh_CN -l en")
    parser.add_argument("-v", "--verbose", action="count", default=0, help="more output")
    parser.add_argument("-q", "--quiet", action="store_true", help="only warnings and errors")
    parser.add_argument("--strict", action="store_true", help="treat warnings as errors")
    parser.add_argument("-j", "--jobs", type=int, default=0, metavar="N",
                        help="languages built at once (default: one per core)")


def _wait_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--wait", action="store_true",
                        help="when another build is writing to --out, wait for it instead of "
                             "stopping with exit code 2")


def _port(text: str) -> int:
    """A TCP port for serve: 0 (any free port) to 65535."""
    if not text.isdigit() or int(text) > 65535:
        raise argparse.ArgumentTypeError(f"expected a port number from 0 to 65535 (0: any free "
                                         f"port), got {text!r}")
    return int(text)


def _pdf_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--audience", action="append", metavar="ID",
                        help="onboarding manual only for this audience (repeatable)")
    parser.add_argument("--paper", choices=("A4", "A5", "Letter"), default=None,
                        help="paper size (default: the VI grid's, else A4)")
    parser.add_argument("--bleed", type=_bleed, default=0.0, metavar="MM",
                        help="bleed in millimetres (default 0)")
    parser.add_argument("--print", action="store_true", dest="print_shop",
                        help="print-shop variant: PDF/X-4, colours in CMYK from the VI data, "
                             "crop marks with --bleed (default: screen, RGB)")
    parser.add_argument("--duplex", action="store_true",
                        help="for double-sided printing: chapters open on right-hand pages")


def _bleed(text: str) -> float:
    """--bleed: a finite number of millimetres from 0 to 20 (argparse exits 2 otherwise)."""
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and 0 <= value <= 20):
        raise argparse.ArgumentTypeError(f"expected a number of millimetres from 0 to 20, "
                                         f"got {text!r}")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="handbook",
        description="Build a service-standards and corporate-identity handbook from YAML.",
    )
    parser.add_argument("--version", action="version", version=f"handbook {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("all", help="validate, build HTML and PDF for every language (default)")
    _common(p)
    _pdf_options(p)
    p.add_argument("--versions", action="store_true",
                   help="also rebuild every tagged edition from git history")
    p.add_argument("--tag-pattern", default="handbook-*", metavar="GLOB",
                   help="git tags naming editions (default: handbook-*)")
    p.add_argument("--no-pdf", action="store_true", help="skip the PDF stage")
    _wait_option(p)

    p = sub.add_parser("validate", help="check the data folder and report every problem")
    _common(p)

    p = sub.add_parser("html", help="build the intranet site")
    _common(p)
    _wait_option(p)

    p = sub.add_parser("pdf", help="build the printable handbook and onboarding manuals")
    _common(p)
    _pdf_options(p)
    _wait_option(p)
    p.add_argument("--roster", type=Path, default=None, metavar="CSV",
                   help="one personalised onboarding pack per hire of this UTF-8 CSV "
                        "(name, employee_id, audience[, department, start_date, supervisor, "
                        "language]) into --out (default: _build/packs), not the site")
    p.set_defaults(out=None)

    p = sub.add_parser("i18n", help="translation catalogs: extract, update, stats, add, "
                                    "check, terms")
    _common(p)
    p.add_argument("action", choices=("extract", "update", "stats", "add", "check", "terms"))
    p.add_argument("lang", nargs="?", help="language for 'add' (e.g. ja or zh_TW)")
    p.add_argument("--check", type=int, default=None, metavar="PERCENT",
                   help="stats: exit 1 when a language is below PERCENT translated")
    p.add_argument("--format", choices=("tbx", "csv"), default="tbx",
                   help="terms: the term base as TBX (default) or CSV")

    p = sub.add_parser("diff", help="what changed between two editions, rule by rule")
    _common(p)
    p.add_argument("old", nargs="?", default=None,
                   help="git ref or data folder of the older edition (none: a layer --data "
                        "against the layer below it)")
    p.add_argument("new", nargs="?", default=None,
                   help="git ref or data folder of the newer edition (default: --data)")
    p.add_argument("--format", choices=("text", "json"), default="text")

    p = sub.add_parser("serve", help="serve the site and rebuild when data or themes change")
    _common(p)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=_port, default=8000)

    p = sub.add_parser("bench", help="time the build stages and print a table")
    _common(p)
    p.add_argument("--runs", type=int, default=None, metavar="N",
                   help="repeat each measurement N times and take the median (default: 5 "
                        "pairs for each ratio of two builds, 1 run of the PDF and ×10 builds)")
    p.add_argument("--skip-scaled", action="store_true", help="skip the ×10 handbook")
    p.add_argument("--only", action="append", choices=BENCH_GROUPS, default=None,
                   metavar="GROUP", help="measure only these groups of rows (repeatable): "
                   + ", ".join(BENCH_GROUPS))

    p = sub.add_parser("schema", help="print or write the JSON Schema of the data files")
    _common(p)
    p.add_argument("--kind", choices=("handbook", "section"), default="section")
    p.add_argument("--write", type=Path, default=None, metavar="DIR",
                   help="write handbook.schema.json and section.schema.json into DIR")

    p = sub.add_parser("init", help="start a new handbook in an empty folder")
    p.add_argument("-v", "--verbose", action="count", default=0, help="more output")
    p.add_argument("-q", "--quiet", action="store_true", help="only warnings and errors")
    p.set_defaults(data=DEFAULT_DATA, strict=False)
    p.add_argument("folder", type=Path, help="the new handbook's folder (new or empty)")
    p.add_argument("--language", dest="source_language", default="en", metavar="LANG",
                   help="language the handbook is written in: en (default), zh_CN, zh_TW, "
                        "or any code (the sample text is then English)")
    return parser


def _cmd_init(args: argparse.Namespace) -> int:
    from .scaffold import init

    written = init(args.folder, args.source_language)
    logger.info("wrote %d files into %s; build it with: handbook --data %s", len(written),
                args.folder, args.folder)
    return 0


def _cmd_validate(args: argparse.Namespace) -> int:
    from .i18n import domains, load_catalog
    from .validate import load_handbook

    handbook, report = load_handbook(args.data, strict=args.strict)
    catalogs = Report()  # the translations too: what a build would refuse, validate names
    for lang in handbook.meta.languages:
        load_catalog(Paths(args.data, args.out), lang, domains(handbook), catalogs)
    catalogs.raise_if_errors("reading translations", strict=args.strict)
    report.problems += catalogs.problems
    for problem in report.problems:
        logger.warning("%s", problem)
    rules = sum(len(g.rules) for s in handbook.sections for g in s.groups)
    phrases = sum(len(g.phrases) for s in handbook.sections for g in s.phrase_groups)
    logger.info("validated %s: %d sections, %d rules, %d phrases, %d warnings",
                args.data, len(handbook.sections), rules, phrases, len(report.warnings))
    return 0


def _cmd_schema(args: argparse.Namespace) -> int:
    from .schema import dump, json_schema, write_schemas

    if args.write:
        for path in write_schemas(args.write):
            logger.info("wrote %s", path)
    else:
        sys.stdout.write(dump(json_schema(args.kind)))
    return 0


def _cmd_build(args: argparse.Namespace) -> int:
    from .pipeline import build
    from .project import BuildOptions

    roster = getattr(args, "roster", None)
    options = BuildOptions(
        paths=Paths(args.data, DEFAULT_OUT if roster or args.out is None else args.out),
        languages=args.languages,
        html=args.command in ("all", "html"),
        pdf=args.command == "pdf" or (args.command == "all" and not args.no_pdf),
        strict=args.strict,
        audiences=getattr(args, "audience", None),
        paper=getattr(args, "paper", None),
        bleed=getattr(args, "bleed", 0.0),
        duplex=getattr(args, "duplex", False),
        print_shop=getattr(args, "print_shop", False),
        all_versions=getattr(args, "versions", False),
        tag_pattern=getattr(args, "tag_pattern", "handbook-*"),
        jobs=args.jobs,
        wait=args.wait,
    )
    if roster is not None:
        from .packs import DEFAULT_PACKS, run_roster

        return run_roster(options, roster, args.out or DEFAULT_PACKS)
    if args.group and not options.all_versions:
        from .group import build_group, is_group

        if is_group(args.data):
            build_group(options)
            return 0
    build(options)
    return 0


def _cmd_i18n(args: argparse.Namespace) -> int:
    if args.action in ("check", "terms"):
        from .termbase import run_command as run_terms

        return run_terms(args.action, Paths(args.data, args.out), args.languages, args.format)
    from .catalogs import run_command

    return run_command(args.action, Paths(args.data, args.out), args.lang, args.languages,
                       args.check)


def _cmd_diff(args: argparse.Namespace) -> int:
    from .diffout import run_command

    if args.old is None:
        from .layerbuild import run_diff

        return run_diff(args.data, args.format)

    return run_command(args.old, args.new, args.data, args.format)


def _cmd_serve(args: argparse.Namespace) -> int:
    from .serve import serve

    return serve(Paths(args.data, args.out), args.languages, args.host, args.port)


def _cmd_bench(args: argparse.Namespace) -> int:
    from .bench import run_bench

    return run_bench(Paths(args.data, args.out), args.runs, args.skip_scaled, args.only)


HANDLERS: dict[str, Callable[[argparse.Namespace], int]] = {
    "validate": _cmd_validate,
    "schema": _cmd_schema,
    "all": _cmd_build,
    "html": _cmd_build,
    "pdf": _cmd_build,
    "i18n": _cmd_i18n,
    "diff": _cmd_diff,
    "serve": _cmd_serve,
    "bench": _cmd_bench,
    "init": _cmd_init,
}


def run() -> NoReturn:
    """Entry point of ``python build.py``, ``python -m handbook`` and ``handbook``.

    Runs main() and exits. The interpreter's last garbage collections would walk every
    object the finished build left behind (doctrees, the Sphinx environment), a few tenths
    of a second; frozen objects are skipped.
    """
    code = main()
    gc.freeze()
    raise SystemExit(code)


_SYSTEM = {
    errno.ENOSPC: "free some disk space and build again (the published site is unchanged)",
    errno.EDQUOT: "free some of your disk quota and build again (the published site is "
                  "unchanged)",
    errno.EROFS: "expected a writable folder: check --out, HANDBOOK_CACHE and "
                 "XDG_CACHE_HOME",
    errno.EACCES: "expected a folder you may read and write: check the permissions of "
                  "--data, --out, HANDBOOK_CACHE and XDG_CACHE_HOME",
    errno.EPERM: "expected a folder you may read and write: check the permissions of --data, "
                 "--out, HANDBOOK_CACHE and XDG_CACHE_HOME",
}
"""Failures of the machine, not of the tool: the file system is full or not writable."""


def _internal_error(exc: BaseException) -> int:
    with tempfile.NamedTemporaryFile("w", prefix="handbook-crash-", suffix=".txt",
                                     delete=False) as fh:
        traceback.print_exception(exc, file=fh)
    logger.error("internal error: %s: %s (traceback saved to %s; please report it)",
                 type(exc).__name__, exc, fh.name)
    return 1


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the process exit code."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if not any(arg in COMMANDS for arg in argv) and not {"-h", "--help", "--version"} & set(argv):
        argv.insert(0, "all")
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse has printed the usage error
        return int(exc.code or 0)
    args.group = args.data is None  # no --data: data/ and every layer found under it
    if args.data is None:
        args.data = DEFAULT_DATA
    setup(-1 if args.quiet else args.verbose)
    start = time.perf_counter()
    try:
        if args.command != "init" and not args.data.is_dir():
            raise UsageError(f"data folder {args.data} not found: expected a folder with "
                             "handbook.yaml (use --data DIR)")
        code = HANDLERS[args.command](args)
        if args.strict and counter.warnings:
            logger.error("--strict: %d warning%s treated as errors", counter.warnings,
                         "s" if counter.warnings != 1 else "")
            return 1
        return code
    except UsageError as exc:
        logger.error("%s", exc)
        return 2
    except HandbookError as exc:
        for problem in exc.problems:
            logger.error("%s", problem)
        logger.error("%s", exc)
        return 1
    except KeyboardInterrupt:
        logger.error("interrupted")
        return 130
    except OSError as exc:
        if exc.errno not in _SYSTEM:
            return _internal_error(exc)
        logger.error("%s%s: %s", f"{exc.filename}: " if exc.filename else "", exc.strerror,
                     _SYSTEM[exc.errno])
        return 1
    except Exception as exc:  # a bug: keep the traceback for the report, not the screen
        return _internal_error(exc)
    finally:
        logger.debug("finished in %.1f s", time.perf_counter() - start)

