"""The ``policyrepo`` command line: ``main`` parses the arguments and dispatches.

Each subcommand is a module of :mod:`validator.cli.commands`; exit codes are in
:mod:`validator.cli.options` and the README.
"""

from __future__ import annotations

import argparse
import gc
import sys
import traceback

from validator import __version__
from validator.cli import options
from validator.cli.commands import (
    bundle,
    diff,
    init,
    keygen,
    lookup,
    migrate,
    new,
    prior_auth,
    retire,
    review,
    rules,
    show,
    validate,
    verify,
)
from validator.cli.display import printable

#: The subcommands, in the order ``policyrepo --help`` lists them.
COMMANDS = (
    validate,
    lookup,
    show,
    review,
    prior_auth,
    diff,
    new,
    retire,
    migrate,
    init,
    bundle,
    keygen,
    verify,
    rules,
)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="policyrepo",
        description="Validate and publish a repository of coverage policies kept as data.",
    )
    parser.add_argument("--version", action="version", version=f"policyrepo {__version__}")
    parser.add_argument(
        "--debug", action="store_true", help="show the traceback of an internal error"
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for command in COMMANDS:
        command.add_parser(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:  # argparse exits on --help, --version and usage errors
        return int(exit_.code or 0)
    try:
        result: int = _run(args)
    except options.UsageError as error:
        parser.print_usage(sys.stderr)
        print(f"policyrepo: error: {printable(str(error))}", file=sys.stderr)
        return options.EXIT_USAGE
    except KeyboardInterrupt:
        print("policyrepo: interrupted", file=sys.stderr)
        return 130
    except Exception as error:
        if args.debug:
            traceback.print_exc()
        print(
            f"policyrepo: internal error (a bug in policyrepo, please report it): "
            f"{type(error).__name__}: {printable(str(error))}; rerun with --debug for the "
            "traceback",
            file=sys.stderr,
        )
        return options.EXIT_INTERNAL
    return result


def _run(args: argparse.Namespace) -> int:
    """Run the subcommand with Python's cyclic garbage collector off.

    A run makes millions of small objects (nodes, values, findings) and no reference
    cycles worth collecting: the collector would scan the growing heap again and again,
    a third of a cold run's time. Reference counting still frees memory as it goes.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        return int(args.run(args))
    finally:
        if enabled:
            gc.enable()
