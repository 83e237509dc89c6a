"""``policyrepo init``: start a separate policy repository."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from validator.cli import options
from validator.cli.display import printable
from validator.edit.init import init
from validator.edit.scaffold import ScaffoldError


def add_parser(commands: Any) -> None:
    parser: argparse.ArgumentParser = commands.add_parser(
        "init",
        help="start a policy repository in a new or empty directory",
        description="Write the organisation file, the pre-commit hook, GitHub workflows "
        "(validate pull requests against their base, bundle main) and editor settings "
        "that find the installed schemas. Never writes into a directory that has files.",
    )
    parser.add_argument("directory", metavar="DIR")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    directory = Path(args.directory)
    try:
        written = init(directory)
    except (ScaffoldError, OSError) as error:
        raise options.UsageError(printable(str(error))) from None
    for name in written:
        print(f"wrote {printable(str(directory / name))}")
    print(
        "next: fill in policies/organization.yaml, git init, pre-commit install, and add a "
        "policy with policyrepo new --policy NUMBER --title TITLE --effective DATE"
    )
    return options.EXIT_OK
