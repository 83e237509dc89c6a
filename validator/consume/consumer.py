"""Read a published bundle: what applied to a code on a date, and what it answers for a
service in a context, without the repository.

For claims, prior-authorisation and portal systems. It imports neither YAML nor the
validation machinery, and reads only the files a question needs (for a lookup, one
code-index shard and the policy files of the versions found, for their titles; one
policy file for a version; for a coverage answer, also the shards of the diagnoses
billed and organization.json)::

    from validator.consume.consumer import Bundle

    bundle = Bundle.open("dist", public_key="policyrepo.pub")
    for answer in bundle.lookup("CPT", "97545", "2012-06-01"):
        print(answer.policy, answer.version, answer.determination)
    for answer in bundle.coverage("CPT", "97545", "2012-06-01", diagnoses=["V57.22"]):
        print(answer.policy, answer.evaluation.covered, answer.evaluation.info_needed)

Coverage answers come from :func:`validator.consume.coverage.evaluate`, the function the
repository answers with, on the rules the bundle publishes for each version.

Opening checks the manifest alone (its signature given a public key, its format, fields
and names) and opens or stats no other file, however large the bundle. Checking every
file then would not be enough anyway: a file can change on disk afterwards. So the
consumer reads only files the manifest lists, under the names it lists, and checks each
one's size and SHA-256 every time it reads it from disk: a changed, missing or replaced
file raises BundleError naming it when an answer reads it, and stops no answer that does
not. An unlisted file is never opened, so it cannot change an answer; ``verify=True`` and
``policyrepo verify`` check every file and report unlisted ones. Of a large file only the
part an answer needs is parsed (:mod:`validator.consume.parts`). The files it keeps are
few (least recently used first out).
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from functools import lru_cache, partial
from pathlib import Path
from typing import Any

from validator.consume.bundle_answers import (
    Change,
    Coverage,
    Determination,
    PriorAuthorization,
    Support,
    as_date,
    changes_in,
    contains,
    context,
    listed_in,
    needing_prior_authorization,
    offering,
    supported,
    titles_in,
    within,
)
from validator.consume.conditions import Context, GroupsOf, Offering, Rules
from validator.consume.coverage import evaluate
from validator.consume.files import BadFile, read_listed
from validator.consume.manifest import load_json
from validator.consume.parts import code_rows, leading_members
from validator.consume.verify import Verification, read_manifest, verify_bundle

__all__ = [
    "CACHED_FILES",
    "Bundle",
    "BundleError",
    "Change",
    "Coverage",
    "Determination",
    "PriorAuthorization",
    "Support",
]

#: How many files a bundle keeps parsed, and how many as bytes (to read a part of them).
CACHED_FILES = 256

CATALOG = "catalog.json"
#: One policy file's head costs what parsing this many bytes of the catalog does (90 us, 17 ms/MB).
CATALOG_BYTES_PER_FILE = 5_000
ORGANIZATION = "organization.json"
PRIOR_AUTH = "prior-auth.json"
#: The first bundle format with coverage rules, group roles and prior-auth.json.
COVERAGE_FORMAT = 2

Row = dict[str, Any]


class BundleError(Exception):
    """The bundle failed verification, or cannot be read."""


def code_shard(system: str, code: str) -> str:
    """The index file that would hold a code (as the bundle writer names it)."""
    return f"codes/{system}/{code.replace('.', '')[:2]}.json"


def policy_file(number: str) -> str:
    return f"policies/{number}.json"


class Bundle:
    """A bundle on disk, its manifest verified. Answers are plain data; dates ISO text."""

    def __init__(self, directory: Path, verification: Verification) -> None:
        self.directory = directory
        self.verification = verification
        # Per bundle, so that a bundle and its caches are freed together.
        self._read = lru_cache(maxsize=CACHED_FILES)(partial(self._listed, load_json))
        self._bytes = lru_cache(maxsize=CACHED_FILES)(partial(self._listed, bytes))

    @classmethod
    def open(
        cls, directory: str | Path, public_key: str | Path | None = None, *, verify: bool = False
    ) -> Bundle:
        """Open a bundle: read its manifest and check its signature (given a public key),
        format, fields and names. No other file is read here: each is checked against the
        manifest (size and SHA-256) whenever an answer reads it. ``verify=True`` also
        checks every listed file and that no other is there, as ``policyrepo verify``
        does, reading the whole bundle. Raises BundleError naming the first problems.
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

    @property
    def bundle_format(self) -> int:
        found = (self.verification.manifest or {}).get("bundle_format")
        return found if isinstance(found, int) else 0

    def _listed(self, read: Callable[[bytes], Any], name: str) -> Any:
        """A listed file's JSON or bytes (``read`` of bytes that match the manifest); None
        for a name the manifest does not list, which is never opened."""
        entry = self.verification.entries.get(name)
        if entry is None:
            return None
        try:
            return read(read_listed(self.directory, entry))
        except (BadFile, ValueError) as error:
            raise BundleError(f"{self.directory / name}: {error}") from None

    def _file(self, name: str, kind: str) -> dict[str, Any] | None:
        """A listed file of a kind ("code-index", "policy", "catalog", ...), or None when
        the manifest lists no such file."""
        document = self._read(name)
        if document is None:
            return None
        if not isinstance(document, dict) or document.get("kind") != kind:
            raise BundleError(f"{self.directory / name}: not a {kind} file")
        return document

    def _needed(self, name: str, kind: str) -> dict[str, Any]:
        """A file every bundle of this format lists."""
        document = self._file(name, kind)
        if document is None:
            raise BundleError(f"{self.directory / name}: not listed in the manifest")
        return document

    @contextmanager
    def _shaped(self, name: str) -> Iterator[None]:
        """Turns a file that is listed and intact but not shaped as the bundle format
        says (possible in an unsigned bundle) into a BundleError naming it."""
        try:
            yield
        except (KeyError, TypeError, AttributeError, ValueError) as error:
            raise BundleError(
                f"{self.directory / name}: not laid out as bundle format {self.bundle_format} says "
                f"({type(error).__name__}: {error})"
            ) from None

    def _requires_coverage(self, question: str) -> None:
        if self.bundle_format < COVERAGE_FORMAT:
            raise BundleError(
                f"bundle {self.directory} is format {self.bundle_format}: {question} needs bundle "
                f"format {COVERAGE_FORMAT} or later; rebuild it with policyrepo bundle"
            )

    def _listing(
        self, system: str, code: str, keep: Callable[[Row], bool], day: str | None = None
    ) -> list[Row]:
        """The rows of a code's index shard that ``keep`` accepts, by policy, version and
        group: one shard read, the code's entry (given a day, only its rows in effect),
        a filter. A system or code the manifest has no shard for has none."""
        name = code_shard(system, code)
        data = self._bytes(name)
        if data is None:
            return []
        with self._shaped(name):
            listed = code_rows(data, code, day)
            if listed is None:  # not laid out as the writer writes it: parsed whole
                listed = self._needed(name, "code-index")["codes"].get(code, [])
            rows = [row for row in listed if keep(row)]
            return sorted(rows, key=lambda r: (r["policy"], r["version"], r.get("group") or ""))

    def _rows(self, system: str, code: str, day: str) -> list[Row]:
        """The rows of the versions that list a code for a date of service."""

        def keep(row: Row) -> bool:
            return contains(row["window"], day) and within(row.get("dates"), day)

        return self._listing(system, code, keep, day)

    def lookup(self, system: str, code: str, on: date | str) -> list[Determination]:
        """Every policy version in effect on ``on`` that lists the code for that date of
        service, with the group listing it. A system or code the manifest has no shard
        for has no answer."""
        day = as_date(on).isoformat()
        rows = self._rows(system, code, day)
        with self._shaped(code_shard(system, code)):
            titles = self._titles({row["policy"] for row in rows})
            return [Determination.of(row, titles[row["policy"]]) for row in rows]

    def coverage(
        self,
        system: str,
        code: str,
        on: date | str,
        *,
        diagnoses: Sequence[str] | None = None,
        line_of_business: str | None = None,
        state: str | None = None,
        setting: str | None = None,
        place_of_service: str | None = None,
        age: int | None = None,
        sex: str | None = None,
        modifiers: Sequence[str] | None = None,
    ) -> list[Coverage]:
        """What every version in effect on ``on`` that lists a service code answers for
        it in a context: covered or not, prior authorisation, documentation, limits,
        criteria, and what the context still lacks (``evaluation.info_needed``).

        Leave out (None) what is not known. ``diagnoses`` are the codes billed, first the
        primary, written ``C61`` (the system in use on the date of service: ICD-10-CM
        from 2015-10-01) or ``ICD-9-CM:V57.22``; an empty list means none billed.
        ``line_of_business`` is a line of business or one of the organisation's products.
        Diagnosis and qualifier codes answer nothing here (see :meth:`supports`).
        """
        self._requires_coverage("a coverage answer")
        day = as_date(on)
        described = context(
            day,
            diagnoses=diagnoses,
            line_of_business=line_of_business,
            state=state,
            setting=setting,
            place_of_service=place_of_service,
            age=age,
            sex=sex,
            modifiers=modifiers,
        )
        offered = self._offering()
        return [
            self._answer(row, day, described, offered)
            for row in self._rows(system, code, day.isoformat())
            if row["role"] == "service"
        ]

    def _answer(
        self, row: dict[str, Any], day: date, described: Context, offered: Offering
    ) -> Coverage:
        where, rules = self._rules(row)
        with self._shaped(policy_file(row["policy"])):
            groups_of = self._groups_of(row["policy"], row["version"], day)
            return Coverage(
                **where, evaluation=evaluate(rules, row["group"], described, groups_of, offered)
            )

    def supports(self, system: str, code: str, on: date | str) -> list[Support]:
        """For a diagnosis code on a date: in every version in effect that lists it, the
        statements that require it and their services; when no statement claims its
        group, the version's services that no statement governs."""
        self._requires_coverage("what a diagnosis supports")
        found = []
        for row in self._rows(system, code, as_date(on).isoformat()):
            if row["role"] == "diagnosis":
                where, rules = self._rules(row)
                with self._shaped(policy_file(row["policy"])):
                    statements, services = supported(rules, row["group"])
                found.append(Support(**where, statements=statements, services=services))
        return found

    def _rules(self, row: dict[str, Any]) -> tuple[dict[str, Any], Rules]:
        """Where an index row's version lists the code (policy, title, version, window,
        group), and the version's coverage rules in printed order: a copy, since answers
        carry parts of them and the cached file must stay whole."""
        published = self._version(row["policy"], row["version"])
        with self._shaped(policy_file(row["policy"])):
            where = listed_in(row, str(published["document"]["title"]))
            rules = copy.deepcopy(published["coverage_rules"])
            return where, rules

    def prior_authorizations(
        self, on: date | str, line_of_business: str | None = None
    ) -> list[PriorAuthorization]:
        """Every code that needs prior authorisation (required, or conditional) on a
        date, under the statements that say so, from prior-auth.json alone: with a line
        of business (or product), only where the version and the statement can apply to
        it. Ordered by system, code, policy and statement."""
        self._requires_coverage("the prior-authorisation list")
        day = as_date(on)
        described = context(day, line_of_business=line_of_business)
        offered = self._offering()
        listed = self._needed(PRIOR_AUTH, "prior-auth")
        with self._shaped(PRIOR_AUTH):
            return needing_prior_authorization(
                listed["requirements"], day.isoformat(), described, offered
            )

    def _version(self, number: str, version: str) -> dict[str, Any]:
        """A published version that an index row names, from its policy file."""
        name = policy_file(number)
        policy = self._needed(name, "policy")
        with self._shaped(name):
            for published in policy["versions"]:
                if published["version"] == version:
                    found: dict[str, Any] = published
                    return found
        raise BundleError(f"{self.directory / name}: has no version {version}")

    def _groups_of(self, number: str, version: str, day: date) -> GroupsOf:
        """For the evaluator: the diagnosis groups of one version that list a (system,
        code) on the date of service, from that code's own index shard."""
        iso = day.isoformat()

        def listed(row: Row) -> bool:
            return (
                row["policy"] == number
                and row["version"] == version
                and row["role"] == "diagnosis"
                and within(row.get("dates"), iso)
                and isinstance(row["group"], str)
            )

        return lambda system, code: [row["group"] for row in self._listing(system, code, listed)]

    def _offering(self) -> Offering:
        organization = self._file(ORGANIZATION, "organization")
        with self._shaped(ORGANIZATION):
            return offering(organization)

    def _titles(self, numbers: set[str]) -> dict[str, str]:
        """Policies' titles: from their files, or for many from the catalog (not 5,000 files)."""
        catalog = self.verification.entries.get(CATALOG)
        if catalog and len(numbers) > 1 and len(numbers) * CATALOG_BYTES_PER_FILE > catalog.size:
            with self._shaped(CATALOG):
                titles = titles_in(self._needed(CATALOG, "catalog"))
            if numbers <= titles.keys():
                return {number: titles[number] for number in numbers}
        return {number: self._title(number) for number in numbers}

    def _title(self, number: str) -> str:
        """A policy's title, from the head of its file (or the whole, laid out otherwise)."""
        name = policy_file(number)
        data = self._bytes(name)
        if data is None:
            return ""
        head = leading_members(data, "title")
        if head is not None and head.get("kind") == "policy" and "title" in head:
            return str(head["title"])
        policy = self._needed(name, "policy")
        with self._shaped(name):
            return str(policy["title"])

    def policy(self, number: str) -> dict[str, Any] | None:
        """The policy file: its retirement and its versions with their windows, documents
        and coverage rules; None for a number the manifest lists no file for."""
        policy = self._file(policy_file(number), "policy")
        return copy.deepcopy(policy)

    def version_on(self, number: str, on: date | str) -> dict[str, Any] | None:
        """The version of a policy in effect on a date (with ``window``, ``document`` and
        ``coverage_rules``)."""
        day = as_date(on).isoformat()
        policy = self._file(policy_file(number), "policy")
        if policy is None:
            return None
        with self._shaped(policy_file(number)):
            for version in policy["versions"]:
                if contains(version["window"], day):
                    found: dict[str, Any] = copy.deepcopy(version)
                    return found
        return None

    def changes_after(self, after: date | str) -> list[Change]:
        """Versions taking effect and policies retiring after a date, oldest first."""
        catalog = self._needed(CATALOG, "catalog")
        with self._shaped(CATALOG):
            return changes_in(catalog, as_date(after).isoformat())
