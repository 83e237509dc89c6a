"""Canonical JSON: the one byte form of a value, so that equal data hashes equally.

Keys sorted, no insignificant whitespace, UTF-8 without escapes, no NaN or infinity.
Bundle values are strings, integers, booleans, null, lists and objects (no floats), so
this coincides with RFC 8785 (JSON Canonicalization Scheme) for everything we write.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any


def canonical_json(value: Any) -> bytes:
    return (
        json.dumps(
            value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
        ).encode("utf-8")
        + b"\n"
    )


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
