"""Where the values are written that repository-wide rules report on.

A version's model keeps the positions of its lifecycle values and code rows only: the
YAML node tree is dropped once a file is read. A repository-wide rule that judges
another value (a line of business against the organisation file, a date of service
against the version's window) names the JSON pointers it may report on; ``check_source``
looks them up while the document is at hand, and the rule finds them here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from validator.read.document import Document

Position = tuple[int, int]

#: The pointers of a document a rule family may report on.
Pointers = Callable[[dict[str, Any]], Iterator[str]]


@dataclass(frozen=True)
class Places:
    """Positions by file path and JSON pointer."""

    by_path: Mapping[str, Mapping[str, Position]] = field(default_factory=dict)

    def at(self, path: str, pointer: str) -> Position:
        """The line and column of a value; the file's start when it was not looked up."""
        return self.by_path.get(path, {}).get(pointer, (1, 1))


#: For rules run without the files at hand: every value at its file's start.
NOWHERE = Places()


def look_up(doc: Document, families: Iterable[Pointers]) -> dict[str, Position]:
    """The positions of every pointer the families name in ``doc``."""
    return {
        pointer: doc.position(pointer) for pointers in families for pointer in pointers(doc.data)
    }
