"""Render coverage answers in context, diagnosis support and the prior-authorisation list
as text or JSON (``lookup`` and ``prior-auth``)."""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import Any

from validator.cli.answers import dump, spoken, text_lines, window_json
from validator.cli.display import printable
from validator.consume.coverage import Context, Evaluation
from validator.consume.crd import coverage_information
from validator.model.resolve import Answer, Governing, PriorAuthorization, Support

#: How each context dimension is written on the command line, for "needs" lines.
_OPTIONS = {
    "diagnosis": "--diagnosis",
    "line-of-business": "--line-of-business",
    "state": "--state",
    "setting": "--setting",
    "place-of-service": "--place-of-service",
    "age": "--age",
    "sex": "--sex",
    "modifier": "--modifier",
}


def describe_context(context: Context) -> str:
    """The context as a reader says it: ``billed with ICD-10-CM C61, state PA``."""
    parts = []
    if context.diagnoses:
        parts.append("billed with " + " and ".join(f"{s} {c}" for s, c in context.diagnoses))
    elif context.diagnoses == ():
        parts.append("no diagnosis")
    for label, value in (
        ("line of business", context.line_of_business),
        ("state", context.state),
        ("setting", context.setting),
        ("place of service", context.place_of_service),
        ("age", context.age),
        ("sex", context.sex),
    ):
        if value is not None:
            parts.append(f"{label} {value}")
    if context.modifiers:
        parts.append("modifiers " + ", ".join(context.modifiers))
    elif context.modifiers == ():
        parts.append("no modifier")
    return ", ".join(parts)


def _heading(system: str, code: str, on: date, context: Context) -> str:
    described = describe_context(context)
    return f"{system} {code} on {on}" + (f", {described}" if described else "") + ":"


def _version_lines(governing: Governing) -> list[str]:
    version = governing.version
    return [
        f"  policy {version.number} {version.title}",
        f"    version {version.effective} ({version.path}), in effect "
        f"{governing.window.describe()}",
    ]


def _evaluation_lines(evaluation: Evaluation) -> list[str]:
    if not evaluation.applies:
        return [f"    {evaluation.reason}"]
    if evaluation.covered == "conditional":
        needs = ", ".join(_OPTIONS[d] for d in evaluation.info_needed)
        lines = [f"    conditional: {evaluation.reason}", f"    needs: {needs}"]
    else:
        decision = spoken(evaluation.covered)
        if evaluation.determination == "conditionally-covered":
            decision = "covered when the criteria are met"
        if evaluation.basis:
            decision += f": {spoken(evaluation.basis)}"
        lines = [f"    {decision} ({evaluation.reason})"]
    if evaluation.prior_authorization is not None:
        pa = {
            "auth-needed": "needed",
            "no-auth": "not needed",
            "conditional": "conditional",
        }[evaluation.prior_authorization]
        if evaluation.pa_condition:
            pa += f": {evaluation.pa_condition}"
        lines.append(f"    prior authorisation: {pa}")
    for doc in evaluation.documentation:
        purposes = ", ".join(doc["purpose"])
        lines.append(f"    documentation ({doc['kind']}, {purposes}): {doc['text']}")
    for limit in evaluation.limits:
        lines.append(f"    limit: {limit['text']}")
    if evaluation.criteria is not None:
        lines.append(f"    criteria to meet: {_criterion(evaluation.criteria)}")
    if evaluation.modifiers:
        lines.append(f"    modifiers: {_modifiers(evaluation.modifiers)}")
    return lines


def _criterion(node: dict[str, Any]) -> str:
    """A criteria tree on one line: leaves by their wording, groups by their kind."""
    if "all_of" in node:
        return "all of (" + "; ".join(_criterion(child) for child in node["all_of"]) + ")"
    if "any_of" in node:
        return "any of (" + "; ".join(_criterion(child) for child in node["any_of"]) + ")"
    if "of" in node:
        inner = "; ".join(_criterion(child) for child in node["of"])
        return f"at least {node['at_least']} of ({inner})"
    return " ".join(str(node["text"]).split())


def _modifiers(modifiers: dict[str, list[str]]) -> str:
    words = {"required": "required", "one_of": "one of", "allowed": "allowed", "excluded": "not"}
    return "; ".join(f"{words[kind]} {', '.join(names)}" for kind, names in modifiers.items())


def coverage_text(system: str, code: str, on: date, context: Context, answers: list[Answer]) -> str:
    if not answers:
        return text_lines(
            [f"{system} {code} on {on}: no version in the repository was in effect for this code"]
        )
    lines = [_heading(system, code, on, context)]
    for answer in answers:
        lines += _version_lines(answer.governing) + _evaluation_lines(answer.evaluation)
    return text_lines(lines)


