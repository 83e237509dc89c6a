"""Structured mutations of the seed policy: whatever is done to it, checking the file
gives findings (at most 100 of a rule and one counting the rest), never an exception.

Each mutation is something a careless edit or a hostile file does: a value replaced, a
key inserted or renamed, a big number, control characters, a long run of one character,
deep nesting, tabs, stray quotes, a block duplicated, line endings changed, the file cut.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import SEED
from validator.check.validate import check_source
from validator.findings import Finding
from validator.read.document import MAX_LISTED_PER_RULE
from validator.read.files import SourceFile

PATH = "policies/0324/2011-04-15.yaml"
LINES = SEED.read_text(encoding="utf-8").splitlines(keepends=True)

Mutation = Callable[[list[str]], list[str]]

run = st.builds(
    lambda character, count: character * count,
    st.sampled_from(["a", "0", "_", "-", ":", "[", "{", "'", '"', " ", "\t", "&", "*", "!"]),
    st.integers(min_value=1, max_value=3000),
)
control = st.sampled_from(["\x01", "\x08", "\x0b", "\x1f", "\x7f", "\x85", "\u200b", "\u202e"])
values = st.one_of(
    st.sampled_from(["NO", "0324", "12:30", ".nan", "1e400", "~", "2011-02-30 12:00:00"]),
    st.sampled_from(["&a x", "*a", "!!binary aGk=", "!!python/object {}", "<<", "=", "|"]),
    st.integers(min_value=4290, max_value=4400).map(lambda digits: "7" * digits),
    st.sampled_from(["0o", "0x", "1_", "1:", "-", "1e", "0."]).flatmap(
        lambda prefix: run.map(lambda body: prefix + body)
    ),
    run,
    st.builds(lambda depth: "[" * depth + "]" * depth, st.integers(min_value=1, max_value=80)),
    st.text(
        alphabet=st.sampled_from(list("ab01:-[]{},&*!|>'\"#\t .?%@`~\\\u200b\x01é")),
        max_size=30,
    ),
)
keys = st.one_of(
    st.sampled_from(["number", "title", "lifecycle", "coding", "x", "true", "0324", "? a"]),
    st.text(alphabet="abc_:-&*! ", min_size=1, max_size=8),
)
line_index = st.integers(min_value=0, max_value=len(LINES))
indent = st.sampled_from(["", "  ", "    ", "\t", " \t"])


def at(index: int, lines: list[str]) -> int:
    return min(index, max(len(lines) - 1, 0))


def replace_value(index: int, value: str) -> Mutation:
    def mutate(lines: list[str]) -> list[str]:
        where = at(index, lines)
        if lines and ":" in lines[where]:
            key = lines[where].split(":", 1)[0]
            lines[where] = f"{key}: {value}\n"
        return lines

    return mutate


def insert_key(index: int, margin: str, key: str, value: str) -> Mutation:
    return lambda lines: [*lines[:index], f"{margin}{key}: {value}\n", *lines[index:]]


def rename_key(index: int, key: str) -> Mutation:
    def mutate(lines: list[str]) -> list[str]:
        where = at(index, lines)
        if lines and ":" in lines[where]:
            old, rest = lines[where].split(":", 1)
            lines[where] = old[: len(old) - len(old.lstrip())] + key + ":" + rest
        return lines

    return mutate


def duplicate_block(index: int, length: int, times: int) -> Mutation:
    return lambda lines: [*lines[: index + length], *lines[index : index + length] * times]


def insert_characters(index: int, column: int, text: str) -> Mutation:
    def mutate(lines: list[str]) -> list[str]:
        if lines:
            where = at(index, lines)
            cut = min(column, len(lines[where]))
            lines[where] = lines[where][:cut] + text + lines[where][cut:]
        return lines

    return mutate


def line_endings(ending: str) -> Mutation:
    return lambda lines: [line.replace("\n", ending) for line in lines]


def cut(index: int) -> Mutation:
    return lambda lines: lines[:index]


mutations = st.one_of(
    st.builds(replace_value, line_index, values),
    st.builds(insert_key, line_index, indent, keys, values),
    st.builds(rename_key, line_index, keys),
    st.builds(
        duplicate_block,
        line_index,
        st.integers(min_value=1, max_value=20),
        st.integers(min_value=1, max_value=200),
    ),
    st.builds(
        insert_characters,
        line_index,
        st.integers(min_value=0, max_value=80),
        st.one_of(control, run, st.sampled_from(["\t", "'", '"', "\ufeff", "\u2028"])),
    ),
    st.builds(line_endings, st.sampled_from(["\r\n", "\r"])),
    st.builds(cut, line_index),
)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(mutations, min_size=1, max_size=4))
def test_a_mutated_policy_gives_findings_never_an_exception(mutated: list[Mutation]) -> None:
    lines = list(LINES)
    for mutate in mutated:
        lines = mutate(lines)
    result = check_source(SourceFile(PATH, "".join(lines).encode()))
    assert isinstance(result.findings, list)
    assert all(isinstance(finding, Finding) for finding in result.findings)
    assert result.findings == sorted(result.findings)
    for finding in result.findings:
        assert finding.line >= 0
        assert finding.column >= 0
        assert finding.message
    # A file without a finding is a version the repository rules see; nothing is skipped.
    if not result.findings:
        assert result.version is not None
    per_rule = Counter(finding.rule for finding in result.findings)
    assert max(per_rule.values(), default=0) <= MAX_LISTED_PER_RULE + 1
