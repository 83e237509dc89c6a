"""``policyrepo rules``: every rule the validator reports, as text or as the Markdown page."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from validator.check.catalogue import catalogue, render_catalogue
from validator.cli import options


def add_parser(commands: Any) -> None:
    parser: argparse.ArgumentParser = commands.add_parser(
        "rules", help="list every rule the validator reports"
    )
    parser.add_argument("--format", choices=["text", "markdown"], default="text")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    if args.format == "markdown":
        sys.stdout.write(render_catalogue())
        return options.EXIT_OK
    rules = catalogue()
    width = max(len(rule.id) for rule in rules)
    for rule in rules:
        sys.stdout.write(f"{rule.id:<{width}}  {rule.severity!s:<7}  {rule.summary}\n")
    return options.EXIT_OK
