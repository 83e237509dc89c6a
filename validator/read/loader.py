"""Read a YAML file the JSON way, refusing every construct that could change its meaning.

PyYAML on its own turns ``0324`` into 212, lets the last of two duplicate keys win,
expands aliases into gigabytes and accepts a BOM, control characters and zero-width
spaces inside codes. This loader reads bytes into plain JSON values and reports each of
those hazards as a finding at its line and column instead. It runs three steps, each
in its own module:

1. :mod:`validator.read.text`: bytes to text, with the character-level hazards;
2. :mod:`validator.read.parse`: text to a node tree through libyaml, with syntax errors;
3. :mod:`validator.read.values`: the node tree to JSON values, with the YAML hazards.

Loading is a pure function of the file's bytes, so results can be cached by content
and files can be loaded in parallel.
"""

from __future__ import annotations

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from validator.findings import Finding
from validator.read import parse, text, values
from validator.read.document import Document
from validator.read.text import MAX_FILE_BYTES

__all__ = ["MAX_FILE_BYTES", "Document", "load_document"]


def load_document(path: str, raw: bytes) -> Document:
    """Load one file's bytes. Never raises for any input; problems become findings."""
    doc = Document(path)
    decoded = text.decode(path, raw)
    if isinstance(decoded, Finding):
        doc.findings.append(decoded)
        return doc
    doc.findings.extend(text.invisible_characters(path, decoded))
    if text.unusual_breaks(decoded):
        # libyaml counts NEL, LS and PS as line breaks where editors do not: parsing on
        # would report later findings on lines the author cannot find.
        return doc
    tabs = text.layout_tabs(decoded)
    try:
        root = parse.compose(decoded)
    except yaml.MarkedYAMLError as error:
        finding = parse.syntax_finding(path, error)
        tab_findings = [text.tab_finding(path, decoded, offset) for offset in tabs]
        doc.findings.extend(tab_findings)
        if finding.line not in {tab.line for tab in tab_findings}:
            doc.findings.append(finding)  # else the tab is the cause: report it alone
        return doc
    except yaml.reader.ReaderError as error:
        # A character YAML does not allow at all; usually reported already as invisible.
        if not doc.findings:
            doc.findings.append(text.disallowed_character(path, decoded, error))
        return doc
    if root is None:
        doc.findings.append(
            parse.EMPTY.finding(
                path,
                1,
                1,
                "the file holds no YAML document (only comments or blank lines)",
                hint="write the policy version",
            )
        )
        return doc
    doc.root = root
    if tabs:
        inside = _scalar_spans(root)
        doc.findings.extend(
            text.tab_finding(path, decoded, offset)
            for offset in tabs
            if not any(start <= offset < end for start, end in inside)
        )
    doc.findings.extend(parse.find_anchors(path, decoded))
    value, findings, complete = values.build_value(path, root)
    doc.findings.extend(findings)
    if not complete:
        return doc
    doc.data = value
    if not isinstance(value, dict):
        doc.findings.append(values.not_a_mapping(path, value, doc.position("")))
    return doc


def _scalar_spans(root: Node) -> list[tuple[int, int]]:
    """Character spans of every scalar: a tab inside one is text, not layout."""
    spans: list[tuple[int, int]] = []
    pending = [root]
    seen: set[int] = set()
    while pending:
        node = pending.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, ScalarNode):
            spans.append((node.start_mark.index, node.end_mark.index))
        elif isinstance(node, SequenceNode):
            pending.extend(node.value)
        elif isinstance(node, MappingNode):
            pending.extend(item for pair in node.value for item in pair)
    return spans
