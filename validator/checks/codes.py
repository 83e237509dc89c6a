"""Code rules: each listed code has the form of its declared system, and is listed once.

Fails, for example, on ``system: CPT`` with ``code: "9754"`` (four digits and no
category letter), and on ``97545`` listed twice in one version.
"""

from __future__ import annotations

from collections.abc import Iterator

from validator.codesystems import SYSTEMS
from validator.findings import Finding, Severity
from validator.loader import Document
from validator.rules import register

FAMILY = "Codes"

FORMAT = register(
    "code-format",
    Severity.ERROR,
    "A code does not have the form of its declared code system.",
    protects="A mistyped code matches no claim, so the policy silently stops applying to it.",
    example="system: ICD-9-CM\ncodes:\n  - code: 'V5722'  # the dot is part of the code",
    family=FAMILY,
)
DUPLICATE = register(
    "code-duplicate",
    Severity.ERROR,
    "The same code of the same system is listed twice in one version.",
    protects="Two rows for one code can carry different determinations; which applies "
    "would depend on the reader.",
    example="system: CPT\ncodes:\n  - code: '97545'\n  - code: '97545'",
    family=FAMILY,
)


def check(doc: Document) -> Iterator[Finding]:
    coding = doc.data.get("coding")
    if coding is None:
        return
    first_seen: dict[tuple[str, str], str] = {}
    for group_index, group in enumerate(coding["groups"]):
        system = SYSTEMS[group["system"]]
        for code_index, entry in enumerate(group["codes"]):
            code = entry["code"]
            pointer = f"/coding/groups/{group_index}/codes/{code_index}/code"
            if not system.accepts(code):
                line, column = doc.position(pointer)
                yield FORMAT.finding(
                    doc.path,
                    line,
                    column,
                    f"{code!r} is not a valid {system.title} code",
                    pointer=pointer,
                    hint=f"check the code or the group's system ({system.name} codes look "
                    f"like {system.example})",
                )
            key = (system.name, code)
            if key in first_seen:
                line, column = doc.position(pointer)
                first_line, _ = doc.position(first_seen[key])
                yield DUPLICATE.finding(
                    doc.path,
                    line,
                    column,
                    f"{system.name} {code} is already listed at line {first_line}",
                    pointer=pointer,
                    hint="keep one entry per code",
                )
            else:
                first_seen[key] = pointer
