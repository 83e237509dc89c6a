"""``policyrepo keygen``: an Ed25519 key pair for signing bundles."""

from __future__ import annotations

import argparse
import os
import subprocess
from pathlib import Path
from typing import Any

from validator.cli import options
from validator.cli.display import printable
from validator.consume import signing


def add_parser(commands: Any) -> None:
    parser: argparse.ArgumentParser = commands.add_parser(
        "keygen",
        help="make an Ed25519 key pair for signing bundles",
        description="Write PREFIX.key (private, mode 600) and PREFIX.pub (public, mode 644), "
        "both PEM. Neither may exist yet.",
    )
    parser.add_argument("prefix", nargs="?", default="policyrepo", metavar="PREFIX")
    parser.set_defaults(run=run)


def _names_a_directory(prefix: str) -> bool:
    # "keys/" would write the hidden files keys/.key and keys/.pub; "keys", an existing
    # directory, keys.key beside it: neither is what was meant.
    return prefix.endswith(("/", os.sep)) or Path(prefix).name == "" or Path(prefix).is_dir()


def _would_be_committed(path: Path) -> bool:
    """Whether ``git add .`` in the work tree holding ``path`` would add it: inside a work
    tree and not ignored. No git, or no work tree, adds nothing."""
    directory = path.absolute().parent
    if not directory.is_dir():
        return False  # generate_keypair reports the missing directory
    try:
        inside = subprocess.run(
            ["git", "-C", str(directory), "rev-parse", "--is-inside-work-tree"],
            capture_output=True,
            text=True,
            check=False,
            timeout=30,
        )
        if inside.returncode != 0 or inside.stdout.strip() != "true":
            return False
        ignored = subprocess.run(
            ["git", "-C", str(directory), "check-ignore", "--quiet", "--", path.name],
            capture_output=True,
            check=False,
            timeout=30,
        )
    except (OSError, subprocess.SubprocessError):
        return False
    return ignored.returncode == 1  # 0: ignored; 1: not ignored; 128: an error


def run(args: argparse.Namespace) -> int:
    prefix: str = args.prefix
    if _names_a_directory(prefix):
        example = os.path.join(prefix, "policyrepo")
        raise options.UsageError(
            f"PREFIX {printable(prefix)} is a directory; give a file name prefix, "
            f"e.g. {printable(example)}"
        )
    private, public = Path(f"{prefix}.key"), Path(f"{prefix}.pub")
    for path in (private, public):
        if os.path.lexists(path):
            raise options.UsageError(
                f"{printable(str(path))} exists; choose another PREFIX or move it away"
            )
    if _would_be_committed(private):
        raise options.UsageError(
            f"{printable(str(private))} is inside a git work tree and not ignored: `git add .` "
            "would commit the private key; write it outside the repository (for example "
            "policyrepo keygen ~/keys/release) or add the name to .gitignore first"
        )
    try:
        signing.generate_keypair(private, public)
    except signing.KeyFileError as error:
        raise options.UsageError(printable(str(error))) from None
    print(
        f"wrote {printable(str(private))} (private: keep it secret) and "
        f"{printable(str(public))} (public: give to consumers)"
    )
    return options.EXIT_OK
