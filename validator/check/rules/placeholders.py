"""Text still to be written: ``TODO:`` where the policy's wording belongs.

``policyrepo new`` and ``policyrepo init`` mark what the author has to write with
``TODO:``; a draft may hold such text, a version that takes effect may not (claims would
be decided on it), and the organisation file is reported until it is filled in.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from validator.findings import Finding, Rule, Severity
from validator.model.versions import Version
from validator.read.document import Document, escape_token

PLACEHOLDER = "TODO:"

TEXT_PLACEHOLDER = Rule(
    "text-placeholder",
    Severity.ERROR,
    "Text still marked TODO: where the policy's own wording belongs.",
    protects="Placeholders that `policyrepo new` and `init` write must be replaced before a "
    "version takes effect; in a draft they are a warning, the author's list of what to write.",
    example="coverage:\n  - id: position\n    text: 'TODO: the coverage position, verbatim.'",
    family="Text",
)


def check(doc: Document, version: Version) -> Iterator[Finding]:
    """Each placeholder in a version: an error once it is not a draft."""
    severity = Severity.WARNING if version.is_draft else Severity.ERROR
    yield from _placeholders(doc, severity)


def check_organization(doc: Document) -> Iterator[Finding]:
    yield from _placeholders(doc, Severity.WARNING)


def _placeholders(doc: Document, severity: Severity) -> Iterator[Finding]:
    if not _may_hold(doc):
        return
    for pointer, text in _strings(doc.data, ""):
        if text.lstrip().startswith(PLACEHOLDER):
            line, column = doc.position(pointer)
            yield TEXT_PLACEHOLDER.finding(
                doc.path,
                line,
                column,
                f"still to be written: {' '.join(text.split())[:80]}",
                pointer=pointer,
                hint="replace it with the policy's own text",
                severity=severity,
            )


def _may_hold(doc: Document) -> bool:
    """Whether any value can hold the placeholder: a value holds it only as written in
    the text, or made from escapes in a double-quoted scalar, which need a backslash.
    Most files have neither, and need no walk through every value."""
    return doc.text is None or "TODO" in doc.text or "\\" in doc.text


def _strings(value: Any, pointer: str) -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        yield pointer, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(item, f"{pointer}/{escape_token(key)}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _strings(item, f"{pointer}/{index}")
