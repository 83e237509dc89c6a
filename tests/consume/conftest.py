"""Fixtures of the consumer-side tests."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest


@pytest.fixture
def named_pipe() -> Iterator[Callable[[Path], None]]:
    """Makes named pipes, and removes them after the test: a pipe left in the temporary
    directories would block any later test that reads every file there."""
    made: list[Path] = []

    def make(path: Path) -> None:
        os.mkfifo(path)
        made.append(path)

    yield make
    for path in made:
        path.unlink(missing_ok=True)
