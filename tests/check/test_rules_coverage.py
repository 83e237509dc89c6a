"""The conflict sweep: disagreements are found where applicabilities meet, and the work
per row does not grow with the number of versions that list a code."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from validator.check.rules import coverage
from validator.check.rules.scopes import Scope
from validator.model.organization import Organization
from validator.model.timeline import Repository
from validator.model.versions import CodeGroup, CodeRow, Version

TODAY = date(2030, 1, 1)
COMMERCIAL = {"lines_of_business": ["commercial"]}
MEDICARE = {"lines_of_business": ["medicare-advantage"]}


def version(
    number: int,
    determination: str,
    *,
    effective: date = date(2016, 1, 1),
    applicability: dict[str, Any] | None = None,
    system: str = "CPT",
    code: str = "97545",
) -> Version:
    """A version of policy ``number`` listing one code in one group of ``determination``."""
    name = f"{number:05d}"
    document: dict[str, Any] = {"number": name}
    if applicability is not None:
        document["applicability"] = applicability
    return Version(
        path=f"policies/{name}/{effective}.yaml",
        number=name,
        title=f"Policy {name}",
        status="active",
        effective=effective,
        next_review=effective + timedelta(days=365),
        published=None,
        last_review=None,
        retired=None,
        groups=(CodeGroup("codes", "Codes", determination, None, system, None),),
        codes=(CodeRow(system, code, 0, 20, 17, 0),),
        document=document,
    )


def conflicts(versions: list[Version], organization: Organization | None = None) -> list[str]:
    repository = Repository.build(versions, organization=organization)
    found = coverage.check(repository, TODAY)
    return [f.path for f in found if f.rule == "code-conflict"]


def test_a_code_listed_by_5000_versions_that_agree_has_no_conflict() -> None:
    agreeing = [
        version(n, "not-covered", effective=date(2016, 1, 1) + timedelta(days=n % 700))
        for n in range(5000)
    ]
    assert conflicts(agreeing) == []


def test_one_disagreement_among_5000_is_found() -> None:
    agreeing = [version(n, "not-covered") for n in range(5000)]
    late = version(5000, "covered", effective=date(2020, 1, 1))
    assert conflicts([*agreeing, late]) == [late.path]


def test_work_per_row_does_not_grow_with_the_rows_in_effect(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Commercial policies refuse the code and Medicare Advantage ones cover it, all in
    # effect at once: no two meet, and each row looks at one other applicability.
    compared = 0
    overlaps = Scope.overlaps

    def counted(self: Scope, other: Scope) -> bool:
        nonlocal compared
        compared += 1
        return overlaps(self, other)

    monkeypatch.setattr(Scope, "overlaps", counted)
    rows = [version(n, "not-covered", applicability=COMMERCIAL) for n in range(0, 4000, 2)]
    rows += [version(n, "covered", applicability=MEDICARE) for n in range(1, 4000, 2)]
    assert conflicts(rows) == []
    assert compared <= len(rows)


def test_policies_for_different_lines_of_business_do_not_conflict() -> None:
    assert (
        conflicts(
            [
                version(1, "not-covered", applicability=COMMERCIAL),
                version(2, "covered", applicability=MEDICARE),
            ]
        )
        == []
    )


def test_a_product_meets_its_own_line_but_not_another_product() -> None:
    organization = Organization(products={"oap": "commercial", "lp": "commercial"})
    line = version(1, "not-covered", applicability=COMMERCIAL)
    product = version(2, "covered", applicability={"lines_of_business": ["oap"]})
    other = version(3, "covered", applicability={"lines_of_business": ["lp"]})
    assert conflicts([line, product], organization) == [product.path]
    assert (
        conflicts(
            [product, version(4, "not-covered", applicability={"lines_of_business": ["lp"]})],
            organization,
        )
        == []
    )
    assert conflicts([other, product], organization) == []


def test_states_that_cannot_both_hold_do_not_conflict() -> None:
    tennessee = version(1, "covered", applicability={"states": {"include": ["TN"]}})
    elsewhere = version(2, "not-covered", applicability={"states": {"exclude": ["TN"]}})
    everywhere = version(3, "not-covered", effective=date(2017, 1, 1))
    assert conflicts([tennessee, elsewhere]) == []
    assert conflicts([tennessee, elsewhere, everywhere]) == [everywhere.path]


def test_diagnosis_and_qualifier_groups_never_conflict() -> None:
    for system, code in (("ICD-10-CM", "Z56.0"), ("REVENUE", "0420")):
        listed = [
            version(1, "covered", system=system, code=code),
            version(2, "not-covered", system=system, code=code),
        ]
        assert conflicts(listed) == []


def test_a_policy_never_conflicts_with_itself() -> None:
    first = version(1, "covered", effective=date(2016, 1, 1))
    second = version(1, "not-covered", effective=date(2017, 1, 1))
    assert conflicts([first, second]) == []


def test_a_disagreement_that_ended_before_is_not_a_conflict() -> None:
    earlier = version(1, "covered", effective=date(2016, 1, 1))
    replaced = version(1, "covered", effective=date(2017, 1, 1), code="99999")
    later = version(2, "not-covered", effective=date(2017, 1, 1))
    assert conflicts([earlier, replaced, later]) == []


@pytest.mark.parametrize(
    ("one", "other", "meet"),
    [
        ({}, {}, True),
        ({"ages": {"minimum": 65}}, {"ages": {"maximum": 64}}, False),
        ({"ages": {"minimum": 18}}, {"ages": {"maximum": 18}}, True),
        ({"sexes": ["female"]}, {"sexes": ["male"]}, False),
        ({"settings": ["facility"]}, {}, True),
        ({"places_of_service": ["11"]}, {"places_of_service": ["22", "11"]}, True),
        ({"states": {"include": ["PA", "NJ"]}}, {"states": {"exclude": ["PA", "NJ"]}}, False),
        ({"states": {"exclude": ["PA"]}}, {"states": {"exclude": ["NJ"]}}, True),
    ],
)
def test_scopes_meet_when_every_dimension_does(
    one: dict[str, Any], other: dict[str, Any], meet: bool
) -> None:
    organization = Organization()
    assert Scope.of(one, organization).overlaps(Scope.of(other, organization)) is meet
    assert Scope.of(other, organization).overlaps(Scope.of(one, organization)) is meet
