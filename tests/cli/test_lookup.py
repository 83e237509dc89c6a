"""lookup in context and prior-auth from the command line: exact answers, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from validator.cli import main

VERSION = """\
format: 2
number: "L1"
title: Transthoracic Echocardiography
applies_to: Medicare Advantage members, except in Tennessee.
applicability:
  lines_of_business: [medicare-advantage]
  states:
    exclude: [TN]
lifecycle:
  status: active
  effective: "2020-01-01"
  next_review: "2021-01-01"
coverage:
  - id: supported
    determination: covered
    basis: medically-necessary
    text: TTE is covered when billed with a diagnosis that supports medical necessity.
    services: [tte]
    diagnoses:
      any_of: [supporting]
    prior_authorization:
      required: required
    documentation:
      - id: order
        kind: admin
        purpose: [withpa]
        text: A standard written order.
    limits:
      - id: yearly
        kind: services
        quantity: 1
        per: {count: 12, unit: month}
        scope: member
        text: Not more than once within a 12-month period.
coding:
  all_inclusive: false
  groups:
    - id: tte
      heading: CPT codes
      determination: covered
      system: CPT
      codes:
        - code: "93306"
    - id: supporting
      heading: ICD-10 codes that support medical necessity
      determination: covered
      system: ICD-10-CM
      codes:
        - code: "I34.1"
