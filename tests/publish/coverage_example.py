"""A small second-format repository that the bundle and consumer tests share.

Policy 0400 (2014) did not cover continuous glucose monitors, except billed with an
ICD-9 diagnosis of diabetes; it was retired when 0500 replaced it (2016). 0500 covers
them for diabetes when the criteria are met, with a KX or KS modifier, outside
Tennessee, and one monitor only from 2016-04-01; supplies only under the organisation's
Open Access Plus product, with prior authorisation.
"""

from __future__ import annotations

from pathlib import Path

#: The repository, by path.
EXAMPLE = {
    "policies/organization.yaml": """\
name: "Example Health"
instructions_for_use: "Coverage policies guide the reading of benefit plans."
trademark_notice: "Example Health is a mark of Example."
lines_of_business: [commercial, medicare-advantage]
products:
  - id: open-access-plus
    title: "Open Access Plus"
    line_of_business: commercial
""",
    "policies/0400/2014-01-01.yaml": """\
format: 2
number: "0400"
title: "Glucose Monitors"
applies_to: "All plans."
lifecycle:
  status: active
  effective: "2014-01-01"
  next_review: "2015-01-01"
coverage:
  - id: position
    determination: not-covered
    basis: experimental-investigational-unproven
    text: "Continuous monitors are unproven."
coding:
  all_inclusive: false
  groups:
    - id: monitors
      heading: "Experimental/Investigational/Unproven"
      determination: not-covered
      basis: experimental-investigational-unproven
      system: HCPCS
      codes:
        - code: "E2102"
    - id: supporting
      heading: "ICD-9-CM codes that support medical necessity"
      determination: covered
      system: ICD-9-CM
      codes:
        - code: "250.00"
    - id: others
      heading: "Not medically necessary"
      determination: not-covered
      system: ICD-9-CM
      codes: []
      catch_all: "All other codes"
""",
    "policies/0400/retirement.yaml": """\
format: 2
number: "0400"
retired: "2016-01-01"
reason: "Replaced by policy 0500."
""",
    "policies/0500/2016-01-01.yaml": """\
format: 2
number: "0500"
title: "Continuous Glucose Monitors"
applies_to: "Every plan, except in Tennessee."
applicability:
  states:
    exclude: [TN]
lifecycle:
  status: active
  effective: "2016-01-01"
  next_review: "2017-01-01"
replaces:
  - number: "0400"
coverage:
  - id: diabetes
    determination: conditionally-covered
    basis: medically-necessary
    text: "Covered for diabetes when the criteria are met."
    services: [monitors]
    diagnoses:
      any_of: [diabetes]
    criteria: indications
    limits:
      - id: sensors
        kind: units
        quantity: 3
        per: {count: 90, unit: day}
        scope: member
        text: "3 sensors per 90 days."
    modifiers:
      one_of: [KX, KS]
    prior_authorization:
      required: conditional
      condition: "When more than 3 sensors are requested."
    documentation:
      - id: order
        kind: admin
        purpose: [withorder]
        text: "A standard written order."
        questionnaire: "https://example.org/Questionnaire/cgm"
  - id: supplies
    determination: covered
    basis: medically-necessary
    text: "Supplies are covered under Open Access Plus, with prior authorisation."
    services: [supplies]
    applicability:
      lines_of_business: [open-access-plus]
    prior_authorization:
      required: required
criteria:
  - id: indications
    text: "All of the following:"
    all_of:
      - id: insulin
        text: "Insulin three times a day."
      - id: a1c
        text: "HbA1c above 7 percent."
        threshold: {measure: HbA1c, comparison: ">", value: "7.0", unit: "%"}
coding:
  all_inclusive: false
  groups:
    - id: monitors
      heading: "Covered when medically necessary"
      determination: conditionally-covered
      basis: medically-necessary
      system: HCPCS
      codes:
        - code: "A9276"
        - code: "E2102"
          dates_of_service: {from: "2016-04-01"}
    - id: supplies
      heading: "Supplies"
      determination: covered
      system: HCPCS
      codes:
        - code: "A4253"
    - id: diabetes
      heading: "ICD-10-CM codes that support medical necessity"
      determination: covered
      system: ICD-10-CM
      codes:
        - code: "E11.9"
        - code: "E10.9"
""",
}


def write_example(root: Path) -> Path:
    """The example repository under ``root``; returns ``root``."""
    for name, text in EXAMPLE.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root
