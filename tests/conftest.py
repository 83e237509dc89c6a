"""Shared paths and helpers: build small repositories in a temporary directory."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from validator.cli import main
from validator.cli.options import CACHE_DIR_VARIABLE
from validator.model import codesets

#: The repository root: policies/, schema/, docs/ and README.md of this project.
ROOT = Path(__file__).parent.parent
SEED = ROOT / "policies" / "0324" / "2011-04-15.yaml"
FIXTURES = Path(__file__).parent / "fixtures"
MINIMAL = FIXTURES / "valid" / "minimal" / "policies" / "0100"
#: A repository with a consolidation, a future-effective version and retirements.
TIMELINE = FIXTURES / "valid" / "timeline"


@pytest.fixture(autouse=True)
def cache_outside_the_project(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Commands run on the fixtures keep their cache in a temporary directory, not in the
    fixtures; tests of the default place use ``default_cache_place``."""
    monkeypatch.setenv(CACHE_DIR_VARIABLE, str(tmp_path_factory.mktemp("cache")))


@pytest.fixture(autouse=True)
def no_code_set_store_left_behind() -> Iterator[None]:
    """A command keeps the ICD code sets it reads in its cache; the next test's commands
    must not use a store in another test's directory. (What was read stays in memory,
    as it would in one process: reading them again for each test would take minutes.)"""
    yield
    codesets.keep_editions_in(None)


@pytest.fixture
def default_cache_place(monkeypatch: pytest.MonkeyPatch) -> None:
    """The cache where it goes by default: in the repository root."""
    monkeypatch.delenv(CACHE_DIR_VARIABLE)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A repository holding the minimal valid version policies/0100/2020-01-01.yaml."""
    target = tmp_path / "policies" / "0100"
    target.mkdir(parents=True)
    name = "2020-01-01.yaml"
    (target / name).write_bytes((MINIMAL / name).read_bytes())
    return tmp_path


def build(root: Path, out: Path, *args: str) -> int:
    """``policyrepo bundle`` of ``root`` into ``out``, judged on a fixed day."""
    return main(["bundle", "--root", str(root), "-o", str(out), "--today", "2020-06-01", *args])


def tree(directory: Path) -> dict[str, bytes]:
    """Every file under a directory, by POSIX path relative to it, with its bytes."""
    return {
        path.relative_to(directory).as_posix(): path.read_bytes()
        for path in sorted(directory.rglob("*"))
        if path.is_file()
    }
