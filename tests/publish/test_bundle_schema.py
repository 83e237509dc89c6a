"""The bundle schema file is generated from the code, and the documented command prints it."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest

from tests.conftest import ROOT
from validator.publish.bundle_schema import bundle_schema, render


def test_bundle_schema_file_is_current() -> None:
    assert (ROOT / "schema" / "bundle.schema.json").read_text(encoding="utf-8") == render(), (
        "regenerate it: python -m validator.bundle_schema > schema/bundle.schema.json"
    )


@pytest.mark.parametrize("module", ["validator.bundle_schema", "validator.publish.bundle_schema"])
def test_the_documented_command_prints_the_schema(module: str) -> None:
    printed = subprocess.run(
        [sys.executable, "-m", module], capture_output=True, text=True, check=True
    ).stdout
    assert printed == render()


#: Keywords that apply to one JSON type: ajv's strict mode wants ``type`` beside them.
TYPED = {
    "string": {"pattern", "format", "minLength", "maxLength"},
    "integer": {"minimum", "maximum"},
    "array": {"items", "minItems", "maxItems", "uniqueItems"},
    "object": {"properties", "patternProperties", "additionalProperties", "required"},
}
#: Schemas of the repository that the bundle schema embeds, checked on their own.
EMBEDDED = ("policy_document", "organization_file")


def _own_parts(schema: Any, path: str = "#") -> Iterator[tuple[str, dict[str, Any]]]:
    """Every schema object of the bundle schema's own parts, with where it is."""
    if not isinstance(schema, dict):
        return
    yield path, schema
    for key in ("properties", "patternProperties", "$defs"):
        for name, part in schema.get(key, {}).items():
            if not (key == "$defs" and path == "#" and name in EMBEDDED):
                yield from _own_parts(part, f"{path}/{key}/{name}")
    for key in ("items", "additionalProperties", "not", "if", "then", "else"):
        yield from _own_parts(schema.get(key), f"{path}/{key}")
    for key in ("anyOf", "oneOf", "allOf"):
        for index, part in enumerate(schema.get(key, [])):
            yield from _own_parts(part, f"{path}/{key}/{index}")


def test_every_object_is_closed_and_every_property_explained() -> None:
    for path, node in _own_parts(bundle_schema()):
        if "properties" in node and "type" in node:
            assert node["additionalProperties"] is False, path
            for name, schema in node["properties"].items():
                assert schema.get("title"), f"{path}/properties/{name}: no title"
                assert schema.get("description"), f"{path}/properties/{name}: no description"


def test_the_schema_keeps_to_ajv_strict_mode() -> None:
    """Each required name is a property beside it, and each type-specific keyword has
    its type beside it (checked here as ajv's strict mode would, without ajv)."""
    for path, node in _own_parts(bundle_schema()):
        for name in node.get("required", []):
            assert name in node.get("properties", {}), f"{path}: required {name} undefined"
        types = node.get("type", [])
        types = {types} if isinstance(types, str) else set(types)
        for kind, keywords in TYPED.items():
            used = keywords & set(node)
            if used:
                assert kind in types or (kind == "integer" and "number" in types), (path, used)
