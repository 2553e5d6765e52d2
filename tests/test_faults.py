"""Real faults while building: killed builds, two builds at once, a bad --out, full and
read-only disks, an old edition that no longer builds, and serve's own failures.

After any of them the next build equals a clean build byte for byte, or the build stops
with exit 1 or 2 and a message, never with "internal error". HTML only, on the minimal
root, so the whole file runs in about a minute.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sitetools import build, change_everything, edit, snapshot

import handbook.html
from handbook.cli import main

Root = Callable[[str], Path]
REPO = Path(__file__).resolve().parent.parent
VERSION = "2026.1"


def work(out: Path) -> Path:
    return out.parent / f".{out.name}-work"


@pytest.fixture(autouse=True)
def _crash_files_in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))


def run_script(script: str, *args: str, env: dict[str, str] | None = None,
               ) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-c", script, *args], cwd=REPO,
                            env={**os.environ, "PYTHONPATH": str(REPO), **(env or {})},
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


# --- killed builds -------------------------------------------------------------------------

_KILL = """\
import os, signal, sys, types
import sphinx.builders, sphinx.builders.html as shtml
import handbook.html as html, handbook.publish as publish
from handbook.cli import main

def die(*args, **kwargs):
    os.kill(os.getpid(), signal.SIGKILL)

def at_call(owner, name, n):
    real, calls = getattr(owner, name), []
    def wrapper(*args, **kwargs):
        calls.append(1)
        if len(calls) == n:
            die()
        return real(*args, **kwargs)
    setattr(owner, name, wrapper)

point = sys.argv[1]
if point == "sources":           # the Sphinx sources are written, Sphinx has not run
    html.run_sphinx = die
elif point == "pickled":         # the environment is saved, no page is written yet
    sphinx.builders.Builder.write = die
elif point == "writing":         # one page written, the others not
    at_call(shtml.StandaloneHTMLBuilder, "write_doc", 2)
elif point == "first-page":      # while the first page is written
    at_call(shtml.StandaloneHTMLBuilder, "write_doc", 1)
elif point == "search":          # every page written, the search index not
    shtml.StandaloneHTMLBuilder.dump_search_index = die
elif point == "after-sphinx":    # Sphinx finished, the site's search index not built yet
    html.build_search_index = die
elif point == "fonts":           # the web fonts not subset yet
    html.install_web_fonts = die
elif point == "staging":         # the new release filled, not named yet
    publish._release_name = die
elif point == "switch":          # the new release named, <out> not switched to it
    publish.os = types.ModuleType("os")
    publish.os.__dict__.update(os.__dict__)
    publish.os.replace = die
main(["html", "--data", sys.argv[2], "--out", sys.argv[3], "-q", *sys.argv[4:]])
"""

POINTS = ["sources", "pickled", "writing", "search", "after-sphinx", "fonts", "staging",
          "switch"]


def _rebuilt_equals_clean(data: Path, out: Path, tmp_path: Path) -> None:
    assert build("html", data, out) == 0
    assert build("html", data, tmp_path / "clean") == 0
    assert snapshot(out) == snapshot(tmp_path / "clean")
    assert b"then your own" in (out / VERSION / "en" / "phone.html").read_bytes()


@pytest.mark.parametrize("point", POINTS)
def test_build_killed_at_any_point_then_rebuilt_equals_a_clean_build(
        point: str, root: Root, tmp_path: Path) -> None:
    data, out = root("minimal"), tmp_path / "site"
    assert build("html", data, out) == 0
    before = snapshot(out)
    change_everything(data)
    proc = run_script(_KILL, point, str(data), str(out))
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == -signal.SIGKILL, err.decode()
    assert snapshot(out) == before  # the killed build published nothing
    _rebuilt_equals_clean(data, out, tmp_path)


@pytest.mark.parametrize("point", ["pickled", "first-page", "search"])
def test_chinese_build_killed_then_rebuilt_equals_a_clean_build(
        point: str, root: Root, tmp_path: Path) -> None:
    """The same for jieba's search index and the memo of the texts it cut."""
    data, out = root("two-languages"), tmp_path / "site"
    only = ("-l", "zh_CN")
    assert build("html", data, out, *only) == 0
    edit(data / "sections" / "basics.yaml", "text: 顾客到达十秒内主动问候。",
         "text: 顾客到达十秒内主动微笑问候，并说欢迎光临。")
    proc = run_script(_KILL, point, str(data), str(out), *only)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == -signal.SIGKILL, err.decode()
    assert build("html", data, out, *only) == 0
    assert build("html", data, tmp_path / "clean", *only) == 0
    assert snapshot(out) == snapshot(tmp_path / "clean")
    assert "欢迎光临" in (out / VERSION / "zh_CN" / "basics.html").read_text("utf-8")


