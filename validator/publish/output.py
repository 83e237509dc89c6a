"""Where a bundle may be written: a new path, an empty directory, or a previous bundle.

Writing a bundle replaces its directory whole, so ``-o PATH`` must name something
policyrepo can recognise as its own: a directory whose ``manifest.json`` is a regular
file holding a bundle manifest. A path that does not exist yet and an empty directory
may be written too. Anything else is refused before anything is validated or built, so
that a slip in ``-o`` (``.``, ``""``, ``policies``, ``README.md``) never deletes a
user's work: a file, a symbolic link, a directory of other things, the repository root
or a directory holding it, the current directory or one holding it, anything inside
``policies/`` or a ``.git`` directory, and anything inside another bundle.
"""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

from validator.consume.verify import MANIFEST
from validator.read.files import POLICIES_DIR

HOW_TO_FIX = "choose an empty or new directory, or a previous bundle"

#: A manifest lists each file in about 150 bytes: a larger one was not written here.
MANIFEST_LIMIT = 64 * 1024 * 1024


class OutputError(Exception):
    """A bundle cannot be written where asked: the place is refused, or the file system
    refused to write there. The caller's to fix."""


def locate(argument: str) -> Path:
    """The output path, absolute, every directory above it resolved; the last component
    is kept as written, so that a symbolic link there is seen rather than followed."""
    if argument == "":
        raise OutputError(
            "-o '': an empty path stands for the current directory; name the directory "
            f"to write to ({HOW_TO_FIX})"
        )
    head, tail = os.path.split(argument.rstrip("/") or "/")
    if tail in ("", ".", ".."):  # "/", "." or "..": no link to keep unresolved
        return Path(os.path.realpath(argument))
    return Path(os.path.realpath(head or ".")) / tail


def check_output(path: Path, shown: str, root: Path | None = None) -> None:
    """Raise OutputError unless a bundle may replace what is at ``path`` (from locate).

    ``shown`` is the path as the user wrote it; ``root`` the repository being published.
    """
    reason = _refusal(path, root)
    if reason is not None:
        raise OutputError(f"-o {shown}: {reason}; {HOW_TO_FIX}")


def is_bundle(directory: Path) -> bool:
    """A directory holding a bundle: its manifest.json is a regular file that parses as
    a bundle manifest (``"kind": "manifest"`` with a ``bundle_format``)."""
    manifest = directory / MANIFEST
    try:
        info = os.lstat(manifest)
        if not stat.S_ISREG(info.st_mode) or info.st_size > MANIFEST_LIMIT:
            return False
        descriptor = os.open(manifest, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        with os.fdopen(descriptor, "rb") as handle:
            document = json.loads(handle.read(MANIFEST_LIMIT + 1))
    except (OSError, ValueError, RecursionError):
        return False
    return (
        isinstance(document, dict)
        and document.get("kind") == "manifest"
        and type(document.get("bundle_format")) is int
    )


def _refusal(path: Path, root: Path | None) -> str | None:
    """Why a bundle may not replace ``path``, or None when it may."""
    if path.parent == path:
        return "is the root of the file system"
    if ".git" in path.parts:
        return "is in a .git directory, where git keeps the repository's history"
    if root is not None:
        reason = _repository_refusal(path, Path(os.path.realpath(root)))
        if reason is not None:
            return reason
    try:
        here = Path(os.getcwd())
    except OSError:
        here = None  # the current directory was removed: nothing of it to protect
    if here is not None and here.is_relative_to(path):
        return "is the current directory" if here == path else "holds the current directory"
    holder = next((parent for parent in path.parents if is_bundle(parent)), None)
    if holder is not None:
        return f"is inside the bundle {holder}, which writing there would break"
    return _occupant_refusal(path)


def _repository_refusal(path: Path, root: Path) -> str | None:
    if path == root:
        return "is the repository root (--root)"
    if root.is_relative_to(path):
        return f"holds the repository root {root}"
    if path.is_relative_to(root / POLICIES_DIR):
        return f"is in the repository's {POLICIES_DIR}/ directory, among the sources"
    return None


def _occupant_refusal(path: Path) -> str | None:
    """Why what is at ``path`` may not be replaced: only a bundle or an empty directory
    may, and a path where nothing is yet may be written."""
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return None
    except NotADirectoryError:
        return "a directory above it is a file"
    except OSError as error:
        return f"cannot be examined ({error.strerror})"
    if stat.S_ISLNK(info.st_mode):
        return "is a symbolic link; name the directory itself"
    if not stat.S_ISDIR(info.st_mode):
        return "is a file, not a directory"
    if is_bundle(path):
        return None
    try:
        with os.scandir(path) as entries:
            empty = next(entries, None) is None
    except OSError as error:
        return f"is a directory that cannot be listed ({error.strerror})"
    if empty:
        return None
    return f"is a directory that is not a bundle (it has no bundle {MANIFEST})"
