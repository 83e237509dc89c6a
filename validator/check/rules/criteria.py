"""Criteria rules for one version: every criteria tree can be met, and is used.

A group "at least 3 of the following" over two criteria can never hold, and a tree no
coverage statement refers to is printed but decides nothing: the statement that should
name it was probably left without its ``criteria``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from validator.findings import Finding, Rule, Severity
from validator.model.versions import Version
from validator.read.document import Document

FAMILY = "Statements"

AT_LEAST = Rule(
    "criteria-at-least",
    Severity.ERROR,
    "A criteria group needs more of its criteria to hold than it has.",
    protects='"At least 3 of" two criteria can never be met, so every patient would '
    "fail the criteria; the count or the list is wrong.",
    example="criteria:\n  - id: indications\n    at_least: 3\n    of:\n      - {id: a, text: A}\n"
    "      - {id: b, text: B}",
    family=FAMILY,
)
UNUSED = Rule(
    "criteria-unused",
    Severity.WARNING,
    "A criteria tree is not named by any coverage statement.",
    protects="Criteria reach an answer only through a statement's `criteria`; a tree "
    "nothing names is never applied, which usually means a statement lost its reference.",
    example="criteria:\n  - id: indications  # no statement says criteria: indications\n"
    "    text: Symptoms for six weeks.",
    family=FAMILY,
)


def check(doc: Document, version: Version) -> Iterator[Finding]:
    document = version.document
    trees = document.get("criteria", [])
    named = {s["criteria"] for s in document.get("coverage", []) if "criteria" in s}
    # A statement naming no tree of the version is the reference rules' finding, and
    # probably names one of these trees: it is not reported twice.
    misnamed = bool(named - {tree["id"] for tree in trees})
    for index, tree in enumerate(trees):
        yield from _counts(doc, tree, f"/criteria/{index}")
        if tree["id"] not in named and not misnamed:
            pointer = f"/criteria/{index}/id"
            yield UNUSED.finding(
                doc.path,
                *doc.position(pointer),
                f"criteria tree {tree['id']!r} is not named by any coverage statement",
                pointer=pointer,
                hint=f"add `criteria: {tree['id']}` to the statement it belongs to, or "
                "remove the tree",
            )


def _counts(doc: Document, tree: dict[str, Any], where: str) -> Iterator[Finding]:
    """Each "at least N of" group of a tree, in document order."""
    pending = [(tree, where)]
    while pending:
        node, at = pending.pop()
        children = node.get("of", ())
        if "at_least" in node and node["at_least"] > len(children):
            pointer = f"{at}/at_least"
            yield AT_LEAST.finding(
                doc.path,
                *doc.position(pointer),
                f"criterion {node['id']!r} needs {node['at_least']} of its criteria to hold, "
                f"but lists {len(children)}",
                pointer=pointer,
                hint=f"lower at_least to at most {len(children)}, or add the missing criteria",
            )
        for key in ("all_of", "any_of", "of"):
            nested = node.get(key, ())
            pending.extend(
                (child, f"{at}/{key}/{i}") for i, child in reversed(list(enumerate(nested)))
            )
