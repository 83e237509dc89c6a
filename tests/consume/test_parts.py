"""Reading part of a bundle file gives exactly what parsing the whole file gives, and
declines (None) whatever is not laid out as the bundle writer writes it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import ROOT, TIMELINE, build
from validator.consume.bundle_answers import contains
from validator.consume.parts import code_rows, leading_members
from validator.publish.canonical import canonical_json

DAYS = ("2000-01-01", "2012-06-01", "2013-01-01", "2014-12-31", "2015-01-01", "2030-01-01")


@pytest.fixture(autouse=True)
def fixed_epoch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")


def _in_effect(rows: list[dict[str, Any]], day: str) -> list[dict[str, Any]]:
    return [row for row in rows if contains(row["window"], day)]


@pytest.mark.parametrize("repository", [ROOT, TIMELINE], ids=["seed", "timeline"])
def test_every_code_of_every_shard_reads_as_the_whole_shard_says(
    repository: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert build(repository, tmp_path / "dist") == 0
    capsys.readouterr()
    shards = sorted((tmp_path / "dist" / "codes").glob("*/*.json"))
    assert shards
    for shard in shards:
        data = shard.read_bytes()
        codes = json.loads(data)["codes"]
        for code, rows in codes.items():
            assert code_rows(data, code) == rows
            for day in DAYS:
                assert code_rows(data, code, day) == _in_effect(rows, day)
        assert code_rows(data, "00000", DAYS[1]) == []
        assert code_rows(data, "\ud800", DAYS[1]) == []


def _window(start: str, end: str | None) -> dict[str, str | None]:
    return {"end": end, "start": start}


def _row(heading: str, window: dict[str, str | None], **more: Any) -> dict[str, Any]:
    return {
        "basis": None,
        "determination": "covered",
        "group": "g",
        "heading": heading,
        "policy": "0001",
        "role": "service",
        "version": window["start"],
        "window": window,
        **more,
    }


def _shard(codes: dict[str, list[dict[str, Any]]]) -> bytes:
    return canonical_json({"codes": codes, "kind": "code-index", "system": "CPT"})


#: Headings that hold what the reader searches for: a code's key, a row's window and the
#: end of a list, escaped quotes, backslashes before quotes.
TRAPS = (
    '"97545":[',
    '"97545":[{"window":{"end":null,"start":"2000-01-01"}}]',
    '}},{"basis":null,"window":{"end":null,"start":"2000-01-01"}}]',
    "\\",
    '\\"97545\\":[',
    'x\\\\"97545":[',
)


@pytest.mark.parametrize("heading", TRAPS)
def test_text_inside_strings_is_never_taken_for_structure(heading: str) -> None:
    rows = [
        _row(heading, _window("2010-01-01", "2013-01-01")),
        _row(heading, _window("2013-01-01", None), dates={"from": "2014-01-01", "through": None}),
    ]
    data = _shard({"97010": [_row(heading, _window("2000-01-01", None))], "97545": rows})
    assert code_rows(data, "97545") == rows
    assert code_rows(data, "97545", "2012-06-01") == rows[:1]
    assert code_rows(data, "97545", "2013-06-01") == rows[1:]
    assert code_rows(data, "97545", "2009-01-01") == []
    assert code_rows(data, "97546", "2012-06-01") == []


def test_a_code_whose_key_ends_another_key_is_found_at_its_own() -> None:
    """The key of the code \\ stands inside the key of the code "\\, after an escaped quote."""
    first, second = (
        [_row("a", _window("2010-01-01", None))],
        [_row("b", _window("2011-01-01", None))],
    )
    data = _shard({'"\\': first, "\\": second})
    assert data.count(b'"\\\\":[') == 2
    assert code_rows(data, "\\", "2012-06-01") == second
    assert code_rows(data, '"\\', "2012-06-01") == first


def _spaced(codes: dict[str, Any]) -> bytes:
    return json.dumps({"codes": codes, "kind": "code-index", "system": "CPT"}).encode()


ROWS = [_row("h", _window("2010-01-01", None))]


