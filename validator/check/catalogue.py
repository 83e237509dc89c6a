"""The rule catalogue: every rule ID the validator can report, with its documentation.

It is assembled here, above every stage that defines rules, by importing each rule
family explicitly; no module below needs to know this one. ``docs/rules.md`` is
generated from it, so a rule cannot exist without its documentation, and a test keeps
the page in step with the code.
"""

from __future__ import annotations

from types import ModuleType

from validator.check import history, schemas
from validator.check.rules import (
    applicability,
    codes,
    coverage,
    criteria,
    dates,
    limits,
    paths,
    placeholders,
    references,
    retirement,
    service_dates,
    supersession,
    timeline,
)
from validator.findings import Rule
from validator.read import files, parse, text, values

#: The order families appear in the catalogue: the order a file is checked in.
FAMILIES = (
    "Reading the file",
    "Repository layout",
    "Schema",
    "Text",
    "Dates",
    "Codes",
    "Statements",
    "Applicability",
    "Timeline",
    "Supersession",
    "History",
)

#: Every module that defines rules, from the first stage a file meets to the last.
RULE_MODULES: tuple[ModuleType, ...] = (
    text,
    parse,
    values,
    files,
    paths,
    schemas,
    placeholders,
    dates,
    service_dates,
    codes,
    coverage,
    references,
    criteria,
    limits,
    applicability,
    timeline,
    retirement,
    supersession,
    history,
)


def _assemble(modules: tuple[ModuleType, ...]) -> dict[str, Rule]:
    rules: dict[str, Rule] = {}
    for module in modules:
        for rule in vars(module).values():
            if not isinstance(rule, Rule) or rules.get(rule.id) is rule:
                continue  # not a rule, or one module importing another's
            if rule.id in rules or rule.family not in FAMILIES:
                raise ValueError(f"rule {rule.id}: defined twice or unknown family {rule.family!r}")
            rules[rule.id] = rule
    return rules


#: Rule ID to rule, for every rule the validator reports.
RULES: dict[str, Rule] = _assemble(RULE_MODULES)


def catalogue() -> list[Rule]:
    """Every rule, in the order a file is checked, then by ID."""
    return sorted(RULES.values(), key=lambda rule: (FAMILIES.index(rule.family), rule.id))


def render_catalogue() -> str:
    """Render the rule catalogue as Markdown, grouped by family in the order of checking."""
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
