"""Text from files and file names, made safe to print.

A file name or a value can hold a newline, an ANSI escape or a bidirectional override:
printed raw, ``x\\n::error file=README.md::forged`` becomes a GitHub workflow command of
its own, and an escape sequence rewrites the terminal. Everything the command line
prints that it did not write itself goes through :func:`printable` (text formats) or
:func:`json_text` (JSON formats).
"""

from __future__ import annotations

import json
import re
from typing import Any

from validator.read.text import INVISIBLE_CLASS

#: What never reaches a terminal or a log raw: every control character (NUL, tab and the
#: line breaks included) and the invisible and reordering characters the loader refuses.
_UNSAFE = re.compile(f"[\\x00\\t\\n\\r{INVISIBLE_CLASS}]")
_NAMED = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}
#: In JSON output: json.dumps escapes C0 controls inside strings itself, and the line
#: breaks and spaces left raw are the layout, so only the rest of the class is escaped.
_JSON_UNSAFE = re.compile(f"[{INVISIBLE_CLASS}]")


def _escape(match: re.Match[str]) -> str:
    character = match.group()
    if character in _NAMED:
        return _NAMED[character]
    code = ord(character)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: str) -> str:
    """``text`` on one line, every unsafe character written as a visible escape."""
    return _UNSAFE.sub(_escape, text)


def _json_escape(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"


def json_text(document: Any, *, sort_keys: bool = False) -> str:
    """Indented JSON whose strings hold no unsafe character raw: each is a ``\\uXXXX``
    escape, so the JSON means the same and prints safely."""
    encoded = json.dumps(document, indent=2, ensure_ascii=False, sort_keys=sort_keys)
    # json.dumps escapes C0 controls itself; DEL, C1 and the invisible ones it leaves.
    return _JSON_UNSAFE.sub(_json_escape, encoded) + "\n"


def markdown_cell(text: str) -> str:
    """Text for one Markdown table cell or list item: one line, no column break, and
    nothing GitHub would render as markup (links, emphasis, HTML) from a policy's text."""
    return re.sub(r"([\\|`*_<>\[\]])", r"\\\1", printable(" ".join(text.split())))
