"""Exchanging two directories in one step, and saying so when the system cannot."""

from __future__ import annotations

import ctypes
import errno
import platform
import sys
from pathlib import Path

import pytest

from validator.publish import swap

linux = pytest.mark.skipif(sys.platform != "linux", reason="renameat2 is Linux's")


def two_directories(tmp_path: Path) -> tuple[Path, Path]:
    first, second = tmp_path / "first", tmp_path / "second"
    for directory in (first, second):
        directory.mkdir()
        (directory / "name").write_text(directory.name)
    return first, second


@linux
def test_two_directories_are_exchanged(tmp_path: Path) -> None:
    first, second = two_directories(tmp_path)
    assert swap.exchange(first, second)
    assert (first / "name").read_text() == "second"
    assert (second / "name").read_text() == "first"


@linux
@pytest.mark.skipif(
    platform.machine() not in swap.SYSCALL_NUMBERS, reason="no system call number known"
)
def test_without_the_libc_wrapper_the_system_call_is_made(tmp_path: Path) -> None:
    libc = ctypes.CDLL(None, use_errno=True)

    class LibcWithoutWrapper:
        syscall = libc.syscall

    renameat2 = swap.bind(LibcWithoutWrapper(), platform.machine())
    assert renameat2 is not None
    first, second = two_directories(tmp_path)
    assert swap.exchange(first, second, renameat2)
    assert (first / "name").read_text() == "second"


def test_nothing_to_call_means_no_exchange() -> None:
    assert swap.bind(object(), "pdp11") is None


def failing(code: int) -> swap.Renameat2:
    def renameat2(old: bytes, new: bytes, flags: int) -> int:
        ctypes.set_errno(code)
        return -1

    return renameat2


@pytest.mark.parametrize("code", [errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP])
def test_a_file_system_that_cannot_exchange_changes_nothing(tmp_path: Path, code: int) -> None:
    first, second = two_directories(tmp_path)
    assert not swap.exchange(first, second, failing(code))
    assert (first / "name").read_text() == "first"


def test_any_other_failure_is_an_os_error(tmp_path: Path) -> None:
    first, second = two_directories(tmp_path)
    with pytest.raises(PermissionError) as raised:
        swap.exchange(first, second, failing(errno.EACCES))
    assert raised.value.filename == str(first)
    assert raised.value.filename2 == str(second)


@linux
def test_a_missing_path_is_reported(tmp_path: Path) -> None:
    first, _ = two_directories(tmp_path)
    with pytest.raises(FileNotFoundError):
        swap.exchange(first, tmp_path / "missing")
