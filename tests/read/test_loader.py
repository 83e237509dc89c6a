"""The loader: JSON values out, hazards as findings, and never an exception."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from validator.read.loader import load_document
from validator.read.parse import MAX_DEPTH


def rules_of(raw: bytes) -> list[tuple[str, int, int]]:
    return [(f.rule, f.line, f.column) for f in load_document("x.yaml", raw).findings]


def test_plain_scalars_are_typed_the_json_way() -> None:
    doc = load_document(
        "x.yaml",
        b"a: '0324'\nb: '2011-04-15'\nc: true\nd: null\ne: 12\nf: 1.5\ng: text\nh: |\n  block\n",
    )
    assert doc.findings == []
    assert doc.data == {
        "a": "0324",
        "b": "2011-04-15",
        "c": True,
        "d": None,
        "e": 12,
        "f": 1.5,
        "g": "text",
        "h": "block\n",
    }


def test_unquoted_dates_stay_text_and_are_reported_for_what_they_are() -> None:
    """As the README says: PyYAML reads an unquoted date as a date object (which JSON
    cannot hold), so dates are quoted; a date without leading zeros is a slip."""
    doc = load_document("x.yaml", b"effective: 2013-04-15\npublished: 2016-4-15\n")
    assert doc.data == {"effective": "2013-04-15", "published": "2016-4-15"}
    assert [(f.rule, f.line, f.message, f.hint) for f in doc.findings] == [
        (
            "yaml-implicit-type",
            1,
            "unquoted date 2013-04-15 is not text to every YAML parser: PyYAML reads it as a "
            "date object, which JSON cannot hold",
            'quote it: "2013-04-15"',
        ),
        (
            "yaml-implicit-type",
            2,
            "2016-4-15 is a date without its leading zeros; dates are written YYYY-MM-DD",
            'write "2016-04-15"',
        ),
    ]


def test_yaml_11_forms_stay_text_and_are_reported() -> None:
    doc = load_document("x.yaml", b"a: 0324\nb: NO\nc: 12:30\nd: .nan\ne: 0998\nf: off\n")
    assert doc.data == {"a": "0324", "b": "NO", "c": "12:30", "d": ".nan", "e": "0998", "f": "off"}
    assert [(f.rule, f.line, f.hint) for f in doc.findings] == [
        ("yaml-implicit-type", 1, 'quote it: "0324"'),
        ("yaml-implicit-type", 2, 'quote it: "NO"'),
        ("yaml-implicit-type", 3, 'quote it: "12:30"'),
        ("yaml-implicit-type", 4, 'quote it: ".nan"'),
        ("yaml-implicit-type", 5, 'quote it: "0998"'),
        ("yaml-implicit-type", 6, 'quote it: "off"'),
    ]
    assert "212" in doc.findings[0].message


def test_positions_are_resolved_from_pointers() -> None:
    doc = load_document("x.yaml", b"a:\n  b:\n    - x\n    - y: 1\n")
    assert doc.position("/a/b/1/y") == (4, 10)
    assert doc.position("/a/b/1/y", key=True) == (4, 7)
    assert doc.position("/a/b/0") == (3, 7)
    # A pointer past what exists resolves to the nearest node that does exist.
    assert doc.position("/a/missing") == (2, 3)
    assert doc.position("/a/b/9") == (3, 5)
    assert doc.position("") == (1, 1)


def test_pointer_tokens_are_unescaped() -> None:
    doc = load_document("x.yaml", b"'a/b': 1\n'c~d': 2\n")
    assert doc.position("/a~1b") == (1, 8)
    assert doc.position("/c~0d") == (2, 8)


def test_alias_bomb_is_refused_without_expansion() -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for level in range(1, 10):
        lines.append(f"a{level}: &a{level} [" + ", ".join([f"*a{level - 1}"] * 10) + "]")
    doc = load_document("x.yaml", "\n".join(lines).encode())
    assert doc.data is None
    assert {f.rule for f in doc.findings} == {"yaml-anchor"}
    assert (doc.findings[0].line, doc.findings[0].column) == (1, 5)


def test_deep_nesting_is_a_finding_at_any_depth() -> None:
    assert rules_of(b"a: " + b"[" * (MAX_DEPTH + 5) + b"]" * (MAX_DEPTH + 5)) == [
        ("yaml-nesting", 1, MAX_DEPTH + 3)
    ]
    deep = rules_of(b"a: " + b"[" * 5000 + b"]" * 5000)
    assert [rule for rule, _, _ in deep] == ["yaml-nesting"]


def test_duplicate_key_names_the_first() -> None:
    doc = load_document("x.yaml", b"a: 1\nb: 2\na: 3\n")
    assert doc.data == {"a": 1, "b": 2}
    assert doc.findings[0].message == "duplicate key 'a' (first at line 1)"


def test_ok_is_false_for_any_error() -> None:
    assert load_document("x.yaml", b"a: 1\n").ok
    assert not load_document("x.yaml", b"a: NO\n").ok
    assert not load_document("x.yaml", b"- a\n").ok


yaml_like = st.text(
    alphabet=st.sampled_from(list("ab01:-[]{}&*!|>'\"#\n\t .,?%@`~\\\u200bé\x00")), max_size=80
)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(yaml_like.map(lambda text: text.encode("utf-8")), st.binary(max_size=80)))
def test_any_input_gives_findings_or_json_never_an_exception(raw: bytes) -> None:
    doc = load_document("x.yaml", raw)
    for finding in doc.findings:
        assert finding.line >= 0
        assert finding.column >= 0
        assert finding.rule
        assert finding.message
    if not doc.findings:
        assert isinstance(doc.data, dict)
    if doc.ok:
        # What loads cleanly is plain JSON: it serialises and reads back unchanged.
        assert json.loads(json.dumps(doc.data, allow_nan=False)) == doc.data


def test_tabs_inside_text_are_content_not_layout() -> None:
    assert rules_of(b'title: "Step 1:\tExample"\ntext: |\n  a:\tb\n') == []
    assert rules_of(b"title:\tExample\n") == [("yaml-tab", 1, 7)]


def test_cr_line_endings_count_as_lines() -> None:
    assert rules_of(b"a: 1\rb: NO\r") == [("yaml-implicit-type", 2, 4)]
    assert rules_of(b"a: 1\r\nb: NO\r\n") == [("yaml-implicit-type", 2, 4)]


def test_unusual_line_breaks_stop_before_parsing() -> None:
    raw = "title: a\u2028b\nlabel: NO\n".encode()
    assert rules_of(raw) == [("text-invisible-character", 1, 9)]


def test_utf16_and_utf32_without_bom_are_encoding_errors() -> None:
    assert rules_of("a: 1\n".encode("utf-16-le")) == [("text-encoding", 1, 1)]
    assert rules_of("a: 1\n".encode("utf-32")) == [("text-encoding", 1, 1)]


def test_collection_keys_and_undefined_aliases() -> None:
    doc = load_document("x.yaml", b"[a, b]: x\n")
    assert [(f.rule, f.message) for f in doc.findings] == [
        ("yaml-key-type", "a list or mapping is used as a key")
    ]
    assert rules_of(b"a: *nowhere\n") == [("yaml-anchor", 1, 4)]


def test_tags_are_shown_in_their_short_form() -> None:
    doc = load_document("x.yaml", b"a: !!binary aGVsbG8=\n")
    assert doc.findings[0].message == "explicit tag !!binary"


@pytest.mark.parametrize(
    ("text", "place", "said", "fix"),
    [
        (
            b"title: Note: this is text\n",
            (1, 12),
            "text contains a colon followed by a space, which YAML reads as the start of a key",
            "quote the text, or write it as a block",
        ),
        (
            b"a:\n  b: 1\n c: 2\n",
            (3, 2),
            "a line is not indented like the keys around it",
            "align the line with the keys of its mapping",
        ),
        (
            b"groups:\n  - id: x\n    codes: []\n  heading: y\n",
            (4, 3),
            "a line inside a list is not indented like the list's items",
            "start the line with `- ` at the items' indentation",
        ),
        (
            b'a: "unclosed\n',
            (2, 1),
            "a quote or a bracket is opened and never closed",
            "close the quote or bracket",
        ),
    ],
)
def test_libyaml_errors_are_explained_in_an_authors_words(
    text: bytes, place: tuple[int, int], said: str, fix: str
) -> None:
    [finding] = load_document("x.yaml", text).findings
    assert finding.rule == "yaml-syntax"
    assert (finding.line, finding.column) == place
    assert finding.message.startswith(said + " (YAML: ")
    assert finding.hint.startswith(fix)
