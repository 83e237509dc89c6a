"""What policyrepo says when the optional ICD code sets are not installed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from validator.cli import main
from validator.model import codesets

VERSION = """\
format: 2
number: "0100"
title: Example Therapy
applies_to: All health benefit plans.
lifecycle:
  status: active
  effective: "2020-01-01"
  next_review: "2021-01-01"
coverage:
  - id: not-medically-necessary
    determination: not-covered
    basis: not-medically-necessary
    text: Example therapy is not medically necessary.
coding:
  all_inclusive: false
  groups:
    - id: not-medically-necessary-icd-10-cm
      heading: Not Medically Necessary
      determination: not-covered
      system: ICD-10-CM
      codes:
        - code: "Z50.89"
        - range:
            first: "M54.50"
            last: "M54.59"
"""


@pytest.fixture
def no_code_sets(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(codesets, "known_codes", lambda system: None)
    monkeypatch.setattr(codesets, "editions", lambda system: None)


def findings(root: Path, capsys: pytest.CaptureFixture[str]) -> list[tuple[str, int, int, str]]:
    main(["validate", "--root", str(root), "--today", "2020-06-01", "--format", "json"])
    report = json.loads(capsys.readouterr().out)
    return [(f["rule"], f["line"], f["column"], f["severity"]) for f in report["findings"]]


def write(repo: Path) -> None:
    (repo / "policies" / "0100" / "2020-01-01.yaml").write_text(VERSION, encoding="utf-8")


@pytest.mark.usefixtures("no_code_sets")
def test_missing_code_sets_are_said_plainly(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(repo)
    assert findings(repo, capsys) == [
        ("code-sets-missing", 22, 17, "info"),
        ("code-range-unexpanded", 24, 13, "warning"),
    ]


def test_with_code_sets_the_range_expands_and_unknown_codes_are_reported(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pytest.importorskip("simple_icd_10_cm")
    write(repo)
    assert findings(repo, capsys) == [("code-unknown", 22, 17, "warning")]
    assert main(["lookup", "ICD-10-CM", "M54.51", "--on", "2020-06-01", "--root", str(repo)]) == 0
    assert "policy 0100 Example Therapy" in capsys.readouterr().out
