"""validate --base and diff: what a pull request changes, and what it may not change."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import SEED
from validator.cli import main
from validator.cli.commands import validate as validate_command
from validator.read import revision

SEED_PATH = "policies/0324/2011-04-15.yaml"

#: A second-format policy with a supporting-diagnosis statement and a unit limit.
SUPPLIES = """\
format: 2
number: "0128"
title: Diabetic Supplies
applies_to: All plans.
lifecycle:
  status: active
  published: "2019-09-01"
  effective: "2020-01-01"
  next_review: "2021-01-01"
coverage:
  - id: strips
    determination: covered
    basis: medically-necessary
    text: Test strips are covered for diabetes, up to 18 units per 90 days.
    services: [strips]
    diagnoses:
      any_of: [diabetes]
    limits:
      - id: units
        kind: units
        quantity: 18
        per: {count: 90, unit: day}
        scope: member
        text: 18 units per 90 days.
coding:
  all_inclusive: false
  groups:
    - id: strips
      heading: Test strips
      determination: covered
      system: HCPCS
      codes:
        - code: "A4253"
    - id: diabetes
      heading: Diagnoses that support medical necessity
      determination: covered
      system: ICD-10-CM
      codes:
        - code: "E11.9"
        - code: "E10.9"
"""


def git(root: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True)


def commit(root: Path, message: str) -> None:
    git(root, "add", "-A")
    git(root, "-c", "user.name=Analyst", "-c", "user.email=a@example.org", "commit", "-qm", message)


@pytest.fixture
def seeded(tmp_path: Path) -> Path:
    (tmp_path / "policies" / "0324").mkdir(parents=True)
    shutil.copy(SEED, tmp_path / SEED_PATH)
    git(tmp_path, "init", "-q")
    commit(tmp_path, "seed")
    return tmp_path


def run(root: Path, capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = main([*argv, "--root", str(root)])
    return code, capsys.readouterr().out


def new_version(root: Path, effective: str, published: str, edit: dict[str, str]) -> Path:
    assert main(["new", "0324", "--effective", effective, "--root", str(root)]) == 0
    path = root / "policies" / "0324" / f"{effective}.yaml"
    text = path.read_text().replace(
        "  status: draft", f'  status: active\n  published: "{published}"'
    )
    text = text.replace("TODO: say what changed in this version and why.", "Coverage changed.")
    for old, new in edit.items():
        assert old in text
        text = text.replace(old, new)
    path.write_text(text)
    return path


# 97546 moved from the "not covered" table into a table of its own.
LABEL_97546 = (
    "Work hardening/conditioning; each additional hour (list separately in addition to code "
    "for primary procedure)"
)
COVERED_97546 = {
    f'        - code: "97546"\n          label: "{LABEL_97546}"\n': "",
    "    - id: not-medically-necessary-not-covered-icd-9-cm": """    - id: covered-hour
      heading: "Covered"
      determination: covered
      system: CPT
      codes:
        - code: "97546"
    - id: not-medically-necessary-not-covered-icd-9-cm""",
}


def test_covering_97546_is_an_expansion_and_taking_it_back_a_reduction_listed_first(
    seeded: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    new_version(seeded, "2014-01-01", "2013-09-01", COVERED_97546)
    commit(seeded, "cover 97546")
    capsys.readouterr()
    code, out = run(seeded, capsys, "diff", "HEAD~1", "HEAD", "--today", "2013-10-01")
    assert code == 0
    assert "1 expansion in coverage" in out
    assert (
        "CPT 97546  from 2014-01-01 (notice 122 days): its code table: not-covered became covered"
        in out
    )
    heading = '      heading: "Covered"\n'
    back = {f"{heading}      determination: covered": f"{heading}      determination: not-covered"}
    new_version(seeded, "2014-07-01", "2014-03-01", back)
    capsys.readouterr()
    code, out = run(seeded, capsys, "diff", "HEAD", "--format", "markdown", "--today", "2014-01-10")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "## Coverage policy changes: HEAD → the work tree"
    assert lines[2] == (
        "**1 reduction in coverage, 0 new prior-authorisation requirements, 0 expansions in "
        "coverage, 0 other changes**"
    )
    assert lines[4] == "### Reductions in coverage"
    assert lines[8].startswith(
        "| 0324 Work Hardening Programs | CPT 97546 | 2014-07-01 | 122 days |"
    )
    assert "```mermaid" in lines
    assert "    section 0324" in lines


@pytest.fixture
def supplies(tmp_path: Path) -> Path:
    (tmp_path / "policies" / "0128").mkdir(parents=True)
    (tmp_path / "policies" / "0128" / "2020-01-01.yaml").write_text(SUPPLIES)
    git(tmp_path, "init", "-q")
    commit(tmp_path, "supplies")
    return tmp_path


def next_supplies(root: Path, effective: str, published: str, old: str, new: str) -> None:
    text = SUPPLIES.replace('effective: "2020-01-01"', f'effective: "{effective}"')
    text = text.replace('published: "2019-09-01"', f'published: "{published}"')
    text = text.replace(old, new)
    text = text.replace(
        "lifecycle:",
        'revisions:\n  - date: "2020-06-01"\n    reasons: [coverage-change]\n'
        "    summary: Narrowed.\nlifecycle:",
    )
    (root / "policies" / "0128" / f"{effective}.yaml").write_text(text)


@pytest.mark.parametrize(
    ("old", "new", "change"),
    [
        (
            '        - code: "E10.9"\n',
            "",
            "strips: diagnoses that support it: 1 removed (E10.9)",
        ),
        (
            "        quantity: 18",
            "        quantity: 12",
            "strips: limit units: at most 18 units per 90 days became at most 12 units",
        ),
    ],
)
def test_narrowing_diagnoses_or_lowering_a_limit_is_a_reduction_at_the_same_determination(
    supplies: Path, capsys: pytest.CaptureFixture[str], old: str, new: str, change: str
) -> None:
    next_supplies(supplies, "2021-01-01", "2020-06-01", old, new)
    code, out = run(supplies, capsys, "diff", "HEAD", "--format", "json", "--today", "2020-06-02")
    assert code == 0
    report = json.loads(out)
    assert report["summary"] == {"reductions": 1, "prior_authorizations": 0, "expansions": 0}
    [version] = [v for v in report["versions"] if v["codes"]]
    assert version["codes"][0]["kind"] == "reduction"
    assert version["codes"][0]["change"].startswith(change)


def test_a_reduction_needs_the_notice_the_organisation_gives(
    supplies: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    next_supplies(supplies, "2020-08-01", "2020-06-01", "quantity: 18", "quantity: 12")
    code, out = run(supplies, capsys, "validate", "--base", "HEAD", "--today", "2020-06-02")
    assert code == 1
    assert (
        "policies/0128/2020-08-01.yaml:11:14: error notice-too-short: a reduction in coverage "
        "(HCPCS A4253: strips: limit units: at most 18 units per 90 days became at most 12 "
        "units per 90 days) "
        "takes effect 2020-08-01, 61 days after it was published; the organisation gives 90 "
        "days' notice" in out
    )
    (supplies / "policies" / "organization.yaml").write_text(
        "name: Example\ninstructions_for_use: Text.\ntrademark_notice: Text.\n"
        "notice_days:\n  reduction: 60\n"
    )
    code, out = run(supplies, capsys, "validate", "--base", "HEAD", "--today", "2020-06-02")
    assert "notice-too-short" not in out


def test_editing_a_version_in_effect_needs_a_correction_entry(
    seeded: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    version = seeded / SEED_PATH
    text = version.read_text()
    version.write_text(text.replace("under many benefit plans", "under most benefit plans", 1))
    code, out = run(seeded, capsys, "validate", "--base", "HEAD", "--today", "2026-11-29")
    assert code == 1
    assert (
        "policies/0324/2011-04-15.yaml:22:1: error history-rewritten: version 2011-04-15 has "
        "been in effect since 2011-04-15; this change rewrites what claims were decided on"
    ) in out
    corrected = version.read_text().replace(
        "related_policies:",
        'corrections:\n  - date: "2026-11-29"\n    reason: A word was corrected.\n'
        "related_policies:",
    )
    version.write_text(corrected)
    code, out = run(seeded, capsys, "validate", "--base", "HEAD", "--today", "2026-11-29")
    assert "history-rewritten" not in out
    assert code == 0


def test_a_comment_edit_or_a_migration_rewrites_nothing(
    seeded: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    version = seeded / SEED_PATH
    version.write_text(version.read_text().replace("format: 2\n", "format: 2\n# reviewed\n"))
    code, out = run(seeded, capsys, "validate", "--base", "HEAD", "--today", "2026-11-29")
    assert "history-" not in out
    assert code == 0


def test_deleting_a_version_that_took_effect_is_an_error(
    seeded: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (seeded / SEED_PATH).unlink()
    (seeded / "policies" / "0324" / "2013-01-01.yaml").write_text(SEED.read_text())
    code, out = run(seeded, capsys, "validate", "--base", "HEAD", "--today", "2026-11-29")
    assert code == 1
    assert (
        "policies/0324/2011-04-15.yaml: error history-deleted: version 2011-04-15 of policy "
        "0324 took effect and was deleted"
    ) in out


def test_a_new_version_says_what_changed(seeded: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["new", "0324", "--effective", "2027-01-01", "--root", str(seeded)]) == 0
    path = seeded / "policies" / "0324" / "2027-01-01.yaml"
    path.write_text(path.read_text().replace("  status: draft", "  status: active"))
    code, out = run(seeded, capsys, "validate", "--base", "HEAD", "--today", "2026-11-29")
    assert code == 1
    assert (
        "policies/0324/2027-01-01.yaml:11:14: error revision-missing: new version 2027-01-01 "
        "does not say what changed: its revision summary is still marked TODO"
    ) in out


def test_an_unknown_base_is_a_usage_error(seeded: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "--base", "no-such-branch", "--root", str(seeded)]) == 2
    assert "--base no-such-branch" in capsys.readouterr().err
    assert main(["diff", "--not-a-rev", "--root", str(seeded)]) == 2


def test_the_base_is_read_a_batch_at_a_time_and_only_a_changed_text_again(
    seeded: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A large repository's base never sits in memory whole: its files are checked a
    batch at a time, and the text of a changed version is read from git again."""
    for number in ("0401", "0402", "0403"):
        (seeded / "policies" / number).mkdir()
        text = SEED.read_text().replace('number: "0324"', f'number: "{number}"')
        (seeded / "policies" / number / SEED.name).write_text(text)
    commit(seeded, "three more")
    version = seeded / SEED_PATH
    version.write_text(version.read_text().replace("under many benefit", "under most benefit", 1))
    argv = ("validate", "--base", "HEAD", "--today", "2026-11-29", "--no-cache")
    expected = run(seeded, capsys, *argv)
    assert "history-rewritten" in expected[1]
    read: list[int] = []
    blobs = revision._blobs
    monkeypatch.setattr(
        revision, "_blobs", lambda root, wanted: read.append(len(wanted)) or blobs(root, wanted)
    )
    monkeypatch.setattr(validate_command, "BATCH_FILES", 2)
    assert run(seeded, capsys, *argv) == expected
    assert read == [2, 2, 1], "two batches of two files, then the changed version's text"
