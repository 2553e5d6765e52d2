"""Validation of test roots: the minimal handbook passes, each broken root gives pinned messages."""

from __future__ import annotations

import contextlib
import io
import re
import shutil
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from expect import YamlSyntax
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from lxml import html as lxml_html

from handbook.cli import main
from handbook.validate import load_handbook

SAMPLE = Path(__file__).resolve().parent.parent / "data"

Root = Callable[[str], Path]


def validate(root: Root, name: str, monkeypatch: pytest.MonkeyPatch,
             capsys: pytest.CaptureFixture[str],
             change: Callable[[Path], None] | None = None) -> tuple[int, list[str]]:
    """Copy a test root, optionally change it, validate it; return the exit code and stderr."""
    data = root(name)
    if change:
        change(data)
    monkeypatch.chdir(data.parent)  # messages then name files as users type them: <root>/...
    code = main(["validate", "--data", name])
    return code, capsys.readouterr().err.splitlines()


def failed(count: int) -> str:
    return f"ERROR: validation failed: {count} error{'s' if count != 1 else ''}"


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} not once in {path}"
    path.write_text(text.replace(old, new), encoding="utf-8")


# --- good roots ----------------------------------------------------------------------------


def test_minimal_validates(root: Root, monkeypatch: pytest.MonkeyPatch,
                           capsys: pytest.CaptureFixture[str]) -> None:
    code, lines = validate(root, "minimal", monkeypatch, capsys)
    assert code == 0
    assert lines == ["validated minimal: 2 sections, 4 rules, 0 phrases, 0 warnings"]


def test_minimal_is_an_english_source_handbook(root: Root) -> None:
    handbook, report = load_handbook(root("minimal"))
    assert report.problems == []
    assert handbook.languages == ["en"]
    assert [s.id for s in handbook.sections] == ["basics", "phone"]
    assert [a.id for a in handbook.meta.audiences] == ["counter"]
    assert [o.id for o in handbook.meta.owners] == ["quality"]


