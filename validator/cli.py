"""The ``policyrepo`` command line: one small function per subcommand.

Exit codes (also in the README):

* 0 - success: no errors (and, with ``--strict``, no warnings);
* 1 - the repository has errors (or warnings with ``--strict``);
* 2 - usage error: unknown option, missing argument, no ``policies/`` under ``--root``;
* 3 - internal error: a bug in policyrepo; ``--debug`` shows the traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
import traceback
from pathlib import Path

from validator import __version__
from validator.reporters import REPORTERS
from validator.rules import catalogue, render_catalogue
from validator.validate import validate

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2
EXIT_INTERNAL = 3


class UsageError(Exception):
    """A mistake in how the command was called; exits with EXIT_USAGE."""


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

    check = commands.add_parser(
        "validate",
        help="check policy files and the repository",
        description="Check every policy version, or only the files and directories given.",
    )
    check.add_argument("paths", nargs="*", metavar="PATH", help="files or directories to check")
    check.add_argument(
        "--root", default=".", help="repository root, holding policies/ (default: .)"
    )
    check.add_argument(
        "--format",
        choices=sorted(REPORTERS),
        help="output format (default: github when GITHUB_ACTIONS=true, else text)",
    )
    check.add_argument("--strict", action="store_true", help="fail on warnings as well as errors")
    check.set_defaults(run=_run_validate)

    rules = commands.add_parser("rules", help="list every rule the validator reports")
    rules.add_argument("--format", choices=["text", "markdown"], default="text")
    rules.set_defaults(run=_run_rules)
    return parser


def _run_validate(args: argparse.Namespace) -> int:
    root = Path(args.root)
    if not (root / "policies").is_dir():
        raise UsageError(f"{args.root} has no policies/ directory; pass --root DIR")
    report = validate(root, args.paths or None)
    fmt = args.format or ("github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text")
    sys.stdout.write(REPORTERS[fmt](report))
    return EXIT_FINDINGS if report.failed(strict=args.strict) else EXIT_OK


def _run_rules(args: argparse.Namespace) -> int:
    if args.format == "markdown":
        sys.stdout.write(render_catalogue())
    else:
        rules = catalogue()
        width = max(len(rule.id) for rule in rules)
        for rule in rules:
            sys.stdout.write(f"{rule.id:<{width}}  {rule.severity!s:<7}  {rule.summary}\n")
    return EXIT_OK


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:  # argparse exits on --help, --version and usage errors
        return int(exit_.code or 0)
    try:
        result: int = args.run(args)
    except UsageError as error:
        parser.print_usage(sys.stderr)
        print(f"policyrepo: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("policyrepo: interrupted", file=sys.stderr)
        return 130
    except Exception as error:
        if args.debug:
            traceback.print_exc()
        print(
            f"policyrepo: internal error (a bug in policyrepo, please report it): "
            f"{type(error).__name__}: {error}; rerun with --debug for the traceback",
            file=sys.stderr,
        )
        return EXIT_INTERNAL
    return result
