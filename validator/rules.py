"""The rule registry: every rule ID the validator can report, with its documentation.

Each check module registers its rules here when it is imported. The rule catalogue
(``docs/rules.md``) is generated from this registry, so a rule cannot exist without
its documentation, and a test keeps the catalogue in step with the code.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass

from validator.findings import Finding, Severity


@dataclass(frozen=True)
class Rule:
    """A rule: its ID, default severity, what it protects and one failing example."""

    id: str
    severity: Severity
    summary: str
    protects: str
    example: str
    family: str

    def finding(
        self,
        path: str,
        line: int,
        column: int,
        message: str,
        *,
        pointer: str = "",
        hint: str = "",
        severity: Severity | None = None,
    ) -> Finding:
        return Finding(
            path=path,
            line=line,
            column=column,
            rule=self.id,
            severity=self.severity if severity is None else severity,
            message=message,
            pointer=pointer,
            hint=hint,
        )


RULES: dict[str, Rule] = {}

#: The order families appear in the catalogue: the order a file is checked in.
FAMILIES = (
    "Reading the file",
    "Repository layout",
    "Schema",
    "Dates",
    "Codes",
    "Timeline",
    "Supersession",
)


def catalogue() -> list[Rule]:
    """Every rule, in the order a file is checked, then by ID."""
    # Rules register when their modules are imported; validate imports every check.
    importlib.import_module("validator.validate")
    return sorted(RULES.values(), key=lambda rule: (FAMILIES.index(rule.family), rule.id))


def register(
    id: str, severity: Severity, summary: str, *, protects: str, example: str, family: str
) -> Rule:
    if id in RULES or family not in FAMILIES:
        raise ValueError(f"rule {id}: registered twice or unknown family {family!r}")
    rule = Rule(id, severity, summary, protects, example.strip("\n"), family)
    RULES[id] = rule
    return rule


def render_catalogue() -> str:
    """Render the rule catalogue as Markdown, grouped by family in registration order."""
    lines = [
        "# Rule catalogue",
        "",
        "Every finding `policyrepo validate` reports carries one of these rule IDs.",
        "This page is generated from the rules themselves (`policyrepo rules --format",
        "markdown`); a test fails when it falls out of step with the code.",
        "",
        "| rule | severity | summary |",
        "|---|---|---|",
    ]
    for rule in catalogue():
        lines.append(f"| [`{rule.id}`](#{rule.id}) | {rule.severity} | {rule.summary} |")
    family = None
    for rule in catalogue():
        if rule.family != family:
            family = rule.family
            lines += ["", f"## {family}"]
        lines += [
            "",
            f"### {rule.id}",
            "",
            f"**{rule.severity}**: {rule.summary}",
            "",
            rule.protects,
            "",
            "Fails:",
            "",
            "```yaml",
            rule.example,
            "```",
        ]
    return "\n".join(lines) + "\n"
