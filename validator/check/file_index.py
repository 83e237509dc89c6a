"""Which files are unchanged since the last run, known from the file system alone.

The cache finds a file's results by the SHA-256 of its bytes, which means reading every
file. Like git's index, this keeps each file's status (size, modification and change
times, inode) next to the cache key its bytes had: a file whose status is the same has
the same bytes, so a run over an unchanged repository reads no policy file at all.

A status is recorded only when it was taken before the bytes were read, and only once
the file is a few seconds old: an edit in the same tick of the clock as the reading
(file systems with coarse times) could otherwise leave the same status on other bytes.
The change time cannot be set by a user, so restoring an old modification time does not
hide an edit. The index belongs to one repository root and one validator; it is
ignored, never trusted, when it is anything but what :meth:`FileIndex.save` writes.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
import tempfile
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path

from validator.check.cache import read_regular_file

#: Bumped when the form of the index changes.
FORMAT = 1
#: A file modified more recently than this, in seconds, is read again next time.
SETTLE_SECONDS = 2.0

Status = tuple[int, int, int, int, int]


def status_of(root: Path, path: str) -> Status | None:
    """A regular file's size, modification and change times, inode and device; None for
    anything else (a link, a missing file)."""
    try:
        info = os.lstat(os.path.join(root, path))
    except OSError:
        return None
    if not stat.S_ISREG(info.st_mode):
        return None
    return (info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino, info.st_dev)


@dataclass
class FileIndex:
    """Cache keys by path, each with the status its file had when it was read."""

    location: Path
    environment: str
    entries: dict[str, tuple[Status, str]] = field(default_factory=dict)
    changed: bool = False

    @classmethod
    def load(cls, directory: Path, root: Path, environment: bytes) -> FileIndex:
        """The index of ``root`` kept in the cache ``directory``; empty when there is
        none, or one written for another validator."""
        # One index per repository root: two work trees may share a --cache-dir.
        named = hashlib.sha256(os.fsencode(root.resolve())).hexdigest()[:32]
        index = cls(directory / f"index-{named}.json", environment.hex())
        raw = read_regular_file(index.location)
        if raw is not None:
            index.entries = _parsed(raw, index.environment)
        return index

    def key(self, path: str, status: Status | None) -> str | None:
        """The cache key of a file whose status is the one recorded; else None."""
        known = self.entries.get(path)
        if status is None or known is None or known[0] != status:
            return None
        return known[1]

    def record(self, path: str, status: Status | None, key: str, now: float) -> None:
        """Keep a file's key with the status taken before its bytes were read."""
        if status is None or max(status[1], status[2]) / 1e9 > now - SETTLE_SECONDS:
            if self.entries.pop(path, None) is not None:
                self.changed = True
            return
        if self.entries.get(path) != (status, key):
            self.entries[path] = (status, key)
            self.changed = True

    def keep_only(self, paths: set[str]) -> None:
        """Forget files that are gone."""
        for path in self.entries.keys() - paths:
            del self.entries[path]
            self.changed = True

    def save(self) -> None:
        """Write the index whole, by a rename; one that cannot be written is passed over."""
        if not self.changed:
            return
        payload = json.dumps(
            {path: [*status, key] for path, (status, key) in sorted(self.entries.items())},
            separators=(",", ":"),
        ).encode("ascii")
        header = _header(self.environment, payload)
        with suppress(OSError):
            handle, temporary = tempfile.mkstemp(
                prefix=f"{self.location.name}.", suffix=".tmp", dir=self.location.parent
            )
            try:
                with os.fdopen(handle, "wb") as file:
                    file.write(header + b"\n" + payload)
                os.replace(temporary, self.location)
            except BaseException:
                with suppress(OSError):
                    os.unlink(temporary)
                raise
        self.changed = False


def _header(environment: str, payload: bytes) -> bytes:
    return json.dumps(
        {
            "policyrepo-index": FORMAT,
            "environment": environment,
            "sha256": hashlib.sha256(payload).hexdigest(),
        }
    ).encode("ascii")


def _parsed(raw: bytes, environment: str) -> dict[str, tuple[Status, str]]:
    """The entries of an index file, or none when it is not exactly what save wrote."""
    header, _, payload = raw.partition(b"\n")
    if header != _header(environment, payload):
        return {}
    try:
        value = json.loads(payload)
        entries: dict[str, tuple[Status, str]] = {}
        for path, (size, modified, changed, inode, device, key) in value.items():
            numbers = (size, modified, changed, inode, device)
            if not all(type(number) is int for number in numbers) or type(key) is not str:
                return {}
            entries[path] = (numbers, key)
        return entries
    except (ValueError, TypeError, AttributeError, RecursionError):
        return {}
