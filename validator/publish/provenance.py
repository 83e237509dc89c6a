"""Where a bundle comes from: the git revision its sources are, whether they differ from
it, and a creation time that makes builds reproducible.

A bundle claims a revision as clean (``dirty: false``) only when it holds exactly that
revision's sources: every source file's bytes are the revision's blob at that path, and
the revision has no file under the source directories that the bundle lacks. This is
decided from the bytes the bundle is built from, never from ``git status``, which does
not see a file excluded through ``.git/info/exclude``, an edit marked
``assume-unchanged``, or untracked files under ``status.showUntrackedFiles=no``.

The creation time is ``SOURCE_DATE_EPOCH`` when set (the reproducible-builds
convention), else the commit time of the revision, else unknown; never the wall clock,
so two builds of the same sources give the same bytes.
"""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from validator.read.files import POLICIES_DIR, SourceDigest

#: How long one git command may take before the revision is treated as unknown.
GIT_TIMEOUT_SECONDS = 30

#: The reproducible-builds specification: ASCII decimal seconds, no sign, no spaces.
#: (With a ``str`` pattern, ``[0-9]`` is ASCII only where ``\d`` is not.)
_EPOCH = re.compile(r"[0-9]+")
_EPOCH_START = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Provenance:
    revision: str | None
    dirty: bool | None
    created: str | None  # ISO 8601 UTC, seconds


class SourceDateEpochError(ValueError):
    """SOURCE_DATE_EPOCH is set but is not a timestamp: the caller's to fix."""


def source_date_epoch(environ: Mapping[str, str] = os.environ) -> str | None:
    """The creation time ``SOURCE_DATE_EPOCH`` sets, as ISO 8601 UTC; None when unset."""
    value = environ.get("SOURCE_DATE_EPOCH")
    if value is None:
        return None
    expected = (
        "set it to a whole number of seconds since 1970-01-01 UTC, ASCII digits only, "
        "as `date +%s` or `git log -1 --format=%ct` prints it"
    )
    if not _EPOCH.fullmatch(value):
        raise SourceDateEpochError(f"SOURCE_DATE_EPOCH={value!r} is not a timestamp; {expected}")
    try:
        return _iso(_EPOCH_START + timedelta(seconds=int(value)))
    except (ValueError, OverflowError):  # past year 9999, or too many digits to convert
        raise SourceDateEpochError(
            f"SOURCE_DATE_EPOCH={value!r} is beyond the dates a bundle can hold "
            f"(up to 9999-12-31); {expected}"
        ) from None


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def read_provenance(root: Path, sources: Mapping[str, SourceDigest]) -> Provenance:
    """The provenance of a bundle built from ``sources`` (path under ``root`` -> digest).

    Raises SourceDateEpochError when SOURCE_DATE_EPOCH is set but malformed.
    """
    created = source_date_epoch()
    revision = _text(_git(root, "rev-parse", "--verify", "--quiet", "HEAD^{commit}"))
    if revision is None:
        return Provenance(None, None, created)  # outside git, or no commit yet
    dirty = not _holds_revision(root, revision, sources)
    return Provenance(revision, dirty, created or _commit_time(root, revision))


def _git(root: Path, *args: str) -> bytes | None:
    """What a git command printed, or None when it failed or git is not installed."""
    try:
        result = subprocess.run(
            # Literal pathspecs: a directory named "[x]" or "*" means itself.
            ["git", "--literal-pathspecs", "-C", str(root), *args],
            capture_output=True,
            check=False,
            timeout=GIT_TIMEOUT_SECONDS,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return result.stdout if result.returncode == 0 else None


def _text(output: bytes | None) -> str | None:
    text = output.decode("utf-8", "replace").strip() if output is not None else ""
    return text or None


def _commit_time(root: Path, revision: str) -> str | None:
    seconds = _text(_git(root, "show", "-s", "--format=%ct", revision))
    if seconds is None or not _EPOCH.fullmatch(seconds):
        return None
    return _iso(_EPOCH_START + timedelta(seconds=int(seconds)))


def _holds_revision(root: Path, revision: str, sources: Mapping[str, SourceDigest]) -> bool:
    """Whether ``sources`` are exactly the revision's files under the source directories."""
    # --root may be a subdirectory of the work tree: git names paths from the top.
    shown = _git(root, "rev-parse", "--show-prefix")
    if shown is None:
        return False  # not in a work tree (a bare repository): nothing shows it is clean
    prefix = os.fsdecode(shown).rstrip("\n")
    blobs = _revision_files(root, revision, prefix, _source_directories(sources))
    if blobs is None or blobs.keys() != sources.keys():
        return False
    algorithm = _object_format(root)
    return all(blobs[path] == digest.git_blob[algorithm] for path, digest in sources.items())


def _source_directories(sources: Mapping[str, SourceDigest]) -> set[str]:
    """The top directories the sources come from: policies/, whatever else is read."""
    return {POLICIES_DIR} | {path.split("/", 1)[0] for path in sources}


def _object_format(root: Path) -> str:
    # Older git knows only SHA-1 (and echoes the unknown option back).
    named = _text(_git(root, "rev-parse", "--show-object-format"))
    return "sha256" if named == "sha256" else "sha1"


def _revision_files(
    root: Path, revision: str, prefix: str, directories: set[str]
) -> dict[str, str | None] | None:
    """Every file of the revision under ``directories``, relative to ``root``, with its
    blob's object name (None for what is not a regular file: a link, a submodule)."""
    pathspecs = [prefix + directory for directory in sorted(directories)]
    listing = _git(root, "ls-tree", "-r", "-z", "--full-tree", revision, "--", *pathspecs)
    if listing is None:
        return None
    files: dict[str, str | None] = {}
    for record in listing.split(b"\0"):
        if not record:
            continue
        meta, _, raw_path = record.partition(b"\t")
        mode, kind, name = meta.decode("ascii").split(" ")
        path = os.fsdecode(raw_path)  # as the sources' paths were decoded from the disk
        if not path.startswith(prefix):
            return None  # cannot happen with --full-tree; never claim clean on a surprise
        regular = kind == "blob" and mode in ("100644", "100755")
        files[path[len(prefix) :]] = name if regular else None
    return files