@pytest.mark.parametrize("delay", [0.05, 0.25, 0.5])
def test_build_killed_after_a_delay_then_rebuilt_equals_a_clean_build(
        delay: float, root: Root, tmp_path: Path) -> None:
    """SIGKILL a while after the build has started its HTML stage (wherever it is then)."""
    data, out = root("minimal"), tmp_path / "site"
    assert build("html", data, out) == 0
    change_everything(data)
    proc = subprocess.Popen([sys.executable, "-m", "handbook", "html", "--data", str(data),
                             "--out", str(out)], cwd=tmp_path, stderr=subprocess.PIPE,
                            env={**os.environ, "PYTHONPATH": str(REPO)})
    assert proc.stderr is not None
    for line in proc.stderr:
        if b"building HTML" in line:
            break
    time.sleep(delay)
    proc.kill()
    proc.communicate(timeout=60)
    _rebuilt_equals_clean(data, out, tmp_path)


# --- two builds at once --------------------------------------------------------------------

_HOLD = """\
import sys, time
from pathlib import Path
import handbook.html as html
from handbook.cli import main

real = html.run_sphinx

def held(*args, **kwargs):
    Path(sys.argv[3] + ".holding").touch()
    while not Path(sys.argv[3] + ".go").exists():
        time.sleep(0.05)
    return real(*args, **kwargs)

html.run_sphinx = held
sys.exit(main(["html", "--data", sys.argv[1], "--out", sys.argv[2], "-q", *sys.argv[4:]]))
"""


