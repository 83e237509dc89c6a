"""Coverage answers from a bundle alone: services in context, what a diagnosis supports,
what needs prior authorisation, and the same answers as Da Vinci CRD coverage information."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import build
from tests.publish.coverage_example import write_example
from validator.consume.consumer import Bundle, BundleError, Coverage
from validator.consume.coverage import Evaluation
from validator.consume.crd import CONTEXT_SYSTEM, URL, coverage_information

#: Every dimension of the context known: a diabetic member in Pennsylvania, KX billed.
KNOWN: dict[str, Any] = {
    "diagnoses": ["E11.9"],
    "line_of_business": "open-access-plus",
    "state": "PA",
    "setting": "professional",
    "place_of_service": "12",
    "age": 54,
    "sex": "female",
    "modifiers": ["KX"],
}


@pytest.fixture(autouse=True)
def fixed_epoch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")


@pytest.fixture
def out(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    assert build(write_example(tmp_path / "repo"), tmp_path / "dist") == 0
    capsys.readouterr()
    return tmp_path / "dist"


@pytest.fixture
def bundle(out: Path) -> Bundle:
    return Bundle.open(out)


def _one(answers: list[Coverage]) -> Evaluation:
    [answer] = answers
    return answer.evaluation


def test_a_service_is_covered_when_billed_with_a_supporting_diagnosis(bundle: Bundle) -> None:
    [answer] = bundle.coverage("HCPCS", "A9276", "2016-06-01", **KNOWN)
    assert (answer.policy, answer.title, answer.version, answer.group) == (
        "0500",
        "Continuous Glucose Monitors",
        "2016-01-01",
        "monitors",
    )
    assert (answer.start, answer.end) == ("2016-01-01", None)
    evaluation = answer.evaluation
    assert (evaluation.covered, evaluation.determination, evaluation.statement) == (
        "covered",
        "conditionally-covered",
        "diabetes",
    )
    assert evaluation.info_needed == ()
    assert (evaluation.prior_authorization, evaluation.pa_condition) == (
        "conditional",
        "When more than 3 sensors are requested.",
    )
    assert evaluation.doc_needed == ("admin", "clinical")
    assert [limit["id"] for limit in evaluation.limits] == ["sensors"]
    assert evaluation.criteria is not None
    assert evaluation.criteria["id"] == "indications"


def test_what_the_context_leaves_out_is_what_the_answer_needs(bundle: Bundle) -> None:
    evaluation = _one(bundle.coverage("HCPCS", "A9276", "2016-06-01"))
    assert evaluation.covered == "conditional"
    assert evaluation.info_needed == ("diagnosis", "state", "modifier")
    assert evaluation.prior_authorization == "conditional"


def test_without_a_supporting_diagnosis_or_modifier_it_is_not_covered(bundle: Bundle) -> None:
    other = _one(bundle.coverage("HCPCS", "A9276", "2016-06-01", **{**KNOWN, "diagnoses": []}))
    assert (other.covered, other.statement, other.prior_authorization) == (
        "not-covered",
        None,
        None,
    )
    assert other.doc_needed == ("no-doc",)
    no_modifier = _one(
        bundle.coverage("HCPCS", "A9276", "2016-06-01", **{**KNOWN, "modifiers": []})
    )
    assert no_modifier.covered == "not-covered"
    assert "one of the modifiers KX, KS is required" in no_modifier.reason


def test_a_version_that_does_not_apply_says_why(bundle: Bundle) -> None:
    tennessee = _one(bundle.coverage("HCPCS", "A9276", "2016-06-01", state="TN"))
    assert (tennessee.applies, tennessee.covered) == (False, None)
    assert tennessee.reason == "does not apply: state TN is excluded"
    medicaid = _one(bundle.coverage("HCPCS", "A4253", "2016-06-01", line_of_business="medicaid"))
    assert medicaid.reason == "does not apply: the organisation offers no medicaid"


def test_products_stand_within_their_line_of_business(bundle: Bundle) -> None:
    def supplies(line: str) -> Evaluation:
        return _one(
            bundle.coverage("HCPCS", "A4253", "2016-06-01", line_of_business=line, state="PA")
        )

    assert supplies("open-access-plus").prior_authorization == "auth-needed"
    assert supplies("commercial").info_needed == ("line-of-business",)  # which product?
    assert supplies("medicare-advantage").covered == "not-covered"


def test_dates_of_service_inside_the_window_are_respected(bundle: Bundle) -> None:
    assert bundle.coverage("HCPCS", "E2102", "2016-03-31") == []
    assert bundle.lookup("HCPCS", "E2102", "2016-03-31") == []
    [answer] = bundle.coverage("HCPCS", "E2102", "2016-04-01", **KNOWN)
    assert answer.evaluation.covered == "covered"
    [row] = bundle.lookup("HCPCS", "E2102", "2016-04-01")
    assert (row.group, row.role, row.determination) == (
        "monitors",
        "service",
        "conditionally-covered",
    )


def test_diagnoses_without_a_system_are_read_in_the_system_of_the_date(bundle: Bundle) -> None:
    """On 2015-06-01 a claim is coded in ICD-9: 250.00 is listed, 401.9 falls under the
    table's "All other codes", and an ICD-10 code counts for neither ICD-9 table."""
    answers = {
        written: _one(bundle.coverage("HCPCS", "E2102", "2015-06-01", diagnoses=[written]))
        for written in ("250.00", "ICD-9-CM:401.9", "401.9", "ICD-10-CM:E11.9")
    }
    assert answers["250.00"].covered == "covered"
    assert answers["401.9"] == answers["ICD-9-CM:401.9"]
    assert "as any other code" in answers["401.9"].reason
    assert answers["ICD-10-CM:E11.9"].reason == 'under "Experimental/Investigational/Unproven"'
    assert _one(bundle.coverage("HCPCS", "E2102", "2015-06-01")).info_needed == ("diagnosis",)


