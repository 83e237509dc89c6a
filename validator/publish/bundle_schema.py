"""The JSON Schema of every bundle file, generated so that it embeds the policy schema.

``schema/bundle.schema.json`` is this module's output (``python -m
validator.publish.bundle_schema > schema/bundle.schema.json``); a test keeps the file current.
Each bundle file carries a ``kind``, and the schema checks each kind's shape, so one
schema validates any file of a bundle in any language.
"""

from __future__ import annotations

import json
import re
from typing import Any

from validator.check.schemas import POLICY_SCHEMA, load_schema
from validator.publish.schema_parts import (
    DATE,
    NULLABLE_TEXT,
    NUMBER,
    SHA256,
    WINDOW,
    WINDOW_REF,
    closed,
    kind,
    prop,
)


def _policy_document() -> dict[str, Any]:
    """The policy schema, with its references re-rooted to sit under $defs."""
    schema = dict(load_schema(POLICY_SCHEMA))
    schema.pop("$schema", None)
    schema.pop("$id", None)
    text = json.dumps(schema)
    text = re.sub(r'"#/\$defs/', '"#/$defs/policy_document/$defs/', text)
    embedded: dict[str, Any] = json.loads(text)
    return embedded


def _manifest() -> dict[str, Any]:
    """manifest.json: what the bundle holds, where it came from, every file's digest."""
    return closed(
        "Manifest",
        "manifest.json: what the bundle holds and where it comes from. Its signature, when "
        "signed, is manifest.sig (Ed25519, base64).",
        {
            "kind": kind("manifest"),
            "bundle_format": prop("Bundle format", "Version of this layout.", {"const": 1}),
            "source": closed(
                "Source",
                "The repository the bundle was built from.",
                {
                    "revision": prop(
                        "Revision",
                        "Git commit of the sources, or null outside git.",
                        {
                            "anyOf": [
                                {"type": "string", "pattern": "^[0-9a-f]{40,64}$"},
                                {"type": "null"},
                            ]
                        },
                    ),
                    "dirty": prop(
                        "Dirty",
                        "False only when every source file's bytes are the blobs of the "
                        "revision and it holds no other file under policies/; true otherwise; "
                        "null outside git.",
                        {"type": ["boolean", "null"]},
                    ),
                    "digest": prop(
                        "Source digest",
                        "SHA-256 over each source file's SHA-256 and path, in path order.",
                        SHA256,
                    ),
                },
            ),
            "created": prop(
                "Created",
                "SOURCE_DATE_EPOCH or the commit time, UTC; never the wall clock. Null when "
                "neither is known.",
                {
                    "anyOf": [
                        {
                            "type": "string",
                            "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$",
                        },
                        {"type": "null"},
                    ]
                },
            ),
            "as_of": prop(
                "As of",
                "With --as-of, only what is in effect on or after this date is included.",
                {"anyOf": [DATE, {"type": "null"}]},
            ),
            "counts": closed(
                "Counts",
                "How much the bundle holds.",
                {
                    "policies": prop(
                        "Policies", "Policy files.", {"type": "integer", "minimum": 0}
                    ),
                    "versions": prop(
                        "Versions", "Versions ever in effect.", {"type": "integer", "minimum": 0}
                    ),
                    "code_rows": prop(
                        "Code rows",
                        "Code rows of those versions.",
                        {"type": "integer", "minimum": 0},
                    ),
                },
            ),
            "files": prop(
                "Files",
                "Every other file of the bundle (not manifest.json or manifest.sig), by name.",
                {
                    "type": "array",
                    "items": closed(
                        "File",
                        "One file: its path in the bundle, size in bytes and SHA-256.",
                        {
                            "name": prop(
                                "Name",
                                "Path within the bundle, / separated.",
                                {"type": "string", "pattern": "^[A-Za-z0-9][A-Za-z0-9._/-]*$"},
                            ),
                            "size": prop("Size", "Bytes.", {"type": "integer", "minimum": 0}),
                            "sha256": prop("SHA-256", "Hex digest of the bytes.", SHA256),
                        },
                    ),
                },
            ),
        },
    )


def _version() -> dict[str, Any]:
    """One published version inside a policy file."""
    return closed(
        "Published version",
        "A version ever in effect, with its window and the document as written.",
        {
            "version": prop("Version", "The version's effective date, which names it.", DATE),
            "source": prop("Source", "Its file in the repository.", {"type": "string"}),
            "status": prop(
                "Status",
                "active or retired (drafts are not published).",
                {"enum": ["active", "retired"]},
            ),
            "window": prop("Window", "When it is in effect.", WINDOW_REF),
            "document": prop(
                "Document",
                "The version as written in the repository (schema/policy.schema.json).",
                {"$ref": "#/$defs/policy_document"},
            ),
        },
    )


def _policy() -> dict[str, Any]:
    """policies/<number>.json."""
    return closed(
        "Policy file",
        "policies/<number>.json: one policy and its published versions, oldest first.",
        {
            "kind": kind("policy"),
            "number": prop("Number", "The policy number.", NUMBER),
            "title": prop("Title", "Title of the latest version.", {"type": "string"}),
            "retired": prop(
                "Retired",
                "First day the policy no longer applies, or null.",
                {"anyOf": [DATE, {"type": "null"}]},
            ),
            "replaced_by": prop(
                "Replaced by",
                "Policies that replace this one, from the day their first replacing version "
                "takes effect.",
                {
                    "type": "array",
                    "items": closed(
                        "Replacement",
                        "A replacing policy.",
                        {
                            "policy": prop("Policy", "The replacing policy's number.", NUMBER),
                            "from": prop("From", "When it replaces this one.", DATE),
                        },
                    ),
                },
            ),
            "versions": prop(
                "Versions",
                "Published versions, oldest first.",
                {"type": "array", "items": _version()},
            ),
        },
    )


