"""Dates-of-service rules: when a code or a code group applies, inside its version.

``dates_of_service`` says when, inside the version's window, a code or a whole table
applies ("effective for dates of service on or after 04/01/2022"). Its ``through`` is
not before its ``from``; neither date is before the version takes effect, when the
version applies to nothing; and a ``from`` is before the version stops applying, or the
code never applies in it. A ``through`` past the window's end is as printed: the next
version or the retirement ends it.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

from validator.check.rules.places import Places
from validator.findings import Finding, Rule, Severity
from validator.model.timeline import Repository, Window
from validator.model.versions import Version
from validator.read.document import Document

FAMILY = "Dates"

ORDER = Rule(
    "dates-of-service-order",
    Severity.ERROR,
    "The last date of service of a code or group (`through`) is before its first (`from`).",
    protects="Dates of service that end before they begin hold no day: the code would "
    "never apply. One of the dates is mistyped.",
    example="dates_of_service:\n  from: '2022-04-01'\n  through: '2021-12-31'",
    family=FAMILY,
)
WINDOW = Rule(
    "dates-of-service-window",
    Severity.ERROR,
    "Dates of service of a code or group fall before the version takes effect, or start "
    "after it stops applying.",
    protects="Dates of service narrow the version's window. A date before the version "
    "takes effect says nothing the version can apply, and a first date after its window "
    "means the code never applies in it: the dates belong to another version.",
    example="# policies/0100/2020-01-01.yaml\ndates_of_service:\n  from: '2019-10-01'",
    family=FAMILY,
)


def check(doc: Document, version: Version) -> Iterator[Finding]:
    """Each ``through`` against its ``from``."""
    for where, dates in _dates_of_service(version.document):
        first, last = _bounds(dates)
        if first is not None and last is not None and last < first:
            pointer = f"{where}/through"
            yield ORDER.finding(
                doc.path,
                *doc.position(pointer),
                f"dates of service run from {first} through {last}, which ends before it begins",
                pointer=pointer,
                hint="check both dates; `through` is the last date of service, included",
            )


def pointers(data: dict[str, Any]) -> Iterator[str]:
    """Every from and through date: the window rule reports on them."""
    for where, dates in _dates_of_service(data):
        for key in ("from", "through"):
            if key in dates:
                yield f"{where}/{key}"


def check_window(repository: Repository, today: date, places: Places) -> Iterator[Finding]:
    """Each date against the window of its version, which the repository decides."""
    for policy in repository.policies.values():
        for version in policy.versions:
            window = policy.window(version)
            if window is None:
                if not version.is_draft:
                    continue  # never in effect: the timeline rules say why
                window = Window(version.effective, None)  # a draft's, were it made active
            for where, dates in _dates_of_service(version.document):
                yield from _within(version, window, where, dates, places)


def _within(
    version: Version, window: Window, where: str, dates: dict[str, str], places: Places
) -> Iterator[Finding]:
    first, last = _bounds(dates)
    if first is not None and last is not None and last < first:
        return  # the order rule reports it; no window can hold these dates
    for key, day in (("from", first), ("through", last)):
        if day is None:
            continue
        pointer = f"{where}/{key}"
        if day < window.start:
            which = "first" if key == "from" else "last"
            message = (
                f"the {which} date of service, {day}, is before the version takes effect on "
                f"{window.start}"
            )
            hint = f"remove the date, or check it: the version applies from {window.start} anyway"
        elif key == "from" and window.end is not None and day >= window.end:
            message = (
                f"the first date of service, {day}, is after the version stops applying (it "
                f"applies {window.describe()}): the code never applies in it"
            )
            hint = "move the code to the version in effect then, or correct the date"
        else:
            continue
        yield WINDOW.finding(
            version.path, *places.at(version.path, pointer), message, pointer=pointer, hint=hint
        )


def _dates_of_service(document: dict[str, Any]) -> Iterator[tuple[str, dict[str, str]]]:
    """Each dates_of_service of a version's groups and codes, with its pointer."""
    for index, group in enumerate(document.get("coding", {}).get("groups", [])):
        where = f"/coding/groups/{index}"
        if "dates_of_service" in group:
            yield f"{where}/dates_of_service", group["dates_of_service"]
        for item, entry in enumerate(group.get("codes", ())):
            if "dates_of_service" in entry:
                yield f"{where}/codes/{item}/dates_of_service", entry["dates_of_service"]


def _bounds(dates: dict[str, str]) -> tuple[date | None, date | None]:
    first, last = dates.get("from"), dates.get("through")
    return (
        date.fromisoformat(first) if first else None,
        date.fromisoformat(last) if last else None,
    )
