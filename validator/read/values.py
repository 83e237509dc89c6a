"""From a node tree to JSON values: strings stay strings, and nothing is guessed.

Only ``true``/``false``, ``null`` and JSON-shaped numbers are typed; ISO dates stay ISO
strings. A plain scalar that another YAML parser would type (``0324``, ``NO``,
``12:30``, ``.nan``) is kept as text *and* reported, since the file means different
things to different tools. Duplicate keys, non-text keys, explicit tags, aliases and
excessive nesting are reported at their nodes.
"""

from __future__ import annotations

import datetime
import re
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from validator.findings import Finding, Rule, Severity
from validator.read.document import escape_token
from validator.read.parse import MAPPING, MAX_DEPTH, NESTING, PLAIN, QUOTED, SEQUENCE

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

# Tags the resolver gives untagged nodes. Any other tag on a node was written

_JSON_INT = re.compile(r"-?(?:0|[1-9][0-9]*)")
_JSON_FLOAT = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?")
_NULLS = frozenset({"", "~", "null", "Null", "NULL"})
_BOOLS = {"true": True, "True": True, "TRUE": True, "false": False, "False": False}
_BOOLS["FALSE"] = False
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")

# Plain scalars that YAML 1.1 (PyYAML) or YAML 1.2 parsers type as something other
# than a string. We keep them as text, but the file is ambiguous, so each is reported.
_AMBIGUOUS = re.compile(
    r"""(?x)
      (?:y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF)   # YAML 1.1 booleans
    | [-+]?0[0-9_]+                                 # leading zero: octal in 1.1, decimal in 1.2
    | [-+]?0[xX][0-9a-fA-F_]+ | [-+]?0[oO][0-7_]+ | [-+]?0b[01_]+
    | [-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?  # sexagesimal: 12:30 is 750
    | [-+]?[0-9][0-9_]*_[0-9_]*                     # 1_000
    | [-+]?(?:[0-9][0-9_]*)?\.[0-9_]*(?:[eE][-+]?[0-9]+)?  # .5, 1., 250.00 in 1.1 forms
    | [-+]?[0-9]+(?:\.[0-9]*)?[eE][-+]?[0-9]+       # exponent without sign or dot
    | [-+]?\.(?:inf|Inf|INF) | \.(?:nan|NaN|NAN)
    | [0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[Tt ]|[ \t]+).*  # timestamps with a time
    | [0-9]{4}-[0-9]{1,2}-[0-9]{1,2}                # dates with one-digit month or day
    | << | =                                        # merge and value keys
    """
)


def build_value(path: str, root: Node) -> tuple[Any, list[Finding], bool]:
    """The JSON value of a node tree, the findings met on the way, and whether the value
    is complete (False when building stopped at a node whose meaning cannot be trusted)."""
    builder = _Builder(path)
    try:
        value = builder.build(root, "", 0)
    except _Stop:
        return None, builder.findings, False
    return value, builder.findings, True


def not_a_mapping(path: str, value: Any, position: tuple[int, int]) -> Finding:
    return NOT_MAPPING.finding(
        path,
        *position,
        f"the top level is {_kind(value)}, not a mapping of keys to values",
        hint="start the file with `number:`, `title:` and the other keys of a version",
    )


class _Stop(Exception):
    """Raised to abandon building a value whose meaning cannot be trusted."""


class _Builder:
    """Turn a node tree into JSON values, reporting each hazard at its node."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.findings: list[Finding] = []
        self.seen: set[int] = set()

    def report(self, rule: Any, node: Node, message: str, hint: str, pointer: str) -> None:
        self.findings.append(
            rule.finding(
                self.path,
                node.start_mark.line + 1,
                node.start_mark.column + 1,
                message,
                pointer=pointer,
                hint=hint,
            )
        )

    def build(self, node: Node, pointer: str, depth: int) -> Any:
        if id(node) in self.seen:
            # An alias: the composer hands back the anchored node itself. Stop here so
            # that nested aliases are never expanded; parse.find_anchors reports where it is.
            raise _Stop
        self.seen.add(id(node))
        if node.tag not in (PLAIN, QUOTED, MAPPING, SEQUENCE):
            self.report(
                TAG,
                node,
                f"explicit tag {node.tag.replace('tag:yaml.org,2002:', '!!')}",
                "remove the tag; write the value as plain text, a list or a mapping",
                pointer,
            )
        if isinstance(node, ScalarNode):
            return self.scalar(node, pointer)
        if depth >= MAX_DEPTH:
            self.report(
                NESTING,
                node,
                f"nested deeper than {MAX_DEPTH} levels",
                "flatten the structure",
                pointer,
            )
            raise _Stop
        if isinstance(node, SequenceNode):
            return [
                self.build(item, f"{pointer}/{index}", depth + 1)
                for index, item in enumerate(node.value)
            ]
        assert isinstance(node, MappingNode)
        return self.mapping(node, pointer, depth)

    def mapping(self, node: MappingNode, pointer: str, depth: int) -> dict[str, Any]:
        result: dict[str, Any] = {}
        first_line: dict[str, int] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode):
                self.report(
                    KEY_TYPE,
                    key_node,
                    "a list or mapping is used as a key",
                    "use a plain name as the key",
                    pointer,
                )
                raise _Stop
            key = self.build(key_node, pointer, depth + 1)
            if not isinstance(key, str):
                self.report(
                    KEY_TYPE,
                    key_node,
                    f"key {key_node.value!r} is read as {_kind(key)}, not as text",
                    f'quote it: "{key_node.value}"',
                    pointer,
                )
                key = str(key_node.value)
            child = f"{pointer}/{escape_token(key)}"
            if key in result:
                self.report(
                    DUPLICATE_KEY,
                    key_node,
                    f"duplicate key {key!r} (first at line {first_line[key]})",
                    "remove one of the two entries; YAML loaders keep only the last",
                    child,
                )
                continue
            first_line[key] = key_node.start_mark.line + 1
            result[key] = self.build(value_node, child, depth + 1)
        return result

    def scalar(self, node: ScalarNode, pointer: str) -> Any:
        value: str = node.value
        if node.tag != PLAIN:
            return value
        if value in _NULLS:
            return None
        if value in _BOOLS:
            return _BOOLS[value]
        if _JSON_INT.fullmatch(value):
            return int(value)
        if _JSON_FLOAT.fullmatch(value):
            return float(value)
        if _AMBIGUOUS.fullmatch(value) and not _ISO_DATE.fullmatch(value):
            self.report(
                IMPLICIT_TYPE,
                node,
                f"unquoted {value} is not text to every YAML parser: {_reading(value)}",
                f'quote it: "{value}"',
                pointer,
            )
        return value


def _reading(value: str) -> str:
    """What PyYAML's safe loader makes of ``value``, for the message."""
    try:
        typed = yaml.safe_load(value)
    except yaml.YAMLError:  # pragma: no cover - the value is already a valid plain scalar
        typed = value
    if isinstance(typed, str):
        # PyYAML leaves y/n and leading-zero numbers as text; the specifications do not.
        if value in {"y", "Y", "n", "N"}:
            return "the YAML 1.1 specification reads it as a boolean"
        return "YAML 1.2 parsers read it as a number"
    return f"PyYAML reads it as {_kind(typed)} ({typed!r})"


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a number"
    if value is None:
        return "null"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, datetime.date):
        return "a date or time"
    return "text"