def _wait_for(path: Path, proc: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while not path.exists():
        assert proc.poll() is None, proc.communicate()[1].decode()
        assert time.monotonic() < deadline, f"{path} never appeared"
        time.sleep(0.05)


def _two_editions(root: Root) -> tuple[Path, Path]:
    first = root("minimal")
    second = first.parent / "second"
    shutil.copytree(first, second)
    change_everything(second)
    return first, second


def test_a_second_build_of_the_same_out_stops_or_waits(
        root: Root, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    first, second = _two_editions(root)
    out, flag = tmp_path / "site", str(tmp_path / "flag")
    holder = run_script(_HOLD, str(first), str(out), flag)
    _wait_for(Path(flag + ".holding"), holder)  # the first build is inside its HTML stage
    capsys.readouterr()
    assert build("html", second, out) == 2
    assert capsys.readouterr().err == \
        f"ERROR: another build is writing to {out}: wait until it has finished, or build " \
        "with --wait\n"
    waiter = subprocess.Popen(
        [sys.executable, "-m", "handbook", "html", "--data", str(second), "--out", str(out),
         "-q", "--wait"], cwd=tmp_path, env={**os.environ, "PYTHONPATH": str(REPO)},
        stderr=subprocess.PIPE)
    assert waiter.stderr is not None
    assert b"another build is writing to" in waiter.stderr.readline()
    Path(flag + ".go").touch()
    assert holder.wait(timeout=120) == 0
    assert waiter.wait(timeout=120) == 0
    waiter.stderr.close()
    holder.communicate()
    assert build("html", second, tmp_path / "clean") == 0
    assert snapshot(out) == snapshot(tmp_path / "clean")  # the later build, whole


def test_two_builds_started_together_publish_one_whole_site(root: Root, tmp_path: Path) -> None:
    first, second = _two_editions(root)
    out = tmp_path / "site"
    procs = [subprocess.Popen([sys.executable, "-m", "handbook", "html", "--data", str(d),
                               "--out", str(out), "-q", "--wait"], cwd=tmp_path,
                              env={**os.environ, "PYTHONPATH": str(REPO)})
             for d in (first, second)]
    assert [p.wait(timeout=120) for p in procs] == [0, 0]
    assert build("html", first, tmp_path / "clean-first") == 0
    assert build("html", second, tmp_path / "clean-second") == 0
    assert snapshot(out) in (snapshot(tmp_path / "clean-first"),
                             snapshot(tmp_path / "clean-second"))


# --- --out checked before anything is built -------------------------------------------------


def _foreign(tmp_path: Path) -> Path:
    foreign = tmp_path / "foreign"
    (foreign / VERSION / "en").mkdir(parents=True)
    (foreign / VERSION / "en" / "basics.html").write_text("not ours", "utf-8")
    return foreign


def _file(tmp_path: Path, data: Path) -> tuple[Path, str]:
    out = tmp_path / "site.html"
    out.write_text("a file", "utf-8")
    return out, f"--out {out} is a file: expected a folder to publish the site into"


def _link(tmp_path: Path, data: Path) -> tuple[Path, str]:
    out = tmp_path / "site"
    out.symlink_to(_foreign(tmp_path), target_is_directory=True)
    return out, (f"--out {out} is a symbolic link to {tmp_path / 'foreign'}, not to a release "
                 f"this tool published (in {work(out) / 'releases'}): remove the link or "
                 "choose another --out")


def _folder(tmp_path: Path, data: Path) -> tuple[Path, str]:
    out = _foreign(tmp_path)
    return out, (f"{out} is a folder that this tool did not publish; move it away or choose "
                 "another --out")


def _overlap(out: Path, data: Path) -> str:
    return (f"--out {out} and --data {data} overlap: expected the site outside the data "
            "folder and the data folder outside the site")


OUTS: dict[str, Callable[[Path, Path], tuple[Path, str]]] = {
    "file": _file,
    "symlink-to-foreign-folder": _link,
    "foreign-folder": _folder,
    "data-folder": lambda t, d: (d, _overlap(d, d)),
    "inside-data-sections": lambda t, d: (
        d / "sections" / "site", f"--out {d / 'sections' / 'site'} is inside {d / 'sections'}, "
        "which the build reads: expected the site outside sections, locales, assets, themes/ "
        "of the data folder (like _build/site)"),
    "containing-data": lambda t, d: (t, _overlap(t, d)),
    "root": lambda t, d: (Path("/"), "--out /: expected a folder path ending in a name of its "
                          "own, like _build/site (the site and its work folder go there)"),
}


def test_a_site_inside_the_data_folder_is_built_and_not_read_back(
        root: Root, capsys: pytest.CaptureFixture[str]) -> None:
    """`handbook --data .` with the default --out: the site lands in data/_build/site."""
    data = root("minimal")
    out = data / "_build" / "site"
    for _ in range(2):  # the second build finds the first one's site and work folder
        assert build("html", data, out) == 0
    assert (out / "2026.1" / "en" / "index.html").is_file()
    capsys.readouterr()
    assert main(["validate", "--data", str(data), "--strict"]) == 0
    assert "WARNING" not in capsys.readouterr().err


@pytest.mark.parametrize("case", list(OUTS))
def test_bad_out_is_refused_before_anything_is_built(
        case: str, root: Root, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = root("minimal")
    out, message = OUTS[case](tmp_path, data)
    before = snapshot(tmp_path)
    litter = Path("/.-work")  # what a build with --out / would write, as root
    had_litter = litter.exists()
    capsys.readouterr()
    try:
        assert build("html", data, out) == 2
        assert capsys.readouterr().err == f"ERROR: {message}\n"  # no "building HTML" first
        assert snapshot(tmp_path) == before
        assert not work(out).exists() and (had_litter or not litter.exists())
    finally:
        if not had_litter and litter.is_dir():
            shutil.rmtree(litter)


def test_out_linked_to_a_release_of_another_out_is_refused(root: Root, tmp_path: Path) -> None:
    data = root("minimal")
    assert build("html", data, tmp_path / "one") == 0
    other = tmp_path / "two"
    other.symlink_to(os.readlink(tmp_path / "one"))
    assert build("html", data, other) == 2


# --- full and read-only disks --------------------------------------------------------------


@contextlib.contextmanager
def _mounted(folder: Path, options: str) -> Iterator[bool]:
    """A tmpfs at folder (True) when this user may mount one, else nothing (False)."""
    folder.mkdir(parents=True, exist_ok=True)
    if os.geteuid() != 0 or shutil.which("mount") is None:
        yield False
        return
    if subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(folder)],
                      capture_output=True).returncode != 0:
        yield False
        return
    try:
        yield True
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=True)


