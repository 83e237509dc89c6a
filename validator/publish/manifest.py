"""The manifest of a bundle: what it records of each file, and of the sources.

``manifest.json`` names the bundle's format, where its sources came from (their git
revision, whether they are exactly that revision's files, and a digest over every
source file), when it was made, the ``as_of`` date of a snapshot, the counts of
policies, versions and code rows, and the name, size and SHA-256 of every other file.
The files are listed as they are written (``Listing``) and the manifest made last.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

from validator.publish.canonical import canonical_json, sha256_hex
from validator.publish.provenance import Provenance
from validator.read.files import SourceDigest

BUNDLE_FORMAT = 2


@dataclass
class Listing:
    """What the manifest records of the files built so far: each one's name, size and
    SHA-256, and the counts of policies, versions and code rows published."""

    files: list[tuple[str, int, str]] = field(default_factory=list)
    counts: dict[str, int] = field(
        default_factory=lambda: {"policies": 0, "versions": 0, "code_rows": 0}
    )


def manifest(
    files: Iterable[tuple[str, int, str]],
    provenance: Provenance,
    source_digest: str,
    as_of: date | None,
    counts: dict[str, int],
) -> bytes:
    """The manifest of the files listed (name, size, SHA-256)."""
    return canonical_json(
        {
            "kind": "manifest",
            "bundle_format": BUNDLE_FORMAT,
            "source": {
                "revision": provenance.revision,
                "dirty": provenance.dirty,
                "digest": source_digest,
            },
            "created": provenance.created,
            "as_of": as_of.isoformat() if as_of else None,
            "counts": counts,
            "files": [
                {"name": name, "size": size, "sha256": sha256}
                for name, size, sha256 in sorted(files)
            ],
        }
    )


def source_digest(sources: Mapping[str, SourceDigest]) -> str:
    """SHA-256 over every source file's path and digest, in path order."""
    lines = "".join(f"{digest.sha256}  {path}\n" for path, digest in sorted(sources.items()))
    return sha256_hex(lines.encode("utf-8"))
