"""Checks that need one policy version: each module registers its rules and yields findings.

They run on a version that loaded cleanly and matched the schema, so they can rely on
its shape. Each is a function of the one document and its model, independent of every
other file. ``check_repository`` then runs the rules that need the whole repository.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date

from validator.checks import codes, coverage, dates, paths, supersession, timeline
from validator.findings import Finding
from validator.loader import Document
from validator.model import Version
from validator.timeline import Repository

VERSION_CHECKS: tuple[Callable[[Document, Version], Iterator[Finding]], ...] = (
    paths.check,
    dates.check,
    codes.check,
)


def check_repository(repository: Repository, today: date) -> list[Finding]:
    """The rules that need every version at once, on the model built from them."""
    return [
        finding
        for check in (timeline.check, supersession.check, coverage.check)
        for finding in check(repository, today)
    ]
