"""new, retire: files started for their authors, never written over an existing one."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import SEED
from validator.check.validate import validate
from validator.cli import main
from validator.findings import Severity


@pytest.fixture
def seeded(tmp_path: Path) -> Path:
    """A repository holding the seed policy, with the schema beside it as here."""
    (tmp_path / "policies" / "0324").mkdir(parents=True)
    shutil.copy(SEED, tmp_path / "policies" / "0324" / SEED.name)
    return tmp_path


def errors(root: Path, today: str = "2013-01-01") -> list[str]:
    from datetime import date

    report = validate(root, None, date.fromisoformat(today))
    return [f"{f.path}: {f.rule}" for f in report.findings if f.severity is Severity.ERROR]


def test_the_next_version_keeps_everything_but_its_lifecycle(
    seeded: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["new", "0324", "--effective", "2013-04-15", "--today", "2013-01-10"]
    assert main([*argv, "--root", str(seeded)]) == 0
    assert capsys.readouterr().out.startswith("wrote policies/0324/2013-04-15.yaml: a draft")
    old = SEED.read_text().splitlines()
    new = (seeded / "policies" / "0324" / "2013-04-15.yaml").read_text().splitlines()
    lifecycle = old.index("lifecycle:")
    # Everything before the lifecycle, and everything after it, is the latest version's.
    assert new[: lifecycle + 1] == old[: lifecycle + 1]
    assert new[lifecycle + 1 : lifecycle + 9] == [
        "  status: draft",
        '  effective: "2013-04-15"',
        '  next_review: "2015-04-15"',
        "revisions:",
        '  - date: "2013-01-10"',
        "    reasons:",
        "      - other",
        '    summary: "TODO: say what changed in this version and why."',
    ]
    assert new[lifecycle + 9 :] == old[lifecycle + 4 :]
    assert errors(seeded) == []


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ["new", "0324", "--effective", "2011-04-15"],
            "the latest version of 0324 takes effect 2011-04-15; a new version takes effect "
            "after it",
        ),
        (["new", "0999", "--effective", "2013-04-15"], "policy 0999 has no version"),
        (["new", "--policy", "0324", "--title", "X", "--effective", "2020-01-01"], "exists"),
        (["new", "--policy", "0500", "--effective", "2020-01-01"], "a new policy needs --title"),
        (["new", "--effective", "2020-01-01"], "give NUMBER for a new version"),
        (["retire", "0324", "--on", "2011-04-15"], "retire it after that"),
        (["retire", "0999", "--on", "2020-01-01"], "policy 0999 has no version"),
    ],
)
def test_what_cannot_be_started_is_a_usage_error_and_writes_nothing(
    seeded: Path, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    before = sorted(p.as_posix() for p in seeded.rglob("*"))
    assert main([*argv, "--root", str(seeded)]) == 2
    assert message in capsys.readouterr().err
    assert sorted(p.as_posix() for p in seeded.rglob("*")) == before


def test_a_new_policy_is_a_valid_draft_with_its_text_to_write(
    seeded: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["new", "--policy", "0500", "--title", 'Knee "Arthroscopy"', "--effective", "2020-01-01"]
    assert main([*argv, "--root", str(seeded)]) == 0
    written = (seeded / "policies" / "0500" / "2020-01-01.yaml").read_text()
    assert 'title: "Knee \\"Arthroscopy\\""' in written
    assert "  status: draft" in written
    assert errors(seeded) == []


def test_retire_writes_a_record_and_never_over_one(
    seeded: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["retire", "0324", "--on", "2015-01-01", "--replaced-by", "0518", "--root", str(seeded)]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert out.startswith("wrote policies/0324/retirement.yaml; policy 0518 says it replaces 0324")
    record = seeded / "policies" / "0324" / "retirement.yaml"
    assert record.read_text() == (
        'format: 2\nnumber: "0324"\nretired: "2015-01-01"\nreason: "Replaced by policy 0518."\n'
    )
    assert main(argv) == 2
    assert "retirement.yaml exists; nothing was written" in capsys.readouterr().err
    assert main(["show", "0324", "--root", str(seeded), "--on", "2016-01-01"]) == 0
    assert "retired: from 2015-01-01 (policies/0324/retirement.yaml)" in capsys.readouterr().out
