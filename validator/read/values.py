"""From a node tree to JSON values: strings stay strings, and nothing is guessed.

Only ``true``/``false``, ``null`` and JSON-shaped numbers are typed; ISO dates stay ISO
strings. A plain scalar that another YAML parser would type (``0324``, ``NO``,
``12:30``, ``.nan``) is kept as text *and* reported, since the file means different
things to different tools. Duplicate keys, non-text keys, explicit tags, aliases and
excessive nesting are reported at their nodes.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from typing import Any

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from validator.findings import Finding, Rule, Severity
from validator.read.document import Document, escape_token
from validator.read.parse import MAPPING, MAX_DEPTH, NESTING, PLAIN, QUOTED, SEQUENCE
from validator.read.scalars import (
    AMBIGUOUS_WORDS,
    MAX_NUMBER_DIGITS,
    NUMBER_START,
    ambiguous,
    is_ambiguous,
    kind,
    too_large,
    too_many_digits,
)

FAMILY = "Reading the file"

NOT_MAPPING = Rule(
    "yaml-not-mapping",
    Severity.ERROR,
    "The top level of the file is not a mapping of keys to values.",
    protects="A policy version is a mapping; a list or a bare string cannot be checked.",
    example="- number: '0324'",
    family=FAMILY,
)
DUPLICATE_KEY = Rule(
    "yaml-duplicate-key",
    Severity.ERROR,
    "The same key appears twice in one mapping.",
    protects="PyYAML silently keeps the last value, so a pasted block can undo an edit.",
    example="lifecycle:\n  effective: '2011-04-15'\n  effective: '2012-04-15'",
    family=FAMILY,
)
KEY_TYPE = Rule(
    "yaml-key-type",
    Severity.ERROR,
    "A mapping key is not a string.",
    protects="JSON keys are strings; `true:` and `yes:` collide in YAML 1.1 loaders.",
    example="true: covered",
    family=FAMILY,
)
TAG = Rule(
    "yaml-tag",
    Severity.ERROR,
    "A node carries an explicit tag such as `!!binary`, `!!set` or `!!python/object`.",
    protects="Tags change how a value is constructed and can execute code in unsafe loaders.",
    example="title: !!binary V29yaw==",
    family=FAMILY,
)
IMPLICIT_TYPE = Rule(
    "yaml-implicit-type",
    Severity.ERROR,
    "An unquoted value that YAML parsers read as a number, boolean, time or null.",
    protects="PyYAML reads `0324` as 212, `NO` as false, `12:30` as 750 and `250.00` as "
    "250.0; codes and numbers must be quoted to stay what was written.",
    example="number: 0324",
    family=FAMILY,
)

_JSON_INT = re.compile(r"-?(?:0|[1-9][0-9]*)")
_JSON_FLOAT = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?")
_NULLS = frozenset({"", "~", "null", "Null", "NULL"})
_BOOLS = {"true": True, "True": True, "TRUE": True, "false": False, "False": False}
_BOOLS["FALSE"] = False

# First characters of every plain scalar that is typed or reported (and "" for the empty
# one): most text is told apart by one set lookup.
_TYPED_START = NUMBER_START | frozenset(
    {"", "~", "n", "N", "t", "T", "f", "F", "y", "Y", "o", "O", "<", "="}
)


def build_value(doc: Document, root: Node) -> tuple[Any, bool]:
    """The JSON value of a node tree, and whether it is complete (False when building
    stopped at a node whose meaning cannot be trusted); findings go to ``doc``."""
    builder = _Builder(doc)
    try:
        return builder.build(root, "", 0), True
    except _Stop:
        return None, False


def not_a_mapping(path: str, value: Any, position: tuple[int, int]) -> Finding:
    return NOT_MAPPING.finding(
        path,
        *position,
        f"the top level is {kind(value)}, not a mapping of keys to values",
        hint="start the file with `number:`, `title:` and the other keys of a version",
    )


class _Stop(Exception):
    """Raised to abandon building a value whose meaning cannot be trusted."""


class _Builder:
    """Turn a node tree into JSON values, reporting each hazard at its node.

    Nodes are visited in the order they are written, so the findings of each rule are
    added in the order they sort, as :meth:`Document.add` needs.

    Most nodes are text that needs no check: a child's JSON pointer is made only when
    the child is a list or mapping, or a plain scalar that may be typed, and the walk
    looks out for aliases only in a text that can hold an anchor.
    """

    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.seen: set[int] | None = None if doc.text is not None and "&" not in doc.text else set()

    def report(
        self,
        rule: Rule,
        node: Node,
        pointer: str,
        explain: Callable[..., tuple[str, str]],
        *details: Any,
    ) -> None:
        """Report ``rule`` at a node; ``explain(*details)`` gives the message and hint,
        and is only called for a finding that is made."""
        if self.doc.counted(rule.id):
            return

        def make() -> Finding:
            message, hint = explain(*details)
            return rule.finding(
                self.doc.path,
                node.start_mark.line + 1,
                node.start_mark.column + 1,
                message,
                pointer=pointer,
                hint=hint,
            )

        self.doc.add(rule.id, make)

    def build(self, node: Node, pointer: str, depth: int) -> Any:
        self.visit(node)
        return self.node_value(node, pointer, depth)

    def child(self, node: Node, parent: str, token: str | int, depth: int) -> Any:
        """The value of a node inside a list or mapping at ``parent``, under ``token``."""
        self.visit(node)
        tag = node.tag
        if tag == QUOTED:
            return node.value
        if tag == PLAIN and node.value[:1] not in _TYPED_START:
            return node.value
        return self.node_value(node, f"{parent}/{escape_token(token)}", depth)

    def visit(self, node: Node) -> None:
        if self.seen is None:
            return  # no anchor in the text, so no alias: every node is new
        if id(node) in self.seen:
            # An alias: the composer hands back the anchored node itself. Stop here so
            # that nested aliases are never expanded; parse.anchor_events finds where it is.
            raise _Stop
        self.seen.add(id(node))

    def node_value(self, node: Node, pointer: str, depth: int) -> Any:
        if node.tag not in (PLAIN, QUOTED, MAPPING, SEQUENCE):
            tag = node.tag.replace("tag:yaml.org,2002:", "!!")
            self.report(
                TAG,
                node,
                pointer,
                lambda: (
                    f"explicit tag {tag}",
                    "remove the tag; write the value as plain text, a list or a mapping",
                ),
            )
        if isinstance(node, ScalarNode):
            return self.scalar(node, pointer)
        if depth >= MAX_DEPTH:
            self.report(
                NESTING,
                node,
                pointer,
                lambda: (f"nested deeper than {MAX_DEPTH} levels", "flatten the structure"),
            )
            raise _Stop
        if isinstance(node, SequenceNode):
            return [
                self.child(item, pointer, index, depth + 1) for index, item in enumerate(node.value)
            ]
        assert isinstance(node, MappingNode)
        return self.mapping(node, pointer, depth)

    def mapping(self, node: MappingNode, pointer: str, depth: int) -> dict[str, Any]:
        result: dict[str, Any] = {}
        key_nodes: dict[str, Node] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode):
                self.report(
                    KEY_TYPE,
                    key_node,
                    pointer,
                    lambda: ("a list or mapping is used as a key", "use a plain name as the key"),
                )
                raise _Stop
            key = self.build(key_node, pointer, depth + 1)
            if not isinstance(key, str):
                self.report(KEY_TYPE, key_node, pointer, _not_text_key, key_node, key)
                key = str(key_node.value)
            if key in result:
                child = f"{pointer}/{escape_token(key)}"
                self.report(DUPLICATE_KEY, key_node, child, _duplicate_key, key, key_nodes[key])
                continue
            key_nodes[key] = key_node
            result[key] = self.child(value_node, pointer, key, depth + 1)
        return result

    def scalar(self, node: ScalarNode, pointer: str) -> Any:
        value: str = node.value
        if node.tag != PLAIN or value[:1] not in _TYPED_START:
            return value
        if value in _NULLS:
            return None
        if value in _BOOLS:
            return _BOOLS[value]
        if value in AMBIGUOUS_WORDS:
            explain = ambiguous
        elif _JSON_INT.fullmatch(value):
            if len(value) - value.startswith("-") <= MAX_NUMBER_DIGITS:
                return int(value)
            explain = too_many_digits
        elif _JSON_FLOAT.fullmatch(value):
            number = float(value)
            if math.isfinite(number):
                return number
            explain = too_large
        elif is_ambiguous(value):
            explain = ambiguous
        else:
            return value
        self.report(IMPLICIT_TYPE, node, pointer, explain, value)
        return value


def _not_text_key(node: ScalarNode, key: Any) -> tuple[str, str]:
    return f"key {node.value!r} is read as {kind(key)}, not as text", f'quote it: "{node.value}"'


def _duplicate_key(key: str, first: Node) -> tuple[str, str]:
    return (
        f"duplicate key {key!r} (first at line {first.start_mark.line + 1})",
        "remove one of the two entries; YAML loaders keep only the last",
    )
