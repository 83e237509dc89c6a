"""Reading a bundle's files without trusting the directory they are in.

A bundle directory can hold anything: a named pipe where the manifest should be (a plain
open() of it waits forever for a writer), a symbolic link out of the bundle, a device, a
file far larger than any manifest. So every read here looks at the path first (lstat),
opens it without following a last symbolic link and without blocking, checks on the open
descriptor that it is a regular file, and never reads more bytes than the caller expects.
"""

from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path

from validator.consume.manifest import Entry

#: Flags for every open: read only, never through a last symbolic link, never waiting on
#: a pipe or a device, not inherited by child processes. Platforms without a flag skip it.
_OPEN_FLAGS = (
    os.O_RDONLY
    | getattr(os, "O_NOFOLLOW", 0)
    | getattr(os, "O_NONBLOCK", 0)
    | getattr(os, "O_CLOEXEC", 0)
    | getattr(os, "O_BINARY", 0)
)

_KINDS = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISLNK, "a symbolic link"),
    (stat.S_ISFIFO, "a named pipe"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
)

LISTED_BUT_MISSING = "missing: listed in the manifest but not in the bundle"


class BadFile(Exception):
    """A file that cannot be read as a regular file, or whose bytes are not the ones the
    manifest lists; the message says which."""


class MissingFile(BadFile):
    """The file is not there."""


def _kind(mode: int) -> str:
    for test, kind in _KINDS:
        if test(mode):
            return kind
    return "not a regular file"


def _open_regular(path: Path) -> tuple[int, os.stat_result]:
    """An open descriptor of a regular file, and its status."""
    try:
        mode = os.lstat(path).st_mode
        if not stat.S_ISREG(mode):
            raise BadFile(f"not a regular file but {_kind(mode)}")
        descriptor = os.open(path, _OPEN_FLAGS)
    except FileNotFoundError:
        raise MissingFile("missing") from None
    except OSError as error:
        raise BadFile(f"cannot be opened: {error.strerror or error}") from None
    except ValueError:  # a NUL character, or text that is no file name on this system
        raise BadFile("cannot be opened: not a valid file name here") from None
    try:
        info = os.fstat(descriptor)
    except OSError as error:
        os.close(descriptor)
        raise BadFile(f"cannot be read: {error.strerror or error}") from None
    if not stat.S_ISREG(info.st_mode):  # replaced between the lstat and the open
        os.close(descriptor)
        raise BadFile(f"not a regular file but {_kind(info.st_mode)}")
    return descriptor, info


def _read(descriptor: int, count: int) -> bytes:
    """Up to ``count`` bytes from an open descriptor, which is closed afterwards."""
    try:
        with os.fdopen(descriptor, "rb") as handle:
            return handle.read(count)
    except OSError as error:
        raise BadFile(f"cannot be read: {error.strerror or error}") from None


def read_regular_file(path: Path, limit: int) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes; a larger one is refused,
    never cut short."""
    descriptor, info = _open_regular(path)
    if info.st_size > limit:
        os.close(descriptor)
        raise BadFile(f"{info.st_size} bytes, more than the {limit} this file may have")
    data = _read(descriptor, limit + 1)
    if len(data) > limit:
        raise BadFile(f"more than the {limit} bytes this file may have")
    return data


def read_listed(directory: Path, entry: Entry) -> bytes:
    """The bytes of a file the manifest lists, only if they are exactly the listed ones:
    the same size and the same SHA-256."""
    try:
        descriptor, info = _open_regular(directory / entry.name)
    except MissingFile:
        raise MissingFile(LISTED_BUT_MISSING) from None
    if info.st_size != entry.size:
        os.close(descriptor)
        raise BadFile(f"size {info.st_size} bytes, the manifest says {entry.size}")
    data = _read(descriptor, entry.size + 1)
    if len(data) != entry.size:
        raise BadFile(f"size changed while it was read; the manifest says {entry.size} bytes")
    if hashlib.sha256(data).hexdigest() != entry.sha256:
        raise BadFile("content changed: its SHA-256 differs from the manifest's")
    return data
