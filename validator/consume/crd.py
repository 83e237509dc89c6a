"""A coverage answer as Da Vinci CRD's ``coverage-information`` extension (FHIR R4 JSON).

CRD (Coverage Requirements Discovery) services return coverage information on the order
a clinician is writing, as an extension on that request. :func:`coverage_information`
turns one version's :class:`~validator.consume.coverage.Evaluation` into the extension's
value; the caller adds what only it knows: ``coverage`` (a reference to the patient's
Coverage resource), ``coverage-assertion-id`` and ``date``.

Sub-extensions written, in this order:

* ``covered`` (valueCode): covered, not-covered or conditional.
* ``pa-needed`` (valueCode): auth-needed, no-auth or conditional; absent when
  not-covered (invariant crd-ci-q2) or when the answer says nothing about it.
* ``doc-needed`` (valueCode, one per kind): clinical, admin, patient, conditional or
  no-doc; ``doc-purpose`` (valueCode, one per purpose): withpa, withclaim, withorder,
  retain-doc; ``questionnaire`` (valueCanonical) for each documentation requirement that
  names one (only beside doc-needed: invariant crd-ci-q1).
* ``info-needed``: what the context lacks. Place of service and setting are CRD's
  ``location`` (valueCode). CRD has no code for our other context dimensions, so they
  are a valueCoding of the code system ``urn:policyrepo:coverage-context``: diagnosis,
  line-of-business, state, age, sex, modifier, and pa-condition (whether the
  prior-authorisation condition holds, which the context cannot say). Present exactly
  when covered, pa-needed or doc-needed is conditional (invariant crd-ci-q3).
* ``billingCode`` (valueCoding): the service code, CPT as http://www.ama-assn.org/go/cpt,
  HCPCS as https://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets.
* ``reason`` (valueCodeableConcept, text only): why, in words.
* ``detail`` (complex: ``code`` and ``value``), one per limit, for the criteria and for
  the prior-authorisation condition, as text; codes from ``urn:policyrepo:coverage-detail``
  (limit, criteria, pa-condition).
"""

from __future__ import annotations

from typing import Any

from validator.consume.coverage import Evaluation

URL = "http://hl7.org/fhir/us/davinci-crd/StructureDefinition/ext-coverage-information"
CONTEXT_SYSTEM = "urn:policyrepo:coverage-context"
DETAIL_SYSTEM = "urn:policyrepo:coverage-detail"

#: Code systems of billing codes, by the names policies use.
BILLING_SYSTEMS = {
    "CPT": "http://www.ama-assn.org/go/cpt",
    "HCPCS": "https://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets",
    "ICD-10-PCS": "http://www.cms.gov/Medicare/Coding/ICD10",
    "ICD-9-CM-PROC": "http://hl7.org/fhir/sid/icd-9-cm",
}

#: Context dimensions CRD names: where the service is performed.
_LOCATION = ("place-of-service", "setting")

Extension = dict[str, Any]


def coverage_information(evaluation: Evaluation, *, billing_code: str, system: str) -> Extension:
    """The ``coverage-information`` extension of one version's answer for a service.

    Raises ValueError for an answer of a version that does not apply in the context
    (it has no coverage information to give) and for a code system that is not a
    service's billing code system.
    """
    if not evaluation.applies or evaluation.covered is None:
        raise ValueError(f"no coverage information: the version {evaluation.reason}")
    if system not in BILLING_SYSTEMS:
        known = ", ".join(BILLING_SYSTEMS)
        raise ValueError(f"{system} is not a billing code system of services ({known})")
    extension = [_code("covered", evaluation.covered)]
    if evaluation.covered != "not-covered" and evaluation.prior_authorization is not None:
        extension.append(_code("pa-needed", evaluation.prior_authorization))
    extension += [_code("doc-needed", kind) for kind in evaluation.doc_needed]
    extension += [_code("doc-purpose", purpose) for purpose in evaluation.doc_purpose]
    if evaluation.doc_needed:
        extension += [
            {"url": "questionnaire", "valueCanonical": doc["questionnaire"]}
            for doc in evaluation.documentation
            if "questionnaire" in doc
        ]
    extension += _info_needed(evaluation, extension)
    extension.append(
        {
            "url": "billingCode",
            "valueCoding": {"system": BILLING_SYSTEMS[system], "code": billing_code},
        }
    )
    if evaluation.reason:
        extension.append({"url": "reason", "valueCodeableConcept": {"text": evaluation.reason}})
    extension += _details(evaluation)
    return {"url": URL, "extension": extension}


def _code(url: str, value: str) -> Extension:
    return {"url": url, "valueCode": value}


def _info_needed(evaluation: Evaluation, written: list[Extension]) -> list[Extension]:
    """What the context lacks, present exactly when something written is conditional: a
    conditional prior authorisation with nothing else missing depends on its condition."""
    conditional = any(e.get("valueCode") == "conditional" for e in written)
    if not conditional:
        return []
    needed: list[Extension] = []
    if any(dimension in _LOCATION for dimension in evaluation.info_needed):
        needed.append(_code("info-needed", "location"))
    needed += [
        {"url": "info-needed", "valueCoding": {"system": CONTEXT_SYSTEM, "code": dimension}}
        for dimension in evaluation.info_needed
        if dimension not in _LOCATION
    ]
    if not needed:
        needed.append(
            {
                "url": "info-needed",
                "valueCoding": {"system": CONTEXT_SYSTEM, "code": "pa-condition"},
            }
        )
    return needed


def _details(evaluation: Evaluation) -> list[Extension]:
    details = [_detail("limit", str(limit["text"])) for limit in evaluation.limits]
    if evaluation.criteria:
        details.append(_detail("criteria", criteria_text(evaluation.criteria)))
    if evaluation.pa_condition:
        details.append(_detail("pa-condition", evaluation.pa_condition))
    return details


def _detail(code: str, text: str) -> Extension:
    return {
        "url": "detail",
        "extension": [
            {
                "url": "code",
                "valueCodeableConcept": {"coding": [{"system": DETAIL_SYSTEM, "code": code}]},
            },
            {"url": "value", "valueString": text},
        ],
    }


def criteria_text(criterion: dict[str, Any], depth: int = 0) -> str:
    """A criteria tree as indented lines: each node's wording, its children below it."""
    lead = {"all_of": "All of:", "any_of": "Any of:"}
    children = criterion.get("all_of") or criterion.get("any_of") or criterion.get("of") or []
    kind = next((key for key in lead if key in criterion), None)
    wording = criterion.get("text") or (
        lead[kind] if kind else f"At least {criterion.get('at_least')} of:"
    )
    if "threshold" in criterion:
        threshold = criterion["threshold"]
        measured = [
            threshold[key] for key in ("measure", "comparison", "value", "unit") if key in threshold
        ]
        wording = f"{wording} ({' '.join(str(part) for part in measured)})"
    lines = ["  " * depth + "- " + str(wording)]
    lines += [criteria_text(child, depth + 1) for child in children]
    return "\n".join(lines)
