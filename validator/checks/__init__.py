"""Checks that need one policy version: each module registers its rules and yields findings.

They run on a version that loaded cleanly and matched the schema, so they can rely on
its shape. Each is a function of the one document, independent of every other file.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from validator.checks import codes, dates, paths
from validator.findings import Finding
from validator.loader import Document

VERSION_CHECKS: tuple[Callable[[Document], Iterator[Finding]], ...] = (
    paths.check,
    dates.check,
    codes.check,
)
