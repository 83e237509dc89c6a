"""Rules of the second format that the fixtures cannot show: what the organisation file
turns off, editions named the way policies write them, periods of different units, and
repository rules run without the positions of a check."""

from __future__ import annotations

from datetime import date

import pytest

from tests.conftest import MINIMAL
from validator.check.validate import check_repository, check_source, validate_sources
from validator.read.files import SourceFile

PATH = "policies/0100/2020-01-01.yaml"
MINIMAL_TEXT = (MINIMAL / "2020-01-01.yaml").read_text(encoding="utf-8")
ORGANIZATION = """\
name: Example Health
instructions_for_use: Coverage policies are used with the member's benefit plan.
trademark_notice: Example Health is a registered service mark.
"""
WITHOUT_REVIEW = MINIMAL_TEXT.replace('  next_review: "2021-01-01"\n', "")


def rules_of(*sources: SourceFile) -> list[str]:
    report = validate_sources(list(sources), date(2020, 6, 1))
    return [finding.rule for finding in report.findings]


def test_a_version_without_next_review_is_fine_where_reviews_are_not_scheduled() -> None:
    version = SourceFile(PATH, WITHOUT_REVIEW.encode())
    organization = SourceFile(
        "policies/organization.yaml", (ORGANIZATION + "reviews: not-scheduled\n").encode()
    )
    assert rules_of(version, organization) == []
    scheduled = SourceFile("policies/organization.yaml", ORGANIZATION.encode())
    assert rules_of(version, scheduled) == ["review-next-missing"]


@pytest.mark.parametrize(
    ("edition", "installed"),
    [
        ("FY2024", True),
        ("FY 2024", True),
        ("icd-10-cm fy2024", True),
        ("April 2026", True),
        ("FY2019", False),
        ("FY202", False),
        ("'2024'", False),  # a year alone: the October or the April edition?
    ],
)
def test_an_edition_is_named_by_words_of_an_installed_one(edition: str, installed: bool) -> None:
    text = MINIMAL_TEXT.replace(
        "  all_inclusive: false\n",
        f"  all_inclusive: false\n  editions:\n    ICD-10-CM: {edition}\n",
    )
    rules = [f.rule for f in check_source(SourceFile(PATH, text.encode())).findings]
    assert rules == ([] if installed else ["code-edition-unknown"])


LIMITED = MINIMAL_TEXT.replace(
    "    text: Example therapy is not medically necessary.\n",
    """\
    text: Example therapy is not medically necessary.
    services: [not-medically-necessary-cpt]
    limits:
      - id: visits
        kind: services
        quantity: 12
        per: {PER}
        grace: {GRACE}
        scope: member
        text: Twelve visits.
""",
)


@pytest.mark.parametrize(
    ("per", "grace", "reported"),
    [
        ("{count: 1, unit: month}", "{count: 30, unit: day}", False),  # a month may be 31
        ("{count: 1, unit: month}", "{count: 31, unit: day}", True),
        ("{count: 1, unit: year}", "{count: 52, unit: week}", False),
        ("{count: 1, unit: year}", "{count: 12, unit: month}", False),  # 336 to 372 days
        ("{count: 1, unit: year}", "{count: 366, unit: day}", True),
    ],
)
def test_a_grace_period_is_judged_only_when_surely_not_shorter(
    per: str, grace: str, reported: bool
) -> None:
    text = LIMITED.replace("{PER}", per).replace("{GRACE}", grace)
    rules = [f.rule for f in check_source(SourceFile(PATH, text.encode())).findings]
    assert rules == (["limit-grace"] if reported else [])


def test_repository_rules_without_positions_report_at_the_start_of_the_file() -> None:
    text = MINIMAL_TEXT.replace(
        '        - code: "97545"\n',
        '        - code: "97545"\n          dates_of_service:\n            from: "2019-01-01"\n',
    )
    report = validate_sources([SourceFile(PATH, text.encode())], date(2020, 6, 1))
    [placed] = report.findings
    assert (placed.rule, placed.line, placed.column) == ("dates-of-service-window", 24, 19)
    [unplaced] = check_repository(report.repository, date(2020, 6, 1))
    assert (unplaced.rule, unplaced.line, unplaced.column) == ("dates-of-service-window", 1, 1)
