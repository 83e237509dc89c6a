"""Find the files of a policy repository and read them without leaving it.

The repository layout is::

    policies/organization.yaml          text every policy of the organisation shares
    policies/<number>/<effective>.yaml  one file per policy version

Symbolic links and paths outside the repository root are refused before anything is
read from them: a link to ``/etc/hostname`` must never be loaded, published or echoed
into a CI log.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from validator.findings import Finding, Rule, Severity
from validator.read.text import INVISIBLE_CLASS, MAX_FILE_BYTES

FAMILY = "Repository layout"

POLICIES_DIR = "policies"
ORGANIZATION_FILE = "policies/organization.yaml"

SYMLINK = Rule(
    "file-symlink",
    Severity.ERROR,
    "A file or directory in the repository is a symbolic link.",
    protects="A link can point outside the repository (`/etc/hostname`); it is refused "
    "unread, so nothing outside is loaded, published or echoed into logs.",
    example="policies/0324/2011-04-15.yaml -> /etc/hostname",
    family=FAMILY,
)
OUTSIDE = Rule(
    "file-outside-root",
    Severity.ERROR,
    "A path given on the command line is outside the repository root.",
    protects="The validator only ever reads files of the repository it validates.",
    example="policyrepo validate ../other/secret.yaml",
    family=FAMILY,
)
UNREADABLE = Rule(
    "file-unreadable",
    Severity.ERROR,
    "A file cannot be read (missing, a directory, or no permission).",
    protects="A path that cannot be read is reported rather than skipped silently.",
    example="policyrepo validate policies/0324/2099-01-01.yaml  # no such file",
    family=FAMILY,
)
LAYOUT = Rule(
    "path-layout",
    Severity.ERROR,
    "A file under `policies/` is not where a policy version or the organisation file goes.",
    protects="Files that do not follow `policies/<number>/<effective>.yaml` would be "
    "skipped by every consumer; `.yml` files are a common slip.",
    example="policies/0324/2011-04-15.yml",
    family=FAMILY,
)


CASE_COLLISION = Rule(
    "path-case-collision",
    Severity.ERROR,
    "Two files under `policies/` differ only in upper and lower case.",
    protects="Windows and macOS keep one of `policies/A100/` and `policies/a100/`, and the "
    "two policies would write the same bundle file there: one silently replaces the other.",
    example="# policies/A100/2020-01-01.yaml and policies/a100/2020-01-01.yaml",
    family=FAMILY,
)

# Control, invisible and bidirectional characters, and the line breaks and tab: a name
# holding one could forge lines in a CI log or hide what a path really is.
_UNSAFE_NAME = re.compile(f"[\\t\\n\\r{INVISIBLE_CLASS}]")


@dataclass(frozen=True)
class SourceFile:
    """A repository file: its path relative to the root (POSIX form) and its bytes."""

    path: str
    raw: bytes


@dataclass(frozen=True)
class SourceDigest:
    """What a bundle records of a file it is built from, so the bytes need not be kept:
    their SHA-256, and the object names git gives them (SHA-1 and SHA-256 repositories),
    which tell whether they are a commit's files."""

    sha256: str
    git_blob: dict[str, str]

    @classmethod
    def of(cls, raw: bytes) -> SourceDigest:
        return cls(
            hashlib.sha256(raw).hexdigest(),
            {algorithm: git_blob_id(raw, algorithm) for algorithm in ("sha1", "sha256")},
        )


def git_blob_id(data: bytes, algorithm: str = "sha1") -> str:
    """The object name git gives a file holding ``data`` (``git hash-object``)."""
    digest = hashlib.new(algorithm)
    digest.update(b"blob %d\0" % len(data))
    digest.update(data)
    return digest.hexdigest()


#: The file that retires the policy of its directory: policies/<number>/retirement.yaml.
RETIREMENT_NAME = "retirement.yaml"


def is_version_path(path: str) -> bool:
    parts = path.split("/")
    return (
        len(parts) == 3
        and parts[0] == POLICIES_DIR
        and parts[2].endswith(".yaml")
        and parts[2] != RETIREMENT_NAME
    )


def is_retirement_path(path: str) -> bool:
    parts = path.split("/")
    return len(parts) == 3 and parts[0] == POLICIES_DIR and parts[2] == RETIREMENT_NAME


def discover(root: Path) -> tuple[list[str], list[Finding]]:
    """Every YAML file the repository holds under ``policies/``, and layout findings."""
    paths: list[str] = []
    findings: list[Finding] = []
    base = root / POLICIES_DIR
    if not base.is_dir() or base.is_symlink():
        findings.append(
            LAYOUT.finding(
                POLICIES_DIR,
                0,
                0,
                "no policies/ directory in the repository root",
                hint="run from the repository root or pass --root DIR",
            )
        )
        return paths, findings
    for relative, kind in _walk(base, POLICIES_DIR, findings):
        if kind == "link":
            findings.append(_symlink_finding(relative))
        elif kind == "file":
            finding = _layout_finding(relative)
            if finding is None:
                paths.append(relative)
            else:
                findings.append(finding)
    findings.extend(_case_collisions(paths))
    return sorted(paths), findings


