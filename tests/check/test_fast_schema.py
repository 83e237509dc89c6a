"""The compiled validator decides validity exactly as the explaining one does.

``check_schema`` returns no findings for a document the compiled validator accepts,
without asking jsonschema; so a document it accepts that jsonschema would report on
would lose its findings. Every fixture, the seed and generated changes to them must be
judged the same by both, and give the same findings with the compiled validator asked
first or not.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from tests.conftest import FIXTURES, ROOT, SEED
from validator.check.fast_schema import FastValidator
from validator.check.patterns import SchemaValidator, python_regex
from validator.check.schemas import (
    ORGANIZATION_SCHEMA,
    POLICY_SCHEMA,
    POLICY_V1_SCHEMA,
    RETIREMENT_SCHEMA,
    check_schema,
    load_schema,
    matches_schema,
)
from validator.model.upgrade import is_first_format
from validator.read.document import Document
from validator.read.files import ORGANIZATION_FILE, is_retirement_path
from validator.read.loader import load_document

CHECKER = Draft202012Validator.FORMAT_CHECKER
DRAFT = "https://json-schema.org/draft/2020-12/schema"
URL = r'^https?://[^\s<>"]+$'


def relative(path: Path) -> str:
    """The path a file has in its repository: policies/..."""
    parts = path.parts
    return "/".join(parts[len(parts) - 1 - parts[::-1].index("policies") :])


def schema_for(path: str, data: Any) -> str:
    if path == ORGANIZATION_FILE:
        return ORGANIZATION_SCHEMA
    if is_retirement_path(path):
        return RETIREMENT_SCHEMA
    return POLICY_V1_SCHEMA if is_first_format(data) else POLICY_SCHEMA


FILES = [SEED, *sorted(path for path in FIXTURES.rglob("policies/**/*.yaml"))]


def loaded(path: str, raw: bytes) -> Document | None:
    doc = load_document(path, raw)
    return doc if doc.ok else None


#: The files whose schema is checked: those that load (the rest never reach a schema).
CHECKED = [file for file in FILES if loaded(relative(file), file.read_bytes()) is not None]


def explained(doc: Document, name: str) -> list[Any]:
    return check_schema(doc, name, decide_first=False)


@pytest.mark.parametrize("file", CHECKED, ids=lambda file: str(file.relative_to(ROOT)))
def test_a_file_is_valid_to_the_compiled_validator_when_jsonschema_finds_nothing(
    file: Path,
) -> None:
    doc = loaded(relative(file), file.read_bytes())
    assert doc is not None
    name = schema_for(doc.path, doc.data)
    assert matches_schema(doc, name) == (explained(doc, name) == [])


@pytest.mark.parametrize("file", CHECKED, ids=lambda file: str(file.relative_to(ROOT)))
def test_findings_are_the_same_with_the_compiled_validator_asked_first_or_not(
    file: Path,
) -> None:
    path, raw = relative(file), file.read_bytes()
    first, only_jsonschema = loaded(path, raw), loaded(path, raw)
    assert first is not None
    assert only_jsonschema is not None
    name = schema_for(path, first.data)
    assert check_schema(first, name) == explained(only_jsonschema, name)
    assert first.left_out == only_jsonschema.left_out


def test_the_fixtures_include_files_the_schema_rejects() -> None:
    """The two tests above compare both verdicts, not only "valid" with "valid"."""
    verdicts = set()
    for file in FILES:
        doc = loaded(relative(file), file.read_bytes())
        if doc is not None:
            verdicts.add(matches_schema(doc, schema_for(doc.path, doc.data)))
    assert verdicts == {True, False}


# Draft 2020-12 as the schemas use it, formats asserted, patterns as ECMA-262 reads them.
CASES = [
    ({"$defs": {"n": {"type": "string"}}, "$ref": "#/$defs/n"}, 1, False),
    ({"oneOf": [{"type": "integer"}, {"minimum": 0}]}, 3, False),
    ({"oneOf": [{"type": "integer"}, {"type": "string"}]}, "3", True),
    ({"if": {"type": "string"}, "then": {"minLength": 2}, "else": {"minimum": 5}}, 3, False),
    ({"if": {"type": "string"}, "then": {"minLength": 2}, "else": {"minimum": 5}}, "a", False),
    ({"if": {"type": "string"}, "then": {"minLength": 2}, "else": {"minimum": 5}}, "ab", True),
    ({"propertyNames": {"pattern": "^[a-z]+$"}}, {"aB": 1}, False),
    ({"const": 2}, 3, False),
    ({"const": 1}, True, False),
    ({"const": 2}, 2.0, True),
    ({"properties": {"x": False}}, {"x": 1}, False),
    ({"properties": {"x": True}}, {"x": 1}, True),
    ({"prefixItems": [{"type": "string"}]}, [1], False),
    ({"dependentRequired": {"a": ["b"]}}, {"a": 1}, False),
    ({"format": "date"}, "2011-04-15", True),
    ({"format": "date"}, "2012-02-29", True),
    ({"format": "date"}, "2011-02-30", False),
    ({"format": "date"}, "0000-01-01", False),  # Python's dates (jsonschema's) have no year 0
    ({"format": "date"}, "2011-04-15\n", False),
    ({"format": "date"}, 20110415, True),  # formats concern text only
    ({"format": "no-such-format"}, "anything", True),
    ({"pattern": "^[0-9]{4}$"}, "0324", True),
    ({"pattern": "^[0-9]{4}$"}, "0324\n", False),
    ({"pattern": "^[$]x$"}, "$x", True),
    ({"pattern": r"^\d$"}, "\u0663", False),  # ARABIC-INDIC DIGIT THREE is no digit in ECMA-262
    ({"pattern": r"^\w$"}, "é", False),
    ({"pattern": "^.$"}, "\u2028", False),
    ({"pattern": "^.$"}, "\r", False),
    ({"pattern": URL}, "https://a\x1cb", True),  # information separators are no white space
    ({"pattern": URL}, "https://a\x85b", True),  # nor is NEXT LINE
    ({"pattern": URL}, "https://a\ufeffb", False),  # the byte order mark is
    ({"pattern": URL}, "https://a\u2028b", False),
    ({"pattern": URL}, "https://a\xa0b", False),
    ({"pattern": r"^\S+$"}, "a\x1c", True),
    ({"pattern": r"^\S+$"}, "a\ufeff", False),
]


def verdicts(schema: dict[str, Any], instance: Any) -> tuple[bool, bool]:
    """Whether the compiled validator and jsonschema each find the instance valid."""
    schema = {"$schema": DRAFT, **schema}
    explaining = SchemaValidator(schema, format_checker=CHECKER)
    return (
        FastValidator(schema, CHECKER).is_valid(instance),
        next(iter(explaining.iter_errors(instance)), None) is None,
    )


@pytest.mark.parametrize(("schema", "instance", "valid"), CASES, ids=repr)
def test_both_validators_read_the_schema_the_same_and_as_the_standard_means(
    schema: dict[str, Any], instance: Any, valid: bool
) -> None:
    assert verdicts(schema, instance) == (valid, valid)


def test_a_value_json_has_no_form_for_is_left_to_the_explaining_validator() -> None:
    validator = FastValidator({"$schema": DRAFT, "properties": {"on": {"type": "array"}}}, CHECKER)
    assert not validator.is_valid({"on": {1, 2}})


#: ECMA-262's white space and line terminators, as a Python class holds them.
SPACE = r"\t\n\x0b\x0c\r\x20\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"


@pytest.mark.parametrize(
    ("pattern", "python"),
    [
        (r"^\s$", f"^[{SPACE}]\\Z"),
        (r"^\S$", f"^[^{SPACE}]\\Z"),
        (URL, f'^https?://[^{SPACE}<>"]+\\Z'),
        ("^a.b$", r"^a[^\n\r\u2028\u2029]b\Z"),
        (r"^a\.b[.]$", r"^a\.b[.]\Z"),
        (r"^\\s$", r"^\\s\Z"),
    ],
)
def test_white_space_and_any_character_mean_what_they_mean_in_ecma_262(
    pattern: str, python: str
) -> None:
    assert python_regex(pattern) == python


def test_a_negated_space_class_inside_a_class_is_refused() -> None:
    with pytest.raises(ValueError, match="not supported"):
        python_regex(r"[a\S]")


def schema_patterns(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        if isinstance(node.get("pattern"), str):
            yield node["pattern"]
        for value in node.values():
            yield from schema_patterns(value)
    elif isinstance(node, list):
        for value in node:
            yield from schema_patterns(value)


PATTERNS = sorted(
    {
        pattern
        for name in (POLICY_SCHEMA, POLICY_V1_SCHEMA, RETIREMENT_SCHEMA, ORGANIZATION_SCHEMA)
        for pattern in schema_patterns(load_schema(name))
    }
)
#: Characters the two regular expression languages are most likely to read differently.
AWKWARD = "\n\r\t\x0b\x0c\x1c\x1f\x85\xa0\u180e\u2028\u2029\ufeff\u0663é$ .-0aA"


@pytest.mark.parametrize("pattern", PATTERNS)
@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_every_schema_pattern_matches_the_same_text_in_both_validators(
    pattern: str, data: st.DataObject
) -> None:
    matching = st.from_regex(python_regex(pattern))
    awkward = st.text(alphabet=st.sampled_from(AWKWARD), max_size=12)
    text = data.draw(matching.flatmap(lambda s: st.just(s) | awkward.map(s.__add__)) | awkward)
    fast, explaining = verdicts({"pattern": pattern}, text)
    assert fast == explaining


# Generated changes to the seed and the fixtures: both validators must judge each alike.

BASES = [
    (doc.path, doc.data)
    for doc in (loaded(relative(file), file.read_bytes()) for file in FILES)
    if doc is not None
]
OTHER_VALUES = st.sampled_from(
    [None, True, False, 0, 2, -1, 1.5, "", "text", "0324", [], ["x"], {}, {"k": "v"}]
).map(copy.deepcopy)  # a fresh list or mapping each time, which a later change may fill
BAD_DATE_LIST = [
    "2011-02-30",
    "2011-02-29",
    "0000-01-01",
    "2011-13-01",
    "2011-4-15",
    "2011-04-15\n",
    "2011-04-15 ",
    "20110415",
    "2011-W15-1",
    "2011-04-15T00:00:00",
    "\u0662\u0660\u0661\u0661-\u0660\u0664-\u0661\u0665",
]
BAD_DATES = st.sampled_from(BAD_DATE_LIST)
#: Wrong dates, real ones, and text shaped like a date; drawn as one of three, so that
#: the few wrong dates are not drowned by the many others.
DATE_FORMS = st.sampled_from(
    [BAD_DATES, st.dates().map(str), st.from_regex(r"\A[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")]
).flatmap(lambda forms: forms)
ODD_CHARACTERS = st.sampled_from(["\n", "\x1c", "\x85", "\xa0", "\u2028", "\ufeff", " ", "é"])
KEYS = st.sampled_from(["url", "notes", "$schema", "format", "id", "title"]) | st.text(max_size=8)


def places(node: Any) -> Iterator[tuple[Any, Any]]:
    """Every (container, key or index) of a value inside a document, outermost first."""
    items = node.items() if isinstance(node, dict) else enumerate(node)
    for key, value in items:
        yield node, key
        if isinstance(value, dict | list):
            yield from places(value)


DATE = re.compile("[0-9]{4}-[0-9]{2}-[0-9]{2}")
#: Which values each change applies to.
CHANGES: dict[str, Callable[[Any], bool]] = {
    "retype": lambda value: True,
    "drop": lambda value: True,
    "add": lambda value: isinstance(value, dict),
    "date": lambda value: isinstance(value, str) and DATE.fullmatch(value) is not None,
    "newline": lambda value: isinstance(value, str),
    "odd": lambda value: isinstance(value, str),
}


@st.composite
def mutated_documents(draw: st.DrawFn) -> tuple[str, str]:
    """A path and the JSON text (which is YAML) of a base document with a few changes."""
    path, data = draw(st.sampled_from(BASES))
    holder = {"document": copy.deepcopy(data)}
    for _ in range(draw(st.integers(1, 3))):
        change = draw(st.sampled_from(sorted(CHANGES)))
        fits = [(c, key) for c, key in places(holder) if CHANGES[change](c[key])]
        if change == "drop":
            fits = fits[1:]  # the document itself stays
        if not fits:
            continue
        container, key = draw(st.sampled_from(fits))
        value = container[key]
        if change == "retype":
            container[key] = draw(OTHER_VALUES)
        elif change == "drop":
            del container[key]
        elif change == "add":
            value[draw(KEYS)] = draw(OTHER_VALUES | st.just("2011-04-15"))
        elif change == "date":
            container[key] = draw(DATE_FORMS)
        elif change == "newline":
            container[key] = value + "\n"
        else:
            at = draw(st.integers(0, len(value)))
            container[key] = value[:at] + draw(ODD_CHARACTERS) + value[at:]
    return path, json.dumps(holder["document"], indent=1)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_documents())
def test_changed_documents_are_valid_to_the_compiled_validator_when_jsonschema_finds_nothing(
    case: tuple[str, str],
) -> None:
    path, text = case
    doc = loaded(path, text.encode())
    assume(doc is not None)
    assert doc is not None
    name = schema_for(path, doc.data)
    assert matches_schema(doc, name) == (explained(doc, name) == [])


SEED_DOC = loaded(relative(SEED), SEED.read_bytes())
assert SEED_DOC is not None
SEED_STRINGS = [
    (container, key) for container, key in places(SEED_DOC.data) if isinstance(container[key], str)
]


def judged_alike_when_changed(container: Any, key: Any, value: Any) -> None:
    """Both validators judge the seed alike with one value changed."""
    assert SEED_DOC is not None
    before, container[key] = container[key], value
    try:
        text = json.dumps(SEED_DOC.data)
    finally:
        container[key] = before
    doc = loaded(SEED_DOC.path, text.encode())
    assert doc is not None
    assert matches_schema(doc, POLICY_SCHEMA) == (explained(doc, POLICY_SCHEMA) == [])


@pytest.mark.parametrize("date", BAD_DATE_LIST)
def test_every_date_of_the_seed_made_wrong_is_judged_alike(date: str) -> None:
    dates = [(c, key) for c, key in SEED_STRINGS if DATE.fullmatch(c[key])]
    assert dates
    for container, key in dates:
        judged_alike_when_changed(container, key, date)


def test_every_text_of_the_seed_with_a_trailing_newline_is_judged_alike() -> None:
    for container, key in SEED_STRINGS:
        judged_alike_when_changed(container, key, container[key] + "\n")
