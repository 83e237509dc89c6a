"""Hints that name what was probably meant: the nearest known name, or a short list.

A hostile file can name 100,000 unknown things among 10,000 known ones; only the first
findings of a rule in a file are listed (``MAX_LISTED_PER_RULE``), so only theirs get a
searched suggestion, and only among as many names as a real version has.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from functools import cached_property

from validator.read.document import MAX_LISTED_PER_RULE

#: The most names a message or hint lists before it says "...".
MOST_SHOWN = 8
#: The most known names searched for the nearest: far more than a version's groups.
MOST_SEARCHED = 200


def shown(names: Iterable[str]) -> str:
    """Names for a reader, sorted, at most ``MOST_SHOWN`` of them."""
    ordered = sorted(names)
    more = ", ..." if len(ordered) > MOST_SHOWN else ""
    return ", ".join(ordered[:MOST_SHOWN]) + more


class Nearest:
    """Suggests, for a name nothing has, the closest of the known ones."""

    def __init__(self, known: Iterable[str]) -> None:
        # A list or tuple is kept as it is: one list of known names can serve many files.
        self.known = known if isinstance(known, list | tuple) else list(known)
        self._searches = 0

    @cached_property
    def listing(self) -> str:
        """The known names, as :func:`shown` lists them; made once."""
        return shown(self.known)

    def to(self, name: str) -> str | None:
        """The known name closest to ``name``, if one is close; None past the searches a
        file's listed findings need, or among more names than a version holds."""
        if self._searches >= MAX_LISTED_PER_RULE or len(self.known) > MOST_SEARCHED:
            return None
        self._searches += 1
        close = difflib.get_close_matches(name, self.known, n=1, cutoff=0.6)
        return close[0] if close else None
