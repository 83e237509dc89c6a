"""``policyrepo show``: a policy's version in effect on a date, its history and lineage."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from typing import Any

from validator.cli import answers, options
from validator.cli.display import printable


def add_parser(commands: Any) -> None:
    parser: argparse.ArgumentParser = commands.add_parser(
        "show",
        help="a policy's version in effect on a date, and its supersession",
        description="The version of policy NUMBER in effect on DATE, its window, every "
        "version, what it supersedes and what superseded it. Exits 1 for an unknown number.",
    )
    parser.add_argument("number", metavar="NUMBER", help="policy number, e.g. 0324")
    options.add_on(parser)
    options.add_root_and_format(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    loaded = options.load_repository(args)
    policy = loaded.repository.policies.get(args.number)
    if policy is None:
        print(f"policyrepo: no policy {printable(args.number)} in the repository", file=sys.stderr)
        return loaded.exit_code(answered=False)
    render = answers.show_json if args.format == "json" else answers.show_text
    sys.stdout.write(render(loaded.repository, policy, args.on or date.today()))
    return loaded.exit_code()
