"""``policyrepo lookup``: which policy versions governed a code on a date."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from typing import Any

from validator.cli import answers, options
from validator.model import resolve
from validator.model.codesystems import SYSTEMS


def add_parser(commands: Any) -> None:
    parser: argparse.ArgumentParser = commands.add_parser(
        "lookup",
        help="which policies governed a code on a date",
        description="Every policy version in effect on DATE that lists the code, with its "
        "determination. Exits 1 when none did.",
    )
    parser.add_argument("system", metavar="SYSTEM", help=f"code system: {', '.join(SYSTEMS)}")
    parser.add_argument("code", metavar="CODE", help="the code as written, e.g. 97545 or V57.22")
    options.add_on(parser)
    options.add_root_and_format(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    system = next((name for name in SYSTEMS if name.casefold() == args.system.casefold()), None)
    if system is None:
        raise options.UsageError(
            f"unknown code system {args.system!r}; use one of {', '.join(SYSTEMS)}"
        )
    code = args.code.strip().upper()
    on = args.on or date.today()
    found = resolve.lookup(options.load_repository(args), system, code, on)
    render = answers.lookup_json if args.format == "json" else answers.lookup_text
    sys.stdout.write(render(system, code, on, found))
    return options.EXIT_OK if found else options.EXIT_FINDINGS
