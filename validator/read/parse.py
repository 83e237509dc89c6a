"""From text to a YAML node tree: libyaml's parser with a resolver of our own.

The resolver types nothing: it tags every untagged node with a private tag, so that a
tag written in the file stands out and the value builder (:mod:`validator.read.values`)
decides what each scalar is. Syntax errors, second documents, excessive nesting and
anchors become findings at the parser's marks.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import yaml
from yaml._yaml import CParser
from yaml.cyaml import CSafeLoader
from yaml.nodes import Node, ScalarNode, SequenceNode

from validator.findings import Finding, Rule, Severity

#: Deepest nesting of mappings and sequences. Policy documents need about six levels.
MAX_DEPTH = 32

FAMILY = "Reading the file"

EMPTY = Rule(
    "yaml-empty",
    Severity.ERROR,
    "The file holds no YAML document.",
    protects="An empty version file would otherwise load as nothing and be skipped.",
    example="# only a comment",
    family=FAMILY,
)
SYNTAX = Rule(
    "yaml-syntax",
    Severity.ERROR,
    "The file is not well-formed YAML.",
    protects="Reports the parser's complaint at its line and column instead of a traceback.",
    example="title: [Work Hardening",
    family=FAMILY,
)
MULTIPLE = Rule(
    "yaml-multiple-documents",
    Severity.ERROR,
    "The file holds more than one YAML document.",
    protects="One file is one policy version; a second document would be ignored by some "
    "tools and read by others.",
    example="number: '0324'\n---\nnumber: '0325'",
    family=FAMILY,
)
ANCHOR = Rule(
    "yaml-anchor",
    Severity.ERROR,
    "The file uses an anchor (`&name`) or an alias (`*name`).",
    protects='A 340-byte file of nested aliases expands to gigabytes ("billion laughs"); '
    "policy files never need them.",
    example="a: &x [1, 2]\nb: *x",
    family=FAMILY,
)
NESTING = Rule(
    "yaml-nesting",
    Severity.ERROR,
    f"Mappings and sequences are nested deeper than {MAX_DEPTH} levels.",
    protects="Deep nesting crashes the pure-Python parser with RecursionError.",
    example="a: " + "[" * 40 + "]" * 40,
    family=FAMILY,
)

# Tags the resolver gives untagged nodes. Any other tag on a node was written
# explicitly in the file.
PLAIN = "tag:policyrepo,2026:plain"
QUOTED = "tag:policyrepo,2026:quoted"
MAPPING = "tag:policyrepo,2026:map"
SEQUENCE = "tag:policyrepo,2026:seq"

# An anchor follows a separator, a flow indicator or (in `{"key":&a 1}`) the colon after
# a quoted key; an `&` inside a word (a URL's query string, "AT&T") cannot start one, so
# only files that match pay for the event pass.
_MAYBE_ANCHOR = re.compile(r"(?<![^ \t\[{,:\r\n])&")


class _Resolver(yaml.resolver.BaseResolver):
    """Tag every untagged node with a private tag, so explicit tags stand out."""

    def resolve(self, kind: type[Node], value: Any, implicit: Any) -> str:
        if kind is ScalarNode:
            return PLAIN if implicit[0] else QUOTED
        if kind is SequenceNode:
            return SEQUENCE
        return MAPPING


class _Composer(CParser, _Resolver):
    """libyaml's parser and composer with our resolver.

    libyaml is required (PyYAML's binary wheels bundle it): it is several times faster
    than the pure-Python parser, has no recursion limit to crash on, and is the parser
    whose behaviour the rules here were measured against.
    """

    def __init__(self, text: str) -> None:
        CParser.__init__(self, text)
        _Resolver.__init__(self)


def compose(text: str) -> Node | None:
    """The single document's node tree, or None for a file of comments and blank lines.

    Raises ``yaml.MarkedYAMLError`` (see :func:`syntax_finding`) and
    ``yaml.reader.ReaderError`` for a character YAML does not allow.
    """
    composer = _Composer(text)
    try:
        root: Node | None = composer.get_single_node()
    finally:
        composer.dispose()
    return root


def is_plain(node: Node) -> bool:
    """True for an unquoted scalar, whose type the value builder decides."""
    return node.tag == PLAIN


def mark_position(mark: Any) -> tuple[int, int]:
    """1-based line and column of a parser mark (libyaml marks every event and error)."""
    return (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)


def syntax_finding(path: str, error: yaml.MarkedYAMLError) -> Finding:
    line, column = mark_position(error.problem_mark or error.context_mark)
    problem = error.problem or "invalid YAML"
    context = error.context or ""
    if "expected a single document" in context + problem:
        return MULTIPLE.finding(
            path,
            line,
            column,
            "a second YAML document starts here",
            hint="keep one policy version per file; remove the `---` line and what follows",
        )
    if "depth" in problem:
        return NESTING.finding(path, line, column, "nesting is too deep to parse")
    if context:
        where = error.context_mark
        if where is not None and where.line + 1 != line:
            context = f"{context} at line {where.line + 1}"
        problem = f"{problem} ({context})"
    if "anchor" in problem or "alias" in problem:
        return ANCHOR.finding(
            path,
            line,
            column,
            problem,
            hint="write the value out in full; anchors and aliases are not allowed",
        )
    said, fix = _in_words(problem)
    return SYNTAX.finding(path, line, column, f"{said} (YAML: {problem})", hint=fix)


#: libyaml's wording, the likely cause in an author's words, and the likely fix.
_EXPLAINED = (
    (
        "mapping values are not allowed",
        "text contains a colon followed by a space, which YAML reads as the start of a key",
        "quote the text, or write it as a block: the key alone with `>-`, the text indented "
        "on the lines below",
    ),
    (
        "did not find expected '-' indicator",
        "a line inside a list is not indented like the list's items",
        "start the line with `- ` at the items' indentation, or indent it under its item",
    ),
    (
        "did not find expected key",
        "a line is not indented like the keys around it",
        "align the line with the keys of its mapping (spaces only), or quote text that "
        "starts with a special character such as [ { * & ! | > ' \" % @ `",
    ),
    (
        "could not find expected ':'",
        "a key has no colon after it, or text runs on to a line YAML reads as a new key",
        "add the colon, or quote the text or write it as a block (`>-`)",
    ),
    (
        "found character that cannot start any token",
        "an unquoted value starts with a character YAML reserves (@, ` or a tab)",
        "quote the value",
    ),
    (
        "found unexpected end of stream",
        "a quote or a bracket is opened and never closed",
        "close the quote or bracket that starts where the message says",
    ),
    (
        "found unknown escape character",
        "a double-quoted text holds a backslash that starts no escape (\\d, \\s)",
        "double the backslash, or use single quotes",
    ),
)


def _in_words(problem: str) -> tuple[str, str]:
    for wording, cause, fix in _EXPLAINED:
        if wording in problem:
            return cause, fix
    return "the file is not well-formed YAML here", "check quotes, brackets and indentation"


def anchor_events(text: str) -> Iterator[yaml.Event]:
    """The events of the text that carry an anchor or are an alias, in order: each marks
    where it is written.

    Only files with an anchor can hold an alias (an alias without one is a syntax
    error), and ``_MAYBE_ANCHOR`` finds every possible anchor cheaply: only files that
    match pay for the event pass.
    """
    if "&" not in text or not _MAYBE_ANCHOR.search(text):
        return
    for event in yaml.parse(text, Loader=CSafeLoader):
        if getattr(event, "anchor", None) is not None:
            yield event


def anchor_finding(path: str, event: yaml.Event) -> Finding:
    sigil, what = ("*", "alias") if isinstance(event, yaml.AliasEvent) else ("&", "anchor")
    return ANCHOR.finding(
        path,
        *mark_position(event.start_mark),
        f"{what} {sigil}{getattr(event, 'anchor', '')}",
        hint="write the value out in full; anchors and aliases are not allowed",
    )
