"""``policyrepo bundle``: validate, then write the bundle consumers load."""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

from validator.check.cache import Cache, CacheRefused, open_cache
from validator.check.documents import DocumentChanged
from validator.check.validate import Checking, validate
from validator.cli import options
from validator.cli.display import printable
from validator.cli.reporters import REPORTERS
from validator.consume import signing
from validator.findings import Severity
from validator.publish.bundle import publish_bundle
from validator.publish.output import OutputError
from validator.publish.provenance import SourceDateEpochError, read_provenance, source_date_epoch
from validator.publish.write import prepare_output


def add_parser(commands: Any) -> None:
    parser: argparse.ArgumentParser = commands.add_parser(
        "bundle",
        help="write the JSON bundle consumers load",
        description="Validate the repository, then write a deterministic, verifiable bundle "
        "to DIR, replacing a previous bundle there in one step. Nothing is written while "
        "the repository has errors.",
    )
    parser.add_argument(
        "-o",
        "--output",
        default="dist",
        metavar="DIR",
        help="a new or empty directory, or a previous bundle (default: dist)",
    )
    parser.add_argument(
        "--as-of",
        type=options.iso_date,
        default=None,
        metavar="DATE",
        help="only what is in effect on or after DATE",
    )
    parser.add_argument("--sign", metavar="KEYFILE", help="Ed25519 private key (PEM) to sign with")
    options.add_root(parser)
    options.add_today(parser)
    options.add_checking(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    root = options.repository_root(args)
    # Everything the caller can get wrong is checked before validating: where the bundle
    # goes, the signing key, and the creation time.
    with _callers_to_fix():
        prepare_output(args.output, root)
        key = signing.load_private_key(Path(args.sign)) if args.sign else None
        source_date_epoch()
    with _checking(args, root) as checking:
        # No bytes kept: what the bundle records of each file is read as it is checked.
        report = validate(root, None, args.today, checking, with_sources=False, with_digests=True)
        errors = report.counts()[Severity.ERROR]
        if errors:
            sys.stderr.write(REPORTERS["text"](report))
            print(
                f"policyrepo: bundle not written: the repository has {errors} "
                f"error{'s' if errors != 1 else ''}; fix them and run again",
                file=sys.stderr,
            )
            return options.EXIT_FINDINGS
        with _callers_to_fix():
            # From the very bytes the bundle holds, so its revision claim is about them.
            provenance = read_provenance(root, report.digests)
        try:
            with _callers_to_fix():
                # Each file is written as it is built; a document that cannot be read back
                # as validated stops the writing, and what was at the output is kept.
                listing = publish_bundle(
                    report.repository,
                    report.organization,
                    report.digests,
                    provenance,
                    args.output,
                    key,
                    root,
                    args.as_of,
                    report.documents.of,
                )
        except DocumentChanged as error:
            print(f"policyrepo: bundle not written: {printable(str(error))}", file=sys.stderr)
            return options.EXIT_FINDINGS
    signed = " and signed" if key else ""
    policies = listing.counts["policies"]
    print(
        f"wrote {args.output.rstrip('/')}/: {len(listing.files) + 1} files{signed}, "
        f"{policies} polic{'y' if policies == 1 else 'ies'}"
    )
    return options.EXIT_OK


@contextmanager
def _checking(args: argparse.Namespace, root: Path) -> Iterator[Checking]:
    """How the files are checked. With --no-cache nothing is reused or kept, yet each
    file's results are spilled to a temporary directory of the run's own, deleted when it
    ends: the model then keeps each document trimmed and the writing reads each whole
    one back, so memory does not grow with the text of the policies."""
    checking = options.checking(args, root)
    if checking.cache is not None:
        yield checking
        return
    with tempfile.TemporaryDirectory(prefix="policyrepo-bundle-") as spill:
        try:
            cache: Cache | None = open_cache(root, Path(spill))
        except CacheRefused:
            cache = None  # no room for it: the documents are kept whole instead
        yield replace(checking, cache=cache, whole_documents=cache is None)


@contextmanager
def _callers_to_fix() -> Iterator[None]:
    """A refused output place, an I/O failure there, a bad key file or a malformed
    SOURCE_DATE_EPOCH are usage errors (exit 2), not bugs."""
    try:
        yield
    except (OutputError, signing.KeyFileError, SourceDateEpochError) as error:
        raise options.UsageError(str(error)) from None
