"""The progress line: only on a terminal, only after a second, erased at the end."""

from __future__ import annotations

import io

from validator.cli.progress import Progress


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_pipe_never_sees_the_line() -> None:
    clock, stream = Clock(), io.StringIO()
    progress = Progress("checking", stream, clock=clock)
    clock.now += 5
    progress(10, 20)
    progress.close()
    assert stream.getvalue() == ""


def test_a_quick_run_never_sees_the_line() -> None:
    clock, stream = Clock(), Terminal()
    with Progress("checking", stream, clock=clock) as progress:
        clock.now += 0.5
        progress(19, 20)
        progress(20, 20)
    assert stream.getvalue() == ""


def test_a_long_run_counts_then_erases_the_line() -> None:
    clock, stream = Clock(), Terminal()
    progress = Progress("checking", stream, clock=clock)
    clock.now += 1.5
    progress(1200, 20000)
    clock.now += 0.01
    progress(1300, 20000)  # too soon after the last drawing: skipped
    clock.now += 0.5
    progress(19999, 20000)
    progress(20000, 20000)  # done: the line goes, whenever it comes
    line1 = "checking: 1,200 of 20,000 files"
    line2 = "checking: 19,999 of 20,000 files"
    assert stream.getvalue() == "\r" + line1 + "\r" + line2 + "\r" + " " * len(line2) + "\r"


def test_a_run_that_stops_short_erases_the_line_when_closed() -> None:
    clock, stream = Clock(), Terminal()
    with Progress("bundling", stream, clock=clock) as progress:
        clock.now += 2
        progress(5, 9)
    assert stream.getvalue() == "\rbundling: 5 of 9 files\r" + " " * 22 + "\r"


def test_a_shorter_line_covers_the_longer_one_before_it() -> None:
    clock, stream = Clock(), Terminal()
    progress = Progress("checking", stream, clock=clock, enabled=True)
    clock.now += 2
    progress(9999, 10000)
    clock.now += 1
    progress(1, 10000)  # a second stage counting again
    longer, shorter = "checking: 9,999 of 10,000 files", "checking: 1 of 10,000 files"
    assert stream.getvalue() == "\r" + longer + "\r" + shorter.ljust(len(longer))


def test_quiet_means_nothing_even_on_a_terminal() -> None:
    clock, stream = Clock(), Terminal()
    progress = Progress("checking", stream, enabled=False, clock=clock)
    clock.now += 5
    progress(1, 2)
    progress.close()
    assert stream.getvalue() == ""
