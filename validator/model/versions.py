"""The repository as a model: policies, their versions, code rows and supersession.

Built from documents that loaded cleanly and matched the schema, so it can trust their
shape. Each version keeps the line and column of the values that repository-wide rules
report on, so that the YAML node trees can be dropped once a file is read.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date
from functools import cached_property
from typing import Any

from validator.model.coding import (
    CodeGroup,
    CodeRow,
    KnownCodes,
    code_rows,
    rows_from_json,
    rows_to_json,
)
from validator.model.coverage import compile_rules
from validator.model.upgrade import is_first_format, upgrade
from validator.read.document import Document

__all__ = ["CodeGroup", "CodeRow", "Lineage", "RelatedPolicy", "Replacement", "Version"]

Position = tuple[int, int]


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
    """One version of a policy, as the repository-wide rules and the answers need it."""

    path: str
    number: str
    title: str
    status: str  # as written: draft, active, or (first format) retired
    effective: date
    next_review: date | None  # None where the organisation schedules no reviews
    published: date | None
    last_review: date | None
    #: A retirement the first format wrote on the version; the second format keeps
    #: retirements in policies/<number>/retirement.yaml.
    retired: date | None
    #: 1 when the file is written in the first format (read through model.upgrade).
    format: int = 2
    groups: tuple[CodeGroup, ...] = ()
    codes: tuple[CodeRow, ...] = ()
    replaces: tuple[Replacement, ...] = ()
    related: tuple[RelatedPolicy, ...] = ()
    lineage: tuple[Lineage, ...] = ()
    #: Positions of the lifecycle values, keyed by their name (``effective``, ...).
    positions: dict[str, Position] = field(default_factory=dict, compare=False, repr=False)
    #: The version in the second format, JSON values only: what a bundle publishes. In
    #: a repository's model it may be ``trimmed`` to the parts answers and rules read.
    document: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)
    #: The SHA-256 of each top-level value of the whole document (canonical JSON): two
    #: versions compare without either document held whole.
    digests: dict[str, str] = field(default_factory=dict, compare=False, repr=False)
    #: True when ``document`` holds only the ESSENTIALS; the whole is read back when a
    #: bundle is written.
    trimmed: bool = field(default=False, compare=False, repr=False)

    @property
    def is_draft(self) -> bool:
        return self.status == "draft"

    def group_of(self, row: CodeRow) -> CodeGroup:
        return self.groups[row.group]

    @cached_property
    def coverage_rules(self) -> dict[str, Any]:
        """The version's coverage as the answers evaluate it (and bundles publish it)."""
        return compile_rules(self.document, self.groups)

    @cached_property
    def _diagnosis_rows(self) -> dict[tuple[str, str], list[CodeRow]]:
        rows: dict[tuple[str, str], list[CodeRow]] = {}
        for row in self.codes:
            if self.groups[row.group].role == "diagnosis":
                rows.setdefault((row.system, row.code), []).append(row)
        return rows

    def diagnosis_groups(self, day: date) -> Callable[[str, str], list[str]]:
        """For an answer on ``day``: the diagnosis groups listing a (system, code)."""

        def groups_of(system: str, code: str) -> list[str]:
            return [
                self.groups[row.group].id
                for row in self._diagnosis_rows.get((system, code), ())
                if row.dates.contains(day)
            ]

        return groups_of

    def position(self, key: str) -> Position:
        return self.positions.get(key, (1, 1))

    def same_document(self, other: Version, *, apart_from: str = "") -> bool:
        """Whether the two documents are the same, but for the top-level key ``apart_from``."""
        if not self.digests or not other.digests:
            mine = {k: v for k, v in self.document.items() if k != apart_from}
            return mine == {k: v for k, v in other.document.items() if k != apart_from}
        return {k: v for k, v in self.digests.items() if k != apart_from} == {
            k: v for k, v in other.digests.items() if k != apart_from
        }

    def as_trimmed(self) -> Version:
        """This version holding only the parts of its document that answers and the
        repository-wide rules read: about a fifth of a typical document."""
        if self.trimmed:
            return self
        kept = {key: self.document[key] for key in ESSENTIALS if key in self.document}
        if "coding" in self.document:
            kept["coding"] = _dates_of_service_only(self.document["coding"])
        return replace(self, document=kept, trimmed=True)

    def to_json(self) -> dict[str, Any]:
        """The version as JSON values, everything kept: ``from_json`` gives it back equal,
        with its positions and document. Dates are ISO text, positions [line, column]."""
        return {
            "path": self.path,
            "number": self.number,
            "title": self.title,
            "status": self.status,
            "effective": self.effective.isoformat(),
            "next_review": _iso(self.next_review),
            "published": _iso(self.published),
            "last_review": _iso(self.last_review),
            "retired": _iso(self.retired),
            "format": self.format,
            "groups": [group.to_json() for group in self.groups],
            "codes": rows_to_json(self.codes),
            "replaces": [
                [r.number, r.title, r.legacy, r.position, r.pointer, r.legacy_position]
                for r in self.replaces
            ],
            "related": [[r.title, r.number, r.position, r.pointer] for r in self.related],
            "lineage": [
                [row.organization, row.number, row.title, row.last_review.isoformat()]
                for row in self.lineage
            ],
            "positions": self.positions,
            "document": self.document,
            "digests": self.digests,
            "trimmed": self.trimmed,
        }

    @classmethod
    def from_json(cls, value: dict[str, Any]) -> Version:
        """The version ``to_json`` gave."""
        return cls(
            path=value["path"],
            number=value["number"],
            title=value["title"],
            status=value["status"],
            effective=date.fromisoformat(value["effective"]),
            next_review=_date(value["next_review"]),
            published=_date(value["published"]),
            last_review=_date(value["last_review"]),
            retired=_date(value["retired"]),
            format=value["format"],
            groups=tuple(CodeGroup.from_json(group) for group in value["groups"]),
            codes=rows_from_json(value["codes"]),
            replaces=tuple(
                Replacement(number, title, legacy, _at(at), pointer, _at_or_none(legacy_at))
                for number, title, legacy, at, pointer, legacy_at in value["replaces"]
            ),
            related=tuple(
                RelatedPolicy(title, number, _at(at), pointer)
                for title, number, at, pointer in value["related"]
            ),
            lineage=tuple(
                Lineage(organization, number, title, date.fromisoformat(last_review))
                for organization, number, title, last_review in value["lineage"]
            ),
            positions={key: _at(at) for key, at in value["positions"].items()},
            document=value["document"],
            digests=value["digests"],
            trimmed=value["trimmed"],
        )


