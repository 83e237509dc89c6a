"""Code coverage rules across the repository: codes fit the dates they apply on, exist
in real code sets, and no service code has two determinations on one date for one claim.

US dates of service from 2015-10-01 are coded in ICD-10: an ICD-9-CM code that can still
apply then is stale (the seed's open-ended 2011 version lists V57.22), and an ICD-10
code that can apply before then could not have been billed, unless its dates of service
start on 2015-10-01 (policies printed their ICD-10 tables "effective 10/01/2015" beside
the ICD-9 ones).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from validator.check.rules.places import NOWHERE, Places
from validator.check.rules.scopes import Scope, Scopes
from validator.findings import Finding, Rule, Severity
from validator.model import codesets
from validator.model.codesystems import ICD10_START, SYSTEMS
from validator.model.coding import DatesOfService
from validator.model.timeline import Repository, Window
from validator.model.versions import CodeRow, Version

FAMILY = "Codes"

SYSTEM_DATES = Rule(
    "code-system-dates",
    Severity.WARNING,
    "An ICD-9 code that can apply to dates of service on or after 2015-10-01, or an ICD-10 "
    "code that can apply before then (a version's window, narrowed by the code's or its "
    "group's dates of service).",
    protects="Claims with dates of service from 2015-10-01 carry ICD-10 codes only, so an "
    "ICD-9 code there matches nothing; the policy needs its ICD-10 equivalents.",
    example="# effective 2011-04-15, open-ended\nsystem: ICD-9-CM\ncodes:\n  - code: V57.22",
    family=FAMILY,
)
UNKNOWN = Rule(
    "code-unknown",
    Severity.WARNING,
    "An ICD code is not in any installed edition of its code set.",
    protects="A code with the right form can still be no code at all (Z50.89 is not an "
    "ICD-10-CM code); checked offline with `pip install policyrepo[codes]`.",
    example="system: ICD-10-CM\ncodes:\n  - code: Z50.89",
    family=FAMILY,
)
NO_CODE_SETS = Rule(
    "code-sets-missing",
    Severity.INFO,
    "ICD codes are listed, but no ICD code set is installed to check they exist.",
    protects="Says plainly that existence was not checked, instead of passing silently.",
    example="# policyrepo installed without the [codes] extra",
    family=FAMILY,
)
CONFLICT = Rule(
    "code-conflict",
    Severity.WARNING,
    "One service code has different determinations in two policies in effect on the same "
    "date for claims both apply to.",
    protects="A claim for that code on that date would be decided differently depending on "
    "which policy the reviewer opened. Policies for different lines of business or states "
    "never meet, and diagnosis and qualifier groups are not coverage positions of their own.",
    example="# 0324 lists CPT 97545 as not-covered; 0500 lists it as covered, both in 2012, "
    "both for every plan",
    family=FAMILY,
)


def check(repository: Repository, today: date, places: Places = NOWHERE) -> Iterator[Finding]:
    yield from _system_dates(repository)
    yield from _existence(repository)
    yield from _conflicts(repository)


def _in_effect(window: Window, dates: DatesOfService) -> Window | None:
    """The days a code row applies: its version's window, narrowed by the row's (or its
    group's) dates of service. None when they leave no day."""
    start = max(window.start, dates.start) if dates.start else window.start
    after = None if dates.through in (None, date.max) else dates.through + timedelta(days=1)
    ends = [end for end in (window.end, after) if end is not None]
    end = min(ends) if ends else None
    return Window(start, end) if end is None or start < end else None


def _system_dates(repository: Repository) -> Iterator[Finding]:
    """ICD-9 rows that can apply from 2015-10-01 on, and ICD-10 rows that can apply before.

    A row's dates of service count: policies printed ICD-10 tables "effective 10/01/2015"
    in versions that took effect earlier, and ICD-9 tables that ended on 2015-09-30.
    """
    for policy in repository.policies.values():
        for version in policy.versions:
            window = policy.window(version)
            if window is None:
                continue
            for row in version.codes:
                era = SYSTEMS[row.system].era
                days = _in_effect(window, row.dates) if era else None
                if days is None:
                    continue  # no ICD row, or one that never applies (dates-of-service rules)
                found = _out_of_era(era, window, days)
                if found is not None:
                    where, hint = found
                    yield SYSTEM_DATES.finding(
                        version.path,
                        *row.position,
                        f"{row.system} {row.code} is listed {where}",
                        pointer=row.pointer,
                        hint=hint,
                    )


def _out_of_era(era: str | None, window: Window, days: Window) -> tuple[str, str] | None:
    """Where an ICD row applies outside its code set's era, and what to do; or None."""
    where = (
        f"in a version in effect {window.describe()}"
        if days == window
        else f"for dates of service {days.describe()}"
    )
    if era == "icd9" and (days.end is None or days.end > ICD10_START):
        return (
            f"{where}, after ICD-9 ended on 2015-09-30",
            "add the ICD-10 codes in a new version effective by 2015-10-01",
        )
    if era == "icd10" and days.start < ICD10_START:
        if window.end is not None and window.end <= ICD10_START:
            return (
                f"{where}, before ICD-10 began on 2015-10-01",
                "list the ICD-9 codes that applied then",
            )
        return (
            f"{where}, so it applies from {days.start}, before ICD-10 began on 2015-10-01",
            "give the ICD-10 group dates_of_service from '2015-10-01', as policies printed "
            'their ICD-10 tables "effective 10/01/2015"',
        )
    return None


def _existence(repository: Repository) -> Iterator[Finding]:
    # Code sets are loaded only for systems a policy actually lists.
    missing_at: tuple[str, int, int, str] | None = None
    for version in repository.versions():
        for row in version.codes:
            if SYSTEMS[row.system].era is None or row.from_range:
                continue  # CPT and HCPCS: no open data; range rows come from the code set
            codes = codesets.known_codes(row.system)
            if codes is None:
                missing_at = missing_at or (version.path, *row.position, row.pointer)
            elif row.code not in codes:
                consulted = ", ".join(codesets.editions(row.system) or ())
                yield UNKNOWN.finding(
                    version.path,
                    *row.position,
                    f"{row.system} {row.code} is not in {consulted}",
                    pointer=row.pointer,
                    hint="check the code; a code deleted before these editions is reported too",
                )
    if missing_at is not None:
        path, line, column, pointer = missing_at
        yield NO_CODE_SETS.finding(
            path,
            line,
            column,
            "ICD codes were not checked against real code sets: none is installed",
            pointer=pointer,
            hint="pip install 'policyrepo[codes]'",
        )


def _conflicts(repository: Repository) -> Iterator[Finding]:
    """A sweep over dates for each service code, in O(R log R) for its R rows.

    Rows of one code are taken in order of their first day. Each row is compared only
    with rows still in effect that could disagree with it: rows of another determination
    whose applicability can overlap its own. For each determination and applicability
    the sweep keeps the two rows, of two different policies, that stay in effect the
    longest (:class:`_Longest`): if any row of another policy is still in effect, one of
    those two is. So the work for a row does not grow with the rows before it, only with
    the number of distinct applicabilities of another determination in effect at once,
    one in the usual repository where policies apply to everyone.
    """
    scopes = _ScopeOfVersion(Scopes(repository.organization))
    for (system, code), rows in sorted(repository.code_index.items()):
        entries = sorted(_service_entries(repository, rows, scopes), key=_Entry.order)
        if len({entry.version.number for entry in entries}) < 2:
            continue
        in_effect: dict[str, dict[Scope, _Longest]] = defaultdict(dict)
        reported: set[tuple[str, str]] = set()
        for entry in entries:
            other = _disagreeing(in_effect, entry)
            if other is not None and (other.version.path, entry.version.path) not in reported:
                reported.add((other.version.path, entry.version.path))
                yield CONFLICT.finding(
                    entry.version.path,
                    *entry.row.position,
                    f"{system} {code} is {entry.determination} here but {other.determination} "
                    f"in policy {other.version.number} ({other.version.path}), both in effect "
                    f"from {entry.days.start}{_for_whom(entry, other)}",
                    pointer=entry.row.pointer,
                    hint="make the determinations agree, narrow the applicability of one "
                    "policy, or retire one policy's version",
                )
            in_effect[entry.determination].setdefault(entry.scope, _Longest()).add(entry)


@dataclass(frozen=True)
class _Entry:
    """A service row as the sweep sees it: when it applies, deciding what, for whom."""

    days: Window
    determination: str
    scope: Scope
    version: Version
    row: CodeRow

    def order(self) -> tuple[date, str]:
        return (self.days.start, self.version.path)

    def ends_after(self, day: date) -> bool:
        return self.days.end is None or self.days.end > day

    @property
    def last(self) -> date:
        return self.days.end or date.max


def _service_entries(
    repository: Repository, rows: list[tuple[Version, CodeRow]], scopes: _ScopeOfVersion
) -> Iterator[_Entry]:
    """Rows of service groups: diagnoses and claim qualifiers are not coverage positions
    of their own, so they never conflict."""
    for version, row in rows:
        group = version.group_of(row)
        window = repository.window(version)
        if group.role != "service" or group.determination is None or window is None:
            continue
        days = _in_effect(window, row.dates)
        if days is None:
            continue
        yield _Entry(days, group.determination, scopes.of(version), version, row)


class _ScopeOfVersion:
    """Each version's scope, worked out once however many codes it lists."""

    def __init__(self, scopes: Scopes) -> None:
        self._scopes = scopes
        self._by_path: dict[str, Scope] = {}

    def of(self, version: Version) -> Scope:
        scope = self._by_path.get(version.path)
        if scope is None:
            scope = self._scopes.of(version.document.get("applicability"))
            self._by_path[version.path] = scope
        return scope


class _Longest:
    """Of the rows of one determination and applicability: the one that stays in effect
    the longest, and the longest of another policy than its."""

    def __init__(self) -> None:
        self.first: _Entry | None = None
        self.second: _Entry | None = None

    def add(self, entry: _Entry) -> None:
        first = self.first
        if first is None or entry.last > first.last:
            if first is not None and first.version.number != entry.version.number:
                self.second = first
            self.first = entry
        elif entry.version.number != first.version.number and (
            self.second is None or entry.last > self.second.last
        ):
            self.second = entry

    def over(self, day: date) -> bool:
        """True once no row here is in effect on ``day`` or after."""
        return self.first is None or not self.first.ends_after(day)

    def of_another_policy(self, entry: _Entry) -> _Entry | None:
        """A row in effect when ``entry`` starts, of another policy than ``entry``'s."""
        for kept in (self.first, self.second):
            if (
                kept is not None
                and kept.version.number != entry.version.number
                and kept.ends_after(entry.days.start)
            ):
                return kept
        return None


def _disagreeing(in_effect: dict[str, dict[Scope, _Longest]], entry: _Entry) -> _Entry | None:
    """A row in effect when ``entry`` starts that decides otherwise for a claim both can
    apply to; applicabilities no longer in effect are dropped on the way."""
    for determination in sorted(in_effect):
        if determination == entry.determination:
            continue
        by_scope = in_effect[determination]
        for scope in [s for s, longest in by_scope.items() if longest.over(entry.days.start)]:
            del by_scope[scope]
        for scope, longest in by_scope.items():
            if scope.overlaps(entry.scope):
                other = longest.of_another_policy(entry)
                if other is not None:
                    return other
    return None


def _for_whom(entry: _Entry, other: _Entry) -> str:
    if entry.scope == other.scope == Scope():
        return ""
    return ", for claims both apply to"
