"""Verify a bundle: every file the manifest lists is there with its size and digest,
nothing else is, and the manifest's signature holds when a public key is given.

Consumers run this before trusting a bundle, so it imports neither YAML nor the
validation machinery: only the standard library, and ``cryptography`` for signatures.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

MANIFEST = "manifest.json"
SIGNATURE = "manifest.sig"
SUPPORTED_FORMATS = {1}


@dataclass(frozen=True)
class Problem:
    """Something wrong with a bundle, and the file it concerns."""

    file: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.message}"


@dataclass(frozen=True)
class Verification:
    problems: list[Problem]
    manifest: dict[str, Any] | None
    signed: bool  # the signature was checked and holds

    @property
    def ok(self) -> bool:
        return not self.problems


def verify_bundle(directory: Path, public_key: Path | None = None) -> Verification:
    problems: list[Problem] = []
    manifest_path = directory / MANIFEST
    try:
        if manifest_path.is_symlink():
            raise OSError("is a symbolic link")
        manifest_bytes = manifest_path.read_bytes()
        manifest = json.loads(manifest_bytes)
    except (OSError, ValueError) as error:
        return Verification([Problem(MANIFEST, f"cannot read the manifest: {error}")], None, False)
    if not isinstance(manifest, dict) or manifest.get("kind") != "manifest":
        return Verification([Problem(MANIFEST, "not a bundle manifest")], None, False)
    if manifest.get("bundle_format") not in SUPPORTED_FORMATS:
        problems.append(
            Problem(MANIFEST, f"bundle format {manifest.get('bundle_format')!r} is not supported")
        )
        return Verification(problems, manifest, False)
    listed = {}
    for entry in manifest.get("files", []):
        name = entry.get("name") if isinstance(entry, dict) else None
        if not isinstance(name, str) or not _safe_name(name):
            problems.append(Problem(MANIFEST, f"unsafe or missing file name {name!r}"))
            continue
        listed[name] = entry
        problems.extend(_check_file(directory, name, entry))
    for name in _files_on_disk(directory, problems):
        if name not in listed and name not in (MANIFEST, SIGNATURE):
            problems.append(Problem(name, "extra file, not listed in the manifest"))
    signed = False
    if public_key is not None:
        signed = _check_signature(directory, manifest_bytes, public_key, problems)
    return Verification(problems, manifest, signed)


def _safe_name(name: str) -> bool:
    path = PurePosixPath(name)
    return (
        bool(name)
        and not path.is_absolute()
        and ".." not in path.parts
        and name not in (MANIFEST, SIGNATURE)
    )


def _check_file(directory: Path, name: str, entry: dict[str, Any]) -> list[Problem]:
    path = directory / name
    try:
        info = os.lstat(path)
    except OSError:
        return [Problem(name, "missing: listed in the manifest but not in the bundle")]
    if not stat.S_ISREG(info.st_mode):
        return [Problem(name, "not a regular file")]
    if info.st_size != entry.get("size"):
        return [Problem(name, f"size {info.st_size} bytes, the manifest says {entry.get('size')}")]
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    if digest != entry.get("sha256"):
        return [Problem(name, "content changed: its SHA-256 differs from the manifest's")]
    return []


def _files_on_disk(directory: Path, problems: list[Problem]) -> list[str]:
    names = []
    for current, folders, files in os.walk(directory):
        base = Path(current)
        for entry in [*folders, *files]:
            path = base / entry
            relative = path.relative_to(directory).as_posix()
            if path.is_symlink():
                problems.append(Problem(relative, "symbolic link in the bundle"))
            elif entry in files:
                names.append(relative)
        folders[:] = [f for f in folders if not (base / f).is_symlink()]
    return names


def _check_signature(
    directory: Path, manifest_bytes: bytes, public_key: Path, problems: list[Problem]
) -> bool:
    from validator.consume.signing import KeyFileError, load_public_key, signature_matches

    try:
        key = load_public_key(public_key)
    except KeyFileError as error:
        problems.append(Problem(str(public_key), str(error)))
        return False
    try:
        signature = (directory / SIGNATURE).read_bytes()
    except OSError:
        problems.append(Problem(SIGNATURE, "missing: the bundle is not signed"))
        return False
    if not signature_matches(key, manifest_bytes, signature):
        problems.append(
            Problem(SIGNATURE, "signature does not match the manifest and this public key")
        )
        return False
    return True
