"""Code coverage rules across the repository: codes fit the dates they apply on, exist
in real code sets, and no service code has two determinations on one date for one claim.

US dates of service from 2015-10-01 are coded in ICD-10: an ICD-9-CM code that can still
apply then is stale (the seed's open-ended 2011 version lists V57.22), and an ICD-10
code that can apply before then could not have been billed, unless its dates of service
start on 2015-10-01 (policies printed their ICD-10 tables "effective 10/01/2015" beside
the ICD-9 ones).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from validator.check.rules.places import NOWHERE, Places
from validator.check.rules.scopes import ScopeNumbers
from validator.findings import Finding, Rule, Severity
from validator.model import codesets
from validator.model.codesystems import ICD10_START, SYSTEMS
from validator.model.coding import ALWAYS, DatesOfService
from validator.model.timeline import Repository, Window
from validator.model.versions import Version

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


class _DaysOfRows:
    """The days each row of one version applies, worked out once per distinct dates of
    service: a version's rows share a handful (their group's, a table's)."""

    def __init__(self, window: Window) -> None:
        self._window = window
        # What _in_effect(window, ALWAYS) gives, without making a window per version.
        self._always = window if window.end is None or window.start < window.end else None
        self._narrowed: dict[tuple[date | None, date | None], Window | None] = {}

    def of(self, dates: DatesOfService) -> Window | None:
        if dates.start is None and dates.through is None:
            return self._always
        key = (dates.start, dates.through)
        if key not in self._narrowed:
            self._narrowed[key] = _in_effect(self._window, dates)
        return self._narrowed[key]


def _where(window: Window, days: Window) -> str:
    if days == window:
        return f"in a version in effect {window.describe()}"
    return f"for dates of service {days.describe()}"


#: Each code system's era (None: codes that do not change with ICD-10), looked up per row.
_ERAS = {name: system.era for name, system in SYSTEMS.items()}


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
            days_of = _DaysOfRows(window)
            for row in version.codes:
                era = _ERAS[row.system]
                days = days_of.of(row.dates) if era else None
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
    if era == "icd9" and (days.end is None or days.end > ICD10_START):
        return (
            f"{_where(window, days)}, after ICD-9 ended on 2015-09-30",
            "add the ICD-10 codes in a new version effective by 2015-10-01",
        )
    if era == "icd10" and days.start < ICD10_START:
        if window.end is not None and window.end <= ICD10_START:
            return (
                f"{_where(window, days)}, before ICD-10 began on 2015-10-01",
                "list the ICD-9 codes that applied then",
            )
        return (
            f"{_where(window, days)}, so it applies from {days.start}, before ICD-10 began "
            "on 2015-10-01",
            "give the ICD-10 group dates_of_service from '2015-10-01', as policies printed "
            'their ICD-10 tables "effective 10/01/2015"',
        )
    return None


