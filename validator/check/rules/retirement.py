"""Retirement rules: a retirement record retires a policy of the repository once, after it
took effect.

A policy is retired by its record, ``policies/<number>/retirement.yaml`` (the first
format wrote the date on a version instead). The record's policy has versions here; its
date is after the policy's first version takes effect, or the policy never applied; and
a policy retired both ways is retired on one date.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

from validator.check.rules.dates import RETIRED
from validator.check.rules.places import Places
from validator.findings import Finding, Rule, Severity
from validator.model.timeline import Policy, Repository

FAMILY = "Timeline"

ORPHAN = Rule(
    "retirement-orphan",
    Severity.ERROR,
    "A retirement record retires a policy that has no version in the repository.",
    protects="A retirement ends a policy's last version; with no version there is nothing "
    "to end, so the number or the directory is probably wrong.",
    example="# policies/0999/retirement.yaml, and no policies/0999/<effective>.yaml",
    family=FAMILY,
)
CONFLICT = Rule(
    "retirement-conflict",
    Severity.ERROR,
    "A policy is retired by its retirement record and by a first-format version on "
    "different dates.",
    protects="A policy stops applying on one date; with two, the earlier silently wins and "
    "the other is a claim decided wrongly on the days between.",
    example="# policies/0100/retirement.yaml: retired '2015-01-01'\n"
    "# policies/0100/2014-01-01.yaml: status retired, retired '2015-03-01'",
    family=FAMILY,
)


def pointers(data: dict[str, Any]) -> Iterator[str]:
    """A record's number, which the orphan rule reports on."""
    yield "/number"


def check(repository: Repository, today: date, places: Places) -> Iterator[Finding]:
    for record in repository.orphan_retirements:
        yield ORPHAN.finding(
            record.path,
            *places.at(record.path, "/number"),
            f"retires policy {record.number}, which has no version in the repository",
            pointer="/number",
            hint=f"add the policy's versions under policies/{record.number}/, or remove the record",
        )
    for policy in repository.policies.values():
        yield from _before_first_version(policy)
        yield from _two_dates(policy)


def _before_first_version(policy: Policy) -> Iterator[Finding]:
    record = policy.record
    first = next((v for v in policy.versions if not v.is_draft), None)
    if record is None or first is None or record.retired > first.effective:
        return
    yield RETIRED.finding(
        record.path,
        *record.position,
        f"retires policy {policy.number} on {record.retired}, not after its first version "
        f"takes effect on {first.effective} ({first.path}): the policy never applies",
        pointer=record.pointer,
        hint="retire the policy after its first version takes effect",
    )


def _two_dates(policy: Policy) -> Iterator[Finding]:
    record = policy.record
    if record is None:
        return
    for version in policy.versions:
        if version.is_draft or version.retired is None or version.retired == record.retired:
            continue
        yield CONFLICT.finding(
            version.path,
            *version.position("retired"),
            f"retires policy {policy.number} on {version.retired}, but {record.path} retires "
            f"it on {record.retired}",
            pointer="/lifecycle/retired",
            hint=f"keep the retirement in {record.path} alone: remove lifecycle.retired here "
            "and set the status to active, or make the two dates agree",
        )
