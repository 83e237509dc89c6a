"""As-of resolution: which policy, version and determination applied on a date.

These are the library functions behind ``policyrepo lookup``, ``show`` and ``review``;
they work on the repository model, whatever order its files were read in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from validator.model.timeline import Policy, Repository, Window
from validator.model.versions import Version


@dataclass(frozen=True)
class Governing:
    """One policy version governing a code on a date, with what it determines."""

    version: Version
    window: Window
    determination: str
    basis: str | None
    heading: str


def lookup(repository: Repository, system: str, code: str, on: date) -> list[Governing]:
    """Every version in effect on ``on`` that lists the code: a dictionary access, then
    a filter over the few versions that ever list it."""
    found = []
    for version, row in repository.code_index.get((system, code), []):
        window = repository.window(version)
        if window is not None and window.contains(on):
            group = version.groups[row.group]
            found.append(
                Governing(version, window, group.determination, group.basis, group.heading)
            )
    return sorted(found, key=lambda g: (g.version.number, g.version.effective))


def version_on(repository: Repository, number: str, on: date) -> Version | None:
    policy = repository.policies.get(number)
    return None if policy is None else policy.in_effect(on)


@dataclass(frozen=True)
class Supersession:
    """What a policy supersedes and what superseded it."""

    replaces: list[str]
    replaced_by: list[Version]


def supersession(repository: Repository, policy: Policy) -> Supersession:
    """Replaced policies (legacy ones marked), and the first version of each replacer."""
    replaces = {
        f"{r.number} (legacy)" if r.legacy else r.number
        for version in policy.versions
        for r in version.replaces
    }
    return Supersession(sorted(replaces), repository.replaced_by.get(policy.number, []))


@dataclass(frozen=True)
class Review:
    version: Version
    overdue_days: int  # negative: due in that many days


def due_for_review(repository: Repository, today: date, within: int = 0) -> list[Review]:
    """Versions in effect today, or posted to take effect later, whose next review date
    is before ``today + within`` days; the oldest review date first."""
    horizon = today + timedelta(days=within)
    due = []
    for policy in repository.policies.values():
        for version in policy.versions:
            window = policy.window(version)
            if window is None or (window.end is not None and window.end <= today):
                continue  # never in effect, or already superseded
            if version.next_review <= horizon and not policy.reviewed_after(version):
                due.append(Review(version, (today - version.next_review).days))
    return sorted(due, key=lambda r: (r.version.next_review, r.version.number))
