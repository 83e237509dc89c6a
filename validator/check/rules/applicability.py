"""Applicability rules: who and where a version, and each of its statements, applies to.

Every line of business a policy names is one of the standard lines or a product the
organisation declares (``policies/organization.yaml``); an age range has its youngest
age first; a states list leaves some state; and a statement's applicability narrows the
version's, never reaching past it: a statement about Tennessee in a version that
excludes Tennessee would never be read.

Fails, for example, on ``lines_of_business: [comercial]``, on ``ages: {minimum: 65,
maximum: 18}``, and on a statement for ``settings: [facility]`` in a version that
applies to ``settings: [professional]`` only.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from validator.check.rules.naming import Nearest, shown
from validator.check.rules.places import Places
from validator.check.rules.scopes import AGE_RANGE, ALL_STATES, states_of
from validator.consume.coverage import LINES_OF_BUSINESS
from validator.findings import Finding, Rule, Severity
from validator.model.organization import Organization
from validator.model.timeline import Repository
from validator.model.versions import Version
from validator.read.document import Document

FAMILY = "Applicability"

LINE_UNKNOWN = Rule(
    "applicability-line-unknown",
    Severity.ERROR,
    "A line of business is neither a standard line nor a product of the organisation.",
    protects="A claim's line of business is matched by name; a misspelt line or an "
    "undeclared product matches no claim, so the policy silently applies to nobody there.",
    example="applicability:\n  lines_of_business: [comercial]  # commercial",
    family=FAMILY,
)
OUTSIDE_VERSION = Rule(
    "applicability-outside-version",
    Severity.WARNING,
    "A statement names a line of business, state, setting, place of service, age or sex "
    "that the version's applicability leaves out.",
    protects="A statement narrows the version it is part of; what the version excludes "
    "never reaches the statement, so its wording promises coverage no claim can get.",
    example="applicability:\n  settings: [professional]\ncoverage:\n  - id: inpatient\n"
    "    applicability:\n      settings: [facility]",
    family=FAMILY,
)
AGES = Rule(
    "applicability-ages",
    Severity.ERROR,
    "An age range's minimum is above its maximum.",
    protects="No member is both at least the minimum and at most the maximum age; the "
    "ends are swapped, and the policy would apply to no one.",
    example="applicability:\n  ages: {minimum: 65, maximum: 18}",
    family=FAMILY,
)
STATES = Rule(
    "applicability-states",
    Severity.ERROR,
    "A states list leaves no state: it excludes every state, or a statement excludes "
    "every state its version applies in.",
    protects="An applicability that holds in no state makes the policy, or the statement, "
    "apply to nobody; an include list was probably meant.",
    example="applicability:\n  states: {include: [TN]}\ncoverage:\n  - id: outside-tennessee\n"
    "    applicability:\n      states: {exclude: [TN]}",
    family=FAMILY,
)

#: The value lists a statement's applicability may narrow, with how a reader calls one.
_LISTS = (("settings", "setting"), ("places_of_service", "place of service"), ("sexes", "sex"))


def check(doc: Document, version: Version) -> Iterator[Finding]:
    """The rules that need nothing but the version: ages, states and lists."""
    document = version.document
    scopes = [("/applicability", document.get("applicability"))]
    scopes += [
        (f"/coverage/{index}/applicability", statement.get("applicability"))
        for index, statement in enumerate(document.get("coverage", []))
    ]
    for where, scope in scopes:
        if scope is not None:
            yield from _ages_in_order(doc, where, scope)
            yield from _some_state(doc, where, scope)
    outer = document.get("applicability") or {}
    for index, statement in enumerate(document.get("coverage", [])):
        inner = statement.get("applicability")
        if inner is not None and outer:
            named = f"statement {statement['id']!r}"
            where = f"/coverage/{index}/applicability"
            yield from _states_within(doc, where, named, inner, outer)
            yield from _lists_within(doc, where, named, inner, outer)
            yield from _ages_within(doc, where, named, inner, outer)


def pointers(data: dict[str, Any]) -> Iterator[str]:
    """Every line of business named: the repository-wide rules report on them."""
    for where, lines in _lines_named(data):
        for item in range(len(lines)):
            yield f"{where}/lines_of_business/{item}"


def check_lines(repository: Repository, today: date, places: Places) -> Iterator[Finding]:
    """Lines of business, which need the organisation's products."""
    organization = repository.organization
    declared = shown(organization.products) or "none declared"
    known = (*LINES_OF_BUSINESS, *organization.products)
    for version in repository.versions():
        nearest = Nearest(known)
        for where, lines in _lines_named(version.document):
            for item, line in enumerate(lines):
                if organization.knows(line):
                    continue
                pointer = f"{where}/lines_of_business/{item}"
                yield LINE_UNKNOWN.finding(
                    version.path,
                    *places.at(version.path, pointer),
                    f"line of business {line!r} is neither a standard line "
                    f"({', '.join(LINES_OF_BUSINESS)}) nor a product of the organisation "
                    f"({declared})",
                    pointer=pointer,
                    hint=_correction(nearest.to(line)),
                )
        outer = (version.document.get("applicability") or {}).get("lines_of_business")
        if outer is None:
            continue  # the version names no line: its statements may name any
        version_lines = _VersionLines(frozenset(outer), shown(outer))
        for index, statement in enumerate(version.document.get("coverage", [])):
            inner = (statement.get("applicability") or {}).get("lines_of_business")
            if inner is not None:
                where = f"/coverage/{index}/applicability"
                yield from _lines_within(
                    version, places, where, statement, inner, version_lines, organization
                )