def _index_row() -> dict[str, Any]:
    """One row of the code index."""
    return closed(
        "Index row",
        "A version that lists the code, with its determination and window.",
        {
            "policy": prop("Policy", "Policy number.", NUMBER),
            "version": prop("Version", "The version's effective date.", DATE),
            "determination": prop(
                "Determination",
                "covered, conditionally-covered or not-covered.",
                {"enum": ["covered", "conditionally-covered", "not-covered"]},
            ),
            "basis": prop("Basis", "Reason for the determination, or null.", NULLABLE_TEXT),
            "heading": prop("Heading", "The code table's heading.", {"type": "string"}),
            "window": prop("Window", "When the version is in effect.", WINDOW_REF),
        },
    )


def _code_index() -> dict[str, Any]:
    """codes/<SYSTEM>/<shard>.json."""
    return closed(
        "Code index shard",
        "codes/<SYSTEM>/<first two characters of the code, dots removed>.json: code to rows.",
        {
            "kind": kind("code-index"),
            "system": prop(
                "System",
                "The code system of every code in the shard.",
                {"enum": ["CPT", "HCPCS", "ICD-9-CM", "ICD-9-CM-PROC", "ICD-10-CM", "ICD-10-PCS"]},
            ),
            "codes": prop(
                "Codes",
                "Each code as written in policies, to the rows of the versions listing it.",
                {
                    "type": "object",
                    "patternProperties": {
                        "^[0-9A-Z][0-9A-Z.]{0,9}$": {
                            "type": "array",
                            "items": _index_row(),
                            "minItems": 1,
                        }
                    },
                    "additionalProperties": False,
                },
            ),
        },
    )


def _catalog_version() -> dict[str, Any]:
    """One version in the catalog."""
    return closed(
        "Catalog version",
        "A published version and its window.",
        {
            "version": prop("Version", "Effective date.", DATE),
            "window": prop("Window", "When in effect.", WINDOW_REF),
        },
    )


def _catalog() -> dict[str, Any]:
    """catalog.json."""
    return closed(
        "Catalog",
        "catalog.json: every published policy with its file and versions.",
        {
            "kind": kind("catalog"),
            "policies": prop(
                "Policies",
                "By number.",
                {
                    "type": "array",
                    "items": closed(
                        "Catalog entry",
                        "One policy.",
                        {
                            "number": prop("Number", "Policy number.", NUMBER),
                            "title": prop(
                                "Title", "Title of the latest version.", {"type": "string"}
                            ),
                            "file": prop(
                                "File", "Its policy file in the bundle.", {"type": "string"}
                            ),
                            "retired": prop(
                                "Retired",
                                "Retirement date, or null.",
                                {"anyOf": [DATE, {"type": "null"}]},
                            ),
                            "versions": prop(
                                "Versions",
                                "Published versions.",
                                {"type": "array", "items": _catalog_version()},
                            ),
                        },
                    ),
                },
            ),
        },
    )


def _supersession() -> dict[str, Any]:
    """supersession.json."""
    return closed(
        "Supersession graph",
        "supersession.json: which policy replaces which, and from when.",
        {
            "kind": kind("supersession"),
            "replaces": prop(
                "Replacements",
                "Edges of the graph.",
                {
                    "type": "array",
                    "items": closed(
                        "Edge",
                        "policy replaces replaced from a date.",
                        {
                            "policy": prop("Policy", "The replacing policy.", NUMBER),
                            "replaces": prop("Replaces", "The replaced policy.", NUMBER),
                            "legacy": prop(
                                "Legacy",
                                "The replaced policy is kept outside the repository.",
                                {"type": "boolean"},
                            ),
                            "from": prop(
                                "From", "When the first replacing version takes effect.", DATE
                            ),
                            "published": prop(
                                "Published",
                                "Whether the replacing policy has a file in this bundle.",
                                {"type": "boolean"},
                            ),
                        },
                    ),
                },
            ),
        },
    )


def _organization() -> dict[str, Any]:
    """organization.json."""
    return closed(
        "Organisation",
        "organization.json: text every policy of the organisation shares.",
        {
            "kind": kind("organization"),
            "organization": prop(
                "Organisation",
                "As in policies/organization.yaml (schema/organization.schema.json).",
                {
                    "type": "object",
                    "additionalProperties": False,
                    "properties": {
                        name: {
                            "title": name,
                            "description": f"The organisation file's {name}.",
                            "type": "string",
                        }
                        for name in (
                            "name",
                            "document_title",
                            "instructions_for_use",
                            "trademark_notice",
                        )
                    },
                },
            ),
        },
    )


def bundle_schema() -> dict[str, Any]:
    """One schema for every bundle file: a oneOf over the kinds, each a named part."""
    kinds = {
        "manifest": _manifest(),
        "policy": _policy(),
        "code-index": _code_index(),
        "catalog": _catalog(),
        "supersession": _supersession(),
        "organization": _organization(),
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "urn:policyrepo:schema:bundle:1",
        "title": "policyrepo bundle file",
        "description": "Any file of a policyrepo bundle (format 1), recognised by its kind. "
        "Generated by validator.bundle_schema.",
        "oneOf": [{"$ref": f"#/$defs/{name}"} for name in sorted(kinds)],
        "$defs": {**kinds, "window": WINDOW, "policy_document": _policy_document()},
    }


def render() -> str:
    return json.dumps(bundle_schema(), indent=2, ensure_ascii=False) + "\n"


if __name__ == "__main__":
    print(render(), end="")
