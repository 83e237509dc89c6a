"""From a node tree to JSON values: strings stay strings, and nothing is guessed.

Only ``true``/``false``, ``null`` and JSON-shaped numbers are typed; ISO dates stay ISO
strings. A plain scalar that another YAML parser would type (``0324``, ``NO``,
``12:30``, ``.nan``) is kept as text *and* reported, since the file means different
things to different tools. Duplicate keys, non-text keys, explicit tags, aliases and
excessive nesting are reported at their nodes.
"""

from __future__ import annotations

import datetime
import math
import re
from collections.abc import Callable
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from validator.findings import Finding, Rule, Severity
from validator.read.document import Document, escape_token
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

_JSON_INT = re.compile(r"-?(?:0|[1-9][0-9]*)")
_JSON_FLOAT = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?")
_NULLS = frozenset({"", "~", "null", "Null", "NULL"})
_BOOLS = {"true": True, "True": True, "TRUE": True, "false": False, "False": False}
_BOOLS["FALSE"] = False
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")

#: Most digits an unquoted integer may have: Python's default limit for reading an
#: integer from text (``int()`` refuses longer ones). No policy needs a longer number.
MAX_NUMBER_DIGITS = 4300

#: Longest value a message quotes in full; longer ones are shown by their start.
_MAX_SHOWN = 1000

# Plain scalars that YAML 1.1 (PyYAML) or YAML 1.2 parsers type as something other
# than a string. We keep them as text, but the file is ambiguous, so each is reported.
# A scalar is classified in time linear in its length, whatever it holds: a set lookup
# for the words, a look at the first character, a character-set check, then regular
# expressions in which no two quantifiers can match the same characters, so that a
# failed match never retries a run of characters from each of its positions.
_AMBIGUOUS_WORDS = frozenset(
    {"y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO"}  # YAML 1.1 booleans
    | {"on", "On", "ON", "off", "Off", "OFF"}
    | {f"{sign}.{inf}" for sign in ("", "-", "+") for inf in ("inf", "Inf", "INF")}
    | {".nan", ".NaN", ".NAN"}
    | {"<<", "="}  # merge and value keys
)
_NUMBER_START = frozenset("-+.0123456789")
# First characters of every plain scalar that is typed or reported (and "" for the empty
# one): most text is told apart by one set lookup.
_TYPED_START = _NUMBER_START | frozenset(
    {"", "~", "n", "N", "t", "T", "f", "F", "y", "Y", "o", "O", "<", "="}
)
_NUMBER_CHARACTERS = re.compile(r"[-+0-9a-fA-F_.:xXoO]*")
# Timestamps with a time (and anything after it on the line), and dates with a
# one-digit month or day.
_DATE_OR_TIME = re.compile(r"[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[Tt \t][^\n]*)?")
_NUMBER = re.compile(
    r"""(?x)
      [-+]?0[0-9_]+                                 # leading zero: octal in 1.1, decimal in 1.2
    | [-+]?0[xX][0-9a-fA-F_]+ | [-+]?0[oO][0-7_]+ | [-+]?0b[01_]+
    | [-+]?[0-9][0-9_]*(?::(?:[0-5][0-9]|[0-9](?![0-9])))+(?:\.[0-9_]*)?  # 12:30 is 750
    | [-+]?(?:[0-9][0-9_]*)?\.[0-9_]*(?:[eE][-+]?[0-9]+)?  # .5, 1., 250.00 in 1.1 forms
    | [-+]?[0-9]+(?:\.[0-9]*)?[eE][-+]?[0-9]+       # exponent without sign or dot
    """
)
_DIGITS_AND_UNDERSCORES = re.compile(r"[-+]?[0-9][0-9_]*")  # 1_000, with an underscore


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
        f"the top level is {_kind(value)}, not a mapping of keys to values",
        hint="start the file with `number:`, `title:` and the other keys of a version",
    )


class _Stop(Exception):
    """Raised to abandon building a value whose meaning cannot be trusted."""


class _Builder:
    """Turn a node tree into JSON values, reporting each hazard at its node.

    Nodes are visited in the order they are written, so the findings of each rule are
    added in the order they sort, as :meth:`Document.add` needs.
    """

    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.seen: set[int] = set()

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
        if id(node) in self.seen:
            # An alias: the composer hands back the anchored node itself. Stop here so
            # that nested aliases are never expanded; parse.anchor_events finds where it is.
            raise _Stop
        self.seen.add(id(node))
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
                self.build(item, f"{pointer}/{index}", depth + 1)
                for index, item in enumerate(node.value)
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
            child = f"{pointer}/{escape_token(key)}"
            if key in result:
                self.report(DUPLICATE_KEY, key_node, child, _duplicate_key, key, key_nodes[key])
                continue
            key_nodes[key] = key_node
            result[key] = self.build(value_node, child, depth + 1)
        return result

    def scalar(self, node: ScalarNode, pointer: str) -> Any:
        value: str = node.value
        if node.tag != PLAIN or value[:1] not in _TYPED_START:
            return value
        if value in _NULLS:
            return None
        if value in _BOOLS:
            return _BOOLS[value]
        if value in _AMBIGUOUS_WORDS:
            explain = _ambiguous
        elif _JSON_INT.fullmatch(value):
            if len(value) - value.startswith("-") <= MAX_NUMBER_DIGITS:
                return int(value)
            explain = _too_many_digits
        elif _JSON_FLOAT.fullmatch(value):
            number = float(value)
            if math.isfinite(number):
                return number
            explain = _too_large
        elif is_ambiguous(value):
            explain = _ambiguous
        else:
            return value
        self.report(IMPLICIT_TYPE, node, pointer, explain, value)
        return value


