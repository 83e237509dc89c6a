"""Properties of the timeline, resolution and repository rules over generated repositories.

The oracles here are written from the lifecycle rules in the README, not from the
validator's model: the version in effect on a date is the latest non-draft version
effective on or before it, unless the policy was retired by then.
"""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import date, timedelta
from itertools import pairwise

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.strategies import (
    RepositorySpec,
    VersionSpec,
    dates_to_probe,
    render,
    repositories,
)
from validator.check.validate import validate_sources
from validator.findings import Severity
from validator.model.resolve import lookup, version_on
from validator.read.files import SourceFile

TODAY = date(2030, 1, 1)
PROPERTY_SETTINGS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


def oracle_version(spec: RepositorySpec, number: str, day: date) -> VersionSpec | None:
    in_force = [v for v in spec.versions if v.number == number and v.status != "draft"]
    retirements = [v.retired for v in in_force if v.retired is not None]
    if retirements and day >= min(retirements):
        return None
    started = [v for v in in_force if v.effective <= day]
    return max(started, key=lambda v: v.effective) if started else None


def oracle_lookup(spec: RepositorySpec, system: str, code: str, day: date) -> set[tuple]:
    answers = set()
    for number in {v.number for v in spec.versions}:
        version = oracle_version(spec, number, day)
        if version is None:
            continue
        for row_system, row_code, determination in version.codes:
            if (row_system, row_code) == (system, code):
                answers.add((number, version.effective, determination))
    return answers


def errors_of(spec: RepositorySpec) -> list[str]:
    report = validate_sources(spec.sources(), TODAY)
    return [f"{f.path}: {f.rule}" for f in report.findings if f.severity is Severity.ERROR]


@PROPERTY_SETTINGS
@given(repositories())
def test_a_generated_valid_repository_has_no_errors(spec: RepositorySpec) -> None:
    assert errors_of(spec) == []


@PROPERTY_SETTINGS
@given(repositories())
def test_windows_of_a_policy_never_overlap(spec: RepositorySpec) -> None:
    repository = validate_sources(spec.sources(), TODAY).repository
    for policy in repository.policies.values():
        windows = sorted(policy.windows.values(), key=lambda w: w.start)
        for earlier, later in pairwise(windows):
            assert not earlier.overlaps(later)
        for day in dates_to_probe(spec):
            assert sum(w.contains(day) for w in windows) <= 1


@PROPERTY_SETTINGS
@given(repositories())
def test_resolution_agrees_with_the_oracle_on_every_boundary(spec: RepositorySpec) -> None:
    repository = validate_sources(spec.sources(), TODAY).repository
    codes = {(s, c) for v in spec.versions for s, c, _ in v.codes}
    for day in dates_to_probe(spec):
        for number in {v.number for v in spec.versions}:
            expected = oracle_version(spec, number, day)
            found = version_on(repository, number, day)
            assert (found.path if found else None) == (expected.path if expected else None)
        for system, code in codes:
            answers = {
                (g.version.number, g.version.effective, g.determination)
                for g in lookup(repository, system, code, day)
            }
            assert answers == oracle_lookup(spec, system, code, day)


@PROPERTY_SETTINGS
@given(repositories(), st.randoms(use_true_random=False))
def test_results_do_not_depend_on_the_order_files_are_read(
    spec: RepositorySpec, shuffler: random.Random
) -> None:
    sources = spec.sources()
    shuffled = list(sources)
    shuffler.shuffle(shuffled)
    first = validate_sources(sources, TODAY)
    second = validate_sources(shuffled, TODAY)
    assert first.findings == second.findings
    for day in dates_to_probe(spec):
        for system, code in first.repository.code_index:
            assert lookup(first.repository, system, code, day) == lookup(
                second.repository, system, code, day
            )


# Each defect below is injected into a valid generated repository; the rule named must
# then be reported.


def _in_force(spec: RepositorySpec) -> list[VersionSpec]:
    return [v for v in spec.versions if v.status != "draft"]


def _swap(spec: RepositorySpec, old: VersionSpec, new: VersionSpec) -> list[SourceFile]:
    """The repository's files with one version rewritten."""
    return [s for s in spec.sources() if s.path != old.path] + [
        SourceFile(new.path, render(new).encode())
    ]


with_versions_in_force = repositories().filter(lambda spec: bool(_in_force(spec)))


def _add(spec: RepositorySpec, *versions: VersionSpec) -> list[SourceFile]:
    return spec.sources() + [SourceFile(v.path, render(v).encode()) for v in versions]


def _rules(sources: list[SourceFile]) -> set[str]:
    return {f.rule for f in validate_sources(sources, TODAY).findings}


@PROPERTY_SETTINGS
@given(with_versions_in_force)
def test_two_versions_effective_the_same_day_are_reported(spec: RepositorySpec) -> None:
    target = _in_force(spec)[0]
    twin = SourceFile(
        f"policies/{target.number}/{target.effective}-copy.yaml",
        render(replace(target, retired=None, status="active")).encode(),
    )
    assert "timeline-same-effective" in _rules([*spec.sources(), twin])


@PROPERTY_SETTINGS
@given(with_versions_in_force)
def test_a_dangling_replacement_is_reported(spec: RepositorySpec) -> None:
    target = _in_force(spec)[-1]
    broken = replace(target, replaces=(*target.replaces, "0999"))
    assert "supersession-unknown" in _rules(_swap(spec, target, broken))


@PROPERTY_SETTINGS
@given(repositories().filter(lambda spec: spec.replacer is not None and bool(spec.replaced)))
def test_a_cycle_of_replacements_is_reported(spec: RepositorySpec) -> None:
    back = next(v for v in _in_force(spec) if v.number == spec.replaced[0])
    looped = replace(back, replaces=(spec.replacer,))
    sources = [s for s in spec.sources() if s.path != back.path]
    assert "supersession-cycle" in _rules(
        [*sources, SourceFile(looped.path, render(looped).encode())]
    )


@PROPERTY_SETTINGS
@given(repositories(), st.integers(0, 3000))
def test_icd9_after_the_switch_is_reported(spec: RepositorySpec, offset: int) -> None:
    late = VersionSpec(
        "0900",
        date(2015, 10, 1) + timedelta(days=offset),
        codes=(("ICD-9-CM", "V57.22", "not-covered"),),
        next_review=TODAY + timedelta(days=1),
    )
    assert "code-system-dates" in _rules(_add(spec, late))


@PROPERTY_SETTINGS
@given(repositories(), st.integers(0, 3000))
def test_conflicting_determinations_on_one_date_are_reported(
    spec: RepositorySpec, offset: int
) -> None:
    effective = date(2010, 1, 1) + timedelta(days=offset)
    covered = VersionSpec("0901", effective, codes=(("CPT", "99999", "covered"),))
    refused = VersionSpec("0902", effective, codes=(("CPT", "99999", "not-covered"),))
    assert "code-conflict" in _rules(_add(spec, covered, refused))
