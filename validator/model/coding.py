"""A version's code tables as data: groups, and one row per code each group stands for.

A group's codes are of one system, and the system says what they are on a claim:
services (what a policy covers), diagnoses (which support or exclude services) or claim
qualifiers (modifiers, revenue codes, bill types, places of service). Ranges and rows
marked ``subcodes`` are expanded to the codes they stand for, so that a lookup is a
dictionary access.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from itertools import repeat
from typing import Any

from validator.model.codesystems import SYSTEMS, RangeError, expand_range
from validator.read.document import Document

Position = tuple[int, int]
KnownCodes = Callable[[str], frozenset[str] | None]


@dataclass(frozen=True, slots=True)
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

    @classmethod
    def from_json(cls, value: dict[str, str | None] | None) -> DatesOfService:
        return dates_of_service(value)


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

    def to_json(self) -> list[Any]:
        return [
            self.id,
            self.heading,
            self.determination,
            self.basis,
            self.system,
            self.catch_all,
            self.dates.to_json(),
        ]

    @classmethod
    def from_json(cls, value: list[Any]) -> CodeGroup:
        identifier, heading, determination, basis, system, catch_all, dates = value
        return cls(
            identifier,
            heading,
            determination,
            basis,
            system,
            catch_all,
            DatesOfService.from_json(dates),
        )


@dataclass(frozen=True, slots=True)
class CodeRow:
    """One code a version lists; a range contributes one row per code it stands for.

    Rows are the most numerous objects of a model (a million in a large repository), so
    a row keeps its place as numbers and makes its JSON pointer when asked.
    """

    system: str
    code: str
    group: int
    line: int
    column: int
    #: The entry of the group's code table that lists it.
    entry: int
    from_range: bool = False
    dates: DatesOfService = ALWAYS
    #: True when the entry is a range (``range:``), not a code.
    ranged: bool = False

    @property
    def position(self) -> Position:
        return (self.line, self.column)

    @property
    def pointer(self) -> str:
        kind = "range" if self.ranged else "code"
        return f"/coding/groups/{self.group}/codes/{self.entry}/{kind}"


def rows_to_json(rows: tuple[CodeRow, ...]) -> list[dict[str, Any]]:
    """Code rows as JSON, in columns: consecutive rows of one group, kind and dates of
    service are one run, with a list of their codes and lists of their places. Reading
    them back is then a few list operations per run, not a dictionary per row."""
    runs: list[dict[str, Any]] = []
    last: tuple[Any, ...] | None = None
    for row in rows:
        shared = (row.system, row.group, row.from_range, row.ranged, row.dates)
        if shared != last:
            last = shared
            runs.append(
                {
                    "system": row.system,
                    "group": row.group,
                    "from_range": row.from_range,
                    "ranged": row.ranged,
                    "dates": row.dates.to_json(),
                    "codes": [],
                    "lines": [],
                    "columns": [],
                    "entries": [],
                }
            )
        run = runs[-1]
        run["codes"].append(row.code)
        run["lines"].append(row.line)
        run["columns"].append(row.column)
        run["entries"].append(row.entry)
    return runs


def rows_from_json(runs: list[dict[str, Any]]) -> tuple[CodeRow, ...]:
    """The code rows ``rows_to_json`` gave, in their order."""
    rows: list[CodeRow] = []
    for run in runs:
        codes, lines, columns, entries = run["codes"], run["lines"], run["columns"], run["entries"]
        if not len(codes) == len(lines) == len(columns) == len(entries):
            raise ValueError("a run of code rows whose columns differ in length")
        count = len(codes)
        dates = DatesOfService.from_json(run["dates"])
        rows.extend(
            map(
                CodeRow,
                repeat(run["system"], count),
                map(sys.intern, codes),
                repeat(run["group"], count),
                lines,
                columns,
                entries,
                repeat(run["from_range"], count),
                repeat(dates, count),
                repeat(run["ranged"], count),
            )
        )
    return tuple(rows)


def dates_of_service(value: dict[str, str | None] | None) -> DatesOfService:
    if not value:
        return ALWAYS
    start, through = value.get("from"), value.get("through")
    return DatesOfService(
        date.fromisoformat(start) if start else None,
        date.fromisoformat(through) if through else None,
    )


def _narrowed(group: DatesOfService, code: DatesOfService) -> DatesOfService:
    """A code's own dates inside its group's: the later start and the earlier end."""
    if code is ALWAYS:
        return group  # most codes have no dates of their own: one object for the group
    starts = [d for d in (group.start, code.start) if d is not None]
    ends = [d for d in (group.through, code.through) if d is not None]
    return DatesOfService(max(starts) if starts else None, min(ends) if ends else None)


#: The keys of a code table's entry whose value a code row is reported at.
_ENTRY_KEYS = frozenset({"code", "range"})


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
        positions = doc.item_positions(f"/coding/groups/{group_index}/codes", _ENTRY_KEYS)
        for code_index, entry in enumerate(group["codes"]):
            kind = "code" if "code" in entry else "range"
            if code_index < len(positions):
                line, column = positions[code_index]
            else:  # a first-format file's tree may not hold the upgraded table: nearest place
                line, column = doc.position(
                    f"/coding/groups/{group_index}/codes/{code_index}/{kind}"
                )
            dates = _narrowed(group_dates, dates_of_service(entry.get("dates_of_service")))
            if kind == "code" and not entry.get("subcodes"):
                if system.accepts(entry["code"]):
                    code = sys.intern(entry["code"])  # versions share codes: one string each
                    rows.append(
                        CodeRow(
                            system.name, code, group_index, line, column, code_index, False, dates
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
            ranged = kind == "range"
            rows.extend(
                CodeRow(
                    system.name, code, group_index, line, column, code_index, True, dates, ranged
                )
                for code in expanded or ()
            )
    return tuple(groups), tuple(rows)
