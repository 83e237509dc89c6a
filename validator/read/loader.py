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

import gc
from bisect import bisect_left
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from validator.findings import Finding
from validator.read import parse, text, values
from validator.read.document import Document
from validator.read.text import MAX_FILE_BYTES

__all__ = ["MAX_FILE_BYTES", "Document", "load_document"]


def load_document(path: str, raw: bytes) -> Document:
    """Load one file's bytes. Never raises for any input; problems become findings."""
    with _collector_paused():
        return _load(path, raw)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while a file is loaded.

    The node tree and values of a large file are hundreds of thousands of small objects,
    none of them in a reference cycle; the collector would scan them again each time a
    few thousand more are made, which takes longer than making them. Reference counting
    frees memory as usual, and the collector runs again afterwards.
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _load(path: str, raw: bytes) -> Document:
    doc = Document(path)
    decoded = text.decode(path, raw)
    if isinstance(decoded, Finding):
        doc.findings.append(decoded)
        return doc
    doc.text = decoded
    lines = text.Lines(decoded)
    doc.add_each(
        text.INVISIBLE.id,
        text.invisible_characters(decoded),
        partial(text.invisible_finding, path, lines),
    )
    if text.unusual_breaks(decoded):
        # libyaml counts NEL, LS and PS as line breaks where editors do not: parsing on
        # would report later findings on lines the author cannot find.
        return doc
    tabs = text.layout_tabs(decoded)
    report_tabs = partial(doc.add_each, text.TAB.id, make=partial(text.tab_finding, path, lines))
    try:
        root = parse.compose(decoded)
    except yaml.MarkedYAMLError as error:
        report_tabs(tabs)
        finding = parse.syntax_finding(path, error)
        if not _on_line(tabs, lines, finding.line):
            doc.findings.append(finding)  # else the tab is the cause: report it alone
        return doc
    except yaml.reader.ReaderError as error:
        # A character YAML does not allow at all; usually reported already as invisible.
        if not doc.findings:
            doc.findings.append(text.disallowed_character(path, lines, error))
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
    report_tabs(_outside_scalars(tabs, root))
    doc.add_each(parse.ANCHOR.id, parse.anchor_events(decoded), partial(parse.anchor_finding, path))
    value, complete = values.build_value(doc, root)
    if not complete:
        return doc
    doc.data = value
    if not isinstance(value, dict):
        doc.findings.append(values.not_a_mapping(path, value, doc.position("")))
    return doc


def _on_line(offsets: list[int], lines: text.Lines, line: int) -> bool:
    """True when one of the offsets, in order, is on the line: one search, not one each."""
    start, end = lines.span(line)
    first = bisect_left(offsets, start)
    return first < len(offsets) and offsets[first] < end


def _outside_scalars(tabs: list[int], root: Node) -> list[int]:
    """The tabs that are layout: a tab inside a scalar is text.

    Tabs and scalars are both taken in order of their place in the text and walked
    together once, so that a file with a tab in each of 100,000 scalars is not checked
    tab by scalar.
    """
    if not tabs:
        return []
    spans = _merged(_scalar_spans(root))
    layout: list[int] = []
    span = 0
    for offset in tabs:  # in order: layout_tabs finds them from the start
        while span < len(spans) and spans[span][1] <= offset:
            span += 1
        if span == len(spans) or offset < spans[span][0]:
            layout.append(offset)
    return layout


def _merged(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Spans in order, with spans that overlap or touch joined into one."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


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
