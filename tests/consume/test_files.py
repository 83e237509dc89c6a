"""Reading a bundle's files: regular files only, never blocking, never more than expected."""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from validator.consume.files import (
    LISTED_BUT_MISSING,
    BadFile,
    MissingFile,
    read_listed,
    read_regular_file,
)
from validator.consume.manifest import Entry

#: Generous: reading a small file takes microseconds; only a hang comes near this.
HANG = 20.0


def returns_in_time(call: Callable[[], Any]) -> BaseException | None:
    """Run ``call`` in a thread and return what it raised (None if nothing); fail the test
    when it has not returned after HANG seconds."""
    outcome: list[BaseException | None] = []

    def run() -> None:
        try:
            call()
        except BaseException as error:  # handed to the test, which asserts on it
            outcome.append(error)
        else:
            outcome.append(None)

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(HANG)
    assert not worker.is_alive(), f"still blocked after {HANG} s"
    return outcome[0]


def test_a_named_pipe_is_refused_without_waiting_for_a_writer(
    tmp_path: Path, named_pipe: Callable[[Path], None]
) -> None:
    pipe = tmp_path / "manifest.json"
    named_pipe(pipe)
    error = returns_in_time(lambda: read_regular_file(pipe, 1024))
    assert isinstance(error, BadFile)
    assert str(error) == "not a regular file but a named pipe"


def test_a_listed_file_that_is_a_named_pipe_is_refused(
    tmp_path: Path, named_pipe: Callable[[Path], None]
) -> None:
    named_pipe(tmp_path / "catalog.json")
    error = returns_in_time(lambda: read_listed(tmp_path, Entry("catalog.json", 0, "0" * 64)))
    assert isinstance(error, BadFile)
    assert str(error) == "not a regular file but a named pipe"


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda path: path.mkdir(), "not a regular file but a directory"),
        (lambda path: path.symlink_to("/etc/hostname"), "not a regular file but a symbolic link"),
        (lambda path: path.symlink_to("nowhere"), "not a regular file but a symbolic link"),
        (lambda path: path.write_bytes(b"x" * 11), "11 bytes, more than the 10 this file may have"),
    ],
)
def test_only_a_regular_file_within_its_limit_is_read(
    tmp_path: Path, make: Callable[[Path], Any], message: str
) -> None:
    path = tmp_path / "manifest.sig"
    make(path)
    with pytest.raises(BadFile) as raised:
        read_regular_file(path, 10)
    assert str(raised.value) == message


def test_a_regular_file_within_its_limit_is_read_whole(tmp_path: Path) -> None:
    (tmp_path / "manifest.sig").write_bytes(b"x" * 10)
    assert read_regular_file(tmp_path / "manifest.sig", 10) == b"x" * 10


def test_missing_and_unnameable_files(tmp_path: Path) -> None:
    with pytest.raises(MissingFile, match=r"^missing$"):
        read_regular_file(tmp_path / "manifest.json", 10)
    with pytest.raises(BadFile, match=r"^cannot be opened: not a valid file name here$"):
        read_regular_file(tmp_path / "a\x00b", 10)


def _entry(name: str, data: bytes) -> Entry:
    return Entry(name, len(data), hashlib.sha256(data).hexdigest())


def test_a_listed_file_is_read_only_when_its_bytes_are_the_listed_ones(tmp_path: Path) -> None:
    (tmp_path / "codes").mkdir()
    (tmp_path / "codes" / "97.json").write_bytes(b'{"codes":{}}')
    assert read_listed(tmp_path, _entry("codes/97.json", b'{"codes":{}}')) == b'{"codes":{}}'
    with pytest.raises(
        BadFile, match=r"^content changed: its SHA-256 differs from the manifest's$"
    ):
        read_listed(tmp_path, _entry("codes/97.json", b'{"codes":[]}'))
    with pytest.raises(BadFile, match=r"^size 12 bytes, the manifest says 2$"):
        read_listed(tmp_path, _entry("codes/97.json", b"{}"))
    with pytest.raises(MissingFile) as missing:
        read_listed(tmp_path, _entry("codes/98.json", b"{}"))
    assert str(missing.value) == LISTED_BUT_MISSING
