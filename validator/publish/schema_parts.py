"""The building blocks of the bundle schema: closed objects with titled properties, and
the parts that describe coverage (a version's rules, dates of service, index rows).

Every object in a bundle file is closed (no unknown keys) and every property has a title
and a description, so that editors and generated documentation explain each field. The
schema compiles in ajv's strict mode: each ``required`` name is one of the ``properties``
beside it, and each type-specific keyword has its ``type`` beside it.
"""

from __future__ import annotations

from typing import Any

DATE: dict[str, Any] = {
    "type": "string",
    "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$",
    "format": "date",
}
NULLABLE_DATE = {"anyOf": [DATE, {"type": "null"}]}
SHA256 = {"type": "string", "pattern": "^[0-9a-f]{64}$"}
NUMBER = {"type": "string", "pattern": "^[0-9A-Za-z][0-9A-Za-z._-]{0,31}$"}
IDENTIFIER = {"type": "string", "pattern": "^[a-z0-9][a-z0-9-]{0,63}$"}
CODE = {"type": "string", "pattern": "^[0-9A-Z][0-9A-Z.]{0,9}$"}
SYSTEM = {
    "enum": [
        "CPT",
        "HCPCS",
        "ICD-9-CM-PROC",
        "ICD-10-PCS",
        "ICD-9-CM",
        "ICD-10-CM",
        "MODIFIER",
        "REVENUE",
        "BILL-TYPE",
        "POS",
    ]
}
NULLABLE_TEXT = {"type": ["string", "null"]}
COUNT = {"type": "integer", "minimum": 0}
WINDOW_REF = {"$ref": "#/$defs/window"}
DATES_REF = {"$ref": "#/$defs/dates_of_service"}


def policy_part(name: str) -> dict[str, Any]:
    """A definition of the policy schema, which the bundle schema embeds."""
    return {"$ref": f"#/$defs/policy_document/$defs/{name}"}


def nullable(schema: dict[str, Any]) -> dict[str, Any]:
    return {"anyOf": [schema, {"type": "null"}]}


def prop(title: str, description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"title": title, "description": description, **schema}


def closed(
    title: str,
    description: str,
    properties: dict[str, Any],
    optional: tuple[str, ...] = (),
) -> dict[str, Any]:
    """An object with exactly these properties, all required but the ``optional`` ones."""
    return {
        "type": "object",
        "title": title,
        "description": description,
        "properties": properties,
        "required": sorted(set(properties) - set(optional)),
        "additionalProperties": False,
    }


def kind(name: str) -> dict[str, Any]:
    return prop("Kind", f"What this file is: always {name!r} here.", {"const": name})


def array(items: dict[str, Any]) -> dict[str, Any]:
    return {"type": "array", "items": items}


WINDOW = closed(
    "Window of effect",
    "When the version is in effect: from start, up to but not including end.",
    {
        "start": prop("Start", "First day in effect (its effective date).", DATE),
        "end": prop("End", "First day no longer in effect; null while open-ended.", NULLABLE_DATE),
    },
)

DATES_OF_SERVICE = closed(
    "Dates of service",
    "When, inside the version's window, a code applies: both ends inclusive; null for no "
    "bound. Left out where the code applies throughout the window.",
    {
        "from": prop("From", "First date of service it applies to, or null.", NULLABLE_DATE),
        "through": prop(
            "Through", "Last date of service it applies to, included, or null.", NULLABLE_DATE
        ),
    },
)

ROLE = prop(
    "Role",
    "What the codes are on a claim: service (what a policy covers), diagnosis (supports or "
    "excludes services) or qualifier (modifiers, revenue codes, bill types, places of "
    "service).",
    {"enum": ["service", "diagnosis", "qualifier"]},
)
DETERMINATION = {"enum": ["covered", "conditionally-covered", "not-covered", None]}


def index_row() -> dict[str, Any]:
    """One row of the code index: a version listing the code, in one of its groups."""
    return closed(
        "Index row",
        "A version that lists the code: the group it is listed in, with the group's role "
        "and determination, the version's window and the code's dates of service.",
        {
            "policy": prop("Policy", "Policy number.", NUMBER),
            "version": prop("Version", "The version's effective date.", DATE),
            "group": prop(
                "Group", "The code group's identifier (coverage_rules.groups).", IDENTIFIER
            ),
            "role": ROLE,
            "determination": prop(
                "Determination",
                "covered, conditionally-covered or not-covered; null for claim qualifiers.",
                DETERMINATION,
            ),
            "basis": prop("Basis", "Reason for the determination, or null.", NULLABLE_TEXT),
            "heading": prop("Heading", "The code table's heading.", {"type": "string"}),
            "window": prop("Window", "When the version is in effect.", WINDOW_REF),
            "dates": prop(
                "Dates of service",
                "When the code applies inside the window; left out when throughout it.",
                DATES_REF,
            ),
        },
        optional=("dates",),
    )


def _rules_group() -> dict[str, Any]:
    return closed(
        "Code group",
        "One code group of the version, by its identifier: what the coverage evaluator "
        "needs of it (its codes are in the code index).",
        {
            "system": prop("System", "The code system of its codes.", SYSTEM),
            "role": ROLE,
            "determination": prop(
                "Determination",
                "What its heading determines; null for claim qualifiers.",
                DETERMINATION,
            ),
            "basis": prop("Basis", "Reason for the determination, or null.", NULLABLE_TEXT),
            "heading": prop("Heading", "The table's heading.", {"type": "string"}),
            "catch_all": prop(
                "Catch-all",
                'Whether the table has an "all other codes" row.',
                {"type": "boolean"},
            ),
        },
    )


