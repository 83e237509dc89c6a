"""Plain scalars: typed and reported as before, in time linear in their length, and a
number too big or too large for JSON is a finding, never a crash or an infinity."""

from __future__ import annotations

import json
import math
import re
from typing import Any

import pytest
import yaml
from hypothesis import example, given
from hypothesis import strategies as st
from yaml.error import Mark
from yaml.nodes import ScalarNode

from validator.read import scalars
from validator.read.document import Document
from validator.read.loader import load_document
from validator.read.parse import PLAIN
from validator.read.values import MAX_NUMBER_DIGITS, build_value, is_ambiguous

# The classification as it was written first: one regular expression, which backtracks
# on long runs of digits and underscores. Kept as the reference the new one must match.
REFERENCE = re.compile(
    r"""(?x)
      (?:y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF)
    | [-+]?0[0-9_]+
    | [-+]?0[xX][0-9a-fA-F_]+ | [-+]?0[oO][0-7_]+ | [-+]?0b[01_]+
    | [-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?
    | [-+]?[0-9][0-9_]*_[0-9_]*
    | [-+]?(?:[0-9][0-9_]*)?\.[0-9_]*(?:[eE][-+]?[0-9]+)?
    | [-+]?[0-9]+(?:\.[0-9]*)?[eE][-+]?[0-9]+
    | [-+]?\.(?:inf|Inf|INF) | \.(?:nan|NaN|NAN)
    | [0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[Tt ]|[ \t]+).*
    | [0-9]{4}-[0-9]{1,2}-[0-9]{1,2}
    | << | =
    """
)
ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
JSON_INT = re.compile(r"-?(?:0|[1-9][0-9]*)")
JSON_FLOAT = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?")
TYPED = {"": None, "~": None, "null": None, "Null": None, "NULL": None}
TYPED |= {"true": True, "True": True, "TRUE": True, "false": False, "False": False}
TYPED["FALSE"] = False

# Characters of every form, so that generated scalars often come close to one.
scalar_text = st.one_of(
    st.text(alphabet="0123456789_:.-+eExXoObB", max_size=14),
    st.text(alphabet="0123456789-: Tt\tabfnNoOyYsS\n<=~", max_size=20),
    st.sampled_from([*sorted(TYPED), "NO", "off", ".inf", "-.Inf", ".NaN", "<<", "=", "y"]),
)


def reference_reading(value: str) -> tuple[Any, bool]:
    """What a plain scalar was read as, and whether it was reported."""
    if value in TYPED:
        return TYPED[value], False
    if JSON_INT.fullmatch(value):
        return int(value), False
    if JSON_FLOAT.fullmatch(value):
        # The one change: a number that overflows to infinity stays text and is reported.
        number = float(value)
        return (number, False) if math.isfinite(number) else (value, True)
    return value, bool(REFERENCE.fullmatch(value)) and not ISO_DATE.fullmatch(value)


def reading(value: str) -> tuple[Any, bool]:
    doc = Document("x.yaml")
    start = Mark("x.yaml", 0, 0, 0, None, None)
    typed, complete = build_value(doc, ScalarNode(PLAIN, value, start_mark=start))
    assert complete
    return typed, bool(doc.findings)


@given(scalar_text)
@example("0_0_0_0_0x")
@example("1E310")
@example("1:60")
@example("1:05:5.5")
@example("2011-4-5\tnote")
@example("2011-04-15 reviewed\n\nagain")
def test_scalars_are_read_and_reported_as_before(value: str) -> None:
    assert reading(value) == reference_reading(value)


@pytest.mark.parametrize(
    "value",
    [
        "0" + "_" * 200_000 + "x",
        "0" + "_0" * 100_000 + "x",
        "0" + "_x" * 100_000,
        "1" + ":59" * 100_000 + "x",
        "1" + "0" * 200_000 + ".e",
    ],
)
def test_long_scalars_that_nearly_match_a_number_are_text(value: str) -> None:
    # Each of these backtracked for minutes in the first classification.
    assert not is_ambiguous(value)


def implicit_type(tail: str) -> tuple[Any, list[tuple[str, str]]]:
    doc = load_document("x.yaml", f"x: {tail}\n".encode())
    return doc.data, [(f.message, f.hint) for f in doc.findings if f.rule == "yaml-implicit-type"]


def test_an_integer_within_the_limit_is_a_number() -> None:
    data, findings = implicit_type("7" * MAX_NUMBER_DIGITS)
    assert data == {"x": int("7" * MAX_NUMBER_DIGITS)}
    assert findings == []


@pytest.mark.parametrize("digits", ["1" * 4301, "-" + "9" * 4301, "7" * 900_000])
def test_an_integer_past_the_limit_is_text_and_reported(digits: str) -> None:
    data, findings = implicit_type(digits)
    assert data == {"x": digits}
    count = len(digits.lstrip("-"))
    assert findings == [
        (
            f"unquoted number with {count:,} digits is too long to read as a number "
            "(at most 4,300 digits)",
            "quote it to keep it as text",
        )
    ]


@pytest.mark.parametrize("number", ["1e400", "-1e400", "1e999999", "9" * 400 + ".5"])
def test_a_number_too_large_for_json_is_text_never_infinity(number: str) -> None:
    data, findings = implicit_type(number)
    assert data == {"x": number}
    json.dumps(data, allow_nan=False)
    [(message, _)] = findings
    assert "it reads as infinity, which JSON cannot hold" in message


@pytest.mark.parametrize(
    "value",
    [
        "0o" + "7" * 5000,
        "0x" + "f" * 5000,
        "1" + ":2" * 3000,
        "1" + "_000" * 1500,
        "0" + "7" * 5000,
        "+1" + "0" * 5000 + "e5",
    ],
)
def test_long_number_forms_are_reported_by_their_start(value: str) -> None:
    data, findings = implicit_type(value)
    assert data == {"x": value}
    assert findings == [
        (
            f"unquoted {value[:40]}... ({len(value):,} characters) is not text to every "
            "YAML parser: YAML parsers read it as a number",
            "quote it",
        )
    ]


@pytest.mark.parametrize(
    ("value", "why"),
    [
        ("2011-02-30 12:00:00", "day is out of range for month"),
        ("2011-13-01T00:00:00", "month must be in 1..12"),
        ("1" + ":2" * 200 + ".5", "int too large to convert to float"),
    ],
)
def test_a_value_pyyaml_fails_on_is_reported_not_raised(value: str, why: str) -> None:
    _, [(message, _)] = implicit_type(value)
    assert message == (
        f"unquoted {value} is not text to every YAML parser: PyYAML fails to read it ({why})"
    )


def test_a_value_pyyaml_cannot_read_alone_is_reported_as_text(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The message says what other parsers make of an ambiguous scalar; should PyYAML
    refuse the value on its own, the message says what the YAML 1.2 reading is."""

    def refuses(_: str) -> None:
        raise yaml.YAMLError("cannot read it alone")

    monkeypatch.setattr(scalars.yaml, "safe_load", refuses)
    assert scalars._reading("0324") == "YAML 1.2 parsers read it as a number"
    assert scalars._reading("n") == "the YAML 1.1 specification reads it as a boolean"
