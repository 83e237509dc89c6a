"""``policyrepo migrate``: rewrite first-format policy files in the second format."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from validator.cli import options
from validator.cli.display import printable
from validator.edit.migrate import MigrationError, migrate_source, write_migration
from validator.findings import Finding
from validator.read.files import discover, is_version_path, read_source, relative_to_root


def add_parser(commands: Any) -> None:
    parser: argparse.ArgumentParser = commands.add_parser(
        "migrate",
        help="rewrite first-format policy files in the second format",
        description="Rewrite policy versions written in the first format in the second: "
        "format: 2, an id on every code group, and a retirement moved into "
        "policies/<number>/retirement.yaml. Comments, key order, quoting and wording stay. "
        "Without PATHs, every version under policies/. Files already migrated are left "
        "as they are. Exits 1 when a file could not be migrated (it is left untouched).",
    )
    parser.add_argument("paths", nargs="*", metavar="PATH", help="version files to migrate")
    options.add_root(parser)
    parser.add_argument(
        "--check",
        action="store_true",
        help="write nothing; exit 1 when a file is still in the first format",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    root = options.repository_root(args)
    paths = _paths(root, args.paths)
    migrated = pending = failed = 0
    for path in paths:
        source = read_source(root, path)
        if isinstance(source, Finding):
            print(
                f"policyrepo: {printable(path)}: not migrated: {printable(source.message)}",
                file=sys.stderr,
            )
            failed += 1
            continue
        try:
            migration = migrate_source(source)
            if migration.text is None:
                continue
            if args.check:
                print(f"{printable(path)}: in the first format")
                pending += 1
                continue
            write_migration(root, migration)
        except (MigrationError, OSError) as error:
            print(f"policyrepo: {printable(path)}: not migrated: {error}", file=sys.stderr)
            failed += 1
            continue
        migrated += 1
        retired = f" (and wrote {migration.retirement_path})" if migration.retirement_path else ""
        print(f"migrated {printable(path)}{retired}")
    if args.check:
        print(f"{pending} of {len(paths)} version files in the first format")
        return options.EXIT_FINDINGS if pending or failed else options.EXIT_OK
    print(f"migrated {migrated} of {len(paths)} version files; {failed} not migrated")
    return options.EXIT_FINDINGS if failed else options.EXIT_OK


def _paths(root: Path, arguments: list[str]) -> list[str]:
    if not arguments:
        found, _ = discover(root)
        return [path for path in found if is_version_path(path)]
    paths = []
    for argument in arguments:
        relative = relative_to_root(root, argument)
        if not isinstance(relative, str) or not is_version_path(relative):
            raise options.UsageError(
                f"{printable(argument)} is not a policy version under policies/ of {root}"
            )
        paths.append(relative)
    return paths
