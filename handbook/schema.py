"""Content model classes -> JSON Schema documents that editors use to complete and check YAML."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .model import HandbookMeta
from .section import Section

SCHEMAS: dict[str, tuple[type[HandbookMeta] | type[Section], str]] = {
    "handbook": (HandbookMeta, "handbook.yaml"),
    "section": (Section, "sections/*.yaml"),
}


def json_schema(kind: str) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of handbook.yaml ("handbook") or a section file."""
    model, pattern = SCHEMAS[kind]
    schema = model.model_json_schema(mode="validation")
    schema.pop("title", None)  # the class name; our title below says which file the schema is for
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"handbook-{kind}.schema.json",
        "title": f"{pattern} of a service-standards handbook",
        **schema,
    }


def write_schemas(folder: Path) -> list[Path]:
    """Write handbook.schema.json and section.schema.json into folder."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for kind in SCHEMAS:
        path = folder / f"{kind}.schema.json"
        path.write_text(dump(json_schema(kind)), encoding="utf-8")
        written.append(path)
    return written


def dump(schema: dict[str, Any]) -> str:
    return json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=False) + "\n"
