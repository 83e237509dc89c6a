"""``policyrepo validate``: check policy files and the repository they belong to."""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

from validator.check.validate import validate
from validator.cli import options
from validator.cli.reporters import REPORTERS


def add_parser(commands: Any) -> None:
    parser: argparse.ArgumentParser = commands.add_parser(
        "validate",
        help="check policy files and the repository",
        description="Check every policy version, or only the files and directories given.",
    )
    parser.add_argument("paths", nargs="*", metavar="PATH", help="files or directories to check")
    options.add_root(parser)
    parser.add_argument(
        "--format",
        choices=sorted(REPORTERS),
        help="output format (default: github when GITHUB_ACTIONS=true, else text)",
    )
    parser.add_argument("--strict", action="store_true", help="fail on warnings as well as errors")
    options.add_today(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    report = validate(options.repository_root(args), args.paths or None, args.today)
    fmt = args.format or ("github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text")
    sys.stdout.write(REPORTERS[fmt](report))
    return options.EXIT_FINDINGS if report.failed(strict=args.strict) else options.EXIT_OK
