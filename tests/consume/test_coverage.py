"""The coverage evaluator on hand-written rules, as a bundle publishes them.

Each test builds the rules of one version (its applicability, its code groups and the
statements that govern services) and asks :func:`evaluate` for one service group in
one context. Diagnoses are listed through a small table standing in for the version's
diagnosis index.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

import pytest

from validator.consume.conditions import GroupsOf
from validator.consume.coverage import (
    Context,
    Evaluation,
    Offering,
    can_apply,
    diagnosis,
    evaluate,
    required_diagnoses,
)

ON = date(2020, 6, 1)


def group(
    system: str,
    role: str,
    determination: str | None,
    heading: str,
    *,
    catch_all: bool = False,
    basis: str | None = "medically-necessary",
) -> dict[str, Any]:
    return {
        "system": system,
        "role": role,
        "determination": determination,
        "basis": basis if determination else None,
        "heading": heading,
        "catch_all": catch_all,
    }


#: The groups most tests share: one service, three diagnosis groups, one of them a
#: catch-all ("All other codes") of ICD-10-CM, and an ICD-9-CM group.
GROUPS: dict[str, dict[str, Any]] = {
    "therapy": group("CPT", "service", "conditionally-covered", "Therapy codes"),
    "supporting": group("ICD-10-CM", "diagnosis", "covered", "Supporting diagnoses"),
    "secondary": group("ICD-10-CM", "diagnosis", "covered", "Secondary diagnoses"),
    "other": group("ICD-10-CM", "diagnosis", "not-covered", "All other diagnoses", catch_all=True),
    "vocational": group("ICD-9-CM", "diagnosis", "not-covered", "Vocational diagnoses"),
}

#: Which diagnosis groups list a code: (system, code) -> group identifiers.
LISTED: dict[tuple[str, str], list[str]] = {
    ("ICD-10-CM", "C61"): ["supporting"],
    ("ICD-10-CM", "I34.1"): ["secondary"],
    ("ICD-10-CM", "Z01.810"): ["supporting"],
    ("ICD-9-CM", "V57.22"): ["vocational"],
}


def groups_of(system: str, code: str) -> Iterable[str]:
    return LISTED.get((system, code), [])


def statement(sid: str, determination: str = "covered", **conditions: Any) -> dict[str, Any]:
    basis = "not-medically-necessary" if determination == "not-covered" else "medically-necessary"
    return {
        "id": sid,
        "determination": determination,
        "basis": basis,
        "services": ["therapy"],
        **conditions,
    }


def rules(
    *statements: dict[str, Any],
    applicability: dict[str, Any] | None = None,
    groups: dict[str, dict[str, Any]] | None = None,
) -> dict[str, Any]:
    return {
        "applicability": applicability,
        "groups": GROUPS if groups is None else groups,
        "statements": list(statements),
    }


def dx(*codes: str) -> tuple[tuple[str, str], ...]:
    return tuple(diagnosis(code, ON) for code in codes)


def answer(
    version: dict[str, Any],
    context: Context,
    offering: Offering | None = None,
    service: str = "therapy",
    listed: GroupsOf = groups_of,
) -> Evaluation:
    return evaluate(version, service, context, listed, offering)


PRODUCTS = Offering(
    lines=("commercial", "medicare-advantage"),
    products={"open-access-plus": "commercial", "ppo-plus": "commercial"},
)


# --- Applicability of the version ------------------------------------------------------


@pytest.mark.parametrize(
    ("applicability", "context", "reason"),
    [
        (
            {"lines_of_business": ["medicare-advantage"]},
            Context(line_of_business="commercial"),
            "does not apply: it applies to medicare-advantage, not commercial",
        ),
        (
            {"states": {"exclude": ["TN"]}},
            Context(state="TN"),
            "does not apply: state TN is excluded",
        ),
        (
            {"states": {"include": ["PA", "NJ"]}},
            Context(state="TN"),
            "does not apply: it applies in PA, NJ, not in TN",
        ),
        (
            {"settings": ["professional"]},
            Context(setting="facility"),
            "does not apply: it applies to setting professional, not facility",
        ),
        (
            {"places_of_service": ["11", "22"]},
            Context(place_of_service="21"),
            "does not apply: it applies to place of service 11, 22, not 21",
        ),
        (
            {"sexes": ["male"]},
            Context(sex="female"),
            "does not apply: it applies to sex male, not female",
        ),
        (
            {"ages": {"minimum": 18}},
            Context(age=17),
            "does not apply: age 17 is outside ages 18 and over",
        ),
        (
            {"ages": {"maximum": 64}},
            Context(age=65),
            "does not apply: age 65 is outside ages up to 64",
        ),
        (
            {"ages": {"minimum": 18, "maximum": 64}},
            Context(age=70),
            "does not apply: age 70 is outside ages 18 to 64",
        ),
    ],
)
def test_a_version_that_does_not_apply_says_why(
    applicability: dict[str, Any], context: Context, reason: str
) -> None:
    result = answer(rules(statement("covered"), applicability=applicability), context)
    assert result == Evaluation(False, None, None, None, None, reason)
    assert not can_apply(applicability, context, Offering(), version_level=True)


@pytest.mark.parametrize(
    ("applicability", "context"),
    [
        (
            {"lines_of_business": ["medicare-advantage"]},
            Context(line_of_business="medicare-advantage"),
        ),
        ({"states": {"exclude": ["TN"]}}, Context(state="PA")),
        ({"states": {"include": ["PA", "NJ"]}}, Context(state="NJ")),
        ({"settings": ["professional"]}, Context(setting="professional")),
        ({"places_of_service": ["11", "22"]}, Context(place_of_service="22")),
        ({"sexes": ["male"]}, Context(sex="male")),
        ({"ages": {"minimum": 18}}, Context(age=18)),
        ({"ages": {"maximum": 64}}, Context(age=64)),
        ({"ages": {"minimum": 18, "maximum": 64}}, Context(age=64)),
    ],
)
def test_a_version_that_applies_answers_from_its_statements(
    applicability: dict[str, Any], context: Context
) -> None:
    result = answer(rules(statement("covered"), applicability=applicability), context)
    assert (result.applies, result.covered, result.statement) == (True, "covered", "covered")
    assert result.info_needed == ()


@pytest.mark.parametrize(
    ("applicability", "needed"),
    [
        ({"lines_of_business": ["medicare-advantage"]}, ("line-of-business",)),
        ({"states": {"exclude": ["TN"]}}, ("state",)),
        ({"settings": ["professional"]}, ("setting",)),
        ({"places_of_service": ["11"]}, ("place-of-service",)),
        ({"ages": {"minimum": 18}}, ("age",)),
        ({"sexes": ["female"]}, ("sex",)),
        (
            {
                "lines_of_business": ["medicaid"],
                "states": {"include": ["NY"]},
                "ages": {"maximum": 20},
            },
            ("line-of-business", "state", "age"),
        ),
    ],
)
def test_what_the_context_leaves_out_is_needed(
    applicability: dict[str, Any], needed: tuple[str, ...]
) -> None:
    result = answer(rules(statement("covered"), applicability=applicability), Context())
    assert result.applies
    assert result.covered == "conditional"
    assert result.info_needed == needed
    assert result.determination is None
    assert result.statement is None
    assert can_apply(applicability, Context(), Offering(), version_level=True)


def test_the_reason_of_a_conditional_answer_names_what_is_needed() -> None:
    version = rules(
        statement("covered", diagnoses={"any_of": ["supporting"]}),
        applicability={"lines_of_business": ["medicaid"], "ages": {"minimum": 18}},
    )
    result = answer(version, Context())
    assert result.info_needed == ("diagnosis", "line-of-business", "age")
    assert result.reason == "depends on the diagnosis, line of business and age"


@pytest.mark.parametrize(
    ("allowed", "value", "applies", "outcome"),
    [
        (["commercial"], "open-access-plus", True, "covered"),  # a product of the line
        (["open-access-plus"], "open-access-plus", True, "covered"),
        (["open-access-plus"], "commercial", True, "conditional"),  # which product?
        (["open-access-plus"], "ppo-plus", False, "it applies to open-access-plus, not ppo-plus"),
        (
            ["medicare-advantage"],
            "open-access-plus",
            False,
            "it applies to medicare-advantage, not open-access-plus",
        ),
    ],
)
def test_products_stand_within_their_line_of_business(
    allowed: list[str], value: str, applies: bool, outcome: str
) -> None:
    version = rules(statement("covered"), applicability={"lines_of_business": allowed})
    result = answer(version, Context(line_of_business=value), PRODUCTS)
    assert result.applies is applies
    if applies:
        assert result.covered == outcome
        assert result.info_needed == (("line-of-business",) if outcome == "conditional" else ())
    else:
        assert result.reason == f"does not apply: {outcome}"


@pytest.mark.parametrize(
    ("value", "applies", "reason"),
    [
        ("commercial", True, "statement covered"),
        ("open-access-plus", True, "statement covered"),
        ("medicaid", False, "does not apply: the organisation offers no medicaid"),
        ("unknown-product", False, "does not apply: the organisation offers no unknown-product"),
    ],
)
def test_a_version_without_applicability_applies_to_what_the_organisation_offers(
    value: str, applies: bool, reason: str
) -> None:
    result = answer(rules(statement("covered")), Context(line_of_business=value), PRODUCTS)
    assert (result.applies, result.reason) == (applies, reason)


def test_a_version_without_applicability_needs_no_line_of_business() -> None:
    result = answer(rules(statement("covered")), Context(), PRODUCTS)
    assert (result.covered, result.info_needed) == ("covered", ())


def test_a_statement_applicability_narrows_the_version() -> None:
    version = rules(
        statement("adults", applicability={"ages": {"minimum": 18}}),
        statement("children", "not-covered"),
    )
    assert answer(version, Context(age=40)).statement == "adults"
    child = answer(version, Context(age=12))
    assert (child.applies, child.covered, child.statement) == (True, "not-covered", "children")
    # A statement's applicability that fails does not make the version inapplicable.
    only_adults = rules(statement("adults", applicability={"ages": {"minimum": 18}}))
    assert answer(only_adults, Context(age=12)) == Evaluation(
        True,
        "not-covered",
        "not-covered",
        None,
        None,
        "statement adults: age 12 is outside ages 18 and over",
        doc_needed=("no-doc",),
    )


# --- Statements in printed order -------------------------------------------------------


def test_the_first_statement_whose_conditions_hold_decides() -> None:
    version = rules(
        statement("supported", diagnoses={"any_of": ["supporting"]}),
        statement("everything-else", "not-covered"),
    )
    supported = answer(version, Context(diagnoses=dx("C61")))
    assert (supported.covered, supported.statement) == ("covered", "supported")
    assert (
        supported.reason == 'statement supported, billed with a diagnosis in "Supporting diagnoses"'
    )
    other = answer(version, Context(diagnoses=dx("R97.20")))
    assert (other.covered, other.statement, other.reason) == (
        "not-covered",
        "everything-else",
        "statement everything-else",
    )


def test_an_earlier_statement_that_could_still_hold_keeps_the_answer_open() -> None:
    # Printed first, "supported" would decide once the diagnosis is known: a later
    # statement that holds whatever the diagnosis cannot decide before then.
    version = rules(
        statement("supported", diagnoses={"any_of": ["supporting"]}),
        statement("everything-else", "not-covered"),
    )
    result = answer(version, Context())
    assert (result.covered, result.statement, result.info_needed) == (
        "conditional",
        None,
        ("diagnosis",),
    )


def test_a_later_statement_decides_once_the_earlier_ones_fail() -> None:
    version = rules(
        statement("with-kx", modifiers={"required": ["KX"]}),
        statement("age-limited", "not-covered", applicability={"ages": {"maximum": 20}}),
        statement("rest", "not-covered"),
    )
    result = answer(version, Context(modifiers=(), age=30))
    assert (result.covered, result.statement) == ("not-covered", "rest")


def test_no_statement_holding_is_not_covered_with_every_reason() -> None:
    version = rules(
        statement("supported", diagnoses={"any_of": ["supporting"]}),
        statement("dual", diagnoses={"all_of": ["supporting", "secondary"]}),
    )
    result = answer(version, Context(diagnoses=dx("I34.1")))
    assert result == Evaluation(
        True,
        "not-covered",
        "not-covered",
        None,
        None,
        "statement supported: no billed diagnosis is in Supporting diagnoses; "
        "statement dual: needs a diagnosis in Supporting diagnoses",
        doc_needed=("no-doc",),
    )


# --- Diagnosis requirements, with catch-all groups ---------------------------------


@pytest.mark.parametrize(
    ("codes", "statement_id"),
    [
        (("C61",), "listed"),
        (("R97.20",), "any-other"),  # caught by "All other diagnoses"
        (("I34.1",), None),  # listed in a group of the system, so not "any other"
        (("ICD-9-CM:V57.22",), None),  # the catch-all is of ICD-10-CM only
        (("ICD-9-CM:722.10",), None),
        ((), None),  # known to be billed without a diagnosis
        (("R97.20", "C61"), "listed"),  # any billed diagnosis counts
    ],
)
def test_any_of_with_a_catch_all_group(codes: tuple[str, ...], statement_id: str | None) -> None:
    version = rules(
        statement("listed", diagnoses={"any_of": ["supporting"]}),
        statement("any-other", "not-covered", diagnoses={"any_of": ["other"]}),
    )
    result = answer(version, Context(diagnoses=dx(*codes)))
    assert result.statement == statement_id
    assert result.covered == ("covered" if statement_id == "listed" else "not-covered")


@pytest.mark.parametrize(
    ("codes", "holds", "reason"),
    [
        (("Z01.810", "I34.1"), True, None),
        (("I34.1", "Z01.810"), True, None),  # in any order
        (("Z01.810",), False, "needs a diagnosis in Secondary diagnoses"),
        (("I34.1",), False, "needs a diagnosis in Supporting diagnoses"),
        (("R97.20",), False, "needs a diagnosis in Supporting diagnoses and Secondary diagnoses"),
        (("C61", "R97.20"), False, "needs a diagnosis in Secondary diagnoses"),
    ],
)
def test_all_of_needs_one_diagnosis_from_each_group(
    codes: tuple[str, ...], holds: bool, reason: str | None
) -> None:
    version = rules(statement("dual", diagnoses={"all_of": ["supporting", "secondary"]}))
    result = answer(version, Context(diagnoses=dx(*codes)))
    if holds:
        assert (result.covered, result.statement) == ("covered", "dual")
        assert result.reason == (
            'statement dual, billed with a diagnosis from each of "Supporting diagnoses" '
            'and "Secondary diagnoses"'
        )
    else:
        assert (result.covered, result.reason) == ("not-covered", f"statement dual: {reason}")


def test_all_of_with_a_catch_all_group() -> None:
    version = rules(statement("dual", diagnoses={"all_of": ["supporting", "other"]}))
    assert answer(version, Context(diagnoses=dx("C61", "R97.20"))).covered == "covered"
    assert answer(version, Context(diagnoses=dx("C61", "I34.1"))).covered == "not-covered"


def test_a_diagnosis_requirement_with_no_diagnosis_known_needs_one() -> None:
    version = rules(statement("supported", diagnoses={"any_of": ["supporting"]}))
    result = answer(version, Context())
    assert (result.covered, result.info_needed) == ("conditional", ("diagnosis",))
    assert result.reason == "depends on the diagnosis"


def test_required_diagnoses_lists_the_groups_a_statement_names() -> None:
    assert required_diagnoses(statement("s", diagnoses={"all_of": ["a", "b"]})) == ["a", "b"]
    assert required_diagnoses(statement("s", diagnoses={"any_of": ["c"]})) == ["c"]
    assert required_diagnoses(statement("s")) == []


# --- Modifiers --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("modifiers", "billed", "outcome"),
    [
        ({"required": ["KX"]}, ("KX",), "covered"),
        ({"required": ["KX"]}, ("KX", "RT"), "covered"),
        ({"required": ["KX"]}, (), "modifier KX is required"),
        ({"required": ["KX", "CG"]}, ("KX",), "modifier CG is required"),
        ({"one_of": ["KX", "KS"]}, ("KS",), "covered"),
        ({"one_of": ["KX", "KS"]}, ("GA",), "one of the modifiers KX, KS is required"),
        ({"excluded": ["GA"]}, ("KX",), "covered"),
        ({"excluded": ["GA"]}, ("KX", "GA"), "modifier GA is excluded"),
        ({"excluded": ["GA"]}, (), "covered"),
        ({"allowed": ["RT", "LT"]}, (), "covered"),
        ({"allowed": ["RT", "LT"]}, None, "covered"),  # allowed alone needs nothing
        ({"required": ["KX"], "excluded": ["GA"]}, ("KX", "GA"), "modifier GA is excluded"),
    ],
)
def test_modifiers(
    modifiers: dict[str, list[str]], billed: tuple[str, ...] | None, outcome: str
) -> None:
    version = rules(statement("with-modifiers", modifiers=modifiers))
    result = answer(version, Context(modifiers=billed))
    if outcome == "covered":
        assert (result.covered, result.statement) == ("covered", "with-modifiers")
        assert result.modifiers == modifiers
    else:
        assert (result.covered, result.reason) == (
            "not-covered",
            f"statement with-modifiers: {outcome}",
        )


@pytest.mark.parametrize(
    "modifiers", [{"required": ["KX"]}, {"one_of": ["KX", "KS"]}, {"excluded": ["GA"]}]
)
def test_modifiers_unknown_are_needed(modifiers: dict[str, list[str]]) -> None:
    result = answer(rules(statement("m", modifiers=modifiers)), Context())
    assert (result.covered, result.info_needed) == ("conditional", ("modifier",))


# --- The group-only path: the seed's shape --------------------------------------------

SEED_GROUPS: dict[str, dict[str, Any]] = {
    "work-hardening": group(
        "CPT",
        "service",
        "not-covered",
        "Not Medically Necessary/Not Covered",
        basis="not-medically-necessary",
    ),
    "work-hardening-diagnoses": group(
        "ICD-9-CM",
        "diagnosis",
        "not-covered",
        "Not Medically Necessary/Not Covered",
        catch_all=True,
        basis="not-medically-necessary",
    ),
}


def seed_listed(system: str, code: str) -> list[str]:
    return ["work-hardening-diagnoses"] if (system, code) == ("ICD-9-CM", "V57.22") else []


@pytest.mark.parametrize(
    ("diagnoses", "reason"),
    [
        (("V57.22",), 'billed with V57.22, listed under "Not Medically Necessary/Not Covered"'),
        (
            ("722.10",),
            'billed with 722.10, as any other code under "Not Medically Necessary/Not Covered"',
        ),
        (None, 'under "Not Medically Necessary/Not Covered"'),
        ((), 'under "Not Medically Necessary/Not Covered"'),
    ],
)
def test_the_seed_work_hardening_is_not_covered_with_any_diagnosis(
    diagnoses: tuple[str, ...] | None, reason: str
) -> None:
    version = rules(groups=SEED_GROUPS)
    on = date(2011, 4, 15)
    billed = None if diagnoses is None else tuple(diagnosis(code, on) for code in diagnoses)
    result = answer(
        version, Context(diagnoses=billed), service="work-hardening", listed=seed_listed
    )
    assert result == Evaluation(
        True,
        "not-covered",
        "not-covered",
        "not-medically-necessary",
        None,
        reason,
        prior_authorization=None,
        doc_needed=("no-doc",),
    )


def test_a_diagnosis_group_that_disagrees_with_the_service_needs_the_diagnosis() -> None:
    groups = {
        "work-hardening": SEED_GROUPS["work-hardening"],
        "covered-diagnoses": group("ICD-9-CM", "diagnosis", "covered", "Covered when billed with"),
    }
    version = rules(groups=groups)

    def listed(system: str, code: str) -> list[str]:
        return ["covered-diagnoses"] if code == "V57.22" else []

    unknown = answer(version, Context(), service="work-hardening", listed=listed)
    assert unknown == Evaluation(
        True,
        "conditional",
        None,
        None,
        None,
        "depends on the diagnosis",
        info_needed=("diagnosis",),
        prior_authorization="no-auth",
        doc_needed=("no-doc",),
    )
    billed = Context(diagnoses=(("ICD-9-CM", "V57.22"),))
    assert answer(version, billed, service="work-hardening", listed=listed).covered == "covered"
    other = Context(diagnoses=(("ICD-9-CM", "722.10"),))
    assert answer(version, other, service="work-hardening", listed=listed).covered == "not-covered"


def test_only_the_primary_diagnosis_refines_a_group() -> None:
    version = rules(groups=SEED_GROUPS)
    billed = Context(diagnoses=(("ICD-10-CM", "C61"), ("ICD-9-CM", "V57.22")))
    result = answer(version, billed, service="work-hardening", listed=seed_listed)
    assert result.reason == 'under "Not Medically Necessary/Not Covered"'


def test_diagnosis_groups_a_statement_claims_do_not_refine_other_services() -> None:
    groups = {
        **GROUPS,
        "unlisted-service": group("CPT", "service", "not-covered", "Not covered"),
    }
    # "other" and "supporting" are claimed by a statement; "secondary" and "vocational"
    # are not, and would refine the unlisted service.
    version = rules(
        statement("s", diagnoses={"any_of": ["supporting"]}),
        statement("t", "not-covered", diagnoses={"any_of": ["other"]}),
        groups=groups,
    )
    supporting = answer(version, Context(diagnoses=dx("C61")), service="unlisted-service")
    assert supporting.reason == 'under "Not covered"'
    secondary = answer(version, Context(diagnoses=dx("I34.1")), service="unlisted-service")
    assert (secondary.covered, secondary.reason) == (
        "covered",
        'billed with I34.1, listed under "Secondary diagnoses"',
    )


def test_a_group_only_answer_with_a_conditional_determination_needs_clinical_documents() -> None:
    version = rules(groups={"therapy": GROUPS["therapy"]})
    result = answer(version, Context())
    assert (result.covered, result.determination, result.statement) == (
        "covered",
        "conditionally-covered",
        None,
    )
    assert (result.doc_needed, result.prior_authorization) == (("clinical",), "no-auth")


# --- What comes with a decided answer -------------------------------------------------


def test_conditionally_covered_needs_clinical_documentation() -> None:
    result = answer(rules(statement("criteria", "conditionally-covered")), Context())
    assert (result.covered, result.determination) == ("covered", "conditionally-covered")
    assert (result.doc_needed, result.doc_purpose, result.documentation) == (("clinical",), (), ())


def test_documentation_kinds_and_purposes_are_listed() -> None:
    documents = [
        {"id": "order", "kind": "admin", "purpose": ["withorder"], "text": "A written order."},
        {"id": "notes", "kind": "clinical", "purpose": ["withpa", "withclaim"], "text": "Notes."},
    ]
    result = answer(rules(statement("s", "covered", documentation=documents)), Context())
    assert result.documentation == tuple(documents)
    assert result.doc_needed == ("admin", "clinical")
    assert result.doc_purpose == ("withclaim", "withorder", "withpa")


def test_a_covered_statement_without_documentation_needs_none() -> None:
    result = answer(rules(statement("s", "covered")), Context())
    assert (result.doc_needed, result.prior_authorization) == (("no-doc",), "no-auth")


@pytest.mark.parametrize(
    ("prior_authorization", "expected", "condition"),
    [
        ({"required": "required"}, "auth-needed", None),
        ({"required": "not-required"}, "no-auth", None),
        (
            {"required": "conditional", "condition": "when more than 12 visits are requested"},
            "conditional",
            "when more than 12 visits are requested",
        ),
    ],
)
def test_prior_authorisation_of_a_covered_service(
    prior_authorization: dict[str, str], expected: str, condition: str | None
) -> None:
    version = rules(statement("s", "covered", prior_authorization=prior_authorization))
    result = answer(version, Context())
    assert (result.prior_authorization, result.pa_condition) == (expected, condition)


def test_not_covered_never_needs_prior_authorisation() -> None:
    # Da Vinci CRD: a not-covered answer carries no pa-needed.
    version = rules(
        statement("s", "not-covered", prior_authorization={"required": "required"}),
    )
    result = answer(version, Context())
    assert (result.covered, result.prior_authorization, result.pa_condition) == (
        "not-covered",
        None,
        None,
    )


def test_limits_criteria_and_billing_come_with_the_answer() -> None:
    limit = {
        "id": "units",
        "kind": "units",
        "quantity": 18,
        "per": {"count": 90, "unit": "day"},
        "scope": "member",
        "grace": {"count": 10, "unit": "day"},
        "text": "18 units per 90 days",
    }
    tree = {"id": "psa", "text": "PSA greater than 3.0 ng/ml"}
    version = rules(
        statement("s", "conditionally-covered", limits=[limit], criteria=tree, billing=["bills"])
    )
    result = answer(version, Context())
    assert (result.limits, result.criteria, result.billing) == ((limit,), tree, ("bills",))
    assert result.to_json()["limits"] == [limit]


# --- Conditional answers: may prior authorisation or documentation be needed? --------

PA = {"required": "required"}
NOTES = [{"id": "notes", "kind": "clinical", "purpose": ["withpa"], "text": "Notes."}]


@pytest.mark.parametrize(
    ("open_statement", "pa", "docs"),
    [
        (statement("s", "covered"), "no-auth", ("no-doc",)),
        (statement("s", "covered", prior_authorization=PA), "conditional", ("no-doc",)),
        (statement("s", "covered", documentation=NOTES), "no-auth", ("conditional",)),
        (statement("s", "conditionally-covered"), "no-auth", ("conditional",)),
        (
            statement(
                "s", "covered", prior_authorization={"required": "conditional", "condition": "x"}
            ),
            "conditional",
            ("no-doc",),
        ),
        # A not-covered answer carries no prior authorisation, so it cannot need one.
        (statement("s", "not-covered", prior_authorization=PA), "no-auth", ("no-doc",)),
    ],
)
def test_an_open_statement_says_whether_prior_auth_or_documents_may_be_needed(
    open_statement: dict[str, Any], pa: str, docs: tuple[str, ...]
) -> None:
    open_statement["diagnoses"] = {"any_of": ["supporting"]}
    result = answer(rules(open_statement), Context())
    assert (result.covered, result.info_needed) == ("conditional", ("diagnosis",))
    assert (result.prior_authorization, result.doc_needed) == (pa, docs)
    assert (result.determination, result.documentation, result.doc_purpose) == (None, (), ())


def test_a_version_that_may_not_apply_keeps_what_its_answer_would_need() -> None:
    version = rules(
        statement("s", "covered", prior_authorization=PA, documentation=NOTES),
        applicability={"lines_of_business": ["medicare-advantage"]},
    )
    result = answer(version, Context())
    assert (result.covered, result.info_needed) == ("conditional", ("line-of-business",))
    assert (result.prior_authorization, result.doc_needed) == ("conditional", ("conditional",))


def test_a_version_that_may_not_apply_does_not_borrow_from_statements_that_failed() -> None:
    # Once the line of business is known, "without-pa" decides (the modifier rules out
    # "with-pa"): prior authorisation cannot be needed whatever the line of business.
    version = rules(
        statement(
            "with-pa", prior_authorization=PA, documentation=NOTES, modifiers={"excluded": ["GA"]}
        ),
        statement("without-pa"),
        applicability={"lines_of_business": ["medicare-advantage"]},
    )
    result = answer(version, Context(modifiers=("GA",)))
    assert (result.covered, result.info_needed) == ("conditional", ("line-of-business",))
    assert (result.prior_authorization, result.doc_needed) == ("no-auth", ("no-doc",))


def test_a_version_that_may_not_apply_and_covers_nothing_needs_no_prior_auth() -> None:
    version = rules(
        statement("s", prior_authorization=PA, diagnoses={"any_of": ["supporting"]}),
        applicability={"lines_of_business": ["medicare-advantage"]},
    )
    result = answer(version, Context(diagnoses=dx("R97.20")))
    assert (result.covered, result.info_needed) == ("conditional", ("line-of-business",))
    assert (result.prior_authorization, result.doc_needed) == ("no-auth", ("no-doc",))


def test_a_group_answer_that_may_not_apply_keeps_its_clinical_documents() -> None:
    version = rules(
        groups={"therapy": GROUPS["therapy"]},
        applicability={"states": {"exclude": ["TN"]}},
    )
    result = answer(version, Context())
    assert (result.covered, result.info_needed) == ("conditional", ("state",))
    assert (result.prior_authorization, result.doc_needed) == ("no-auth", ("conditional",))


# --- Diagnoses as users write them ----------------------------------------------------


@pytest.mark.parametrize(
    ("written", "day", "expected"),
    [
        ("C61", date(2020, 6, 1), ("ICD-10-CM", "C61")),
        ("c61", date(2015, 10, 1), ("ICD-10-CM", "C61")),
        ("V57.22", date(2015, 9, 30), ("ICD-9-CM", "V57.22")),
        ("ICD-9-CM:V57.22", date(2020, 6, 1), ("ICD-9-CM", "V57.22")),
        (" icd-10-cm: z01.810 ", date(2011, 4, 15), ("ICD-10-CM", "Z01.810")),
    ],
)
def test_diagnosis_takes_the_system_in_use_on_the_date_unless_named(
    written: str, day: date, expected: tuple[str, str]
) -> None:
    assert diagnosis(written, day) == expected


def test_an_evaluation_as_json() -> None:
    result = answer(rules(statement("s", "conditionally-covered")), Context())
    assert result.to_json() == {
        "applies": True,
        "covered": "covered",
        "determination": "conditionally-covered",
        "basis": "medically-necessary",
        "statement": "s",
        "reason": "statement s",
        "info_needed": [],
        "criteria": None,
        "limits": [],
        "modifiers": None,
        "billing": [],
        "prior_authorization": "no-auth",
        "pa_condition": None,
        "documentation": [],
        "doc_needed": ["clinical"],
        "doc_purpose": [],
    }
