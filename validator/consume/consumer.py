"""Read a published bundle: what applied to a code on a date, without the repository.

For claims, prior-authorisation and portal systems. It imports neither YAML nor the
validation machinery, verifies the bundle before answering, and reads only the files a
question needs (one code-index shard for a lookup, one policy file for a version)::

    from validator.consume.consumer import Bundle

    bundle = Bundle.open("dist", public_key="policyrepo.pub")
    for answer in bundle.lookup("CPT", "97545", "2012-06-01"):
        print(answer.policy, answer.version, answer.determination)

Verifying once at open is not enough: a file can change on disk afterwards. So the
consumer reads only files the verified manifest lists, under the names it lists, and
checks each one's size and SHA-256 every time it reads it from disk; the parsed files it
keeps are few (least recently used first out).
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

from validator.consume.files import BadFile, read_listed
from validator.consume.manifest import load_json
from validator.consume.verify import Verification, read_manifest, verify_bundle

#: How many parsed files a bundle keeps: a code shard is at most a few megabytes.
CACHED_FILES = 256

CATALOG = "catalog.json"


class BundleError(Exception):
    """The bundle failed verification, or cannot be read."""


@dataclass(frozen=True)
class Determination:
    """A policy version that governs a code on a date, and what it decides."""

    policy: str
    title: str
    version: str
    determination: str
    basis: str | None
    heading: str
    start: str
    end: str | None  # first day no longer in effect; None: open-ended


@dataclass(frozen=True)
class Change:
    """Something that happens on a date: a version takes effect, or a policy retires."""

    on: str
    policy: str
    kind: str  # "version" or "retired"
    version: str | None


def _day(value: date | str) -> str:
    return value.isoformat() if isinstance(value, date) else date.fromisoformat(value).isoformat()


def _contains(window: dict[str, str | None], day: str) -> bool:
    start, end = window["start"], window["end"]
    if not isinstance(start, str):
        raise TypeError("a window without a start date")
    return start <= day and (end is None or day < end)


def code_shard(system: str, code: str) -> str:
    """The index file that would hold a code (as the bundle writer names it)."""
    return f"codes/{system}/{code.replace('.', '')[:2]}.json"


def policy_file(number: str) -> str:
    return f"policies/{number}.json"


class Bundle:
    """A verified bundle on disk. Answers are plain data; dates are ISO strings."""

    def __init__(self, directory: Path, verification: Verification) -> None:
        self.directory = directory
        self.verification = verification
        # Per bundle, so that a bundle and its cache are freed together.
        self._read = lru_cache(maxsize=CACHED_FILES)(self._read_json)

    @classmethod
    def open(
        cls, directory: str | Path, public_key: str | Path | None = None, *, verify: bool = True
    ) -> Bundle:
        """Open a bundle, verifying every file (and the signature, given a public key).

        With ``verify=False`` only the manifest is read (and its signature checked, given
        a key); each file is still checked against the manifest when it is read.
        Raises BundleError naming the first problems when verification fails.
        """
        path = Path(directory)
        key = None if public_key is None else Path(public_key)
        verification = verify_bundle(path, key) if verify else read_manifest(path, key)
        if not verification.ok:
            problems = "; ".join(str(problem) for problem in verification.problems[:5])
            raise BundleError(f"bundle {path} failed verification: {problems}")
        return cls(path, verification)

    @property
    def manifest(self) -> dict[str, Any]:
        """The verified manifest (a copy: changing it changes nothing here)."""
        return copy.deepcopy(self.verification.manifest or {})

    def _read_json(self, name: str) -> Any:
        """A listed file's JSON, from bytes that match the manifest; None for a name the
        manifest does not list, which is never opened."""
        entry = self.verification.entries.get(name)
        if entry is None:
            return None
        try:
            return load_json(read_listed(self.directory, entry))
        except (BadFile, ValueError) as error:
            raise BundleError(f"{self.directory / name}: {error}") from None

    def _file(self, name: str, kind: str) -> dict[str, Any] | None:
        """A listed file of a kind ("code-index", "policy", "catalog"), or None when the
        manifest lists no such file."""
        document = self._read(name)
        if document is None:
            return None
        if not isinstance(document, dict) or document.get("kind") != kind:
            raise BundleError(f"{self.directory / name}: not a {kind} file")
        return document

    @contextmanager
    def _shaped(self, name: str) -> Iterator[None]:
        """Turns a file that is listed and intact but not shaped as bundle format 1 says
        (possible in an unsigned bundle) into a BundleError naming it."""
        try:
            yield
        except (KeyError, TypeError, AttributeError, ValueError) as error:
            raise BundleError(
                f"{self.directory / name}: not laid out as bundle format 1 says "
                f"({type(error).__name__}: {error})"
            ) from None

    def lookup(self, system: str, code: str, on: date | str) -> list[Determination]:
        """Every policy version in effect on ``on`` that lists the code: one shard read,
        one dictionary access, then a filter over the few versions listing the code.
        A system or code the manifest has no shard for has no answer."""
        day = _day(on)
        name = code_shard(system, code)
        shard = self._file(name, "code-index")
        if shard is None:
            return []
        with self._shaped(name):
            rows = [row for row in shard["codes"].get(code, []) if _contains(row["window"], day)]
            return [
                Determination(
                    row["policy"],
                    self._title(row["policy"]),
                    row["version"],
                    row["determination"],
                    row["basis"],
                    row["heading"],
                    row["window"]["start"],
                    row["window"]["end"],
                )
                for row in rows
            ]

    def _title(self, number: str) -> str:
        policy = self._file(policy_file(number), "policy")
        if policy is None:
            return ""
        with self._shaped(policy_file(number)):
            return str(policy["title"])

    def policy(self, number: str) -> dict[str, Any] | None:
        """The policy file: its versions with their windows and documents; None for a
        number the manifest lists no file for."""
        policy = self._file(policy_file(number), "policy")
        return copy.deepcopy(policy)

    def version_on(self, number: str, on: date | str) -> dict[str, Any] | None:
        """The version of a policy in effect on a date (with ``window`` and ``document``)."""
        day = _day(on)
        policy = self._file(policy_file(number), "policy")
        if policy is None:
            return None
        with self._shaped(policy_file(number)):
            for version in policy["versions"]:
                if _contains(version["window"], day):
                    found: dict[str, Any] = copy.deepcopy(version)
                    return found
        return None

    def changes_after(self, after: date | str) -> list[Change]:
        """Versions taking effect and policies retiring after a date, oldest first."""
        day = _day(after)
        catalog = self._file(CATALOG, "catalog")
        if catalog is None:
            raise BundleError(f"{self.directory / CATALOG}: not listed in the manifest")
        changes = []
        with self._shaped(CATALOG):
            for entry in catalog["policies"]:
                for version in entry["versions"]:
                    if version["window"]["start"] > day:
                        changes.append(
                            Change(
                                version["window"]["start"],
                                entry["number"],
                                "version",
                                version["version"],
                            )
                        )
                if entry["retired"] and entry["retired"] > day:
                    changes.append(Change(entry["retired"], entry["number"], "retired", None))
            return sorted(changes, key=lambda c: (c.on, c.policy, c.kind))
