"""``policyrepo retire``: a dated retirement record for a policy."""

from __future__ import annotations

import argparse
from typing import Any

from validator.cli import options
from validator.cli.display import printable
from validator.edit.scaffold import ScaffoldError, retire


def add_parser(commands: Any) -> None:
    parser: argparse.ArgumentParser = commands.add_parser(
        "retire",
        help="retire a policy from a date",
        description="Write policies/NUMBER/retirement.yaml: from DATE the policy governs "
        "nothing. No version is edited. Never writes over a file.",
    )
    parser.add_argument("number", metavar="NUMBER")
    parser.add_argument(
        "--on", type=options.iso_date, required=True, metavar="DATE", help="first day retired"
    )
    parser.add_argument("--replaced-by", metavar="NUMBER", help="the policy that replaces it")
    parser.add_argument(
        "--published", type=options.iso_date, metavar="DATE", help="when it was announced"
    )
    options.add_root(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    root = options.repository_root(args)
    try:
        written = retire(root, args.number, args.on, args.replaced_by, args.published)
    except ScaffoldError as error:
        raise options.UsageError(str(error)) from None
    note = f"; {written.note}" if written.note else ""
    print(f"wrote {printable(written.path)}{note}")
    return options.EXIT_OK