@contextlib.contextmanager
def read_only(folder: Path) -> Iterator[Path]:
    """A folder this process cannot write to: a read-only tmpfs for root, else chmod."""
    with _mounted(folder, "ro,size=64k") as mounted:
        if not mounted:
            if os.geteuid() == 0:
                pytest.skip("root without mount: no folder is read-only to this process")
            folder.chmod(0o555)
        try:
            yield folder
        finally:
            if not mounted:
                folder.chmod(0o755)


def test_read_only_user_cache_still_builds(root: Root, tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    data = root("minimal")
    with read_only(tmp_path / "cache") as cache:
        monkeypatch.setenv("HANDBOOK_CACHE", str(cache))
        assert build("html", data, tmp_path / "site") == 0
        assert list(cache.iterdir()) == []


def test_read_only_work_folder_is_a_usage_error(root: Root, tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    data = root("minimal")
    with read_only(tmp_path / "ro") as folder:
        capsys.readouterr()
        assert build("html", data, folder / "site") == 2
        assert capsys.readouterr().err == (
            f"ERROR: --out {folder / 'site'}: cannot write to {folder} (the work folder "
            ".site-work is kept there): expected a writable folder\n")


def test_full_disk_is_an_error_with_a_message(root: Root, tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    data = root("minimal")
    with _mounted(tmp_path / "small", "size=700k") as mounted:
        out = tmp_path / "small" / "site"
        if not mounted:  # the same error, where no tmpfs can be mounted
            def full(*args: object, **kwargs: object) -> int:
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(out))
            monkeypatch.setattr(handbook.html, "install_fonts", full)
        capsys.readouterr()
        assert build("html", data, out) == 1
        err = capsys.readouterr().err
        assert err.endswith(": No space left on device: free some disk space and build again "
                            "(the published site is unchanged)\n"), err
        assert "internal error" not in err and len(err.splitlines()) == 1
        assert not out.exists()
        assert [p.name for p in (work(out) / "releases").iterdir()] == []


# --- user errors are messages, not internal errors -----------------------------------------


def _not_a_font(data: Path) -> None:
    (data / "assets" / "fonts").mkdir()
    (data / "assets" / "fonts" / "brand.ttf").write_bytes(b"this is not a font\n" * 64)
    edit(data / "sections" / "vi.yaml", "    usage: English text and numbers.\n",
         "    usage: English text and numbers.\n    files: [assets/fonts/brand.ttf]\n")


def test_a_font_file_that_is_not_a_font(root: Root, tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    data = root("adversarial")
    _not_a_font(data)
    capsys.readouterr()
    assert build("html", data, tmp_path / "site") == 1
    err = capsys.readouterr().err
    assert "brand.ttf" in err and "internal error" not in err, err
    assert not (tmp_path / "site").exists()


def _serve(*args: str) -> int:
    return main(["serve", "--data", str(REPO / "tests" / "roots" / "minimal"), "-q", *args])


@pytest.mark.parametrize(("args", "message"), [
    (["--port", "70000"], "argument --port: expected a port number from 0 to 65535 (0: any "
                          "free port), got '70000'"),
    (["--port", "http"], "argument --port: expected a port number from 0 to 65535 (0: any "
                         "free port), got 'http'"),
    (["--port", "-1"], "argument --port: expected a port number from 0 to 65535 (0: any free "
                       "port), got '-1'"),
])
def test_serve_refuses_a_bad_port(args: list[str], message: str,
                                  capsys: pytest.CaptureFixture[str]) -> None:
    assert _serve(*args) == 2
    assert capsys.readouterr().err.splitlines()[-1].endswith(message)


def test_serve_refuses_a_host_it_cannot_resolve_or_a_busy_port(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "site"
    assert _serve("--out", str(out), "--host", "no-such-host.invalid", "--port", "0") == 2
    err = capsys.readouterr().err
    assert err.startswith("ERROR: --host no-such-host.invalid: cannot resolve it ("), err
    assert err.endswith("): expected a host name or address of this machine, like "
                        "127.0.0.1\n"), err
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        assert _serve("--out", str(out), "--port", str(port)) == 2
    assert capsys.readouterr().err == (
        f"ERROR: --port {port} is already in use on 127.0.0.1: stop what uses it, or choose "
        "another port (--port 0: any free port)\n")
    assert not out.exists() and not work(out).exists()  # refused before building


# --- an old edition that no longer builds --------------------------------------------------

GIT_ENV = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com",
           "GIT_CONFIG_GLOBAL": "/dev/null", "GIT_CONFIG_SYSTEM": "/dev/null"}

BROKEN = {
    "yaml-syntax": ("title: Service Standards\n", "title: [Service Standards\n",
                    "handbook-2025.1:minimal/handbook.yaml:7:8: ERROR: YAML syntax: while "
                    "parsing a flow sequence started at line 6: did not find expected ',' or "
                    "']' [data.yaml]"),
    "not-a-mapping": ("", "", None),
}


def _tag_old_edition(data: Path, change: Callable[[], None]) -> None:
    """Commit data as edition 2025.1 (tag handbook-2025.1) with change made, then undo it."""
    saved = data.parent / "saved"
    shutil.copytree(data, saved)
    edit(data / "handbook.yaml", 'version: "2026.1"', 'version: "2025.1"')
    change()
    for args in (["init", "-q"], ["add", "-A", data.name], ["commit", "-qm", "2025.1"],
                 ["tag", "handbook-2025.1"]):
        subprocess.run(["git", *args], cwd=data.parent, env={**os.environ, **GIT_ENV},
                       check=True)
    shutil.rmtree(data)
    saved.rename(data)


def _broken_old_tag(root: Root, case: str) -> Path:
    """A git repository whose tag handbook-2025.1 has a handbook.yaml that does not load."""
    data = root("minimal")
    old, new, _ = BROKEN[case]
    if old:
        _tag_old_edition(data, lambda: edit(data / "handbook.yaml", old, new))
    else:
        _tag_old_edition(data, lambda: (data / "handbook.yaml").write_text(
            "- a list\n- not a mapping\n", "utf-8"))
    return data


@pytest.mark.parametrize("case", list(BROKEN))
@pytest.mark.parametrize("command", [["html"], ["all", "--versions", "--no-pdf", "-l", "en"]],
                         ids=["html", "versions"])
def test_an_old_edition_that_does_not_build_is_left_out_with_a_warning(
        case: str, command: list[str], root: Root, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    data, out = _broken_old_tag(root, case), tmp_path / "site"
    capsys.readouterr()
    assert build(command[0], data, out, *command[1:]) == 0
    err = capsys.readouterr().err
    what = "left out of the site" if "--versions" in command else \
        "the site has no changes page"
    prefix = f"WARNING: edition handbook-2025.1 does not build, {what}: handbook-2025.1:minimal/"
    assert err.startswith(prefix) and len(err.splitlines()) == 1, err
    located = BROKEN[case][2]
    if located:
        assert err == prefix + located.removeprefix("handbook-2025.1:minimal/") + "\n"
    versions = json.loads((out / "versions.json").read_text("utf-8"))["versions"]
    assert [v["name"] for v in versions] == [VERSION]
    assert sorted(p.name for p in out.iterdir()) == [VERSION, "index.html", "latest",
                                                     "versions.json"]
    capsys.readouterr()
    assert build(command[0], data, tmp_path / "strict", *command[1:], "--strict") == 1
    lines = capsys.readouterr().err.splitlines()
    assert lines[-1] == "ERROR: edition handbook-2025.1 does not build (--strict)"
    assert lines[0].startswith("handbook-2025.1:minimal/handbook.yaml:")
    assert not (tmp_path / "strict").exists()


def test_an_old_edition_that_fails_while_building_is_left_out(
        root: Root, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data, out = root("adversarial"), tmp_path / "site"
    _tag_old_edition(data, lambda: _not_a_font(data))
    capsys.readouterr()
    assert build("all", data, out, "--versions", "--no-pdf") == 0
    err = capsys.readouterr().err
    assert err.startswith("WARNING: edition handbook-2025.1 does not build, left out of the "
                          "site: handbook-2025.1:adversarial/"), err
    assert "brand.ttf" in err and "internal error" not in err and "/tmp" not in err, err
    versions = json.loads((out / "versions.json").read_text("utf-8"))["versions"]
    assert [v["name"] for v in versions] == [VERSION]
    assert not (out / "2025.1").exists()
    switcher = (out / VERSION / "en" / "index.html").read_text("utf-8")
    assert "2025.1" not in switcher
