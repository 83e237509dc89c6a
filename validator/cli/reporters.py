"""Turn a report into output. Reporters never check; checks never print."""

from __future__ import annotations

from collections.abc import Callable

from validator.check.validate import Report
from validator.cli.display import json_text, printable
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
    """GitHub Actions workflow commands: each finding becomes an annotation on the diff."""
    lines = []
    for finding in report.findings:
        properties = [f"file={_escape_property(finding.path)}"]
        if finding.line:
            properties += [f"line={finding.line}", f"col={finding.column}"]
        properties.append(f"title={_escape_property(finding.rule)}")
        message = finding.message + (f"\nfix: {finding.hint}" if finding.hint else "")
        lines.append(
            f"::{_GITHUB_COMMAND[finding.severity]} {','.join(properties)}::{_escape_data(message)}"
        )
    lines.append(summary_line(report))
    return "\n".join(lines) + "\n"


REPORTERS: dict[str, Callable[[Report], str]] = {
    "text": report_text,
    "json": report_json,
    "github": report_github,
}
