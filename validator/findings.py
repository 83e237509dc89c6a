"""The ground floor every stage uses: a finding at a file, line and column, and the rule
that produced it.

Each rule family (``validator/read/*``, ``validator/check/rules/*``) defines its rules
with :class:`Rule`; :mod:`validator.check.catalogue` imports every family explicitly and
assembles the rule catalogue from above, so no module here needs to know the others.
"""

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


@dataclass(frozen=True)
class Rule:
    """A rule: its ID, default severity, what it protects and one failing example.

    ``family`` groups rules in the catalogue (``docs/rules.md``), in the order a file is
    checked; the example is YAML (or a comment saying what the files are).
    """

    id: str
    severity: Severity
    summary: str
    protects: str
    example: str
    family: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "example", self.example.strip("\n"))

    def finding(
        self,
        path: str,
        line: int,
        column: int,
        message: str,
        *,
        pointer: str = "",
        hint: str = "",
        severity: Severity | None = None,
    ) -> Finding:
        return Finding(
            path=path,
            line=line,
            column=column,
            rule=self.id,
            severity=self.severity if severity is None else severity,
            message=message,
            pointer=pointer,
            hint=hint,
        )
