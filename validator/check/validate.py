"""Validate a repository or some of its files: the steps in order, no printing.

Each file is checked on its own (``check.source``), its results taken from the cache
when its bytes were checked before (``check.cache``), the rest in worker processes
(``check.parallel``). The repository-wide rules then run once on the model built from
every version that passed, with the positions each file's check looked up for them
(``Places``).
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

from validator.check import results
from validator.check.cache import Cache
from validator.check.file_index import FileIndex, status_of
from validator.check.parallel import check_files
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
from validator.check.source import VERSION_CHECKS, FileResult, check_source, listed
from validator.findings import Finding, Severity, count_by_severity
from validator.model.organization import Organization
from validator.model.timeline import Repository, Retirement
from validator.model.versions import Version
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

__all__ = [
    "REPOSITORY_CHECKS",
    "VERSION_CHECKS",
    "Checking",
    "FileResult",
    "Report",
    "check_repository",
    "check_source",
    "listed",
    "validate",
    "validate_sources",
]

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
class Checking:
    """How the files are checked: with the results of earlier runs (None: every file is
    checked), and in how many processes."""

    cache: Cache | None = None
    jobs: int = 1


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


def check_repository(
    repository: Repository, today: date, places: Places = NOWHERE
) -> list[Finding]:
    """The repository-wide rules, on the model of every version that matched the schema."""
    return [finding for check in REPOSITORY_CHECKS for finding in check(repository, today, places)]


def check_sources(
    sources: list[SourceFile], checking: Checking | None = None, keys: list[str] | None = None
) -> list[FileResult]:
    """Each file's results, in order: from the cache when its bytes were checked before
    with this very validator, schemas and code sets; the rest checked, and cached."""
    checking = checking or Checking()
    cache = checking.cache
    if cache is None:
        return [result for result, _ in check_files(sources, checking.jobs)]
    keys = keys or [cache.key(source) for source in sources]
    found = [_cached(cache, key, source.path) for key, source in zip(keys, sources, strict=True)]
    unknown = [index for index, result in enumerate(found) if result is None]
    checked = check_files([sources[index] for index in unknown], checking.jobs)
    for index, (result, text) in zip(unknown, checked, strict=True):
        found[index] = result
        cache.store(keys[index], sources[index].path, text or results.dumps(result))
    return [result for result in found if result is not None]


def _cached(cache: Cache, key: str, path: str) -> FileResult | None:
    text = cache.load(key, path)
    if text is None:
        return None
    try:
        return results.loads(text)
    except results.MalformedResults:
        return None  # an entry of the right key but a wrong shape: checked again


def validate_sources(
    sources: list[SourceFile],
    today: date,
    report_on: set[str] | None = None,
    checking: Checking | None = None,
    keys: list[str] | None = None,
) -> Report:
    """Check files already read, then the repository they make up.

    ``report_on`` limits the findings to those files (the rest still inform the
    repository-wide rules, as when pre-commit passes only the changed files).
    """
    checking = checking or Checking()
    cache = checking.cache
    if cache is not None and keys is None:
        keys = [cache.key(source) for source in sources]
    findings: list[Finding] = []
    versions: list[Version] = []
    retirements: list[Retirement] = []
    places: dict[str, dict[str, Position]] = {}
    organization = None
    unreadable: dict[str, list[date]] = defaultdict(list)
    for source, result in zip(sources, check_sources(sources, checking, keys), strict=True):
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
    snapshot = _snapshot_of(sources, keys, today)
    known = load_findings(cache, snapshot) if cache is not None and snapshot else None
    if known is None:
        findings.extend(check_repository(repository, today, Places(places)))
        findings = _no_overwriting_hints(findings, versions, {source.path for source in sources})
        findings.sort()
        if cache is not None and snapshot:
            store_findings(cache, snapshot, findings)
    else:
        findings = known  # the same files on the same day: the rules would say the same
    if cache is not None:
        cache.prune()
    if report_on is not None:
        findings = [finding for finding in findings if finding.path in report_on]
    count = len(sources) if report_on is None else len(report_on & {s.path for s in sources})
    return Report(
        findings,
        count,
        repository,
        organization,
        {source.path: source.raw for source in sources},
    )


def _snapshot_of(sources: list[SourceFile], keys: list[str] | None, today: date) -> str:
    """The key of the run's findings; "" without a cache."""
    if keys is None:
        return ""
    return snapshot_key(zip((source.path for source in sources), keys, strict=True), today)


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


def validate(
    root: Path,
    arguments: list[str] | None = None,
    today: date | None = None,
    checking: Checking | None = None,
    *,
    findings_only: bool = False,
) -> Report:
    """Validate the whole repository, or report only on the files and directories named.

    ``checking`` says how files are checked: by default one at a time, none cached.
    With ``findings_only``, a run over files the cache's index knows unchanged, on a day
    whose findings are cached, returns them without reading a file: its report has no
    repository model and no sources.
    """
    today = today or date.today()
    paths, findings = discover(root)
    report_on: set[str] | None = None
    if arguments:
        selected, findings = _select(root, arguments, paths, findings)
        report_on = set(selected)
        paths = sorted(set(paths) | report_on)
    # Files that could not be read count too: the user named them, or they are there.
    files = len(paths) if report_on is None else len(report_on)
    cache = (checking or Checking()).cache
    index = FileIndex.load(cache.directory, root, cache.environment) if cache else None
    statuses = {path: status_of(root, path) for path in paths} if index else {}
    if findings_only and cache is not None and index is not None:
        known = _known(cache, paths, [index.key(path, statuses[path]) for path in paths], today)
        if known is not None:
            shown = [f for f in known if report_on is None or f.path in report_on]
            return Report(sorted(findings + shown), files)
    sources: list[SourceFile] = []
    for path in paths:
        source = read_source(root, path)
        if isinstance(source, Finding):
            if report_on is None or path in report_on:
                findings.append(source)
        else:
            sources.append(source)
    keys = [cache.key(source) for source in sources] if cache is not None else None
    report = validate_sources(sources, today, report_on, checking, keys)
    if index is not None and keys is not None:
        now = time.time()
        for source, key in zip(sources, keys, strict=True):
            index.record(source.path, statuses[source.path], key, now)
        index.keep_only({source.path for source in sources})
        index.save()
    return replace(report, findings=sorted(findings + report.findings), files=files)


def _known(
    cache: Cache, paths: list[str], keys: list[str | None], today: date
) -> list[Finding] | None:
    """The findings of a run over these files today, when every file's key is known
    and a run over them was cached."""
    if any(key is None for key in keys):
        return None
    pairs = [(path, key) for path, key in zip(paths, keys, strict=True) if key is not None]
    return load_findings(cache, snapshot_key(pairs, today))


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
