"""The repository the files' results make up, and every finding of a run.

Each file's results (``check.source``) join the model: its findings, its version or
retirement, the positions the repository-wide rules may report at. The rules then run
once on the whole model, unless a run over the very same files on the same day was
cached (``check.snapshot``): their findings would be the same.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from validator.check.cache import Cache
from validator.check.documents import Documents
from validator.check.rules import (
    applicability,
    coverage,
    paths,
    retirement,
    service_dates,
    supersession,
    timeline,
)
from validator.check.rules.places import NOWHERE, Places, Position
from validator.check.snapshot import load_findings, snapshot_key, store_findings
from validator.check.source import FileResult
from validator.findings import Finding, Severity, count_by_severity
from validator.model.organization import Organization
from validator.model.timeline import Repository, Retirement
from validator.model.versions import Version
from validator.read.files import SourceDigest, is_version_path

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


@dataclass(frozen=True)
class Report:
    """Everything one run found, sorted, how many files it read, and the model built."""

    findings: list[Finding]
    files: int
    repository: Repository = field(default_factory=lambda: Repository({}))
    organization: dict[str, Any] | None = None
    #: The bytes of the files checked, by path, when the run was asked for them (read
    #: again when asked for, unless they were given to it).
    sources: Mapping[str, bytes] = field(default_factory=dict)
    #: What a bundle records of every file, when the run was asked for it.
    digests: dict[str, SourceDigest] = field(default_factory=dict)
    #: The whole document of each version, where the model keeps it trimmed.
    documents: Documents = field(default_factory=Documents)

    def counts(self) -> dict[Severity, int]:
        return count_by_severity(self.findings)

    def failed(self, *, strict: bool = False) -> bool:
        worst = Severity.WARNING if strict else Severity.ERROR
        return any(finding.severity >= worst for finding in self.findings)


def check_repository(
    repository: Repository, today: date, places: Places = NOWHERE
) -> list[Finding]:
    """The repository-wide rules, on the model of every version that matched the schema."""
    return [finding for check in REPOSITORY_CHECKS for finding in check(repository, today, places)]


@dataclass
class Gathered:
    """What the files' results bring to a run: their findings, the model they make up,
    and the positions the repository-wide rules report at."""

    findings: list[Finding]
    versions: list[Version]
    repository: Repository
    organization: dict[str, Any] | None
    places: dict[str, dict[str, Position]]


def gather(paths: list[str], checked: list[FileResult]) -> Gathered:
    """The model the files' results make up: a version for each file that matched the
    schema, and for each that did not, the date its name gives (it still ends the window
    of the version before it)."""
    findings: list[Finding] = []
    versions: list[Version] = []
    retirements: list[Retirement] = []
    places: dict[str, dict[str, Position]] = {}
    organization = None
    unreadable: dict[str, list[date]] = defaultdict(list)
    for path, result in zip(paths, checked, strict=True):
        findings.extend(result.findings)
        if result.places:
            places[path] = result.places
        if result.version is not None:
            versions.append(result.version)
        elif is_version_path(path):
            _, number, name = path.split("/")
            effective = _date_named(name)
            if effective is not None:
                unreadable[number].append(effective)
        if result.retirement is not None:
            retirements.append(result.retirement)
        organization = organization or result.organization
    repository = Repository.build(
        versions, retirements, Organization.from_document(organization), unreadable
    )
    return Gathered(findings, versions, repository, organization, places)


def assemble(
    paths: list[str],
    checked: list[FileResult],
    keys: list[str] | None,
    today: date,
    report_on: set[str] | None = None,
    cache: Cache | None = None,
) -> Report:
    """The repository the files' results make up, and every finding: the files' own,
    then the repository-wide rules' (from the cache, for the same files on the same day)."""
    gathered = gather(paths, checked)
    findings, versions, repository = gathered.findings, gathered.versions, gathered.repository
    snapshot = _snapshot_of(paths, keys, today)
    known = load_findings(cache, snapshot) if cache is not None and snapshot else None
    if known is None:
        findings.extend(check_repository(repository, today, Places(gathered.places)))
        findings = _no_overwriting_hints(findings, versions, set(paths))
        findings.sort()
        if cache is not None and snapshot:
            store_findings(cache, snapshot, findings)
    else:
        findings = known  # the same files on the same day: the rules would say the same
    if cache is not None:
        cache.prune()
    if report_on is not None:
        findings = [finding for finding in findings if finding.path in report_on]
    count = len(paths) if report_on is None else len(report_on & set(paths))
    return Report(findings, count, repository, gathered.organization)


def _snapshot_of(paths: list[str], keys: list[str] | None, today: date) -> str:
    """The key of the run's findings; "" without a cache."""
    if keys is None:
        return ""
    return snapshot_key(zip(paths, keys, strict=True), today)


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
