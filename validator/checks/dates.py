"""Date rules: the lifecycle dates of one version are in a possible order.

A version is reviewed after it takes effect, and the last review recorded for it
happened on or before the day it took effect (a review after that would have produced
a new version).
"""

from __future__ import annotations

from collections.abc import Iterator

from validator.findings import Finding, Severity
from validator.loader import Document
from validator.rules import register

FAMILY = "Dates"

REVIEW_ORDER = register(
    "date-review-order",
    Severity.ERROR,
    "The next review date is not after the effective date.",
    protects="A review scheduled before the version takes effect is a typo, and it would "
    "mark the version overdue from its first day.",
    example="lifecycle:\n  effective: '2011-04-15'\n  next_review: '2010-04-15'",
    family=FAMILY,
)
LAST_REVIEW = register(
    "date-last-review-order",
    Severity.ERROR,
    "The last review date is after the effective date.",
    protects="A review recorded after the version took effect belongs to a later version.",
    example="lifecycle:\n  effective: '2011-04-15'\n  last_review: '2012-01-01'",
    family=FAMILY,
)


def check(doc: Document) -> Iterator[Finding]:
    # ISO dates compare correctly as strings; the schema has already checked the form.
    lifecycle = doc.data["lifecycle"]
    effective = lifecycle["effective"]
    next_review = lifecycle["next_review"]
    if next_review <= effective:
        line, column = doc.position("/lifecycle/next_review")
        yield REVIEW_ORDER.finding(
            doc.path,
            line,
            column,
            f"next review {next_review} is not after the effective date {effective}",
            pointer="/lifecycle/next_review",
            hint="set the next review to a date after the effective date",
        )
    last_review = lifecycle.get("last_review")
    if last_review is not None and last_review > effective:
        line, column = doc.position("/lifecycle/last_review")
        yield LAST_REVIEW.finding(
            doc.path,
            line,
            column,
            f"last review {last_review} is after the effective date {effective}",
            pointer="/lifecycle/last_review",
            hint="a review after the effective date is a new version: add a new file",
        )
