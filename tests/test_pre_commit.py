"""The pre-commit hook this repository offers, run as a policy repository would run it.

``pre-commit try-repo`` installs the hook from this repository into its own environment
and runs it on a temporary policy repository. The environment is installed from the
wheels ``make`` builds at install time (``.venv/wheelhouse``), so the test needs no
network: a bad change is stopped with its file and line, a good one passes with its
warnings shown, and a deletion that breaks a reference is caught.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, ROOT

BIN = Path(sys.executable).parent
WHEELHOUSE = ROOT / ".venv" / "wheelhouse"


def git(root: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True)


def commit(root: Path) -> None:
    git(root, "add", "-A")
    git(root, "-c", "user.name=Analyst", "-c", "user.email=a@example.org", "commit", "-qm", "x")


@pytest.fixture(scope="module")
def environment(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """pre-commit's home for this module (the hook's environment is built once), and pip
    told to install from the wheelhouse only."""
    assert (WHEELHOUSE / ".built").is_file(), "run make test: it builds .venv/wheelhouse"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "PRE_COMMIT"))}
    env.update(
        PRE_COMMIT_HOME=str(tmp_path_factory.mktemp("pre-commit-home")),
        PIP_NO_INDEX="1",
        PIP_FIND_LINKS=str(WHEELHOUSE),
        PIP_DISABLE_PIP_VERSION_CHECK="1",
        VIRTUALENV_DOWNLOAD="0",
        PATH=f"{BIN}{os.pathsep}{env.get('PATH', '')}",
    )
    return env


@pytest.fixture
def policies(tmp_path: Path) -> Path:
    """A policy repository holding the timeline example (a consolidation), committed."""
    shutil.copytree(FIXTURES / "valid" / "timeline" / "policies", tmp_path / "policies")
    git(tmp_path, "init", "-q")
    commit(tmp_path)
    return tmp_path


def try_repo(root: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    git(root, "add", "-A")
    return subprocess.run(
        [str(BIN / "pre-commit"), "try-repo", str(ROOT), "policyrepo-validate"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )


def test_the_hook_passes_a_good_change_and_shows_its_warnings(
    policies: Path, environment: dict[str, str]
) -> None:
    version = policies / "policies" / "0518" / "2020-07-01.yaml"
    version.write_text(version.read_text() + "# reviewed\n")
    result = try_repo(policies, environment)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "policyrepo validate" in result.stdout
    assert "Passed" in result.stdout
    assert "checked 7 files: 0 errors, 1 warning" in result.stdout  # shown although it passed


def test_the_hook_stops_a_bad_change_with_its_file_and_line(
    policies: Path, environment: dict[str, str]
) -> None:
    version = policies / "policies" / "0518" / "2020-07-01.yaml"
    version.write_text(version.read_text().replace('code: "22612"', "code: 22612", 1))
    result = try_repo(policies, environment)
    assert result.returncode == 1
    assert "Failed" in result.stdout
    assert "policies/0518/2020-07-01.yaml:" in result.stdout
    assert "error" in result.stdout


def test_the_hook_catches_a_deletion_that_breaks_a_reference(
    policies: Path, environment: dict[str, str]
) -> None:
    shutil.rmtree(policies / "policies" / "0101")
    result = try_repo(policies, environment)
    assert result.returncode == 1
    out = result.stdout
    assert "error history-deleted" in out  # versions that took effect were removed
    assert "error supersession-unknown: replaces policy 0101" in out  # 0518 still names it
