"""``policyrepo verify``: check a bundle's files, digests and signature."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from validator.cli import options
from validator.cli.display import printable
from validator.consume.verify import SIGNATURE, Problem, verify_bundle


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


def shown(text: str) -> str:
    """A path or message from the bundle, safe to print: on one line, escapes visible,
    and bytes that are not UTF-8 (possible in file names) written as escapes too."""
    return printable(text.encode("utf-8", "backslashreplace").decode("utf-8"))


def _where(directory: str, problem: Problem) -> str:
    return f"{directory}/{problem.file}" if problem.in_bundle else problem.file


def run(args: argparse.Namespace) -> int:
    directory = Path(args.directory)
    if not directory.is_dir():
        raise options.UsageError(f"{shown(args.directory)} is not a directory")
    result = verify_bundle(directory, Path(args.key) if args.key else None)
    for problem in result.problems:
        print(
            f"{shown(_where(args.directory, problem))}: {shown(problem.message)}", file=sys.stderr
        )
    if not result.ok:
        count = len(result.problems)
        print(f"bundle {shown(args.directory)}: FAILED, {count} problem{'s' if count != 1 else ''}")
        return options.EXIT_FINDINGS
    if result.signed:
        trust = "signature valid"
    elif os.path.lexists(directory / SIGNATURE):
        trust = "signed, signature not checked (pass --key PUBKEY)"
    else:
        trust = "not signed"
    files = len(result.entries)
    print(f"bundle {shown(args.directory)}: OK, {files} files match the manifest; {trust}")
    return options.EXIT_OK
