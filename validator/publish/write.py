"""Write a bundle so that a complete bundle, old or new, is always at its path.

The steps, each safe to be killed after:

1. Writers of one directory take turns: each holds an exclusive ``flock`` on the
   directory that holds PATH from before it tidies up until its bundle is in place.
2. What a killed run left beside PATH is put right: when PATH is missing but a complete
   bundle was set aside (``.<name>.aside-XXXXXXXX``), it is put back; leftover staging
   and aside directories of this naming scheme are removed, and nothing else.
3. The new bundle is written whole into ``.<name>.staging-XXXXXXXX`` beside PATH, each
   file as soon as it is built, so that no more than one file is held in memory.
4. It takes PATH's place in one step: on Linux ``renameat2(RENAME_EXCHANGE)`` swaps the
   two directories, and the old bundle, now under the staging name, is removed. Where
   the exchange is unavailable (another system, or a file system that refuses it), the
   old bundle is renamed aside, the new one renamed in, and the old one removed; a run
   killed between those two renames leaves PATH missing until the next run puts the
   aside copy back (step 2).
"""

from __future__ import annotations

import os
import re
import shutil
import sys
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from validator.consume.verify import verify_bundle
from validator.publish.output import OutputError, check_output, locate
from validator.publish.swap import exchange

if sys.platform != "win32":
    import fcntl

STAGING = "staging"
ASIDE = "aside"


def prepare_output(argument: str, root: Path | None = None) -> Path:
    """Where the bundle will go, checked and tidied before anything is built.

    Raises OutputError when ``argument`` names a place a bundle may not replace, or
    the file system refuses to tidy it.
    """
    path = locate(argument)
    check_output(path, argument, root)
    try:
        if path.parent.is_dir():
            with _writers_take_turns(path.parent):
                recover(path)
    except OSError as error:
        raise OutputError(_cannot_write(argument, error)) from error
    return path


def write_files(
    everything: Iterable[tuple[str, bytes]],
    out: str | os.PathLike[str],
    root: Path | None = None,
) -> None:
    """Put ``everything`` (file name, bytes) at ``out`` as one directory, replacing the
    bundle there, if any, in one step. Each file is written as ``everything`` yields it,
    under the lock, and nothing is swapped in until the last one is written.

    Raises OutputError when ``out`` is a place a bundle may not replace, or the file
    system refuses the writing; what was at ``out`` is then left as it was, as it is
    when making ``everything`` raises.
    """
    shown = os.fspath(out)
    path = locate(shown)
    check_output(path, shown, root)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with _writers_take_turns(path.parent):
            recover(path)
            check_output(path, shown, root)  # what is there now, other writers waiting
            staging = _stage(path, everything)
            try:
                _swap_in(staging, path)
            finally:
                # Gone after a first write; the old bundle after an exchange.
                shutil.rmtree(staging, ignore_errors=True)
    except OSError as error:
        raise OutputError(_cannot_write(shown, error)) from error


def recover(path: Path) -> None:
    """Put right what a killed run left beside ``path``. Call with the lock held."""
    asides = _leftovers(path, ASIDE)
    if not os.path.lexists(path):
        complete = next((aside for aside in asides if verify_bundle(aside).ok), None)
        if complete is not None:
            os.rename(complete, path)
            asides.remove(complete)
    for leftover in [*_leftovers(path, STAGING), *asides]:
        shutil.rmtree(leftover, ignore_errors=True)


def _leftovers(path: Path, role: str) -> list[Path]:
    """Directories beside ``path`` named as this module names its staging or aside
    directories for it (tempfile's eight random characters); nothing else."""
    own = re.compile(re.escape(f".{path.name}.{role}-") + "[a-z0-9_]{8}")
    with os.scandir(path.parent) as entries:
        return sorted(
            Path(entry.path)
            for entry in entries
            if own.fullmatch(entry.name) and entry.is_dir(follow_symlinks=False)
        )


@contextmanager
def _writers_take_turns(directory: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``directory`` (released when the descriptor closes).

    The lock is on the directory itself rather than a lock file, so nothing is left
    beside the bundle. Windows has no flock; there writers are not serialised.
    """
    if sys.platform == "win32":
        yield
        return
    descriptor = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        os.close(descriptor)


def _stage(path: Path, everything: Iterable[tuple[str, bytes]]) -> Path:
    """Write every file into a new staging directory beside ``path``, each as it comes."""
    staging = Path(tempfile.mkdtemp(prefix=f".{path.name}.{STAGING}-", dir=path.parent))
    try:
        made = {staging}
        for name, data in everything:
            target = staging / name
            if target.parent not in made:
                target.parent.mkdir(parents=True, exist_ok=True)
                made.add(target.parent)
            target.write_bytes(data)
        staging.chmod(0o755)  # mkdtemp's 0700 would keep consumers out
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return staging


def _swap_in(staging: Path, path: Path) -> None:
    """Make the complete bundle in ``staging`` the one at ``path``."""
    if not os.path.lexists(path):
        os.rename(staging, path)
    elif not exchange(staging, path):
        _swap_by_renaming(staging, path)


def _swap_by_renaming(staging: Path, path: Path) -> None:
    """Where directories cannot be exchanged: old aside, new in, old removed."""
    aside = Path(tempfile.mkdtemp(prefix=f".{path.name}.{ASIDE}-", dir=path.parent))
    try:
        os.rename(path, aside)  # a directory may be renamed over an empty one
    except BaseException:
        aside.rmdir()
        raise
    try:
        os.rename(staging, path)
    except BaseException:
        os.rename(aside, path)  # put the previous bundle back
        raise
    shutil.rmtree(aside, ignore_errors=True)


def _cannot_write(shown: str, error: OSError) -> str:
    where = f" ({error.filename})" if error.filename else ""
    reason = error.strerror or str(error)
    return (
        f"-o {shown}: cannot write the bundle: {reason}{where}; "
        "choose a directory you can write to, on a disk with room"
    )
