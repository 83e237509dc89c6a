"""Write a bundle: the repository as canonical JSON files, with a manifest of digests.

Layout (format version 2), all files canonical JSON (sorted keys, UTF-8, one line):

    manifest.json              format, provenance, counts, and every file's size and SHA-256
    manifest.sig               Ed25519 signature of manifest.json, when signed
    catalog.json               every policy: number, title, file, retirement, versions, windows
    supersession.json          the replaces graph, with legacy policies marked
    organization.json          what the organisation offers (lines of business, products)
                               and its shared text
    prior-auth.json            every statement needing prior authorisation, with its codes
    policies/<number>.json     one policy: its retirement, and every version's window,
                               document and coverage rules
    codes/<SYSTEM>/<shard>.json   the code index: code -> the versions listing it, with the
                               group, role and dates of service of each

The code index is sharded by system and by the first two characters of the code, so a
consumer answers a lookup by reading one small file and one dictionary key; at a
million code rows no shard holds more than a few thousand codes. One file per policy
lets a portal fetch only the policies it shows. A coverage answer needs the code's
shard, the policy file (its version's coverage rules), the shards of the diagnoses
billed and organization.json: a handful of files, whatever the size of the repository.

Files are built one at a time and handed on to be written (``iter_bundle``,
``publish_bundle``): a policy's file from its versions' whole documents, read back one
policy at a time, then each code shard (``code_index``), then the files that gather
every version. The manifest (``manifest``) is made last, from each file's name, size
and SHA-256.
"""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping
from datetime import date
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from validator.consume.signing import sign
from validator.consume.verify import MANIFEST, SIGNATURE
from validator.model.coverage import compile_rules
from validator.model.organization import Organization
from validator.model.timeline import Policy, Repository, Retirement, Window
from validator.model.versions import CodeRow, Version
from validator.publish.canonical import (
    Parts,
    array_parts,
    canonical_json,
    canonical_part,
    joined,
    object_parts,
    sha256_hex,
)
from validator.publish.code_index import Index, index_version, shards
from validator.publish.manifest import Listing, manifest, source_digest
from validator.publish.provenance import Provenance
from validator.publish.write import write_files
from validator.read.files import SourceDigest

CATALOG = "catalog.json"
ORGANIZATION = "organization.json"
PRIOR_AUTH = "prior-auth.json"

Row = dict[str, Any]


#: A version's whole document: the model may keep it trimmed (``check.documents``).
DocumentOf = Callable[[Version], dict[str, Any]]


def held(version: Version) -> dict[str, Any]:
    """The document the model holds: whole, when it is not trimmed."""
    assert not version.trimmed, "a trimmed document needs the documents of its report"
    return version.document


def _window(window: Window) -> dict[str, str | None]:
    return {
        "start": window.start.isoformat(),
        "end": window.end.isoformat() if window.end else None,
    }


def _kept(window: Window | None, as_of: date | None) -> bool:
    """A version is published when it is ever in effect, and not over before ``as_of``."""
    return window is not None and (as_of is None or window.end is None or window.end > as_of)


def iter_files(
    repository: Repository,
    organization: dict[str, Any] | None,
    counts: dict[str, int],
    as_of: date | None = None,
    document_of: DocumentOf = held,
) -> Iterator[tuple[str, bytes]]:
    """Every bundle file but the manifest, by name, each as soon as it is built; the
    counts for the manifest are added to ``counts`` on the way.

    A pure function of the model: O(versions + code rows), then the JSON encoding.
    Nothing is kept of a file once it is handed on: a policy's file is built from its
    versions' whole documents (``document_of``) and dropped; what the index, the
    catalogue and prior-auth.json gather of each version is kept encoded.
    """
    catalog: list[bytes] = []
    index: Index = defaultdict(list)
    requirements: list[bytes] = []
    published: set[str] = set()
    for number, policy in repository.policies.items():
        versions = [v for v in policy.versions if _kept(policy.window(v), as_of)]
        if not versions:
            continue
        # Compiled as Version.coverage_rules compiles them, but not kept on the model,
        # where every version's rules would stay until the run ends.
        rules = [compile_rules(version.document, version.groups) for version in versions]
        name = f"policies/{number}.json"
        yield (
            name,
            canonical_json(_policy_document(repository, policy, versions, rules, document_of)),
        )
        published.add(number)
        catalog.append(canonical_part(_catalog_entry(policy, name, versions)))
        counts["policies"] += 1
        counts["versions"] += len(versions)
        for version, compiled in zip(versions, rules, strict=True):
            window = _window(_must(policy.window(version)))
            index_version(index, version, window)
            requirements += map(canonical_part, _prior_authorizations(version, compiled, window))
            counts["code_rows"] += len(version.codes)
    yield from shards(index)
    yield CATALOG, _listed("catalog", {"policies": array_parts(catalog)})
    yield "supersession.json", canonical_json(_supersession(repository, published))
    yield ORGANIZATION, canonical_json(_organization(repository.organization, organization))
    yield PRIOR_AUTH, _listed("prior-auth", {"requirements": array_parts(requirements)})


