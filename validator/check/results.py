"""One file's results as JSON text: what the cache keeps, and what worker processes send.

JSON, never pickle: a cache directory can come from a checkout nobody vetted, and
loading JSON runs no code. The text holds everything ``check_source`` returns, so that a
result read back is equal to the one checked, down to the version's document and the
positions of its values.
"""

from __future__ import annotations

import json
from typing import Any

from validator.check.source import FileResult
from validator.findings import Finding, Severity
from validator.model.timeline import Retirement
from validator.model.versions import Version


class MalformedResults(ValueError):
    """Text that does not hold a file's results as ``dumps`` writes them."""


def dumps(result: FileResult) -> str:
    """The results as JSON text, ASCII only (a lone surrogate in a message survives)."""
    return json.dumps(
        {
            "findings": [finding_json(finding) for finding in result.findings],
            "version": None if result.version is None else result.version.to_json(),
            "organization": result.organization,
            "retirement": None if result.retirement is None else result.retirement.to_json(),
            "places": result.places,
        },
        separators=(",", ":"),
    )


def loads(text: str | bytes) -> FileResult:
    """The results ``dumps`` wrote; MalformedResults for anything else."""
    try:
        value = json.loads(text)
        return FileResult(
            [read_finding(finding) for finding in value["findings"]],
            version=None if value["version"] is None else Version.from_json(value["version"]),
            organization=value["organization"],
            retirement=(
                None if value["retirement"] is None else Retirement.from_json(value["retirement"])
            ),
            places={pointer: (line, column) for pointer, (line, column) in value["places"].items()},
        )
    # Whatever the text holds, a wrong shape ends in one of these; RecursionError for
    # arrays nested deeper than the parser goes.
    except (ValueError, KeyError, TypeError, IndexError, AttributeError, RecursionError) as error:
        raise MalformedResults(str(error)) from None


def finding_json(finding: Finding) -> list[Any]:
    return [
        finding.path,
        finding.line,
        finding.column,
        finding.rule,
        int(finding.severity),
        finding.message,
        finding.pointer,
        finding.hint,
    ]


def read_finding(value: list[Any]) -> Finding:
    path, line, column, rule, severity, message, pointer, hint = value
    return Finding(path, line, column, rule, Severity(severity), message, pointer, hint)
