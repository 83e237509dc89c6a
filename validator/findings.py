"""The one record every check produces: a finding at a file, line and column."""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Severity(enum.IntEnum):
    """How much a finding matters. Ordered so that ``max()`` gives the worst."""

    INFO = 0
    WARNING = 1
    ERROR = 2

    def __str__(self) -> str:
        return self.name.lower()


@dataclass(frozen=True, order=True)
class Finding:
    """A problem found in the repository.

    Field order is sort order: findings sort by file, then position, so every
    reporter prints them in a stable order whatever order the checks ran in.
    ``line`` and ``column`` are 1-based; 0 means the finding concerns the file
    (or the repository) as a whole rather than a place in it.
    """

    path: str
    line: int
    column: int
    rule: str
    severity: Severity
    message: str
    pointer: str = ""
    hint: str = ""


def count_by_severity(findings: list[Finding]) -> dict[Severity, int]:
    counts = dict.fromkeys(Severity, 0)
    for finding in findings:
        counts[finding.severity] += 1
    return counts