def _listed(kind: str, members: dict[str, Parts]) -> bytes:
    """A file of this ``kind`` from its other members' pieces."""
    return joined(object_parts({"kind": [canonical_part(kind)], **members}))


def _prior_authorizations(
    version: Version, rules: dict[str, Any], window: dict[str, str | None]
) -> list[Row]:
    """The version's statements that need prior authorisation (required, or conditional),
    each with the codes it governs and what it applies to: what a consumer filters by
    date and line of business without reading the policy files."""
    found = []
    for statement in rules["statements"]:
        pa = statement.get("prior_authorization")
        if pa is None or pa["required"] == "not-required":
            continue
        services = set(statement["services"])
        governed = [group.id in services for group in version.groups]
        codes = [_coded(row) for row in version.codes if governed[row.group]]
        if not codes:
            continue
        found.append(
            {
                "policy": version.number,
                "version": version.effective.isoformat(),
                "window": window,
                "statement": statement["id"],
                "required": pa["required"],
                "condition": pa.get("condition"),
                "documentation": statement.get("documentation", []),
                "applicability": {
                    "version": rules.get("applicability"),
                    "statement": statement.get("applicability"),
                },
                "codes": codes,
            }
        )
    return found


def _coded(row: CodeRow) -> Row:
    """A code under a prior-authorisation requirement, with its dates when bounded."""
    coded: Row = {"system": row.system, "code": row.code}
    if row.dates.start is not None or row.dates.through is not None:
        coded["dates"] = row.dates.to_json()
    return coded


def _organization(offered: Organization, text: dict[str, Any] | None) -> dict[str, Any]:
    """What the organisation offers, as the coverage evaluator needs it, and its file
    (null when the repository has none: then it offers every line of business)."""
    return {
        "kind": "organization",
        "organization": text,
        "lines_of_business": list(offered.lines_of_business),
        "products": dict(offered.products),
    }


def _catalog_entry(policy: Policy, name: str, versions: list[Version]) -> dict[str, Any]:
    return {
        "number": policy.number,
        "title": policy.title,
        "file": name,
        "retired": policy.retired.isoformat() if policy.retired else None,
        "versions": [
            {"version": v.effective.isoformat(), "window": _window(_must(policy.window(v)))}
            for v in versions
        ],
    }


def _must(window: Window | None) -> Window:
    assert window is not None  # only versions with a window are published
    return window


def _policy_document(
    repository: Repository,
    policy: Policy,
    versions: list[Version],
    rules: list[dict[str, Any]],
    document_of: DocumentOf,
) -> dict[str, Any]:
    return {
        "kind": "policy",
        "number": policy.number,
        "title": policy.title,
        "retired": policy.retired.isoformat() if policy.retired else None,
        "retirement": _retirement(policy.retirement),
        "replaced_by": [
            {"policy": version.number, "from": version.effective.isoformat()}
            for version in repository.replaced_by.get(policy.number, [])
        ],
        "versions": [
            {
                "version": version.effective.isoformat(),
                "source": version.path,
                "status": version.status,
                "window": _window(_must(policy.window(version))),
                "document": document_of(version),
                "coverage_rules": compiled,
            }
            for version, compiled in zip(versions, rules, strict=True)
        ],
    }


