"""What every subcommand shares: exit codes, the usage error, and common options.

Exit codes (also in the README):

* 0 - success: no errors (and, with ``--strict``, no warnings);
* 1 - ``validate``: errors (or warnings with ``--strict``); ``lookup``: no version
  governs the code on the date; ``show``: no such policy; ``bundle``: the repository
  has errors, nothing written; ``verify``: the bundle failed verification;
* 2 - usage error: unknown option, missing argument, no ``policies/`` under ``--root``;
* 3 - internal error: a bug in policyrepo; ``--debug`` shows the traceback;
* 4 - ``lookup``, ``show``, ``review``, ``prior-auth``: answered, but some files have
  errors and were left out, so the answer may be incomplete.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from validator.check.cache import CacheRefused, open_cache
from validator.check.code_set_store import CachedEditions
from validator.check.parallel import available_cores
from validator.check.validate import Checking, Report, validate, validate_for_code
from validator.cli.progress import Progress
from validator.findings import Severity
from validator.model import codesets
from validator.model.timeline import Repository

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2
EXIT_INTERNAL = 3
EXIT_INCOMPLETE = 4

#: Where the cache goes when --cache-dir does not say (as MYPY_CACHE_DIR does for mypy).
CACHE_DIR_VARIABLE = "POLICYREPO_CACHE_DIR"


class UsageError(Exception):
    """A mistake in how the command was called; exits with EXIT_USAGE."""


def iso_date(text: str) -> date:
    """An argparse type: a calendar date written YYYY-MM-DD."""
    # fromisoformat alone also takes 20110415 and 2011-W15: dates here are YYYY-MM-DD.
    try:
        if re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text):
            return date.fromisoformat(text)
    except ValueError:
        pass
    raise argparse.ArgumentTypeError(f"{text!r} is not a calendar date as YYYY-MM-DD")


def add_today(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--today",
        type=iso_date,
        default=None,
        metavar="DATE",
        help="the date to judge reviews by, for reproducible runs (default: today)",
    )


def add_on(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--on",
        type=iso_date,
        default=None,
        metavar="DATE",
        help="date of service (default: today)",
    )


def add_root(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--root", default=".", help="repository root, holding policies/ (default: .)"
    )


def add_root_and_format(parser: argparse.ArgumentParser) -> None:
    add_root(parser)
    parser.add_argument("--format", choices=["text", "json"], default="text")
    add_checking(parser)


def add_checking(parser: argparse.ArgumentParser) -> None:
    """The options of a command that validates the repository: processes and cache."""
    parser.add_argument(
        "--jobs",
        type=_positive,
        default=None,
        metavar="N",
        help="check files in N processes (default: every core available)",
    )
    parser.add_argument(
        "--cache-dir",
        metavar="DIR",
        help="keep each file's results in DIR (default: $POLICYREPO_CACHE_DIR, or "
        ".policyrepo-cache in the root)",
    )
    parser.add_argument(
        "--no-cache", action="store_true", help="check every file, and keep no results"
    )
    parser.add_argument(
        "--quiet",
        action="store_true",
        help="no progress line (it shows only on a terminal, for runs over a second)",
    )


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a positive whole number")
    return int(text)


def checking(args: argparse.Namespace, root: Path) -> Checking:
    """How to check the files, from the options (a command without them gets the
    defaults: every core, the cache in the root). A cache that cannot be used is said on
    stderr, and the run goes on without it; one given with --cache-dir is a usage error.
    Without a cache the model keeps documents trimmed, as with one: no command but
    ``bundle`` reads them whole, and it keeps a cache of its own (see its ``_checking``)."""
    jobs = getattr(args, "jobs", None) or available_cores()
    progress = Progress("checking", enabled=False if getattr(args, "quiet", False) else None)
    if getattr(args, "no_cache", False):
        return Checking(None, jobs, progress, whole_documents=False)
    given = getattr(args, "cache_dir", None)
    named = f"--cache-dir {given}"
    if not given and os.environ.get(CACHE_DIR_VARIABLE):
        given = os.environ[CACHE_DIR_VARIABLE]
        named = f"{CACHE_DIR_VARIABLE}={given}"
    try:
        cache = open_cache(root, Path(given) if given else None)
    except CacheRefused as error:
        if given:
            raise UsageError(f"{named}: {error}") from None
        print(f"policyrepo: note: no cache this run: {error}", file=sys.stderr)
        return Checking(None, jobs, progress, whole_documents=False)
    # The ICD code sets, read from their packages once, are kept in the cache too.
    codesets.keep_editions_in(CachedEditions(cache))
    return Checking(cache, jobs, progress)


def repository_root(args: argparse.Namespace) -> Path:
    root = Path(args.root)
    if not (root / "policies").is_dir():
        raise UsageError(f"{args.root} has no policies/ directory; pass --root DIR")
    return root


@dataclass(frozen=True)
class Loaded:
    """The repository model, and whether every file could be read into it."""

    repository: Repository
    complete: bool

    def exit_code(self, answered: bool = True) -> int:
        """EXIT_INCOMPLETE when files were left out: even "no version" may be wrong then."""
        if not self.complete:
            return EXIT_INCOMPLETE
        return EXIT_OK if answered else EXIT_FINDINGS


def load_repository(args: argparse.Namespace) -> Loaded:
    """The repository model; files that do not load or match the schema are left out,
    and the answer says so (on stderr, and in the exit code)."""
    root = repository_root(args)
    # Unchanged files are not read: their results, the model included, are in the cache.
    report = validate(
        root, None, getattr(args, "today", None), checking(args, root), with_sources=False
    )
    return _loaded(report)


def load_for_code(args: argparse.Namespace, system: str, code: str, on: date) -> Loaded:
    """The model a lookup of one code on ``on`` answers from: with the cache, when no file
    changed since a run judged them today, only the policies listing the code around
    that day, from their cached results; otherwise the whole repository, and the cache
    then keeps which files answer for each code, for the next lookup."""
    root = repository_root(args)
    how = checking(args, root)
    today = getattr(args, "today", None) or date.today()
    report = validate_for_code(root, system, code, on, today, how)
    if report is None:
        report = validate(root, None, today, how, with_sources=False, code_map=True)
    return _loaded(report)


def _loaded(report: Report) -> Loaded:
    broken = len({f.path for f in report.findings if f.severity is Severity.ERROR})
    if broken:
        print(
            f"policyrepo: note: {broken} file{'s' if broken != 1 else ''} with errors; "
            "answers may be incomplete (run policyrepo validate)",
            file=sys.stderr,
        )
    return Loaded(report.repository, complete=not broken)