"""

ON = "2020-06-01"


@pytest.fixture
def lcd(tmp_path: Path) -> Path:
    """A Medicare-Advantage-only policy, not in Tennessee, with a supporting diagnosis,
    prior authorisation, documentation and a frequency limit."""
    (tmp_path / "policies" / "L1").mkdir(parents=True)
    (tmp_path / "policies" / "L1" / "2020-01-01.yaml").write_text(VERSION)
    return tmp_path


def lookup(root: Path, capsys: pytest.CaptureFixture[str], *context: str) -> tuple[int, str]:
    code = main(["lookup", "CPT", "93306", "--on", ON, "--root", str(root), *context])
    return code, capsys.readouterr().out


HEAD = (
    "  policy L1 Transthoracic Echocardiography\n"
    "    version 2020-01-01 (policies/L1/2020-01-01.yaml), in effect 2020-01-01, open-ended\n"
)


def test_without_context_the_answer_says_what_decides(
    lcd: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert lookup(lcd, capsys) == (
        0,
        "CPT 93306 on 2020-06-01:\n"
        + HEAD
        + "    conditional: depends on the diagnosis, line of business and state\n"
        "    needs: --diagnosis, --line-of-business, --state\n"
        "    prior authorisation: conditional\n",
    )


def test_full_context_with_a_supporting_diagnosis_is_covered_with_prior_authorisation(
    lcd: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    context = ["--diagnosis", "I34.1", "--line-of-business", "medicare-advantage", "--state", "pa"]
    assert lookup(lcd, capsys, *context) == (
        0,
        "CPT 93306 on 2020-06-01, billed with ICD-10-CM I34.1, line of business "
        "medicare-advantage, state PA:\n"
        + HEAD
        + "    covered: medically necessary (statement supported, billed with a diagnosis in "
        '"ICD-10 codes that support medical necessity")\n'
        "    prior authorisation: needed\n"
        "    documentation (admin, withpa): A standard written order.\n"
        "    limit: Not more than once within a 12-month period.\n",
    )


def test_without_a_supporting_diagnosis_it_is_not_covered(
    lcd: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = lookup(
        lcd,
        capsys,
        "--diagnosis",
        "I10",
        "--line-of-business",
        "medicare-advantage",
        "--state",
        "PA",
    )
    assert code == 0
    assert out.endswith(
        "    not covered (statement supported: no billed diagnosis is in ICD-10 codes that "
        "support medical necessity)\n"
    )


@pytest.mark.parametrize(
    ("context", "reason"),
    [
        (["--state", "TN"], "does not apply: state TN is excluded"),
        (
            ["--line-of-business", "commercial"],
            "does not apply: it applies to medicare-advantage, not commercial",
        ),
    ],
)
def test_a_context_outside_the_policy_is_said_so(
    lcd: Path, capsys: pytest.CaptureFixture[str], context: list[str], reason: str
) -> None:
    code, out = lookup(lcd, capsys, *context)
    assert code == 0
    assert out.endswith(f"    {reason}\n")


def test_json_carries_the_answer(lcd: Path, capsys: pytest.CaptureFixture[str]) -> None:
    context = ["--diagnosis", "I34.1", "--line-of-business", "medicare-advantage", "--state", "PA"]
    code, out = lookup(lcd, capsys, *context, "--format", "json")
    [governing] = json.loads(out)["governing"]
    assert code == 0
    assert governing["answer"]["covered"] == "covered"
    assert governing["answer"]["prior_authorization"] == "auth-needed"
    assert governing["answer"]["info_needed"] == []
    assert governing["answer"]["doc_needed"] == ["admin"]
    assert governing["answer"]["doc_purpose"] == ["withpa"]


def test_a_diagnosis_lookup_says_what_it_supports(
    lcd: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["lookup", "ICD-10-CM", "I34.1", "--on", ON, "--root", str(lcd)]) == 0
    assert capsys.readouterr().out == (
        "ICD-10-CM I34.1 on 2020-06-01 (a diagnosis: it supports or excludes services):\n"
        + HEAD
        + '    listed under "ICD-10 codes that support medical necessity": required by statement '
        "supported (covered)\n"
        '    for the CPT codes under "CPT codes"\n'
    )


@pytest.mark.parametrize(
    "context",
    [
        ["--diagnosis", "I34.1", "--no-diagnosis"],
        ["--modifier", "KX", "--no-modifier"],
        ["--diagnosis", "LOINC:1234-5"],
        ["--diagnosis", "not-a-code"],
        ["--age", "-3"],
    ],
)
def test_contradictory_or_malformed_context_is_a_usage_error(
    lcd: Path, capsys: pytest.CaptureFixture[str], context: list[str]
) -> None:
    code, _ = lookup(lcd, capsys, *context)
    assert code == 2


def test_prior_auth_lists_exactly_the_codes_that_need_it(
    lcd: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["prior-auth", "--on", ON, "--root", str(lcd)]
    assert main(argv) == 0
    assert capsys.readouterr().out == (
        "CPT 93306  policy L1 version 2020-01-01  statement supported: required\n"
        "    documentation: A standard written order.\n"
        "1 code needs prior authorisation on 2020-06-01\n"
    )
    assert main([*argv, "--line-of-business", "commercial", "--format", "csv"]) == 0
    assert capsys.readouterr().out == (
        "system,code,policy,title,version,statement,required,condition,documentation\n"
    )
    assert main([*argv, "--line-of-business", "medicare-advantage", "--format", "csv"]) == 0
    assert capsys.readouterr().out.splitlines()[1] == (
        "CPT,93306,L1,Transthoracic Echocardiography,2020-01-01,supported,required,,"
        "A standard written order."
    )
    assert main(["prior-auth", "--on", "2019-06-01", "--root", str(lcd)]) == 0
    assert capsys.readouterr().out == "0 codes need prior authorisation on 2019-06-01\n"


def test_a_csv_cell_is_never_a_formula(lcd: Path, capsys: pytest.CaptureFixture[str]) -> None:
    version = lcd / "policies" / "L1" / "2020-01-01.yaml"
    version.write_text(
        version.read_text().replace("title: Transthoracic", 'title: "=HYPERLINK(1)"  #')
    )
    assert main(["prior-auth", "--on", ON, "--root", str(lcd), "--format", "csv"]) == 0
    assert ",'=HYPERLINK(1),2020-01-01," in capsys.readouterr().out


def test_crd_format_gives_coverage_information(
    lcd: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    context = ["--diagnosis", "I34.1", "--line-of-business", "medicare-advantage", "--state", "PA"]
    code, out = lookup(lcd, capsys, *context, "--format", "crd")
    [answer] = json.loads(out)
    assert code == 0
    extension = answer["coverage-information"]
    assert extension["url"].endswith("/ext-coverage-information")
    values = {e["url"]: e.get("valueCode") for e in extension["extension"]}
    assert values["covered"] == "covered"
    assert values["pa-needed"] == "auth-needed"
    assert values["doc-needed"] == "admin"
    assert main(["lookup", "ICD-10-CM", "I34.1", "--root", str(lcd), "--format", "crd"]) == 2
