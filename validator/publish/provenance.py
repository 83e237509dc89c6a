"""Where a bundle comes from: the git revision, whether the work tree was dirty, and a
creation time that makes builds reproducible.

The creation time is ``SOURCE_DATE_EPOCH`` when set (the reproducible-builds
convention), else the commit time of HEAD, else unknown; never the wall clock, so two
builds of the same sources give the same bytes.
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path


@dataclass(frozen=True)
class Provenance:
    revision: str | None
    dirty: bool | None
    created: str | None  # ISO 8601 UTC, seconds


def _git(root: Path, *args: str) -> str | None:
    try:
        result = subprocess.run(
            ["git", "-C", str(root), *args],
            capture_output=True,
            text=True,
            check=False,
            timeout=30,
        )
    except (OSError, subprocess.SubprocessError):
        return None  # no git on the machine
    return result.stdout.strip() if result.returncode == 0 else None


def _timestamp(epoch: str) -> str:
    try:
        moment = datetime.fromtimestamp(int(epoch), tz=UTC)
    except (ValueError, OverflowError, OSError):
        raise ValueError(
            f"SOURCE_DATE_EPOCH={epoch!r} is not a number of seconds since 1970-01-01"
        ) from None
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def read_provenance(root: Path) -> Provenance:
    """Raises ValueError when SOURCE_DATE_EPOCH is set but is not a timestamp."""
    revision = _git(root, "rev-parse", "--verify", "HEAD")
    status = _git(root, "status", "--porcelain") if revision else None
    dirty = None if status is None else bool(status)
    epoch = os.environ.get("SOURCE_DATE_EPOCH") or (
        _git(root, "log", "-1", "--format=%ct") if revision else None
    )
    return Provenance(revision, dirty, _timestamp(epoch) if epoch else None)
