"""The semantic diff as text, Markdown (what a pull request shows) or JSON.

Markdown leads with reductions in coverage, then new prior-authorisation requirements,
as payers list "Policies With a Reduction in Coverage" apart from the rest; then
expansions, other changes, and a Mermaid gantt chart of the affected policies' versions,
which GitHub draws.
"""

from __future__ import annotations

import re
from typing import Any

from validator.cli.answers import dump, text_lines
from validator.cli.display import markdown_cell
from validator.model.changes import CHANGED, CodeChange
from validator.model.diff import Diff, VersionChange


def _notice(change: VersionChange) -> str:
    days = change.notice_days
    return "not published" if days is None else f"{days} days"


def _rows(pairs: list[tuple[VersionChange, CodeChange]]) -> list[tuple[str, ...]]:
    return [
        (
            f"{v.version.number} {v.version.title}",
            f"{c.system} {c.code}",
            v.from_date.isoformat(),
            _notice(v),
            c.what,
        )
        for v, c in pairs
    ]


def _others(diff: Diff) -> list[str]:
    lines = [f"policy {p.number} {p.title}: {p.what}: {p.detail}" for p in diff.policies]
    for change in diff.versions:
        version = change.version
        lines += [
            f"{version.path}: {c.system} {c.code}: {c.what}"
            for c in change.code_changes
            if c.kind == CHANGED
        ]
        if change.status == "added" and not change.code_changes:
            lines.append(f"{version.path}: new version from {version.effective}, no code changes")
        elif change.status == "deleted":
            lines.append(f"{version.path}: deleted")
        if change.editorial:
            lines.append(f"{version.path}: editorial (wording only)")
        lines += [f"{version.path}: {moved}" for moved in change.dates_moved]
    return lines


def summary(diff: Diff) -> str:
    counts = [
        (len(diff.reductions), "reduction in coverage", "reductions in coverage"),
        (
            len(diff.prior_authorizations),
            "new prior-authorisation requirement",
            "new prior-authorisation requirements",
        ),
        (len(diff.expansions), "expansion in coverage", "expansions in coverage"),
        (len(_others(diff)), "other change", "other changes"),
    ]
    return ", ".join(f"{n} {one if n == 1 else many}" for n, one, many in counts)


def diff_text(diff: Diff, base: str, head: str) -> str:
    lines = [f"policy changes from {base} to {head}: {summary(diff)}"]
    for title, pairs in (
        ("reductions in coverage", diff.reductions),
        ("new prior-authorisation requirements", diff.prior_authorizations),
        ("expansions in coverage", diff.expansions),
    ):
        if pairs:
            lines.append(f"{title}:")
            lines += [
                f"  {policy}  {code}  from {start} (notice {notice}): {what}"
                for policy, code, start, notice, what in _rows(pairs)
            ]
    others = _others(diff)
    if others:
        lines.append("other changes:")
        lines += [f"  {line}" for line in others]
    return text_lines(lines)


def diff_markdown(diff: Diff, base: str, head: str) -> str:
    lines = [
        f"## Coverage policy changes: {markdown_cell(base)} → {markdown_cell(head)}",
        "",
        f"**{summary(diff)}**",
    ]
    for title, pairs in (
        ("Reductions in coverage", diff.reductions),
        ("New prior-authorisation requirements", diff.prior_authorizations),
        ("Expansions in coverage", diff.expansions),
    ):
        if not pairs:
            continue
        lines += ["", f"### {title}", "", "| Policy | Code | From | Notice | Change |"]
        lines.append("|---|---|---|---|---|")
        lines += [
            "| " + " | ".join(markdown_cell(cell) for cell in row) + " |" for row in _rows(pairs)
        ]
    others = _others(diff)
    if others:
        lines += ["", "### Other changes", ""]
        lines += [f"- {markdown_cell(line)}" for line in others]
    if diff.affected:
        lines += ["", "### Versions of the affected policies", "", *_gantt(diff)]
    return "\n".join(lines) + "\n"


def _gantt(diff: Diff) -> list[str]:
    """A Mermaid gantt chart: one section per policy, one bar per version's window."""
    lines = ["```mermaid", "gantt", "    dateFormat YYYY-MM-DD", "    axisFormat %Y"]
    for number, windows in diff.affected.items():
        lines.append(f"    section {_mermaid(number)}")
        for index, (version, start, end) in enumerate(windows):
            finish = end.isoformat() if end else (start.replace(year=start.year + 2)).isoformat()
            task = f"v{index}"
            lines.append(
                f"    {version.effective.isoformat()} :{task}, {start.isoformat()}, {finish}"
            )
    lines.append("```")
    return lines


def _mermaid(text: str) -> str:
    """A name Mermaid reads as plain text: no colons, semicolons, hashes or line breaks."""
    return re.sub(r"[^0-9A-Za-z ._-]", "_", text)


def diff_json(diff: Diff, base: str, head: str) -> str:
    def version_json(change: VersionChange) -> dict[str, Any]:
        version = change.version
        return {
            "policy": version.number,
            "path": version.path,
            "version": version.effective.isoformat(),
            "status": change.status,
            "published": version.published.isoformat() if version.published else None,
            "notice_days": change.notice_days,
            "editorial": change.editorial,
            "dates_moved": list(change.dates_moved),
            "codes": [
                {"system": c.system, "code": c.code, "kind": c.kind, "change": c.what}
                for c in change.code_changes
            ],
        }

    return dump(
        {
            "base": base,
            "head": head,
            "summary": {
                "reductions": len(diff.reductions),
                "prior_authorizations": len(diff.prior_authorizations),
                "expansions": len(diff.expansions),
            },
            "policies": [
                {"policy": p.number, "title": p.title, "change": p.what, "detail": p.detail}
                for p in diff.policies
            ],
            "versions": [version_json(change) for change in diff.versions],
        }
    )
