"""The answers a bundle gives, as data, and how they are made from its rows.

:class:`validator.consume.consumer.Bundle` reads the files; this module holds what it
answers with (a determination, a coverage answer, what a diagnosis supports, what needs
prior authorisation) and the pure functions that turn bundle rows into those answers:
dates and windows, the context a caller describes, the organisation's offering.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from validator.consume.conditions import Context, Offering, Rules
from validator.consume.coverage import Evaluation, can_apply, diagnosis, required_diagnoses


@dataclass(frozen=True)
class Determination:
    """A policy version that lists a code on a date, in one of its groups."""

    policy: str
    title: str
    version: str
    determination: str | None  # None for claim qualifiers (modifiers, bill types, ...)
    basis: str | None
    heading: str
    start: str
    end: str | None  # first day no longer in effect; None: open-ended
    group: str | None = None  # None only in a bundle of format 1
    role: str | None = None  # service, diagnosis or qualifier

    @classmethod
    def of(cls, row: dict[str, Any], title: str) -> Determination:
        """The determination of a code-index row, under its policy's title."""
        window = row["window"]
        return cls(
            row["policy"],
            title,
            row["version"],
            row["determination"],
            row["basis"],
            row["heading"],
            window["start"],
            window["end"],
            row.get("group"),
            row.get("role"),
        )


@dataclass(frozen=True)
class Coverage:
    """What one version in effect answers for a service code in a context."""

    policy: str
    title: str  # the title of the version in effect
    version: str
    start: str
    end: str | None
    group: str  # the service group listing the code
    evaluation: Evaluation


@dataclass(frozen=True)
class Support:
    """What a diagnosis does in one version: the statements that require it, with their
    services, or (when no statement claims its group) the services it pairs with."""

    policy: str
    title: str
    version: str
    start: str
    end: str | None
    group: str  # the diagnosis group listing the code
    statements: tuple[dict[str, Any], ...]  # the rules of the statements requiring it
    services: tuple[str, ...]  # service group identifiers


@dataclass(frozen=True)
class PriorAuthorization:
    """A code that needs prior authorisation on a date, under one statement of a version."""

    system: str
    code: str
    policy: str
    version: str
    start: str
    end: str | None
    statement: str
    required: str  # required or conditional
    condition: str | None
    documentation: tuple[dict[str, Any], ...]


@dataclass(frozen=True)
class Change:
    """Something that happens on a date: a version takes effect, or a policy retires."""

    on: str
    policy: str
    kind: str  # "version" or "retired"
    version: str | None


def listed_in(row: dict[str, Any], title: str) -> dict[str, Any]:
    """Where a code-index row lists a code: the fields a Coverage and a Support share."""
    return {
        "policy": row["policy"],
        "title": title,
        "version": row["version"],
        "start": row["window"]["start"],
        "end": row["window"]["end"],
        "group": row["group"],
    }


def as_date(value: date | str) -> date:
    """A date of service, given as a date or as ISO text (YYYY-MM-DD)."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise ValueError(f"a date is written YYYY-MM-DD, not {value!r}")


def contains(window: dict[str, str | None], day: str) -> bool:
    """Whether a window of effect holds an ISO day (half-open: the end is excluded)."""
    start, end = window["start"], window["end"]
    if not isinstance(start, str):
        raise TypeError("a window without a start date")
    return start <= day and (end is None or day < end)


def within(dates: dict[str, str | None] | None, day: str) -> bool:
    """Whether a code's dates of service hold an ISO day (both ends included); a row
    without dates applies throughout its version's window."""
    if dates is None:
        return True
    start, through = dates["from"], dates["through"]
    return (start is None or start <= day) and (through is None or day <= through)


def supported(rules: Rules, group: str) -> tuple[tuple[dict[str, Any], ...], tuple[str, ...]]:
    """The statements that require a diagnosis group, and the services they govern; when
    none does, the version's services that no statement governs."""
    requiring = tuple(s for s in rules["statements"] if group in required_diagnoses(s))
    if requiring:
        return requiring, tuple(dict.fromkeys(g for s in requiring for g in s["services"]))
    governed = {g for s in rules["statements"] for g in s["services"]}
    # By identifier: a bundle's JSON keeps no order of the groups.
    services = tuple(
        sorted(
            name
            for name, g in rules["groups"].items()
            if g["role"] == "service" and name not in governed
        )
    )
    return (), services


