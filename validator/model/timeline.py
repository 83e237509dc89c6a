"""When each version is in effect, and the repository that answers "what applied on D".

A version is in effect from its effective date until the next non-draft version of
the same policy takes effect, or until the policy's retirement date, whichever comes
first. Windows are half-open, ``[start, end)``: ``end`` is the first day the version no
longer applies, and None means open-ended. Drafts are never in effect.

Building the windows sorts each policy's versions once: O(V log V) for V versions.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cached_property
from typing import Any

from validator.model.organization import Organization
from validator.model.versions import CodeRow, Version
from validator.read.document import Document


@dataclass(frozen=True)
class Window:
    start: date
    end: date | None

    def contains(self, day: date) -> bool:
        return self.start <= day and (self.end is None or day < self.end)

    def overlaps(self, other: Window) -> bool:
        return (other.end is None or self.start < other.end) and (
            self.end is None or other.start < self.end
        )

    def describe(self) -> str:
        """The window for a reader, both days included: ``2011-04-15 through 2013-04-14``
        (the JSON forms give ``end``, the first day no longer in effect, and ``through``)."""
        if self.end is None:
            return f"{self.start}, open-ended"
        return f"{self.start} through {self.through}"

    @property
    def through(self) -> date | None:
        """The last day in effect; None while open-ended."""
        return None if self.end is None else self.end - timedelta(days=1)


@dataclass(frozen=True)
class Retirement:
    """A policy's retirement: from ``retired`` on, the policy governs nothing.

    Written as its own record (``policies/<number>/retirement.yaml``), or, in the first
    format, on a version (``status: retired`` with ``retired: DATE``); ``path`` and
    ``position`` say where, for findings.
    """

    number: str
    retired: date
    path: str
    position: tuple[int, int]
    pointer: str
    published: date | None = None
    reason: str | None = None
    #: The first-format version that declared it; None for a retirement record.
    version: Version | None = None

    def to_json(self) -> dict[str, Any]:
        """The retirement as JSON values: ``from_json`` gives it back equal."""
        return {
            "number": self.number,
            "retired": self.retired.isoformat(),
            "path": self.path,
            "position": self.position,
            "pointer": self.pointer,
            "published": None if self.published is None else self.published.isoformat(),
            "reason": self.reason,
            "version": None if self.version is None else self.version.to_json(),
        }

    @classmethod
    def from_json(cls, value: dict[str, Any]) -> Retirement:
        line, column = value["position"]
        published, version = value["published"], value["version"]
        return cls(
            value["number"],
            date.fromisoformat(value["retired"]),
            value["path"],
            (line, column),
            value["pointer"],
            published=None if published is None else date.fromisoformat(published),
            reason=value["reason"],
            version=None if version is None else Version.from_json(version),
        )


def build_retirement(doc: Document) -> Retirement:
    """The model of a schema-valid retirement record."""
    data = doc.data
    return Retirement(
        data["number"],
        date.fromisoformat(data["retired"]),
        doc.path,
        doc.position("/retired"),
        "/retired",
        published=date.fromisoformat(data["published"]) if "published" in data else None,
        reason=data.get("reason"),
    )


@dataclass
class Policy:
    """A policy number and its versions, oldest effective date first."""

    number: str
    versions: list[Version]
    windows: dict[str, Window] = field(default_factory=dict)
    record: Retirement | None = None  # policies/<number>/retirement.yaml, when there is one
    #: Effective dates of versions whose files could not be read or did not match the
    #: schema, sorted: answers about dates from the first of them may be incomplete.
    unreadable: list[date] = field(default_factory=list)

    @property
    def title(self) -> str:
        return self.versions[-1].title

    @property
    def retired(self) -> date | None:
        """The policy's retirement date."""
        retirement = self.retirement
        return None if retirement is None else retirement.retired

    @property
    def retirement(self) -> Retirement | None:
        """What retires the policy: its retirement record, or the non-draft first-format
        version that declares the earliest retirement date; the earlier of the two."""
        found = [self.record] if self.record is not None else []
        found += [
            Retirement(
                v.number,
                v.retired,
                v.path,
                v.position("retired"),
                "/lifecycle/retired",
                version=v,
            )
            for v in self.versions
            if v.retired and not v.is_draft
        ]
        return min(found, key=lambda r: (r.retired, r.path)) if found else None

    def reviewed_after(self, version: Version) -> bool:
        """True when a later version was reviewed or published on or after the date
        ``version`` was due for review: the review it was waiting for has happened."""
        if version.next_review is None:
            return False  # no review was scheduled, so none is awaited
        due = version.next_review
        return any(
            later.effective > version.effective
            and not later.is_draft
            and max(filter(None, (later.last_review, later.published)), default=date.min) >= due
            for later in self.versions
        )

    def window(self, version: Version) -> Window | None:
        return self.windows.get(version.path)

    def in_effect(self, day: date) -> Version | None:
        for version in reversed(self.versions):
            window = self.windows.get(version.path)
            if window is not None and window.contains(day):
                return version
        return None

    def ends(self) -> date | None:
        """The first day after the policy's last window; None while it is open-ended."""
        ends = [w.end for w in self.windows.values()]
        if not ends or None in ends:
            return None
        return max(end for end in ends if end is not None)


