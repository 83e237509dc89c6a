"""Swap two directories in one step: ``renameat2(RENAME_EXCHANGE)`` on Linux.

Python has no binding for it, so it is called through ctypes: libc's ``renameat2``
(glibc 2.28 and later, musl), else the raw system call where libc lacks the wrapper.
Where neither exists, or the file system answers that it cannot exchange (EINVAL,
ENOSYS, EOPNOTSUPP), :func:`exchange` says so and changes nothing, and the caller falls
back to two renames.
"""

from __future__ import annotations

import ctypes
import errno
import os
import platform
import sys
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

AT_FDCWD = -100
RENAME_EXCHANGE = 1 << 1

#: renameat2's system call number, by machine, for a libc without the wrapper.
SYSCALL_NUMBERS = {
    "x86_64": 316,
    "amd64": 316,
    "aarch64": 276,
    "arm64": 276,
    "riscv64": 276,
    "loongarch64": 276,
    "i386": 353,
    "i686": 353,
    "armv7l": 382,
    "armv6l": 382,
    "ppc64le": 357,
    "ppc64": 357,
    "s390x": 347,
}

#: What a kernel or file system answers when it cannot exchange two paths.
UNSUPPORTED = frozenset({errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP})

#: renameat2(olddirfd, oldpath, newdirfd, newpath, flags) -> 0, or -1 and errno.
Renameat2 = Callable[[bytes, bytes, int], int]


def bind(libc: Any, machine: str) -> Renameat2 | None:
    """renameat2 from ``libc``: its wrapper, else the system call; None if neither."""
    wrapper = getattr(libc, "renameat2", None)
    if wrapper is not None:
        path, descriptor = ctypes.c_char_p, ctypes.c_int
        wrapper.argtypes = [descriptor, path, descriptor, path, ctypes.c_uint]
        wrapper.restype = ctypes.c_int

        def through_wrapper(old: bytes, new: bytes, flags: int) -> int:
            return int(wrapper(AT_FDCWD, old, AT_FDCWD, new, flags))

        return through_wrapper
    number = SYSCALL_NUMBERS.get(machine)
    syscall = getattr(libc, "syscall", None)
    if number is None or syscall is None:
        return None
    syscall.restype = ctypes.c_long

    def through_syscall(old: bytes, new: bytes, flags: int) -> int:
        # syscall() is variadic: every argument goes as a full machine word.
        long = ctypes.c_long
        return int(syscall(long(number), long(AT_FDCWD), old, long(AT_FDCWD), new, long(flags)))

    return through_syscall


@cache
def _renameat2() -> Renameat2 | None:
    if sys.platform != "linux":
        return None
    return bind(ctypes.CDLL(None, use_errno=True), platform.machine())


def exchange(first: Path, second: Path, renameat2: Renameat2 | None = None) -> bool:
    """Swap two existing paths atomically. False, with nothing changed, where the
    system cannot; raises OSError for any other failure."""
    call = renameat2 or _renameat2()
    if call is None:
        return False
    ctypes.set_errno(0)
    if call(os.fsencode(first), os.fsencode(second), RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in UNSUPPORTED:
        return False
    raise OSError(code, os.strerror(code), str(first), None, str(second))
