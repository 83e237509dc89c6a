"""Ed25519 keys and signatures over a bundle's manifest, through ``cryptography``.

Keys are PEM files: the private key PKCS#8, the public key SubjectPublicKeyInfo, so that
OpenSSL and other languages read them too. A signature is the raw 64 bytes, base64.

A consumer checks the signature each time it opens a bundle, and ``cryptography``'s PEM
and SSH key formats (``serialization``) are most of its import time. An Ed25519 public key in
PEM has one form, a fixed prefix and the key's 32 bytes, so that form is read here and
``serialization`` is imported only to write keys, to read a private key, or to read a
public key written in any other form (which also says what is wrong with one).
"""

from __future__ import annotations

import base64
import binascii
import errno
import os
from pathlib import Path

from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from validator.consume.files import BadFile, MissingFile, read_regular_file

#: A PEM Ed25519 key is about 120 bytes; anything past this is not one.
KEY_LIMIT = 64 * 1024
#: Whatever the umask: the private key for its owner alone, the public key for anyone.
PRIVATE_MODE = 0o600
PUBLIC_MODE = 0o644

#: An Ed25519 SubjectPublicKeyInfo in DER (RFC 8410) up to the key's 32 bytes.
_ED25519_PUBLIC_PREFIX = bytes.fromhex("302a300506032b6570032100")
_PEM_PUBLIC = (b"-----BEGIN PUBLIC KEY-----", b"-----END PUBLIC KEY-----")

_CREATE_FLAGS = (
    os.O_WRONLY
    | os.O_CREAT
    | os.O_EXCL
    | getattr(os, "O_NOFOLLOW", 0)
    | getattr(os, "O_CLOEXEC", 0)
)


class KeyFileError(ValueError):
    """A key file that cannot be used: missing, unreadable, not an Ed25519 key, or not
    writable; ``reason`` says which, without the path."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


def generate_keypair(private_path: Path, public_path: Path) -> None:
    """Write a new key pair, private key mode 600 and public key mode 644.

    Neither path may exist, not even as a dangling symbolic link: a key is never written
    through a link or over another file. A pair is written whole or not at all: when the
    public key cannot be written, the private key just written is removed again.
    """
    from cryptography.hazmat.primitives import serialization

    key = Ed25519PrivateKey.generate()
    private = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    public = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    _write_new(private_path, private, PRIVATE_MODE)
    try:
        _write_new(public_path, public, PUBLIC_MODE)
    except BaseException:
        private_path.unlink(missing_ok=True)
        raise


def _write_new(path: Path, data: bytes, mode: int) -> None:
    """Create ``path`` (it must not exist) holding ``data``, with exactly ``mode``."""
    try:
        descriptor = os.open(path, _CREATE_FLAGS, mode)
    except FileExistsError:
        raise KeyFileError(path, "exists; choose another PREFIX or move it away") from None
    except OSError as error:
        hint = "; create its directory first" if error.errno == errno.ENOENT else ""
        raise KeyFileError(path, f"cannot be created: {error.strerror or error}{hint}") from None
    try:
        with os.fdopen(descriptor, "wb") as handle:
            os.fchmod(handle.fileno(), mode)  # the umask may have taken bits away
            handle.write(data)
    except BaseException as error:
        path.unlink(missing_ok=True)
        if isinstance(error, OSError):
            raise KeyFileError(path, f"cannot be written: {error.strerror or error}") from None
        raise


def _key_bytes(path: Path, kind: str) -> bytes:
    try:
        return read_regular_file(path, KEY_LIMIT)
    except MissingFile:
        raise KeyFileError(path, f"missing: no {kind} key file there") from None
    except BadFile as error:
        raise KeyFileError(path, f"not a readable {kind} key: {error}") from None


def load_private_key(path: Path) -> Ed25519PrivateKey:
    from cryptography.hazmat.primitives import serialization

    data = _key_bytes(path, "private")
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except (ValueError, TypeError, UnsupportedAlgorithm) as error:
        raise KeyFileError(path, f"not a readable private key ({error})") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise KeyFileError(path, "not an Ed25519 private key (policyrepo keygen writes one)")
    return key


def _ed25519_public(data: bytes) -> Ed25519PublicKey | None:
    """The key of a PEM Ed25519 public key in the form keygen and OpenSSL write it (three
    lines: the PEM header, the base64 of the DER, the footer), or None."""
    lines = data.split(b"\n")
    if len(lines) != 4 or (lines[0], lines[2]) != _PEM_PUBLIC or lines[3] != b"":
        return None
    try:
        der = base64.b64decode(lines[1], validate=True)
    except binascii.Error:
        return None
    if len(der) != len(_ED25519_PUBLIC_PREFIX) + 32 or not der.startswith(_ED25519_PUBLIC_PREFIX):
        return None
    return Ed25519PublicKey.from_public_bytes(der[len(_ED25519_PUBLIC_PREFIX) :])


def load_public_key(path: Path) -> Ed25519PublicKey:
    data = _key_bytes(path, "public")
    found = _ed25519_public(data)
    if found is not None:
        return found
    from cryptography.hazmat.primitives import serialization

    try:
        key = serialization.load_pem_public_key(data)
    except (ValueError, TypeError, UnsupportedAlgorithm) as error:
        raise KeyFileError(path, f"not an Ed25519 public key in PEM ({error})") from None
    if not isinstance(key, Ed25519PublicKey):
        raise KeyFileError(path, "not an Ed25519 public key (policyrepo keygen writes one)")
    return key


def sign(key: Ed25519PrivateKey, message: bytes) -> bytes:
    return base64.b64encode(key.sign(message)) + b"\n"


def signature_matches(key: Ed25519PublicKey, message: bytes, signature: bytes) -> bool:
    try:
        key.verify(base64.b64decode(signature.strip(), validate=True), message)
    except (InvalidSignature, ValueError):
        return False
    return True
