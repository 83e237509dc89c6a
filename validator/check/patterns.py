"""JSON Schema's ``pattern`` with the meaning the schema files are written for.

JSON Schema patterns are ECMA-262 regular expressions. jsonschema runs them with
Python's ``re``, which reads some of the same text differently:

- ``$`` (without the multiline flag) matches only at the very end of the text in
  ECMA-262; in Python it also matches before a final newline, so ``^[0-9]{4}$`` would
  accept ``"0324\\n"`` and a number or a code with a trailing newline would pass the
  schema and be published as a second policy "0324". Every unescaped ``$`` outside a
  character class becomes ``\\Z``.
- ``\\s`` is ECMA-262's white space and line terminators; Python's also matches
  U+001C to U+001F and U+0085 and misses U+FEFF, so ``^https?://[^\\s<>"]+$`` would
  judge an address with one of them the other way. ``\\s`` and ``\\S`` become the
  ECMA-262 set written out.
- ``.`` matches no line terminator in ECMA-262 (LF, CR, U+2028, U+2029); in Python it
  matches all but LF. It becomes the class of everything else.
- ``\\d``, ``\\w`` and ``\\b`` are ASCII in ECMA-262 and Unicode in Python; patterns are
  compiled with ``re.ASCII``.

So Python agrees with every other validator (ajv, check-jsonschema's defaults,
jsonschema-rs, which decides first whether a document is valid) on the same schema file.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from functools import cache
from typing import Any

from jsonschema import Draft202012Validator, validators
from jsonschema.exceptions import ValidationError

#: ECMA-262's WhiteSpace and LineTerminator: tab, vertical tab, form feed, space, the
#: byte order mark, the space separators (Zs), and LF, CR, U+2028, U+2029.
_ECMA_SPACE = r"\t\n\x0b\x0c\r\x20\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
#: What ECMA-262's ``.`` matches: anything but a line terminator.
_ECMA_ANY = r"[^\n\r\u2028\u2029]"


def python_regex(pattern: str) -> str:
    """The Python form of an ECMA-262 pattern, to compile with ``re.ASCII``."""
    out: list[str] = []
    in_class = False
    escaped = False
    for character in pattern:
        if escaped:
            escaped = False
            if character in "sS":
                out[-1] = _space(negated=character == "S", in_class=in_class)
                continue
        elif character == "\\":
            escaped = True
        elif in_class:
            in_class = character != "]"
        elif character == "[":
            in_class = True
        elif character == "$":
            out.append(r"\Z")
            continue
        elif character == ".":
            out.append(_ECMA_ANY)
            continue
        out.append(character)
    return "".join(out)


def _space(*, negated: bool, in_class: bool) -> str:
    if not in_class:
        return f"[{'^' if negated else ''}{_ECMA_SPACE}]"
    if negated:
        # Python cannot subtract one set from a class: [a\S] has no form without \S.
        raise ValueError(r"\S inside a character class is not supported in schema patterns")
    return _ECMA_SPACE


@cache
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(python_regex(pattern), re.ASCII)


def _pattern(
    validator: Any, pattern: str, instance: Any, schema: dict[str, Any]
) -> Iterator[ValidationError]:
    if validator.is_type(instance, "string") and not _compiled(pattern).search(instance):
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


# jsonschema's stubs leave extend() untyped; naming its type here keeps the call checked.
_extend: Callable[..., Any] = validators.extend

#: Draft 2020-12 with ECMA-262 patterns; dates and other formats are asserted by the
#: caller's format checker.
SchemaValidator: Any = _extend(Draft202012Validator, {"pattern": _pattern})
