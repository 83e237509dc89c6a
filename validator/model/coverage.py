"""A version's coverage as rules: what :func:`validator.consume.coverage.evaluate` answers
from, and what a bundle publishes for each version (``coverage_rules``).

The rules hold the version's applicability, its code groups by identifier (system, role,
determination, heading, whether it has an "all other codes" row), and every coverage
statement that governs services, with its conditions and what comes with it: the
criteria tree it refers to (resolved, so the rules stand alone), limits, modifiers, the
claim qualifiers it is billed with, prior authorisation and documentation. Everything is
plain JSON, and nothing depends on where the version was read from.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from validator.model.coding import CodeGroup

#: What a statement carries into its rules, besides its identity and determination.
_CONDITIONS = (
    "applicability",
    "diagnoses",
    "limits",
    "modifiers",
    "billing",
    "prior_authorization",
    "documentation",
)


def compile_rules(document: dict[str, Any], groups: Sequence[CodeGroup]) -> dict[str, Any]:
    """The coverage rules of a second-format document whose groups are ``groups``."""
    trees = {tree["id"]: tree for tree in document.get("criteria", [])}
    return {
        "applicability": document.get("applicability"),
        "groups": {
            group.id: {
                "system": group.system,
                "role": group.role,
                "determination": group.determination,
                "basis": group.basis,
                "heading": group.heading,
                "catch_all": group.catch_all is not None,
            }
            for group in groups
        },
        "statements": [
            _statement(statement, trees)
            for statement in document["coverage"]
            if statement.get("services")
        ],
    }


def _statement(statement: dict[str, Any], trees: dict[str, dict[str, Any]]) -> dict[str, Any]:
    rule: dict[str, Any] = {
        "id": statement["id"],
        "determination": statement["determination"],
        "basis": statement["basis"],
        "services": list(statement["services"]),
    }
    for key in _CONDITIONS:
        if key in statement:
            rule[key] = statement[key]
    if "criteria" in statement:
        rule["criteria"] = trees.get(statement["criteria"])  # None: an unknown id, reported
    return rule
