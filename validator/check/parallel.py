"""Check files in worker processes, one chunk of files per task.

Checking a file needs nothing but its path and bytes (``check_source``), so files are
checked in any process and their results put back in the order of the files: the report
is the one a single process gives. Workers send their results as the JSON text the
cache keeps, so nothing but strings crosses between processes, and the parent can
store the text as it came.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from validator.check import results
from validator.check.source import FileResult, check_source
from validator.read.files import SourceFile

#: Below this many files to check, starting processes costs more than it saves.
MIN_FILES_FOR_WORKERS = 64

#: Tasks per worker: enough that a worker given slow files does not hold up the others,
#: few enough that sending each costs little.
CHUNKS_PER_WORKER = 4


def available_cores() -> int:
    """The cores this process may run on (a container or ``taskset`` may allow fewer
    than the machine has)."""
    counted = getattr(os, "process_cpu_count", None)  # Python 3.13 and later
    if counted is not None:
        return int(counted() or 1)
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # macOS and Windows have no affinity call
        return os.cpu_count() or 1


#: Told the files checked so far and how many there are to check.
Progress = Callable[[int, int], None]


def unseen(done: int, total: int) -> None:
    """No one is watching."""


def check_files(
    sources: list[SourceFile], jobs: int, progress: Progress = unseen
) -> Iterator[tuple[FileResult, str | None]]:
    """Each file's results in order, with their JSON text when a worker made them, each
    as soon as it is there: the caller can keep less of it than a whole batch.

    One process checks them when ``jobs`` is 1 or there are few files, and when worker
    processes cannot be started or die (a sandbox without semaphores, the memory
    killer): the results are the same either way, only slower.
    """
    if jobs <= 1 or len(sources) < MIN_FILES_FOR_WORKERS:
        yield from _in_this_process(sources, progress)
        return
    given = 0
    try:
        for text in _in_workers(sources, jobs, progress):
            yield results.loads(text, whole=True), text
            given += 1
    except (BrokenProcessPool, OSError, NotImplementedError, ImportError):
        # The files not yet given are checked here; those given stand.
        yield from _in_this_process(sources[given:], progress, given, len(sources))


def _in_this_process(
    sources: list[SourceFile], progress: Progress, before: int = 0, total: int | None = None
) -> Iterator[tuple[FileResult, str | None]]:
    total = len(sources) if total is None else total
    for done, source in enumerate(sources, start=before + 1):
        yield check_source(source), None
        progress(done, total)


def _in_workers(sources: list[SourceFile], jobs: int, progress: Progress) -> Iterator[str]:
    size = -(-len(sources) // (jobs * CHUNKS_PER_WORKER))  # rounded up
    chunks = [sources[start : start + size] for start in range(0, len(sources), size)]
    done = 0
    with ProcessPoolExecutor(max_workers=min(jobs, len(chunks))) as pool:
        for chunk in pool.map(_check_chunk, chunks):  # in order, each as it is done
            done += len(chunk)
            yield from chunk
            progress(done, len(sources))


def _check_chunk(chunk: list[SourceFile]) -> list[str]:
    """In a worker: the results of each file of the chunk, as JSON text."""
    return [results.dumps(check_source(source)) for source in chunk]
