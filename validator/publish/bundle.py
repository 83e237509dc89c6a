"""Write a bundle: the repository as canonical JSON files, with a manifest of digests.

Layout (format version 1), all files canonical JSON (sorted keys, UTF-8, one line):

    manifest.json              format, provenance, counts, and every file's size and SHA-256
    manifest.sig               Ed25519 signature of manifest.json, when signed
    catalog.json               every policy: number, title, file, versions and windows
    supersession.json          the replaces graph, with legacy policies marked
    organization.json          the organisation's shared text, when the repository has it
    policies/<number>.json     one policy: every version's window and document
    codes/<SYSTEM>/<shard>.json   the code index: code -> the versions listing it

The code index is sharded by system and by the first two characters of the code, so a
consumer answers a lookup by reading one small file and one dictionary key; at a
million code rows no shard holds more than a few thousand codes. One file per policy
lets a portal fetch only the policies it shows.
"""

from __future__ import annotations

import os
from collections import defaultdict
from datetime import date
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from validator.consume.signing import sign
from validator.consume.verify import MANIFEST, SIGNATURE
from validator.model.timeline import Policy, Repository, Window
from validator.model.versions import Version
from validator.publish.canonical import canonical_json, sha256_hex
from validator.publish.provenance import Provenance
from validator.publish.write import write_files

BUNDLE_FORMAT = 1


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
) -> tuple[dict[str, bytes], dict[str, int]]:
    """Every bundle file but the manifest, by name, and the counts for the manifest.

    A pure function of the model: O(versions + code rows), then the JSON encoding.
    """
    files: dict[str, bytes] = {}
    counts = {"policies": 0, "versions": 0, "code_rows": 0}
    catalog = []
    index: dict[str, dict[str, list[dict[str, Any]]]] = defaultdict(lambda: defaultdict(list))
    for number, policy in repository.policies.items():
        versions = [v for v in policy.versions if _kept(policy.window(v), as_of)]
        if not versions:
            continue
        name = f"policies/{number}.json"
        files[name] = canonical_json(_policy_document(repository, policy, versions))
        catalog.append(
            {
                "number": number,
                "title": policy.title,
                "file": name,
                "retired": policy.retired.isoformat() if policy.retired else None,
                "versions": [
                    {"version": v.effective.isoformat(), "window": _window(_must(policy.window(v)))}
                    for v in versions
                ],
            }
        )
        counts["policies"] += 1
        counts["versions"] += len(versions)
        for version in versions:
            window = _window(_must(policy.window(version)))
            # Every code of a group shares one row: same version, determination, window.
            rows = [
                {
                    "policy": number,
                    "version": version.effective.isoformat(),
                    "determination": group.determination,
                    "basis": group.basis,
                    "heading": group.heading,
                    "window": window,
                }
                for group in version.groups
            ]
            for row in version.codes:
                index[code_shard(row.system, row.code)][row.code].append(rows[row.group])
            counts["code_rows"] += len(version.codes)
    for shard, codes in index.items():
        for rows in codes.values():
            rows.sort(key=lambda row: (row["policy"], row["version"]))
        system = shard.split("/")[1]
        files[shard] = canonical_json({"kind": "code-index", "system": system, "codes": codes})
    files["catalog.json"] = canonical_json({"kind": "catalog", "policies": catalog})
    files["supersession.json"] = canonical_json(_supersession(repository, files))
    if organization is not None:
        files["organization.json"] = canonical_json(
            {"kind": "organization", "organization": organization}
        )
    return files, counts


def _must(window: Window | None) -> Window:
    assert window is not None  # only versions with a window are published
    return window


def _policy_document(
    repository: Repository, policy: Policy, versions: list[Version]
) -> dict[str, Any]:
    return {
        "kind": "policy",
        "number": policy.number,
        "title": policy.title,
        "retired": policy.retired.isoformat() if policy.retired else None,
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
                "document": version.document,
            }
            for version in versions
        ],
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


def source_digest(sources: dict[str, bytes]) -> str:
    """SHA-256 over every source file's path and digest, in path order."""
    lines = "".join(f"{sha256_hex(data)}  {path}\n" for path, data in sorted(sources.items()))
    return sha256_hex(lines.encode("utf-8"))


def build_bundle(
    repository: Repository,
    organization: dict[str, Any] | None,
    sources: dict[str, bytes],
    provenance: Provenance,
    as_of: date | None = None,
) -> tuple[dict[str, bytes], bytes]:
    """The bundle files and the manifest that lists them, from a validated repository."""
    files, counts = build_files(repository, organization, as_of)
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
