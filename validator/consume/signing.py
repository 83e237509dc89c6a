"""Ed25519 keys and signatures over a bundle's manifest, through ``cryptography``.

Keys are PEM files: the private key PKCS#8, the public key SubjectPublicKeyInfo, so that
OpenSSL and other languages read them too. A signature is the raw 64 bytes, base64.
"""

from __future__ import annotations

import base64
import os
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey


class KeyFileError(ValueError):
    """A key file that cannot be used: missing, unreadable or not an Ed25519 key."""


def generate_keypair(private_path: Path, public_path: Path) -> None:
    """Write a new key pair; the private key is created readable by its owner only."""
    key = Ed25519PrivateKey.generate()
    private = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    public = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    fd = os.open(private_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(private)
    public_path.write_bytes(public)


def load_private_key(path: Path) -> Ed25519PrivateKey:
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except (OSError, ValueError, TypeError) as error:
        raise KeyFileError(f"{path}: not a readable private key ({error})") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise KeyFileError(f"{path}: not an Ed25519 private key")
    return key


def load_public_key(path: Path) -> Ed25519PublicKey:
    try:
        key = serialization.load_pem_public_key(path.read_bytes())
    except (OSError, ValueError) as error:
        raise KeyFileError(f"{path}: not a readable public key ({error})") from None
    if not isinstance(key, Ed25519PublicKey):
        raise KeyFileError(f"{path}: not an Ed25519 public key")
    return key


def sign(key: Ed25519PrivateKey, message: bytes) -> bytes:
    return base64.b64encode(key.sign(message)) + b"\n"


def signature_matches(key: Ed25519PublicKey, message: bytes, signature: bytes) -> bool:
    try:
        key.verify(base64.b64decode(signature.strip(), validate=True), message)
    except (InvalidSignature, ValueError):
        return False
    return True
