"""``policyrepo keygen``: a whole pair with fixed modes, or a clear usage error."""

from __future__ import annotations

import base64
import os
import stat
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization

from validator.cli import main
from validator.consume.signing import KeyFileError, generate_keypair, load_public_key


def _mode(path: Path) -> int:
    return stat.S_IMODE(os.lstat(path).st_mode)


@pytest.fixture
def umask(request: pytest.FixtureRequest) -> Iterator[None]:
    previous = os.umask(request.param)
    try:
        yield
    finally:
        os.umask(previous)


@pytest.mark.parametrize("umask", [0o000, 0o022, 0o077, 0o277], indirect=True)
@pytest.mark.usefixtures("umask")
def test_the_pair_has_fixed_modes_whatever_the_umask(tmp_path: Path) -> None:
    assert main(["keygen", str(tmp_path / "release")]) == 0
    assert _mode(tmp_path / "release.key") == 0o600
    assert _mode(tmp_path / "release.pub") == 0o644
    load_public_key(tmp_path / "release.pub")


def _usage_error(capsys: pytest.CaptureFixture[str], *arguments: str) -> str:
    assert main(["keygen", *arguments]) == 2
    return capsys.readouterr().err.splitlines()[-1]


def test_a_missing_directory_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    prefix = tmp_path / "nowhere" / "release"
    assert _usage_error(capsys, str(prefix)) == (
        f"policyrepo: error: {prefix}.key: cannot be created: No such file or directory; "
        "create its directory first"
    )
    assert not (tmp_path / "nowhere").exists()


def test_a_directory_that_is_a_file_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "keys").write_text("")
    assert _usage_error(capsys, str(tmp_path / "keys" / "release")) == (
        f"policyrepo: error: {tmp_path}/keys/release.key: cannot be created: Not a directory"
    )


def test_a_directory_that_cannot_be_written_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A read-only directory (refused with EACCES; made so whatever the user, since root
    writes into read-only directories)."""
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    real_open = os.open

    def open_(path: str, flags: int, mode: int = 0o777) -> int:
        if str(path).startswith(str(locked)) and flags & os.O_CREAT:
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, flags, mode)

    monkeypatch.setattr(os, "open", open_)
    assert _usage_error(capsys, str(locked / "release")) == (
        f"policyrepo: error: {locked}/release.key: cannot be created: Permission denied"
    )


@pytest.mark.parametrize("suffix", ["", "/"])
def test_a_prefix_that_is_a_directory_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], suffix: str
) -> None:
    (tmp_path / "keys").mkdir()
    prefix = f"{tmp_path / 'keys'}{suffix}"
    assert _usage_error(capsys, prefix) == (
        f"policyrepo: error: PREFIX {prefix} is a directory; give a file name prefix, "
        f"e.g. {tmp_path / 'keys' / 'policyrepo'}"
    )
    assert list((tmp_path / "keys").iterdir()) == []
    assert not (tmp_path / "keys.key").exists()


@pytest.mark.parametrize("existing", ["key", "pub"])
def test_a_dangling_link_is_an_existing_path_never_written_through(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], existing: str
) -> None:
    target = tmp_path / "elsewhere"
    (tmp_path / f"release.{existing}").symlink_to(target)
    assert _usage_error(capsys, str(tmp_path / "release")) == (
        f"policyrepo: error: {tmp_path}/release.{existing} exists; "
        "choose another PREFIX or move it away"
    )
    assert not os.path.lexists(target)
    assert sorted(path.name for path in tmp_path.iterdir()) == [f"release.{existing}"]


def test_no_half_pair_is_left_when_the_public_key_cannot_be_written(tmp_path: Path) -> None:
    """Between the command's check and the write, the public key's path can be taken: the
    private key just written is removed again."""
    private, public = tmp_path / "release.key", tmp_path / "release.pub"
    public.symlink_to(tmp_path / "elsewhere")
    with pytest.raises(KeyFileError) as raised:
        generate_keypair(private, public)
    assert str(raised.value) == f"{public}: exists; choose another PREFIX or move it away"
    assert not private.exists()
    with pytest.raises(KeyFileError, match="No such file or directory"):
        generate_keypair(private, tmp_path / "nowhere" / "release.pub")
    assert sorted(path.name for path in tmp_path.iterdir()) == ["release.pub"]


def test_a_private_key_is_never_left_where_git_add_would_commit_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import subprocess

    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    assert main(["keygen", str(tmp_path / "release")]) == 2
    assert "`git add .` would commit the private key" in capsys.readouterr().err
    assert list(tmp_path.glob("release.*")) == []
    (tmp_path / ".gitignore").write_text("*.key\n")
    assert main(["keygen", str(tmp_path / "release")]) == 0
    assert (tmp_path / "release.key").is_file()


def _raw(key: Any) -> bytes:
    raw: bytes = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return raw


@pytest.mark.parametrize(
    "rewrite",
    [
        lambda pem: pem,
        lambda pem: pem.replace(b"\n", b"\r\n"),
        lambda pem: pem.rstrip(b"\n"),
        lambda pem: b"\n" + pem + b"\n",
    ],
    ids=["as written", "CRLF", "no final newline", "blank lines"],
)
def test_a_public_key_reads_as_cryptography_reads_it(
    tmp_path: Path, rewrite: Callable[[bytes], bytes]
) -> None:
    """Read without cryptography's PEM module when in keygen's form, through it in any
    other: the same key either way."""
    generate_keypair(tmp_path / "k.key", tmp_path / "k.pub")
    pem = rewrite((tmp_path / "k.pub").read_bytes())
    (tmp_path / "k.pub").write_bytes(pem)
    assert _raw(load_public_key(tmp_path / "k.pub")) == _raw(serialization.load_pem_public_key(pem))


@pytest.mark.parametrize(
    "der",
    [
        bytes.fromhex("302a300506032b6570032100") + bytes(31),  # a byte short
        bytes.fromhex("302a300506032b6571032100") + bytes(32),  # Ed448's identifier
    ],
)
def test_a_public_key_that_is_almost_ed25519_is_refused(tmp_path: Path, der: bytes) -> None:
    pem = b"-----BEGIN PUBLIC KEY-----\n" + base64.b64encode(der) + b"\n-----END PUBLIC KEY-----\n"
    (tmp_path / "k.pub").write_bytes(pem)
    with pytest.raises(KeyFileError, match="not an Ed25519 public key"):
        load_public_key(tmp_path / "k.pub")
