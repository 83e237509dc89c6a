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
from validator.check.parallel import Progress, check_files, unseen
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
from validator.check.selection import select
from validator.check.snapshot import load_findings, snapshot_key, store_findings
from validator.check.source import VERSION_CHECKS, FileResult, check_source, listed
from validator.findings import Finding, Severity, count_by_severity
from validator.model.organization import Organization
from validator.model.timeline import Repository, Retirement
from validator.model.versions import Version
from validator.read.files import (
    SourceFile,
    discover,
    is_version_path,
    read_source,
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
    checked), in how many processes, and who is told how far checking has got."""

    cache: Cache | None = None
    jobs: int = 1
    progress: Progress = field(default=unseen, compare=False)


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
        return [result for result, _ in check_files(sources, checking.jobs, checking.progress)]
    keys = keys or [cache.key(source) for source in sources]
    found = [_cached(cache, key, source.path) for key, source in zip(keys, sources, strict=True)]
    unknown = [index for index, result in enumerate(found) if result is None]
    checked = check_files([sources[index] for index in unknown], checking.jobs, checking.progress)
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
    checked = check_sources(sources, checking, keys)
    paths = [source.path for source in sources]
    report = _report(paths, checked, keys, today, report_on, cache)
    return replace(report, sources={source.path: source.raw for source in sources})


def _report(
    paths: list[str],
    checked: list[FileResult],
    keys: list[str] | None,
    today: date,
    report_on: set[str] | None,
    cache: Cache | None,
) -> Report:
    """The repository the files' results make up, and every finding: the files' own,
    then the repository-wide rules' (from the cache, for the same files on the same day)."""
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
    snapshot = _snapshot_of(paths, keys, today)
    known = load_findings(cache, snapshot) if cache is not None and snapshot else None
    if known is None:
        findings.extend(check_repository(repository, today, Places(places)))
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
    return Report(findings, count, repository, organization)


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


def validate(
    root: Path,
    arguments: list[str] | None = None,
    today: date | None = None,
    checking: Checking | None = None,
    *,
    findings_only: bool = False,
    with_sources: bool = True,
) -> Report:
    """Validate the whole repository, or report only on the files and directories named.

    ``checking`` says how files are checked: by default one at a time, none cached.
    The cache's file index knows which files are unchanged without reading them: with
    ``findings_only``, a run over unchanged files on a day already judged returns its
    findings alone (no repository model, no sources); without ``with_sources``, the
    model is built from the cached results of unchanged files, which are not read, and
    the report's sources hold only the files that were.
    """
    today = today or date.today()
    paths, findings = discover(root)
    report_on: set[str] | None = None
    if arguments:
        selected, findings = select(root, arguments, paths, findings)
        report_on = set(selected)
        paths = sorted(set(paths) | report_on)
    # Files that could not be read count too: the user named them, or they are there.
    files = len(paths) if report_on is None else len(report_on)
    checking = checking or Checking()
    cache = checking.cache
    index = FileIndex.load(cache.directory, root, cache.environment) if cache else None
    statuses = {path: status_of(root, path) for path in paths} if index else {}
    known_keys = {path: index.key(path, statuses[path]) for path in paths} if index else {}
    if findings_only and cache is not None:
        known = _known(cache, paths, [known_keys[path] for path in paths], today)
        if known is not None:
            shown = [f for f in known if report_on is None or f.path in report_on]
            return Report(sorted(findings + shown), files)
    unchanged: dict[str, tuple[str, FileResult]] = {}
    if not with_sources and cache is not None:
        unchanged = _unchanged_results(cache, known_keys)
    sources: list[SourceFile] = []
    for path in paths:
        if path in unchanged:
            continue
        source = read_source(root, path)
        if isinstance(source, Finding):
            if report_on is None or path in report_on:
                findings.append(source)
        else:
            sources.append(source)
    keys = [cache.key(source) for source in sources] if cache is not None else None
    read = [source.path for source in sources]
    checked = dict(zip(read, check_sources(sources, checking, keys), strict=True))
    every = [path for path in paths if path in checked or path in unchanged]
    results = [checked[path] if path in checked else unchanged[path][1] for path in every]
    every_key = None
    if keys is not None:
        read_keys = dict(zip(read, keys, strict=True))
        every_key = [read_keys[path] if path in read_keys else unchanged[path][0] for path in every]
    report = _report(every, results, every_key, today, report_on, cache)
    if index is not None and keys is not None:
        now = time.time()
        for source, key in zip(sources, keys, strict=True):
            index.record(source.path, statuses[source.path], key, now)
        index.keep_only(set(every))
        index.save()
    return replace(
        report,
        findings=sorted(findings + report.findings),
        files=files,
        sources={source.path: source.raw for source in sources},
    )


def _unchanged_results(
    cache: Cache, known_keys: dict[str, str | None]
) -> dict[str, tuple[str, FileResult]]:
    """The cached results of the files the index knows unchanged, with their keys."""
    found: dict[str, tuple[str, FileResult]] = {}
    for path, key in known_keys.items():
        result = _cached(cache, key, path) if key is not None else None
        if key is not None and result is not None:
            found[path] = (key, result)
    return found


def _known(
    cache: Cache, paths: list[str], keys: list[str | None], today: date
) -> list[Finding] | None:
    """The findings of a run over these files today, when every file's key is known
    and a run over them was cached."""
    if any(key is None for key in keys):
        return None
    pairs = [(path, key) for path, key in zip(paths, keys, strict=True) if key is not None]
    return load_findings(cache, snapshot_key(pairs, today))
