"""``policyrepo bundle``: validate, then write the bundle consumers load."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from validator.check.validate import validate
from validator.cli import options
from validator.cli.reporters import REPORTERS
from validator.consume import signing
from validator.findings import Severity
from validator.publish.bundle import build_bundle, write_bundle
from validator.publish.provenance import read_provenance


def add_parser(commands: Any) -> None:
    parser: argparse.ArgumentParser = commands.add_parser(
        "bundle",
        help="write the JSON bundle consumers load",
        description="Validate the repository, then write a deterministic, verifiable bundle "
        "to DIR. Nothing is written while the repository has errors.",
    )
    parser.add_argument("-o", "--output", default="dist", metavar="DIR", help="default: dist")
    parser.add_argument(
        "--as-of",
        type=options.iso_date,
        default=None,
        metavar="DATE",
        help="only what is in effect on or after DATE",
    )
    parser.add_argument("--sign", metavar="KEYFILE", help="Ed25519 private key (PEM) to sign with")
    options.add_root(parser)
    options.add_today(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    key = None
    if args.sign:
        try:
            key = signing.load_private_key(Path(args.sign))
        except signing.KeyFileError as error:
            raise options.UsageError(str(error)) from None
    root = options.repository_root(args)
    try:
        provenance = read_provenance(root)
    except ValueError as error:
        raise options.UsageError(str(error)) from None
    report = validate(root, None, args.today)
    errors = report.counts()[Severity.ERROR]
    if errors:
        sys.stderr.write(REPORTERS["text"](report))
        print(
            f"policyrepo: bundle not written: the repository has {errors} "
            f"error{'s' if errors != 1 else ''}; fix them and run again",
            file=sys.stderr,
        )
        return options.EXIT_FINDINGS
    files, manifest = build_bundle(
        report.repository, report.organization, report.sources, provenance, args.as_of
    )
    write_bundle(files, manifest, Path(args.output), key)
    signed = " and signed" if key else ""
    policies = sum(name.startswith("policies/") for name in files)
    print(
        f"wrote {args.output}/: {len(files) + 1} files{signed}, "
        f"{policies} polic{'y' if policies == 1 else 'ies'}"
    )
    return options.EXIT_OK
