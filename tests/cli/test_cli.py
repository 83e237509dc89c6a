"""The command line: exit codes, usage errors and internal errors."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT
from validator.cli import EXIT_FINDINGS, EXIT_INTERNAL, EXIT_OK, EXIT_USAGE, main
from validator.cli.commands import validate as validate_command

TODAY = "2020-06-01"  # the `repo` fixture's version is in effect and not due for review


def test_the_repository_itself_is_valid(capsys: pytest.CaptureFixture[str]) -> None:
    # The seed is overdue for review and lists an ICD-9 code past 2015-09-30: warnings,
    # which fail only with --strict; its related policies are not here yet: notes.
    assert main(["validate", "--root", str(ROOT), "--today", "2026-11-27"]) == EXIT_OK
    out = capsys.readouterr().out
    assert out.endswith("checked 2 files: 0 errors, 2 warnings, 3 notes\n")
    assert "warning code-system-dates: ICD-9-CM V57.22 is listed in a version in effect" in out
    assert "warning review-overdue: review overdue since 2013-04-15" in out


def test_errors_exit_1_and_warnings_only_with_strict(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # On 2022-06-01 the minimal version's review (due 2021-01-01) is overdue: a warning.
    late = ["--today", "2022-06-01"]
    assert main(["validate", "--root", str(repo), *late]) == EXIT_OK
    assert "warning review-overdue" in capsys.readouterr().out
    assert main(["validate", "--root", str(repo), "--strict", *late]) == EXIT_FINDINGS
    (repo / "policies" / "0100" / "2020-01-01.yaml").write_text("number: 0100\n")
    assert main(["validate", "--root", str(repo)]) == EXIT_FINDINGS


@pytest.mark.parametrize(
    "argv",
    [
        [],
        ["frobnicate"],
        ["validate", "--format", "xml"],
        ["validate", "--no-such-option"],
        ["validate", "--today", "2020-02-30"],
        ["lookup", "CPT", "97545", "--on", "June 1"],
    ],
)
def test_usage_errors_exit_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == EXIT_USAGE
    assert "usage: policyrepo" in capsys.readouterr().err


def test_root_without_policies_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["validate", "--root", str(tmp_path)]) == EXIT_USAGE
    assert "has no policies/ directory" in capsys.readouterr().err


def test_help_and_version_exit_0(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--help"]) == EXIT_OK
    assert main(["--version"]) == EXIT_OK
    assert "policyrepo 0.1.0" in capsys.readouterr().out


def test_internal_error_is_one_line_and_exit_3(
    repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def broken(*_: object, **__: object) -> None:
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(validate_command, "validate", broken)
    assert main(["validate", "--root", str(repo)]) == EXIT_INTERNAL
    err = capsys.readouterr().err
    assert err == (
        "policyrepo: internal error (a bug in policyrepo, please report it): "
        "ZeroDivisionError: division by zero; rerun with --debug for the traceback\n"
    )
    assert main(["--debug", "validate", "--root", str(repo)]) == EXIT_INTERNAL
    assert "Traceback (most recent call last)" in capsys.readouterr().err


def test_interrupt_exits_130(
    repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def interrupted(*_: object, **__: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(validate_command, "validate", interrupted)
    assert main(["validate", "--root", str(repo)]) == 130


def test_rules_lists_every_rule(capsys: pytest.CaptureFixture[str]) -> None:
    from validator.check.catalogue import RULES

    assert main(["rules"]) == EXIT_OK
    out = capsys.readouterr().out
    assert len(out.splitlines()) == len(RULES)
    assert out.splitlines()[0].startswith("file-too-large")


def test_python_dash_m_runs_the_cli(repo: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "validator", "validate", "--root", str(repo), "--today", TODAY],
        capture_output=True,
        text=True,
        check=False,
    )
    assert (result.returncode, result.stdout) == (
        0,
        "checked 1 file: 0 errors, 0 warnings, 0 notes\n",
    )
