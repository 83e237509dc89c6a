"""As-of resolution on the timeline example repository, on both sides of each boundary.

tests/fixtures/valid/timeline holds:
- 0101, versions 2012-01-01 and 2014-01-01, retired 2015-01-01;
- 0102, one version 2013-01-01 listing the CPT range 22551-22552, retired 2015-01-01;
- 0518, consolidating both (and the legacy 0077) from 2015-01-01, continuing a
  Great-West Healthcare policy, with a version posted 2020-04-15 to take effect
  2020-07-01.
"""

from __future__ import annotations

import json
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import ROOT, TIMELINE
from validator.check.validate import validate
from validator.cli import main
from validator.model.resolve import due_for_review, lookup, version_on
from validator.model.timeline import Repository


@pytest.fixture(scope="module")
def repository() -> Repository:
    report = validate(TIMELINE, today=date(2020, 6, 1))
    assert report.findings == []
    return report.repository


@pytest.mark.parametrize(
    ("number", "day", "expected"),
    [
        ("0101", "2011-12-31", None),
        ("0101", "2012-01-01", "2012-01-01"),
        ("0101", "2013-12-31", "2012-01-01"),
        ("0101", "2014-01-01", "2014-01-01"),
        ("0101", "2014-12-31", "2014-01-01"),
        ("0101", "2015-01-01", None),  # retired: consolidated into 0518
        ("0102", "2014-12-31", "2013-01-01"),
        ("0102", "2015-01-01", None),
        ("0518", "2014-12-31", None),
        ("0518", "2015-01-01", "2015-01-01"),
        ("0518", "2020-06-30", "2015-01-01"),  # posted 2020-04-15, not yet in effect
        ("0518", "2020-07-01", "2020-07-01"),
        ("0999", "2020-07-01", None),
    ],
)
def test_version_in_effect(
    repository: Repository, number: str, day: str, expected: str | None
) -> None:
    version = version_on(repository, number, date.fromisoformat(day))
    assert (version.effective.isoformat() if version else None) == expected


@pytest.mark.parametrize(
    ("code", "day", "expected"),
    [
        ("22612", "2011-12-31", []),
        ("22612", "2012-01-01", [("0101", "2012-01-01", "not-covered")]),
        ("22612", "2014-12-31", [("0101", "2014-01-01", "conditionally-covered")]),
        ("22612", "2015-01-01", [("0518", "2015-01-01", "conditionally-covered")]),
        ("22612", "2020-06-30", [("0518", "2015-01-01", "conditionally-covered")]),
        ("22612", "2020-07-01", [("0518", "2020-07-01", "covered")]),
        ("22552", "2012-12-31", []),
        ("22552", "2013-01-01", [("0102", "2013-01-01", "conditionally-covered")]),
        ("22552", "2015-01-01", [("0518", "2015-01-01", "conditionally-covered")]),
        ("22552", "2020-07-01", []),  # the 2020 version no longer lists the range
    ],
)
def test_lookup_across_every_boundary(
    repository: Repository, code: str, day: str, expected: list[tuple[str, str, str]]
) -> None:
    found = lookup(repository, "CPT", code, date.fromisoformat(day))
    assert [
        (g.version.number, g.version.effective.isoformat(), g.determination) for g in found
    ] == expected


def test_review_lists_overdue_and_due_versions_oldest_first(repository: Repository) -> None:
    due = due_for_review(repository, date(2020, 6, 1), within=60)
    assert [(r.version.path, r.overdue_days) for r in due] == [
        ("policies/0518/2015-01-01.yaml", -30),
    ]
    assert due_for_review(repository, date(2020, 6, 1)) == []


def test_the_seed_lookup_and_review(capsys: pytest.CaptureFixture[str]) -> None:
    args = ["--root", str(ROOT)]
    assert main(["lookup", "CPT", "97545", "--on", "2012-06-01", *args]) == 0
    assert capsys.readouterr().out == (
        "CPT 97545 on 2012-06-01:\n"
        "  policy 0324 Work Hardening Programs\n"
        "    version 2011-04-15 (policies/0324/2011-04-15.yaml), in effect 2011-04-15, "
        "open-ended\n"
        '    not covered: not medically necessary (under "Not Medically Necessary/Not Covered")\n'
    )
    assert main(["lookup", "cpt", "97545", "--on", "2010-06-01", *args]) == 1
    assert capsys.readouterr().out == (
        "CPT 97545 on 2010-06-01: no version in the repository was in effect for this code\n"
    )
    assert main(["review", "--today", "2026-11-27", *args]) == 0
    assert capsys.readouterr().out.startswith(
        "0324  version 2011-04-15  Work Hardening Programs: overdue since 2013-04-15 (4974 days)\n"
    )