def _rules_statement() -> dict[str, Any]:
    def part(title: str, description: str, name: str) -> dict[str, Any]:
        return prop(title, description, policy_part(name))

    return closed(
        "Coverage rule",
        "A coverage statement that governs services: its determination and the conditions "
        "under which it applies, as written in the version (the criteria tree resolved).",
        {
            "id": prop("Statement", "The statement's identifier.", IDENTIFIER),
            "determination": part("Determination", "Its coverage position.", "determination"),
            "basis": part("Basis", "The reason for its determination.", "basis"),
            "services": part("Services", "The service groups it governs.", "identifiers"),
            "applicability": part(
                "Applicability", "Narrows the version's applicability.", "applicability"
            ),
            "diagnoses": part(
                "Diagnoses", "The diagnoses the services are billed with.", "diagnosis_requirement"
            ),
            "criteria": prop(
                "Criteria",
                "The criteria tree it refers to; null for an identifier the version lacks.",
                nullable(policy_part("criterion")),
            ),
            "limits": prop("Limits", "Quantity and frequency limits.", array(policy_part("limit"))),
            "modifiers": part("Modifiers", "Modifiers the claim line needs.", "modifiers"),
            "billing": part("Billed with", "Claim-qualifier groups.", "identifiers"),
            "prior_authorization": part(
                "Prior authorisation", "Whether it is needed.", "prior_authorization"
            ),
            "documentation": prop(
                "Documentation",
                "What the payer needs.",
                array(policy_part("documentation")),
            ),
        },
        optional=(
            "applicability",
            "diagnoses",
            "criteria",
            "limits",
            "modifiers",
            "billing",
            "prior_authorization",
            "documentation",
        ),
    )


def coverage_rules() -> dict[str, Any]:
    """A version's coverage as rules: what the coverage evaluator answers from."""
    return closed(
        "Coverage rules",
        "The version's coverage compiled for the evaluator "
        "(validator.consume.coverage.evaluate): its applicability, code groups and the "
        "statements that govern services.",
        {
            "applicability": prop(
                "Applicability",
                "Who and where the version applies; null: everything the organisation offers.",
                nullable(policy_part("applicability")),
            ),
            "groups": prop(
                "Groups",
                "Every code group of the version, by identifier.",
                {
                    "type": "object",
                    "patternProperties": {IDENTIFIER["pattern"]: _rules_group()},
                    "additionalProperties": False,
                },
            ),
            "statements": prop(
                "Statements",
                "The statements that govern services, in printed order.",
                array(_rules_statement()),
            ),
        },
    )


def _prior_auth_requirement() -> dict[str, Any]:
    """One entry of prior-auth.json: a statement needing prior authorisation."""
    coded = closed(
        "Code",
        "A code the statement governs.",
        {
            "system": prop("System", "Its code system.", SYSTEM),
            "code": prop("Code", "As written in the policy.", CODE),
            "dates": prop(
                "Dates of service",
                "When the code applies inside the window; left out when throughout it.",
                DATES_REF,
            ),
        },
        optional=("dates",),
    )
    return closed(
        "Prior-authorisation requirement",
        "A statement of a published version whose prior authorisation is required or "
        "conditional, with the codes it governs and what it applies to.",
        {
            "policy": prop("Policy", "Policy number.", NUMBER),
            "version": prop("Version", "The version's effective date.", DATE),
            "window": prop("Window", "When the version is in effect.", WINDOW_REF),
            "statement": prop("Statement", "The statement's identifier.", IDENTIFIER),
            "required": prop(
                "Required",
                "required, or conditional (on the condition).",
                {"enum": ["required", "conditional"]},
            ),
            "condition": prop(
                "Condition",
                "When it is needed, for conditional; null otherwise.",
                NULLABLE_TEXT,
            ),
            "documentation": prop(
                "Documentation",
                "What the request needs.",
                array(policy_part("documentation")),
            ),
            "applicability": closed(
                "Applicability",
                "What the version and the statement apply to; null: no restriction.",
                {
                    "version": prop(
                        "Version", "The version's.", nullable(policy_part("applicability"))
                    ),
                    "statement": prop(
                        "Statement", "The statement's.", nullable(policy_part("applicability"))
                    ),
                },
            ),
            "codes": prop(
                "Codes", "The codes it governs, as the version lists them.", array(coded)
            ),
        },
    )


def code_index() -> dict[str, Any]:
    """codes/<SYSTEM>/<shard>.json."""
    return closed(
        "Code index shard",
        "codes/<SYSTEM>/<first two characters of the code, dots removed>.json: code to rows.",
        {
            "kind": kind("code-index"),
            "system": prop(
                "System",
                "The code system of every code in the shard.",
                SYSTEM,
            ),
            "codes": prop(
                "Codes",
                "Each code as written in policies, to the rows of the versions listing it.",
                {
                    "type": "object",
                    "patternProperties": {
                        "^[0-9A-Z][0-9A-Z.]{0,9}$": {
                            "type": "array",
                            "items": index_row(),
                            "minItems": 1,
                        }
                    },
                    "additionalProperties": False,
                },
            ),
        },
    )


def prior_auth() -> dict[str, Any]:
    """prior-auth.json."""
    return closed(
        "Prior authorisation",
        "prior-auth.json: every statement of a published version that needs prior "
        "authorisation, with the codes it governs; filter by window, dates of service and "
        "applicability to list what needs it on a date.",
        {
            "kind": kind("prior-auth"),
            "requirements": prop(
                "Requirements",
                "By policy, version and printed order of the statements.",
                array(_prior_auth_requirement()),
            ),
        },
    )