def offering(organization: dict[str, Any] | None) -> Offering:
    """What organization.json says the organisation offers; without the file, every line
    of business and no products, as for a repository without an organisation file."""
    if organization is None:
        return Offering()
    lines = organization["lines_of_business"]
    products = organization["products"]
    if not isinstance(lines, list) or not isinstance(products, dict):
        raise TypeError("lines_of_business must be a list and products an object")
    return Offering(
        tuple(str(line) for line in lines), {str(k): str(v) for k, v in products.items()}
    )


def context(
    day: date,
    *,
    diagnoses: Sequence[str] | None = None,
    line_of_business: str | None = None,
    state: str | None = None,
    setting: str | None = None,
    place_of_service: str | None = None,
    age: int | None = None,
    sex: str | None = None,
    modifiers: Sequence[str] | None = None,
) -> Context:
    """The context a caller describes; None means not known, an empty list none billed.
    Diagnoses are written ``C61`` (the system in use on the date of service) or
    ``ICD-9-CM:V57.22``."""
    texts = {
        "line_of_business": line_of_business,
        "state": state,
        "setting": setting,
        "place_of_service": place_of_service,
        "sex": sex,
    }
    for name, value in texts.items():
        if value is not None and not isinstance(value, str):
            raise TypeError(f"{name} must be text or None, not {type(value).__name__}")
    if age is not None and (isinstance(age, bool) or not isinstance(age, int) or age < 0):
        raise ValueError(f"age must be a whole number of years, 0 or more, not {age!r}")
    return Context(
        diagnoses=None
        if diagnoses is None
        else tuple(diagnosis(code, day) for code in _codes("diagnoses", diagnoses)),
        line_of_business=line_of_business,
        state=state,
        setting=setting,
        place_of_service=place_of_service,
        age=age,
        sex=sex,
        modifiers=None if modifiers is None else _codes("modifiers", modifiers),
    )


def _codes(name: str, values: Sequence[str]) -> tuple[str, ...]:
    """Codes a caller lists; one string where a list belongs is a mistake, not a list
    of its characters."""
    if isinstance(values, str) or not all(isinstance(value, str) for value in values):
        raise TypeError(f"{name} must be a list of codes (text), or None when not known")
    return tuple(values)


def needing_prior_authorization(
    requirements: list[dict[str, Any]], day: str, described: Context, offered: Offering
) -> list[PriorAuthorization]:
    """The codes of prior-auth.json's requirements that need prior authorisation on a
    day: the version in effect, the code's dates of service holding the day, and the
    version and the statement able to apply in the context (its line of business)."""
    found = []
    for requirement in requirements:
        if not contains(requirement["window"], day):
            continue
        scope = requirement["applicability"]
        if not (
            can_apply(scope["version"], described, offered, version_level=True)
            and can_apply(scope["statement"], described, offered)
        ):
            continue
        found += [
            PriorAuthorization(
                coded["system"],
                coded["code"],
                requirement["policy"],
                requirement["version"],
                requirement["window"]["start"],
                requirement["window"]["end"],
                requirement["statement"],
                requirement["required"],
                requirement["condition"],
                tuple(copy.deepcopy(requirement["documentation"])),
            )
            for coded in requirement["codes"]
            if within(coded.get("dates"), day)
        ]
    return sorted(found, key=lambda p: (p.system, p.code, p.policy, p.statement))


def changes_in(catalog: dict[str, Any], day: str) -> list[Change]:
    """From a bundle's catalog: versions taking effect and policies retiring after
    ``day``, oldest first."""
    changes = []
    for entry in catalog["policies"]:
        for version in entry["versions"]:
            if version["window"]["start"] > day:
                start = version["window"]["start"]
                changes.append(Change(start, entry["number"], "version", version["version"]))
        if entry["retired"] and entry["retired"] > day:
            changes.append(Change(entry["retired"], entry["number"], "retired", None))
    return sorted(changes, key=lambda c: (c.on, c.policy, c.kind))


def titles_in(catalog: dict[str, Any]) -> dict[str, str]:
    """From a bundle's catalog: every policy's title, by number."""
    return {entry["number"]: str(entry["title"]) for entry in catalog["policies"]}
