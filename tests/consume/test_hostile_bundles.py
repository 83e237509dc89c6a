"""Bundles made to break the verifier: each is refused in bounded time, as a BundleError
in the API and exit 1 from ``policyrepo verify``, with the offending file named."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from tests.conftest import ROOT, TIMELINE, build
from validator.cli import main
from validator.consume.consumer import Bundle, BundleError

#: Generous: verifying this bundle takes milliseconds; only a hang comes near this.
HANG = 20.0

#: An EC public key on secp112r1, a curve ``cryptography`` does not support at all.
SECP112R1 = b"""-----BEGIN PUBLIC KEY-----
MDIwEAYHKoZIzj0CAQYFK4EEAAYDHgAEBE0gImG8Mx0A5QQDWsAlpGfNqeBU8xCV
ZBi4LA==
-----END PUBLIC KEY-----
"""

LEGAL_NAME = "a bundle file's name is a relative POSIX path inside the bundle"


@pytest.fixture(autouse=True)
def fixed_epoch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")


@pytest.fixture
def bundle(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    out = tmp_path / "dist"
    assert build(TIMELINE, out) == 0
    capsys.readouterr()
    return out


@pytest.fixture
def signed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[Path, Path]:
    """A signed bundle, and the public key that checks it."""
    assert main(["keygen", str(tmp_path / "release")]) == 0
    out = tmp_path / "dist"
    assert build(TIMELINE, out, "--sign", str(tmp_path / "release.key")) == 0
    capsys.readouterr()
    return out, tmp_path / "release.pub"


def _refused(
    out: Path, capsys: pytest.CaptureFixture[str], line: str, key: Path | None = None
) -> None:
    """``verify`` exits 1 printing exactly ``line`` and ``Bundle.open`` raises it."""
    extra = [] if key is None else ["--key", str(key)]
    assert main(["verify", str(out), *extra]) == 1
    captured = capsys.readouterr()
    assert captured.err == line + "\n"
    assert captured.out == f"bundle {out}: FAILED, 1 problem\n"
    with pytest.raises(BundleError) as raised:
        Bundle.open(out, public_key=key)
    problem = line.removeprefix(f"{out}/")
    assert str(raised.value) == f"bundle {out} failed verification: {problem}"


def _manifest(change: Callable[[dict[str, Any]], Any]) -> Callable[[Path], None]:
    def rewrite(out: Path) -> None:
        document = json.loads((out / "manifest.json").read_bytes())
        change(document)
        (out / "manifest.json").write_text(json.dumps(document))

    return rewrite


def _first_name(name: str) -> Callable[[dict[str, Any]], None]:
    def change(document: dict[str, Any]) -> None:
        document["files"][0]["name"] = name

    return change


@pytest.mark.parametrize(
    ("tamper", "problem"),
    [
        (
            _manifest(_first_name("catalog\x00.json")),
            f"files[0].name 'catalog\\x00.json' holds a control character: {LEGAL_NAME}",
        ),
        (
            _manifest(_first_name("../../../etc/hostname")),
            f"files[0].name '../../../etc/hostname' has an empty, '.' or '..' segment: "
            f"{LEGAL_NAME}",
        ),
        (
            _manifest(lambda document: document.update(files=5)),
            "files: must be a list of files, not a number",
        ),
        (
            _manifest(lambda document: document["files"].append(document["files"][3])),
            "files[10].name 'codes/ICD-9-CM/72.json' is listed twice",
        ),
        (
            _manifest(lambda document: document["files"][1].update(size=-1)),
            "files[1].size: must be a whole number of bytes, 0 or more",
        ),
        (
            lambda out: (out / "manifest.json").write_bytes(b"[" * 100_000 + b"]" * 100_000),
            "nested too deeply to be a bundle file",
        ),
        (
            lambda out: (out / "manifest.json").write_bytes(b"\xfe\xff"),
            "not UTF-8 text (byte 0)",
        ),
        (
            lambda out: (out / "manifest.json").unlink(),
            "missing: this directory is not a bundle",
        ),
        (
            lambda out: os.truncate(out / "manifest.json", 64 * 1024 * 1024 + 1),
            "cannot read the manifest: 67108865 bytes, more than the 67108864 this file may have",
        ),
    ],
)
def test_a_manifest_that_cannot_be_trusted_is_refused(
    bundle: Path,
    capsys: pytest.CaptureFixture[str],
    tamper: Callable[[Path], None],
    problem: str,
) -> None:
    tamper(bundle)
    _refused(bundle, capsys, f"{bundle}/manifest.json: {problem}")


def _public_pem(key: Any) -> bytes:
    pem: bytes = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return pem


@pytest.mark.parametrize(
    ("contents", "problem"),
    [
        (lambda: _public_pem(ec.generate_private_key(ec.SECP256R1())), "not an Ed25519 public key"),
        (lambda: _public_pem(rsa.generate_private_key(65537, 2048)), "not an Ed25519 public key"),
        (
            lambda: SECP112R1,
            "not an Ed25519 public key in PEM (Curve 1.3.132.0.6 is not supported)",
        ),
        (lambda: b"garbage", "not an Ed25519 public key in PEM (Unable to load PEM file."),
    ],
)
def test_a_public_key_that_is_not_ed25519_is_named(
    signed: tuple[Path, Path],
    capsys: pytest.CaptureFixture[str],
    contents: Callable[[], bytes],
    problem: str,
) -> None:
    out, public = signed
    public.write_bytes(contents())
    assert main(["verify", str(out), "--key", str(public)]) == 1
    assert capsys.readouterr().err.startswith(f"{public}: {problem}")
    with pytest.raises(BundleError, match=f"^bundle {out} failed verification: {public}: "):
        Bundle.open(out, public_key=public)


def test_the_signature_is_checked_before_the_manifest_is_parsed(
    signed: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    """A manifest that would defeat a parser is never parsed without a valid signature:
    the problem reported is the signature, not the nesting."""
    out, public = signed
    (out / "manifest.json").write_bytes(b"[" * 100_000 + b"]" * 100_000)
    _refused(
        out,
        capsys,
        f"{out}/manifest.sig: signature does not match the manifest and this public key",
        public,
    )


def test_an_oversized_signature_is_not_read(
    signed: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    out, public = signed
    (out / "manifest.sig").write_bytes(b"A" * 4097)
    _refused(
        out,
        capsys,
        f"{out}/manifest.sig: cannot read the signature: 4097 bytes, more than the 4096 "
        "this file may have",
        public,
    )


def _run(*arguments: str) -> subprocess.CompletedProcess[str]:
    """A fresh interpreter, so that a hang is ended by the timeout and fails the test."""
    return subprocess.run(
        [sys.executable, *arguments], cwd=ROOT, capture_output=True, text=True, timeout=HANG
    )


OPEN_BUNDLE = """
import sys
from validator.consume.consumer import Bundle, BundleError
try:
    key = sys.argv[2] if len(sys.argv) > 2 else None
    Bundle.open(sys.argv[1], public_key=key).lookup("CPT", "22552", "2013-06-01")
