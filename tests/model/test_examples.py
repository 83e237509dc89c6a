"""The example repositories answer as the public documents they are modelled on.

Each repository under tests/fixtures/valid/ names its source in its README.md:

- cms-article-echocardiography: CMS billing and coding article A56781 (2019);
- anthem-transrectal-ultrasonography: Anthem CG-MED-45, 2013 and 2014 versions;
- regence-diabetic-supplies: Regence reimbursement policy 128 (2019);
- medicare-advantage-glucose-monitors: a Medicare Advantage only policy bulletin;
- anthem-renumbered-guideline: CG-MED-45 retired, replaced by CG-RAD-28.

Answers come from :func:`validator.model.resolve.coverage` on the repository that
``validate`` builds, in a context like the one a claim line or an order gives.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from tests.conftest import FIXTURES
from validator.check.validate import validate
from validator.consume.coverage import Context, Evaluation, diagnosis
from validator.model import resolve
from validator.model.timeline import Repository

TODAY = date(2020, 6, 1)
ON = date(2020, 6, 1)


def repository(name: str) -> Repository:
    report = validate(FIXTURES / "valid" / name, None, TODAY)
    assert report.findings == []
    return report.repository


@pytest.fixture(scope="module")
def echo() -> Repository:
    return repository("cms-article-echocardiography")


@pytest.fixture(scope="module")
def trus() -> Repository:
    return repository("anthem-transrectal-ultrasonography")


@pytest.fixture(scope="module")
def supplies() -> Repository:
    return repository("regence-diabetic-supplies")


@pytest.fixture(scope="module")
def advantage() -> Repository:
    return repository("medicare-advantage-glucose-monitors")


@pytest.fixture(scope="module")
def renumbered() -> Repository:
    return repository("anthem-renumbered-guideline")


def billed(*codes: str, on: date = ON) -> Context:
    return Context(diagnoses=tuple(diagnosis(code, on) for code in codes))


def only_answer(
    repo: Repository, system: str, code: str, on: date, context: Context
) -> tuple[str, Evaluation]:
    answers = resolve.coverage(repo, system, code, on, context)
    assert len(answers) == 1
    return answers[0].governing.version.path, answers[0].evaluation


# --- A CMS billing and coding article: diagnoses that support medical necessity ----


@pytest.mark.parametrize("code", ["93306", "93307", "93308"])
@pytest.mark.parametrize("supporting", ["I35.0", "I48.91", "I50.9", "R01.1"])
def test_echo_is_covered_with_a_diagnosis_that_supports_medical_necessity(
    echo: Repository, code: str, supporting: str
) -> None:
    path, answer = only_answer(echo, "CPT", code, ON, billed(supporting))
    assert path == "policies/A56781/2019-10-01.yaml"
    assert (answer.applies, answer.covered, answer.determination, answer.statement) == (
        True,
        "covered",
        "covered",
        "supporting-diagnoses",
    )
    assert answer.reason == (
        'statement supporting-diagnoses, billed with a diagnosis in "ICD-10 Codes that '
        'Support Medical Necessity"'
    )
    # The article asks for the medical record to be kept, not sent.
    assert answer.doc_needed == ("clinical",)
    assert answer.doc_purpose == ("retain-doc",)
    assert answer.prior_authorization == "no-auth"


def test_echo_with_a_diagnosis_the_article_does_not_list_is_not_covered(
    echo: Repository,
) -> None:
    _, answer = only_answer(echo, "CPT", "93306", ON, billed("E11.9"))
    assert answer == Evaluation(
        True,
        "not-covered",
        "not-covered",
        None,
        None,
        "statement supporting-diagnoses: no billed diagnosis is in ICD-10 Codes that Support "
        "Medical Necessity; statement pre-operative-evaluation: needs a diagnosis in ICD-10 "
        "Codes that Support Medical Necessity Group 1: Codes and ICD-10 Codes that Support "
        "Medical Necessity Group 2: Codes",
        doc_needed=("no-doc",),
    )


def test_echo_without_a_diagnosis_needs_one(echo: Repository) -> None:
    _, answer = only_answer(echo, "CPT", "93306", ON, Context())
    assert (answer.covered, answer.info_needed) == ("conditional", ("diagnosis",))
    assert (answer.prior_authorization, answer.doc_needed) == ("no-auth", ("conditional",))


@pytest.mark.parametrize(
    ("codes", "covered"),
    [
        (("Z01.810", "I34.1"), "covered"),
        (("I34.1", "Z01.810"), "covered"),
        (("Z01.810",), "not-covered"),  # a pre-operative study alone
        (("I34.1",), "not-covered"),  # mitral valve prolapse alone
    ],
)
def test_a_pre_operative_echo_needs_the_second_diagnosis(
    echo: Repository, codes: tuple[str, ...], covered: str
) -> None:
    _, answer = only_answer(echo, "CPT", "93307", ON, billed(*codes))
    assert answer.covered == covered
    assert answer.statement == ("pre-operative-evaluation" if covered == "covered" else None)


def test_a_diagnosis_supports_echo_without_being_a_service(echo: Repository) -> None:
    assert resolve.coverage(echo, "ICD-10-CM", "I34.1", ON, Context()) == []
    found = {
        code: [
            (s.governing.group.id, [rule["id"] for rule in s.statements], s.services)
            for s in resolve.supports(echo, "ICD-10-CM", code, ON)
        ]
        for code in ("I50.9", "Z01.810", "I34.1", "E11.9")
    }
    assert found == {
        "I50.9": [
            (
                "supports-medical-necessity",
                ["supporting-diagnoses"],
                ("transthoracic-echocardiography",),
            )
        ],
        "Z01.810": [
            ("dual-group-1", ["pre-operative-evaluation"], ("transthoracic-echocardiography",))
        ],
        "I34.1": [
            ("dual-group-2", ["pre-operative-evaluation"], ("transthoracic-echocardiography",))
        ],
        "E11.9": [],
    }


def test_the_article_schedules_no_review(echo: Repository) -> None:
    version = resolve.version_on(echo, "A56781", ON)
    assert version is not None
    assert version.next_review is None
    assert not echo.organization.reviews_scheduled
    assert resolve.due_for_review(echo, date(2030, 1, 1)) == []


# --- Anthem CG-MED-45: a criteria tree whose threshold changed ---------------------


def psa(criteria: dict[str, Any] | None) -> dict[str, Any]:
    """The PSA leaf of the tree: indication 1, its suspicion of cancer, second finding."""
    assert criteria is not None
    biopsy = criteria["any_of"][0]
    assert biopsy["id"] == "guide-prostate-biopsy"
    suspicion = biopsy["all_of"][1]
    assert suspicion["id"] == "cancer-suspected"
    leaf: dict[str, Any] = suspicion["any_of"][1]
    return leaf


@pytest.mark.parametrize(
    ("day", "effective", "value", "text"),
    [
        ("2013-05-13", "2013-05-13", "10", "greater than 10 ng/ml"),
        ("2014-05-18", "2013-05-13", "10", "greater than 10 ng/ml"),
        ("2014-05-19", "2014-05-19", "3.0", "greater than 3.0 ng/ml"),
        ("2020-06-01", "2014-05-19", "3.0", "greater than 3.0 ng/ml"),
    ],
)
def test_the_psa_threshold_of_the_answer_depends_on_the_date(
    trus: Repository, day: str, effective: str, value: str, text: str
) -> None:
    path, answer = only_answer(trus, "CPT", "76872", date.fromisoformat(day), Context())
    assert path == f"policies/CG-MED-45/{effective}.yaml"
    assert (answer.covered, answer.determination, answer.statement) == (
        "covered",
        "conditionally-covered",
        "medically-necessary",
    )
    assert answer.doc_needed == ("clinical",)  # the criteria are shown on clinical evidence
    leaf = psa(answer.criteria)
    assert leaf["threshold"] == {
        "measure": "PSA",
        "comparison": ">",
        "value": value,
        "unit": "ng/mL",
    }
    assert leaf["text"] == f"prostate-specific antigen (PSA) level {text}"


def test_the_criteria_tree_nests_any_all_and_at_least(trus: Repository) -> None:
    _, answer = only_answer(trus, "CPT", "76873", ON, Context())
    tree = answer.criteria
    assert tree is not None
    assert tree["id"] == "indications"
    assert [child["id"] for child in tree["any_of"]] == [
        "guide-prostate-biopsy",
        "cryotherapy-or-brachytherapy",
        "staging",
        "evaluate-and-guide-treatment",
    ]
    fourth = tree["any_of"][3]
    assert fourth["at_least"] == 1
    assert len(fourth["of"]) == 5


def test_before_the_first_version_nothing_answers(trus: Repository) -> None:
    assert resolve.coverage(trus, "CPT", "76872", date(2013, 5, 12), Context()) == []


def test_the_revision_says_why_the_2014_version_changed(trus: Repository) -> None:
    version = resolve.version_on(trus, "CG-MED-45", date(2014, 5, 19))
    assert version is not None
    assert version.document["lifecycle"]["change"] == "revised"
    assert [row["reasons"] for row in version.document["revisions"]] == [["coverage-change"]]


# --- Regence 128: unit limits, not for facilities ----------------------------------


def test_test_strips_are_limited_to_18_units_per_90_days(supplies: Repository) -> None:
    _, answer = only_answer(supplies, "HCPCS", "A4253", ON, Context(setting="professional"))
    assert (answer.covered, answer.determination, answer.statement) == (
        "covered",
        "conditionally-covered",
        "test-strips",
    )
    [limit] = answer.limits
    assert {key: value for key, value in limit.items() if key != "text"} == {
        "id": "a4253-units",
        "kind": "units",
        "quantity": 18,
        "per": {"count": 90, "unit": "day"},
        "scope": "member",
        "grace": {"count": 10, "unit": "day"},
    }


def test_each_supply_has_its_own_limit(supplies: Repository) -> None:
    _, answer = only_answer(supplies, "HCPCS", "A4258", ON, Context(setting="professional"))
    assert [(limit["id"], limit["quantity"], limit["per"]) for limit in answer.limits] == [
        ("a4258-units", 2, {"count": 365, "unit": "day"})
    ]


def test_a_facility_claim_gets_no_answer_from_the_policy(supplies: Repository) -> None:
    _, answer = only_answer(supplies, "HCPCS", "A4253", ON, Context(setting="facility"))
    assert answer == Evaluation(
        False,
        None,
        None,
        None,
        None,
        "does not apply: it applies to setting professional, not facility",
    )


def test_a_claim_of_unknown_setting_needs_it(supplies: Repository) -> None:
    _, answer = only_answer(supplies, "HCPCS", "A4253", ON, Context())
    assert (answer.applies, answer.covered, answer.info_needed) == (
        True,
        "conditional",
        ("setting",),
    )
    assert answer.limits == ()


# --- A Medicare Advantage only policy with prior authorisation --------------------

MEDICARE_ADVANTAGE = "medicare-advantage"


@pytest.mark.parametrize("code", ["K0553", "K0554"])
def test_a_monitor_for_a_medicare_advantage_member_needs_prior_authorisation(
    advantage: Repository, code: str
) -> None:
    context = Context(diagnoses=billed("E11.65").diagnoses, line_of_business=MEDICARE_ADVANTAGE)
    _, answer = only_answer(advantage, "HCPCS", code, ON, context)
    assert (answer.covered, answer.statement, answer.prior_authorization) == (
        "covered",
        "therapeutic-cgm",
        "auth-needed",
    )
    assert [(doc["id"], doc["kind"], doc["purpose"]) for doc in answer.documentation] == [
        ("medical-record", "clinical", ["withpa"]),
        ("standard-written-order", "admin", ["withorder"]),
    ]
    assert answer.doc_needed == ("admin", "clinical")
    assert answer.doc_purpose == ("withorder", "withpa")


def test_a_commercial_claim_gets_no_answer_from_the_policy(advantage: Repository) -> None:
    _, answer = only_answer(advantage, "HCPCS", "K0554", ON, Context(line_of_business="commercial"))
    assert (answer.applies, answer.covered, answer.prior_authorization) == (False, None, None)
    assert answer.reason == "does not apply: it applies to medicare-advantage, not commercial"


def test_a_line_the_organisation_does_not_offer_gets_no_answer(advantage: Repository) -> None:
    _, answer = only_answer(advantage, "HCPCS", "K0554", ON, Context(line_of_business="medicaid"))
    assert (answer.applies, answer.reason) == (
        False,
        "does not apply: it applies to medicare-advantage, not medicaid",
    )


def test_an_order_without_context_may_need_prior_authorisation(advantage: Repository) -> None:
    _, answer = only_answer(advantage, "HCPCS", "K0554", ON, Context())
    assert (answer.covered, answer.info_needed) == (
        "conditional",
        ("diagnosis", "line-of-business"),
    )
    assert (answer.prior_authorization, answer.doc_needed) == ("conditional", ("conditional",))


def test_a_monitor_without_diabetes_is_not_covered_and_needs_no_authorisation(
    advantage: Repository,
) -> None:
    context = Context(diagnoses=billed("I50.9").diagnoses, line_of_business=MEDICARE_ADVANTAGE)
    _, answer = only_answer(advantage, "HCPCS", "K0554", ON, context)
    assert (answer.covered, answer.prior_authorization, answer.doc_needed) == (
        "not-covered",
        None,
        ("no-doc",),
    )


@pytest.mark.parametrize(
    ("line_of_business", "codes"),
    [(None, ["K0553", "K0554"]), (MEDICARE_ADVANTAGE, ["K0553", "K0554"]), ("commercial", [])],
)
def test_the_prior_authorisation_list(
    advantage: Repository, line_of_business: str | None, codes: list[str]
) -> None:
    found = resolve.prior_authorizations(advantage, ON, line_of_business)
    assert [(p.system, p.code, p.version.number, p.required) for p in found] == [
        ("HCPCS", code, "MA00.002", "required") for code in codes
    ]
    assert all(p.statement["id"] == "therapeutic-cgm" for p in found)


def test_the_prior_authorisation_list_before_the_policy_took_effect(
    advantage: Repository,
) -> None:
    assert resolve.prior_authorizations(advantage, date(2019, 12, 31)) == []


@pytest.mark.parametrize(
    "name",
    [
        "cms-article-echocardiography",
        "anthem-transrectal-ultrasonography",
        "regence-diabetic-supplies",
        "anthem-renumbered-guideline",
    ],
)
def test_no_other_example_needs_prior_authorisation(name: str) -> None:
    repo = repository(name)
    for day in (date(2014, 6, 1), ON, date(2025, 1, 1), date(2025, 6, 1)):
        assert resolve.prior_authorizations(repo, day) == []


def test_the_diabetes_diagnoses_support_the_monitors(advantage: Repository) -> None:
    [support] = resolve.supports(advantage, "ICD-10-CM", "E10.65", ON)
    assert support.governing.group.id == "diabetes"
    assert [rule["id"] for rule in support.statements] == ["therapeutic-cgm"]
    assert support.services == ("therapeutic-cgm",)


# --- A retired policy, replaced ---------------------------------------------------


@pytest.mark.parametrize(
    ("day", "number"),
    [
        ("2024-09-30", None),
        ("2024-10-01", "CG-MED-45"),
        ("2025-04-15", "CG-MED-45"),
        ("2025-04-16", "CG-RAD-28"),  # the retirement date: CG-MED-45 answers nothing
        ("2030-01-01", "CG-RAD-28"),
    ],
)
def test_the_retired_policy_answers_nothing_after_its_retirement(
    renumbered: Repository, day: str, number: str | None
) -> None:
    on = date.fromisoformat(day)
    answers = resolve.coverage(renumbered, "CPT", "76872", on, Context())
    assert [a.governing.version.number for a in answers] == ([number] if number else [])
    assert all(a.evaluation.determination == "conditionally-covered" for a in answers)
    in_effect = resolve.version_on(renumbered, "CG-MED-45", on)
    assert (in_effect is not None) is (number == "CG-MED-45")


def test_the_retirement_is_a_record_and_the_replacement_says_so(
    renumbered: Repository,
) -> None:
    retired = renumbered.policies["CG-MED-45"]
    assert retired.retirement is not None
    assert (retired.retirement.retired, retired.retirement.path, retired.retirement.version) == (
        date(2025, 4, 16),
        "policies/CG-MED-45/retirement.yaml",
        None,
    )
    assert retired.retirement.reason == (
        "The guideline moved to CG-RAD-28 Transrectal Ultrasonography."
    )
    supersession = resolve.supersession(renumbered, retired)
    assert [v.path for v in supersession.replaced_by] == ["policies/CG-RAD-28/2025-04-16.yaml"]
    assert resolve.supersession(renumbered, renumbered.policies["CG-RAD-28"]).replaces == [
        "CG-MED-45"
    ]
