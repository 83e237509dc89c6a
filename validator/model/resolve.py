"""As-of resolution: which policy, version and determination applied on a date, and
what it answers for a service in a context.

These are the library functions behind ``policyrepo lookup``, ``show``, ``review`` and
``prior-auth``; they work on the repository model, whatever order its files were read
in. Coverage answers come from :func:`validator.consume.coverage.evaluate`, the function
that answers from a bundle too.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from validator.consume.bundle_answers import supported
from validator.consume.coverage import Context, Evaluation, can_apply, evaluate
from validator.model.coding import CodeGroup
from validator.model.timeline import Policy, Repository, Window
from validator.model.versions import Version


@dataclass(frozen=True)
class Governing:
    """One policy version listing a code on a date: the group (table) it is listed in."""

    version: Version
    window: Window
    group: CodeGroup

    @property
    def determination(self) -> str | None:
        return self.group.determination

    @property
    def basis(self) -> str | None:
        return self.group.basis

    @property
    def heading(self) -> str:
        return self.group.heading


def lookup(repository: Repository, system: str, code: str, on: date) -> list[Governing]:
    """Every version in effect on ``on`` that lists the code for that date of service: a
    dictionary access, then a filter over the few versions that ever list it."""
    found = []
    for version, row in repository.code_index.get((system, code), []):
        window = repository.window(version)
        if window is not None and window.contains(on) and row.dates.contains(on):
            found.append(Governing(version, window, version.group_of(row)))
    return sorted(found, key=lambda g: (g.version.number, g.version.effective, g.group.id))


@dataclass(frozen=True)
class Answer:
    """One version's answer for a service in a context."""

    governing: Governing
    evaluation: Evaluation


def coverage(
    repository: Repository, system: str, code: str, on: date, context: Context
) -> list[Answer]:
    """What every version in effect on ``on`` that lists a service code answers for it in
    ``context``: covered or not, prior authorisation, documentation, limits, criteria,
    and what the context still lacks. Diagnosis and qualifier codes answer nothing here:
    they are not services (see :func:`supports`)."""
    offering = repository.organization.offering
    return [
        Answer(
            governing,
            evaluate(
                governing.version.coverage_rules,
                governing.group.id,
                context,
                governing.version.diagnosis_groups(on),
                offering,
            ),
        )
        for governing in lookup(repository, system, code, on)
        if governing.group.role == "service"
    ]


@dataclass(frozen=True)
class Support:
    """What a diagnosis does in one version: the statements that require it, with their
    services, or (when no statement claims its group) the version's services it pairs with."""

    governing: Governing
    statements: tuple[dict[str, Any], ...]  # the rules of the statements requiring it
    services: tuple[str, ...]  # service group identifiers it concerns


def supports(repository: Repository, system: str, code: str, on: date) -> list[Support]:
    """For a diagnosis code on a date: which services, under which statements, it is
    billed with in every version in effect."""
    found = []
    for governing in lookup(repository, system, code, on):
        if governing.group.role != "diagnosis":
            continue
        requiring, services = supported(governing.version.coverage_rules, governing.group.id)
        found.append(Support(governing, requiring, services))
    return found


@dataclass(frozen=True)
class PriorAuthorization:
    """A code that needs prior authorisation on a date, under one statement of a version."""

    system: str
    code: str
    version: Version
    window: Window
    statement: dict[str, Any]

    @property
    def required(self) -> str:
        return str(self.statement["prior_authorization"]["required"])


def prior_authorizations(
    repository: Repository, on: date, line_of_business: str | None = None
) -> list[PriorAuthorization]:
    """Every service code that needs prior authorisation (required, or conditional) on a
    date, under the statements that say so: with a line of business, only where the
    version and the statement can apply to it."""
    context = Context(line_of_business=line_of_business)
    offering = repository.organization.offering
    found = []
    for policy in repository.policies.values():
        version = policy.in_effect(on)
        if version is None:
            continue
        window = policy.window(version)
        assert window is not None
        rules = version.coverage_rules
        if not can_apply(rules.get("applicability"), context, offering, version_level=True):
            continue
        for statement in rules["statements"]:
            pa = statement.get("prior_authorization")
            if pa is None or pa["required"] == "not-required":
                continue
            if not can_apply(statement.get("applicability"), context, offering):
                continue
            groups = set(statement["services"])
            for row in version.codes:
                if version.group_of(row).id in groups and row.dates.contains(on):
                    found.append(
                        PriorAuthorization(row.system, row.code, version, window, statement)
                    )
    return sorted(found, key=lambda p: (p.system, p.code, p.version.number, p.statement["id"]))


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
    due: date  # the version's next review date
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
            review = version.next_review
            if review is not None and review <= horizon and not policy.reviewed_after(version):
                due.append(Review(version, review, (today - review).days))
    return sorted(due, key=lambda r: (r.due, r.version.number))