def test_sample_validates_with_zero_warnings(root: Root, monkeypatch: pytest.MonkeyPatch,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    code, lines = validate(root, "sample", monkeypatch, capsys)
    assert code == 0
    assert not [line for line in lines if "WARNING" in line or "ERROR" in line]
    assert lines[-1].endswith(", 0 warnings")
    _, report = load_handbook(SAMPLE)  # reads only
    assert report.problems == []


@pytest.mark.slow
def test_minimal_builds_html(root: Root, tmp_path: Path) -> None:
    data = root("minimal")
    out = tmp_path / "site"
    assert main(["html", "--data", str(data), "--out", str(out), "-q"]) == 0
    index = out / "2026.1" / "en" / "index.html"
    assert index.is_file()
    page = lxml_html.parse(str(index)).getroot()
    assert page.get("lang", "").startswith("en")
    assert "Service Standards" in page.findtext(".//title")
    assert (out / "2026.1" / "en" / "basics.html").is_file()
    assert (out / "2026.1" / "en" / "phone.html").is_file()


def test_yaml11_surprises_stay_strings(root: Root) -> None:
    """NO, yes, 12:30, 012, off, 1e3 and an unquoted 2026.10 keep the text the author wrote."""
    handbook, report = load_handbook(root("yaml11-strings"))
    assert report.problems == []
    assert handbook.meta.version == "2026.10"  # YAML 1.1 would read the float 2026.1
    assert handbook.meta.release.threshold == 12  # a decimal 12, not the octal 10
    greeting = handbook.section("basics").groups[0]
    assert greeting.title == "012"
    assert greeting.rules[0].measure == "12:30"  # not the sexagesimal 750
    assert greeting.rules[1].title == "NO"
    assert greeting.rules[1].text == "yes"
    answering = handbook.section("phone").groups[0].rules[0]
    assert answering.do == ["off"]
    assert answering.dont == ["1e3"]


@pytest.mark.parametrize("empty", ["", " ~", " null"])
def test_empty_optional_value_is_absent(root: Root, empty: str) -> None:
    data = root("minimal")
    edit(data / "sections" / "basics.yaml", "measure: within 10 s", f"measure:{empty}")
    handbook, report = load_handbook(data)
    assert report.problems == []
    assert handbook.section("basics").groups[0].rules[0].measure is None


def test_unquoted_yes_and_no_answer_a_quiz(root: Root) -> None:
    data = root("bands-gap")
    edit(data / "sections" / "phone.yaml", "max: 4", "max: 5")
    handbook, report = load_handbook(data)
    assert report.problems == []
    quiz = handbook.section("phone").assessments[0]
    assert [q.answer for q in quiz.groups[0].questions] == ["yes", "no"]


# --- broken roots: exit 1 and the exact messages -------------------------------------------

_ASSET = "expected a file under assets/ (letters, digits, _ . / -; no '..', no URL)"

BROKEN: dict[str, list[str | YamlSyntax]] = {
    "bad-yaml-syntax": [
        YamlSyntax("bad-yaml-syntax/sections/basics.yaml", 16, "started at line 15: "),
    ],
    "bad-yaml-tab": [
        YamlSyntax("bad-yaml-tab/sections/basics.yaml", 17, "started at line 16: ", "tab"),
    ],
    "yaml-tag": [
        "yaml-tag/sections/basics.yaml:17:18: ERROR: groups[0].rules[0].measure: expected a "
        "plain value, got the tag !!python/object/apply:os.system; tags are not allowed "
        "[data.tag]",
    ],
    "alias-bomb": [
        "alias-bomb/handbook.yaml:7:7: ERROR: lol1: expected a value, got an anchor (&a); "
        "anchors and aliases are not allowed [data.alias]",
    ],
    "duplicate-keys": [
        "duplicate-keys/handbook.yaml:7:1: ERROR: title: duplicate key 'title': expected each "
        "key once, got it again (first at line 6) [data.duplicate-key]",
        "duplicate-keys/sections/basics.yaml:18:9: ERROR: groups[0].rules[0].text: duplicate "
        "key 'text': expected each key once, got it again (first at line 16) "
        "[data.duplicate-key]",
    ],
    "yaml11-numbers": [
        "yaml11-numbers/handbook.yaml:23:14: ERROR: release.threshold: expected a whole "
        "number, got 'NO' [data.type]",
        "yaml11-numbers/sections/basics.yaml:34:16: ERROR: logo.clear_space: expected a "
        "number, got 'yes' [data.type]",
        "yaml11-numbers/sections/basics.yaml:35:17: ERROR: logo.min_width_mm: expected a "
        "number, got '0x1F' [data.type]",
        "yaml11-numbers/sections/basics.yaml:36:17: ERROR: logo.min_width_px: expected a "
        "whole number, got '12:30' [data.type]",
    ],
    "wrong-types": [
        "wrong-types/handbook.yaml:10:12: ERROR: languages: expected a list, got 'en' "
        "[data.type]",
        "wrong-types/sections/basics.yaml:16:11: ERROR: groups[0].rules[0].title: expected "
        "text, got a mapping [data.type]",
        "wrong-types/sections/basics.yaml:19:20: ERROR: groups[0].rules[0].audiences: "
        "expected a list, got 'counter' [data.type]",
    ],
    "unknown-key": [
        "unknown-key/handbook.yaml:7:1: ERROR: subtitel: unknown key 'subtitel': expected one "
        "of approvals, audiences, classification, confidentiality, effective, extends, languages, "
        "layer, layers, organisation, owners, "
        "release, sections, source_language, subtitle, theme, title, unit, version, "
        "whats_new; did you mean "
        "'subtitle'? [data.unknown-key]",
        "unknown-key/sections/basics.yaml:17:9: ERROR: groups[0].rules[0].mesure: unknown key "
        "'mesure': expected one of audiences, do, dont, id, locked, measure, see_also, steps, "
        "text, title; did you mean 'measure'? [data.unknown-key]",
    ],
    "missing-key": [
        "missing-key/sections/basics.yaml:19:9: ERROR: groups[0].rules[1].text: expected key "
        "'text', got none (it is required) [data.missing]",
        "missing-key/sections/phone.yaml:6:3: ERROR: governance.review_due: expected key "
        "'review_due', got none (it is required) [data.missing]",
    ],
    "bad-id": [
        "bad-id/sections/basics.yaml:19:13: ERROR: groups[0].rules[1].id: expected an ID like "
        "BI-COM-003, got 'bas-grt-2' [data.format]",
        "bad-id/sections/basics.yaml:22:20: ERROR: groups[0].rules[1].see_also[0]: expected "
        "an ID like BI-COM-003, got 'BAS-GRT-01' [data.format]",
        "bad-id/sections/phone.yaml:11:11: ERROR: groups[0].code: expected a code of 2–4 "
        "capitals or digits like COM, got 'ans' [data.format]",
    ],
    "duplicate-rule-id": [
        "duplicate-rule-id/sections/phone.yaml:22:13: ERROR: groups[0].rules[1].id: expected "
        "an ID starting with PHN-ANS-, got 'BAS-GRT-001' [data.id]",
        "duplicate-rule-id/sections/phone.yaml:22:13: ERROR: groups[0].rules[1].id: duplicate "
        "ID 'BAS-GRT-001': expected IDs unique across the handbook, got it again (first at "
        "duplicate-rule-id/sections/basics.yaml:14:13) [data.duplicate-id]",
    ],
    "id-prefix": [
        "id-prefix/sections/basics.yaml:27:13: ERROR: groups[1].rules[0].id: expected an ID "
        "starting with BAS-PRM-, got 'BAS-GRT-003' [data.id]",
    ],
    "undeclared-audience": [
        "undeclared-audience/sections/basics.yaml:18:30: ERROR: groups[0].rules[0]"
        ".audiences[1]: expected a declared audience (counter), got 'kitchen' "
        "[data.reference]",
        "undeclared-audience/sections/phone.yaml:5:13: ERROR: audiences[0]: expected a "
        "declared audience (counter), got 'drivers' [data.reference]",
    ],
    "undeclared-owner": [
        "undeclared-owner/sections/phone.yaml:6:10: ERROR: governance.owner: expected an "
        "owner declared in handbook.yaml (quality), got 'qualty' [data.reference]",
    ],
    "broken-see-also": [
        "broken-see-also/sections/basics.yaml:30:20: ERROR: groups[1].rules[0].see_also[0]: "
        "expected the ID of a rule in this handbook, got 'PHN-ANS-009' [data.reference]",
    ],
    "asset-escape": [
        f"asset-escape/handbook.yaml:5:9: ERROR: organisation.logo: {_ASSET}, got "
        "'assets/x/../../outside.svg' [data.asset]",
        f"asset-escape/sections/basics.yaml:32:9: ERROR: logo.file: {_ASSET}, got "
        "'../outside.svg' [data.format]",
        f"asset-escape/sections/basics.yaml:38:13: ERROR: logo.variants[0].file: {_ASSET}, "
        "got '/etc/northwind/logo.svg' [data.format]",
        f"asset-escape/sections/basics.yaml:40:13: ERROR: logo.variants[1].file: {_ASSET}, "
        "got 'https://cdn.example/logo.svg' [data.format]",
    ],
    "missing-asset": [
        "missing-asset/handbook.yaml:5:9: ERROR: organisation.logo: expected an existing file "
        "'assets/northwind.svg', got no such file [data.asset]",
    ],
    "svg-script": [
        "svg-script/handbook.yaml:5:9: ERROR: organisation.logo: expected a self-contained "
        "SVG, got a <script> element [data.asset]",
    ],
    "color-mismatch": [
        "color-mismatch/sections/phone.yaml:28:10: ERROR: colors[0].rgb: expected [11, 79, "
        "138] to match hex #0B4F8A, got [11, 79, 139] [data.color]",
    ],
    "quiz-base": [
        "quiz-base/sections/phone.yaml:39:13: ERROR: assessments[0].scoring.base: expected "
        "base = per_wrong × questions = 10, got 20 [data.value]",
    ],
    "bands-gap": [
        "bands-gap/sections/phone.yaml:43:9: ERROR: assessments[0].scoring.bands: expected "
        "bands to cover every score from 0 to 10, got no band for 5 [data.value]",
    ],
    "many-faults": [  # one run reports every problem, from every file
        "many-faults/handbook.yaml:5:9: ERROR: organisation.logo: expected a self-contained "
        "SVG, got an event attribute 'onclick' [data.asset]",
        "many-faults/handbook.yaml:7:1: ERROR: title: duplicate key 'title': expected each key "
        "once, got it again (first at line 6) [data.duplicate-key]",
        "many-faults/sections/basics.yaml:18:21: ERROR: groups[0].rules[0].audiences[0]: "
        "expected a declared audience (counter), got 'kitchen' [data.reference]",
        "many-faults/sections/basics.yaml:30:20: ERROR: groups[1].rules[0].see_also[0]: "
        "expected the ID of a rule in this handbook, got 'PHN-ANS-009' [data.reference]",
        "many-faults/sections/phone.yaml:6:10: ERROR: governance.owner: expected an owner "
        "declared in handbook.yaml (quality), got 'qualty' [data.reference]",
        "many-faults/sections/phone.yaml:35:10: ERROR: colors[1].rgb: expected [29, 37, 45] "
        "to match hex #1D252D, got [29, 37, 46] [data.color]",
    ],
}


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_broken_root(name: str, root: Root, monkeypatch: pytest.MonkeyPatch,
                     capsys: pytest.CaptureFixture[str]) -> None:
    code, lines = validate(root, name, monkeypatch, capsys)
    assert code == 1
    assert lines == [*BROKEN[name], failed(len(BROKEN[name]))]


def test_alias_bomb_is_refused_at_once(root: Root) -> None:
    data = root("alias-bomb")
    start = time.perf_counter()
    with pytest.raises(Exception, match="validation failed: 1 error"):
        load_handbook(data)
    assert time.perf_counter() - start < 1.0


# --- faults made at run time ---------------------------------------------------------------


def _symlinked_logo(data: Path) -> None:
    outside = data.parent / "outside"
    outside.mkdir()
    (data / "assets" / "logo.svg").rename(outside / "logo.svg")
    (data / "assets" / "logo.svg").symlink_to(outside / "logo.svg")


def _symlinked_assets(data: Path) -> None:
    shutil.move(data / "assets", data.parent / "outside")
    (data / "assets").symlink_to(data.parent / "outside", target_is_directory=True)


def _too_large(data: Path) -> None:
    with (data / "sections" / "phone.yaml").open("a", encoding="utf-8") as fh:
        fh.write("# " + "x" * (2 * 1024 * 1024) + "\n")


def _too_deep_block(data: Path) -> None:
    nested = "".join("  " * i + f"k{i}:\n" for i in range(30)) + "  " * 30 + "end\n"
    with (data / "sections" / "phone.yaml").open("a", encoding="utf-8") as fh:
        fh.write("intro:\n" + "".join("  " + line + "\n" for line in nested.splitlines()))


def _too_deep_flow(data: Path) -> None:
    with (data / "sections" / "phone.yaml").open("a", encoding="utf-8") as fh:
        fh.write("intro: " + "[" * 100_000 + "]" * 100_000 + "\n")


def _invalid_utf8(data: Path) -> None:
    path = data / "sections" / "phone.yaml"
    bad = "Smile ☺ ".encode() + b"\xff before"  # col 21: characters, not bytes, are counted
    path.write_bytes(path.read_bytes().replace(b"Smile before", bad))


RUNTIME: dict[str, tuple[Callable[[Path], None], list[str]]] = {
    "symlinked-logo": (_symlinked_logo, [
        "minimal/handbook.yaml:5:9: ERROR: organisation.logo: expected a regular file, got a "
        "symbolic link at 'assets/logo.svg' [data.asset]",
    ]),
    "symlinked-assets": (_symlinked_assets, [
        "minimal/handbook.yaml:5:9: ERROR: organisation.logo: expected a regular file, got a "
        "symbolic link at 'assets' [data.asset]",
    ]),
    "too-large": (_too_large, [
        "minimal/sections/phone.yaml:1:1: ERROR: file too large: expected at most 2048 KiB, "
        "got 2049 KiB [data.too-large]",
    ]),
    "too-deep-block": (_too_deep_block, [
        "minimal/sections/phone.yaml:46:49: ERROR: intro.k0.k1.k2.k3.k4.k5.k6.k7.k8.k9.k10.k11"
        ".k12.k13.k14.k15.k16.k17.k18.k19.k20.k21.k22: nesting too deep: expected at most 24 "
        "levels [data.too-deep]",
    ]),
    "too-deep-flow": (_too_deep_flow, [
        "minimal/sections/phone.yaml:22:32: ERROR: intro" + "[0]" * 24 + ": nesting too deep: "
        "expected at most 24 levels [data.too-deep]",
    ]),
    "invalid-utf8": (_invalid_utf8, [
        "minimal/sections/phone.yaml:19:21: ERROR: expected UTF-8 text, got byte 0xff "
        "[data.encoding]",
    ]),
}


@pytest.mark.parametrize("fault", sorted(RUNTIME))
def test_runtime_fault(fault: str, root: Root, monkeypatch: pytest.MonkeyPatch,
                       capsys: pytest.CaptureFixture[str]) -> None:
    change, expected = RUNTIME[fault]
    start = time.perf_counter()
    code, lines = validate(root, "minimal", monkeypatch, capsys, change)
    assert time.perf_counter() - start < 5.0
    assert code == 1
    assert lines == [*expected, failed(len(expected))]


# --- collect-all and regressions -----------------------------------------------------------


def test_errors_in_handbook_yaml_do_not_hide_section_errors(
        root: Root, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    def change(data: Path) -> None:
        edit(data / "handbook.yaml", 'version: "2026.1"', "version: next")
        edit(data / "sections" / "phone.yaml", "code: PHN", "code: phone")

    code, lines = validate(root, "minimal", monkeypatch, capsys, change)
    assert code == 1
    assert lines == [
        "minimal/handbook.yaml:7:10: ERROR: version: expected a version like 2026.1, got "
        "'next' [data.format]",
        "minimal/sections/phone.yaml:2:7: ERROR: code: expected a code of 2–4 capital letters "
        "like BI, got 'phone' [data.format]",
        failed(2),
    ]


def test_invalid_section_gives_no_false_see_also_errors(
        root: Root, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """basics refers to PHN-ANS-001; phone.yaml failing its schema must not make that wrong."""
    def change(data: Path) -> None:
        edit(data / "sections" / "phone.yaml", "summary: Answering and ending calls.\n", "")

    code, lines = validate(root, "minimal", monkeypatch, capsys, change)
    assert code == 1
    assert lines == [
        "minimal/sections/phone.yaml:1:1: ERROR: summary: expected key 'summary', got none "
        "(it is required) [data.missing]",
        failed(1),
    ]


def test_unknown_key_with_brackets_is_located(
        root: Root, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    def change(data: Path) -> None:
        edit(data / "handbook.yaml", "title: Service Standards\n",
             "title: Service Standards\n'notes[0]': draft\n")

    code, lines = validate(root, "minimal", monkeypatch, capsys, change)
    assert code == 1
    assert lines == [
        "minimal/handbook.yaml:7:1: ERROR: notes[0]: unknown key 'notes[0]': expected one of "
        "approvals, audiences, classification, confidentiality, effective, extends, languages, "
        "layer, layers, organisation, owners, release, sections, source_language, subtitle, "
        "theme, title, unit, version, whats_new [data.unknown-key]",
        failed(1),
    ]


_RATING = """assessments:
  - id: self-check
    title: Self check
    kind: rating
    instructions: Rate yourself.
    scale: {{min: 1, max: {top}, min_label: Never, max_label: Always}}
    groups:
      - id: all
        title: Statements
        questions:
          - id: q1
            text: I smile before I pick up.
    scoring:
      method: sum
      explanation: Add up your ratings.
      bands:
        - {{min: {low}, max: 1000000000000, label: Fine}}
"""


@pytest.mark.parametrize(("top", "low", "message"), [
    ("1000000000", "1", "minimal/sections/phone.yaml:27:26: ERROR: assessments[0].scale.max: "
     "expected a number ≤ 100, got 1000000000 [data.range]"),
    ("5", "-1000000000000", None),
], ids=["huge-scale", "huge-band"])
def test_huge_scores_are_checked_quickly(
        top: str, low: str, message: str | None, root: Root, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    def change(data: Path) -> None:
        with (data / "sections" / "phone.yaml").open("a", encoding="utf-8") as fh:
            fh.write(_RATING.format(top=top, low=low))

    start = time.perf_counter()
    code, lines = validate(root, "minimal", monkeypatch, capsys, change)
    assert time.perf_counter() - start < 5.0
    if message is None:
        assert code == 0, lines
    else:
        assert (code, lines) == (1, [message, failed(1)])


# --- property: random mutations of the sample never crash ----------------------------------

_LOCATED = re.compile(r"^.+:\d+:\d+: ERROR: |^.+: ERROR: ")
_SUMMARY = re.compile(r"^ERROR: validation failed: \d+ errors?(, \d+ warnings?)?$")

_scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True),
    st.sampled_from(["", "NO", "yes", "12:30", "012", "~", "2026-13-45", "#zzzzzz", "..",
                     "../etc/passwd", "assets/logo.svg", "BI-COM-003", "front-desk", "a[0]"]),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=20),
)
_values = st.recursive(
    _scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(
        st.text(min_size=1, max_size=8) | st.sampled_from(["id", "title", "a[0]"]), inner,
        max_size=3),
    max_leaves=6,
)


def _nodes(tree: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield path
    if isinstance(tree, dict):
        for key, value in tree.items():
            yield from _nodes(value, (*path, key))
    elif isinstance(tree, list):
        for index, value in enumerate(tree):
            yield from _nodes(value, (*path, index))


def _mutate(tree: Any, path: tuple[Any, ...], op: str, value: Any) -> Any:
    """Apply one mutation at path; the root itself can only be replaced."""
    if not path:
        return value if op == "replace" else tree
    parent = tree
    for part in path[:-1]:
        parent = parent[part]
    last = path[-1]
    if op == "delete":
        del parent[last]
    elif op == "replace":
        parent[last] = value
    elif op == "duplicate" and isinstance(parent, list):
        parent.insert(last, parent[last])
    elif op == "wrap":
        parent[last] = [parent[last]]
    elif op == "stringify":
        parent[last] = str(parent[last])
    elif op == "mapping":
        parent[last] = {"value": parent[last]}
    return tree


@pytest.fixture(scope="module")
def sample_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("mutations") / "data"
    shutil.copytree(SAMPLE, target, symlinks=True)
    return target


@contextlib.contextmanager
def _restored(path: Path) -> Iterator[None]:
    original = path.read_bytes()
    try:
        yield
    finally:
        path.write_bytes(original)


@settings(max_examples=60, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=st.data())
def test_mutated_sample_gives_exit_0_or_located_errors(sample_copy: Path,
                                                       data: st.DataObject) -> None:
    files = ["handbook.yaml", *sorted(p.name for p in (sample_copy / "sections").iterdir())]
    name = data.draw(st.sampled_from(files), label="file")
    path = sample_copy / name if name == "handbook.yaml" else sample_copy / "sections" / name
    with _restored(path):
        tree = yaml.safe_load(path.read_text(encoding="utf-8"))
        for _ in range(data.draw(st.integers(1, 3), label="mutations")):
            target = data.draw(st.sampled_from(list(_nodes(tree))), label="path")
            op = data.draw(st.sampled_from(
                ["delete", "replace", "duplicate", "wrap", "stringify", "mapping"]), label="op")
            tree = _mutate(tree, target, op, data.draw(_values, label="value"))
        text = yaml.safe_dump(tree, allow_unicode=True, sort_keys=False)
        if data.draw(st.booleans(), label="truncate"):
            text = text[: data.draw(st.integers(0, len(text)), label="at")]
        path.write_text(text, encoding="utf-8")
        stderr = io.StringIO()
        with contextlib.redirect_stderr(stderr):
            code = main(["validate", "--data", str(sample_copy)])
    output = stderr.getvalue()
    event(f"exit {code}")
    assert "Traceback" not in output and "internal error" not in output, output
    assert code in (0, 1), output
    lines = output.splitlines()
    errors = [line for line in lines if "ERROR" in line and not _SUMMARY.match(line)]
    assert all(_LOCATED.match(line) for line in errors), output
    if code == 1:
        assert errors and _SUMMARY.match(lines[-1]), output
