"""``policyrepo prior-auth``: every code that needs prior authorisation on a date.

The list CMS-0057-F asks impacted payers to publish: each item or service that needs
prior authorisation, with its policy, version, conditions and documentation.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from typing import Any

from validator.cli import coverage_answers, options
from validator.model import resolve


def add_parser(commands: Any) -> None:
    parser: argparse.ArgumentParser = commands.add_parser(
        "prior-auth",
        help="every code that needs prior authorisation on a date",
        description="Every service code that needs prior authorisation (required, or "
        "conditional with its condition) on DATE, with its policy, version, statement "
        "and documentation. With --line-of-business, only where the policy can apply to it.",
    )
    options.add_on(parser)
    parser.add_argument(
        "--line-of-business",
        metavar="LINE",
        help="commercial, medicare, medicare-advantage, medicaid, chip, exchange, or a product id",
    )
    options.add_root(parser)
    options.add_checking(parser)
    parser.add_argument("--format", choices=["text", "json", "csv"], default="text")
    parser.set_defaults(run=run)


_RENDER = {
    "text": coverage_answers.prior_auth_text,
    "json": coverage_answers.prior_auth_json,
    "csv": coverage_answers.prior_auth_csv,
}


def run(args: argparse.Namespace) -> int:
    on = args.on or date.today()
    loaded = options.load_repository(args)
    items = resolve.prior_authorizations(loaded.repository, on, args.line_of_business)
    sys.stdout.write(_RENDER[args.format](on, args.line_of_business, items))
    return loaded.exit_code()
