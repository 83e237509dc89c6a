"""The ``policyrepo`` command line, on top of every stage: it parses, runs one stage's
functions, and prints what they return through the reporters and answer formatters."""

from validator.cli.main import main
from validator.cli.options import (
    EXIT_FINDINGS,
    EXIT_INCOMPLETE,
    EXIT_INTERNAL,
    EXIT_OK,
    EXIT_USAGE,
)

__all__ = [
    "EXIT_FINDINGS",
    "EXIT_INCOMPLETE",
    "EXIT_INTERNAL",
    "EXIT_OK",
    "EXIT_USAGE",
    "main",
]
