"""A loaded file: its JSON value, the node tree it came from, and what was wrong with it.

Positions are not collected while loading: the node tree is kept, and a JSON pointer is
resolved to a line and column only when a finding needs one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from yaml.nodes import MappingNode, Node, SequenceNode

from validator.findings import Finding, Severity


@dataclass
class Document:
    """A loaded file: its JSON value, its node tree for positions, and what was wrong."""

    path: str
    data: Any = None
    root: Node | None = field(default=None, repr=False)
    findings: list[Finding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when the file loaded into a mapping that later checks can trust."""
        return isinstance(self.data, dict) and not any(
            f.severity is Severity.ERROR for f in self.findings
        )

    def node_at(self, pointer: str, *, key: bool = False) -> Node | None:
        """The node a JSON pointer names (its key node when ``key``), or the nearest parent."""
        node = self.root
        if node is None:
            return None
        tokens = pointer_tokens(pointer)
        for index, token in enumerate(tokens):
            if isinstance(node, MappingNode):
                for key_node, value_node in node.value:
                    if key_node.value == token:
                        node = key_node if key and index == len(tokens) - 1 else value_node
                        break
                else:
                    return node
            elif (
                isinstance(node, SequenceNode) and token.isdigit() and int(token) < len(node.value)
            ):
                node = node.value[int(token)]
            else:
                return node
        return node

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
    return [t.replace("~1", "/").replace("~0", "~") for t in pointer.lstrip("/").split("/")]


def escape_token(token: str | int) -> str:
    """A key or index as a JSON pointer token (RFC 6901)."""
    return str(token).replace("~", "~0").replace("/", "~1")