def _walk(directory: Path, relative: str, findings: list[Finding]) -> Iterator[tuple[str, str]]:
    """Entries under ``directory`` in name order, as (path, "file" | "link").

    A name with a control or invisible character is reported and never read or entered:
    it would reach logs and bundle file names. A directory that cannot be listed is
    reported, and the walk goes on with the rest.
    """
    try:
        with os.scandir(directory) as iterator:
            entries = sorted(iterator, key=lambda e: e.name)
    except OSError as error:
        findings.append(
            UNREADABLE.finding(
                relative,
                0,
                0,
                f"cannot list the directory: {error.strerror}",
                hint="check the directory's permissions",
            )
        )
        return
    for entry in entries:
        child = f"{relative}/{entry.name}"
        if _UNSAFE_NAME.search(entry.name):
            findings.append(_unsafe_name_finding(child))
        elif entry.is_symlink():
            yield child, "link"
        elif entry.is_dir(follow_symlinks=False):
            if entry.name.endswith((".yaml", ".yml")):
                findings.append(
                    LAYOUT.finding(
                        child,
                        0,
                        0,
                        "a directory is named like a policy file; a version is one file",
                        hint="move what it holds out and remove the directory",
                    )
                )
            yield from _walk(Path(entry.path), child, findings)
        else:
            yield child, "file"


def name_finding(path: str) -> Finding | None:
    """Why a path cannot be read as a repository file by its name alone, or None: a
    control, invisible or bidirectional character anywhere in it."""
    return _unsafe_name_finding(path) if _UNSAFE_NAME.search(path) else None


def symlink_finding(path: str) -> Finding:
    return _symlink_finding(path)


def _unsafe_name_finding(path: str) -> Finding:
    character = _UNSAFE_NAME.findall(path)[0]
    return LAYOUT.finding(
        path,
        0,
        0,
        f"the name holds the invisible or control character U+{ord(character):04X}; "
        "it was not read",
        hint="rename it with visible characters only",
    )


def _case_collisions(paths: list[str]) -> Iterator[Finding]:
    """Paths that differ only in case: one path on Windows and macOS, and one bundle file."""
    first: dict[str, str] = {}
    for path in sorted(paths):
        folded = path.casefold()
        if folded not in first:
            first[folded] = path
            continue
        yield CASE_COLLISION.finding(
            path,
            0,
            0,
            f"differs from {first[folded]} only in case",
            hint="use one spelling of the policy number and date; case-insensitive file "
            "systems hold only one of the two",
        )


def _layout_finding(path: str) -> Finding | None:
    name = path.rsplit("/", 1)[-1]
    if name.startswith(".") or name.lower() in {"readme.md", "codeowners"}:
        return None
    if path == ORGANIZATION_FILE or is_version_path(path) or is_retirement_path(path):
        return None
    if name.endswith(".yml"):
        return LAYOUT.finding(
            path, 0, 0, "policy files end in .yaml", hint=f"rename it to {name[:-4]}.yaml"
        )
    return LAYOUT.finding(
        path,
        0,
        0,
        "not a policy version (policies/<number>/<effective>.yaml) or the organisation file",
        hint="move it to policies/<number>/<YYYY-MM-DD>.yaml, or out of policies/ (a README.md "
        "or a dotfile may stay)",
    )


def _symlink_finding(path: str) -> Finding:
    return SYMLINK.finding(
        path,
        0,
        0,
        "symbolic link refused; it was not read",
        hint="replace the link with the file itself",
    )


def relative_to_root(root: Path, argument: str) -> str | Finding:
    """The repository-relative POSIX path of a command-line path, or why it is refused.

    Works on the path as written (no symlink is followed), so a link is refused by
    ``read_source`` and a ``..`` that leaves the root is refused here.
    """
    absolute = Path(os.path.abspath(argument))
    root_abs = Path(os.path.abspath(root))
    try:
        relative = absolute.relative_to(root_abs)
    except ValueError:
        return OUTSIDE.finding(
            argument,
            0,
            0,
            f"outside the repository root {root}; it was not read",
            hint="pass files inside the repository, or set --root",
        )
    return relative.as_posix()


def read_source(root: Path, path: str) -> SourceFile | Finding:
    """Read a repository file, refusing links anywhere on its path and oversized files."""
    if _UNSAFE_NAME.search(path):
        return _unsafe_name_finding(path)
    current = root
    for part in path.split("/"):
        current = current / part
        try:
            info = os.lstat(current)
        except OSError as error:
            return UNREADABLE.finding(
                path, 0, 0, f"cannot read: {error.strerror}", hint="check the path"
            )
        if stat.S_ISLNK(info.st_mode):
            return _symlink_finding(path)
    if not stat.S_ISREG(info.st_mode):
        return UNREADABLE.finding(path, 0, 0, "not a regular file", hint="pass a YAML file")
    try:
        # O_NOFOLLOW and O_NONBLOCK close the gap between the check above and the open:
        # a link or a named pipe swapped in meanwhile is neither followed nor waited on.
        flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
        fd = os.open(current, flags)
        with os.fdopen(fd, "rb") as handle:
            if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
                return UNREADABLE.finding(path, 0, 0, "not a regular file", hint="pass a YAML file")
            raw = handle.read(MAX_FILE_BYTES + 1)
    except OSError as error:
        return UNREADABLE.finding(
            path, 0, 0, f"cannot read: {error.strerror}", hint="check the file's permissions"
        )
    return SourceFile(path, raw)


class WorkTreeBytes(Mapping[str, bytes]):
    """The bytes of the work tree's files by path, each read again when asked for: a
    comparison that needs the text of a few changed files holds only theirs. A file that
    can no longer be read has no bytes (b"")."""

    def __init__(self, root: Path, paths: list[str]) -> None:
        self._root = root
        self._paths = dict.fromkeys(paths)

    def __getitem__(self, path: str) -> bytes:
        if path not in self._paths:
            raise KeyError(path)
        source = read_source(self._root, path)
        return source.raw if isinstance(source, SourceFile) else b""

    def __iter__(self) -> Iterator[str]:
        return iter(self._paths)

    def __len__(self) -> int:
        return len(self._paths)

    def __contains__(self, path: object) -> bool:
        return path in self._paths
