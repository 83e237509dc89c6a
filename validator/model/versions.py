"""The repository as a model: policies, their versions, code rows and supersession.

Built from documents that loaded cleanly and matched the schema, so it can trust their
shape. Each version keeps the line and column of the values that repository-wide rules
report on, so that the YAML node trees can be dropped once a file is read.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from validator.model.codesystems import SYSTEMS, RangeError, expand_range
from validator.read.document import Document

Position = tuple[int, int]


@dataclass(frozen=True)
class CodeGroup:
    """A code table: one system, one determination, under one heading."""

    heading: str
    determination: str
    basis: str | None
    system: str
    catch_all: str | None


@dataclass(frozen=True)
class CodeRow:
    """One code a version lists; a range contributes one row per code it stands for."""

    system: str
    code: str
    group: int
    position: Position
    pointer: str
    from_range: bool = False


@dataclass(frozen=True)
class Replacement:
    number: str
    title: str | None
    legacy: bool
    position: Position
    pointer: str
    #: Where `legacy: true` is written, when it is.
    legacy_position: Position | None = None


@dataclass(frozen=True)
class RelatedPolicy:
    title: str
    number: str | None
    position: Position
    pointer: str


@dataclass(frozen=True)
class Lineage:
    """A row of the policy history: a legacy policy, outside the repository, continued here."""

    organization: str
    number: str
    title: str
    last_review: date


@dataclass(frozen=True)
class Version:
    path: str
    number: str
    title: str
    status: str
    effective: date
    next_review: date
    published: date | None
    last_review: date | None
    retired: date | None
    groups: tuple[CodeGroup, ...] = ()
    codes: tuple[CodeRow, ...] = ()
    replaces: tuple[Replacement, ...] = ()
    related: tuple[RelatedPolicy, ...] = ()
    lineage: tuple[Lineage, ...] = ()
    #: Positions of the lifecycle values, keyed by their name (``effective``, ...).
    positions: dict[str, Position] = field(default_factory=dict, compare=False, repr=False)
    #: The version as written, JSON values only: what a bundle publishes.
    document: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def is_draft(self) -> bool:
        return self.status == "draft"

    def position(self, key: str) -> Position:
        return self.positions.get(key, (1, 1))


def _date(value: str | None) -> date | None:
    return None if value is None else date.fromisoformat(value)


def build_version(doc: Document, known: Callable[[str], frozenset[str] | None]) -> Version:
    """The model of one schema-valid version. ``known`` gives a system's code set, or None."""
    data: dict[str, Any] = doc.data
    lifecycle = data["lifecycle"]
    positions = {key: doc.position(f"/lifecycle/{key}") for key in lifecycle}
    positions["number"] = doc.position("/number")
    groups, codes = _code_rows(doc, known)
    return Version(
        path=doc.path,
        number=data["number"],
        title=data["title"],
        status=lifecycle["status"],
        effective=date.fromisoformat(lifecycle["effective"]),
        next_review=date.fromisoformat(lifecycle["next_review"]),
        published=_date(lifecycle.get("published")),
        last_review=_date(lifecycle.get("last_review")),
        retired=_date(lifecycle.get("retired")),
        groups=groups,
        codes=codes,
        replaces=tuple(
            Replacement(
                entry["number"],
                entry.get("title"),
                entry.get("legacy", False),
                doc.position(f"/replaces/{index}/number"),
                f"/replaces/{index}/number",
                doc.position(f"/replaces/{index}/legacy") if "legacy" in entry else None,
            )
            for index, entry in enumerate(data.get("replaces", []))
        ),
        related=tuple(
            _related(doc, index, entry)
            for index, entry in enumerate(data.get("related_policies", []))
        ),
        lineage=tuple(
            Lineage(
                row["organization"],
                row["number"],
                row["title"],
                date.fromisoformat(row["last_review"]),
            )
            for row in data.get("history", [])
        ),
        positions=positions,
        document=data,
    )


def _related(doc: Document, index: int, entry: dict[str, Any]) -> RelatedPolicy:
    # A finding about a related policy concerns its number when it has one.
    pointer = f"/related_policies/{index}/{'number' if 'number' in entry else 'title'}"
    return RelatedPolicy(entry["title"], entry.get("number"), doc.position(pointer), pointer)


def _code_rows(
    doc: Document, known: Callable[[str], frozenset[str] | None]
) -> tuple[tuple[CodeGroup, ...], tuple[CodeRow, ...]]:
    groups: list[CodeGroup] = []
    rows: list[CodeRow] = []
    for group_index, group in enumerate(doc.data.get("coding", {}).get("groups", [])):
        system = SYSTEMS[group["system"]]
        groups.append(
            CodeGroup(
                group["heading"],
                group["determination"],
                group.get("basis"),
                system.name,
                group.get("catch_all"),
            )
        )
        for code_index, entry in enumerate(group["codes"]):
            kind = "code" if "code" in entry else "range"
            pointer = f"/coding/groups/{group_index}/codes/{code_index}/{kind}"
            position = doc.position(pointer)
            if kind == "code":
                if system.accepts(entry["code"]):  # a malformed code is reported, not indexed
                    rows.append(CodeRow(system.name, entry["code"], group_index, position, pointer))
                continue
            try:
                expanded = expand_range(
                    system, entry["range"]["first"], entry["range"]["last"], known
                )
            except RangeError:
                continue  # reported by the code-range rule
            rows.extend(
                CodeRow(system.name, code, group_index, position, pointer, from_range=True)
                for code in expanded or ()
            )
    return tuple(groups), tuple(rows)
