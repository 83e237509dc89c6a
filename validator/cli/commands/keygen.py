"""``policyrepo keygen``: an Ed25519 key pair for signing bundles."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from validator.cli import options
from validator.consume import signing


def add_parser(commands: Any) -> None:
    parser: argparse.ArgumentParser = commands.add_parser(
        "keygen",
        help="make an Ed25519 key pair for signing bundles",
        description="Write PREFIX.key (private, mode 600) and PREFIX.pub (public), both PEM.",
    )
    parser.add_argument("prefix", nargs="?", default="policyrepo", metavar="PREFIX")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    private, public = Path(f"{args.prefix}.key"), Path(f"{args.prefix}.pub")
    for path in (private, public):
        if path.exists():
            raise options.UsageError(f"{path} exists; choose another PREFIX or move it away")
    signing.generate_keypair(private, public)
    print(f"wrote {private} (private: keep it secret) and {public} (public: give to consumers)")
    return options.EXIT_OK
