"""``bundle -o PATH`` replaces only a previous bundle, and refuses anything else unharmed."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import TIMELINE, build, tree
from validator.cli import main
from validator.publish.output import HOW_TO_FIX, is_bundle, locate


@pytest.fixture(autouse=True)
def fixed_epoch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")


def everything(directory: Path) -> dict[str, bytes | str]:
    """Every entry under ``directory``, hidden ones and .git included: files by their
    bytes, directories and links by what they are."""
    entries: dict[str, bytes | str] = {}
    for base, directories, files in os.walk(directory):
        for name in directories + files:
            path = Path(base, name)
            key = path.relative_to(directory).as_posix()
            if path.is_symlink():
                entries[key] = "link -> " + os.readlink(path)
            elif path.is_dir():
                entries[key] = "directory"
            elif path.is_file():
                entries[key] = path.read_bytes()
            else:
                entries[key] = "special file"
    return entries


@pytest.fixture
def workspace(repo: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A git repository holding the minimal policy, a README and a docs/ directory, a
    previous bundle at dist/, and links to it; the current directory is its root.

    It sits one level down in the test's own directory, so that what is above it (the
    target of ``-o ..``) is the test's too and can be compared before and after.
    """
    outer = repo / "outer"
    outer.mkdir()
    (repo / "policies").rename(outer / "policies")
    repo = outer
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    (repo / "README.md").write_text("# policies\n")
    (repo / "docs").mkdir()
    (repo / "docs" / "notes.md").write_text("notes\n")
    monkeypatch.chdir(repo)
    assert build(TIMELINE, repo / "dist") == 0
    (repo / "link").symlink_to("dist")
    not_ours = repo / "other-manifest"
    not_ours.mkdir()
    (not_ours / "manifest.json").write_text(json.dumps({"kind": "catalog", "policies": []}))
    linked = repo / "linked-manifest"
    linked.mkdir()
    (linked / "manifest.json").symlink_to(repo / "dist" / "manifest.json")
    return repo


REFUSED = [
    (".", "is the repository root"),
    ("", "an empty path stands for the current directory"),
    ("policies", "in the repository's policies/ directory"),
    ("policies/0100", "in the repository's policies/ directory"),
    ("policies/new", "in the repository's policies/ directory"),
    ("README.md", "is a file"),
    ("README.md/dist", "a directory above it is a file"),
    (".git", "in a .git directory"),
    (".git/objects", "in a .git directory"),
    (".git/new", "in a .git directory"),
    ("..", "holds the repository root"),
    ("/", "is the root of the file system"),
    ("docs", "is a directory that is not a bundle"),
    ("link", "is a symbolic link"),
    ("other-manifest", "is a directory that is not a bundle"),
    ("linked-manifest", "is a directory that is not a bundle"),
    ("dist/codes", "is inside the bundle"),
    ("dist/new", "is inside the bundle"),
]


@pytest.mark.parametrize(("out", "reason"), REFUSED)
def test_anything_but_a_previous_bundle_is_refused_untouched(
    workspace: Path, capsys: pytest.CaptureFixture[str], out: str, reason: str
) -> None:
    before = everything(workspace.parent)
    capsys.readouterr()
    assert main(["bundle", "-o", out, "--today", "2020-06-01"]) == 2
    err = capsys.readouterr().err
    assert reason in err
    assert HOW_TO_FIX in err
    assert "Traceback" not in err
    assert everything(workspace.parent) == before


def test_the_repository_root_and_its_parent_are_refused_by_absolute_path(
    workspace: Path, tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path_factory.mktemp("elsewhere"))
    before = everything(workspace.parent)
    assert build(workspace, workspace) == 2
    assert build(workspace, workspace.parent) == 2
    assert build(workspace, workspace / "policies") == 2
    assert everything(workspace.parent) == before


def test_the_current_directory_is_refused_even_when_it_is_a_bundle(
    workspace: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(workspace / "dist")
    before = everything(workspace / "dist")
    assert build(TIMELINE, Path(".")) == 2
    assert "is the current directory" in capsys.readouterr().err
    assert everything(workspace / "dist") == before


def test_the_place_is_checked_before_the_repository_is_validated(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (workspace / "policies" / "0100" / "2020-01-01.yaml").write_text("number: 0100\n")
    assert main(["bundle", "-o", "README.md"]) == 2  # not 1: nothing was validated
    err = capsys.readouterr().err
    assert "yaml-implicit-type" not in err
    assert (workspace / "README.md").read_text() == "# policies\n"


@pytest.mark.parametrize("out", ["dist", "empty", "new", "new/deeper/dist", "dist/"])
def test_a_previous_bundle_an_empty_directory_or_a_new_path_is_written(
    workspace: Path, out: str
) -> None:
    (workspace / "empty").mkdir()
    assert main(["bundle", "-o", out, "--today", "2020-06-01"]) == 0
    assert main(["verify", out]) == 0
    assert set(tree(workspace / out)) >= {"manifest.json", "catalog.json", "policies/0100.json"}
    assert not [p for p in Path(workspace / out).parent.iterdir() if ".staging-" in p.name]


def test_a_bundle_is_recognised_by_its_manifest() -> None:
    assert not is_bundle(Path("/nonexistent"))


@pytest.mark.parametrize(
    "manifest",
    [
        b'{"kind": "manifest"}',
        b'{"kind": "manifest", "bundle_format": "1"}',
        b'{"kind": "catalog", "bundle_format": 1}',
        b"[1]",
        b"\xff",
        b"[" * 100_000,
    ],
)
def test_a_manifest_that_is_not_a_bundle_manifest_is_not_recognised(
    tmp_path: Path, manifest: bytes
) -> None:
    (tmp_path / "manifest.json").write_bytes(manifest)
    assert not is_bundle(tmp_path)
    (tmp_path / "manifest.json").write_bytes(b'{"kind": "manifest", "bundle_format": 7}')
    assert is_bundle(tmp_path)


def test_the_path_is_located_without_following_a_final_link(tmp_path: Path) -> None:
    (tmp_path / "real").mkdir()
    (tmp_path / "via").symlink_to("real")
    assert locate(str(tmp_path / "via" / "dist")) == tmp_path / "real" / "dist"
    assert locate(str(tmp_path / "via")) == tmp_path / "via"
    assert locate(str(tmp_path / "via" / "..")) == tmp_path
    assert locate(str(tmp_path / "real") + "/") == tmp_path / "real"


@pytest.mark.skipif(sys.platform != "linux", reason="/proc is Linux's")
def test_a_place_nothing_can_be_written_to_is_an_io_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert build(TIMELINE, Path("/proc/policyrepo-dist")) == 2
    err = capsys.readouterr().err
    assert "-o /proc/policyrepo-dist: cannot write the bundle" in err
    assert "internal error" not in err


def test_permission_denied_is_an_io_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    if os.geteuid() == 0:  # root writes anywhere: refuse the way the kernel would
        real_mkdir = os.mkdir

        def refusing_mkdir(path: str | Path, mode: int = 0o777) -> None:
            if Path(path).parent == locked:
                raise PermissionError(13, "Permission denied", str(path))
            real_mkdir(path, mode)

        monkeypatch.setattr(os, "mkdir", refusing_mkdir)
    else:
        locked.chmod(0o500)
    assert build(TIMELINE, locked / "dist") == 2
    err = capsys.readouterr().err
    assert "cannot write the bundle: Permission denied" in err
    assert "internal error" not in err
    assert list(locked.iterdir()) == []
