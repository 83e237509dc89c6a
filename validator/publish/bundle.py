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
"""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Callable, Mapping
from datetime import date
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from validator.consume.signing import sign
from validator.consume.verify import MANIFEST, SIGNATURE
from validator.model.coding import DatesOfService
from validator.model.organization import Organization
from validator.model.timeline import Policy, Repository, Retirement, Window
from validator.model.versions import CodeRow, Version
from validator.publish.canonical import canonical_json, sha256_hex
from validator.publish.provenance import Provenance
from validator.publish.write import write_files
from validator.read.files import SourceDigest

BUNDLE_FORMAT = 2
CATALOG = "catalog.json"
ORGANIZATION = "organization.json"
PRIOR_AUTH = "prior-auth.json"

Row = dict[str, Any]
#: (system, code) -> the index rows listing it.
Index = dict[tuple[str, str], list[Row]]


#: A version's whole document: the model may keep it trimmed (``check.documents``).
DocumentOf = Callable[[Version], dict[str, Any]]


def held(version: Version) -> dict[str, Any]:
    """The document the model holds: whole, when it is not trimmed."""
    assert not version.trimmed, "a trimmed document needs the documents of its report"
    return version.document


def code_shard(system: str, code: str) -> str:
    """The index file that holds a code: its system and the code's first two characters."""
    return f"codes/{system}/{code.replace('.', '')[:2]}.json"


def _window(window: Window) -> dict[str, str | None]:
    return {
        "start": window.start.isoformat(),
        "end": window.end.isoformat() if window.end else None,
    }


def _kept(window: Window | None, as_of: date | None) -> bool:
    """A version is published when it is ever in effect, and not over before ``as_of``."""
    return window is not None and (as_of is None or window.end is None or window.end > as_of)


def build_files(
    repository: Repository,
    organization: dict[str, Any] | None,
    as_of: date | None = None,
    document_of: DocumentOf = held,
) -> tuple[dict[str, bytes], dict[str, int]]:
    """Every bundle file but the manifest, by name, and the counts for the manifest.

    A pure function of the model: O(versions + code rows), then the JSON encoding.
    """
    files: dict[str, bytes] = {}
    counts = {"policies": 0, "versions": 0, "code_rows": 0}
    catalog = []
    index: Index = defaultdict(list)
    requirements: list[dict[str, Any]] = []
    for number, policy in repository.policies.items():
        versions = [v for v in policy.versions if _kept(policy.window(v), as_of)]
        if not versions:
            continue
        name = f"policies/{number}.json"
        files[name] = canonical_json(_policy_document(repository, policy, versions, document_of))
        catalog.append(_catalog_entry(policy, name, versions))
        counts["policies"] += 1
        counts["versions"] += len(versions)
        for version in versions:
            window = _window(_must(policy.window(version)))
            _index_version(index, version, window)
            requirements += _prior_authorizations(version, window)
            counts["code_rows"] += len(version.codes)
    for shard, (system, codes) in _sharded(index).items():
        files[shard] = canonical_json({"kind": "code-index", "system": system, "codes": codes})
    files[CATALOG] = canonical_json({"kind": "catalog", "policies": catalog})
    files["supersession.json"] = canonical_json(_supersession(repository, files))
    files[ORGANIZATION] = canonical_json(_organization(repository.organization, organization))
    files[PRIOR_AUTH] = canonical_json({"kind": "prior-auth", "requirements": requirements})
    return files, counts


def _index_version(index: Index, version: Version, window: dict[str, str | None]) -> None:
    """Adds a version's code rows to the index.

    The codes of a group share one row object (same version, group and window), so a
    million code rows make a few thousand objects. A code with dates of service of its
    own gets a row with those dates, shared with the group's codes of the same dates.
    """
    shared: list[Row] = [
        {
            "policy": version.number,
            "version": version.effective.isoformat(),
            "group": group.id,
            "role": group.role,
            "determination": group.determination,
            "basis": group.basis,
            "heading": group.heading,
            "window": window,
        }
        for group in version.groups
    ]
    dated: dict[tuple[int, DatesOfService], Row] = {}
    for row in version.codes:
        dates = row.dates
        if dates.start is None and dates.through is None:
            entry = shared[row.group]
        else:
            key = (row.group, dates)
            if key not in dated:
                dated[key] = {**shared[row.group], "dates": dates.to_json()}
            entry = dated[key]
        index[row.system, row.code].append(entry)


