"""Positions from pointers by lookup, and findings past those listed only counted."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from yaml.nodes import MappingNode, Node, SequenceNode

from validator.findings import Finding, Severity
from validator.read.document import MAX_LISTED_PER_RULE, Document, LeftOut, pointer_tokens
from validator.read.loader import load_document


def scanned(doc: Document, pointer: str, *, key: bool = False) -> Node | None:
    """The node a pointer names, found by scanning each mapping's pairs in order, as
    positions were found before mappings were indexed: the reference for ``node_at``."""
    node = doc.root
    tokens = pointer_tokens(pointer)
    for index, token in enumerate(tokens):
        if isinstance(node, MappingNode):
            for key_node, value_node in node.value:
                if key_node.value == token:
                    node = key_node if key and index == len(tokens) - 1 else value_node
                    break
            else:
                return node
        elif isinstance(node, SequenceNode) and token.isdigit() and int(token) < len(node.value):
            node = node.value[int(token)]
        else:
            return node
    return node


TEXT = b"""\
a:
  b:
    - x
    - y: 1
      y: 2
  '0': zero
a: again
'c/d~e':
  - [1, 2]
"""


TOKENS = ["a", "b", "0", "1", "2", "9", "01", "y", "c~1d~0e", "x"]


@given(st.lists(st.sampled_from(TOKENS), max_size=4), st.booleans())
def test_pointers_resolve_to_the_nodes_a_scan_finds(tokens: list[str], key: bool) -> None:
    doc = load_document("x.yaml", TEXT)
    pointer = "".join(f"/{token}" for token in tokens)
    assert doc.node_at(pointer, key=key) is scanned(doc, pointer, key=key)


def test_the_first_of_duplicate_keys_is_found() -> None:
    doc = load_document("x.yaml", TEXT)
    assert doc.position("/a", key=True) == (1, 1)
    assert doc.position("/a/b/1/y") == (4, 10)


def test_odd_sequence_tokens_resolve_to_the_sequence() -> None:
    doc = load_document("x.yaml", b"a: [x, y]\n")
    assert doc.position("/a/\u00b2") == (1, 4)  # a superscript two: a digit, not an index
    assert doc.position("/a/" + "9" * 5000) == (1, 4)
    assert doc.position("/a/01") == (1, 8)


def finding(column: int, rule: str = "r") -> Finding:
    return Finding("x.yaml", 1, column, rule, Severity.ERROR, f"at {column}")


def test_past_the_listed_findings_only_the_first_is_made() -> None:
    doc = Document("x.yaml")
    made: list[int] = []

    def make(column: int) -> Finding:
        made.append(column)
        return finding(column)

    doc.add_each("r", range(1, 1001), make)
    assert [f.column for f in doc.findings] == list(range(1, MAX_LISTED_PER_RULE + 1))
    assert made == list(range(1, MAX_LISTED_PER_RULE + 2))
    assert doc.left_out == {"r": LeftOut(finding(MAX_LISTED_PER_RULE + 1), 900)}
    doc.add("r", lambda: finding(2000))
    assert doc.counted("r")
    assert doc.left_out["r"].count == 902


def test_findings_left_out_twice_keep_the_first_place() -> None:
    doc = Document("x.yaml")
    doc.leave_out(finding(50), 3)
    doc.leave_out(finding(20), 4)
    assert doc.left_out == {"r": LeftOut(finding(20), 7)}
    assert not doc.counted("other")
