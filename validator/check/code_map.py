"""Which policies list a code, and when: so that a lookup over unchanged files reads
only the files of the policies that could answer it.

A lookup's answer for a code on a date depends on the versions in effect that list the
code, and a version's window on every version and the retirement of its policy, and on
the organisation's offering: nothing else in the repository. The map says, for every
code, which policies list it and over which span of days some version listing it is in
effect; and for every policy, the files its model is built from. It is a function of
every file's cache key, so it is stored in the cache under the digest of all of them,
as entries like any other (checked on reading, rebuilt when missing): one for the
policies, and the codes in ``SHARDS`` entries by a digest of the code, so that a lookup
parses one of them.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from validator.check.cache import Cache
from validator.model.timeline import Repository, Window
from validator.read.files import ORGANIZATION_FILE, is_version_path

#: The path the map's entries are stored under: no policy file has it.
ENTRY_PATH = "(code map)"
#: Bumped when the form of the entries changes.
FORMAT = 1
#: The codes are stored in this many entries, each code in one of them.
SHARDS = 256


def map_key(keys: Iterable[tuple[str, str]]) -> str:
    """The key of the map of a repository whose files have these (path, cache key) pairs."""
    digest = hashlib.sha256(f"policyrepo-code-map {FORMAT}\n".encode())
    for path, key in sorted(keys):
        digest.update(path.encode("utf-8", "surrogatepass"))
        digest.update(b"\0" + key.encode("ascii") + b"\n")
    return digest.hexdigest()


def shard_of(system: str, code: str) -> int:
    """The entry a code is kept in."""
    return hashlib.sha256(f"{system}\0{code}".encode("utf-8", "surrogatepass")).digest()[0]


def _entry_key(key: str, part: str) -> str:
    return hashlib.sha256(f"{key} {part}".encode()).hexdigest()


def store_code_map(cache: Cache, key: str, repository: Repository, paths: list[str]) -> None:
    """Keep the map of ``repository``, built from the files ``paths``."""
    # Each code's span per policy: one pass over the rows, each version's window written
    # once (a million rows are listed by twenty thousand versions of a large payer).
    spans: dict[tuple[str, str], dict[str, tuple[str, str | None]]] = {}
    for number, policy in repository.policies.items():
        for version in policy.versions:
            window = policy.windows.get(version.path)
            if window is None:
                continue  # never in effect: no answer lists it
            end = None if window.end is None else window.end.isoformat()
            span = (window.start.isoformat(), end)  # one tuple shared by the rows
            for row in version.codes:
                listing = spans.get((row.system, row.code))
                if listing is None:
                    spans[(row.system, row.code)] = {number: span}
                    continue
                known = listing.get(number)
                if known is None:
                    listing[number] = span
                elif known is not span:
                    # Versions come in date order: the span runs on to the later window.
                    later = None if known[1] is None or end is None else max(known[1], end)
                    listing[number] = (known[0], later)
    shards: list[dict[str, dict[str, dict[str, tuple[str, str | None]]]]] = [
        {} for _ in range(SHARDS)
    ]
    for (system, code), listing in spans.items():
        shards[shard_of(system, code)].setdefault(system, {})[code] = listing
    for shard, systems in enumerate(shards):
        cache.store(_entry_key(key, str(shard)), ENTRY_PATH, _dumps(systems))
    cache.store(_entry_key(key, "policies"), ENTRY_PATH, _dumps(_files_of(repository, paths)))


def _files_of(repository: Repository, paths: list[str]) -> dict[str, list[str]]:
    """Each policy's files: those of its versions, of its retirement record, and of its
    versions that did not load (their dates end the windows before them); and under ""
    the organisation's file, which every answer reads."""
    files: dict[str, list[str]] = defaultdict(list)
    loaded: set[str] = set()
    for number, policy in repository.policies.items():
        for version in policy.versions:
            files[number].append(version.path)
            loaded.add(version.path)
        if policy.record is not None:
            files[number].append(policy.record.path)
    for path in paths:
        if is_version_path(path) and path not in loaded:
            files[path.split("/")[1]].append(path)
    if ORGANIZATION_FILE in paths:
        files[""].append(ORGANIZATION_FILE)
    return dict(files)


def _dumps(value: object) -> str:
    return json.dumps(value, separators=(",", ":"), sort_keys=True)


@dataclass(frozen=True)
class Listing:
    """The files a lookup of one code on one day reads: those of every policy with a
    version listing the code in effect around that day, and the organisation's."""

    paths: list[str]


def files_for(cache: Cache, key: str, system: str, code: str, on: date) -> Listing | None:
    """The files an answer for the code on ``on`` is built from; None when the map of
    these files is not in the cache, or not in the shape :func:`store_code_map` writes."""
    shard = _load(cache, _entry_key(key, str(shard_of(system, code))))
    policies = _load(cache, _entry_key(key, "policies"))
    if not isinstance(shard, dict) or not isinstance(policies, dict):
        return None
    try:
        listing = shard.get(system, {}).get(code, {})
        numbers = [number for number, span in listing.items() if _spans(span, on)]
        paths = [*policies.get("", []), *(p for n in sorted(numbers) for p in policies[n])]
    except (AttributeError, TypeError, ValueError, KeyError, IndexError):
        return None
    if not all(isinstance(path, str) for path in paths):
        return None
    return Listing(paths)


def _spans(span: list[str | None], on: date) -> bool:
    """Whether a version listing the code is in effect on ``on`` (the span of them)."""
    start, end = span
    if not isinstance(start, str):
        raise TypeError("a span starts on a day")
    last = None if end is None else date.fromisoformat(end)
    return Window(date.fromisoformat(start), last).contains(on)


def _load(cache: Cache, key: str) -> object:
    text = cache.load(key, ENTRY_PATH)
    if text is None:
        return None
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        return None
