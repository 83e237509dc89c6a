"""The ``policyrepo`` command line: one small function per subcommand.

Exit codes (also in the README):

* 0 - success: no errors (and, with ``--strict``, no warnings);
* 1 - ``validate``: errors (or warnings with ``--strict``); ``lookup``: no version
  governs the code on the date; ``show``: no such policy; ``bundle``: the repository
  has errors, nothing written; ``verify``: the bundle failed verification;
* 2 - usage error: unknown option, missing argument, no ``policies/`` under ``--root``;
* 3 - internal error: a bug in policyrepo; ``--debug`` shows the traceback.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import traceback
from datetime import date
from pathlib import Path

from validator import __version__, answers, bundle, resolve, signing
from validator.codesystems import SYSTEMS
from validator.findings import Severity
from validator.provenance import read_provenance
from validator.reporters import REPORTERS
from validator.rules import catalogue, render_catalogue
from validator.timeline import Repository
from validator.validate import validate
from validator.verify import verify_bundle

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
    _add_root(check)
    check.add_argument(
        "--format",
        choices=sorted(REPORTERS),
        help="output format (default: github when GITHUB_ACTIONS=true, else text)",
    )
    check.add_argument("--strict", action="store_true", help="fail on warnings as well as errors")
    _add_today(check)
    check.set_defaults(run=_run_validate)

    find = commands.add_parser(
        "lookup",
        help="which policies governed a code on a date",
        description="Every policy version in effect on DATE that lists the code, with its "
        "determination. Exits 1 when none did.",
    )
    find.add_argument("system", metavar="SYSTEM", help=f"code system: {', '.join(SYSTEMS)}")
    find.add_argument("code", metavar="CODE", help="the code as written, e.g. 97545 or V57.22")
    _add_on(find)
    _add_root_and_format(find)
    find.set_defaults(run=_run_lookup)

    show = commands.add_parser(
        "show",
        help="a policy's version in effect on a date, and its supersession",
        description="The version of policy NUMBER in effect on DATE, its window, every "
        "version, what it supersedes and what superseded it. Exits 1 for an unknown number.",
    )
    show.add_argument("number", metavar="NUMBER", help="policy number, e.g. 0324")
    _add_on(show)
    _add_root_and_format(show)
    show.set_defaults(run=_run_show)

    review = commands.add_parser(
        "review",
        help="versions overdue or due for review",
        description="Versions in effect (or posted to take effect) whose next review date "
        "has passed, or falls within DAYS; the oldest first.",
    )
    _add_today(review)
    review.add_argument(
        "--within", type=int, default=0, metavar="DAYS", help="also list reviews due within DAYS"
    )
    _add_root_and_format(review)
    review.set_defaults(run=_run_review)

    publish = commands.add_parser(
        "bundle",
        help="write the JSON bundle consumers load",
        description="Validate the repository, then write a deterministic, verifiable bundle "
        "to DIR. Nothing is written while the repository has errors.",
    )
    publish.add_argument("-o", "--output", default="dist", metavar="DIR", help="default: dist")
    publish.add_argument(
        "--as-of",
        type=_iso_date,
        default=None,
        metavar="DATE",
        help="only what is in effect on or after DATE",
    )
    publish.add_argument("--sign", metavar="KEYFILE", help="Ed25519 private key (PEM) to sign with")
    _add_root(publish)
    _add_today(publish)
    publish.set_defaults(run=_run_bundle)

    keys = commands.add_parser(
        "keygen",
        help="make an Ed25519 key pair for signing bundles",
        description="Write PREFIX.key (private, mode 600) and PREFIX.pub (public), both PEM.",
    )
    keys.add_argument("prefix", nargs="?", default="policyrepo", metavar="PREFIX")
    keys.set_defaults(run=_run_keygen)

    check_bundle = commands.add_parser(
        "verify",
        help="check a bundle's files, digests and signature",
        description="Check that every file the manifest lists is present with its size and "
        "SHA-256, that no other file is, and the signature when --key is given.",
    )
    check_bundle.add_argument("directory", metavar="DIR")
    check_bundle.add_argument("--key", metavar="PUBKEY", help="Ed25519 public key (PEM)")
    check_bundle.set_defaults(run=_run_verify)

    rules = commands.add_parser("rules", help="list every rule the validator reports")
    rules.add_argument("--format", choices=["text", "markdown"], default="text")
    rules.set_defaults(run=_run_rules)
    return parser


def _iso_date(text: str) -> date:
    # fromisoformat alone also takes 20110415 and 2011-W15: dates here are YYYY-MM-DD.
    try:
        if re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text):
            return date.fromisoformat(text)
    except ValueError:
        pass
    raise argparse.ArgumentTypeError(f"{text!r} is not a calendar date as YYYY-MM-DD")


def _add_today(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--today",
        type=_iso_date,
        default=None,
        metavar="DATE",
        help="the date to judge reviews by, for reproducible runs (default: today)",
    )


def _add_on(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--on",
        type=_iso_date,
        default=None,
        metavar="DATE",
        help="date of service (default: today)",
    )


def _add_root(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--root", default=".", help="repository root, holding policies/ (default: .)"
    )


def _add_root_and_format(parser: argparse.ArgumentParser) -> None:
    _add_root(parser)
    parser.add_argument("--format", choices=["text", "json"], default="text")


def _repository_root(args: argparse.Namespace) -> Path:
    root = Path(args.root)
    if not (root / "policies").is_dir():
        raise UsageError(f"{args.root} has no policies/ directory; pass --root DIR")
    return root


def _load(args: argparse.Namespace) -> Repository:
    """The repository model; files that do not load or match the schema are left out."""
    report = validate(_repository_root(args), None, getattr(args, "today", None))
    broken = len({f.path for f in report.findings if f.severity is Severity.ERROR})
    if broken:
        print(
            f"policyrepo: note: {broken} file{'s' if broken != 1 else ''} with errors; "
            "answers may be incomplete (run policyrepo validate)",
            file=sys.stderr,
        )
    return report.repository


def _run_validate(args: argparse.Namespace) -> int:
    report = validate(_repository_root(args), args.paths or None, args.today)
    fmt = args.format or ("github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text")
    sys.stdout.write(REPORTERS[fmt](report))
    return EXIT_FINDINGS if report.failed(strict=args.strict) else EXIT_OK


def _run_lookup(args: argparse.Namespace) -> int:
    system = next((name for name in SYSTEMS if name.casefold() == args.system.casefold()), None)
    if system is None:
        raise UsageError(f"unknown code system {args.system!r}; use one of {', '.join(SYSTEMS)}")
    code = args.code.strip().upper()
    on = args.on or date.today()
    found = resolve.lookup(_load(args), system, code, on)
    render = answers.lookup_json if args.format == "json" else answers.lookup_text
    sys.stdout.write(render(system, code, on, found))
    return EXIT_OK if found else EXIT_FINDINGS


def _run_show(args: argparse.Namespace) -> int:
    repository = _load(args)
    policy = repository.policies.get(args.number)
    if policy is None:
        print(f"policyrepo: no policy {args.number} in the repository", file=sys.stderr)
        return EXIT_FINDINGS
    render = answers.show_json if args.format == "json" else answers.show_text
    sys.stdout.write(render(repository, policy, args.on or date.today()))
    return EXIT_OK


def _run_review(args: argparse.Namespace) -> int:
    today = args.today or date.today()
    due = resolve.due_for_review(_load(args), today, args.within)
    render = answers.review_json if args.format == "json" else answers.review_text
    sys.stdout.write(render(due, today, args.within))
    return EXIT_OK


def _run_bundle(args: argparse.Namespace) -> int:
    key = None
    if args.sign:
        try:
            key = signing.load_private_key(Path(args.sign))
        except signing.KeyFileError as error:
            raise UsageError(str(error)) from None
    root = _repository_root(args)
    try:
        provenance = read_provenance(root)
    except ValueError as error:
        raise UsageError(str(error)) from None
    report = validate(root, None, args.today)
    errors = report.counts()[Severity.ERROR]
    if errors:
        sys.stderr.write(REPORTERS["text"](report))
        print(
            f"policyrepo: bundle not written: the repository has {errors} "
            f"error{'s' if errors != 1 else ''}; fix them and run again",
            file=sys.stderr,
        )
        return EXIT_FINDINGS
    files, manifest = bundle.build_bundle(
        report.repository, report.organization, report.sources, provenance, args.as_of
    )
    bundle.write_bundle(files, manifest, Path(args.output), key)
    signed = " and signed" if key else ""
    policies = sum(name.startswith("policies/") for name in files)
    print(
        f"wrote {args.output}/: {len(files) + 1} files{signed}, "
        f"{policies} polic{'y' if policies == 1 else 'ies'}"
    )
    return EXIT_OK


def _run_keygen(args: argparse.Namespace) -> int:
    private, public = Path(f"{args.prefix}.key"), Path(f"{args.prefix}.pub")
    for path in (private, public):
        if path.exists():
            raise UsageError(f"{path} exists; choose another PREFIX or move it away")
    signing.generate_keypair(private, public)
    print(f"wrote {private} (private: keep it secret) and {public} (public: give to consumers)")
    return EXIT_OK


def _run_verify(args: argparse.Namespace) -> int:
    directory = Path(args.directory)
    if not directory.is_dir():
        raise UsageError(f"{args.directory} is not a directory")
    result = verify_bundle(directory, Path(args.key) if args.key else None)
    for problem in result.problems:
        print(f"{args.directory}/{problem}", file=sys.stderr)
    if not result.ok:
        count = len(result.problems)
        print(f"bundle {args.directory}: FAILED, {count} problem{'s' if count != 1 else ''}")
        return EXIT_FINDINGS
    files = len(result.manifest["files"]) if result.manifest else 0
    if result.signed:
        trust = "signature valid"
    elif (directory / "manifest.sig").exists():
        trust = "signed, signature not checked (pass --key PUBKEY)"
    else:
        trust = "not signed"
    print(f"bundle {args.directory}: OK, {files} files match the manifest; {trust}")
    return EXIT_OK


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
