"""Render the answers of ``lookup``, ``show`` and ``review`` as text or JSON."""

from __future__ import annotations

from datetime import date
from typing import Any

from validator.cli.display import json_text, printable
from validator.model.resolve import Governing, Review, supersession
from validator.model.timeline import Policy, Repository, Window
from validator.model.versions import Version


def spoken(term: str | None) -> str:
    """A vocabulary term as a reader says it: ``not-covered`` -> ``not covered``."""
    return "" if term is None else term.replace("-", " ")


def window_json(window: Window | None) -> dict[str, str | None] | None:
    if window is None:
        return None
    return {
        "start": window.start.isoformat(),
        "end": window.end.isoformat() if window.end else None,  # first day not in effect
        "through": window.through.isoformat() if window.through else None,  # last day in it
    }


def _iso(day: date | None) -> str | None:
    return None if day is None else day.isoformat()


def text_lines(lines: list[str]) -> str:
    """Answer lines for a terminal: text from policy files and the command line is escaped,
    so a title or a code cannot break a line or send escape sequences."""
    return "".join(f"{printable(line)}\n" for line in lines)


def dump(document: Any) -> str:
    return json_text(document, sort_keys=True)


def lookup_text(system: str, code: str, on: date, found: list[Governing]) -> str:
    if not found:
        return text_lines(
            [f"{system} {code} on {on}: no version in the repository was in effect for this code"]
        )
    lines = [f"{system} {code} on {on}:"]
    for governing in found:
        version = governing.version
        decision = spoken(governing.determination)
        if governing.basis:
            decision += f": {spoken(governing.basis)}"
        lines += [
            f"  policy {version.number} {version.title}",
            f"    version {version.effective} ({version.path}), in effect "
            f"{governing.window.describe()}",
            f'    {decision} (under "{governing.heading}")',
        ]
    return text_lines(lines)


def lookup_json(system: str, code: str, on: date, found: list[Governing]) -> str:
    return dump(
        {
            "system": system,
            "code": code,
            "on": on.isoformat(),
            "governing": [
                {
                    "policy": g.version.number,
                    "title": g.version.title,
                    "version": g.version.effective.isoformat(),
                    "path": g.version.path,
                    "window": window_json(g.window),
                    "determination": g.determination,
                    "basis": g.basis,
                    "heading": g.heading,
                }
                for g in found
            ],
        }
    )


def show_text(repository: Repository, policy: Policy, on: date) -> str:
    current = policy.in_effect(on)
    lines = [f"policy {policy.number} {policy.title}"]
    if current is None:
        lines.append(f"on {on}: no version in effect")
    else:
        window = policy.window(current)
        assert window is not None
        due = current.next_review
        review = f"{due} (overdue)" if due is not None and due < on else f"{due or 'not scheduled'}"
        lines += [
            f"on {on}: version {current.effective} ({current.path}), in effect {window.describe()}",
            f"  status {current.status}; next review {review}",
        ]
    for posted in _posted(policy, on):
        published = f", published {posted.published}" if posted.published else ""
        lines.append(
            f"posted: version {posted.effective} ({posted.path}{published}) takes effect "
            f"{posted.effective}; until then the version above governs"
        )
    lines.append("versions:")
    for version in policy.versions:
        window = policy.window(version)
        state = f"in effect {window.describe()}" if window else "never in effect"
        lines.append(f"  {version.effective}  {version.status:<7}  {state}")
    family = supersession(repository, policy)
    lines.append("supersedes: " + (", ".join(family.replaces) or "no policy"))
    for version in policy.versions[-1:]:
        for row in version.lineage:
            lines.append(
                f'continues: {row.organization} policy {row.number} "{row.title}" '
                f"(last reviewed {row.last_review})"
            )
    replaced_by = [f"{v.number} from {v.effective}" for v in family.replaced_by]
    lines.append("superseded by: " + (", ".join(replaced_by) or "no policy"))
    retirement = policy.retirement
    if retirement is not None:
        lines.append(f"retired: from {retirement.retired} ({retirement.path})")
    return text_lines(lines)


def _posted(policy: Policy, on: date) -> list[Version]:
    """Versions posted to take effect after ``on``: the future a reader should know of."""
    return [
        version
        for version in policy.versions
        if policy.window(version) is not None and version.effective > on
    ]


def show_json(repository: Repository, policy: Policy, on: date) -> str:
    current = policy.in_effect(on)
    family = supersession(repository, policy)

    def version_json(version: Version) -> dict[str, Any]:
        return {
            "version": version.effective.isoformat(),
            "path": version.path,
            "status": version.status,
            "next_review": _iso(version.next_review),
            "window": window_json(policy.window(version)),
        }

    return dump(
        {
            "policy": policy.number,
            "title": policy.title,
            "on": on.isoformat(),
            "in_effect": version_json(current) if current else None,
            "posted": [version_json(v) for v in _posted(policy, on)],
            "versions": [version_json(v) for v in policy.versions],
            "replaces": family.replaces,
            "replaced_by": [
                {"policy": v.number, "version": v.effective.isoformat()} for v in family.replaced_by
            ],
            "retired": _iso(policy.retired),
            "lineage": [
                {
                    "organization": row.organization,
                    "number": row.number,
                    "title": row.title,
                    "last_review": row.last_review.isoformat(),
                }
                for row in policy.versions[-1].lineage
            ],
        }
    )


def review_text(due: list[Review], today: date, within: int) -> str:
    lines = []
    for review in due:
        version = review.version
        if review.overdue_days > 0:
            state = f"overdue since {review.due} ({review.overdue_days} days)"
        else:
            state = f"due {review.due} (in {-review.overdue_days} days)"
        lines.append(f"{version.number}  version {version.effective}  {version.title}: {state}")
    horizon = f" or within {within} days of" if within else " on"
    plural = "s" if len(due) != 1 else ""
    lines.append(f"{len(due)} version{plural} overdue or due for review{horizon} {today}")
    return text_lines(lines)


def review_json(due: list[Review], today: date, within: int) -> str:
    return dump(
        {
            "today": today.isoformat(),
            "within_days": within,
            "due": [
                {
                    "policy": r.version.number,
                    "title": r.version.title,
                    "version": r.version.effective.isoformat(),
                    "path": r.version.path,
                    "next_review": r.due.isoformat(),
                    "overdue_days": r.overdue_days,
                }
                for r in due
            ],
        }
    )
