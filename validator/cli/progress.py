"""A one-line count of the files checked so far, for runs long enough to wonder about.

Shown on standard error only when it is a terminal, and only once a run has lasted a
second: a quick run, a pipe, a CI log or ``--quiet`` sees nothing, so the output that
tools read never holds it. The line is redrawn at most ten times a second and erased
when the count reaches the total, so what follows starts on a clean line.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import TextIO

#: How long a run goes before the count appears, in seconds.
DELAY = 1.0
#: The least time between two drawings of the line, in seconds.
INTERVAL = 0.1


class Progress:
    """Counts files done against a total; call it with each new count."""

    def __init__(
        self,
        what: str,
        stream: TextIO | None = None,
        *,
        enabled: bool | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.what = what
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = _is_terminal(self.stream) if enabled is None else enabled
        self.clock = clock
        self.started = clock()
        self.drawn_at: float | None = None
        self.width = 0

    def __call__(self, done: int, total: int) -> None:
        if not self.enabled:
            return
        if done >= total:
            self.close()
            return
        now = self.clock()
        if now - self.started < DELAY:
            return
        if self.drawn_at is not None and now - self.drawn_at < INTERVAL:
            return
        line = f"{self.what}: {done:,} of {total:,} files"
        self.stream.write("\r" + line.ljust(self.width))
        self.stream.flush()
        self.width = len(line)
        self.drawn_at = now

    def close(self) -> None:
        """Erase the line, if one was drawn (a run that stops before its total)."""
        if self.drawn_at is not None:
            self.stream.write("\r" + " " * self.width + "\r")
            self.stream.flush()
            self.drawn_at = None

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # a closed or stand-in stream
        return False
