"""A loaded file: its JSON value, the node tree it came from, and what was wrong with it.

Positions are not collected while loading: the node tree is kept, and a JSON pointer is
resolved to a line and column only when a finding needs one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import partial
from typing import Any, TypeVar

from yaml.nodes import MappingNode, Node, SequenceNode

from validator.findings import Finding, Severity

#: Findings of one rule that a report lists for one file (``check.validate.listed``).
#: Past them, loading makes only the first of the rest, for its place, and counts the
#: others: a file of 1,000,000 control characters costs a count, not a million findings.
MAX_LISTED_PER_RULE = 100

Place = TypeVar("Place")


@dataclass
class LeftOut:
    """Findings of one rule past those listed: the first of them, and how many in all."""

    first: Finding
    count: int = 1


@dataclass
class Document:
    """A loaded file: its JSON value, its node tree for positions, and what was wrong."""

    path: str
    data: Any = None
    root: Node | None = field(default=None, repr=False)
    findings: list[Finding] = field(default_factory=list)
    #: The decoded text the value was loaded from; None when not loaded from text.
    text: str | None = field(default=None, repr=False, compare=False)
    #: Findings of a rule past the first ``MAX_LISTED_PER_RULE``, by rule ID.
    left_out: dict[str, LeftOut] = field(default_factory=dict)
    _listed_by_rule: dict[str, int] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )
    #: Each mapping's pairs by key, by the mapping's id: nodes live as long as ``root``.
    _pairs_by_mapping: dict[int, dict[str, tuple[Node, Node]]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    @property
    def ok(self) -> bool:
        """True when the file loaded into a mapping that later checks can trust."""
        return isinstance(self.data, dict) and not any(
            f.severity is Severity.ERROR for f in self.findings
        )

    def add(self, rule: str, make: Callable[[], Finding]) -> None:
        """Add a finding of ``rule``, made only if it is listed or the first left out.

        Findings of a rule must be added in the order they sort, as they are when they
        are found from the start of the text to its end: the listed ones are the first.
        """
        listed = self._listed_by_rule.get(rule, 0)
        if listed < MAX_LISTED_PER_RULE:
            self._listed_by_rule[rule] = listed + 1
            self.findings.append(make())
        elif rule in self.left_out:
            self.left_out[rule].count += 1
        else:
            self.left_out[rule] = LeftOut(make())

    def counted(self, rule: str) -> bool:
        """Count a finding of ``rule`` if it is past the first left out, which needs no
        finding made; True when it was."""
        left_out = self.left_out.get(rule)
        if left_out is None:
            return False
        left_out.count += 1
        return True

    def leave_out(self, first: Finding, count: int) -> None:
        """Count ``count`` findings of a rule that are not made, from ``first`` on."""
        known = self.left_out.get(first.rule)
        if known is None:
            self.left_out[first.rule] = LeftOut(first, count)
        else:
            known.first = min(known.first, first)
            known.count += count

    def add_each(
        self, rule: str, places: Iterable[Place], make: Callable[[Place], Finding]
    ) -> None:
        """Add a finding of ``rule`` for each place, in order, as :meth:`add` does."""
        remaining = iter(places)
        for place in remaining:
            self.add(rule, partial(make, place))
            if self._listed_by_rule[rule] == MAX_LISTED_PER_RULE and rule in self.left_out:
                # Only counted from here: a count costs far less than a finding.
                self.left_out[rule].count += sum(1 for _ in remaining)
                return

    def node_at(self, pointer: str, *, key: bool = False) -> Node | None:
        """The node a JSON pointer names (its key node when ``key``), or the nearest parent.

        Each step is a dictionary lookup, so resolving a pointer costs its depth, not the
        size of the mappings on the way: a file with 100,000 unknown keys needs as many
        positions, and a scan of the mapping for each would be quadratic.
        """
        node = self.root
        if node is None:
            return None
        tokens = pointer_tokens(pointer)
        for index, token in enumerate(tokens):
            if isinstance(node, MappingNode):
                pair = self._pairs(node).get(token)
                if pair is None:
                    return node
                node = pair[0] if key and index == len(tokens) - 1 else pair[1]
            elif isinstance(node, SequenceNode) and (item := _item_index(token, node)) is not None:
                node = node.value[item]
            else:
                return node
        return node

    def _pairs(self, node: MappingNode) -> dict[str, tuple[Node, Node]]:
        """A mapping's key and value nodes by key text, made on its first lookup.

        The first of two duplicate keys wins, as in the loaded value.
        """
        pairs = self._pairs_by_mapping.get(id(node))
        if pairs is None:
            pairs = {}
            for pair in node.value:  # the composer's own tuples: no new object for each
                if isinstance(pair[0].value, str):
                    pairs.setdefault(pair[0].value, pair)
            self._pairs_by_mapping[id(node)] = pairs
        return pairs

    def item_positions(self, pointer: str, keys: frozenset[str]) -> list[tuple[int, int]]:
        """For each item of the sequence a JSON pointer names, the position of its value
        under the first of its keys in ``keys`` (the item's own, where it has none).

        One walk to the sequence for all its items: a table of 1,500 codes costs 1,500
        steps, not 1,500 walks from the root.
        """
        node = self.node_at(pointer)
        if not isinstance(node, SequenceNode):
            return []
        positions = []
        for item in node.value:
            target = item
            if isinstance(item, MappingNode):
                target = next((value for name, value in item.value if name.value in keys), item)
            positions.append((target.start_mark.line + 1, target.start_mark.column + 1))
        return positions

    def position(self, pointer: str, *, key: bool = False) -> tuple[int, int]:
        """1-based line and column of the node a JSON pointer names."""
        node = self.node_at(pointer, key=key)
        if node is None:
            return (1, 1)
        return (node.start_mark.line + 1, node.start_mark.column + 1)


def pointer_tokens(pointer: str) -> list[str]:
    """The reference tokens of a JSON pointer (RFC 6901), unescaped."""
    if not pointer:
        return []
    tokens = pointer.lstrip("/").split("/")
    if "~" not in pointer:
        return tokens
    return [t.replace("~1", "/").replace("~0", "~") for t in tokens]


def _item_index(token: str, node: SequenceNode) -> int | None:
    """The sequence index a token names, when it is one of the sequence's items."""
    # Only a token no longer than the item count is converted: int() of a token of 5,000
    # digits would raise.
    if token.isdecimal() and len(token.lstrip("0")) <= len(str(len(node.value))):
        index = int(token)
        return index if index < len(node.value) else None
    return None


def escape_token(token: str | int) -> str:
    """A key or index as a JSON pointer token (RFC 6901)."""
    return str(token).replace("~", "~0").replace("/", "~1")
