"""Validate a repository or some of its files: the steps in order, no printing.

Each file is checked on its own (``check.source``), its results taken from the cache
when its bytes were checked before (``check.cache``), the rest in worker processes
(``check.parallel``). The repository-wide rules then run once on the model built from
every version that passed, with the positions each file's check looked up for them
(``Places``).
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

from validator.check import results
from validator.check.assemble import (
    REPOSITORY_CHECKS,
    Report,
    assemble,
    check_repository,
    gather,
)
from validator.check.cache import Cache
from validator.check.code_map import files_for, map_key, store_code_map
from validator.check.documents import Documents
from validator.check.file_index import FileIndex, Status, status_of
from validator.check.parallel import Progress, check_files, unseen
from validator.check.selection import select
from validator.check.snapshot import load_findings, snapshot_key
from validator.check.source import VERSION_CHECKS, FileResult, check_source, listed
from validator.findings import Finding
from validator.read.files import SourceDigest, SourceFile, WorkTreeBytes, discover, read_source

#: Files read and checked at a time. A batch's bytes are dropped once it is checked, so
#: a run holds one batch of files, not the repository.
BATCH_FILES = 2048

__all__ = [
    "REPOSITORY_CHECKS",
    "VERSION_CHECKS",
    "Checking",
    "FileResult",
    "Report",
    "assemble",
    "check_repository",
    "check_source",
    "listed",
    "validate",
    "validate_batches",
    "validate_sources",
]


@dataclass(frozen=True)
class Checking:
    """How the files are checked: with the results of earlier runs (None: every file is
    checked), in how many processes, and who is told how far checking has got."""

    cache: Cache | None = None
    jobs: int = 1
    progress: Progress = field(default=unseen, compare=False)
    #: Without a cache, keep each version's whole document in the model (for a bundle,
    #: which has nowhere else to read it back from); otherwise the model keeps it
    #: trimmed, as it does with a cache, and memory does not grow with the text.
    whole_documents: bool = True


def check_sources(
    sources: list[SourceFile], checking: Checking | None = None, keys: list[str] | None = None
) -> list[FileResult]:
    """Each file's results, in order: from the cache when its bytes were checked before
    with this very validator, schemas and code sets; the rest checked, and cached.

    With a cache, each version's document is kept trimmed once its results are stored
    (the whole one is in the entry): a batch of files never holds every document whole.
    """
    checking = checking or Checking()
    cache = checking.cache
    if cache is None:
        checked = check_files(sources, checking.jobs, checking.progress)
        if checking.whole_documents:
            return [result for result, _ in checked]
        return [result.trimmed() for result, _ in checked]
    keys = keys or [cache.key(source) for source in sources]
    found = [_cached(cache, key, source.path) for key, source in zip(keys, sources, strict=True)]
    unknown = [index for index, result in enumerate(found) if result is None]
    told = _offset(checking.progress, len(sources) - len(unknown), len(sources))
    checked = check_files([sources[index] for index in unknown], checking.jobs, told)
    for index, (result, text) in zip(unknown, checked, strict=True):
        cache.store(keys[index], sources[index].path, text or results.dumps(result))
        found[index] = result.trimmed()
    return [result.trimmed() for result in found if result is not None]


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
    report = assemble(paths, checked, keys, today, report_on, cache)
    return replace(report, sources={source.path: source.raw for source in sources})


def validate_batches(
    batches: Iterable[list[SourceFile]], today: date, checking: Checking | None = None
) -> Report:
    """Check files that arrive a batch at a time (a revision's, read from git), then the
    repository they make up: only one batch's bytes are held at once, and none kept."""
    checking = checking or Checking()
    cache = checking.cache
    paths: list[str] = []
    checked: list[FileResult] = []
    keys: list[str] = []
    for batch in batches:
        batch_keys = [cache.key(source) for source in batch] if cache is not None else None
        checked += check_sources(batch, checking, batch_keys)
        paths += [source.path for source in batch]
        keys += batch_keys or []
    return assemble(paths, checked, keys if cache is not None else None, today, None, cache)


def validate(
    root: Path,
    arguments: list[str] | None = None,
    today: date | None = None,
    checking: Checking | None = None,
    *,
    findings_only: bool = False,
    with_sources: bool = True,
    with_digests: bool = False,
    code_map: bool = False,
) -> Report:
    """Validate the whole repository, or report only on the files and directories named.

    ``checking`` says how files are checked: by default one at a time, none cached.
    The cache's file index knows which files are unchanged without reading them: with
    ``findings_only``, a run over unchanged files on a day already judged returns its
    findings alone (no repository model). No bytes are kept, and an unchanged file is
    not even read: its results, model included, are cached; ``with_sources`` gives
    ``Report.sources``, which reads a file's bytes again when asked for them, and
    ``with_digests`` reads every file for what a bundle records of it. With a cache the
    model keeps each version's document trimmed; ``Report.documents`` reads it whole.
    With ``code_map``, the cache keeps which files answer for each code
    (:func:`validate_for_code`).
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
    results: dict[str, FileResult] = {}
    keys: dict[str, str] = {}
    if cache is not None and not with_digests:
        for path, (key, result) in _unchanged_results(cache, known_keys).items():
            results[path], keys[path] = result.trimmed(), key
    to_read = [path for path in paths if path not in results]
    digests: dict[str, SourceDigest] = {}
    for start in range(0, len(to_read), BATCH_FILES):
        batch: list[SourceFile] = []
        for path in to_read[start : start + BATCH_FILES]:
            source = read_source(root, path)
            if isinstance(source, SourceFile):
                batch.append(source)
            elif report_on is None or path in report_on:
                findings.append(source)
        batch_keys = [cache.key(source) for source in batch] if cache is not None else None
        told = _offset(checking.progress, start, len(to_read))
        checked = check_sources(batch, replace(checking, progress=told), batch_keys)
        for position, (source, result) in enumerate(zip(batch, checked, strict=True)):
            results[source.path] = result
            if batch_keys:
                keys[source.path] = batch_keys[position]
            if with_digests:
                digests[source.path] = SourceDigest.of(source.raw)
    every = [path for path in paths if path in results]
    report = assemble(
        every,
        [results[path] for path in every],
        [keys[path] for path in every] if cache is not None else None,
        today,
        report_on,
        cache,
    )
    if index is not None:
        _remember(index, keys, statuses, set(to_read), set(every))
    if code_map and cache is not None and report_on is None and len(every) == len(paths):
        store_code_map(cache, map_key(keys.items()), report.repository, paths)
    return replace(
        report,
        findings=sorted(findings + report.findings),
        files=files,
        sources=WorkTreeBytes(root, every) if with_sources else {},
        digests=digests,
        documents=Documents(cache, keys, root),
    )


def validate_for_code(
    root: Path, system: str, code: str, on: date, today: date, checking: Checking
) -> Report | None:
    """What a lookup of one code on ``on`` needs, when the cache has it all: the findings
    of the whole repository (every file unchanged since a run judged them today), and
    the model of only the policies with a version listing the code around that day,
    built from their cached results. None when anything is missing: a file changed or
    unknown to the file index, no run judged these files today, no code map stored by
    ``validate(code_map=True)`` for them, or an entry gone; the caller then validates.
    """
    cache = checking.cache
    if cache is None:
        return None
    paths, findings = discover(root)
    index = FileIndex.load(cache.directory, root, cache.environment)
    keys = {path: index.key(path, status_of(root, path)) for path in paths}
    known_keys = {path: key for path, key in keys.items() if key is not None}
    if len(known_keys) != len(paths):
        return None
    known = load_findings(cache, snapshot_key(known_keys.items(), today))
    if known is None:
        return None
    listing = files_for(cache, map_key(known_keys.items()), system, code, on)
    if listing is None or not set(listing.paths) <= known_keys.keys():
        return None
    order = {path: place for place, path in enumerate(paths)}
    wanted = sorted(set(listing.paths), key=order.__getitem__)  # the order a run reads them
    results = [_cached(cache, known_keys[path], path) for path in wanted]
    checked = [result.trimmed() for result in results if result is not None]
    if len(checked) != len(wanted):
        return None
    gathered = gather(wanted, checked)
    return Report(
        sorted(findings + known),
        len(paths),
        gathered.repository,
        gathered.organization,
        documents=Documents(cache, {path: known_keys[path] for path in wanted}, root),
    )


def _offset(progress: Progress, before: int, total: int) -> Progress:
    """Progress within a batch, told as progress over every file to read."""

    def told(done: int, _: int) -> None:
        progress(before + done, total)

    return told


def _remember(
    index: FileIndex,
    keys: dict[str, str],
    statuses: dict[str, Status | None],
    read: set[str],
    every: set[str],
) -> None:
    """Keep the key of each file read, with the status it had before it was read."""
    now = time.time()
    for path in sorted(read & keys.keys()):
        index.record(path, statuses[path], keys[path], now)
    index.keep_only(every)
    index.save()


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
