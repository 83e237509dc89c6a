"""Provenance: a revision is claimed clean only for the very bytes it holds, and
SOURCE_DATE_EPOCH is read as the reproducible-builds specification writes it."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import MINIMAL, build
from validator.check.validate import validate
from validator.publish.provenance import (
    Provenance,
    SourceDateEpochError,
    read_provenance,
    source_date_epoch,
)
from validator.read.files import SourceDigest, git_blob_id

VERSION = "policies/0100/2020-01-01.yaml"
LATER = "policies/0100/2021-01-01.yaml"


@pytest.fixture(autouse=True)
def hermetic_git(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No user or system git configuration, a fixed commit time, no SOURCE_DATE_EPOCH,
    and no repository above the test's directory."""
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", "/dev/null")
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    monkeypatch.setenv("GIT_AUTHOR_DATE", "@1600000000 +0000")
    monkeypatch.setenv("GIT_COMMITTER_DATE", "@1600000000 +0000")
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)


def git(directory: Path, *args: str) -> str:
    identity = ["-c", "user.name=Policy Team", "-c", "user.email=policies@example.org"]
    result = subprocess.run(
        ["git", "-C", str(directory), *identity, *args],
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip()


def committed(root: Path, *init: str) -> Path:
    """A git work tree at ``root`` holding the minimal policy and a README, committed."""
    (root / "policies" / "0100").mkdir(parents=True)
    shutil.copy(MINIMAL / "2020-01-01.yaml", root / VERSION)
    (root / "README.md").write_text("# policies\n")
    git(root, "init", "-q", *init)
    git(root, "add", ".")
    git(root, "commit", "-q", "-m", "The minimal policy")
    return root


def provenance(root: Path) -> Provenance:
    return read_provenance(root, validate(root, with_digests=True).digests)


@pytest.fixture
def work_tree(tmp_path: Path) -> Path:
    return committed(tmp_path / "repository")


def test_a_committed_work_tree_is_clean_at_its_revision(work_tree: Path) -> None:
    assert provenance(work_tree) == Provenance(
        git(work_tree, "rev-parse", "HEAD"), False, "2020-09-13T12:26:40Z"
    )


def test_a_change_outside_the_sources_leaves_it_clean(work_tree: Path) -> None:
    (work_tree / "README.md").write_text("# edited\n")
    (work_tree / "notes.txt").write_text("untracked\n")
    assert provenance(work_tree).dirty is False


def test_an_edited_source_is_dirty(work_tree: Path) -> None:
    with (work_tree / VERSION).open("a") as handle:
        handle.write("# edited\n")
    assert provenance(work_tree).dirty is True


def test_a_source_excluded_through_info_exclude_is_dirty(work_tree: Path) -> None:
    shutil.copy(work_tree / VERSION, work_tree / LATER)
    (work_tree / ".git" / "info" / "exclude").write_text(LATER + "\n")
    assert git(work_tree, "status", "--porcelain") == ""  # git status sees nothing
    assert provenance(work_tree).dirty is True


def test_an_assume_unchanged_edit_is_dirty(work_tree: Path) -> None:
    git(work_tree, "update-index", "--assume-unchanged", VERSION)
    with (work_tree / VERSION).open("a") as handle:
        handle.write("# edited\n")
    assert git(work_tree, "status", "--porcelain") == ""
    assert provenance(work_tree).dirty is True


def test_an_untracked_source_hidden_from_status_is_dirty(work_tree: Path) -> None:
    git(work_tree, "config", "status.showUntrackedFiles", "no")
    shutil.copy(work_tree / VERSION, work_tree / LATER)
    assert git(work_tree, "status", "--porcelain") == ""
    assert provenance(work_tree).dirty is True


def test_a_committed_source_missing_from_the_work_tree_is_dirty(work_tree: Path) -> None:
    shutil.copy(work_tree / VERSION, work_tree / LATER)
    git(work_tree, "add", LATER)
    git(work_tree, "commit", "-q", "-m", "Another version")
    assert provenance(work_tree).dirty is False
    (work_tree / LATER).unlink()
    assert provenance(work_tree).dirty is True


def test_the_claim_is_about_the_bytes_given_not_those_on_disk(work_tree: Path) -> None:
    sources = validate(work_tree, with_digests=True).digests
    assert read_provenance(work_tree, sources).dirty is False
    other = SourceDigest.of(b"other bytes")
    assert read_provenance(work_tree, {**sources, VERSION: other}).dirty is True


def test_a_root_below_the_top_of_the_work_tree_is_compared_at_its_place(
    tmp_path: Path,
) -> None:
    top = tmp_path / "top"
    top.mkdir()
    root = committed(top / "nested [x]*" / "repo")
    git(root, "init", "-q", str(top))
    shutil.rmtree(root / ".git")  # the policies are now a subdirectory of the top's tree
    git(top, "add", ".")
    git(top, "commit", "-q", "-m", "Policies in a subdirectory")
    assert provenance(root) == Provenance(
        git(top, "rev-parse", "HEAD"), False, "2020-09-13T12:26:40Z"
    )
    (root / VERSION).write_text((root / VERSION).read_text() + "# edited\n")
    assert provenance(root).dirty is True


def test_a_sha256_repository_is_compared_with_sha256_names(tmp_path: Path) -> None:
    try:
        root = committed(tmp_path / "repository", "--object-format=sha256")
    except subprocess.CalledProcessError:
        pytest.skip("this git cannot make SHA-256 repositories")
    assert len(git(root, "rev-parse", "HEAD")) == 64
    assert provenance(root).dirty is False
    (root / VERSION).write_text((root / VERSION).read_text() + "# edited\n")
    assert provenance(root).dirty is True


def test_outside_git_nothing_is_claimed(repo: Path) -> None:
    assert provenance(repo) == Provenance(None, None, None)


def test_blob_names_are_gits(tmp_path: Path) -> None:
    assert git_blob_id(b"hello\n") == "ce013625030ba8dba906f756967f9e9ca394464a"
    (tmp_path / "file").write_bytes(b"\x00\xff policy\r\n")
    named = subprocess.run(
        ["git", "hash-object", str(tmp_path / "file")], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert git_blob_id(b"\x00\xff policy\r\n") == named


def test_the_bundle_manifest_says_dirty_for_an_edit_git_status_does_not_show(
    work_tree: Path, tmp_path: Path
) -> None:
    assert build(work_tree, tmp_path / "clean") == 0
    clean = json.loads((tmp_path / "clean" / "manifest.json").read_bytes())["source"]
    assert clean["dirty"] is False
    git(work_tree, "update-index", "--assume-unchanged", VERSION)
    with (work_tree / VERSION).open("a") as handle:
        handle.write("# edited\n")
    assert build(work_tree, tmp_path / "dist") == 0
    source = json.loads((tmp_path / "dist" / "manifest.json").read_bytes())["source"]
    assert source["revision"] == git(work_tree, "rev-parse", "HEAD")
    assert source["dirty"] is True


@pytest.mark.parametrize(
    ("value", "created"),
    [
        ("0", "1970-01-01T00:00:00Z"),
        ("1700000000", "2023-11-14T22:13:20Z"),
        ("0001700000000", "2023-11-14T22:13:20Z"),
        ("253402300799", "9999-12-31T23:59:59Z"),
    ],
)
def test_source_date_epoch_is_ascii_decimal_seconds(value: str, created: str) -> None:
    assert source_date_epoch({"SOURCE_DATE_EPOCH": value}) == created


def test_an_unset_source_date_epoch_gives_no_time() -> None:
    assert source_date_epoch({}) is None


BAD_EPOCHS = [
    "-1",
    "+5",
    "1_000",
    "\u0661\u0662\u0663",  # Arabic-Indic digits
    "\uff11\uff12",  # full-width digits
    " 5",
    "5 ",
    "5\n",
    "",
    "1e3",
    "0x10",
    "1.5",
    "yesterday",
    "253402300800",  # 10000-01-01
    "9" * 30,
    "9" * 5000,
]


@pytest.mark.parametrize("value", BAD_EPOCHS)
def test_anything_else_is_a_usage_error_naming_the_variable(
    value: str, repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(SourceDateEpochError, match=r"SOURCE_DATE_EPOCH=.*ASCII digits only"):
        source_date_epoch({"SOURCE_DATE_EPOCH": value})
    monkeypatch.setenv("SOURCE_DATE_EPOCH", value)
    assert build(repo, tmp_path / "dist") == 2
    assert not (tmp_path / "dist").exists()
