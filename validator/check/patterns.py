"""JSON Schema's ``pattern`` with the meaning the schema files are written for.

JSON Schema patterns are ECMA-262 regular expressions, where ``$`` (without the
multiline flag) matches only at the very end of the text. jsonschema runs them with
Python's ``re``, where ``$`` also matches before a final newline: ``^[0-9]{4}$`` accepts
``"0324\\n"``, so a number or a code with a trailing newline would pass the schema and be
published as a second policy "0324". Every unescaped ``$`` outside a character class is
translated to ``\\Z`` before the pattern is compiled, so Python agrees with every other
validator (ajv, check-jsonschema's defaults, jsonschema-rs) on the same schema file.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from functools import cache
from typing import Any

from jsonschema import Draft202012Validator, validators
from jsonschema.exceptions import ValidationError


def python_regex(pattern: str) -> str:
    """The Python form of an ECMA-262 pattern: end anchors mean the end of the text."""
    out: list[str] = []
    in_class = False
    escaped = False
    for character in pattern:
        if escaped:
            escaped = False
        elif character == "\\":
            escaped = True
        elif in_class:
            in_class = character != "]"
        elif character == "[":
            in_class = True
        elif character == "$":
            out.append(r"\Z")
            continue
        out.append(character)
    return "".join(out)


@cache
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(python_regex(pattern))


def _pattern(
    validator: Any, pattern: str, instance: Any, schema: dict[str, Any]
) -> Iterator[ValidationError]:
    if validator.is_type(instance, "string") and not _compiled(pattern).search(instance):
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


# jsonschema's stubs leave extend() untyped; naming its type here keeps the call checked.
_extend: Callable[..., Any] = validators.extend

#: Draft 2020-12 with ECMA-262 end anchors in ``pattern``; dates and other formats are
#: asserted by the caller's format checker.
SchemaValidator: Any = _extend(Draft202012Validator, {"pattern": _pattern})
