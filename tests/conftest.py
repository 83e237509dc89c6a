"""Shared helpers: build small repositories in a temporary directory."""

from __future__ import annotations

from pathlib import Path

import pytest

SEED = Path(__file__).parent.parent / "policies" / "0324" / "2011-04-15.yaml"
FIXTURES = Path(__file__).parent / "fixtures"
MINIMAL = FIXTURES / "valid" / "minimal" / "policies" / "0100"


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A repository holding the minimal valid version policies/0100/2020-01-01.yaml."""
    target = tmp_path / "policies" / "0100"
    target.mkdir(parents=True)
    name = "2020-01-01.yaml"
    (target / name).write_bytes((MINIMAL / name).read_bytes())
    return tmp_path
