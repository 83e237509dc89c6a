"""Read the repository as a git revision holds it, without checking it out.

``validate --base REV`` and ``diff`` compare the work tree with an earlier revision; the
earlier one is read straight from git's object store: the revision's files under
``policies/`` are listed with ``git ls-tree`` and their blobs read by ``git cat-file
--batch``, a batch of files at a time. What the work tree's reader refuses is refused
here too: links, names with control characters, files over the size limit.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from validator.findings import Finding
from validator.read.files import (
    LAYOUT,
    ORGANIZATION_FILE,
    POLICIES_DIR,
    SourceFile,
    is_retirement_path,
    is_version_path,
    name_finding,
    symlink_finding,
)
from validator.read.text import MAX_FILE_BYTES, TOO_LARGE

#: How long one git command may take.
GIT_TIMEOUT_SECONDS = 120


class RevisionError(Exception):
    """A revision that cannot be read: not a git repository, or no such revision."""


def _git(root: Path, *args: str, stdin: bytes | None = None) -> bytes:
    try:
        result = subprocess.run(
            ["git", "-C", str(root), *args],
            input=stdin,
            capture_output=True,
            check=False,
            timeout=GIT_TIMEOUT_SECONDS,
        )
    except (OSError, subprocess.SubprocessError) as error:
        raise RevisionError(f"git could not be run: {error}") from None
    if result.returncode != 0:
        message = result.stderr.decode("utf-8", "replace").strip().splitlines()
        raise RevisionError(message[-1] if message else f"git {args[0]} failed")
    return result.stdout


def _unborn(root: Path) -> bool:
    """A git repository whose current branch has no commit yet."""
    try:
        _git(root, "rev-parse", "--git-dir")
    except RevisionError:
        return False
    try:
        _git(root, "rev-parse", "--verify", "--quiet", "HEAD")
    except RevisionError:
        return True
    return False


def resolve(root: Path, revision: str) -> str:
    """The commit a revision names (a branch, a tag, HEAD~1, a hash)."""
    if revision.startswith("-"):
        raise RevisionError(f"{revision!r} is not a revision")
    output = _git(
        root, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{revision}^{{commit}}"
    )
    return output.decode("ascii").strip()


def revision_sources(root: Path, revision: str) -> list[SourceFile | Finding]:
    """Every policy file the revision holds under ``root``'s ``policies/``, read, or the
    finding that says why it was not. ``HEAD`` of a repository with no commit yet holds
    nothing (the first commit's hook has nothing to compare with)."""
    listing = revision_listing(root, revision)
    found: list[SourceFile | Finding] = list(listing.findings)
    for batch in listing.batches(len(listing.blobs) or 1):
        found.extend(batch)
    return found


@dataclass(frozen=True)
class RevisionListing:
    """A revision's policy files: the blob of each that can be read, by path, and the
    findings about those that cannot."""

    root: Path
    blobs: dict[str, str]
    findings: list[Finding]

    def batches(self, size: int) -> Iterator[list[SourceFile]]:
        """The files, ``size`` at a time: only one batch's bytes are held at once."""
        wanted = list(self.blobs.items())
        for start in range(0, len(wanted), size):
            yield _blobs(self.root, wanted[start : start + size])

    def bytes(self) -> RevisionBytes:
        return RevisionBytes(self.root, self.blobs)


class RevisionBytes(Mapping[str, bytes]):
    """The bytes of a revision's files by path, each read from git when asked for: a
    comparison that needs the text of a few changed files holds only theirs."""

    def __init__(self, root: Path, blobs: dict[str, str]) -> None:
        self._root = root
        self._blobs = blobs

    def __getitem__(self, path: str) -> bytes:
        oid = self._blobs[path]
        return _blobs(self._root, [(path, oid)])[0].raw

    def __iter__(self) -> Iterator[str]:
        return iter(self._blobs)

    def __len__(self) -> int:
        return len(self._blobs)

    def __contains__(self, path: object) -> bool:
        return path in self._blobs


def revision_listing(root: Path, revision: str) -> RevisionListing:
    """The policy files the revision holds, without reading them."""
    if revision == "HEAD" and _unborn(root):
        return RevisionListing(root, {}, [])
    commit = resolve(root, revision)
    listing = _git(root, "ls-tree", "-r", "-z", "--long", commit, "--", POLICIES_DIR)
    wanted: dict[str, str] = {}
    found: list[Finding] = []
    for entry in listing.split(b"\0"):
        if not entry:
            continue
        meta, _, raw_path = entry.partition(b"\t")
        mode, kind, oid, size = meta.split()
        path = raw_path.decode("utf-8", "surrogateescape")
        problem = name_finding(path)
        if problem is not None:
            found.append(problem)
        elif mode == b"120000":
            found.append(symlink_finding(path))
        elif kind != b"blob":
            continue  # a submodule: not a policy file
        elif not (path == ORGANIZATION_FILE or is_version_path(path) or is_retirement_path(path)):
            continue  # the work tree's layout rules report such files in the change
        elif int(size) > MAX_FILE_BYTES:
            found.append(
                TOO_LARGE.finding(
                    path, 0, 0, f"the file has more than {MAX_FILE_BYTES:,} bytes at {revision}"
                )
            )
        else:
            wanted[path] = oid.decode("ascii")
    return RevisionListing(root, wanted, found)


def _blobs(root: Path, wanted: list[tuple[str, str]]) -> list[SourceFile]:
    """The blobs' bytes, from one cat-file process."""
    if not wanted:
        return []
    output = _git(
        root, "cat-file", "--batch", stdin="".join(f"{oid}\n" for _, oid in wanted).encode()
    )
    sources = []
    offset = 0
    for path, oid in wanted:
        header_end = output.index(b"\n", offset)
        header = output[offset:header_end].split()
        if len(header) != 3 or header[0].decode() != oid:
            raise RevisionError(f"git cat-file answered {header!r} for {path}")
        size = int(header[2])
        start = header_end + 1
        sources.append(SourceFile(path, output[start : start + size]))
        offset = start + size + 1  # the blob is followed by a newline
    return sources


__all__ = ["LAYOUT", "RevisionError", "resolve", "revision_sources"]
