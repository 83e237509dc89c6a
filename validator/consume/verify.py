"""Verify a bundle: every file the manifest lists is there with its size and digest,
nothing else is, and the manifest's signature holds when a public key is given.

Two depths. :func:`read_manifest` checks the manifest alone (its signature, given a public
key; its format and fields; the names it lists): what a consumer checks when it opens a
bundle, since it checks each file's size and SHA-256 when it reads it. It stats and reads
nothing else, so opening costs what the manifest does, however large the files it lists.
:func:`verify_bundle` (``policyrepo verify``) then reads every listed file byte for byte
and looks for files the manifest does not list.

Consumers run this, so it imports neither YAML nor the validation machinery: only the
standard library, and ``cryptography`` for signatures, when there is one to check. Given
a public key, the signature is checked over the manifest's raw bytes before a byte of it
is parsed; without one, the manifest is parsed as untrusted input.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from validator.consume.files import BadFile, MissingFile, read_listed, read_regular_file
from validator.consume.manifest import MANIFEST, SIGNATURE, Entry, ManifestError, parse_manifest

# MANIFEST and SIGNATURE are the bundle's own file names, long imported from here.
__all__ = [
    "MANIFEST",
    "MANIFEST_LIMIT",
    "SIGNATURE",
    "SIGNATURE_LIMIT",
    "Problem",
    "Verification",
    "read_manifest",
    "verify_bundle",
]

#: The largest manifest read: about 400,000 files' entries, far beyond any real bundle.
MANIFEST_LIMIT = 64 * 1024 * 1024
#: A signature is 64 bytes, 89 in base64 with its newline.
SIGNATURE_LIMIT = 4096
#: The files beside the ones the manifest lists.
_OWN_FILES = (MANIFEST, SIGNATURE)


@dataclass(frozen=True)
class Problem:
    """Something wrong with a bundle, and the file it concerns."""

    file: str
    message: str
    in_bundle: bool = True  # ``file`` is a path inside the bundle (not the public key)

    def __str__(self) -> str:
        return f"{self.file}: {self.message}"


@dataclass(frozen=True)
class Verification:
    problems: list[Problem]
    manifest: dict[str, Any] | None
    signed: bool  # the signature was checked and holds
    entries: Mapping[str, Entry] = field(default_factory=dict)  # the files it lists, by name

    @property
    def ok(self) -> bool:
        return not self.problems


def _failed(problem: Problem) -> Verification:
    return Verification([problem], None, signed=False)


def read_manifest(directory: Path, public_key: Path | None = None) -> Verification:
    """The manifest alone, without the files it lists: read, its signature checked when a
    public key is given, then parsed and its entries checked. Each problem stops here, as
    it stops trust. No other file is opened or looked at."""
    try:
        data = read_regular_file(directory / MANIFEST, MANIFEST_LIMIT)
    except MissingFile:
        return _failed(Problem(MANIFEST, "missing: this directory is not a bundle"))
    except BadFile as error:
        return _failed(Problem(MANIFEST, f"cannot read the manifest: {error}"))
    if public_key is not None:
        problem = _signature_problem(directory, data, public_key)
        if problem is not None:
            return _failed(problem)
    try:
        manifest = parse_manifest(data)
    except ManifestError as error:
        return _failed(Problem(MANIFEST, str(error)))
    return Verification([], manifest.document, public_key is not None, manifest.entries)


def verify_bundle(directory: Path, public_key: Path | None = None) -> Verification:
    """The manifest, then every file it lists, byte for byte, and every file it does not."""
    result = read_manifest(directory, public_key)
    if not result.ok:
        return result
    problems = [
        problem
        for entry in result.entries.values()
        if (problem := _file_problem(directory, entry)) is not None
    ]
    problems.extend(_unlisted(directory, result.entries))
    return replace(result, problems=problems)


def _file_problem(directory: Path, entry: Entry) -> Problem | None:
    try:
        read_listed(directory, entry)
    except BadFile as error:
        return Problem(entry.name, str(error))
    return None


def _unlisted(directory: Path, entries: Mapping[str, Entry]) -> list[Problem]:
    """Files the manifest does not list, symbolic links and folders that cannot be read."""
    problems: list[Problem] = []

    def unreadable(error: OSError) -> None:
        try:
            relative = Path(error.filename).relative_to(directory).as_posix()
        except (TypeError, ValueError):
            relative = "."
        problems.append(Problem(relative, f"cannot be listed: {error.strerror or error}"))

    for current, folders, files in os.walk(directory, onerror=unreadable):
        base = Path(current)
        for name in [*folders, *files]:
            relative = (base / name).relative_to(directory).as_posix()
            if (base / name).is_symlink():
                problems.append(Problem(relative, "symbolic link in the bundle"))
            elif name in files and relative not in entries and relative not in _OWN_FILES:
                problems.append(Problem(relative, "extra file, not listed in the manifest"))
        folders[:] = [f for f in folders if not (base / f).is_symlink()]
    return problems


def _signature_problem(directory: Path, manifest: bytes, public_key: Path) -> Problem | None:
    """What stops ``manifest.sig`` vouching for these manifest bytes, if anything."""
    # Imported here, not with the module: a bundle opened without a public key never
    # needs cryptography, so a consumer of unsigned bundles never waits to import it.
    from validator.consume.signing import KeyFileError, load_public_key, signature_matches

    try:
        key = load_public_key(public_key)
    except KeyFileError as error:
        return Problem(str(public_key), error.reason, in_bundle=False)
    try:
        signature = read_regular_file(directory / SIGNATURE, SIGNATURE_LIMIT)
    except MissingFile:
        return Problem(SIGNATURE, "missing: the bundle is not signed")
    except BadFile as error:
        return Problem(SIGNATURE, f"cannot read the signature: {error}")
    if not signature_matches(key, manifest, signature):
        return Problem(SIGNATURE, "signature does not match the manifest and this public key")
    return None