def _retirement(retirement: Retirement | None) -> dict[str, Any] | None:
    """What retires the policy: a retirement record, or a first-format version."""
    if retirement is None:
        return None
    return {
        "retired": retirement.retired.isoformat(),
        "published": retirement.published.isoformat() if retirement.published else None,
        "reason": retirement.reason,
        "source": retirement.path,
    }


def _supersession(repository: Repository, published: set[str]) -> dict[str, Any]:
    edges = [
        {
            "policy": version.number,
            "replaces": number,
            "legacy": any(r.legacy for r in version.replaces if r.number == number),
            "from": version.effective.isoformat(),
            "published": version.number in published,
        }
        for number, replacing in repository.replaced_by.items()
        for version in replacing
    ]
    edges.sort(key=lambda edge: (edge["policy"], edge["replaces"]))
    return {"kind": "supersession", "replaces": edges}


def iter_bundle(
    repository: Repository,
    organization: dict[str, Any] | None,
    sources: Mapping[str, SourceDigest],
    provenance: Provenance,
    as_of: date | None = None,
    document_of: DocumentOf = held,
    key: Ed25519PrivateKey | None = None,
    listing: Listing | None = None,
) -> Iterator[tuple[str, bytes]]:
    """Every file of the bundle of a validated repository, each as soon as it is built,
    then the manifest that lists them and, given ``key``, its signature. ``listing``
    receives what the manifest records of each file."""
    listed = listing if listing is not None else Listing()
    built = iter_files(repository, organization, listed.counts, as_of, document_of)
    for name, data in built:
        listed.files.append((name, len(data), sha256_hex(data)))
        yield name, data
    manifest_bytes = manifest(
        listed.files, provenance, source_digest(sources), as_of, listed.counts
    )
    yield MANIFEST, manifest_bytes
    if key is not None:
        yield SIGNATURE, sign(key, manifest_bytes)


def publish_bundle(
    repository: Repository,
    organization: dict[str, Any] | None,
    sources: Mapping[str, SourceDigest],
    provenance: Provenance,
    out: str | os.PathLike[str],
    key: Ed25519PrivateKey | None = None,
    root: Path | None = None,
    as_of: date | None = None,
    document_of: DocumentOf = held,
) -> Listing:
    """Build the bundle of a validated repository and write it to ``out``, each file as
    it is built, signed when ``key`` is given, replacing a previous bundle in one step
    (see :mod:`validator.publish.write`). What the manifest lists is returned.

    Memory holds one file at a time, what the manifest records of each, and the index
    rows until the code shards are written. Raises OutputError as ``write_bundle`` does,
    and whatever ``document_of`` raises (nothing is then changed at ``out``).
    """
    listing = Listing()
    files = iter_bundle(
        repository, organization, sources, provenance, as_of, document_of, key, listing
    )
    write_files(files, out, root)
    return listing


def build_bundle(
    repository: Repository,
    organization: dict[str, Any] | None,
    sources: Mapping[str, SourceDigest],
    provenance: Provenance,
    as_of: date | None = None,
    document_of: DocumentOf = held,
) -> tuple[dict[str, bytes], bytes]:
    """The bundle files and the manifest that lists them, from a validated repository,
    in memory: the bytes ``publish_bundle`` writes."""
    files = dict(iter_bundle(repository, organization, sources, provenance, as_of, document_of))
    return files, files.pop(MANIFEST)


def write_bundle(
    files: dict[str, bytes],
    manifest_bytes: bytes,
    out: str | os.PathLike[str],
    key: Ed25519PrivateKey | None,
    root: Path | None = None,
) -> None:
    """Write a bundle built in memory (``build_bundle``) to ``out``, signed when ``key``
    is given, replacing a previous bundle in one step (see :mod:`validator.publish.write`).

    Raises OutputError when ``out`` is not a place a bundle may replace (``root``, the
    repository published, is never one), or the file system refuses the writing.
    """
    everything = {**files, MANIFEST: manifest_bytes}
    if key is not None:
        everything[SIGNATURE] = sign(key, manifest_bytes)
    write_files(everything.items(), out, root)