def _sharded(index: Index) -> dict[str, tuple[str, dict[str, list[Row]]]]:
    """The index by shard file: its system, and each code's rows by policy, version and
    group. Naming the shard once per code, not per row, and sorting only the codes that
    several versions list, keeps a million rows fast."""
    shards: dict[str, tuple[str, dict[str, list[Row]]]] = {}
    for (system, code), rows in index.items():
        if len(rows) > 1:
            rows.sort(key=lambda row: (row["policy"], row["version"], row["group"]))
        shard = code_shard(system, code)
        if shard not in shards:
            shards[shard] = (system, {})
        shards[shard][1][code] = rows
    return shards


def _prior_authorizations(version: Version, window: dict[str, str | None]) -> list[Row]:
    """The version's statements that need prior authorisation (required, or conditional),
    each with the codes it governs and what it applies to: what a consumer filters by
    date and line of business without reading the policy files."""
    rules = version.coverage_rules
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
    repository: Repository, policy: Policy, versions: list[Version], document_of: DocumentOf
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
                "coverage_rules": version.coverage_rules,
            }
            for version in versions
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


def _supersession(repository: Repository, files: dict[str, bytes]) -> dict[str, Any]:
    edges = [
        {
            "policy": version.number,
            "replaces": number,
            "legacy": any(r.legacy for r in version.replaces if r.number == number),
            "from": version.effective.isoformat(),
            "published": f"policies/{version.number}.json" in files,
        }
        for number, replacing in repository.replaced_by.items()
        for version in replacing
    ]
    edges.sort(key=lambda edge: (edge["policy"], edge["replaces"]))
    return {"kind": "supersession", "replaces": edges}


def manifest(
    files: dict[str, bytes],
    provenance: Provenance,
    source_digest: str,
    as_of: date | None,
    counts: dict[str, int],
) -> bytes:
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
                {"name": name, "size": len(data), "sha256": sha256_hex(data)}
                for name, data in sorted(files.items())
            ],
        }
    )


def source_digest(sources: Mapping[str, SourceDigest]) -> str:
    """SHA-256 over every source file's path and digest, in path order."""
    lines = "".join(f"{digest.sha256}  {path}\n" for path, digest in sorted(sources.items()))
    return sha256_hex(lines.encode("utf-8"))


def build_bundle(
    repository: Repository,
    organization: dict[str, Any] | None,
    sources: Mapping[str, SourceDigest],
    provenance: Provenance,
    as_of: date | None = None,
    document_of: DocumentOf = held,
) -> tuple[dict[str, bytes], bytes]:
    """The bundle files and the manifest that lists them, from a validated repository."""
    files, counts = build_files(repository, organization, as_of, document_of)
    return files, manifest(files, provenance, source_digest(sources), as_of, counts)


def write_bundle(
    files: dict[str, bytes],
    manifest_bytes: bytes,
    out: str | os.PathLike[str],
    key: Ed25519PrivateKey | None,
    root: Path | None = None,
) -> None:
    """Write the bundle to ``out``, signed when ``key`` is given, replacing a previous
    bundle in one step (see :mod:`validator.publish.write`).

    Raises OutputError when ``out`` is not a place a bundle may replace (``root``, the
    repository published, is never one), or the file system refuses the writing.
    """
    everything = {**files, MANIFEST: manifest_bytes}
    if key is not None:
        everything[SIGNATURE] = sign(key, manifest_bytes)
    write_files(everything, out, root)
