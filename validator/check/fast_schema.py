"""Whether a document matches its JSON Schema, decided by a compiled validator.

Most files are valid. Explaining an error at its YAML position needs jsonschema's errors
(their paths, the best match among ``oneOf`` branches); deciding that there is no error
does not, and jsonschema-rs, which compiles a schema to Rust, decides it over a hundred
times faster than jsonschema's ``iter_errors``. So the explaining validator runs only on
the files this one rejects, and the two must agree on every document:

- both implement Draft 2020-12;
- both read ``pattern`` as ECMA-262 does: jsonschema-rs on its own, jsonschema through
  :mod:`validator.check.patterns`;
- formats are decided by the explaining validator's own format checker, handed to this
  one: jsonschema-rs alone would accept ``"0000-01-01"``, which Python's ``date`` (and so
  the explaining validator) has no year for.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

import jsonschema_rs
from jsonschema import FormatChecker


class FastValidator:
    """A schema compiled once, that answers only "valid or not"."""

    def __init__(self, schema: dict[str, Any], format_checker: FormatChecker) -> None:
        formats: dict[str, Callable[[Any], bool]] = {
            name: partial(format_checker.conforms, format=name) for name in _formats_named(schema)
        }
        self._compiled = jsonschema_rs.Draft202012Validator(
            schema,
            formats=formats,
            validate_formats=True,
            # The schemas refer only inside themselves; nothing is fetched, at any time.
            offline=True,
        )

    def is_valid(self, instance: Any) -> bool:
        """True when the instance matches; False when it does not, or cannot be told."""
        try:
            return self._compiled.is_valid(instance)
        except ValueError:
            # A value JSON has no form for (a set, a date, a key that is not text): the
            # loader makes none, and the explaining validator is left to say what it is.
            return False


def _formats_named(schema: Any) -> set[str]:
    """Every format the schema names.

    A format the checker does not know is accepted by it, as by the explaining validator,
    instead of being checked the way jsonschema-rs would check it.
    """
    if isinstance(schema, dict):
        named = {schema["format"]} if isinstance(schema.get("format"), str) else set()
        return named.union(*map(_formats_named, schema.values()))
    if isinstance(schema, list):
        return set[str]().union(*map(_formats_named, schema))
    return set()
