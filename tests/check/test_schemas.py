"""Schema findings: patterns mean what they mean in every language, each error once."""

from __future__ import annotations

import pytest

from tests.conftest import MINIMAL
from validator.check.patterns import python_regex
from validator.check.schemas import POLICY_SCHEMA, check_schema
from validator.read.loader import load_document

VERSION = (MINIMAL / "2020-01-01.yaml").read_text()


def findings_of(text: str) -> list[tuple[str, int, int, str, str]]:
    doc = load_document("policies/0100/2020-01-01.yaml", text.encode())
    return [(f.rule, f.line, f.column, f.message, f.hint) for f in check_schema(doc, POLICY_SCHEMA)]


@pytest.mark.parametrize(
    ("pattern", "python"),
    [
        ("^[0-9]{4}$", r"^[0-9]{4}\Z"),
        ("^(a|b$)$", r"^(a|b\Z)\Z"),
        (r"^a\$$", r"^a\$\Z"),
        ("^[$]x$", r"^[$]x\Z"),
        (r"^[\]$]$", r"^[\]$]\Z"),
    ],
)
def test_end_anchors_mean_the_end_of_the_text(pattern: str, python: str) -> None:
    assert python_regex(pattern) == python


def test_a_trailing_newline_does_not_pass_a_pattern() -> None:
    """``^...$`` in Python also matches before a final newline; the schema means the end."""
    text = VERSION.replace('number: "0100"', 'number: "0100\\n"')
    assert findings_of(text) == [
        (
            "schema",
            2,
            9,
            "number (Policy number): '0100\\n' does not match the expected form",
            "match the pattern ^[0-9A-Za-z][0-9A-Za-z._-]{0,31}$",
        )
    ]


def test_missing_required_keys_are_one_finding() -> None:
    assert findings_of('format: 2\nnumber: "0100"\n') == [
        (
            "schema",
            1,
            1,
            "the document is missing required keys 'title', 'lifecycle', 'coverage'",
            "add title: ..., lifecycle: ..., coverage: ...",
        )
    ]


def test_one_missing_key_is_named_alone() -> None:
    text = VERSION.replace("title: Example Therapy\n", "")
    assert findings_of(text) == [
        (
            "schema",
            1,
            1,
            "the document is missing required key 'title'",
            "add title: ...",
        )
    ]


def test_an_unknown_key_suggests_the_nearest_allowed_one() -> None:
    text = VERSION.replace("lifecycle:", "lifecyle:")
    [finding] = [f for f in findings_of(text) if f[3].startswith("unknown key")]
    assert finding[3] == "unknown key 'lifecyle' in the document"
    assert finding[4].startswith("did you mean lifecycle? allowed keys: applicability, ")