@dataclass(frozen=True)
class _VersionLines:
    """The lines of business a version names, and how a message lists them."""

    names: frozenset[str]
    listing: str


def _lines_named(document: dict[str, Any]) -> Iterator[tuple[str, list[str]]]:
    """The lines of business of the version and of each statement, with where they are."""
    scopes = [("/applicability", document.get("applicability"))]
    scopes += [
        (f"/coverage/{index}/applicability", statement.get("applicability"))
        for index, statement in enumerate(document.get("coverage", []))
    ]
    for where, scope in scopes:
        if scope is not None and "lines_of_business" in scope:
            yield where, scope["lines_of_business"]


def _correction(close: str | None) -> str:
    declare = "declare the product under `products` in policies/organization.yaml"
    return f"did you mean {close!r}? If not, {declare}" if close else f"correct it, or {declare}"


def _lines_within(
    version: Version,
    places: Places,
    where: str,
    statement: dict[str, Any],
    inner: list[str],
    outer: _VersionLines,
    organization: Organization,
) -> Iterator[Finding]:
    """A statement's line or product within the version's: the same, or a product of a
    line the version names. An unknown name is reported as unknown, not as outside."""
    for item, line in enumerate(inner):
        within = line in outer.names or organization.products.get(line) in outer.names
        if within or not organization.knows(line):
            continue
        pointer = f"{where}/lines_of_business/{item}"
        yield OUTSIDE_VERSION.finding(
            version.path,
            *places.at(version.path, pointer),
            f"statement {statement['id']!r} names {line}, but the version applies only to "
            f"{outer.listing}",
            pointer=pointer,
            hint=f"remove {line} from the statement, or add it to the version's applicability",
        )


def _ages_in_order(doc: Document, where: str, scope: dict[str, Any]) -> Iterator[Finding]:
    ages = scope.get("ages", {})
    low, high = ages.get("minimum"), ages.get("maximum")
    if low is not None and high is not None and low > high:
        pointer = f"{where}/ages/minimum"
        yield AGES.finding(
            doc.path,
            *doc.position(pointer),
            f"ages from {low} to {high}: the minimum is above the maximum",
            pointer=pointer,
            hint=f"swap them: minimum {high}, maximum {low}",
        )


def _some_state(doc: Document, where: str, scope: dict[str, Any]) -> Iterator[Finding]:
    excluded = scope.get("states", {}).get("exclude", ())
    if set(excluded) >= ALL_STATES:
        pointer = f"{where}/states/exclude"
        yield STATES.finding(
            doc.path,
            *doc.position(pointer),
            "every state and territory is excluded: this applies nowhere",
            pointer=pointer,
            hint="list the states it applies in under `include` instead",
        )


def _states_within(
    doc: Document, where: str, named: str, inner: dict[str, Any], outer: dict[str, Any]
) -> Iterator[Finding]:
    if "states" not in inner or "states" not in outer:
        return
    allowed = states_of(outer["states"])
    if "exclude" in inner["states"]:
        if not allowed - set(inner["states"]["exclude"]):
            pointer = f"{where}/states/exclude"
            yield STATES.finding(
                doc.path,
                *doc.position(pointer),
                f"{named} excludes every state the version applies in "
                f"({', '.join(sorted(allowed))}): it applies nowhere",
                pointer=pointer,
                hint="remove the statement's states, or name the states it applies in",
            )
        return
    if "exclude" in outer["states"]:
        why, fix = "which the version excludes", "from the states the version excludes"
    else:
        listed = ", ".join(outer["states"]["include"])
        why, fix = f"but the version applies only in {listed}", "add it to the version's states"
    for item, state in enumerate(inner["states"]["include"]):
        if state in allowed:
            continue
        pointer = f"{where}/states/include/{item}"
        yield OUTSIDE_VERSION.finding(
            doc.path,
            *doc.position(pointer),
            f"{named} names state {state}, {why}",
            pointer=pointer,
            hint=f"remove {state} from the statement, or {fix}",
        )


def _lists_within(
    doc: Document, where: str, named: str, inner: dict[str, Any], outer: dict[str, Any]
) -> Iterator[Finding]:
    for key, called in _LISTS:
        if key not in inner or key not in outer:
            continue
        for item, value in enumerate(inner[key]):
            if value in outer[key]:
                continue
            pointer = f"{where}/{key}/{item}"
            yield OUTSIDE_VERSION.finding(
                doc.path,
                *doc.position(pointer),
                f"{named} names {called} {value}, but the version applies only to "
                f"{', '.join(outer[key])}",
                pointer=pointer,
                hint=f"remove {value} from the statement, or add it to the version's applicability",
            )


def _ages_within(
    doc: Document, where: str, named: str, inner: dict[str, Any], outer: dict[str, Any]
) -> Iterator[Finding]:
    if "ages" not in inner or "ages" not in outer:
        return
    low, high = (
        outer["ages"].get("minimum", AGE_RANGE[0]),
        outer["ages"].get("maximum", AGE_RANGE[1]),
    )
    for bound, age in inner["ages"].items():
        if low <= age <= high:
            continue
        pointer = f"{where}/ages/{bound}"
        yield OUTSIDE_VERSION.finding(
            doc.path,
            *doc.position(pointer),
            f"{named} names {bound} age {age}, but the version applies to ages {low} to {high}",
            pointer=pointer,
            hint="keep the statement's ages within the version's",
        )
