"""Canonical JSON put together from pieces has the bytes of the whole encoded at once."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from validator.publish.canonical import (
    Parts,
    array_parts,
    canonical_json,
    canonical_part,
    joined,
    object_parts,
)

#: Text that sorts and escapes differently: ASCII, accents, astral characters, quotes,
#: backslashes and control characters.
TEXT = st.text(st.characters(exclude_categories=["Cs"]), max_size=8)

#: The values a bundle holds: no floats.
VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | TEXT,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXT, inner, max_size=4),
    max_leaves=20,
)


def pieces(value: Any) -> Parts:
    """The value's pieces, put together from its parts' pieces at every level."""
    if isinstance(value, dict):
        return object_parts({key: pieces(item) for key, item in value.items()})
    if isinstance(value, list):
        return array_parts(b"".join(pieces(item)) for item in value)
    return [canonical_part(value)]


@given(VALUES)
def test_a_file_put_together_from_pieces_is_the_value_encoded_whole(value: Any) -> None:
    assert joined(pieces(value)) == canonical_json(value)


@given(st.dictionaries(TEXT, VALUES, max_size=6))
def test_an_object_of_encoded_members_sorts_its_keys_as_the_encoder_does(
    members: dict[str, Any],
) -> None:
    encoded = {key: [canonical_part(value)] for key, value in members.items()}
    assert joined(object_parts(encoded)) == canonical_json(members)
