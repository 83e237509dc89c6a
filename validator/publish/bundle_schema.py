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

from validator.check.schemas import ORGANIZATION_SCHEMA, POLICY_SCHEMA, load_schema
from validator.consume.coverage import LINES_OF_BUSINESS
from validator.publish.manifest import BUNDLE_FORMAT
from validator.publish.schema_parts import (
    COUNT,
    DATE,
    DATES_OF_SERVICE,
    NULLABLE_DATE,
    NULLABLE_TEXT,
    NUMBER,
    SHA256,
    WINDOW,
    WINDOW_REF,
    array,
    closed,
    code_index,
    coverage_rules,
    kind,
    prior_auth,
    prop,
)


def _embedded(name: str, under: str) -> dict[str, Any]:
    """A repository schema, with its references re-rooted to sit under $defs/<under>."""
    schema = dict(load_schema(name))
    schema.pop("$schema", None)
    schema.pop("$id", None)
    text = json.dumps(schema)
    text = re.sub(r'"#/\$defs/', f'"#/$defs/{under}/$defs/', text)
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
            "bundle_format": prop(
                "Bundle format", "Version of this layout.", {"const": BUNDLE_FORMAT}
            ),
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
                NULLABLE_DATE,
            ),
            "counts": closed(
                "Counts",
                "How much the bundle holds.",
                {
                    "policies": prop("Policies", "Policy files.", COUNT),
                    "versions": prop("Versions", "Versions ever in effect.", COUNT),
                    "code_rows": prop(
                        "Code rows",
                        "Code rows of those versions.",
                        COUNT,
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
                            "size": prop("Size", "Bytes.", COUNT),
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
        "A version ever in effect, with its window, its document in the second policy "
        "format (first-format files as the second reads them) and its coverage rules.",
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
                "The version in the second policy format (schema/policy.schema.json).",
                {"$ref": "#/$defs/policy_document"},
            ),
            "coverage_rules": prop(
                "Coverage rules",
                "What the coverage evaluator answers from for this version.",
                {"$ref": "#/$defs/coverage_rules"},
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
                "Retired", "First day the policy no longer applies, or null.", NULLABLE_DATE
            ),
            "retirement": prop(
                "Retirement",
                "What retires the policy, or null.",
                {"anyOf": [_retirement(), {"type": "null"}]},
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
                array(_version()),
            ),
        },
    )


def _retirement() -> dict[str, Any]:
    """A policy's retirement, in a policy file."""
    return closed(
        "Retirement",
        "A retirement record (policies/<number>/retirement.yaml), or a first-format "
        "version that declared one.",
        {
            "retired": prop("Retired", "First date of service it no longer applies to.", DATE),
            "published": prop("Published", "When it was announced, or null.", NULLABLE_DATE),
            "reason": prop("Reason", "Why, as the organisation says it, or null.", NULLABLE_TEXT),
            "source": prop("Source", "The file that declares it.", {"type": "string"}),
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
                            "retired": prop("Retired", "Retirement date, or null.", NULLABLE_DATE),
                            "versions": prop(
                                "Versions",
                                "Published versions.",
                                array(_catalog_version()),
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
        "organization.json: what the organisation offers, as the coverage evaluator needs "
        "it, and the text every policy of the organisation shares.",
        {
            "kind": kind("organization"),
            "organization": prop(
                "Organisation file",
                "policies/organization.yaml as written (schema/organization.schema.json), "
                "or null when the repository has none.",
                {"anyOf": [{"$ref": "#/$defs/organization_file"}, {"type": "null"}]},
            ),
            "lines_of_business": prop(
                "Lines of business offered",
                "A version without applicability applies to these (all five when the "
                "organisation file does not say).",
                {"type": "array", "items": {"enum": list(LINES_OF_BUSINESS)}, "uniqueItems": True},
            ),
            "products": prop(
                "Products",
                "The organisation's own products, by identifier, to their line of business.",
                {
                    "type": "object",
                    "patternProperties": {
                        "^[a-z0-9][a-z0-9-]{0,63}$": {"enum": list(LINES_OF_BUSINESS)}
                    },
                    "additionalProperties": False,
                },
            ),
        },
    )


def bundle_schema() -> dict[str, Any]:
    """One schema for every bundle file: a oneOf over the kinds, each a named part."""
    kinds = {
        "manifest": _manifest(),
        "policy": _policy(),
        "code-index": code_index(),
        "catalog": _catalog(),
        "supersession": _supersession(),
        "organization": _organization(),
        "prior-auth": prior_auth(),
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"urn:policyrepo:schema:bundle:{BUNDLE_FORMAT}",
        "title": "policyrepo bundle file",
        "description": f"Any file of a policyrepo bundle (format {BUNDLE_FORMAT}), recognised "
        "by its kind. "
        "Generated by validator.bundle_schema.",
        "oneOf": [{"$ref": f"#/$defs/{name}"} for name in sorted(kinds)],
        "$defs": {
            **kinds,
            "window": WINDOW,
            "dates_of_service": DATES_OF_SERVICE,
            "coverage_rules": coverage_rules(),
            "policy_document": _embedded(POLICY_SCHEMA, "policy_document"),
            "organization_file": _embedded(ORGANIZATION_SCHEMA, "organization_file"),
        },
    }


def render() -> str:
    return json.dumps(bundle_schema(), indent=2, ensure_ascii=False) + "\n"


if __name__ == "__main__":
    print(render(), end="")
