"""``policyrepo validate``: check policy files and the repository they belong to."""

from __future__ import annotations

import argparse
import os
import sys
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

from validator.check.history import check_history
from validator.check.validate import BATCH_FILES, Checking, Report, validate, validate_batches
from validator.cli import options
from validator.cli.reporters import REPORTERS, report_markdown
from validator.read.revision import RevisionError, revision_listing


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
    parser.add_argument(
        "--base",
        metavar="REV",
        help="also check the change from git revision REV to the work tree: versions in "
        "effect rewritten or deleted, notice for reductions and new prior authorisation, "
        "revision entries (for pull requests: --base origin/main; for a commit: --base HEAD)",
    )
    options.add_today(parser)
    options.add_checking(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    root = options.repository_root(args)
    checking = options.checking(args, root)
    # Without --base only the findings are needed: an unchanged repository answers
    # from the cache without reading a file, and no file's bytes are kept.
    history = args.base is not None
    report = validate(
        root,
        args.paths or None,
        args.today,
        checking,
        findings_only=not history,
        with_sources=history,
    )
    if args.base is not None:
        report = with_history(root, report, args.base, args.today or date.today(), checking)
    fmt = args.format or ("github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text")
    sys.stdout.write(REPORTERS[fmt](report))
    summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if fmt == "github" and summary:
        write_step_summary(Path(summary), report_markdown(report))
    return options.EXIT_FINDINGS if report.failed(strict=args.strict) else options.EXIT_OK


def with_history(
    root: Path, report: Report, base: str, today: date, checking: Checking | None = None
) -> Report:
    """The report with what the change from ``base`` may not do."""
    try:
        listing = revision_listing(root, base)
        # Most files are as they were at the base: their results come from the cache.
        before = validate_batches(listing.batches(BATCH_FILES), today, checking)
    except RevisionError as error:
        raise options.UsageError(f"--base {base}: {error}") from None
    # The text of a changed version is read again, from git, to say where it changed.
    findings = check_history(replace(before, sources=listing.bytes()), report, today)
    return replace(report, findings=sorted(report.findings + findings))


def write_step_summary(path: Path, markdown: str) -> None:
    """Append to the job summary GitHub shows on the run's page: every finding, where the
    annotations stop at ten of a kind. A summary that cannot be written is said, and the
    run's result stands."""
    try:
        with path.open("a", encoding="utf-8") as handle:
            handle.write(markdown)
    except OSError as error:
        print(f"policyrepo: note: job summary not written: {error.strerror}", file=sys.stderr)