def test_diagnosis_and_qualifier_codes_answer_no_coverage(bundle: Bundle) -> None:
    assert bundle.coverage("ICD-10-CM", "E11.9", "2016-06-01") == []
    assert bundle.coverage("CPT", "99999", "2016-06-01") == []
    assert bundle.coverage("../../x", "E11.9", "2016-06-01") == []


def test_what_a_diagnosis_supports(bundle: Bundle) -> None:
    [support] = bundle.supports("ICD-10-CM", "E11.9", "2016-06-01")
    assert (support.policy, support.group, support.services) == ("0500", "diabetes", ("monitors",))
    assert [statement["id"] for statement in support.statements] == ["diabetes"]
    [older] = bundle.supports("ICD-9-CM", "250.00", "2015-06-01")
    assert (older.policy, older.statements, older.services) == ("0400", (), ("monitors",))
    assert bundle.supports("HCPCS", "A9276", "2016-06-01") == []


def test_what_needs_prior_authorization_on_a_date(bundle: Bundle) -> None:
    def listed(on: str, line: str | None = None) -> list[tuple[str, str, str]]:
        return [(p.code, p.statement, p.required) for p in bundle.prior_authorizations(on, line)]

    assert listed("2016-06-01") == [
        ("A4253", "supplies", "required"),
        ("A9276", "diabetes", "conditional"),
        ("E2102", "diabetes", "conditional"),
    ]
    assert listed("2016-03-01", "commercial") == [
        ("A4253", "supplies", "required"),  # Open Access Plus is commercial
        ("A9276", "diabetes", "conditional"),
    ]
    assert [code for code, _, _ in listed("2016-06-01", "medicare-advantage")] == [
        "A9276",
        "E2102",
    ]
    assert listed("2015-06-01") == []
    [first, *_] = bundle.prior_authorizations("2016-06-01")
    assert (first.policy, first.version, first.start, first.end) == (
        "0500",
        "2016-01-01",
        "2016-01-01",
        None,
    )


def test_answers_are_copies(bundle: Bundle) -> None:
    evaluation = _one(bundle.coverage("HCPCS", "A9276", "2016-06-01", **KNOWN))
    assert evaluation.criteria is not None
    evaluation.criteria["id"] = "changed"
    [support] = bundle.supports("ICD-10-CM", "E11.9", "2016-06-01")
    support.statements[0]["id"] = "changed"
    again = _one(bundle.coverage("HCPCS", "A9276", "2016-06-01", **KNOWN))
    assert again.criteria is not None
    assert again.criteria["id"] == "indications"
    assert bundle.supports("ICD-10-CM", "E11.9", "2016-06-01")[0].statements[0]["id"] == "diabetes"


