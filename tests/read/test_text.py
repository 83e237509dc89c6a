"""Positions in the text: line starts found once, the same lines and columns as counting."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from validator.read.text import Lines


def counted(text: str, offset: int) -> tuple[int, int]:
    """Line and column by counting from the start of the text, as positions were found
    before line starts were kept: the reference for :class:`Lines`."""
    breaks = text.count("\n", 0, offset) + text.count("\r", 0, offset)
    line = breaks - text.count("\r\n", 0, offset) + 1
    start = max(text.rfind("\n", 0, offset), text.rfind("\r", 0, offset)) + 1
    return line, offset - start + 1


@given(st.text(alphabet="ab\t\n\r", max_size=40), st.data())
def test_positions_are_those_counted_from_the_start(text: str, data: st.DataObject) -> None:
    offset = data.draw(st.integers(min_value=0, max_value=len(text)))
    assert Lines(text).position(offset) == counted(text, offset)


def test_lf_crlf_and_lone_cr_each_end_a_line() -> None:
    lines = Lines("a\nb\r\nc\rd")
    assert [lines.position(offset) for offset in range(8)] == [
        (1, 1),
        (1, 2),
        (2, 1),
        (2, 2),
        (3, 1),  # between CR and LF: the CR has ended the line
        (3, 1),
        (3, 2),
        (4, 1),
    ]


def test_span_of_a_line_runs_to_the_next_line_start() -> None:
    lines = Lines("ab\ncd\r\nef")
    assert lines.span(1) == (0, 3)
    assert lines.span(2) == (3, 7)
    assert lines.span(3) == (7, 10)
    assert lines.span(4) == (10, 10)  # past the last line: nothing is on it
