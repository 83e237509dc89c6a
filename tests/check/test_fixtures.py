"""Walk the example repositories under tests/fixtures through the CLI.

Each directory under ``fixtures/valid`` is a repository that must give no finding.
Each directory under ``fixtures/invalid/<rule>/`` is a repository with an
``expected.txt`` listing, one per line, every finding it must give, as
``path:line:column: severity rule`` (``path: severity rule`` for a whole file).
Lines starting with ``#`` describe the case.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import FIXTURES
from validator.cli import main

VALID = sorted(path for path in (FIXTURES / "valid").iterdir() if path.is_dir())
# Fixture repositories are judged on a fixed date, so that review dates do not age them.
TODAY = "2020-06-01"
INVALID = sorted(path.parent for path in (FIXTURES / "invalid").glob("*/*/expected.txt"))


def run_json(root: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, dict]:
    # --no-cache: a fixture is read, never written to (the cache would go in its root).
    code = main(
        ["validate", "--root", str(root), "--format", "json", "--today", TODAY, "--no-cache"]
    )
    return code, json.loads(capsys.readouterr().out)


def as_line(finding: dict) -> str:
    place = f":{finding['line']}:{finding['column']}" if finding["line"] else ""
    return f"{finding['path']}{place}: {finding['severity']} {finding['rule']}"


@pytest.mark.parametrize("root", VALID, ids=lambda path: path.name)
def test_valid_repository_has_no_findings(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, report = run_json(root, capsys)
    assert report["findings"] == []
    assert code == 0


@pytest.mark.parametrize("root", INVALID, ids=lambda path: f"{path.parent.name}/{path.name}")
def test_invalid_repository_gives_exactly_the_expected_findings(
    root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    expected = [
        line
        for line in (root / "expected.txt").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    code, report = run_json(root, capsys)
    assert sorted(as_line(finding) for finding in report["findings"]) == sorted(expected)
    # The directory name is the rule the case is about: it must be among the findings.
    assert any(finding["rule"] == root.parent.name for finding in report["findings"])
    assert code == (1 if any(f["severity"] == "error" for f in report["findings"]) else 0)


def test_every_rule_has_an_invalid_fixture_or_a_unit_test() -> None:
    from validator.check.catalogue import RULES

    covered = {path.parent.name for path in INVALID}
    # Rules about the file system itself (links, paths outside the root, unreadable and
    # oversized files) are exercised in test_files.py, where tests make those files.
    # Two directories differing only in case cannot be checked out on every system.
    made_in_tests = {"file-symlink", "file-outside-root", "file-unreadable", "file-too-large"}
    made_in_tests |= {"path-case-collision"}
    # History rules compare two git revisions: test_history.py makes them.
    made_in_tests |= {"history-rewritten", "history-deleted", "notice-too-short"}
    made_in_tests |= {"revision-missing"}
    # Rules about the optional code sets being absent are in test_without_code_sets.py.
    made_in_tests |= {"code-sets-missing", "code-range-unexpanded"}
    assert set(RULES) - made_in_tests <= covered