@pytest.mark.parametrize(
    ("arguments", "error", "message"),
    [
        ({"on": "06/01/2016"}, ValueError, "a date is written YYYY-MM-DD, not '06/01/2016'"),
        ({"diagnoses": "E11.9"}, TypeError, "diagnoses must be a list of codes (text)"),
        ({"modifiers": [1]}, TypeError, "modifiers must be a list of codes (text)"),
        ({"age": -1}, ValueError, "age must be a whole number of years, 0 or more, not -1"),
        ({"age": True}, ValueError, "age must be a whole number of years"),
        ({"state": 42}, TypeError, "state must be text or None, not int"),
    ],
)
def test_bad_questions_get_clear_errors(
    bundle: Bundle, arguments: dict[str, Any], error: type[Exception], message: str
) -> None:
    on = arguments.pop("on", "2016-06-01")
    with pytest.raises(error) as raised:
        bundle.coverage("HCPCS", "A9276", on, **arguments)
    assert message in str(raised.value)


def _rewrite(out: Path, name: str, change: Any) -> None:
    """Change a file of an unsigned bundle, and its manifest entry to match."""
    document = json.loads((out / name).read_bytes())
    change(document)
    data = json.dumps(document).encode("utf-8")
    (out / name).write_bytes(data)
    manifest = json.loads((out / "manifest.json").read_bytes())
    for entry in manifest["files"]:
        if entry["name"] == name:
            entry.update(size=len(data), sha256=hashlib.sha256(data).hexdigest())
    (out / "manifest.json").write_text(json.dumps(manifest))


@pytest.mark.parametrize(
    ("name", "change", "question"),
    [
        (
            "policies/0500.json",
            lambda d: d["versions"][0].pop("coverage_rules"),
            lambda b: b.coverage("HCPCS", "A9276", "2016-06-01"),
        ),
        (
            "policies/0500.json",
            lambda d: d["versions"][0].update(version="2016-02-02"),
            lambda b: b.coverage("HCPCS", "A9276", "2016-06-01"),
        ),
        (
            "codes/ICD-10-CM/E1.json",
            lambda d: d["codes"]["E11.9"][0].pop("role"),
            lambda b: b.coverage("HCPCS", "A9276", "2016-06-01", diagnoses=["E11.9"]),
        ),
        (
            "organization.json",
            lambda d: d.update(products=["open-access-plus"]),
            lambda b: b.coverage("HCPCS", "A9276", "2016-06-01"),
        ),
        (
            "prior-auth.json",
            lambda d: d["requirements"][0].pop("applicability"),
            lambda b: b.prior_authorizations("2016-06-01"),
        ),
    ],
)
def test_a_malformed_file_is_a_bundle_error_naming_it(
    out: Path, name: str, change: Any, question: Any
) -> None:
    _rewrite(out, name, change)
    with pytest.raises(BundleError) as raised:
        question(Bundle.open(out))
    assert str(raised.value).startswith(f"{out / name}: ")


def test_a_bundle_of_the_first_format_has_no_coverage_answers(out: Path) -> None:
    manifest = json.loads((out / "manifest.json").read_bytes())
    manifest["bundle_format"] = 1
    (out / "manifest.json").write_text(json.dumps(manifest))
    bundle = Bundle.open(out)
    assert [d.policy for d in bundle.lookup("HCPCS", "A9276", "2016-06-01")] == ["0500"]
    for question in (
        lambda: bundle.coverage("HCPCS", "A9276", "2016-06-01"),
        lambda: bundle.supports("ICD-10-CM", "E11.9", "2016-06-01"),
        lambda: bundle.prior_authorizations("2016-06-01"),
    ):
        with pytest.raises(BundleError, match="needs bundle format 2 or later; rebuild it"):
            question()


# Da Vinci CRD coverage information


def _extensions(info: dict[str, Any], url: str) -> list[dict[str, Any]]:
    return [e for e in info["extension"] if e["url"] == url]


def _codes(info: dict[str, Any], url: str) -> list[str]:
    return [e["valueCode"] for e in _extensions(info, url) if "valueCode" in e]


