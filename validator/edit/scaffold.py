"""Start the files a policy team writes: the next version of a policy, a new policy, a
retirement record, and a new policy repository.

Every file is created new, never over an existing one. The next version is made from the
latest one through the round-trip YAML library, so its comments, key order, quoting and
wording stay; only its lifecycle changes, and a revision entry is added for the author
to fill in. Text the author must write is marked ``TODO:`` (the text-placeholder rule
reports it until it is written).
"""

from __future__ import annotations

import io
import json
import os
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import DoubleQuotedScalarString

from validator.edit.migrate import round_trip
from validator.model.upgrade import CURRENT_FORMAT, is_first_format
from validator.read.files import POLICIES_DIR, RETIREMENT_NAME
from validator.read.loader import load_document

#: What marks text the author still has to write.
PLACEHOLDER = "TODO:"

#: The review interval of a new policy, when there is no earlier version to copy it from.
DEFAULT_REVIEW = timedelta(days=365)


class ScaffoldError(Exception):
    """A file that cannot be started as asked; nothing was written."""


@dataclass(frozen=True)
class Written:
    path: str  # relative to the repository root
    note: str = ""  # what the author does next


def _quoted(text: str) -> str:
    """Text written double-quoted, as the repository writes dates and codes."""
    quoted: str = DoubleQuotedScalarString(text)
    return quoted


def create_new(target: Path, text: str) -> None:
    """Create ``target`` with ``text``; an existing path, link or not, is never replaced."""
    target.parent.mkdir(parents=True, exist_ok=True)
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(target, flags, 0o644)
    except FileExistsError:
        raise ScaffoldError(f"{target} exists; nothing was written") from None
    with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
        handle.write(text)


def _dump(tree: Any) -> str:
    out = io.StringIO()
    round_trip().dump(tree, out)
    return out.getvalue()


def _versions(root: Path, number: str) -> list[tuple[date, Path]]:
    directory = root / POLICIES_DIR / number
    found = []
    if directory.is_dir():
        for path in directory.glob("*.yaml"):
            try:
                found.append((date.fromisoformat(path.stem), path))
            except ValueError:
                continue  # retirement.yaml, or a misnamed file the validator reports
    return sorted(found)


def new_version(root: Path, number: str, effective: date, today: date) -> Written:
    """The next version of ``number`` taking effect on ``effective``, as a draft made
    from the latest version, with a revision entry to fill in."""
    versions = _versions(root, number)
    if not versions:
        raise ScaffoldError(
            f"policy {number} has no version under {POLICIES_DIR}/{number}/; start it with "
            f"policyrepo new --policy {number} --title TITLE"
        )
    latest_date, latest = versions[-1]
    if effective <= latest_date:
        raise ScaffoldError(
            f"the latest version of {number} takes effect {latest_date}; a new version takes "
            f"effect after it (a correction to a version in effect is recorded in that version)"
        )
    text = latest.read_text(encoding="utf-8")
    doc = load_document(latest.name, text.encode("utf-8"))
    if not doc.ok:
        raise ScaffoldError(f"{latest} has errors; fix them first (policyrepo validate)")
    if is_first_format(doc.data):
        raise ScaffoldError(f"{latest} is in the first format; run policyrepo migrate {latest}")
    try:
        tree = round_trip().load(text)
    except Exception as error:  # ruamel raises several unrelated types
        raise ScaffoldError(f"{latest} cannot be edited: {error}") from None
    _next_lifecycle(tree["lifecycle"], effective)
    tree.pop("corrections", None)  # corrections belong to the version they correct
    _add_revision(tree, today)
    target = root / POLICIES_DIR / number / f"{effective.isoformat()}.yaml"
    create_new(target, _dump(tree))
    return Written(
        target.relative_to(root).as_posix(),
        "a draft: write the changes and the revision summary, then set status: active "
        "when it is approved",
    )


def _next_lifecycle(lifecycle: Any, effective: date) -> None:
    """Draft status, the new effective date, and the next review as far after it as the
    latest version's was after its own (two years stays two years)."""
    previous = date.fromisoformat(str(lifecycle["effective"]))
    lifecycle["status"] = "draft"
    lifecycle["effective"] = _quoted(effective.isoformat())
    if "next_review" in lifecycle:
        review = date.fromisoformat(str(lifecycle["next_review"]))
        months = (review.year - previous.year) * 12 + review.month - previous.month
        if review.day == previous.day and months > 0:
            following = _add_months(effective, months)
        else:
            following = effective + (review - previous)
        lifecycle["next_review"] = _quoted(following.isoformat())
    for key in ("published", "approved", "last_review", "change"):
        lifecycle.pop(key, None)  # the new version's own, when it has them


