"""A version's code tables as data: groups, and one row per code each group stands for.

A group's codes are of one system, and the system says what they are on a claim:
services (what a policy covers), diagnoses (which support or exclude services) or claim
qualifiers (modifiers, revenue codes, bill types, places of service). Ranges and rows
marked ``subcodes`` are expanded to the codes they stand for, so that a lookup is a
dictionary access.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from validator.model.codesystems import SYSTEMS, RangeError, expand_range
from validator.read.document import Document

Position = tuple[int, int]
KnownCodes = Callable[[str], frozenset[str] | None]


@dataclass(frozen=True)
class DatesOfService:
    """Inclusive dates of service inside a version's window; None: no bound."""

    start: date | None = None
    through: date | None = None

    def contains(self, day: date) -> bool:
        return (self.start is None or self.start <= day) and (
            self.through is None or day <= self.through
        )

    def to_json(self) -> dict[str, str | None]:
        return {
            "from": self.start.isoformat() if self.start else None,
            "through": self.through.isoformat() if self.through else None,
        }


ALWAYS = DatesOfService()


@dataclass(frozen=True)
class CodeGroup:
    """A code table: one system under one heading, with what its heading determines."""

    id: str
    heading: str
    determination: str | None  # None for claim qualifiers
    basis: str | None
    system: str
    catch_all: str | None
    dates: DatesOfService = ALWAYS

    @property
    def role(self) -> str:
        return SYSTEMS[self.system].role


@dataclass(frozen=True)
class CodeRow:
    """One code a version lists; a range contributes one row per code it stands for."""

    system: str
    code: str
    group: int
    position: Position
    pointer: str
    from_range: bool = False
    dates: DatesOfService = ALWAYS


def dates_of_service(value: dict[str, str] | None) -> DatesOfService:
    if not value:
        return ALWAYS
    start, through = value.get("from"), value.get("through")
    return DatesOfService(
        date.fromisoformat(start) if start else None,
        date.fromisoformat(through) if through else None,
    )


def _narrowed(group: DatesOfService, code: DatesOfService) -> DatesOfService:
    """A code's own dates inside its group's: the later start and the earlier end."""
    starts = [d for d in (group.start, code.start) if d is not None]
    ends = [d for d in (group.through, code.through) if d is not None]
    return DatesOfService(max(starts) if starts else None, min(ends) if ends else None)


def code_rows(
    doc: Document, data: dict[str, Any], known: KnownCodes
) -> tuple[tuple[CodeGroup, ...], tuple[CodeRow, ...]]:
    """The groups and code rows of a second-format document (``data``), with positions
    from ``doc``. A malformed code or range is reported by the code rules, not indexed."""
    groups: list[CodeGroup] = []
    rows: list[CodeRow] = []
    for group_index, group in enumerate(data.get("coding", {}).get("groups", [])):
        system = SYSTEMS[group["system"]]
        group_dates = dates_of_service(group.get("dates_of_service"))
        groups.append(
            CodeGroup(
                group["id"],
                group["heading"],
                group.get("determination"),
                group.get("basis"),
                system.name,
                group.get("catch_all"),
                group_dates,
            )
        )
        for code_index, entry in enumerate(group["codes"]):
            kind = "code" if "code" in entry else "range"
            pointer = f"/coding/groups/{group_index}/codes/{code_index}/{kind}"
            position = doc.position(pointer)
            dates = _narrowed(group_dates, dates_of_service(entry.get("dates_of_service")))
            if kind == "code" and not entry.get("subcodes"):
                if system.accepts(entry["code"]):
                    rows.append(
                        CodeRow(
                            system.name, entry["code"], group_index, position, pointer, False, dates
                        )
                    )
                continue
            first, last = (
                (entry["code"], entry["code"])
                if kind == "code"
                else (entry["range"]["first"], entry["range"]["last"])
            )
            try:
                expanded = expand_range(system, first, last, known)
            except RangeError:
                continue  # reported by the code-range rule
            rows.extend(
                CodeRow(system.name, code, group_index, position, pointer, True, dates)
                for code in expanded or ()
            )
    return tuple(groups), tuple(rows)
