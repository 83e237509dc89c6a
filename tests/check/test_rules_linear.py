"""The repository-wide rules do work in proportion to the versions, however many of them
list one code: the work is counted, not timed, so that a busy machine cannot fail this.

The repositories are those ``benchmarks/bench_rules.py`` times: every version lists CPT
97545; in ``history`` policies follow each other and every rule has work, in ``agree``
every version is in effect at once and covers the code, in ``disagree`` the same with
determinations alternating, so that every version but the first is a conflict. A
profile hook counts every call the rules make; it cannot see a loop that makes none, so
the conflict sweep's helpers are counted too, and a consolidation of many policies counts
each look at its declarations.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import date
from types import FrameType
from typing import Any

import pytest

from benchmarks.bench_rules import SHAPES, TODAY, overlapping, repository
from validator.check.rules import coverage, supersession
from validator.check.rules.places import NOWHERE
from validator.check.rules.scopes import ScopeNumbers
from validator.check.validate import check_repository
from validator.findings import Finding
from validator.model.timeline import Repository
from validator.model.versions import Replacement

#: The smaller repository; the larger has four times its versions.
SMALL = 250
#: Four times the versions may cost four times the work, and a tenth more: work that
#: grows with the square of the versions would cost sixteen times.
MOST = 4 * 1.1

#: What the conflict sweep does for each row it looks at: the days a row applies, its
#: scope, whether two scopes meet, and each look at the rows kept in effect.
SWEEP_HELPERS: tuple[tuple[type, str], ...] = (
    (coverage._DaysOfRows, "of"),
    (ScopeNumbers, "of"),
    (ScopeNumbers, "meet"),
    (coverage._Longest, "add"),
    (coverage._Longest, "over"),
    (coverage._Longest, "of_another_policy"),
)


@pytest.fixture(scope="module", autouse=True)
def _warm() -> None:
    """Run the rules once first: loading the code sets is work done once per process."""
    for shape in SHAPES:
        check_repository(repository(shape, 8), TODAY)


def _calls(model: Repository) -> tuple[int, list[Finding]]:
    """How many functions, Python and built-in, the repository rules call on ``model``
    (a generator's every resume counts), and what they find. Counted by a profile hook:
    coverage measurement uses the trace hook, and keeps it."""
    count = 0
    before = sys.getprofile()

    def profile(frame: FrameType, event: str, arg: Any) -> None:
        nonlocal count
        if event in ("call", "c_call"):
            count += 1

    sys.setprofile(profile)
    try:
        found = check_repository(model, TODAY)
    finally:
        sys.setprofile(before)
    return count, found


def _sweep_work(monkeypatch: pytest.MonkeyPatch, shape: str, size: int) -> tuple[int, int]:
    """Calls of the sweep's helpers, and the conflicts found, for one repository."""
    model = repository(shape, size)
    count = 0

    def counting(original: Callable[..., Any]) -> Callable[..., Any]:
        def counted(*args: Any) -> Any:
            nonlocal count
            count += 1
            return original(*args)

        return counted

    with monkeypatch.context() as patch:
        for owner, name in SWEEP_HELPERS:
            patch.setattr(owner, name, counting(getattr(owner, name)))
        found = check_repository(model, TODAY)
    return count, sum(1 for finding in found if finding.rule == coverage.CONFLICT.id)


@pytest.mark.parametrize("shape", SHAPES)
def test_every_repository_rule_does_linear_work(shape: str) -> None:
    small, large = (_calls(repository(shape, n)) for n in (SMALL, 4 * SMALL))
    assert small[0] > SMALL  # the hook counted the rules' work
    assert len(large[1]) <= MOST * len(small[1])  # and the findings grow no faster
    assert large[0] <= MOST * small[0], (shape, small[0], large[0])


def test_a_consolidation_of_many_policies_is_linear_work() -> None:
    # A version that replaces N policies: each of its declarations is looked at a bounded
    # number of times, not once for every declaration before it.
    (small, small_found), (large, large_found) = (_consolidation(n) for n in (SMALL, 4 * SMALL))
    assert large_found == 4 * small_found  # each replaced policy is still in effect
    assert small >= SMALL
    assert large <= MOST * small, (small, large)


class _Declared(tuple[Replacement, ...]):
    """A version's replacements, counting each look at one of them."""

    looked_at = 0

    def __iter__(self) -> Iterator[Replacement]:
        for replacement in super().__iter__():
            _Declared.looked_at += 1
            yield replacement


def _consolidation(size: int) -> tuple[int, int]:
    """Looks at the declarations of a version replacing ``size`` policies (each still in
    effect when it takes effect), and what the supersession rules find."""
    versions, _ = overlapping(size, alternate=False)
    replaces = _Declared(
        Replacement(version.number, None, False, (8 + index, 13), f"/replaces/{index}/number")
        for index, version in enumerate(versions)
    )
    effective = date(2020, 1, 1)
    consolidated = replace(
        versions[0],
        path=f"policies/99999/{effective}.yaml",
        number="99999",
        effective=effective,
        replaces=replaces,
    )
    model = Repository.build([*versions, consolidated])
    _Declared.looked_at = 0
    found = list(supersession.check(model, TODAY, NOWHERE))
    return _Declared.looked_at, len(found)


@pytest.mark.parametrize("shape", SHAPES)
def test_the_conflict_sweep_looks_at_each_row_a_bounded_number_of_times(
    monkeypatch: pytest.MonkeyPatch, shape: str
) -> None:
    (small, small_conflicts), (large, large_conflicts) = (
        _sweep_work(monkeypatch, shape, n) for n in (SMALL, 4 * SMALL)
    )
    assert small >= SMALL  # every version's row was looked at
    assert large <= MOST * small, (shape, small, large)
    if shape == "disagree":
        # Every version but the first meets one of the other determination.
        assert (small_conflicts, large_conflicts) == (SMALL - 1, 4 * SMALL - 1)
    else:
        assert small_conflicts == large_conflicts == 0


def test_the_count_would_catch_work_that_grows_with_the_square(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A sweep that asked of each row whether it meets every row before it, as one that
    # kept every row in effect would, does sixteen times the work on four times the rows.
    small, _ = _quadratic(monkeypatch, SMALL)
    large, _ = _quadratic(monkeypatch, 4 * SMALL)
    assert large > MOST * small


def _quadratic(monkeypatch: pytest.MonkeyPatch, size: int) -> tuple[int, int]:
    """The sweep's work when each row is also compared with every row before it."""
    seen: list[int] = []
    disagreeing = coverage._disagreeing

    def every_row_before(
        in_effect: Any, entry: coverage._Entry, scopes: ScopeNumbers
    ) -> coverage._Entry | None:
        for scope in seen:
            scopes.meet(scope, entry.scope)
        seen.append(entry.scope)
        return disagreeing(in_effect, entry, scopes)

    with monkeypatch.context() as patch:
        patch.setattr(coverage, "_disagreeing", every_row_before)
        return _sweep_work(monkeypatch, "disagree", size)
