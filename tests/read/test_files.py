"""Reading the repository: links and outside paths are refused unread."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from validator.cli import main
from validator.read.text import MAX_FILE_BYTES

VERSION = "policies/0100/2020-01-01.yaml"


def validate_text(repo: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(["validate", "--root", str(repo), "--today", "2020-06-01", *args])
    return code, capsys.readouterr().out


def test_symlinked_file_is_refused_and_never_echoed(
    repo: Path, tmp_path_factory: pytest.TempPathFactory, capsys: pytest.CaptureFixture[str]
) -> None:
    secret = tmp_path_factory.mktemp("outside") / "secret.yaml"
    secret.write_text("password: [hunter2\n")  # a syntax error that a naive loader echoes
    (repo / "policies" / "0100" / "2021-01-01.yaml").symlink_to(secret)
    code, out = validate_text(repo, capsys)
    assert code == 1
    assert "policies/0100/2021-01-01.yaml: error file-symlink: symbolic link refused" in out
    assert "hunter2" not in out


def test_symlinked_directory_is_refused(
    repo: Path, tmp_path_factory: pytest.TempPathFactory, capsys: pytest.CaptureFixture[str]
) -> None:
    outside = tmp_path_factory.mktemp("outside")
    (repo / "policies" / "0200").symlink_to(outside, target_is_directory=True)
    code, out = validate_text(repo, capsys)
    assert code == 1
    assert "policies/0200: error file-symlink" in out


def test_symlink_named_on_the_command_line_is_refused(
    repo: Path, tmp_path_factory: pytest.TempPathFactory, capsys: pytest.CaptureFixture[str]
) -> None:
    outside = tmp_path_factory.mktemp("outside")
    (outside / "2020-01-01.yaml").write_text("secret: value\n")
    os.rename(repo / "policies" / "0100", repo / "real")
    (repo / "policies" / "0100").symlink_to(outside, target_is_directory=True)
    code, out = validate_text(repo, capsys, str(repo / VERSION))
    assert code == 1
    assert "file-symlink" in out
    assert "secret" not in out


def test_path_outside_the_root_is_refused(
    repo: Path, tmp_path_factory: pytest.TempPathFactory, capsys: pytest.CaptureFixture[str]
) -> None:
    outside = tmp_path_factory.mktemp("outside") / "x.yaml"
    outside.write_text("secret: value\n")
    code, out = validate_text(repo, capsys, str(outside))
    assert code == 1
    assert f"{outside}: error file-outside-root" in out
    assert "secret" not in out
    code, out = validate_text(repo, capsys, str(repo / "policies" / ".." / ".." / "x.yaml"))
    assert "file-outside-root" in out


def test_missing_and_oversized_files(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = validate_text(repo, capsys, str(repo / "policies/0100/2099-01-01.yaml"))
    assert code == 1
    assert "policies/0100/2099-01-01.yaml: error file-unreadable: cannot read" in out
    (repo / VERSION).write_bytes(b"#" * (MAX_FILE_BYTES + 1))
    code, out = validate_text(repo, capsys)
    assert code == 1
    assert f"{VERSION}: error file-too-large" in out


def test_unreadable_file_is_reported(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    if os.geteuid() == 0:
        # root reads any file whatever its mode; a directory in a file's place is
        # unreadable as a policy for everyone, so it stands in here.
        (repo / VERSION).unlink()
        (repo / VERSION).mkdir()
        code, out = validate_text(repo, capsys, str(repo / VERSION))
        assert "not a regular file" in out
    else:
        (repo / VERSION).chmod(0)
        code, out = validate_text(repo, capsys)
        assert "file-unreadable" in out
    assert code == 1


def test_paths_select_files_and_directories(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    other = repo / "policies" / "0200"
    other.mkdir()
    (other / "2020-01-01.yaml").write_text("number: 0200\n")
    code, out = validate_text(repo, capsys, str(repo / VERSION))
    assert (code, out) == (0, "checked 1 file: 0 errors, 0 warnings, 0 notes\n")
    code, out = validate_text(repo, capsys, str(other))
    assert code == 1
    assert out.endswith("checked 1 file: 1 error, 0 warnings, 0 notes\n")
    code, out = validate_text(repo, capsys, str(repo / "README.md"))
    assert "README.md: error path-layout" in out


def test_relative_paths_resolve_against_the_working_directory(
    repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(repo)
    assert main(["validate", VERSION, "--today", "2020-06-01"]) == 0
    assert capsys.readouterr().out == "checked 1 file: 0 errors, 0 warnings, 0 notes\n"
