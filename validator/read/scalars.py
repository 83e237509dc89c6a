"""What other YAML parsers make of a plain scalar, and how to say so.

A plain scalar that YAML 1.1 (PyYAML) or YAML 1.2 parsers type as other than text is
ambiguous: the repository keeps it as text and reports it. The messages say what PyYAML
reads it as, and the fix, quoting the value when it is short enough to quote.
"""

from __future__ import annotations

import datetime
import re
from typing import Any

import yaml

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
AMBIGUOUS_WORDS = frozenset(
    {"y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO"}  # YAML 1.1 booleans
    | {"on", "On", "ON", "off", "Off", "OFF"}
    | {f"{sign}.{inf}" for sign in ("", "-", "+") for inf in ("inf", "Inf", "INF")}
    | {".nan", ".NaN", ".NAN"}
    | {"<<", "="}  # merge and value keys
)
NUMBER_START = frozenset("-+.0123456789")
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


def is_ambiguous(value: str) -> bool:
    """True for a plain scalar that some YAML parser reads as other than text."""
    if value in AMBIGUOUS_WORDS:
        return True
    if not value or value[0] not in NUMBER_START:
        return False
    if _DATE_OR_TIME.fullmatch(value):
        return True  # PyYAML reads 2013-04-15 as a date object, not text
    if not _NUMBER_CHARACTERS.fullmatch(value):
        return False
    if _NUMBER.fullmatch(value):
        return True
    return "_" in value and _DIGITS_AND_UNDERSCORES.fullmatch(value) is not None


def ambiguous(value: str) -> tuple[str, str]:
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


def too_many_digits(value: str) -> tuple[str, str]:
    digits = len(value) - value.startswith("-")
    return (
        f"unquoted number with {digits:,} digits is too long to read as a number "
        f"(at most {MAX_NUMBER_DIGITS:,} digits)",
        "quote it to keep it as text",
    )


def too_large(value: str) -> tuple[str, str]:
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
    except yaml.YAMLError:
        typed = value  # a plain scalar it cannot read alone: text, as the loader read it
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
    return f"PyYAML reads it as {kind(typed)} ({typed!r})"


def kind(value: Any) -> str:
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