def test_lookup_json(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["lookup", "CPT", "22612", "--on", "2015-01-01", "--root", str(TIMELINE)]
    assert main([*argv, "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out) == {
        "system": "CPT",
        "code": "22612",
        "on": "2015-01-01",
        "context": "",
        "governing": [
            {
                "policy": "0518",
                "title": "Spine Surgery",
                "version": "2015-01-01",
                "path": "policies/0518/2015-01-01.yaml",
                "window": {"start": "2015-01-01", "end": "2020-07-01", "through": "2020-06-30"},
                "group": "medically-necessary-when-criteria-are-met-cpt",
                "role": "service",
                "determination": "conditionally-covered",
                "basis": "medically-necessary",
                "heading": "Medically Necessary When Criteria Are Met",
                "answer": {
                    "applies": True,
                    "covered": "covered",
                    "determination": "conditionally-covered",
                    "basis": "medically-necessary",
                    "statement": None,
                    "reason": 'under "Medically Necessary When Criteria Are Met"',
                    "info_needed": [],
                    "criteria": None,
                    "limits": [],
                    "modifiers": None,
                    "billing": [],
                    "prior_authorization": "no-auth",
                    "pa_condition": None,
                    "documentation": [],
                    # Covered when criteria are met: the criteria are shown clinically.
                    "doc_needed": ["clinical"],
                    "doc_purpose": [],
                },
            }
        ],
    }


def test_show_names_what_a_policy_supersedes_and_what_superseded_it(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["show", "0518", "--on", "2020-06-01", "--root", str(TIMELINE)]) == 0
    assert capsys.readouterr().out == (
        "policy 0518 Spine Surgery\n"
        "on 2020-06-01: version 2015-01-01 (policies/0518/2015-01-01.yaml), in effect "
        "2015-01-01 through 2020-06-30\n"
        "  status active; next review 2020-07-01\n"
        "posted: version 2020-07-01 (policies/0518/2020-07-01.yaml, published 2020-04-15) "
        "takes effect 2020-07-01; until then the version above governs\n"
        "versions:\n"
        "  2015-01-01  active   in effect 2015-01-01 through 2020-06-30\n"
        "  2020-07-01  active   in effect 2020-07-01, open-ended\n"
        "supersedes: 0077 (legacy), 0101, 0102\n"
        'continues: Great-West Healthcare policy 0518 "Spine Surgery" (last reviewed '
        "2011-06-01)\n"
        "superseded by: no policy\n"
    )
    assert (
        main(["show", "0101", "--on", "2015-01-01", "--root", str(TIMELINE), "--format", "json"])
        == 0
    )
    shown = json.loads(capsys.readouterr().out)
    assert shown["in_effect"] is None
    assert shown["replaced_by"] == [{"policy": "0518", "version": "2015-01-01"}]
    assert main(["show", "0999", "--root", str(TIMELINE)]) == 1
    assert "no policy 0999" in capsys.readouterr().err


def test_review_json_and_unknown_system(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["review", "--today", "2020-06-01", "--within", "60", "--root", str(TIMELINE)]
    assert main([*argv, "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["due"][0]["overdue_days"] == -30
    assert main(["lookup", "LOINC", "1234-5", "--root", str(TIMELINE)]) == 2
    assert "unknown code system 'LOINC'" in capsys.readouterr().err


@pytest.fixture(scope="module")
def real() -> Repository:
    return validate(ROOT).repository


@settings(max_examples=200, deadline=None)
@given(day=st.dates(min_value=date(2005, 1, 1), max_value=date(2035, 12, 31)))
def test_the_real_policies_resolve_consistently(real: Repository, day: date) -> None:
    """How a policy team's CI proves its own data: every listed code, on any date,
    resolves to exactly the versions in effect that list it, one per policy."""
    for (system, code), rows in real.code_index.items():
        found = lookup(real, system, code, day)
        numbers = [g.version.number for g in found]
        assert len(numbers) == len(set(numbers))
        expected = {
            version.path for version, _ in rows if version_on(real, version.number, day) is version
        }
        assert {g.version.path for g in found} == expected