def _not_text_key(node: ScalarNode, key: Any) -> tuple[str, str]:
    return f"key {node.value!r} is read as {_kind(key)}, not as text", f'quote it: "{node.value}"'


def _duplicate_key(key: str, first: Node) -> tuple[str, str]:
    return (
        f"duplicate key {key!r} (first at line {first.start_mark.line + 1})",
        "remove one of the two entries; YAML loaders keep only the last",
    )


def is_ambiguous(value: str) -> bool:
    """True for a plain scalar that some YAML parser reads as other than text."""
    if value in _AMBIGUOUS_WORDS:
        return True
    if not value or value[0] not in _NUMBER_START:
        return False
    if _DATE_OR_TIME.fullmatch(value):
        return True  # PyYAML reads 2013-04-15 as a date object, not text
    if not _NUMBER_CHARACTERS.fullmatch(value):
        return False
    if _NUMBER.fullmatch(value):
        return True
    return "_" in value and _DIGITS_AND_UNDERSCORES.fullmatch(value) is not None


def _ambiguous(value: str) -> tuple[str, str]:
    """Message and hint for an ambiguous scalar."""
    if _DATE_OR_TIME.fullmatch(value) and len(value) <= _MAX_SHOWN:
        return _date_like(value)
    if len(value) <= _MAX_SHOWN:
        return (
            f"unquoted {value} is not text to every YAML parser: {_reading(value)}",
            f'quote it: "{value}"',
        )
    # Too long to quote, and to read: PyYAML would convert a long number digit by digit,
    # and refuses one of more than 4,300 digits.
    kind = "a date or time" if _DATE_OR_TIME.fullmatch(value) else "a number"
    return (
        f"unquoted {_shown(value)} is not text to every YAML parser: "
        f"YAML parsers read it as {kind}",
        "quote it",
    )


def _date_like(value: str) -> tuple[str, str]:
    """A date or time written without quotes: what other tools make of it, and the date
    as the repository writes dates (YYYY-MM-DD, quoted)."""
    if _ISO_DATE.fullmatch(value):
        return (
            f"unquoted date {value} is not text to every YAML parser: PyYAML reads it as a "
            "date object, which JSON cannot hold",
            f'quote it: "{value}"',
        )
    parts = re.fullmatch(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})", value)
    if parts:
        year, month, day = parts.groups()
        iso = f"{year}-{int(month):02d}-{int(day):02d}"
        return (
            f"{value} is a date without its leading zeros; dates are written YYYY-MM-DD",
            f'write "{iso}"',
        )
    return (
        f"unquoted {value} is not text to every YAML parser: {_reading(value)}",
        f'quote it: "{value}", or give the date alone as "{value[:10]}"',
    )


def _too_many_digits(value: str) -> tuple[str, str]:
    digits = len(value) - value.startswith("-")
    return (
        f"unquoted number with {digits:,} digits is too long to read as a number "
        f"(at most {MAX_NUMBER_DIGITS:,} digits)",
        "quote it to keep it as text",
    )


def _too_large(value: str) -> tuple[str, str]:
    return (
        f"unquoted {_shown(value)} is too large for a number: it reads as infinity, "
        "which JSON cannot hold",
        f'quote it: "{value}"' if len(value) <= _MAX_SHOWN else "quote it to keep it as text",
    )


def _shown(value: str) -> str:
    """A value for a message: in full when short, else its start and its length."""
    if len(value) <= _MAX_SHOWN:
        return value
    return f"{value[:40]}... ({len(value):,} characters)"


def _reading(value: str) -> str:
    """What PyYAML's safe loader makes of ``value``, for the message."""
    try:
        typed = yaml.safe_load(value)
    except yaml.YAMLError:  # pragma: no cover - the value is already a valid plain scalar
        typed = value
    except (ValueError, ArithmeticError) as error:
        # PyYAML's own errors for 2011-02-30 12:00:00 (no such day), or for a
        # sexagesimal float too large to convert.
        return f"PyYAML fails to read it ({error})"
    if isinstance(typed, str):
        # PyYAML leaves y/n and leading-zero numbers as text; the specifications do not.
        if value in {"y", "Y", "n", "N"}:
            return "the YAML 1.1 specification reads it as a boolean"
        if _DATE_OR_TIME.fullmatch(value):
            return "YAML 1.1 parsers read a date and time as a timestamp"
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
    if isinstance(value, datetime.datetime):
        return "a date and time"
    if isinstance(value, datetime.date):
        return "a date"
    return "text"
