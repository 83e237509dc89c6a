"""Read a published bundle: what applied to a code on a date, without the repository.

For claims, prior-authorisation and portal systems. It imports neither YAML nor the
validation machinery, verifies the bundle before answering, and reads only the files a
question needs (one code-index shard for a lookup, one policy file for a version)::

    from validator.consume.consumer import Bundle

    bundle = Bundle.open("dist", public_key="policyrepo.pub")
    for answer in bundle.lookup("CPT", "97545", "2012-06-01"):
        print(answer.policy, answer.version, answer.determination)
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from validator.consume.verify import Verification, verify_bundle


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
    end = window["end"]
    start = window["start"]
    assert start is not None
    return start <= day and (end is None or day < end)


class Bundle:
    """A verified bundle on disk. Answers are plain data; dates are ISO strings."""

    def __init__(self, directory: Path, verification: Verification) -> None:
        self.directory = directory
        self.verification = verification
        self._read = cache(self._read_json)

    @classmethod
    def open(
        cls, directory: str | Path, public_key: str | Path | None = None, *, verify: bool = True
    ) -> Bundle:
        """Open a bundle, verifying every file (and the signature, given a public key).

        Raises BundleError naming the first problem when verification fails.
        """
        path = Path(directory)
        key = None if public_key is None else Path(public_key)
        verification = verify_bundle(path, key) if verify else Verification([], None, signed=False)
        if not verification.ok:
            problems = "; ".join(str(problem) for problem in verification.problems[:5])
            raise BundleError(f"bundle {path} failed verification: {problems}")
        return cls(path, verification)

    @property
    def manifest(self) -> dict[str, Any]:
        result: dict[str, Any] = self._read("manifest.json")
        return result

    def _read_json(self, name: str) -> Any:
        try:
            return json.loads((self.directory / name).read_bytes())
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as error:
            raise BundleError(f"{self.directory / name}: {error}") from None

    def lookup(self, system: str, code: str, on: date | str) -> list[Determination]:
        """Every policy version in effect on ``on`` that lists the code: one shard read,
        one dictionary access, then a filter over the few versions listing the code."""
        day = _day(on)
        shard = self._read(f"codes/{system}/{code.replace('.', '')[:2]}.json")
        rows = [] if shard is None else shard["codes"].get(code, [])
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
            if _contains(row["window"], day)
        ]

    def _title(self, number: str) -> str:
        policy = self.policy(number)
        return "" if policy is None else str(policy["title"])

    def policy(self, number: str) -> dict[str, Any] | None:
        """The policy file: its versions with their windows and documents."""
        result: dict[str, Any] | None = self._read(f"policies/{number}.json")
        return result

    def version_on(self, number: str, on: date | str) -> dict[str, Any] | None:
        """The version of a policy in effect on a date (with ``window`` and ``document``)."""
        policy = self.policy(number)
        if policy is None:
            return None
        day = _day(on)
        for version in policy["versions"]:
            if _contains(version["window"], day):
                result: dict[str, Any] = version
                return result
        return None

    def changes_after(self, after: date | str) -> list[Change]:
        """Versions taking effect and policies retiring after a date, oldest first."""
        day = _day(after)
        changes = []
        for entry in self._read("catalog.json")["policies"]:
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
