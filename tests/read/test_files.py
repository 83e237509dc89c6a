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
        # root reads any file whatever its mode; a named pipe in a file's place is
        # unreadable as a policy for everyone, so it stands in here.
        (repo / VERSION).unlink()
        os.mkfifo(repo / VERSION)
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


def test_names_with_control_characters_are_refused_unread_and_escaped(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A directory named ``0324\\n`` once validated and published a second policy "0324"."""
    forged = repo / "policies" / "0100" / "x\n::error file=README.md::forged\n.yaml"
    forged.write_text("number: '0100'\n")
    (repo / "policies" / "0324\n").mkdir()
    (repo / "policies" / "0324\n" / "2020-01-01.yaml").write_text("number: '0324\\n'\n")
    (repo / "policies" / "0100" / "\u202egnp.yaml").write_text("number: '0100'\n")
    code, out = validate_text(repo, capsys)
    assert code == 1
    assert out.splitlines() == [
        "policies/0100/x\\n::error file=README.md::forged\\n.yaml: error path-layout: the name "
        "holds the invisible or control character U+000A; it was not read",
        "    fix: rename it with visible characters only",
        "policies/0100/\\u202egnp.yaml: error path-layout: the name holds the invisible or "
        "control character U+202E; it was not read",
        "    fix: rename it with visible characters only",
        "policies/0324\\n: error path-layout: the name holds the invisible or control character "
        "U+000A; it was not read",
        "    fix: rename it with visible characters only",
        "checked 1 file: 3 errors, 0 warnings, 0 notes",
    ]


def test_a_name_with_a_control_character_given_as_a_path_is_not_read(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (repo / "policies" / "0100" / "2021-01-01\t.yaml").write_text("number: 0100\n")
    code, out = validate_text(repo, capsys, str(repo / "policies/0100/2021-01-01\t.yaml"))
    assert code == 1
    assert "2021-01-01\\t.yaml: error path-layout: the name holds" in out
    assert "yaml-implicit-type" not in out


def test_paths_that_differ_only_in_case_collide(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    upper = repo / "policies" / "A100"
    upper.mkdir()
    text = (repo / VERSION).read_text().replace('"0100"', '"A100"')
    (upper / "2020-01-01.yaml").write_text(text)
    lower = repo / "policies" / "a100"
    try:
        lower.mkdir()
    except FileExistsError:  # a case-insensitive file system: nothing can collide
        pytest.skip("the file system ignores case")
    (lower / "2020-01-01.yaml").write_text(text.replace('"A100"', '"a100"'))
    code, out = validate_text(repo, capsys)
    assert code == 1
    assert (
        "policies/a100/2020-01-01.yaml: error path-case-collision: differs from "
        "policies/A100/2020-01-01.yaml only in case" in out
    )


def test_an_unlistable_directory_is_reported_whatever_the_user(
    repo: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A directory the user may not list (made so here whatever the user: root lists
    every directory) is reported, and the rest of the repository is still checked."""
    (repo / "policies" / "0200").mkdir()
    real_scandir = os.scandir

    def scandir(path: os.PathLike[str]) -> object:
        if Path(path).name == "0200":
            raise PermissionError(13, "Permission denied")
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    code, out = validate_text(repo, capsys)
    assert code == 1
    assert (
        "policies/0200: error file-unreadable: cannot list the directory: Permission denied" in out
    )


def test_a_directory_named_like_a_version_file_is_an_error(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (repo / "policies" / "0100" / "2021-01-01.yaml").mkdir()
    code, out = validate_text(repo, capsys)
    assert code == 1
    assert (
        "policies/0100/2021-01-01.yaml: error path-layout: a directory is named like a policy "
        "file; a version is one file" in out
    )


def test_a_named_pipe_is_never_waited_on(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    os.mkfifo(repo / "policies" / "0100" / "2021-01-01.yaml")
    code, out = validate_text(repo, capsys)
    assert code == 1
    assert "policies/0100/2021-01-01.yaml: error file-unreadable: not a regular file" in out
