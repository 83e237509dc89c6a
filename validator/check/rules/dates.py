"""Date rules for one version: its lifecycle dates are in a possible order.

A version is reviewed after it takes effect; the last review recorded for it happened
on or before the day it took effect (a review after that would have produced a new
version); it is posted before it takes effect; and a retirement date goes with the
retired status and falls after the effective date.
"""

from __future__ import annotations

from collections.abc import Iterator

from validator.findings import Finding, Rule, Severity
from validator.model.versions import Version
from validator.read.document import Document

FAMILY = "Dates"

REVIEW_ORDER = Rule(
    "date-review-order",
    Severity.ERROR,
    "The next review date is not after the effective date.",
    protects="A review scheduled before the version takes effect is a typo, and it would "
    "mark the version overdue from its first day.",
    example="lifecycle:\n  effective: '2011-04-15'\n  next_review: '2010-04-15'",
    family=FAMILY,
)
LAST_REVIEW = Rule(
    "date-last-review-order",
    Severity.ERROR,
    "The last review date is after the effective date.",
    protects="A review recorded after the version took effect belongs to a later version.",
    example="lifecycle:\n  effective: '2011-04-15'\n  last_review: '2012-01-01'",
    family=FAMILY,
)
PUBLISHED = Rule(
    "date-published-after-effective",
    Severity.WARNING,
    "The version was published after it took effect.",
    protects="Payers post versions ahead of their effective date; a later publication "
    "date means a retroactive change, or a typo in one of the dates.",
    example="lifecycle:\n  published: '2011-05-01'\n  effective: '2011-04-15'",
    family=FAMILY,
)
RETIRED = Rule(
    "lifecycle-retired",
    Severity.ERROR,
    "A retirement date without the retired status, the retired status without a date, "
    "or a retirement on or before the effective date (of the version that states it, or "
    "for a retirement record, of the policy's first version).",
    protects="The retirement date ends the policy's last window; it must be stated exactly "
    "when the status says the policy is retired, and after the policy took effect.",
    example="lifecycle:\n  status: retired\n  effective: '2011-04-15'\n  next_review: '2012-04-15'",
    family=FAMILY,
)


def check(doc: Document, version: Version) -> Iterator[Finding]:
    # The schema has checked every date's form; the model holds them as dates.
    effective = version.effective
    if version.next_review is not None and version.next_review <= effective:
        yield _at(
            version,
            REVIEW_ORDER,
            "next_review",
            f"next review {version.next_review} is not after the effective date {effective}",
            "set the next review to a date after the effective date",
        )
    if version.last_review is not None and version.last_review > effective:
        yield _at(
            version,
            LAST_REVIEW,
            "last_review",
            f"last review {version.last_review} is after the effective date {effective}",
            "a review after the effective date is a new version: add a new file",
        )
    if version.published is not None and version.published > effective:
        yield _at(
            version,
            PUBLISHED,
            "published",
            f"published {version.published}, after taking effect on {effective}",
            "check both dates; a correction to a version in effect is a new version",
        )
    if version.status == "retired" and version.retired is None:
        yield _at(
            version,
            RETIRED,
            "status",
            "status is retired but no retirement date is given",
            "add lifecycle.retired: the first day the policy no longer applies",
        )
    elif version.retired is not None and version.status != "retired":
        yield _at(
            version,
            RETIRED,
            "retired",
            f"a retirement date is given but the status is {version.status}",
            "set status: retired, or remove the retirement date",
        )
    elif version.retired is not None and version.retired <= effective:
        yield _at(
            version,
            RETIRED,
            "retired",
            f"retired {version.retired}, not after the effective date {effective}",
            "retire the policy after the version takes effect",
        )


def _at(version: Version, rule: Rule, key: str, message: str, hint: str) -> Finding:
    line, column = version.position(key)
    return rule.finding(version.path, line, column, message, pointer=f"/lifecycle/{key}", hint=hint)
