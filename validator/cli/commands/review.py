"""``policyrepo review``: versions overdue or due for review, the oldest first."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from typing import Any

from validator.cli import answers, options
from validator.model import resolve


def add_parser(commands: Any) -> None:
    parser: argparse.ArgumentParser = commands.add_parser(
        "review",
        help="versions overdue or due for review",
        description="Versions in effect (or posted to take effect) whose next review date "
        "has passed, or falls within DAYS; the oldest first.",
    )
    options.add_today(parser)
    parser.add_argument(
        "--within", type=int, default=0, metavar="DAYS", help="also list reviews due within DAYS"
    )
    options.add_root_and_format(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    today = args.today or date.today()
    loaded = options.load_repository(args)
    due = resolve.due_for_review(loaded.repository, today, args.within)
    render = answers.review_json if args.format == "json" else answers.review_text
    sys.stdout.write(render(due, today, args.within))
    return loaded.exit_code()
