"""Validate documents against the JSON Schemas, reporting each error at its YAML position.

check-jsonschema reports schema errors by JSON path only; here every error is turned
into a finding at the line and column of the node it concerns: the unknown key itself,
the value of the wrong type, the mapping that misses a required key.

Most files are valid: a compiled validator (:mod:`validator.check.fast_schema`) decides
that first, and jsonschema, which can explain each error, runs only on the files it
rejects. The findings are the same either way.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError, best_match

from validator.check.fast_schema import FastValidator
from validator.check.patterns import SchemaValidator
from validator.check.rules.naming import Nearest
from validator.findings import Finding, Rule, Severity
from validator.read.document import MAX_LISTED_PER_RULE, Document, escape_token
from validator.read.parse import is_plain

POLICY_SCHEMA = "policy.schema.json"
#: Versions written before the second format, read until `policyrepo migrate` rewrites them.
POLICY_V1_SCHEMA = "policy-v1.schema.json"
RETIREMENT_SCHEMA = "retirement.schema.json"
ORGANIZATION_SCHEMA = "organization.schema.json"

SCHEMA = Rule(
    "schema",
    Severity.ERROR,
    "The document does not match its JSON Schema (`schema/*.schema.json`).",
    protects="Every consumer can rely on the shape of a policy version: required keys "
    "present, no unknown keys, values of the right type and vocabulary.",
    example="lifecycle:\n  status: activ  # not one of draft, active, retired",
    family="Schema",
)
DATE_INVALID = Rule(
    "date-invalid",
    Severity.ERROR,
    "A date is not a real calendar date in ISO form (YYYY-MM-DD).",
    protects="`2011-02-30` passes a pattern check but is no date; JSON Schema accepts it "
    "unless formats are asserted.",
    example="lifecycle:\n  effective: '2011-02-30'",
    family="Schema",
)

FORMAT_FIRST = Rule(
    "format-first",
    Severity.INFO,
    "The version is written in the first policy format.",
    protects="First-format files are still read (as the second format would say them), "
    "but statements cannot tie codes to diagnoses, criteria, limits or prior authorisation "
    "until the file is migrated with `policyrepo migrate`.",
    example="number: '0324'  # no `format: 2` line",
    family="Schema",
)

_MAX_SHOWN = 60


def schema_path(name: str) -> Path:
    """Where a schema file is: inside the installed package, or in a source checkout."""
    package = Path(__file__).resolve().parent.parent  # validator/
    for candidate in (package / "schemas" / name, package.parent / "schema" / name):
        if candidate.is_file():
            return candidate
    raise FileNotFoundError(f"schema {name} is not installed with the package")


@cache
def load_schema(name: str) -> dict[str, Any]:
    schema: dict[str, Any] = json.loads(schema_path(name).read_text(encoding="utf-8"))
    return schema


@cache
def _validator(name: str) -> Any:
    return SchemaValidator(load_schema(name), format_checker=Draft202012Validator.FORMAT_CHECKER)


@cache
def _fast_validator(name: str) -> FastValidator:
    # The same format checker as the explaining validator's, so that both agree on dates.
    return FastValidator(load_schema(name), Draft202012Validator.FORMAT_CHECKER)


def matches_schema(doc: Document, name: str) -> bool:
    """Whether a loaded document matches its schema, decided by the compiled validator."""
    return _fast_validator(name).is_valid(doc.data)


def check_schema(doc: Document, name: str, *, decide_first: bool = True) -> list[Finding]:
    """Schema findings for a loaded document, sorted by position, each once.

    With ``decide_first``, a document the compiled validator finds valid has none
    without asking jsonschema; without it, jsonschema looks at every document.

    jsonschema reports one error per missing required key, all for the same mapping; each
    becomes the one finding that lists every missing key, so duplicates are dropped.
    """
    if decide_first and matches_schema(doc, name):
        return []
    findings = {
        finding: None
        for error in _validator(name).iter_errors(doc.data)
        for finding in _findings_for(doc, _most_relevant(error))
    }
    return sorted(findings)


def _most_relevant(error: ValidationError) -> ValidationError:
    """For oneOf/anyOf, the sub-error that best explains the failure."""
    while error.context:
        error = best_match(error.context)
    return error


def _findings_for(doc: Document, error: ValidationError) -> Iterator[Finding]:
    pointer = "".join(f"/{escape_token(token)}" for token in error.absolute_path)
    where = _describe(error)
    schema = error.schema if isinstance(error.schema, dict) else {}
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        yield from _unknown_keys(doc, error.instance, schema.get("properties", {}), pointer, where)
        return
    line, column = doc.position(pointer)
    if error.validator == "format" and error.validator_value == "date":
        yield DATE_INVALID.finding(
            doc.path,
            line,
            column,
            f"{_show(error.instance)} is not a calendar date",
            pointer=pointer,
            hint="write a real date as YYYY-MM-DD",
        )
        return
    message, hint = _explain(doc, error, pointer, where)
    yield SCHEMA.finding(doc.path, line, column, message, pointer=pointer, hint=hint)


def _unknown_keys(
    doc: Document, instance: dict[str, Any], properties: dict[str, Any], pointer: str, where: str
) -> Iterator[Finding]:
    """A finding at each unknown key, in the document's order.

    Past the number of findings a report lists, only the first of the rest is made and
    the others are counted in ``doc.left_out``: a file of 100,000 unknown keys would
    otherwise cost 100,000 positions and findings, to list 100.
    """
    allowed = ", ".join(sorted(properties))
    unknown = [key for key in instance if key not in properties]
    nearest = Nearest(properties)

    def finding(key: str) -> Finding:
        key_pointer = f"{pointer}/{escape_token(key)}"
        line, column = doc.position(key_pointer, key=True)
        meant = nearest.to(key)
        return SCHEMA.finding(
            doc.path,
            line,
            column,
            f"unknown key {key!r} in {where}",
            pointer=key_pointer,
            hint=(f"did you mean {meant}? " if meant else "") + f"allowed keys: {allowed}",
        )

    yield from map(finding, unknown[:MAX_LISTED_PER_RULE])
    if len(unknown) > MAX_LISTED_PER_RULE:
        doc.leave_out(finding(unknown[MAX_LISTED_PER_RULE]), len(unknown) - MAX_LISTED_PER_RULE)


def _explain(doc: Document, error: ValidationError, pointer: str, where: str) -> tuple[str, str]:
    keyword = error.validator
    value: Any = error.instance
    expected: Any = error.validator_value
    if keyword == "required":
        missing = [key for key in expected if key not in value]
        if len(missing) == 1:
            return f"{where} is missing required key {missing[0]!r}", f"add {missing[0]}: ..."
        return (
            f"{where} is missing required keys {', '.join(map(repr, missing))}",
            f"add {', '.join(f'{key}: ...' for key in missing)}",
        )
    if keyword == "type":
        node = doc.node_at(pointer)
        if "string" in expected and node is not None and is_plain(node):
            if value is None:
                return f"{where} is empty", "write a value, or remove the key"
            return (
                f"{where}: unquoted {node.value} is read as a {_json_type(value)}, not text",
                f'quote it: "{node.value}"',
            )
        return (
            f"{where} must be {_article(expected)}, not {_article(_json_type(value))}",
            f"write {where} as {_article(expected)}",
        )
    if keyword == "enum":
        choices = ", ".join(map(str, expected))
        return f"{where}: {_show(value)} is not one of: {choices}", f"use one of: {choices}"
    if keyword == "pattern":
        return (
            f"{where}: {_show(value)} does not match the expected form",
            f"match the pattern {expected}",
        )
    if keyword in {"minItems", "minLength"}:
        return f"{where} is empty", "add a value, or remove the key"
    return f"{where}: {error.message}", "see the schema's description of this field"


def _describe(error: ValidationError) -> str:
    """A reader's name for the place: the schema's title and the key path."""
    path = ".".join(str(token) for token in error.absolute_path) or "the document"
    title = error.schema.get("title") if isinstance(error.schema, dict) else None
    if title and error.absolute_path:
        return f"{path} ({title})"
    return path


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= _MAX_SHOWN else text[: _MAX_SHOWN - 3] + "..."


def _json_type(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if value is None:
        return "null"
    if isinstance(value, list):
        return "list"
    if isinstance(value, dict):
        return "mapping"
    return "string"


def _article(expected: str | list[str]) -> str:
    names = [expected] if isinstance(expected, str) else list(expected)
    words = {"object": "mapping", "array": "list", "string": "text"}
    spelled = [words.get(name, name) for name in names]
    return " or ".join(f"{'an' if s[0] in 'aeiou' else 'a'} {s}" for s in spelled)
