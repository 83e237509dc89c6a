"""The seed document, Cigna policy 0324 (Work Hardening Programs), as data."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import FIXTURES, SEED
from validator.read.loader import load_document

ORIGINAL = FIXTURES / "seed" / "cigna-0324-work-hardening-programs.txt"


@pytest.fixture(scope="module")
def seed() -> Any:
    doc = load_document("policies/0324/2011-04-15.yaml", SEED.read_bytes())
    assert doc.findings == []
    return doc.data


def test_identity_keeps_the_leading_zero(seed: Any) -> None:
    assert seed["number"] == "0324"
    assert seed["title"] == "Work Hardening Programs"
    assert "Great-West Healthcare" in seed["applies_to"]


def test_lifecycle_dates(seed: Any) -> None:
    assert seed["lifecycle"] == {
        "status": "active",
        "effective": "2011-04-15",
        "next_review": "2013-04-15",
    }


def test_two_coverage_statements_with_their_bases(seed: Any) -> None:
    assert [(s["determination"], s["basis"]) for s in seed["coverage"]] == [
        ("not-covered", "benefit-exclusion"),
        ("not-covered", "not-medically-necessary"),
    ]


def test_codes_and_their_determinations(seed: Any) -> None:
    coding = seed["coding"]
    assert coding["all_inclusive"] is False
    assert coding["note"] == "This list of codes may not be all-inclusive."
    assert coding["copyright"].startswith("Current Procedural Terminology (CPT®) © 2010")
    rows = {
        (group["system"], entry["code"]): (group["determination"], group["basis"])
        for group in coding["groups"]
        for entry in group["codes"]
    }
    assert rows == {
        ("CPT", "97545"): ("not-covered", "not-medically-necessary"),
        ("CPT", "97546"): ("not-covered", "not-medically-necessary"),
        ("ICD-9-CM", "V57.22"): ("not-covered", "not-medically-necessary"),
    }
    icd9 = next(group for group in coding["groups"] if group["system"] == "ICD-9-CM")
    assert icd9["catch_all"] == "All other codes"


def test_references_related_policies_and_history(seed: Any) -> None:
    assert len(seed["references"]) == 12
    assert seed["references"][2]["authors"] == ["Disler PB", "Pallant JF"]
    assert seed["references"][0]["accessed"] == "2011-02-15"
    assert [related["title"] for related in seed["related_policies"]] == [
        "Chiropractic Care",
        "Occupational Therapy",
        "Physical Therapy",
    ]
    assert seed["history"] == [
        {
            "organization": "CIGNA HealthCare",
            "last_review": "2007-04-15",
            "number": "0324",
            "title": "Work Hardening Programs",
        }
    ]


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [text for item in value.values() for text in _strings(item)]
    if isinstance(value, list):
        return [text for item in value for text in _strings(item)]
    return []


def _words(text: str) -> str:
    # The text extraction of the seed marks superscripts (`CPT[®]`) and bold (`**`).
    return " ".join(text.replace("**", "").replace("[®]", "®").split())


def test_the_seed_wording_is_kept_verbatim(seed: Any) -> None:
    """Every prose value in the YAML appears word for word in the original document."""
    original = _words(ORIGINAL.read_text(encoding="utf-8"))
    prose = [
        *_strings({key: seed[key] for key in ("title", "applies_to", "background", "summary")}),
        *(statement["text"] for statement in seed["coverage"]),
        *(society["text"] for society in seed["professional_societies"]),
        *(reference["citation"] for reference in seed["references"]),
        *(entry["label"] for group in seed["coding"]["groups"] for entry in group["codes"]),
        seed["coding"]["copyright"],
        seed["copyright"],
    ]
    for text in prose:
        assert _words(text) in original, text


def test_the_organisation_text_is_stored_once() -> None:
    organization = load_document(
        "policies/organization.yaml", (SEED.parent.parent / "organization.yaml").read_bytes()
    )
    assert organization.findings == []
    original = _words(ORIGINAL.read_text(encoding="utf-8"))
    for key in ("instructions_for_use", "trademark_notice"):
        assert _words(organization.data[key]) in original
    assert "instructions_for_use" not in SEED.read_text(encoding="utf-8")