def _add_months(day: date, months: int) -> date:
    """The same day of the month ``months`` later (the month's last day when shorter)."""
    year, month = divmod(day.month - 1 + months, 12)
    for last in (day.day, 30, 29, 28):
        try:
            return day.replace(year=day.year + year, month=month + 1, day=min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("every month has 28 days")


def _add_revision(tree: Any, today: date) -> None:
    entry = CommentedMap(
        [
            ("date", _quoted(today.isoformat())),
            ("reasons", CommentedSeq(["other"])),
            ("summary", _quoted(f"{PLACEHOLDER} say what changed in this version and why.")),
        ]
    )
    if "revisions" in tree:
        tree["revisions"].append(entry)
        return
    keys = list(tree.keys())
    tree.insert(keys.index("lifecycle") + 1, "revisions", CommentedSeq([entry]))


def new_policy(root: Path, number: str, title: str, effective: date) -> Written:
    """A first version of a new policy, a draft with every required part to write."""
    if _versions(root, number) or (root / POLICIES_DIR / number).exists():
        raise ScaffoldError(f"{POLICIES_DIR}/{number}/ exists; add a version with policyrepo new")
    target = root / POLICIES_DIR / number / f"{effective.isoformat()}.yaml"
    review = effective + DEFAULT_REVIEW
    lines = [
        *_schema_hint(root, "policy.schema.json"),
        f"format: {CURRENT_FORMAT}",
        f"number: {_yaml_string(number)}",
        f"title: {_yaml_string(title)}",
        f'applies_to: "{PLACEHOLDER} the applicability statement, verbatim."',
        "lifecycle:",
        "  status: draft",
        "  change: new",
        f'  effective: "{effective.isoformat()}"',
        f'  next_review: "{review.isoformat()}"',
        "coverage:",
        "  - id: position",
        "    determination: not-covered",
        "    basis: not-medically-necessary",
        f'    text: "{PLACEHOLDER} the coverage position, verbatim."',
    ]
    create_new(target, "\n".join(lines) + "\n")
    return Written(
        target.relative_to(root).as_posix(),
        "a draft: write the coverage statements, codes and text marked TODO",
    )


def _yaml_string(text: str) -> str:
    """Text as a double-quoted YAML scalar (JSON's escapes are YAML's)."""
    return json.dumps(text, ensure_ascii=False)


def _schema_hint(root: Path, name: str) -> list[str]:
    """The editor hint naming the schema, where the repository keeps one beside policies/
    (as this one does); elsewhere the editor settings `policyrepo init` writes find it."""
    if (root / "schema" / name).is_file():
        return [f"# yaml-language-server: $schema=../../schema/{name}"]
    return []


def retire(
    root: Path, number: str, on: date, replaced_by: str | None, published: date | None
) -> Written:
    """A retirement record for ``number``, from ``on``."""
    versions = _versions(root, number)
    if not versions:
        raise ScaffoldError(f"policy {number} has no version under {POLICIES_DIR}/{number}/")
    first = versions[0][0]
    if on <= first:
        raise ScaffoldError(f"policy {number} first takes effect {first}; retire it after that")
    lines = [
        *_schema_hint(root, "retirement.schema.json"),
        f"format: {CURRENT_FORMAT}",
        f"number: {_yaml_string(number)}",
        f'retired: "{on.isoformat()}"',
    ]
    if published is not None:
        lines.append(f'published: "{published.isoformat()}"')
    note = ""
    if replaced_by is not None:
        lines.append(f'reason: "Replaced by policy {replaced_by}."')
        note = (
            f"policy {replaced_by} says it replaces {number} in its version taking effect on "
            f'{on} (replaces: - number: "{number}"); the validator checks both agree'
        )
    target = root / POLICIES_DIR / number / RETIREMENT_NAME
    create_new(target, "\n".join(lines) + "\n")
    return Written(target.relative_to(root).as_posix(), note)


__all__ = [
    "PLACEHOLDER",
    "ScaffoldError",
    "Written",
    "new_policy",
    "new_version",
    "retire",
]
