"""A broken file never makes another look wrong, and answers say when they may be
incomplete; fixes never suggest overwriting a version; show names what is posted."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import SEED, TIMELINE
from validator.cli import EXIT_INCOMPLETE, main


@pytest.fixture
def seeded(tmp_path: Path) -> Path:
    (tmp_path / "policies" / "0324").mkdir(parents=True)
    shutil.copy(SEED, tmp_path / "policies" / "0324" / SEED.name)
    return tmp_path


def test_a_new_version_that_fails_its_schema_does_not_leave_the_old_one_open_ended(
    seeded: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """On its own the 2011 version is open-ended and reported for listing ICD-9 codes
    after 2015-09-30; a 2014 version ends it, even while that version is broken."""
    broken = seeded / "policies" / "0324" / "2014-01-01.yaml"
    broken.write_text(
        SEED.read_text()
        .replace('effective: "2011-04-15"', 'effective: "2014-01-01"')
        .replace("  status: active\n", "  status: activ\n")
    )
    assert main(["validate", "--root", str(seeded), "--today", "2013-06-01"]) == 1
    out = capsys.readouterr().out
    assert "policies/0324/2014-01-01.yaml:" in out
    assert "code-system-dates" not in out  # the 2011 version ends on 2013-12-31
    argv = ["lookup", "CPT", "97545", "--root", str(seeded)]
    assert main([*argv, "--on", "2012-06-01"]) == EXIT_INCOMPLETE
    captured = capsys.readouterr()
    assert "1 file with errors; answers may be incomplete" in captured.err
    assert "in effect 2011-04-15 through 2013-12-31" in captured.out
    assert main([*argv, "--on", "2014-06-01"]) == EXIT_INCOMPLETE  # not "no version" (1)
    assert "no version in the repository was in effect" in capsys.readouterr().out


def test_the_fix_for_a_misnamed_version_never_overwrites_another(
    seeded: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    misnamed = seeded / "policies" / "0324" / "2013-04-15.yaml"
    misnamed.write_text(SEED.read_text())  # says effective 2011-04-15, like the seed
    assert main(["validate", "--root", str(seeded), "--today", "2013-06-01"]) == 1
    out = capsys.readouterr().out
    assert (
        "fix: correct the effective date: policies/0324/2011-04-15.yaml exists already, and "
        "two versions cannot share a date"
    ) in out
    assert "rename the file to 2011-04-15.yaml" not in out


def test_show_names_a_version_posted_to_take_effect_later(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["show", "0518", "--on", "2020-06-01", "--root", str(TIMELINE)]) == 0
    assert (
        "posted: version 2020-07-01 (policies/0518/2020-07-01.yaml, published 2020-04-15) "
        "takes effect 2020-07-01; until then the version above governs"
    ) in capsys.readouterr().out