except BundleError as error:
    print(error)
try:
    Bundle.open(sys.argv[1], public_key=key, verify=True)
except BundleError as error:
    print(error)
"""


@pytest.mark.parametrize(
    ("pipe", "with_key", "problem"),
    [
        ("manifest.json", False, "cannot read the manifest: not a regular file but a named pipe"),
        ("manifest.json", True, "cannot read the manifest: not a regular file but a named pipe"),
        ("manifest.sig", True, "cannot read the signature: not a regular file but a named pipe"),
        ("codes/CPT/22.json", True, "not a regular file but a named pipe"),
    ],
)
def test_a_named_pipe_in_the_bundle_is_refused_without_waiting(
    signed: tuple[Path, Path],
    named_pipe: Callable[[Path], None],
    pipe: str,
    with_key: bool,
    problem: str,
) -> None:
    out, public = signed
    (out / pipe).unlink()
    named_pipe(out / pipe)
    key = [str(public)] if with_key else []
    verified = _run("-m", "validator", "verify", str(out), *(["--key", *key] if key else []))
    assert (verified.returncode, verified.stderr) == (1, f"{out}/{pipe}: {problem}\n")
    opened = _run("-c", OPEN_BUNDLE, str(out), *key)
    refused = f"bundle {out} failed verification: {pipe}: {problem}\n"
    if pipe.startswith("manifest"):
        assert opened.stdout == refused * 2
    else:  # opening reads the manifest alone; the lookup that reads the pipe is refused
        assert opened.stdout == f"{out}/{pipe}: {problem}\n" + refused


def test_file_names_from_the_bundle_cannot_forge_output(
    bundle: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A name holding a line break would print a GitHub workflow command of its own, an
    escape sequence would reach the terminal: both are printed as visible escapes."""
    (bundle / "x\n::error file=README.md::forged").write_text("{}")
    (bundle / "\x1b[2Jred.json").write_text("{}")
    (bundle / os.fsdecode(b"\xff.json")).write_text("{}")
    assert main(["verify", str(bundle)]) == 1
    err = capsys.readouterr().err
    assert sorted(err.splitlines()) == [
        f"{bundle}/\\udcff.json: extra file, not listed in the manifest",
        f"{bundle}/\\x1b[2Jred.json: extra file, not listed in the manifest",
        f"{bundle}/x\\n::error file=README.md::forged: extra file, not listed in the manifest",
    ]


def test_a_forged_name_in_the_manifest_prints_on_one_line(
    bundle: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _manifest(_first_name("x\u202e\n::error file=README.md::forged"))(bundle)
    assert main(["verify", str(bundle)]) == 1
    assert capsys.readouterr().err == (
        f"{bundle}/manifest.json: files[0].name 'x\\u202e\\n::error file=README.md::forged' "
        f"holds a control character: {LEGAL_NAME}\n"
    )


def test_a_public_key_that_is_a_named_pipe_is_refused_without_waiting(
    signed: tuple[Path, Path], named_pipe: Callable[[Path], None]
) -> None:
    out, public = signed
    public.unlink()
    named_pipe(public)
    verified = _run("-m", "validator", "verify", str(out), "--key", str(public))
    problem = f"{public}: not a readable public key: not a regular file but a named pipe"
    assert (verified.returncode, verified.stderr) == (1, problem + "\n")
    opened = _run("-c", OPEN_BUNDLE, str(out), str(public))
    assert opened.stdout == f"bundle {out} failed verification: {problem}\n" * 2
