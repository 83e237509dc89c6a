"""Canonical JSON: the one byte form of a value, so that equal data hashes equally.

Keys sorted, no insignificant whitespace, UTF-8 without escapes, no NaN or infinity.
Bundle values are strings, integers, booleans, null, lists and objects (no floats), so
this coincides with RFC 8785 (JSON Canonicalization Scheme) for everything we write.

A large file can be put together from pieces encoded earlier (``canonical_part``, then
``object_parts`` and ``array_parts``, joined once by ``joined``): the encoding has no
indentation and no state, so a value's bytes are the same alone as inside any
document, and the pieces give exactly the bytes ``canonical_json`` gives the whole. The
code index is written this way: each index row is encoded once, however many codes
share it, and a shard's bytes are made in one join, not copied level by level.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from operator import itemgetter
from typing import Any

#: A value's canonical JSON in pieces, UTF-8, to be joined once.
Parts = list[bytes]

_KEY = itemgetter(0)


def canonical_json(value: Any) -> bytes:
    return canonical_part(value) + b"\n"


def canonical_part(value: Any) -> bytes:
    """The canonical JSON of ``value``, UTF-8, without the final newline."""
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


def object_parts(members: Mapping[str, Parts]) -> Parts:
    """An object's pieces, from each member value's pieces: keys sorted as ``json``
    sorts them (by code point)."""
    parts = [b"{"]
    for key, value in sorted(members.items(), key=_KEY):
        if len(parts) > 1:
            parts.append(b",")
        parts += (canonical_part(key), b":", *value)
    parts.append(b"}")
    return parts


def array_parts(items: Iterable[bytes]) -> Parts:
    """An array's pieces, from each item's canonical JSON, in order."""
    parts = [b"["]
    for item in items:
        if len(parts) > 1:
            parts.append(b",")
        parts.append(item)
    parts.append(b"]")
    return parts


def joined(parts: Parts) -> bytes:
    """A file's bytes from its value's pieces."""
    return b"".join([*parts, b"\n"])


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
