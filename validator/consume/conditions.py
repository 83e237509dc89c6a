"""The conditions of coverage rules, each tested against a context.

A condition holds, fails (saying why, in words for the answer), or cannot be decided
because the context leaves out what it depends on (``needs``). Used by
:mod:`validator.consume.coverage`, on the rules as a bundle publishes them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

#: The lines of business every organisation may offer; its own products come on top.
#: ``medicare`` is Original Medicare (Part A and B, fee for service), which CMS coverage
#: determinations and billing articles govern.
LINES_OF_BUSINESS = (
    "commercial",
    "medicare",
    "medicare-advantage",
    "medicaid",
    "chip",
    "exchange",
)

Diagnosis = tuple[str, str]  # (system, code)
Rules = dict[str, Any]
#: The identifiers of the version's diagnosis groups that list a (system, code).
GroupsOf = Callable[[str, str], Iterable[str]]


@dataclass(frozen=True)
class Context:
    """What is known about the service: None means not known (not "none")."""

    diagnoses: tuple[Diagnosis, ...] | None = None
    line_of_business: str | None = None  # a line of business, or a product identifier
    state: str | None = None
    setting: str | None = None
    place_of_service: str | None = None
    age: int | None = None
    sex: str | None = None
    modifiers: tuple[str, ...] | None = None


@dataclass(frozen=True)
class Offering:
    """What the organisation offers: its lines of business and its products' lines."""

    lines: tuple[str, ...] = LINES_OF_BUSINESS
    products: dict[str, str] = field(default_factory=dict)  # product id -> line of business


@dataclass(frozen=True)
class Test:
    """A condition's outcome: holds, fails (with why), or needs what the context lacks."""

    holds: bool = True
    why: str = ""
    needs: tuple[str, ...] = ()

    @property
    def unknown(self) -> bool:
        return bool(self.needs)


HOLDS = Test()


def all_of(tests: Iterable[Test]) -> Test:
    """Every condition must hold: the first failure decides; else what is still unknown."""
    needs: list[str] = []
    for test in tests:
        if not test.holds and not test.unknown:
            return test
        needs += [need for need in test.needs if need not in needs]
    return Test(holds=not needs, needs=tuple(needs))


def in_group(rules: Rules, group: str, diagnosis: Diagnosis, groups_of: GroupsOf) -> bool:
    """Whether a billed diagnosis counts for a diagnosis group: listed in it, or caught by
    its "all other codes" row (a code of its system no diagnosis group lists)."""
    listed = set(groups_of(*diagnosis))
    if group in listed:
        return True
    g = rules["groups"][group]
    if not g.get("catch_all") or g["system"] != diagnosis[0]:
        return False
    same_system = {
        name
        for name, other in rules["groups"].items()
        if other["role"] == "diagnosis" and other["system"] == diagnosis[0]
    }
    return not listed & same_system


def diagnoses_test(
    rules: Rules, requirement: dict[str, list[str]] | None, context: Context, groups_of: GroupsOf
) -> Test:
    if not requirement:
        return HOLDS
    if context.diagnoses is None:
        return Test(holds=False, needs=("diagnosis",))
    kind, names = next(iter(requirement.items()))
    matched = [
        g for g in names if any(in_group(rules, g, dx, groups_of) for dx in context.diagnoses)
    ]
    headings = [rules["groups"][g]["heading"] for g in names]
    if kind == "any_of" and not matched:
        return Test(holds=False, why="no billed diagnosis is in " + " or ".join(headings))
    if kind == "all_of" and len(matched) < len(names):
        missing = [rules["groups"][g]["heading"] for g in names if g not in matched]
        return Test(holds=False, why="needs a diagnosis in " + " and ".join(missing))
    return HOLDS


def modifiers_test(modifiers: dict[str, list[str]] | None, context: Context) -> Test:
    if not modifiers or not ({"required", "one_of", "excluded"} & set(modifiers)):
        return HOLDS
    if context.modifiers is None:
        return Test(holds=False, needs=("modifier",))
    billed = set(context.modifiers)
    missing = [m for m in modifiers.get("required", ()) if m not in billed]
    if missing:
        return Test(holds=False, why=f"modifier {', '.join(missing)} is required")
    one_of = modifiers.get("one_of")
    if one_of and not billed & set(one_of):
        return Test(holds=False, why=f"one of the modifiers {', '.join(one_of)} is required")
    excluded = [m for m in modifiers.get("excluded", ()) if m in billed]
    if excluded:
        return Test(holds=False, why=f"modifier {', '.join(excluded)} is excluded")
    return HOLDS


def applicability_test(
    scope: dict[str, Any] | None,
    context: Context,
    offering: Offering,
    *,
    version_level: bool = False,
) -> Test:
    scope = scope or {}
    tests = [
        _lines(scope.get("lines_of_business"), context.line_of_business, offering, version_level)
    ]
    states = scope.get("states")
    if states is not None:
        if context.state is None:
            tests.append(Test(holds=False, needs=("state",)))
        elif "include" in states and context.state not in states["include"]:
            where = ", ".join(states["include"])
            tests.append(Test(holds=False, why=f"it applies in {where}, not in {context.state}"))
        elif "exclude" in states and context.state in states["exclude"]:
            tests.append(Test(holds=False, why=f"state {context.state} is excluded"))
    tests.append(_member("setting", scope.get("settings"), context.setting))
    tests.append(
        _member("place-of-service", scope.get("places_of_service"), context.place_of_service)
    )
    tests.append(_member("sex", scope.get("sexes"), context.sex))
    ages = scope.get("ages")
    if ages is not None:
        if context.age is None:
            tests.append(Test(holds=False, needs=("age",)))
        elif not ages.get("minimum", 0) <= context.age <= ages.get("maximum", 200):
            tests.append(Test(holds=False, why=f"age {context.age} is outside {_ages(ages)}"))
    return all_of(tests)


def can_apply(
    scope: dict[str, Any] | None,
    context: Context,
    offering: Offering,
    *,
    version_level: bool = False,
) -> bool:
    """Whether an applicability can hold in a context: it holds, or what the context
    leaves out could make it hold."""
    test = applicability_test(scope, context, offering, version_level=version_level)
    return test.holds or test.unknown


def _ages(ages: dict[str, int]) -> str:
    low, high = ages.get("minimum"), ages.get("maximum")
    if low is not None and high is not None:
        return f"ages {low} to {high}"
    return f"ages {low} and over" if low is not None else f"ages up to {high}"


def _member(dimension: str, allowed: list[str] | None, value: str | None) -> Test:
    if allowed is None:
        return HOLDS
    if value is None:
        return Test(holds=False, needs=(dimension,))
    if value not in allowed:
        return Test(
            holds=False,
            why=f"it applies to {dimension.replace('-', ' ')} {', '.join(allowed)}, not {value}",
        )
    return HOLDS


def _lines(
    allowed: list[str] | None, value: str | None, offering: Offering, version_level: bool
) -> Test:
    """Lines of business and products: a product stands within its line of business."""
    if allowed is None:
        if not version_level or value is None:
            return HOLDS
        # A version without applicability applies to everything the organisation offers.
        line = offering.products.get(value, value)
        if line in offering.lines:
            return HOLDS
        return Test(holds=False, why=f"the organisation offers no {value}")
    if value is None:
        return Test(holds=False, needs=("line-of-business",))
    if value in allowed or offering.products.get(value) in allowed:
        return HOLDS
    if any(offering.products.get(name) == value for name in allowed):
        return Test(holds=False, needs=("line-of-business",))  # which product of the line
    return Test(holds=False, why=f"it applies to {', '.join(allowed)}, not {value}")
