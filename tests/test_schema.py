"""JSON Schema export: valid draft 2020-12 documents that the sample's YAML files satisfy."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from jsonschema import Draft202012Validator

from handbook.cli import main
from handbook.schema import json_schema

REPO = Path(__file__).resolve().parent.parent
SAMPLE = REPO / "data"
MINIMAL = REPO / "tests" / "roots" / "minimal"


def plain(value: Any) -> Any:
    """A yaml.safe_load tree as JSON sees it: dates (YAML 1.1 timestamps) become text."""
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [plain(item) for item in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def yaml_file(path: Path) -> Any:
    return plain(yaml.safe_load(path.read_text(encoding="utf-8")))


@pytest.fixture(scope="module")
def schemas(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    """What `build.py schema --write DIR` writes, by kind."""
    folder = tmp_path_factory.mktemp("schemas")
    assert main(["schema", "--data", str(SAMPLE), "--write", str(folder), "-q"]) == 0
    assert sorted(p.name for p in folder.iterdir()) == ["handbook.schema.json",
                                                         "section.schema.json"]
    return {kind: json.loads((folder / f"{kind}.schema.json").read_text(encoding="utf-8"))
            for kind in ("handbook", "section")}


def validator(schema: dict[str, Any]) -> Draft202012Validator:
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


@pytest.mark.parametrize("kind", ["handbook", "section"])
def test_written_schemas_are_valid_json_schema(schemas: dict[str, dict[str, Any]],
                                               kind: str) -> None:
    schema = schemas[kind]
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema == json_schema(kind)


def test_our_titles_are_kept(schemas: dict[str, dict[str, Any]]) -> None:
    assert schemas["handbook"]["title"] == "handbook.yaml of a service-standards handbook"
    assert schemas["section"]["title"] == "sections/*.yaml of a service-standards handbook"


def test_field_docstrings_become_descriptions(schemas: dict[str, dict[str, Any]]) -> None:
    version = schemas["handbook"]["properties"]["version"]
    assert version["description"] == "Edition, like 2026.1; published as <out>/<version>/."
    assert schemas["section"]["additionalProperties"] is False


@pytest.mark.parametrize("folder", [SAMPLE, MINIMAL], ids=["sample", "minimal"])
def test_data_files_satisfy_the_schemas(schemas: dict[str, dict[str, Any]],
                                        folder: Path) -> None:
    problems = []
    files = [("handbook", folder / "handbook.yaml")] + [
        ("section", path) for path in sorted((folder / "sections").glob("*.yaml"))]
    for kind, path in files:
        for error in validator(schemas[kind]).iter_errors(yaml_file(path)):
            problems.append(f"{path.name}: {error.json_path}: {error.message}")
    assert problems == []
    assert len(files) > 2


@pytest.mark.parametrize(("change", "expected"), [
    (lambda s: s.update(titel="x"), "Additional properties are not allowed ('titel' was "
                                    "unexpected)"),
    (lambda s: s["groups"][0]["rules"][0].update(id="bas-grt-1"),
     "'bas-grt-1' does not match '^[A-Z]{2,4}-[A-Z0-9]{2,4}-[0-9]{3}$'"),
    (lambda s: s.pop("summary"), "'summary' is a required property"),
    (lambda s: s["governance"].update(effective="2026-13-01"), "'2026-13-01' is not a 'date'"),
], ids=["unknown-key", "bad-id", "missing-key", "bad-date"])
def test_schema_rejects_what_the_validator_rejects(
        schemas: dict[str, dict[str, Any]], change: Any, expected: str) -> None:
    section = yaml_file(MINIMAL / "sections" / "basics.yaml")
    change(section)
    assert [e.message for e in validator(schemas["section"]).iter_errors(section)] == [expected]


@pytest.mark.parametrize("kind", ["handbook", "section"])
def test_schema_prints_one_kind(kind: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema", "--data", str(SAMPLE), "--kind", kind]) == 0
    assert json.loads(capsys.readouterr().out) == json_schema(kind)
