"""Read a YAML file the JSON way, refusing every construct that could change its meaning.

PyYAML on its own turns ``0324`` into 212, lets the last of two duplicate keys win,
expands aliases into gigabytes and accepts a BOM, NUL-free control characters and
zero-width spaces inside codes. This loader reads bytes into plain JSON values and
reports each of those hazards as a finding at its line and column instead:

* strings stay strings and ISO dates stay ISO strings; only ``true``/``false``,
  ``null`` and JSON-shaped numbers are typed;
* a plain scalar that another YAML parser would type (``0324``, ``NO``, ``12:30``,
  ``.nan``) is kept as text *and* reported, since the file means different things
  to different tools;
* positions are not collected while loading: the composed node tree is kept and a
  JSON pointer is resolved to a line and column only when a finding needs one.

Loading is a pure function of the file's bytes, so results can be cached by content
and files can be loaded in parallel.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml._yaml import CParser
from yaml.cyaml import CSafeLoader
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from validator.findings import Finding, Severity
from validator.rules import register

#: Largest file the loader reads. A coverage policy with its references is a few tens
#: of kilobytes; anything near this limit is a mistake or an attack on the validator.
MAX_FILE_BYTES = 1_000_000

#: Deepest nesting of mappings and sequences. Policy documents need about six levels.
MAX_DEPTH = 32

FAMILY = "Reading the file"

TOO_LARGE = register(
    "file-too-large",
    Severity.ERROR,
    "The file is larger than the loader reads (1,000,000 bytes).",
    protects="Keeps a mistaken or hostile file from exhausting memory or time in CI.",
    example="# a 5 MB file under policies/",
    family=FAMILY,
)
ENCODING = register(
    "text-encoding",
    Severity.ERROR,
    "The file is not UTF-8 (invalid bytes, or a UTF-16/UTF-32 byte order mark).",
    protects="Every tool must read the same characters; a guessed encoding changes text.",
    example="title: Work Hardening Programs \\xe9  # a Latin-1 byte",
    family=FAMILY,
)
BOM = register(
    "text-bom",
    Severity.ERROR,
    "The file starts with a UTF-8 byte order mark.",
    protects="A BOM is invisible in editors and read differently by different tools.",
    example="\\ufeffnumber: '0324'",
    family=FAMILY,
)
NUL = register(
    "text-nul",
    Severity.ERROR,
    "The file contains a NUL byte.",
    protects="NUL bytes mark binary files and truncate strings in C-based consumers.",
    example="title: Work\\x00 Hardening",
    family=FAMILY,
)
INVISIBLE = register(
    "text-invisible-character",
    Severity.ERROR,
    "A control, zero-width or bidirectional-override character is in the text.",
    protects=(
        "`97\\u200b545` looks like `97545` in every editor and review tool but is a "
        "different code; bidi overrides make text read differently from how it is stored."
    ),
    example='- code: "97\u200b545"  # a zero-width space inside the code',
    family=FAMILY,
)
TAB = register(
    "yaml-tab",
    Severity.ERROR,
    "A tab character is used for indentation or as a separator.",
    protects="YAML parsers disagree on tabs: the C loader accepts `key:\\tvalue`, the "
    "pure-Python loader rejects it.",
    example="lifecycle:\n\teffective: '2011-04-15'",
    family=FAMILY,
)
EMPTY = register(
    "yaml-empty",
    Severity.ERROR,
    "The file holds no YAML document.",
    protects="An empty version file would otherwise load as nothing and be skipped.",
    example="# only a comment",
    family=FAMILY,
)
SYNTAX = register(
    "yaml-syntax",
    Severity.ERROR,
    "The file is not well-formed YAML.",
    protects="Reports the parser's complaint at its line and column instead of a traceback.",
    example="title: [Work Hardening",
    family=FAMILY,
)
MULTIPLE = register(
    "yaml-multiple-documents",
    Severity.ERROR,
    "The file holds more than one YAML document.",
    protects="One file is one policy version; a second document would be ignored by some "
    "tools and read by others.",
    example="number: '0324'\n---\nnumber: '0325'",
    family=FAMILY,
)
NOT_MAPPING = register(
    "yaml-not-mapping",
    Severity.ERROR,
    "The top level of the file is not a mapping of keys to values.",
    protects="A policy version is a mapping; a list or a bare string cannot be checked.",
    example="- number: '0324'",
    family=FAMILY,
)
DUPLICATE_KEY = register(
    "yaml-duplicate-key",
    Severity.ERROR,
    "The same key appears twice in one mapping.",
    protects="PyYAML silently keeps the last value, so a pasted block can undo an edit.",
    example="lifecycle:\n  effective: '2011-04-15'\n  effective: '2012-04-15'",
    family=FAMILY,
)
KEY_TYPE = register(
    "yaml-key-type",
    Severity.ERROR,
    "A mapping key is not a string.",
    protects="JSON keys are strings; `true:` and `yes:` collide in YAML 1.1 loaders.",
    example="true: covered",
    family=FAMILY,
)
ANCHOR = register(
    "yaml-anchor",
    Severity.ERROR,
    "The file uses an anchor (`&name`) or an alias (`*name`).",
    protects='A 340-byte file of nested aliases expands to gigabytes ("billion laughs"); '
    "policy files never need them.",
    example="a: &x [1, 2]\nb: *x",
    family=FAMILY,
)
TAG = register(
    "yaml-tag",
    Severity.ERROR,
    "A node carries an explicit tag such as `!!binary`, `!!set` or `!!python/object`.",
    protects="Tags change how a value is constructed and can execute code in unsafe loaders.",
    example="title: !!binary V29yaw==",
    family=FAMILY,
)
NESTING = register(
    "yaml-nesting",
    Severity.ERROR,
    f"Mappings and sequences are nested deeper than {MAX_DEPTH} levels.",
    protects="Deep nesting crashes the pure-Python parser with RecursionError.",
    example="a: " + "[" * 40 + "]" * 40,
    family=FAMILY,
)
IMPLICIT_TYPE = register(
    "yaml-implicit-type",
    Severity.ERROR,
    "An unquoted value that YAML parsers read as a number, boolean, time or null.",
    protects="PyYAML reads `0324` as 212, `NO` as false, `12:30` as 750 and `250.00` as "
    "250.0; codes and numbers must be quoted to stay what was written.",
    example="number: 0324",
    family=FAMILY,
)

# Tags the resolver gives untagged nodes. Any other tag on a node was written
# explicitly in the file.
_PLAIN = "tag:policyrepo,2026:plain"
_QUOTED = "tag:policyrepo,2026:quoted"
_MAPPING = "tag:policyrepo,2026:map"
_SEQUENCE = "tag:policyrepo,2026:seq"

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

# Characters that are invisible or reorder text. Tab, LF and CR are handled elsewhere.
_INVISIBLE = re.compile(
    "[\x01-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u00ad\u061c\u180e\u200b-\u200f"
    "\u2028-\u202e\u2060-\u2064\u2066-\u2069\ufeff\ufff9-\ufffb\ufffe\uffff]"
)
_UNUSUAL_BREAK = re.compile("[\x85\u2028\u2029]")
# An anchor follows a separator or a flow indicator; an `&` inside a word (a URL's query
# string, "AT&T") cannot start one, so only files that match pay for the event pass.
_MAYBE_ANCHOR = re.compile(r"(?:^|[ \t\[{,])&", re.MULTILINE)
# A tab in a line's indentation, or right after a `key:` or `- ` indicator.
_TAB = re.compile(r"^[ ]*\t|(?<=[:-])\t", re.MULTILINE)


class _Resolver(yaml.resolver.BaseResolver):
    """Tag every untagged node with a private tag, so explicit tags stand out."""

    def resolve(self, kind: type[Node], value: Any, implicit: Any) -> str:
        if kind is ScalarNode:
            return _PLAIN if implicit[0] else _QUOTED
        if kind is SequenceNode:
            return _SEQUENCE
        return _MAPPING


class _Composer(CParser, _Resolver):
    """libyaml's parser and composer with our resolver.

    libyaml is required (PyYAML's binary wheels bundle it): it is several times faster
    than the pure-Python parser, has no recursion limit to crash on, and is the parser
    whose behaviour the rules here were measured against.
    """

    def __init__(self, text: str) -> None:
        CParser.__init__(self, text)
        _Resolver.__init__(self)


@dataclass
class Document:
    """A loaded file: its JSON value, its node tree for positions, and what was wrong."""

    path: str
    data: Any = None
    root: Node | None = field(default=None, repr=False)
    findings: list[Finding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when the file loaded into a mapping that later checks can trust."""
        return isinstance(self.data, dict) and not any(
            f.severity is Severity.ERROR for f in self.findings
        )

    def node_at(self, pointer: str, *, key: bool = False) -> Node | None:
        """The node a JSON pointer names (its key node when ``key``), or the nearest parent."""
        node = self.root
        if node is None:
            return None
        for token in _pointer_tokens(pointer):
            if isinstance(node, MappingNode):
                for key_node, value_node in node.value:
                    if key_node.value == token:
                        node = key_node if key and token == _last(pointer) else value_node
                        break
                else:
                    return node
            elif (
                isinstance(node, SequenceNode) and token.isdigit() and int(token) < len(node.value)
            ):
                node = node.value[int(token)]
            else:
                return node
        return node

    def position(self, pointer: str, *, key: bool = False) -> tuple[int, int]:
        """1-based line and column of the node a JSON pointer names."""
        node = self.node_at(pointer, key=key)
        if node is None:
            return (1, 1)
        return (node.start_mark.line + 1, node.start_mark.column + 1)


def _pointer_tokens(pointer: str) -> list[str]:
    if not pointer:
        return []
    return [t.replace("~1", "/").replace("~0", "~") for t in pointer.lstrip("/").split("/")]


def _last(pointer: str) -> str:
    tokens = _pointer_tokens(pointer)
    return tokens[-1] if tokens else ""


def is_plain(node: Node) -> bool:
    """True for an unquoted scalar, whose type the resolver decided."""
    return node.tag == _PLAIN


def escape_token(token: str | int) -> str:
    return str(token).replace("~", "~0").replace("/", "~1")


def line_and_column(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of a character offset, counting breaks as YAML does.

    LF, CRLF and a lone CR each end a line (NEL, LS and PS are refused before parsing).
    """
    breaks = text.count("\n", 0, offset) + text.count("\r", 0, offset)
    line = breaks - text.count("\r\n", 0, offset) + 1
    start = max(text.rfind("\n", 0, offset), text.rfind("\r", 0, offset)) + 1
    return line, offset - start + 1


def load_document(path: str, raw: bytes) -> Document:
    """Load one file's bytes. Never raises for any input; problems become findings."""
    doc = Document(path)
    text = _decode(doc, raw)
    if text is None:
        return doc
    doc.findings.extend(_invisible_characters(path, text))
    if _UNUSUAL_BREAK.search(text):
        # libyaml counts NEL, LS and PS as line breaks where editors do not: parsing on
        # would report later findings on lines the author cannot find.
        return doc
    tabs = [match.end() - 1 for match in _TAB.finditer(text)] if "\t" in text else []
    try:
        composer = _Composer(text)
        try:
            root = composer.get_single_node()
        finally:
            composer.dispose()
    except yaml.MarkedYAMLError as error:
        finding = _syntax_finding(path, error)
        tab_findings = [_tab_finding(path, text, offset) for offset in tabs]
        doc.findings.extend(tab_findings)
        if finding.line not in {tab.line for tab in tab_findings}:
            doc.findings.append(finding)  # else the tab is the cause: report it alone
        return doc
    except yaml.reader.ReaderError as error:
        # A character YAML does not allow at all; usually reported already as invisible.
        if not doc.findings:
            line, column = line_and_column(text, error.position)
            doc.findings.append(
                INVISIBLE.finding(
                    path,
                    line,
                    column,
                    f"character U+{error.character:04X} is not allowed in YAML",
                    hint="delete it",
                )
            )
        return doc
    if root is None:
        doc.findings.append(
            EMPTY.finding(
                path,
                1,
                1,
                "the file holds no YAML document (only comments or blank lines)",
                hint="write the policy version",
            )
        )
        return doc
    doc.root = root
    if tabs:
        inside = _scalar_spans(root)
        doc.findings.extend(
            _tab_finding(path, text, offset)
            for offset in tabs
            if not any(start <= offset < end for start, end in inside)
        )
    if _MAYBE_ANCHOR.search(text):
        doc.findings.extend(_find_anchors(path, text))
    builder = _Builder(path)
    try:
        doc.data = builder.build(root, "", 0)
    except _Stop:
        doc.data = None
        doc.findings.extend(builder.findings)
        return doc
    doc.findings.extend(builder.findings)
    if not isinstance(doc.data, dict):
        line, column = doc.position("")
        doc.findings.append(
            NOT_MAPPING.finding(
                path,
                line,
                column,
                f"the top level is {_kind(doc.data)}, not a mapping of keys to values",
                hint="start the file with `number:`, `title:` and the other keys of a version",
            )
        )
    return doc


def _decode(doc: Document, raw: bytes) -> str | None:
    path = doc.path
    if len(raw) > MAX_FILE_BYTES:
        doc.findings.append(
            TOO_LARGE.finding(
                path,
                0,
                0,
                f"the file has more than {MAX_FILE_BYTES:,} bytes",
                hint="split the document or remove embedded data",
            )
        )
        return None
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        doc.findings.append(
            ENCODING.finding(
                path, 1, 1, "the file is UTF-16 or UTF-32", hint="save the file as UTF-8"
            )
        )
        return None
    if raw.startswith(b"\xef\xbb\xbf"):
        doc.findings.append(
            BOM.finding(
                path,
                1,
                1,
                "the file starts with a UTF-8 byte order mark",
                hint="save the file as UTF-8 without BOM",
            )
        )
        return None
    if b"\x00" in raw[:4]:
        doc.findings.append(
            ENCODING.finding(
                path, 1, 1, "the file looks like UTF-16 or UTF-32", hint="save the file as UTF-8"
            )
        )
        return None
    nul = raw.find(b"\x00")
    if nul >= 0:
        line, column = _byte_position(raw, nul)
        doc.findings.append(
            NUL.finding(path, line, column, "NUL byte in the file", hint="remove the NUL byte")
        )
        return None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line, column = _byte_position(raw, error.start)
        doc.findings.append(
            ENCODING.finding(
                path,
                line,
                column,
                f"byte 0x{raw[error.start]:02x} is not valid UTF-8",
                hint="save the file as UTF-8",
            )
        )
        return None


def _byte_position(raw: bytes, offset: int) -> tuple[int, int]:
    line = raw.count(b"\n", 0, offset) + 1
    start = raw.rfind(b"\n", 0, offset) + 1
    column = len(raw[start:offset].decode("utf-8", errors="replace")) + 1
    return line, column


def _invisible_characters(path: str, text: str) -> Iterator[Finding]:
    for match in _INVISIBLE.finditer(text):
        line, column = line_and_column(text, match.start())
        yield INVISIBLE.finding(
            path,
            line,
            column,
            f"invisible character U+{ord(match.group()):04X} in the text",
            hint="delete it and retype the text around it",
        )


def _tab_finding(path: str, text: str, offset: int) -> Finding:
    line, column = line_and_column(text, offset)
    return TAB.finding(
        path,
        line,
        column,
        "tab character used for indentation or after an indicator",
        hint="use spaces",
    )


def _scalar_spans(root: Node) -> list[tuple[int, int]]:
    """Character spans of every scalar: a tab inside one is text, not layout."""
    spans: list[tuple[int, int]] = []
    pending = [root]
    seen: set[int] = set()
    while pending:
        node = pending.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, ScalarNode):
            spans.append((node.start_mark.index, node.end_mark.index))
        elif isinstance(node, SequenceNode):
            pending.extend(node.value)
        elif isinstance(node, MappingNode):
            pending.extend(item for pair in node.value for item in pair)
    return spans


def _mark_position(mark: Any) -> tuple[int, int]:
    """1-based line and column of a parser mark (libyaml marks every event and error)."""
    return (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)


def _syntax_finding(path: str, error: yaml.MarkedYAMLError) -> Finding:
    line, column = _mark_position(error.problem_mark or error.context_mark)
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
    return SYNTAX.finding(
        path,
        line,
        column,
        problem,
        hint="fix the YAML syntax here (check quotes, brackets and indentation)",
    )


def _find_anchors(path: str, text: str) -> Iterator[Finding]:
    """Report anchors and aliases from the event stream, which marks where each is written.

    Only files with an anchor can hold an alias (an alias without one is a syntax
    error), and ``_MAYBE_ANCHOR`` finds every possible anchor cheaply.
    """
    for event in yaml.parse(text, Loader=CSafeLoader):
        anchor = getattr(event, "anchor", None)
        if anchor is None:
            continue
        sigil, what = ("*", "alias") if isinstance(event, yaml.AliasEvent) else ("&", "anchor")
        yield ANCHOR.finding(
            path,
            *_mark_position(event.start_mark),
            f"{what} {sigil}{anchor}",
            hint="write the value out in full; anchors and aliases are not allowed",
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
            # that nested aliases are never expanded; _find_anchors reports where it is.
            raise _Stop
        self.seen.add(id(node))
        if node.tag not in (_PLAIN, _QUOTED, _MAPPING, _SEQUENCE):
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
        if node.tag != _PLAIN:
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
