"""``policyrepo diff``: what a change means for coverage, between two git revisions or a
revision and the work tree."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path
from typing import Any

from validator.check.validate import BATCH_FILES, Checking, validate, validate_batches
from validator.cli import diff_render, options
from validator.model.diff import diff
from validator.model.timeline import Repository
from validator.read.revision import RevisionError, revision_listing

_RENDER = {
    "text": diff_render.diff_text,
    "markdown": diff_render.diff_markdown,
    "json": diff_render.diff_json,
}


def add_parser(commands: Any) -> None:
    parser: argparse.ArgumentParser = commands.add_parser(
        "diff",
        help="what a change means for coverage: reductions, expansions, prior authorisation",
        description="Compare the policies at git revision BASE with HEAD (a revision; "
        "default: the work tree): policies added, retired, consolidated; versions added; "
        "per code, coverage reduced or expanded and from which date (determinations, "
        "supporting diagnoses, criteria thresholds, limits, applicability, prior "
        "authorisation, documentation); dates moved; editorial changes.",
    )
    parser.add_argument("base", metavar="BASE", help="git revision, e.g. origin/main")
    parser.add_argument("head", nargs="?", metavar="HEAD", help="git revision (default: work tree)")
    options.add_root(parser)
    options.add_checking(parser)
    parser.add_argument("--format", choices=sorted(_RENDER), default="text")
    options.add_today(parser)
    parser.set_defaults(run=run)


def _at(root: Path, revision: str, today: date, checking: Checking) -> Repository:
    """The model of a revision, its files read from git a batch at a time."""
    try:
        listing = revision_listing(root, revision)
        return validate_batches(listing.batches(BATCH_FILES), today, checking).repository
    except RevisionError as error:
        raise options.UsageError(f"{revision}: {error}") from None


def run(args: argparse.Namespace) -> int:
    root = options.repository_root(args)
    today = args.today or date.today()
    checking = options.checking(args, root)
    before = _at(root, args.base, today, checking)
    after = (
        _at(root, args.head, today, checking)
        if args.head
        else validate(root, None, today, checking, with_sources=False).repository
    )
    head = args.head or "the work tree"
    sys.stdout.write(_RENDER[args.format](diff(before, after), args.base, head))
    return options.EXIT_OK