def _existence(repository: Repository) -> Iterator[Finding]:
    # Code sets are loaded only for systems a policy actually lists.
    missing_at: tuple[str, int, int, str] | None = None
    for version in repository.versions():
        for row in version.codes:
            if _ERAS[row.system] is None or row.from_range:
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

    Codes of one policy, or of one determination, are passed over unsorted. The rows
    of the others are taken in order of their first day, each compared only with rows
    still in effect of another determination whose applicability can overlap its own.
    For each determination and applicability the sweep keeps the two rows, of two
    policies, that stay in effect the longest (:class:`_Longest`): if any row of another
    policy is still in effect, one of those two is. So the work for a row grows only with
    the distinct applicabilities in effect at once, one where policies apply to everyone.
    """
    scopes = ScopeNumbers(repository.organization)
    listed = _ServiceRows(repository)
    for (system, code), rows in sorted(listed.of_codes_that_can_disagree().items()):
        rows.sort()  # by first day, then path; a version's own rows in their order
        yield from _sweep(system, code, rows, listed, scopes)


#: A service row as the sweep sorts it: first day, path, version's and row's places,
#: end, number, determination. Plain values: such tuples cost the garbage collector nothing.
_Listed = tuple[date, str, int, int, date | None, str, str]


class _ServiceRows:
    """The rows of service groups in effect some day: diagnoses and claim qualifiers are
    not coverage positions of their own, so they never conflict.

    A repository has a million rows, most of codes that one policy lists, or that every
    policy listing them decides alike (CPT 97545, everywhere covered). One pass over the
    rows compares each with the first row of its code, keeping nothing per row; only the
    rows of codes of a second policy and a second determination are then listed.
    """

    def __init__(self, repository: Repository) -> None:
        #: Each version with service groups, its window, and what each group decides.
        self.versions: list[tuple[Version, Window, list[str | None]]] = []
        for policy in repository.policies.values():
            for version in policy.versions:
                window = policy.window(version)
                if window is None:
                    continue
                decides = [
                    group.determination if group.role == "service" else None
                    for group in version.groups
                ]
                if any(determination is not None for determination in decides):
                    self.versions.append((version, window, decides))

    def of_codes_that_can_disagree(self) -> dict[tuple[str, str], list[_Listed]]:
        """The rows of each code listed by two policies or more with two determinations
        or more, in the order of the versions and of their rows: O(R) for R rows."""
        wanted = self._can_disagree()
        by_code: dict[tuple[str, str], list[_Listed]] = {}
        if not wanted:
            return by_code
        for slot, (version, window, decides) in enumerate(self.versions):
            days_of = _DaysOfRows(window)
            path, number = version.path, version.number
            for place, row in enumerate(version.codes):
                codes = wanted.get(row.system)
                determination = decides[row.group]
                if codes is None or row.code not in codes or determination is None:
                    continue
                days = days_of.of(row.dates)
                if days is not None:
                    listed = (days.start, path, slot, place, days.end, number, determination)
                    by_code.setdefault((row.system, row.code), []).append(listed)
        return by_code

    def _can_disagree(self) -> dict[str, set[str]]:
        """By system, the codes with a row of another policy than their first row's,
        and one of another determination."""
        #: By system and code: the policy number and determination of its first row.
        first: dict[str, dict[str, tuple[str, str]]] = {}
        two_policies: set[tuple[str, str]] = set()
        two_determinations: set[tuple[str, str]] = set()
        for version, window, decides in self.versions:
            days_of = _DaysOfRows(window)
            window_has_days = days_of.of(ALWAYS) is not None
            # One (number, determination) per group, shared by its rows: nothing is made
            # per row unless it differs from the first row of its code.
            decided = [None if d is None else (version.number, d) for d in decides]
            for row in version.codes:
                mine = decided[row.group]
                if mine is None:
                    continue
                dates = row.dates
                own_dates = dates.start is not None or dates.through is not None
                if (own_dates or not window_has_days) and days_of.of(dates) is None:
                    continue  # never applies
                codes = first.get(row.system)
                if codes is None:
                    codes = first[row.system] = {}
                seen = codes.setdefault(row.code, mine)
                if seen is not mine:
                    if seen[0] != mine[0]:
                        two_policies.add((row.system, row.code))
                    if seen[1] != mine[1]:
                        two_determinations.add((row.system, row.code))
        wanted: dict[str, set[str]] = {}
        for system, code in two_policies & two_determinations:
            wanted.setdefault(system, set()).add(code)
        return wanted


def _sweep(
    system: str, code: str, rows: list[_Listed], listed: _ServiceRows, scopes: ScopeNumbers
) -> Iterator[Finding]:
    """The conflicts of one code, its rows sorted by their first day."""
    in_effect: dict[str, dict[int, _Longest]] = {}
    reported: set[tuple[str, str]] = set()
    for start, path, slot, place, end, number, determination in rows:
        version = listed.versions[slot][0]
        entry = _Entry(start, end, determination, scopes.of(version), number, path)
        other = _disagreeing(in_effect, entry, scopes)
        if other is not None and (other.path, path) not in reported:
            reported.add((other.path, path))
            everyone = entry.scope == other.scope and scopes.everyone(entry.scope)
            row = version.codes[place]
            yield CONFLICT.finding(
                path,
                *row.position,
                f"{system} {code} is {determination} here but {other.determination} "
                f"in policy {other.number} ({other.path}), both in effect "
                f"from {start}{'' if everyone else ', for claims both apply to'}",
                pointer=row.pointer,
                hint="make the determinations agree, narrow the applicability of one "
                "policy, or retire one policy's version",
            )
        in_effect.setdefault(determination, {}).setdefault(entry.scope, _Longest()).add(entry)


@dataclass(slots=True)
class _Entry:
    """A service row as the sweep sees it: when it applies, deciding what, for whom."""

    start: date
    #: The first day it no longer applies; None while open-ended.
    end: date | None
    determination: str
    #: The version's applicability, as :class:`ScopeNumbers` numbers it.
    scope: int
    number: str
    path: str

    def ends_after(self, day: date) -> bool:
        return self.end is None or self.end > day

    @property
    def last(self) -> date:
        return self.end or date.max


class _Longest:
    """Of the rows of one determination and applicability: the one that stays in effect
    the longest, and the longest of another policy than its."""

    __slots__ = ("first", "second")

    def __init__(self) -> None:
        self.first: _Entry | None = None
        self.second: _Entry | None = None

    def add(self, entry: _Entry) -> None:
        first = self.first
        if first is None or entry.last > first.last:
            if first is not None and first.number != entry.number:
                self.second = first
            self.first = entry
        elif entry.number != first.number and (
            self.second is None or entry.last > self.second.last
        ):
            self.second = entry

    def over(self, day: date) -> bool:
        """True once no row here is in effect on ``day`` or after."""
        return self.first is None or not self.first.ends_after(day)

    def of_another_policy(self, entry: _Entry) -> _Entry | None:
        """A row in effect when ``entry`` starts, of another policy than ``entry``'s."""
        for kept in (self.first, self.second):
            if kept is not None and kept.number != entry.number and kept.ends_after(entry.start):
                return kept
        return None


def _disagreeing(
    in_effect: dict[str, dict[int, _Longest]], entry: _Entry, scopes: ScopeNumbers
) -> _Entry | None:
    """A row in effect when ``entry`` starts that decides otherwise for a claim both can
    apply to; applicabilities no longer in effect are dropped on the way."""
    for determination in sorted(in_effect):
        if determination == entry.determination:
            continue
        by_scope = in_effect[determination]
        for scope in [s for s, longest in by_scope.items() if longest.over(entry.start)]:
            del by_scope[scope]
        for scope, longest in by_scope.items():
            if scopes.meet(scope, entry.scope):
                other = longest.of_another_policy(entry)
                if other is not None:
                    return other
    return None
