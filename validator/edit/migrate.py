"""Rewrite first-format policy files in the second format, keeping everything else.

The changes are the ones :mod:`validator.model.upgrade` makes in memory: ``format: 2`` at
the top, an ``id`` on every code group, and a first-format retirement moved out of the
version into ``policies/<number>/retirement.yaml``. Comments, key order, quoting,
wording, line breaks, line ends and a leading ``---`` stay as they are: the file is
edited through a round-trip YAML library (ruamel.yaml), for writing only; it is read
back with the validator's own loader. (One spelling changes and means the same: a
one-key mapping in braces inside a bracketed list, ``[{code: "97545"}]``, is written
``[code: "97545"]``.)

A file is rewritten only when it has no error (as ``policyrepo validate`` checks one
file), and only when the rewritten text loads to exactly the document the validator already reads
the old file as; otherwise it is left untouched and the reason is reported. A file
already in the second format is left as it is.
"""

from __future__ import annotations

import io
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from validator.check.validate import check_source
from validator.findings import Severity
from validator.model.upgrade import CURRENT_FORMAT, group_id, is_first_format, upgrade
from validator.read.files import RETIREMENT_NAME, SourceFile
from validator.read.loader import load_document

# The editor hint the repository's files start with, pointing at the schema.
_SCHEMA_HINT = re.compile(r"^# yaml-language-server: \$schema=(?P<dir>\S*/)policy\.schema\.json")


class MigrationError(Exception):
    """A file that cannot be migrated as it stands; it is left untouched."""


@dataclass(frozen=True)
class Migration:
    """What migrating one file writes: its new text, and a retirement record if any."""

    path: str
    text: str | None  # None: already in the second format, nothing to write
    retirement_path: str | None = None
    retirement_text: str | None = None


def round_trip() -> YAML:
    """The round-trip YAML settings every edit uses: quotes kept, no re-wrapping, and the
    repository's indentation (two spaces, list items indented under their key)."""
    yaml = YAML()
    yaml.preserve_quotes = True
    yaml.width = 4096  # never re-wrap a line the author wrapped (or did not)
    yaml.indent(mapping=2, sequence=4, offset=2)
    return yaml


def migrate_source(source: SourceFile) -> Migration:
    """The second-format text of a first-format version file. Raises MigrationError."""
    doc = load_document(source.path, source.raw)
    if doc.ok and not is_first_format(doc.data):
        return Migration(source.path, None)
    if any(f.severity is Severity.ERROR for f in check_source(source).findings):
        raise MigrationError("it has errors; fix them first (policyrepo validate)")
    text = source.raw.decode("utf-8")
    try:
        tree = round_trip().load(text)
    except YAMLError as error:  # our loader accepted it; a disagreement is worth saying
        raise MigrationError(f"the YAML editor cannot read it: {error}") from None
    expected, retired = upgrade(doc.data)
    _rewrite(tree)
    migrated = dump_like(tree, text)
    check = load_document(source.path, migrated.encode("utf-8"))
    if not check.ok or check.data != expected:
        raise MigrationError("the rewritten file would not mean the same; edit it by hand")
    if retired is None:
        return Migration(source.path, migrated)
    directory = source.path.rsplit("/", 1)[0]
    return Migration(
        source.path,
        migrated,
        f"{directory}/{RETIREMENT_NAME}",
        _retirement_text(text, doc.data["number"], retired),
    )


def dump_like(tree: Any, original: str) -> str:
    """The tree as text written the way ``original`` is: its line ends (CRLF or LF) and
    its document start marker (``---``) kept."""
    yaml = round_trip()
    yaml.explicit_start = original.lstrip("\ufeff").startswith("---")
    out = io.StringIO()
    yaml.dump(tree, out)
    text = out.getvalue()
    return text.replace("\n", "\r\n") if "\r\n" in original else text


def _rewrite(tree: Any) -> None:
    """The changes of model.upgrade, made in the round-trip tree."""
    tree.insert(0, "format", CURRENT_FORMAT)
    lifecycle = tree["lifecycle"]
    if "retired" in lifecycle:
        del lifecycle["retired"]
    if lifecycle.get("status") == "retired":
        lifecycle["status"] = "active"
    taken: set[str] = set()
    for group in tree.get("coding", {}).get("groups", []):
        group.insert(0, "id", group_id(str(group["heading"]), str(group["system"]), taken))


def _retirement_text(version_text: str, number: str, retired: str) -> str:
    lines = []
    hint = _SCHEMA_HINT.match(version_text)
    if hint:
        lines.append(f"# yaml-language-server: $schema={hint['dir']}retirement.schema.json")
    lines += [f"format: {CURRENT_FORMAT}", f'number: "{number}"', f'retired: "{retired}"']
    return "\n".join(lines) + "\n"


def write_migration(root: Path, migration: Migration) -> None:
    """Write what a migration made: the retirement record first (a new file, never over
    an existing one), then the version, each replaced in one step."""
    if migration.retirement_path and migration.retirement_text:
        target = root / migration.retirement_path
        if target.exists() or target.is_symlink():
            raise MigrationError(
                f"{migration.retirement_path} exists; move the retirement date into it by hand"
            )
        _replace(target, migration.retirement_text)
    if migration.text is not None:
        _replace(root / migration.path, migration.text)


def _replace(target: Path, text: str) -> None:
    """Write ``text`` beside ``target`` and rename it into place, keeping its mode: a
    crash leaves the old file or the new one, never half of one."""
    mode = target.stat().st_mode & 0o777 if target.exists() else 0o644
    fd, staged = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        os.chmod(staged, mode)
        os.replace(staged, target)
    except BaseException:
        Path(staged).unlink(missing_ok=True)
        raise