#: The parts of a document the model's readers use besides its code tables: answers
#: (coverage rules), the repository-wide rules, history and the semantic diff.
ESSENTIALS = (
    "number",
    "title",
    "format",
    "lifecycle",
    "applicability",
    "coverage",
    "criteria",
    "revisions",
    "corrections",
)


#: A code entry without dates of service, as a trimmed code table keeps it: one object
#: shared by all of them (documents are never changed once loaded).
_UNDATED: dict[str, Any] = {}


def _dates_of_service_only(coding: dict[str, Any]) -> dict[str, Any]:
    """The code tables with nothing but their dates of service, at the same places: the
    codes themselves are in the model's rows."""
    groups = []
    for group in coding.get("groups", []):
        kept: dict[str, Any] = {
            "codes": [
                {"dates_of_service": entry["dates_of_service"]}
                if "dates_of_service" in entry
                else _UNDATED
                for entry in group.get("codes", ())
            ]
        }
        if "dates_of_service" in group:
            kept["dates_of_service"] = group["dates_of_service"]
        groups.append(kept)
    return {"groups": groups}


def document_digests(document: dict[str, Any]) -> dict[str, str]:
    """The SHA-256 of each top-level value, as canonical JSON."""
    return {
        key: hashlib.sha256(
            json.dumps(value, sort_keys=True, separators=(",", ":")).encode("ascii")
        ).hexdigest()
        for key, value in document.items()
    }


def _date(value: str | None) -> date | None:
    return None if value is None else date.fromisoformat(value)


def _iso(day: date | None) -> str | None:
    return None if day is None else day.isoformat()


def _at(value: list[int]) -> Position:
    """A position read back from JSON, where it is a list: a (line, column) tuple."""
    line, column = value
    return (line, column)


def _at_or_none(value: list[int] | None) -> Position | None:
    return None if value is None else _at(value)


def build_version(doc: Document, known: KnownCodes) -> Version:
    """The model of one schema-valid version, in either format. ``known`` gives a
    system's code set, or None."""
    written: dict[str, Any] = doc.data
    lifecycle = written["lifecycle"]
    first = is_first_format(written)
    data, retired = upgrade(written) if first else (written, None)
    positions = {key: doc.position(f"/lifecycle/{key}") for key in lifecycle}
    positions["number"] = doc.position("/number")
    groups, codes = code_rows(doc, data, known)
    return Version(
        path=doc.path,
        number=data["number"],
        title=data["title"],
        status=lifecycle["status"],
        effective=date.fromisoformat(lifecycle["effective"]),
        next_review=_date(lifecycle.get("next_review")),
        published=_date(lifecycle.get("published")),
        last_review=_date(lifecycle.get("last_review")),
        retired=_date(retired),
        format=1 if first else 2,
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
        digests=document_digests(data),
    )


def _related(doc: Document, index: int, entry: dict[str, Any]) -> RelatedPolicy:
    # A finding about a related policy concerns its number when it has one.
    pointer = f"/related_policies/{index}/{'number' if 'number' in entry else 'title'}"
    return RelatedPolicy(entry["title"], entry.get("number"), doc.position(pointer), pointer)