def test_a_covered_answer_as_crd_coverage_information(bundle: Bundle) -> None:
    evaluation = _one(bundle.coverage("HCPCS", "A9276", "2016-06-01", **KNOWN))
    info = coverage_information(evaluation, billing_code="A9276", system="HCPCS")
    assert info["url"] == URL
    assert _codes(info, "covered") == ["covered"]
    assert _codes(info, "pa-needed") == ["conditional"]
    assert _codes(info, "doc-needed") == ["admin", "clinical"]
    assert _codes(info, "doc-purpose") == ["withorder"]
    assert _extensions(info, "questionnaire") == [
        {"url": "questionnaire", "valueCanonical": "https://example.org/Questionnaire/cgm"}
    ]
    # Nothing is missing from the context, but the prior authorisation has a condition.
    assert _extensions(info, "info-needed") == [
        {"url": "info-needed", "valueCoding": {"system": CONTEXT_SYSTEM, "code": "pa-condition"}}
    ]
    assert _extensions(info, "billingCode") == [
        {
            "url": "billingCode",
            "valueCoding": {
                "system": "https://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets",
                "code": "A9276",
            },
        }
    ]
    details = {
        d["extension"][0]["valueCodeableConcept"]["coding"][0]["code"]: d["extension"][1][
            "valueString"
        ]
        for d in _extensions(info, "detail")
    }
    assert details["limit"] == "3 sensors per 90 days."
    assert details["criteria"] == (
        "- All of the following:\n"
        "  - Insulin three times a day.\n"
        "  - HbA1c above 7 percent. (HbA1c > 7.0 %)"
    )
    assert details["pa-condition"] == "When more than 3 sensors are requested."


def test_what_is_missing_maps_to_crd_location_or_our_context_codes(bundle: Bundle) -> None:
    unknown = _one(bundle.coverage("HCPCS", "A9276", "2016-06-01"))
    info = coverage_information(unknown, billing_code="A9276", system="HCPCS")
    assert _codes(info, "covered") == ["conditional"]
    assert [e.get("valueCoding", {}).get("code") for e in _extensions(info, "info-needed")] == [
        "diagnosis",
        "state",
        "modifier",
    ]
    located = Evaluation(
        True, "conditional", None, None, None, "", info_needed=("setting", "place-of-service")
    )
    placed = coverage_information(located, billing_code="97545", system="CPT")
    assert _extensions(placed, "info-needed") == [{"url": "info-needed", "valueCode": "location"}]
    assert _extensions(placed, "billingCode")[0]["valueCoding"]["system"] == (
        "http://www.ama-assn.org/go/cpt"
    )


def test_crd_invariants_hold_for_every_answer(bundle: Bundle) -> None:
    """crd-ci-q2: not-covered carries no pa-needed; crd-ci-q3: info-needed is there
    exactly when covered, pa-needed or doc-needed is conditional."""
    contexts: list[dict[str, Any]] = [
        {},
        KNOWN,
        {**KNOWN, "diagnoses": []},
        {**KNOWN, "modifiers": None},
        {**KNOWN, "line_of_business": "commercial"},
        {"state": "PA", "diagnoses": ["E10.9"]},
    ]
    checked = set()
    for day in ("2015-06-01", "2016-06-01"):
        for code in ("A9276", "E2102", "A4253"):
            for asked in contexts:
                for answer in bundle.coverage("HCPCS", code, day, **asked):
                    if not answer.evaluation.applies:
                        continue
                    info = coverage_information(
                        answer.evaluation, billing_code=code, system="HCPCS"
                    )
                    covered = _codes(info, "covered")
                    if covered == ["not-covered"]:
                        assert _extensions(info, "pa-needed") == []
                    conditional = "conditional" in (
                        covered + _codes(info, "pa-needed") + _codes(info, "doc-needed")
                    )
                    assert bool(_extensions(info, "info-needed")) == conditional
                    checked.add((covered[0], conditional))
    assert checked >= {("covered", True), ("covered", False), ("not-covered", False)}
    assert ("conditional", True) in checked


def test_crd_refuses_an_answer_that_does_not_apply_or_a_code_that_is_not_a_service(
    bundle: Bundle,
) -> None:
    tennessee = _one(bundle.coverage("HCPCS", "A9276", "2016-06-01", state="TN"))
    with pytest.raises(ValueError, match="no coverage information: the version does not apply"):
        coverage_information(tennessee, billing_code="A9276", system="HCPCS")
    covered = _one(bundle.coverage("HCPCS", "A9276", "2016-06-01", **KNOWN))
    with pytest.raises(ValueError, match="ICD-10-CM is not a billing code system of services"):
        coverage_information(covered, billing_code="E11.9", system="ICD-10-CM")
