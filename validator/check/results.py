"""One file's results as JSON text: what the cache keeps, and what worker processes send.

JSON, never pickle: a cache directory can come from a checkout nobody vetted, and
loading JSON runs no code. The text holds everything ``check_source`` returns, so that a
result read back is equal to the one checked, down to the version's document and the
positions of its values.

The text is two lines: the results with the version's document trimmed
(``Version.as_trimmed``), then the whole document. Most readers, a run that only needs
the model, parse the first line alone; a bundle reads the second when it writes the
version.
"""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

from validator.check.source import FileResult
from validator.findings import Finding, Severity
from validator.model.timeline import Retirement
from validator.model.versions import Version


class MalformedResults(ValueError):
    """Text that does not hold a file's results as ``dumps`` writes them."""


def dumps(result: FileResult) -> str:
    """The results as JSON text, ASCII only (a lone surrogate in a message survives):
    the results with the document trimmed, a newline, the whole document (or null)."""
    version = result.version
    if version is not None and version.trimmed:
        raise ValueError(f"{version.path}: the whole document is needed to keep the results")
    first = json.dumps(
        {
            "findings": [finding_json(finding) for finding in result.findings],
            "version": None if version is None else version.as_trimmed().to_json(),
            "organization": result.organization,
            "retirement": None if result.retirement is None else result.retirement.to_json(),
            "places": result.places,
        },
        separators=(",", ":"),
    )
    whole = None if version is None else version.document
    # JSON text holds no raw newline: the first one ends the first part.
    return first + "\n" + json.dumps(whole, separators=(",", ":"))


def loads(text: str | bytes, *, whole: bool = False) -> FileResult:
    """The results ``dumps`` wrote, the version's document trimmed (whole with
    ``whole``); MalformedResults for anything else."""
    first, document = _parts(text)
    try:
        value = json.loads(first)
        result = FileResult(
            [read_finding(finding) for finding in value["findings"]],
            version=None if value["version"] is None else Version.from_json(value["version"]),
            organization=value["organization"],
            retirement=(
                None if value["retirement"] is None else Retirement.from_json(value["retirement"])
            ),
            places={pointer: (line, column) for pointer, (line, column) in value["places"].items()},
        )
        if whole and result.version is not None:
            kept = json.loads(document)
            if not isinstance(kept, dict):
                raise TypeError("the whole document is not an object")
            return replace(result, version=replace(result.version, document=kept, trimmed=False))
        return result
    # Whatever the text holds, a wrong shape ends in one of these; RecursionError for
    # arrays nested deeper than the parser goes.
    except (ValueError, KeyError, TypeError, IndexError, AttributeError, RecursionError) as error:
        raise MalformedResults(str(error)) from None


def whole_document(text: str | bytes) -> dict[str, Any]:
    """The whole document of the version whose results ``dumps`` wrote."""
    _, document = _parts(text)
    try:
        value = json.loads(document)
    except (ValueError, RecursionError) as error:
        raise MalformedResults(str(error)) from None
    if not isinstance(value, dict):
        raise MalformedResults("the text holds no version's document")
    return value


def _parts(text: str | bytes) -> tuple[str | bytes, str | bytes]:
    if isinstance(text, str):
        first, found, document = text.partition("\n")
        if found:
            return first, document
    else:
        first_bytes, found_bytes, document_bytes = text.partition(b"\n")
        if found_bytes:
            return first_bytes, document_bytes
    raise MalformedResults("not the two parts of a file's results")


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
