"""Reading only the part of a bundle file that an answer needs.

Parsing a large file whole costs far more than one answer needs: the code-index shard
that holds CPT 97545, which every version lists, is megabytes, and a lookup wants the
few rows of it in effect on one day. The bundle writer writes every file as canonical
JSON (keys sorted, no whitespace, one line), and that layout lets a reader find what it
needs by its bytes:

* In a shard, ``{"codes":{...},"kind":"code-index","system":...}``, the only members
  whose value is a list are the codes' entries (a row's members are text, null or
  objects), so a code's entry is where ``"<code>":[`` stands with its quote outside any
  string. A row's last member is its window, so the rows in effect on a day are found
  by their windows, and only those rows are parsed.
* In a policy file the title comes before the versions, so the members up to it are
  parsed one by one, and the versions never.

These read bytes that already matched the manifest, and parse each part as strictly as
a whole file is parsed. They search the bytes, not text: UTF-8 never encodes another
character with an ASCII byte, and decoding a whole shard costs as much as hashing it.
Whatever is not laid out as the writer lays it out (another key order, whitespace, a
window written otherwise, a part that does not end where it should, bytes that are not
UTF-8) makes them return None, and the caller parses the whole file.
"""

from __future__ import annotations

import json
import re
from typing import Any

from validator.consume.manifest import decode_text, parse_json_at

_SHARD_START = b'{"codes":{'
_SHARD_END = b'},"kind":"code-index","system":'
_SYSTEM_AND_END = re.compile(rb'"(?:[^"\\]|\\.)*"\}\n?')
_DATE = rb'"([0-9]{4}-[0-9]{2}-[0-9]{2})"'
#: The end of a row as the writer writes it: its window, the row's own end, then a comma
#: before the next row or the end of the code's list. Groups: end, start, "," or "]".
_ROW_END = re.compile(
    rb'"window":\{"end":(?:null|' + _DATE + rb'),"start":' + _DATE + rb"\}\}([,\]])"
)


def _escaped(data: bytes, at: int) -> bool:
    """Whether the byte at ``at`` follows an odd run of backslashes: a quote inside a
    string, not one that opens or closes it."""
    run = 0
    while at - run > 0 and data[at - run - 1] == ord("\\"):
        run += 1
    return run % 2 == 1


def _shard_layout(data: bytes) -> bool:
    """Whether the bytes begin and end as the writer writes a code-index shard."""
    if not data.startswith(_SHARD_START):
        return False
    end = data.rfind(_SHARD_END)
    return end > 0 and _SYSTEM_AND_END.fullmatch(data, end + len(_SHARD_END)) is not None


def _parsed(data: bytes, start: int, end: int) -> Any:
    """The one JSON value that ``data[start:end]`` holds, or ValueError."""
    text = decode_text(data[start:end])
    value, stop = parse_json_at(text, 0)
    if stop != len(text):
        raise ValueError("not one JSON value")
    return value


def code_rows(data: bytes, code: str, day: str | None = None) -> list[Any] | None:
    """A code's rows in a shard: all of them, or, given an ISO ``day``, those whose window
    holds it (the caller still applies its own filter, dates of service included). An
    empty list when the shard does not list the code; None when the shard is not laid out
    as the writer writes it, or a part read is not JSON."""
    if not _shard_layout(data):
        return None
    try:
        key = json.dumps(code, ensure_ascii=False).encode("utf-8") + b":["
    except UnicodeEncodeError:  # a lone surrogate: no UTF-8 file holds it
        return []
    at = data.find(key, len(_SHARD_START))
    while at != -1 and _escaped(data, at):
        at = data.find(key, at + 1)
    if at == -1:
        return []
    start = at + len(key)  # the first row, just after the list's "["
    if data.startswith(b"]", start):
        return []
    on = None if day is None else day.encode("ascii")
    found = []
    try:
        for match in _ROW_END.finditer(data, start):
            end, begins, after = match.groups()
            if on is None or (begins <= on and (end is None or on < end)):
                row = _parsed(data, start, match.end() - 1)
                if not isinstance(row, dict):
                    return None
                found.append(row)
            if after == b"]":
                return found
            start = match.end()
    except ValueError:
        return None
    return None  # the list never ends as the writer ends it


def leading_members(data: bytes, last: str) -> dict[str, Any] | None:
    """The members of a file's top-level object whose keys sort up to ``last``, parsed in
    the order the file holds them and no further; None when its keys are not in strictly
    increasing order up to there (so not as the writer writes them), or it is not JSON."""
    if not data.startswith(b"{"):
        return None
    members: dict[str, Any] = {}
    previous = ""
    at = 1
    try:
        text = decode_text(data)
        while True:
            key, at = parse_json_at(text, at)
            if not isinstance(key, str) or text[at] != ":" or (members and key <= previous):
                return None
            if key > last:
                return members
            members[key], at = parse_json_at(text, at + 1)
            previous = key
            if key == last or text[at] == "}":
                return members
            if text[at] != ",":
                return None
            at += 1
    except (ValueError, IndexError):
        return None
