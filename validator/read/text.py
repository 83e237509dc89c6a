"""From bytes to text: the character-level hazards, found before any YAML is parsed.

A file must be UTF-8 without a byte order mark, hold no NUL, control, zero-width or
bidirectional characters, and use no tabs for layout: each would make two tools (or an
editor and a parser) read different things from the same bytes.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator
from functools import cached_property

import yaml

from validator.findings import Finding, Rule, Severity

#: Largest file the loader reads. A coverage policy with its references is a few tens
#: of kilobytes; anything near this limit is a mistake or an attack on the validator.
MAX_FILE_BYTES = 1_000_000


FAMILY = "Reading the file"

TOO_LARGE = Rule(
    "file-too-large",
    Severity.ERROR,
    "The file is larger than the loader reads (1,000,000 bytes).",
    protects="Keeps a mistaken or hostile file from exhausting memory or time in CI.",
    example="# a 5 MB file under policies/",
    family=FAMILY,
)
ENCODING = Rule(
    "text-encoding",
    Severity.ERROR,
    "The file is not UTF-8 (invalid bytes, or a UTF-16/UTF-32 byte order mark).",
    protects="Every tool must read the same characters; a guessed encoding changes text.",
    example="title: Work Hardening Programs \\xe9  # a Latin-1 byte",
    family=FAMILY,
)
BOM = Rule(
    "text-bom",
    Severity.ERROR,
    "The file starts with a UTF-8 byte order mark.",
    protects="A BOM is invisible in editors and read differently by different tools.",
    example="\\ufeffnumber: '0324'",
    family=FAMILY,
)
NUL = Rule(
    "text-nul",
    Severity.ERROR,
    "The file contains a NUL byte.",
    protects="NUL bytes mark binary files and truncate strings in C-based consumers.",
    example="title: Work\\x00 Hardening",
    family=FAMILY,
)
INVISIBLE = Rule(
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
TAB = Rule(
    "yaml-tab",
    Severity.ERROR,
    "A tab character is used for indentation or as a separator.",
    protects="YAML parsers disagree on tabs: the C loader accepts `key:\\tvalue`, the "
    "pure-Python loader rejects it.",
    example="lifecycle:\n\teffective: '2011-04-15'",
    family=FAMILY,
)

#: Characters that are invisible or reorder text, as a regular-expression class: controls
#: (tab, LF and CR are handled elsewhere), zero-width and bidirectional characters.
INVISIBLE_CLASS = (
    "\x01-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u00ad\u061c\u180e\u200b-\u200f"
    "\u2028-\u202e\u2060-\u2064\u2066-\u2069\ufeff\ufff9-\ufffb\ufffe\uffff"
)
_INVISIBLE = re.compile(f"[{INVISIBLE_CLASS}]")
_UNUSUAL_BREAK = re.compile("[\x85\u2028\u2029]")
_BREAK = re.compile("\r\n|\r|\n")

# A tab in a line's indentation, or right after a `key:` or `- ` indicator.
_TAB = re.compile(r"^[ ]*\t|(?<=[:-])\t", re.MULTILINE)


class Lines:
    """Where each line of a text starts, found once per file.

    Every finding of a file asks for its line and column; counting breaks from the start
    of the text for each would make a file with many findings quadratic, so the starts
    are collected in one pass, on the first finding, and each position is a binary search.
    """

    def __init__(self, text: str) -> None:
        self.text = text

    @cached_property
    def starts(self) -> list[int]:
        return [0, *(match.end() for match in _BREAK.finditer(self.text))]

    def position(self, offset: int) -> tuple[int, int]:
        """1-based line and column of a character offset, counting breaks as YAML does.

        LF, CRLF and a lone CR each end a line (NEL, LS and PS are refused before parsing).
        """
        line = bisect_right(self.starts, offset)
        if offset > 0 and self.text[offset - 1 : offset + 1] == "\r\n":
            # Between the CR and the LF of a CRLF, the CR has ended the line already.
            return line + 1, 1
        return line, offset - self.starts[line - 1] + 1

    def span(self, line: int) -> tuple[int, int]:
        """Offsets where a 1-based line starts and where the next one starts (past the
        end of the text for the last line, and both there for a line past the last)."""
        past_end = len(self.text) + 1
        start = self.starts[line - 1] if 0 < line <= len(self.starts) else past_end
        end = self.starts[line] if 0 < line < len(self.starts) else past_end
        return start, end


def unusual_breaks(text: str) -> bool:
    """True when the text holds NEL, LS or PS, which libyaml counts as line breaks where
    editors do not: findings after one would point at lines the author cannot find."""
    # isascii() reads a flag the string keeps: most files are ASCII and need no search.
    return not text.isascii() and _UNUSUAL_BREAK.search(text) is not None


def layout_tabs(text: str) -> list[int]:
    """Offsets of tabs in a line's indentation or right after a `key:` or `- `."""
    return [match.end() - 1 for match in _TAB.finditer(text)] if "\t" in text else []


def decode(path: str, raw: bytes) -> str | Finding:
    """The file's text, or the finding that says why it cannot be read as text."""
    if len(raw) > MAX_FILE_BYTES:
        return TOO_LARGE.finding(
            path,
            0,
            0,
            f"the file has more than {MAX_FILE_BYTES:,} bytes",
            hint="split the document or remove embedded data",
        )
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return ENCODING.finding(
            path, 1, 1, "the file is UTF-16 or UTF-32", hint="save the file as UTF-8"
        )
    if raw.startswith(b"\xef\xbb\xbf"):
        return BOM.finding(
            path,
            1,
            1,
            "the file starts with a UTF-8 byte order mark",
            hint="save the file as UTF-8 without BOM",
        )
    if b"\x00" in raw[:4]:
        return ENCODING.finding(
            path, 1, 1, "the file looks like UTF-16 or UTF-32", hint="save the file as UTF-8"
        )
    nul = raw.find(b"\x00")
    if nul >= 0:
        line, column = _byte_position(raw, nul)
        return NUL.finding(path, line, column, "NUL byte in the file", hint="remove the NUL byte")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line, column = _byte_position(raw, error.start)
        return ENCODING.finding(
            path,
            line,
            column,
            f"byte 0x{raw[error.start]:02x} is not valid UTF-8",
            hint="save the file as UTF-8",
        )


def _byte_position(raw: bytes, offset: int) -> tuple[int, int]:
    line = raw.count(b"\n", 0, offset) + 1
    start = raw.rfind(b"\n", 0, offset) + 1
    column = len(raw[start:offset].decode("utf-8", errors="replace")) + 1
    return line, column


def invisible_characters(text: str) -> Iterator[int]:
    """Offsets of control, zero-width and bidirectional characters."""
    return (match.start() for match in _INVISIBLE.finditer(text))


def invisible_finding(path: str, lines: Lines, offset: int) -> Finding:
    line, column = lines.position(offset)
    return INVISIBLE.finding(
        path,
        line,
        column,
        f"invisible character U+{ord(lines.text[offset]):04X} in the text",
        hint="delete it and retype the text around it",
    )


def tab_finding(path: str, lines: Lines, offset: int) -> Finding:
    line, column = lines.position(offset)
    return TAB.finding(
        path,
        line,
        column,
        "tab character used for indentation or after an indicator",
        hint="use spaces",
    )


def disallowed_character(path: str, lines: Lines, error: yaml.reader.ReaderError) -> Finding:
    """A character the YAML reader refuses outright, at its place."""
    line, column = lines.position(error.position)
    return INVISIBLE.finding(
        path,
        line,
        column,
        f"character U+{error.character:04X} is not allowed in YAML",
        hint="delete it",
    )
