"""The rule catalogue and the schemas are documentation: keep them true."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from tests.conftest import ROOT
from validator.check.catalogue import RULES, render_catalogue

SCHEMAS = sorted((ROOT / "schema").glob("*.schema.json"))


def test_rule_catalogue_in_docs_is_current() -> None:
    assert (ROOT / "docs" / "rules.md").read_text(encoding="utf-8") == render_catalogue(), (
        "regenerate it: policyrepo rules --format markdown > docs/rules.md"
    )


def test_every_rule_is_in_the_readme_catalogue_link() -> None:
    assert "docs/rules.md" in (ROOT / "README.md").read_text(encoding="utf-8")
    assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", rule) for rule in RULES)


def _subschemas(schema: Any, where: str = "#") -> list[tuple[str, dict[str, Any]]]:
    found: list[tuple[str, dict[str, Any]]] = []
    if isinstance(schema, dict):
        found.append((where, schema))
        for key, value in schema.items():
            found += _subschemas(value, f"{where}/{key}")
    elif isinstance(schema, list):
        for index, value in enumerate(schema):
            found += _subschemas(value, f"{where}/{index}")
    return found


@pytest.mark.parametrize("path", SCHEMAS, ids=lambda path: path.name)
def test_schema_is_documented_closed_and_anchored(path: Path) -> None:
    schema = json.loads(path.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    assert schema["$id"]
    assert schema["title"]
    assert schema["description"]
    asserted = set(Draft202012Validator.FORMAT_CHECKER.checkers)
    branches = ("/oneOf/", "/anyOf/", "/allOf/", "/if", "/then", "/else")
    for where, node in _subschemas(schema):
        if where.endswith(("/properties", "/$defs")):
            continue  # a mapping of names to schemas, not a schema
        for name, prop in node.get("properties", {}).items():
            if any(branch in where for branch in branches):
                continue  # a branch names properties its object defines and documents
            assert isinstance(prop, dict), f"{where}/{name}"
            assert prop.get("title"), f"{where}/{name}"
            assert prop.get("description"), f"{where}/{name}"
        if node.get("type") == "object":
            # Closed: no unknown keys, or keys only from a closed set of names.
            closed = node.get("additionalProperties") is False or "propertyNames" in node
            assert closed, where
        if "pattern" in node:
            assert node["pattern"].startswith("^"), where
            assert node["pattern"].endswith("$"), where
            # No unbounded repetition of a group that itself repeats without bound: the
            # shape of catastrophic backtracking, as in ^([A-Z0-9]+)*$.
            unbounded = r"(?:[*+]|\{[0-9]+,\})"
            nested = rf"\([^()]*{unbounded}[^()]*\){unbounded}"
            assert not re.search(nested, node["pattern"]), where
            assert re.search(nested, "^([A-Z0-9]+)*$"), "the detector must catch the known case"
        if "format" in node:
            assert node["format"] in asserted, f"{where}: format {node['format']} not asserted"
