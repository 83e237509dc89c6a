"""Turn a report into output. Reporters never check; checks never print."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from validator import __version__
from validator.check.catalogue import catalogue
from validator.check.validate import Report
from validator.cli.display import json_text, markdown_cell, printable
from validator.findings import Finding, Severity

REPORT_FORMAT_VERSION = 1


def summary_line(report: Report) -> str:
    counts = report.counts()
    files = f"{report.files} file" + ("" if report.files == 1 else "s")
    return (
        f"checked {files}: {_plural(counts[Severity.ERROR], 'error')}, "
        f"{_plural(counts[Severity.WARNING], 'warning')}, "
        f"{_plural(counts[Severity.INFO], 'note')}"
    )


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" + ("" if count == 1 else "s")


def _location(finding: Finding) -> str:
    path = printable(finding.path)
    if finding.line:
        return f"{path}:{finding.line}:{finding.column}"
    return path


def report_text(report: Report) -> str:
    """One line per finding and one per fix; file names and messages are escaped, so no
    line can pass for another finding or for a workflow command."""
    lines = []
    for finding in report.findings:
        lines.append(
            f"{_location(finding)}: {finding.severity} {finding.rule}: {printable(finding.message)}"
        )
        if finding.hint:
            lines.append(f"    fix: {printable(finding.hint)}")
    lines.append(summary_line(report))
    return "\n".join(lines) + "\n"


def report_json(report: Report) -> str:
    counts = report.counts()
    document = {
        "format_version": REPORT_FORMAT_VERSION,
        "findings": [
            {
                "path": finding.path,
                "line": finding.line,
                "column": finding.column,
                "rule": finding.rule,
                "severity": str(finding.severity),
                "message": finding.message,
                "pointer": finding.pointer,
                "hint": finding.hint,
            }
            for finding in report.findings
        ],
        "summary": {
            "files": report.files,
            "errors": counts[Severity.ERROR],
            "warnings": counts[Severity.WARNING],
            "info": counts[Severity.INFO],
        },
    }
    return json_text(document)


_GITHUB_COMMAND = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def _escape_data(text: str) -> str:
    # GitHub's own escapes first (a newline in a message is a line break in the
    # annotation), then every other control or invisible character made visible.
    escaped = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return printable(escaped)


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def report_github(report: Report) -> str:
    """GitHub Actions workflow commands: each finding becomes an annotation on the diff.

    The summary comes first: GitHub shows only the first ten annotations of a kind per
    step, so the counts are what a reviewer always sees (and the job summary, written
    by the validate command, holds every finding)."""
    lines = [summary_line(report)]
    for finding in report.findings:
        properties = [f"file={_escape_property(finding.path)}"]
        if finding.line:
            properties += [f"line={finding.line}", f"col={finding.column}"]
        properties.append(f"title={_escape_property(finding.rule)}")
        message = finding.message + (f"\nfix: {finding.hint}" if finding.hint else "")
        lines.append(
            f"::{_GITHUB_COMMAND[finding.severity]} {','.join(properties)}::{_escape_data(message)}"
        )
    return "\n".join(lines) + "\n"


def report_markdown(report: Report) -> str:
    """Every finding as a Markdown table, for a pull request's job summary."""
    lines = ["## policyrepo validate", "", f"**{summary_line(report)}**"]
    if report.findings:
        lines += [
            "",
            "| File | Line | Severity | Rule | Message | Fix |",
            "|---|---|---|---|---|---|",
        ]
        for finding in report.findings:
            cells = [
                finding.path,
                f"{finding.line}:{finding.column}" if finding.line else "",
                str(finding.severity),
                finding.rule,
                finding.message,
                finding.hint,
            ]
            lines.append("| " + " | ".join(markdown_cell(cell) for cell in cells) + " |")
    return "\n".join(lines) + "\n"


_SARIF_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def report_sarif(report: Report) -> str:
    """SARIF 2.1.0, for GitHub code scanning and other tools that read static analysis
    results: the rules of the catalogue, and each finding at its file, line and column."""
    rules = catalogue()
    index = {rule.id: position for position, rule in enumerate(rules)}
    results = []
    for finding in report.findings:
        location: dict[str, Any] = {
            "artifactLocation": {"uri": quote(finding.path), "uriBaseId": "%SRCROOT%"}
        }
        if finding.line:
            location["region"] = {"startLine": finding.line, "startColumn": finding.column}
        text = finding.message + (f" Fix: {finding.hint}." if finding.hint else "")
        results.append(
            {
                "ruleId": finding.rule,
                "ruleIndex": index[finding.rule],
                "level": _SARIF_LEVEL[finding.severity],
                "message": {"text": text},
                "locations": [{"physicalLocation": location}],
            }
        )
    document = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "policyrepo",
                        "version": __version__,
                        "rules": [
                            {
                                "id": rule.id,
                                "name": rule.id,
                                "shortDescription": {"text": rule.summary},
                                "fullDescription": {"text": rule.protects},
                                "defaultConfiguration": {"level": _SARIF_LEVEL[rule.severity]},
                                "helpUri": f"docs/rules.md#{rule.id}",
                            }
                            for rule in rules
                        ],
                    }
                },
                "columnKind": "unicodeCodePoints",
                "results": results,
            }
        ],
    }
    return json_text(document)


REPORTERS: dict[str, Callable[[Report], str]] = {
    "text": report_text,
    "json": report_json,
    "github": report_github,
    "sarif": report_sarif,
    "markdown": report_markdown,
}
