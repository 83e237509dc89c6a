"""``policyrepo verify``: check a bundle's files, digests and signature."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from validator.cli import options
from validator.consume.verify import SIGNATURE, verify_bundle


def add_parser(commands: Any) -> None:
    parser: argparse.ArgumentParser = commands.add_parser(
        "verify",
        help="check a bundle's files, digests and signature",
        description="Check that every file the manifest lists is present with its size and "
        "SHA-256, that no other file is, and the signature when --key is given.",
    )
    parser.add_argument("directory", metavar="DIR")
    parser.add_argument("--key", metavar="PUBKEY", help="Ed25519 public key (PEM)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    directory = Path(args.directory)
    if not directory.is_dir():
        raise options.UsageError(f"{args.directory} is not a directory")
    result = verify_bundle(directory, Path(args.key) if args.key else None)
    for problem in result.problems:
        print(f"{args.directory}/{problem}", file=sys.stderr)
    if not result.ok:
        count = len(result.problems)
        print(f"bundle {args.directory}: FAILED, {count} problem{'s' if count != 1 else ''}")
        return options.EXIT_FINDINGS
    files = len(result.manifest["files"]) if result.manifest else 0
    if result.signed:
        trust = "signature valid"
    elif (directory / SIGNATURE).exists():
        trust = "signed, signature not checked (pass --key PUBKEY)"
    else:
        trust = "not signed"
    print(f"bundle {args.directory}: OK, {files} files match the manifest; {trust}")
    return options.EXIT_OK
