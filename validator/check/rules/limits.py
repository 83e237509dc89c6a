"""Limit rules for one version: every quantity or frequency limit can be applied.

A limit counts the units or services of its statement's service groups over a look-back
window (``per``). A frequency ("once per 12 months") needs the window; a grace period
lets a repeat come early, so it is shorter than the window; and a statement that names
no services has nothing to count: its limits reach no answer.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from validator.findings import Finding, Rule, Severity
from validator.model.versions import Version
from validator.read.document import Document

FAMILY = "Statements"

GRACE = Rule(
    "limit-grace",
    Severity.ERROR,
    "A limit's grace period is not shorter than its window, or it has a grace period "
    "and no window.",
    protects="A grace period lets a refill or repeat come early within the window; one as "
    "long as the window would let every repeat come at once, so a unit is wrong.",
    example="limits:\n  - id: strips\n    kind: units\n    quantity: 18\n"
    "    per: {count: 90, unit: day}\n    grace: {count: 3, unit: month}\n    ...",
    family=FAMILY,
)
WINDOW = Rule(
    "limit-window-missing",
    Severity.ERROR,
    "A limit on how often a service is performed has no window (`per`).",
    protects='"1 service" means nothing until it says per what: per 12 months, per '
    "year. Without `per` the limit cannot be applied to a claim.",
    example="limits:\n  - id: yearly\n    kind: services\n    quantity: 1\n    scope: member\n"
    "    text: Once per year.  # per: {count: 1, unit: year} is missing",
    family=FAMILY,
)
WITHOUT_SERVICES = Rule(
    "limit-without-services",
    Severity.ERROR,
    "A limit is given on a coverage statement that names no service groups.",
    protects="A limit counts the units or services of the statement's service groups; a "
    "statement without `services` governs no code, so its limits are never applied.",
    example="coverage:\n  - id: general\n    ...  # no services\n    limits:\n"
    "      - {id: strips, kind: units, quantity: 18, scope: member, text: 18 units}",
    family=FAMILY,
)

#: The fewest and the most days a period's unit can span.
_DAYS = {"day": (1, 1), "week": (7, 7), "month": (28, 31), "year": (365, 366)}


def check(doc: Document, version: Version) -> Iterator[Finding]:
    for index, statement in enumerate(version.document.get("coverage", [])):
        for item, limit in enumerate(statement.get("limits", ())):
            where = f"/coverage/{index}/limits/{item}"
            yield from _limit(doc, statement, limit, where)


def _limit(
    doc: Document, statement: dict[str, Any], limit: dict[str, Any], where: str
) -> Iterator[Finding]:
    named = f"limit {limit['id']!r}"
    if not statement.get("services"):
        pointer = f"{where}/id"
        yield WITHOUT_SERVICES.finding(
            doc.path,
            *doc.position(pointer),
            f"{named} is on statement {statement['id']!r}, which names no services to count",
            pointer=pointer,
            hint="add the statement's service groups under `services`, or move the limit "
            "to the statement that governs them",
        )
    per, grace = limit.get("per"), limit.get("grace")
    if per is None and limit["kind"] == "services":
        pointer = f"{where}/kind"
        yield WINDOW.finding(
            doc.path,
            *doc.position(pointer),
            f"{named} allows {_counted(limit['quantity'], 'service')} but does not say per how "
            "long",
            pointer=pointer,
            hint='add `per`, the look-back window: for "once per 12 months", '
            "per: {count: 12, unit: month}",
        )
    if grace is None:
        return
    pointer = f"{where}/grace"
    if per is None:
        message = f"{named} has a grace period of {_period(grace)} but no window to shorten"
        hint = "add `per`, the window the grace period lets a repeat come early in"
    elif _DAYS[grace["unit"]][0] * grace["count"] >= _DAYS[per["unit"]][1] * per["count"]:
        message = (
            f"{named} has a grace period of {_period(grace)}, not shorter than its window "
            f"of {_period(per)}"
        )
        hint = "check both periods: a grace period is a few days or weeks of the window"
    else:
        return
    yield GRACE.finding(doc.path, *doc.position(pointer), message, pointer=pointer, hint=hint)


def _period(period: dict[str, Any]) -> str:
    return _counted(period["count"], period["unit"])


def _counted(count: int, unit: str) -> str:
    return f"{count} {unit}{'' if count == 1 else 's'}"
