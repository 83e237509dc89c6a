"""Synthetic repository models for the benchmarks: N policies, 4 versions a year apart."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from validator.model.versions import CodeGroup, CodeRow, Version


def synthetic_versions(
    policies: int,
    groups: tuple[CodeGroup, ...],
    rows: Callable[[int], tuple[CodeRow, ...]],
) -> list[Version]:
    """4 active versions per policy, 400 days apart; ``rows(p)`` gives policy p's codes."""
    made = []
    for p in range(policies):
        number = f"{p:05d}"
        codes = rows(p)
        for v in range(4):
            effective = date(2012, 1, 1) + timedelta(days=400 * v + p % 300)
            made.append(
                Version(
                    path=f"policies/{number}/{effective}.yaml",
                    number=number,
                    title=f"Policy {number}",
                    status="active",
                    effective=effective,
                    next_review=effective + timedelta(days=365),
                    published=None,
                    last_review=None,
                    retired=None,
                    groups=groups,
                    codes=codes,
                    document={
                        "format": 2,
                        "number": number,
                        "title": f"Policy {number}",
                        "coverage": [],
                    },
                )
            )
    return made
