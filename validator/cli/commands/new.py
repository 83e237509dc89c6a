"""``policyrepo new``: the next version of a policy, or the first version of a new one."""

from __future__ import annotations

import argparse
from datetime import date
from typing import Any

from validator.cli import options
from validator.cli.display import printable
from validator.edit.scaffold import ScaffoldError, new_policy, new_version


def add_parser(commands: Any) -> None:
    parser: argparse.ArgumentParser = commands.add_parser(
        "new",
        help="start the next version of a policy, or a new policy",
        description="policyrepo new NUMBER --effective DATE writes the next version of "
        "policy NUMBER as a draft made from its latest version (comments, key order and "
        "quoting kept; dates set; a revision entry to fill in). policyrepo new --policy "
        "NUMBER --title TITLE --effective DATE starts a new policy. Never writes over a file.",
    )
    parser.add_argument("number", nargs="?", metavar="NUMBER", help="the policy's number")
    parser.add_argument("--policy", metavar="NUMBER", help="start a new policy with this number")
    parser.add_argument("--title", help="the new policy's title (with --policy)")
    parser.add_argument(
        "--effective", type=options.iso_date, required=True, metavar="DATE", help="YYYY-MM-DD"
    )
    options.add_root(parser)
    options.add_today(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    root = options.repository_root(args)
    if (args.number is None) == (args.policy is None):
        raise options.UsageError("give NUMBER for a new version, or --policy NUMBER for a policy")
    if args.policy is not None and not args.title:
        raise options.UsageError("a new policy needs --title")
    if args.number is not None and args.title:
        raise options.UsageError("--title goes with --policy; a new version keeps its title")
    try:
        if args.policy is not None:
            written = new_policy(root, args.policy, args.title, args.effective)
        else:
            written = new_version(root, args.number, args.effective, args.today or date.today())
    except ScaffoldError as error:
        raise options.UsageError(str(error)) from None
    print(f"wrote {printable(written.path)}: {written.note}")
    return options.EXIT_OK
