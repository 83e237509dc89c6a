"""An applicability as the claims it can hold for, so that two can be compared.

Two policies only disagree about a claim they can both apply to: a commercial-only
policy and a Medicare Advantage-only policy never meet, nor do one for Tennessee and one
that excludes it. A :class:`Scope` holds, for each dimension of a claim, the values the
applicability allows (None: any), and two scopes overlap when every dimension has a value
both allow.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from validator.check.schemas import POLICY_SCHEMA, load_schema
from validator.model.organization import Organization
from validator.model.versions import Version

#: The ages a policy may name, both ends included (the schema's bounds).
AGE_RANGE = (0, 130)


@cache
def _all_states() -> frozenset[str]:
    states: list[str] = load_schema(POLICY_SCHEMA)["$defs"]["state"]["enum"]
    return frozenset(states)


#: Every state and territory the policy schema knows.
ALL_STATES = _all_states()


def states_of(states: dict[str, list[str]]) -> frozenset[str]:
    """The states an include or exclude list allows."""
    if "include" in states:
        return frozenset(states["include"])
    return ALL_STATES - set(states["exclude"])


@dataclass(frozen=True)
class Scope:
    """The values of each dimension of a claim an applicability allows; None: any."""

    #: Lines of business and products, as the products a claim can be billed under: a
    #: line stands for itself and each of its products, a product for itself alone.
    lines: frozenset[str] | None = None
    states: frozenset[str] | None = None
    settings: frozenset[str] | None = None
    places_of_service: frozenset[str] | None = None
    ages: tuple[int, int] = AGE_RANGE
    sexes: frozenset[str] | None = None

    @classmethod
    def of(cls, applicability: dict[str, Any] | None, organization: Organization) -> Scope:
        return Scopes(organization).of(applicability)

    def overlaps(self, other: Scope) -> bool:
        """Whether some claim falls under both."""
        return (
            _meet(self.lines, other.lines)
            and _meet(self.states, other.states)
            and _meet(self.settings, other.settings)
            and _meet(self.places_of_service, other.places_of_service)
            and max(self.ages[0], other.ages[0]) <= min(self.ages[1], other.ages[1])
            and _meet(self.sexes, other.sexes)
        )


class Scopes:
    """The scopes of applicabilities under one organisation, whose products are sorted
    by their line of business once."""

    def __init__(self, organization: Organization) -> None:
        self._products: dict[str, list[str]] = {}
        for product, line in sorted(organization.products.items()):
            self._products.setdefault(line, []).append(product)

    def of(self, applicability: dict[str, Any] | None) -> Scope:
        scope = applicability or {}
        ages = scope.get("ages", {})
        return Scope(
            lines=self._lines(scope.get("lines_of_business")),
            states=states_of(scope["states"]) if "states" in scope else None,
            settings=_values(scope.get("settings")),
            places_of_service=_values(scope.get("places_of_service")),
            ages=(ages.get("minimum", AGE_RANGE[0]), ages.get("maximum", AGE_RANGE[1])),
            sexes=_values(scope.get("sexes")),
        )

    def _lines(self, listed: list[str] | None) -> frozenset[str] | None:
        if listed is None:
            return None
        return frozenset(
            billed for name in listed for billed in (name, *self._products.get(name, ()))
        )


def _values(listed: list[str] | None) -> frozenset[str] | None:
    return None if listed is None else frozenset(listed)


def _meet(one: frozenset[str] | None, other: frozenset[str] | None) -> bool:
    if one is None:
        return other is None or bool(other)
    if other is None:
        return bool(one)
    return not one.isdisjoint(other)


class ScopeNumbers:
    """Each version's scope, worked out once however many codes it lists, and numbered
    as met: versions of one applicability share a number, and whether two numbers meet
    is decided once. A sweep over a million rows keeps a number per row."""

    def __init__(self, organization: Organization) -> None:
        self._scopes = Scopes(organization)
        self._by_path: dict[str, int] = {}
        self._numbers: dict[Scope, int] = {}
        self._numbered: list[Scope] = []
        self._meet: dict[tuple[int, int], bool] = {}

    def of(self, version: Version) -> int:
        number = self._by_path.get(version.path)
        if number is None:
            applicability = version.document.get("applicability")
            scope = self._scopes.of(applicability) if applicability else _EVERYONE
            number = self._numbers.get(scope)
            if number is None:
                number = self._numbers[scope] = len(self._numbered)
                self._numbered.append(scope)
            self._by_path[version.path] = number
        return number

    def meet(self, one: int, other: int) -> bool:
        """Whether some claim falls under both scopes."""
        met = self._meet.get((one, other))
        if met is None:
            met = self._meet[(one, other)] = self._numbered[one].overlaps(self._numbered[other])
        return met

    def everyone(self, number: int) -> bool:
        """Whether the scope is that of an applicability that leaves no one out."""
        return self._numbered[number] == _EVERYONE


#: The scope of a version without applicability, or with an empty one.
_EVERYONE = Scope()
