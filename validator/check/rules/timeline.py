"""Timeline rules: the versions of each policy form one history a claim can be decided on.

Fails, for example, on two versions of 0324 both effective 2011-04-15, on a version
that takes effect after its policy was retired, on a version in effect today whose
next review date has passed, and on an active version with no next review date where the
organisation schedules reviews (``reviews`` in policies/organization.yaml).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import date

from validator.check.rules.places import NOWHERE, Places
from validator.findings import Finding, Rule, Severity
from validator.model.timeline import Policy, Repository
from validator.model.versions import Version

FAMILY = "Timeline"

SAME_EFFECTIVE = Rule(
    "timeline-same-effective",
    Severity.ERROR,
    "Two versions of one policy take effect on the same date.",
    protects="Only one version may govern a date of service; with two, the answer would "
    "depend on which file was read last.",
    example="# policies/0324/2011-04-15.yaml and a second file also effective 2011-04-15",
    family=FAMILY,
)
AFTER_RETIREMENT = Rule(
    "timeline-after-retirement",
    Severity.ERROR,
    "A version takes effect on or after the date its policy was retired.",
    protects="A retired policy applies to nothing; a later version would never be in "
    "effect, which is not what its author meant.",
    example="# 2014-01-01.yaml: status retired, retired '2015-01-01'\n"
    "# 2016-01-01.yaml: status active",
    family=FAMILY,
)
PUBLISHED_ORDER = Rule(
    "timeline-published-order",
    Severity.WARNING,
    "A version was published before an earlier-effective version of the same policy.",
    protects="Versions are posted in the order they take effect; out of order, one of the "
    "dates is probably wrong.",
    example="# 2012-01-01.yaml published 2011-06-01\n# 2013-01-01.yaml published 2011-01-01",
    family=FAMILY,
)
REVIEW_OVERDUE = Rule(
    "review-overdue",
    Severity.WARNING,
    "The version in effect today has passed its next review date.",
    protects="Policies must be reviewed on schedule; an overdue review is the policy "
    "team's to-do list (`policyrepo review` lists them all).",
    example="lifecycle:\n  effective: '2011-04-15'\n  next_review: '2013-04-15'  # today is later",
    family=FAMILY,
)
REVIEW_MISSING = Rule(
    "review-next-missing",
    Severity.ERROR,
    "A version has no next review date, and the organisation schedules reviews.",
    protects="Where every policy is reviewed on a schedule, a version without its next "
    "review date drops out of `policyrepo review` and is never reviewed.",
    example="lifecycle:\n  status: active\n  effective: '2020-01-01'  # no next_review",
    family=FAMILY,
)


def check(repository: Repository, today: date, places: Places = NOWHERE) -> Iterator[Finding]:
    """O(V) over all versions once they are sorted per policy."""
    for policy in repository.policies.values():
        in_force = [v for v in policy.versions if not v.is_draft]
        if repository.organization.reviews_scheduled:
            yield from _without_review(in_force)
        for earlier, later in itertools.pairwise(in_force):
            if earlier.effective == later.effective:
                line, column = later.position("effective")
                yield SAME_EFFECTIVE.finding(
                    later.path,
                    line,
                    column,
                    f"policy {policy.number} already has a version effective "
                    f"{later.effective}: {earlier.path}",
                    pointer="/lifecycle/effective",
                    hint="give each version its own effective date, or make one a draft",
                )
        yield from _publication_order(in_force)
        yield from _after_retirement(policy)
        current = policy.in_effect(today)
        due = current.next_review if current is not None else None
        if (
            current is not None
            and due is not None
            and current.effective < due < today
            and not policy.reviewed_after(current)
        ):
            line, column = current.position("next_review")
            yield REVIEW_OVERDUE.finding(
                current.path,
                line,
                column,
                f"review overdue since {due} ({(today - due).days} days on {today})",
                pointer="/lifecycle/next_review",
                hint="review the policy and add a new version with a new next review date",
            )


def _publication_order(in_force: list[Version]) -> Iterator[Finding]:
    """Each published date against the latest one of any earlier-effective version."""
    latest: Version | None = None
    for version in in_force:
        if version.published is None:
            continue
        if latest is not None and latest.published and version.published < latest.published:
            line, column = version.position("published")
            yield PUBLISHED_ORDER.finding(
                version.path,
                line,
                column,
                f"published {version.published}, before {latest.path} (effective "
                f"{latest.effective}) was published on {latest.published}",
                pointer="/lifecycle/published",
                hint="check the published and effective dates of both versions",
            )
        if latest is None or (latest.published and version.published > latest.published):
            latest = version


def _without_review(in_force: list[Version]) -> Iterator[Finding]:
    for version in in_force:
        if version.next_review is not None:
            continue
        line, column = version.position("status")
        yield REVIEW_MISSING.finding(
            version.path,
            line,
            column,
            f"this {version.status} version has no next review date, and the organisation "
            "schedules reviews",
            pointer="/lifecycle",
            hint="add lifecycle.next_review, or say `reviews: not-scheduled` in "
            "policies/organization.yaml",
        )


def _after_retirement(policy: Policy) -> Iterator[Finding]:
    retiring = policy.retirement
    if retiring is None:
        return
    first = next((v for v in policy.versions if not v.is_draft), None)
    if retiring is policy.record and first is not None and retiring.retired <= first.effective:
        return  # the record retires the policy before it began: the record is the finding
    for version in policy.versions:
        # A retiring version's own dates are the lifecycle-retired rule's to judge.
        if version.is_draft or version is retiring.version or version.effective < retiring.retired:
            continue
        line, column = version.position("effective")
        yield AFTER_RETIREMENT.finding(
            version.path,
            line,
            column,
            f"takes effect {version.effective}, but policy {policy.number} was retired on "
            f"{retiring.retired} by {retiring.path}",
            pointer="/lifecycle/effective",
            hint=f"move the retirement in {retiring.path} after this version, or make this a "
            "new policy",
        )
