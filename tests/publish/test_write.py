"""A complete bundle is always at PATH: swapped in whole, even when the writer is killed
between steps or another writer runs at the same time."""

from __future__ import annotations

import fcntl
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import TIMELINE, build, tree
from validator.consume.verify import verify_bundle
from validator.publish import write

EPOCH = "1700000000"


@pytest.fixture(autouse=True)
def fixed_epoch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)


def policyrepo(*args: str, cwd: Path) -> subprocess.Popen[bytes]:
    """``policyrepo`` in a process of its own."""
    return subprocess.Popen(
        [sys.executable, "-m", "validator", *args],
        cwd=cwd,
        env={**os.environ, "SOURCE_DATE_EPOCH": EPOCH},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


#: Runs ``policyrepo`` with one step of writing replaced by one that kills the process
#: (SIGKILL: no handler, no finally) at the moment named by argv[1].
KILLED_WRITER = """
import os, signal, sys
from pathlib import Path
from validator.cli.main import main
from validator.publish import write

def die():
    os.kill(os.getpid(), signal.SIGKILL)

moment = sys.argv[1]
if moment == "while-staging":
    real_write_bytes = Path.write_bytes
    written = []
    def write_bytes(self, data):
        written.append(self)
        if len(written) == 3:
            die()
        return real_write_bytes(self, data)
    Path.write_bytes = write_bytes
elif moment == "after-exchange":
    real_exchange = write.exchange
    def exchange(first, second):
        if real_exchange(first, second):
            die()
        raise AssertionError("this system cannot exchange directories")
    write.exchange = exchange
elif moment == "between-renames":
    write.exchange = lambda first, second: False
    real_rename = os.rename
    def rename(source, target):
        real_rename(source, target)
        if ".aside-" in str(target):
            die()
    os.rename = rename
sys.exit(main(sys.argv[2:]))
"""


def killed(moment: str, root: Path, out: Path) -> None:
    bundle = ["bundle", "--root", str(root), "-o", str(out), "--today", "2020-06-01"]
    process = subprocess.run(
        [sys.executable, "-c", KILLED_WRITER, moment, *bundle],
        env={**os.environ, "SOURCE_DATE_EPOCH": EPOCH},
        capture_output=True,
        check=False,
    )
    assert process.returncode == -signal.SIGKILL, process.stderr.decode()


def beside(out: Path) -> list[str]:
    return sorted(path.name for path in out.parent.iterdir())


@pytest.fixture
def old_bundle(tmp_path: Path) -> Path:
    """A bundle of the timeline repository at dist/, in a directory of its own."""
    out = tmp_path / "out" / "dist"
    assert build(TIMELINE, out) == 0
    return out


def test_killed_while_staging_leaves_the_old_bundle_and_the_next_run_tidies(
    old_bundle: Path, repo: Path
) -> None:
    before = tree(old_bundle)
    killed("while-staging", repo, old_bundle)
    assert tree(old_bundle) == before
    assert verify_bundle(old_bundle).ok
    assert [name for name in beside(old_bundle) if ".dist.staging-" in name]
    assert build(repo, old_bundle) == 0
    assert beside(old_bundle) == ["dist"]
    assert "policies/0100.json" in tree(old_bundle)


@pytest.mark.skipif(sys.platform != "linux", reason="renameat2 is Linux's")
def test_killed_after_the_exchange_leaves_the_new_bundle_and_the_next_run_tidies(
    old_bundle: Path, repo: Path
) -> None:
    killed("after-exchange", repo, old_bundle)
    assert verify_bundle(old_bundle).ok
    assert "policies/0100.json" in tree(old_bundle)  # the new one
    leftovers = [name for name in beside(old_bundle) if name != "dist"]
    assert len(leftovers) == 1
    assert leftovers[0].startswith(".dist.staging-")  # the old bundle, not yet removed
    assert build(TIMELINE, old_bundle) == 0
    assert beside(old_bundle) == ["dist"]
    assert verify_bundle(old_bundle).ok


def test_killed_between_the_fallback_renames_the_next_run_puts_the_old_bundle_back(
    old_bundle: Path, repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = tree(old_bundle)
    killed("between-renames", repo, old_bundle)
    assert not old_bundle.exists()
    asides = [name for name in beside(old_bundle) if name.startswith(".dist.aside-")]
    assert len(asides) == 1
    assert verify_bundle(old_bundle.parent / asides[0]).ok
    # Even a run that writes nothing, refused for the repository's errors, restores it.
    (repo / "policies" / "0100" / "2020-01-01.yaml").write_text("number: 0100\n")
    assert build(repo, old_bundle) == 1
    assert tree(old_bundle) == before
    assert beside(old_bundle) == ["dist"]


def test_where_directories_cannot_be_exchanged_they_are_renamed(
    old_bundle: Path, repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(write, "exchange", lambda first, second: False)
    assert build(repo, old_bundle) == 0
    assert "policies/0100.json" in tree(old_bundle)
    assert verify_bundle(old_bundle).ok
    assert beside(old_bundle) == ["dist"]


def test_a_failed_fallback_rename_puts_the_old_bundle_back(
    old_bundle: Path, repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = tree(old_bundle)
    monkeypatch.setattr(write, "exchange", lambda first, second: False)
    real_rename = os.rename

    def rename(source: Path, target: Path) -> None:
        if ".staging-" in str(source):
            raise OSError(5, "Input/output error")
        real_rename(source, target)

    monkeypatch.setattr(os, "rename", rename)
    assert build(repo, old_bundle) == 2
    assert tree(old_bundle) == before
    assert beside(old_bundle) == ["dist"]


def test_only_leftovers_of_this_naming_scheme_are_removed(old_bundle: Path) -> None:
    parent = old_bundle.parent
    ours = [".dist.staging-abcd_123", ".dist.aside-zz99zz99"]
    others = [".dist.staging-short", ".dist.new-abcdefgh", ".other.staging-abcdefgh", "keep"]
    for name in ours + others:
        (parent / name).mkdir()
        (parent / name / "file").write_text("x")
    (parent / ".dist.staging-linklink").symlink_to("keep")
    assert build(TIMELINE, old_bundle) == 0
    assert beside(old_bundle) == sorted(["dist", ".dist.staging-linklink", *others])
    assert (parent / "keep" / "file").read_text() == "x"


def test_concurrent_writers_of_one_path_end_with_one_complete_bundle(tmp_path: Path) -> None:
    out = tmp_path / "out" / "dist"
    for _round in ("first write", "replacing"):
        writers = [
            policyrepo("bundle", "--root", str(TIMELINE), "-o", str(out), cwd=tmp_path)
            for _ in range(8)
        ]
        outcomes = [(writer.communicate()[1].decode(), writer.returncode) for writer in writers]
        assert outcomes == [("", 0)] * len(writers)
        verifier = policyrepo("verify", str(out), cwd=tmp_path)
        verified, _ = verifier.communicate()
        assert verifier.returncode == 0, verified
        assert beside(out) == ["dist"]


def waiting_for_a_lock(pid: int) -> bool:
    """Whether the process is blocked on a lock (``->`` lines of /proc/locks)."""
    lines = Path("/proc/locks").read_text().splitlines()
    return any("->" in line and str(pid) in line.split() for line in lines)


@pytest.mark.skipif(not Path("/proc/locks").exists(), reason="needs Linux's /proc/locks")
def test_a_writer_waits_until_the_writer_before_it_is_done(
    old_bundle: Path, repo: Path, tmp_path: Path
) -> None:
    before = tree(old_bundle)
    descriptor = os.open(old_bundle.parent, os.O_RDONLY | os.O_DIRECTORY)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)  # as a writer in the middle of its work
        writer = policyrepo("bundle", "--root", str(repo), "-o", str(old_bundle), cwd=tmp_path)
        while writer.poll() is None and not waiting_for_a_lock(writer.pid):
            time.sleep(0.01)
        assert writer.poll() is None
        assert tree(old_bundle) == before
        assert beside(old_bundle) == ["dist"]
    finally:
        os.close(descriptor)
    _, error = writer.communicate()
    assert writer.returncode == 0, error
    assert "policies/0100.json" in tree(old_bundle)