def _governing_json(governing: Governing) -> dict[str, Any]:
    version = governing.version
    return {
        "policy": version.number,
        "title": version.title,
        "version": version.effective.isoformat(),
        "path": version.path,
        "window": window_json(governing.window),
        "group": governing.group.id,
        "role": governing.group.role,
        "determination": governing.determination,
        "basis": governing.basis,
        "heading": governing.heading,
    }


def coverage_json(system: str, code: str, on: date, context: Context, answers: list[Answer]) -> str:
    return dump(
        {
            "system": system,
            "code": code,
            "on": on.isoformat(),
            "context": describe_context(context),
            "governing": [
                {**_governing_json(a.governing), "answer": a.evaluation.to_json()} for a in answers
            ],
        }
    )


def support_text(system: str, code: str, on: date, supports: list[Support]) -> str:
    if not supports:
        return text_lines(
            [f"{system} {code} on {on}: no version in the repository was in effect for this code"]
        )
    lines = [f"{system} {code} on {on} (a diagnosis: it supports or excludes services):"]
    for support in supports:
        lines += _version_lines(support.governing)
        heading = support.governing.heading
        groups = support.governing.version.coverage_rules["groups"]
        services = " and ".join(
            f'the {groups[g]["system"]} codes under "{groups[g]["heading"]}"'
            for g in support.services
        )
        if support.statements:
            for statement in support.statements:
                decides = spoken(statement["determination"])
                lines.append(
                    f'    listed under "{heading}": required by statement {statement["id"]}'
                    f" ({decides})"
                )
            lines.append(f"    for {services}")
        else:
            lines.append(
                f'    listed under "{heading}": {spoken(support.governing.determination)}'
                f" with {services or 'no service of the version'}"
            )
    return text_lines(lines)


def support_json(system: str, code: str, on: date, supports: list[Support]) -> str:
    return dump(
        {
            "system": system,
            "code": code,
            "on": on.isoformat(),
            "governing": [
                {
                    **_governing_json(s.governing),
                    "services": list(s.services),
                    "statements": [statement["id"] for statement in s.statements],
                }
                for s in supports
            ],
        }
    )


def _prior_auth_row(item: PriorAuthorization) -> dict[str, Any]:
    pa = item.statement["prior_authorization"]
    return {
        "system": item.system,
        "code": item.code,
        "policy": item.version.number,
        "title": item.version.title,
        "version": item.version.effective.isoformat(),
        "window": window_json(item.window),
        "statement": item.statement["id"],
        "required": pa["required"],
        "condition": pa.get("condition"),
        "documentation": [doc["text"] for doc in item.statement.get("documentation", [])],
    }


def prior_auth_text(on: date, line: str | None, items: list[PriorAuthorization]) -> str:
    scope = f" for {line}" if line else ""
    lines = []
    for item in items:
        row = _prior_auth_row(item)
        condition = f" when {row['condition']}" if row["condition"] else ""
        lines.append(
            f"{row['system']} {row['code']}  policy {row['policy']} version {row['version']}"
            f"  statement {row['statement']}: {spoken(row['required'])}{condition}"
        )
        lines += [f"    documentation: {text}" for text in row["documentation"]]
    count = f"{len(items)} code needs" if len(items) == 1 else f"{len(items)} codes need"
    lines.append(f"{count} prior authorisation on {on}{scope}")
    return text_lines(lines)


def prior_auth_json(on: date, line: str | None, items: list[PriorAuthorization]) -> str:
    return dump(
        {
            "on": on.isoformat(),
            "line_of_business": line,
            "codes": [_prior_auth_row(item) for item in items],
        }
    )


def prior_auth_csv(on: date, line: str | None, items: list[PriorAuthorization]) -> str:
    """One row per code and statement, for spreadsheets and the CMS-0057-F list."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(
        [
            "system",
            "code",
            "policy",
            "title",
            "version",
            "statement",
            "required",
            "condition",
            "documentation",
        ]
    )
    for item in items:
        row = _prior_auth_row(item)
        cells = [
            row["system"],
            row["code"],
            row["policy"],
            row["title"],
            row["version"],
            row["statement"],
            row["required"],
            row["condition"] or "",
            " | ".join(row["documentation"]),
        ]
        writer.writerow([_cell(cell) for cell in cells])
    return out.getvalue()


def _cell(text: str) -> str:
    """A cell a spreadsheet shows as text: one line, and never read as a formula (a
    policy title starting with ``=`` must not run in the analyst's spreadsheet)."""
    text = printable(" ".join(text.split()))
    return f"'{text}" if text.startswith(("=", "+", "-", "@")) else text


def coverage_crd(system: str, code: str, answers: list[Answer]) -> str:
    """Each applying version's answer as a Da Vinci CRD ``coverage-information`` extension."""
    return dump(
        [
            {
                "policy": a.governing.version.number,
                "version": a.governing.version.effective.isoformat(),
                "coverage-information": coverage_information(
                    a.evaluation, billing_code=code, system=system
                ),
            }
            for a in answers
            if a.evaluation.applies
        ]
    )