def _sort_key(version: Version) -> tuple[date, str]:
    return (version.effective, version.path)


def compute_windows(
    versions: list[Version], retired: date | None, unreadable: Sequence[date] = ()
) -> dict[str, Window]:
    """Windows of one policy's versions, sorted by effective date: one pass, O(V).

    ``unreadable`` are the effective dates (from their file names) of versions whose files
    could not be read or did not match the schema: each still ends the window of the
    version before it, so that a broken new version does not leave the old one looking
    open-ended (and reported for what it would do after the new one takes effect).
    """
    in_force = [v for v in versions if not v.is_draft]
    windows: dict[str, Window] = {}
    next_start: date | None = None  # the first later effective date, walking backwards
    for index in reversed(range(len(in_force))):
        version = in_force[index]
        following = in_force[index + 1].effective if index + 1 < len(in_force) else None
        if following is not None and following > version.effective:
            next_start = following
        if following == version.effective:
            continue  # a tie: the last of the versions sharing the date governs
        if retired is not None and version.effective >= retired:
            continue  # takes effect after the policy was retired: never in effect
        ends = [end for end in (next_start, retired) if end is not None]
        later = bisect.bisect_right(unreadable, version.effective)
        if later < len(unreadable):
            ends.append(unreadable[later])
        windows[version.path] = Window(version.effective, min(ends) if ends else None)
    return windows


@dataclass
class Repository:
    """Every policy of the repository, built from versions in any order."""

    policies: dict[str, Policy]
    organization: Organization = field(default_factory=Organization)
    #: Retirement records whose policy has no version in the repository.
    orphan_retirements: list[Retirement] = field(default_factory=list)

    @classmethod
    def build(
        cls,
        versions: list[Version],
        retirements: list[Retirement] | None = None,
        organization: Organization | None = None,
        unreadable: dict[str, list[date]] | None = None,
    ) -> Repository:
        """The repository of ``versions``; ``unreadable`` gives, by policy number, the
        effective dates of versions that could not be read (see compute_windows)."""
        by_number: dict[str, list[Version]] = defaultdict(list)
        for version in versions:
            by_number[version.number].append(version)
        records = {r.number: r for r in sorted(retirements or [], key=lambda r: r.path)}
        broken = unreadable or {}
        policies = {}
        for number in sorted(by_number):
            ordered = sorted(by_number[number], key=_sort_key)
            policy = Policy(
                number,
                ordered,
                record=records.pop(number, None),
                unreadable=sorted(broken.get(number, [])),
            )
            policy.windows = compute_windows(ordered, policy.retired, policy.unreadable)
            policies[number] = policy
        return cls(policies, organization or Organization(), list(records.values()))

    def versions(self) -> list[Version]:
        return [v for policy in self.policies.values() for v in policy.versions]

    def window(self, version: Version) -> Window | None:
        return self.policies[version.number].window(version)

    @cached_property
    def code_index(self) -> dict[tuple[str, str], list[tuple[Version, CodeRow]]]:
        """(system, code) to every row of a version that is ever in effect: O(rows).

        The repository-wide rules do not use it (a run that only validates never builds
        it); lookups and bundles do.
        """
        index: dict[tuple[str, str], list[tuple[Version, CodeRow]]] = {}
        for policy in self.policies.values():
            for version in policy.versions:
                if version.path not in policy.windows:
                    continue
                for row in version.codes:
                    listed = index.get((row.system, row.code))
                    if listed is None:
                        index[(row.system, row.code)] = [(version, row)]
                    else:
                        listed.append((version, row))
        return index

    @cached_property
    def replaced_by(self) -> dict[str, list[Version]]:
        """Policy number to the version of each policy that first replaces it.

        Later versions of a replacing policy repeat the declaration; the replacement
        happens when the first non-draft one takes effect. Lists are in the order of the
        replacing policies' numbers.
        """
        result: dict[str, list[Version]] = defaultdict(list)
        for policy in self.policies.values():  # numbers in order, versions by date
            declared: set[str] = set()
            for version in policy.versions:
                if version.is_draft:
                    continue
                for replacement in version.replaces:
                    if replacement.number not in declared:
                        declared.add(replacement.number)
                        result[replacement.number].append(version)
        return dict(result)