@pytest.mark.parametrize(
    "data",
    [
        _spaced({"97545": ROWS}),  # whitespace
        canonical_json({"codes": {"97545": ROWS}, "kind": "policy", "system": "CPT"}),
        canonical_json({"codes": {"97545": ROWS}, "kind": "code-index", "system": 5}),
        canonical_json({"codes": [], "kind": "code-index", "system": "CPT"}),
        # the window of a row written otherwise than the writer writes it
        _shard({"97545": ROWS}).replace(b'"window":{"end":null', b'"window":{"end": null'),
        # a row that is not JSON, and one whose end is not where its window ends
        _shard({"97545": ROWS}).replace(b'"basis":null', b'"basis":nul'),
        _shard({"97545": ROWS}).replace(b'[{"basis"', b'[{"x":1}{"basis"'),
        # bytes that are not UTF-8 in the row read
        _shard({"97545": [_row("\xe9", _window("2010-01-01", None))]}).replace(
            b"\xc3\xa9", b"\xe9"
        ),
        b"",
    ],
)
def test_a_shard_laid_out_otherwise_is_declined(data: bytes) -> None:
    assert code_rows(data, "97545", "2012-06-01") is None


def test_an_empty_list_has_no_rows() -> None:
    data = _shard({"97545": []})
    assert code_rows(data, "97545") == []
    assert code_rows(data, "97545", "2012-06-01") == []


DATES = st.dates().map(lambda day: day.isoformat())
TEXT = st.text(st.sampled_from('"\\{}[],: 9754x\n\u2028é'), max_size=12)


@st.composite
def rows(draw: st.DrawFn) -> dict[str, Any]:
    start = draw(DATES)
    end = draw(st.none() | DATES.filter(lambda day: day > start))
    more = {}
    if draw(st.booleans()):
        more["dates"] = {"from": draw(st.none() | DATES), "through": draw(st.none() | DATES)}
    return _row(draw(TEXT), _window(start, end), **more)


CODES = st.sampled_from(["97545", "97546", "9754", "97545x", 'x"', "\\", '"\\', "é"])


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(CODES, st.lists(rows(), max_size=5), max_size=5), CODES, DATES)
def test_any_canonical_shard_reads_as_parsing_it_whole(
    codes: dict[str, list[dict[str, Any]]], code: str, day: str
) -> None:
    data = _shard(codes)
    listed = codes.get(code, [])
    assert code_rows(data, code) == listed
    assert code_rows(data, code, day) == _in_effect(listed, day)


def test_the_head_of_a_policy_file_reads_as_the_whole_file() -> None:
    policy = {
        "kind": "policy",
        "number": "0518",
        "replaced_by": [{"from": "2015-01-01", "policy": '"title":"forged"'}],
        "retired": None,
        "retirement": {"title": "not this one"},
        "title": "Spine Surgery",
        "versions": [{"document": {"title": "nor this"}}],
    }
    data = canonical_json(policy)
    head = {key: value for key, value in policy.items() if key <= "title"}
    assert leading_members(data, "title") == head
    assert leading_members(data, "kind") == {"kind": "policy"}
    assert leading_members(data, "a") == {}
    without = canonical_json({key: v for key, v in policy.items() if key != "title"})
    assert leading_members(without, "title") == {k: v for k, v in head.items() if k != "title"}
    # Nothing past the last member asked for is read: the digest vouches for the rest.
    assert leading_members(b'{"kind":"policy","title":"b",', "title") == head_of("b")


def head_of(title: str) -> dict[str, str]:
    return {"kind": "policy", "title": title}


@pytest.mark.parametrize(
    "data",
    [
        b'{"number":"1","kind":"policy","title":"b"}',  # keys out of order
        b'{"kind":"policy","kind":"x","title":"b"}',  # a key twice
        b'{"kind": "policy", "title": "b"}',  # whitespace
        b'{"kind":"policy","number":"1"',  # cut short
        b'{"kind":"policy";"title":"b"}',
        b'{"kind":"\xff","title":"b"}',
        b"[]",
        b"",
    ],
)
def test_a_head_laid_out_otherwise_is_declined(data: bytes) -> None:
    assert leading_members(data, "title") is None
