"""Validate a repository or some of its files: the steps in order, no printing.

``check_source`` is a pure function of one file's path and bytes, so its results can
be cached by content and files can be checked in parallel. The repository-wide rules
then run once on the model built from every version that passed, with the positions
each file's check looked up for them (``Places``).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, fields, replace
from datetime import date
from operator import attrgetter
from pathlib import Path
from typing import Any

from validator.check.rules import (
    applicability,
    codes,
    coverage,
    criteria,
    dates,
    limits,
    paths,
    placeholders,
    references,
    retirement,
    service_dates,
    supersession,
    timeline,
)
from validator.check.rules.places import NOWHERE, Places, Pointers, Position, look_up
from validator.check.schemas import (
    FORMAT_FIRST,
    ORGANIZATION_SCHEMA,
    POLICY_SCHEMA,
    POLICY_V1_SCHEMA,
    RETIREMENT_SCHEMA,
    check_schema,
)
from validator.findings import Finding, Severity, count_by_severity
from validator.model import codesets
from validator.model.organization import Organization
from validator.model.timeline import Repository, Retirement, build_retirement
from validator.model.upgrade import is_first_format
from validator.model.versions import Version, build_version
from validator.read.document import MAX_LISTED_PER_RULE, Document, LeftOut
from validator.read.files import (
    LAYOUT,
    ORGANIZATION_FILE,
    SourceFile,
    discover,
    is_retirement_path,
    is_version_path,
    read_source,
    relative_to_root,
)
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

#: The rules that need every version at once, on the model built from them, and the
#: positions of the values they report on that the model does not keep.
REPOSITORY_CHECKS: tuple[Callable[[Repository, date, Places], Iterator[Finding]], ...] = (
    service_dates.check_window,
    applicability.check_lines,
    timeline.check,
    retirement.check,
    supersession.check,
    coverage.check,
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


@dataclass(frozen=True)
class Report:
    """Everything one run found, sorted, how many files it read, and the model built."""

    findings: list[Finding]
    files: int
    repository: Repository = field(default_factory=lambda: Repository({}))
    organization: dict[str, Any] | None = None
    #: Every file read, by path: what a bundle's source digest covers.
    sources: dict[str, bytes] = field(default_factory=dict)

    def counts(self) -> dict[Severity, int]:
        return count_by_severity(self.findings)

    def failed(self, *, strict: bool = False) -> bool:
        worst = Severity.WARNING if strict else Severity.ERROR
        return any(finding.severity >= worst for finding in self.findings)


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


def check_repository(
    repository: Repository, today: date, places: Places = NOWHERE
) -> list[Finding]:
    """The repository-wide rules, on the model of every version that matched the schema."""
    return [finding for check in REPOSITORY_CHECKS for finding in check(repository, today, places)]


def validate_sources(
    sources: list[SourceFile], today: date, report_on: set[str] | None = None
) -> Report:
    """Check files already read, then the repository they make up.

    ``report_on`` limits the findings to those files (the rest still inform the
    repository-wide rules, as when pre-commit passes only the changed files).
    """
    findings: list[Finding] = []
    versions: list[Version] = []
    retirements: list[Retirement] = []
    places: dict[str, dict[str, Position]] = {}
    organization = None
    unreadable: dict[str, list[date]] = defaultdict(list)
    for source in sources:
        result = check_source(source)
        findings.extend(result.findings)
        if result.places:
            places[source.path] = result.places
        if result.version is not None:
            versions.append(result.version)
        elif is_version_path(source.path):
            _, number, name = source.path.split("/")
            effective = _date_named(name)
            if effective is not None:
                unreadable[number].append(effective)
        if result.retirement is not None:
            retirements.append(result.retirement)
        organization = organization or result.organization
    repository = Repository.build(
        versions, retirements, Organization.from_document(organization), unreadable
    )
    findings.extend(check_repository(repository, today, Places(places)))
    findings = _no_overwriting_hints(findings, versions, {source.path for source in sources})
    if report_on is not None:
        findings = [finding for finding in findings if finding.path in report_on]
    count = len(sources) if report_on is None else len(report_on & {s.path for s in sources})
    return Report(
        sorted(findings),
        count,
        repository,
        organization,
        {source.path: source.raw for source in sources},
    )


def _date_named(name: str) -> date | None:
    """The effective date a version's file name gives, when it gives one."""
    try:
        return date.fromisoformat(name.removesuffix(".yaml"))
    except ValueError:
        return None


def _no_overwriting_hints(
    findings: list[Finding], versions: list[Version], existing: set[str]
) -> list[Finding]:
    """A path-effective fix never suggests renaming a file onto another version: where
    the name its effective date gives is taken, the fix is to correct the date."""
    effective = {version.path: version.effective for version in versions}
    fixed = []
    for finding in findings:
        day = effective.get(finding.path) if finding.rule == paths.EFFECTIVE.id else None
        if day is not None:
            target = f"{finding.path.rsplit('/', 1)[0]}/{day.isoformat()}.yaml"
            if target in existing:
                finding = replace(
                    finding,
                    hint=f"correct the effective date: {target} exists already, and two "
                    "versions cannot share a date",
                )
        fixed.append(finding)
    return fixed


def validate(root: Path, arguments: list[str] | None = None, today: date | None = None) -> Report:
    """Validate the whole repository, or report only on the files and directories named."""
    paths, findings = discover(root)
    report_on: set[str] | None = None
    if arguments:
        selected, findings = _select(root, arguments, paths, findings)
        report_on = set(selected)
        paths = sorted(set(paths) | report_on)
    sources: list[SourceFile] = []
    for path in paths:
        source = read_source(root, path)
        if isinstance(source, Finding):
            if report_on is None or path in report_on:
                findings.append(source)
        else:
            sources.append(source)
    report = validate_sources(sources, today or date.today(), report_on)
    # Files that could not be read count too: the user named them, or they are there.
    files = len(paths) if report_on is None else len(report_on)
    return replace(report, findings=sorted(findings + report.findings), files=files)


def _select(
    root: Path, arguments: list[str], known: list[str], layout: list[Finding]
) -> tuple[list[str], list[Finding]]:
    """The files named on the command line; a directory stands for the files under it."""
    selected: set[str] = set()
    findings: list[Finding] = []
    for argument in arguments:
        relative = relative_to_root(root, argument)
        if isinstance(relative, Finding):
            findings.append(relative)
            continue
        prefix = "" if relative == "." else relative.rstrip("/") + "/"
        under = [path for path in known if path.startswith(prefix)]
        if under:
            selected.update(under)
            findings.extend(f for f in layout if f.path.startswith(prefix))
        elif relative in {f.path for f in layout}:
            findings.extend(f for f in layout if f.path == relative)
        elif (
            relative == ORGANIZATION_FILE
            or is_version_path(relative)
            or is_retirement_path(relative)
        ):
            selected.add(relative)  # read_source reports it if it cannot be read
        else:
            findings.append(_not_a_policy_file(relative))
    return sorted(selected), findings


def _not_a_policy_file(path: str) -> Finding:
    return LAYOUT.finding(
        path,
        0,
        0,
        "not a policy version (policies/<number>/<effective>.yaml) or the organisation file",
        hint="pass files under policies/, or run without paths to check the repository",
    )
