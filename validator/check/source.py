"""Check one file: load it, match it to its schema, and run the rules for one version.

``check_source`` is a pure function of a file's path and bytes (and of the installed
schemas and code sets), so its results can be cached by content and files checked in
parallel (``check.cache``, ``check.parallel``).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, fields, replace
from operator import attrgetter
from typing import Any

from validator.check.rules import (
    applicability,
    codes,
    criteria,
    dates,
    limits,
    paths,
    placeholders,
    references,
    retirement,
    service_dates,
)
from validator.check.rules.places import Pointers, Position, look_up
from validator.check.schemas import (
    FORMAT_FIRST,
    ORGANIZATION_SCHEMA,
    POLICY_SCHEMA,
    POLICY_V1_SCHEMA,
    RETIREMENT_SCHEMA,
    check_schema,
)
from validator.findings import Finding
from validator.model import codesets
from validator.model.timeline import Retirement, build_retirement
from validator.model.upgrade import is_first_format
from validator.model.versions import Version, build_version
from validator.read.document import MAX_LISTED_PER_RULE, Document, LeftOut
from validator.read.files import ORGANIZATION_FILE, SourceFile, is_retirement_path
from validator.read.loader import load_document

# Sorting on the fields in their order gives the order of Finding, without a call to its
# generated __lt__ for each comparison: several times faster on 200,000 findings.
_SORT_KEY = attrgetter(*(field.name for field in fields(Finding)))

#: The rules for one version, in order: each a function of its document and model.
VERSION_CHECKS: tuple[Callable[[Document, Version], Iterator[Finding]], ...] = (
    paths.check,
    placeholders.check,
    dates.check,
    service_dates.check,
    codes.check,
    references.check,
    criteria.check,
    limits.check,
    applicability.check,
)

#: The values of a version the repository-wide rules may report on, by JSON pointer.
VERSION_PLACES: tuple[Pointers, ...] = (service_dates.pointers, applicability.pointers)
#: The values of a retirement record they may report on.
RETIREMENT_PLACES: tuple[Pointers, ...] = (retirement.pointers,)


@dataclass(frozen=True)
class FileResult:
    """What checking one file gave: its findings, and its model when it can be trusted."""

    findings: list[Finding]
    version: Version | None = None
    organization: dict[str, Any] | None = None  # the organisation file, when valid
    retirement: Retirement | None = None
    #: Positions of the values the repository-wide rules may report on, by pointer.
    places: dict[str, Position] = field(default_factory=dict)

    def trimmed(self) -> FileResult:
        """The results with the version's document trimmed (``Version.as_trimmed``)."""
        if self.version is None or self.version.trimmed:
            return self
        return replace(self, version=self.version.as_trimmed())


def check_source(source: SourceFile) -> FileResult:
    """Check one file: load it, then its schema, then the rules for one version.

    Each stage runs only on what the stage before accepted, so later rules can rely on
    the document's shape and a broken file gives its root cause, not a cascade. Every
    version that matched the schema joins the repository model, so that repository-wide
    rules still see a version whose dates or codes are wrong.
    """
    doc = load_document(source.path, source.raw)
    findings = list(doc.findings)
    if not doc.ok:
        return FileResult(listed(findings, doc.left_out))
    schema = _schema_for(source.path, doc)
    if schema == POLICY_V1_SCHEMA:
        findings.append(_first_format(source.path))
    schema_findings = check_schema(doc, schema)
    findings.extend(schema_findings)
    if schema_findings:
        return FileResult(listed(findings, doc.left_out))
    if schema == ORGANIZATION_SCHEMA:
        findings.extend(placeholders.check_organization(doc))
        return FileResult(listed(findings, doc.left_out), organization=doc.data)
    if schema == RETIREMENT_SCHEMA:
        record = build_retirement(doc)
        findings.extend(paths.check_retirement(doc, record))
        return FileResult(
            listed(findings, doc.left_out),
            retirement=record,
            places=look_up(doc, RETIREMENT_PLACES),
        )
    version = build_version(doc, codesets.known_codes)
    for check in VERSION_CHECKS:
        findings.extend(check(doc, version))
    return FileResult(listed(findings, doc.left_out), version, places=look_up(doc, VERSION_PLACES))


def _schema_for(path: str, doc: Document) -> str:
    if path == ORGANIZATION_FILE:
        return ORGANIZATION_SCHEMA
    if is_retirement_path(path):
        return RETIREMENT_SCHEMA
    return POLICY_V1_SCHEMA if is_first_format(doc.data) else POLICY_SCHEMA


def _first_format(path: str) -> Finding:
    return FORMAT_FIRST.finding(
        path,
        1,
        1,
        "written in the first policy format; it is read as the second would say it",
        hint=f"policyrepo migrate {path}",
    )


def listed(findings: list[Finding], left_out: Mapping[str, LeftOut] | None = None) -> list[Finding]:
    """One file's findings as a report lists them: sorted, and past the first
    ``MAX_LISTED_PER_RULE`` of a rule, one finding of that rule counting the rest, at the
    place of the first one left out.

    A hostile file can hold 200,000 control characters or unknown keys; listing each
    would flood the report (and a CI log) with as many lines. The first findings of each
    rule in the file are the ones kept, so the list is the same on every run. Loading
    makes no more findings of a rule than are listed, and gives the rest as ``left_out``.
    """
    left_out = left_out or {}
    ordered = sorted(findings, key=_SORT_KEY)
    kept: list[Finding] = []
    listed_by_rule: Counter[str] = Counter()
    rest: dict[str, list[Finding]] = defaultdict(list)
    for finding in ordered:
        if listed_by_rule[finding.rule] < MAX_LISTED_PER_RULE:
            listed_by_rule[finding.rule] += 1
            kept.append(finding)
        else:
            rest[finding.rule].append(finding)
    if not rest and not left_out:
        return ordered
    kept.extend(
        _more_findings(rule, rest.get(rule, []), left_out.get(rule))
        for rule in sorted(rest.keys() | left_out.keys())
    )
    return sorted(kept, key=_SORT_KEY)


def _more_findings(rule: str, made: list[Finding], left_out: LeftOut | None) -> Finding:
    """One finding for the findings of a rule past those listed: at the place of the
    first of them, and as severe as the worst."""
    if left_out is not None:
        made = [*made, left_out.first]
    count = len(made) - 1 + (left_out.count if left_out is not None else 1)
    return replace(
        min(made, key=_SORT_KEY),
        severity=max(finding.severity for finding in made),
        message=f"... and {count:,} more {rule} findings in this file were not listed",
        pointer="",
        hint="fix the findings listed and validate again to see the rest",
    )
