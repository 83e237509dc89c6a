"""History protection: what a change may not do to versions claims were decided on.

Run by ``policyrepo validate --base REV``, on the repository at REV and the work tree:

* a version already in effect (effective on or before today) is a historical record: it
  may change only through a correction entry recorded in it, and may not be deleted;
* a reduction in coverage, or a new prior-authorisation requirement, takes effect only
  after the notice the organisation gives (90 and 60 days unless
  ``policies/organization.yaml`` says otherwise), counted from the version's published
  date;
* a new version says what changed: a revision entry of its own, with a summary.

Comparing what two versions mean for coverage is :mod:`validator.model.changes`; this
module decides which of those changes a pull request may make.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from datetime import date, timedelta

from validator.check.validate import Report
from validator.findings import Finding, Rule, Severity
from validator.model.changes import PRIOR_AUTH, REDUCTION, CodeChange, compare
from validator.model.timeline import Repository
from validator.model.versions import Version

FAMILY = "History"

REWRITTEN = Rule(
    "history-rewritten",
    Severity.ERROR,
    "A version already in effect was changed without a correction entry.",
    protects="Claims were decided on the version in effect; changing it silently rewrites "
    "history. A correction is recorded in the version (`corrections`: date and reason); "
    "anything else is a new version.",
    example="# policies/0324/2011-04-15.yaml, in effect since 2011, edited in a pull request",
    family=FAMILY,
)
DELETED = Rule(
    "history-deleted",
    Severity.ERROR,
    "A version that has taken effect was deleted.",
    protects="A version claims were decided on stays in the repository; a policy ends with "
    "a retirement record (`policyrepo retire`), not by deleting its versions.",
    example="# git rm policies/0324/2011-04-15.yaml",
    family=FAMILY,
)
NOTICE = Rule(
    "notice-too-short",
    Severity.ERROR,
    "A reduction in coverage or a new prior-authorisation requirement takes effect sooner "
    "after its publication than the notice the organisation gives.",
    protects="Members and providers are told of a reduction (90 days by default) or a new "
    "prior-authorisation requirement (60 days, as Nebraska requires) before it applies.",
    example="lifecycle:\n  published: '2016-06-01'\n  effective: '2016-07-01'  # a reduction",
    family=FAMILY,
)
REVISION = Rule(
    "revision-missing",
    Severity.ERROR,
    "A new version does not say what changed (a revision entry with a reason and summary).",
    protects="Reviewers, auditors and the revision history need the reason for every new "
    "version; the entry `policyrepo new` adds is marked TODO until it is written.",
    example="revisions:\n  - date: '2013-03-01'\n    reasons: [other]\n"
    "    summary: 'TODO: say what changed in this version and why.'",
    family=FAMILY,
)

_PLACEHOLDER = "TODO:"


def check_history(base: Report, head: Report, today: date) -> list[Finding]:
    """What the change from ``base`` to ``head`` may not do, as findings in ``head``."""
    findings = list(_rewritten_or_deleted(base, head, today))
    findings += _new_versions(base.repository, head.repository)
    return sorted(findings)


def _versions(repository: Repository) -> dict[str, Version]:
    return {version.path: version for version in repository.versions()}


def _rewritten_or_deleted(base: Report, head: Report, today: date) -> Iterator[Finding]:
    old, new = _versions(base.repository), _versions(head.repository)
    for path, before in sorted(old.items()):
        if before.is_draft or before.effective > today:
            continue  # not yet a record claims were decided on
        if path not in head.sources:
            yield DELETED.finding(
                path,
                0,
                0,
                f"version {before.effective} of policy {before.number} took effect and was deleted",
                hint="restore it; end a policy with `policyrepo retire`, change it with a new "
                "version",
            )
            continue
        after = new.get(path)
        if after is None or before.same_document(after, apart_from="corrections"):
            continue  # unchanged (or broken, which validation reports)
        if len(after.document.get("corrections", [])) > len(before.document.get("corrections", [])):
            continue
        line = _first_changed_line(base.sources[path], head.sources[path])
        yield REWRITTEN.finding(
            path,
            line,
            1,
            f"version {before.effective} has been in effect since {before.effective}; this "
            "change rewrites what claims were decided on",
            hint="add a correction entry (corrections: - date, reason) saying why, or put the "
            "change in a new version (policyrepo new)",
        )


def _first_changed_line(before: bytes, after: bytes) -> int:
    old = before.decode("utf-8", "replace").splitlines()
    new = after.decode("utf-8", "replace").splitlines()
    for tag, _, _, first, _ in difflib.SequenceMatcher(a=old, b=new, autojunk=False).get_opcodes():
        if tag != "equal":
            return min(first + 1, max(len(new), 1))
    return 1


def _new_versions(base: Repository, head: Repository) -> Iterator[Finding]:
    """Each version the change adds or edits that is not in effect yet: its revision entry,
    and the notice its reductions and new prior authorisations get."""
    old = _versions(base)
    for policy in head.policies.values():
        for version in policy.versions:
            before = old.get(version.path)
            if before is not None and before.same_document(version):
                continue
            # Notice and the revision entry are about what the version changes from the
            # version it follows, whatever an earlier draft of it said.
            previous = _predecessor(policy.versions, version)
            if before is None and not version.is_draft:
                yield from _revision(version, previous)
            changes = compare(previous, version) if previous is not None else []
            yield from _notice(head, version, changes)


def _predecessor(versions: list[Version], version: Version) -> Version | None:
    earlier = [v for v in versions if v.effective < version.effective and not v.is_draft]
    return earlier[-1] if earlier else None


def _revision(version: Version, previous: Version | None) -> Iterator[Finding]:
    had = {_entry(r) for r in (previous.document.get("revisions", []) if previous else [])}
    own = [r for r in version.document.get("revisions", []) if _entry(r) not in had]
    if any(not str(r["summary"]).startswith(_PLACEHOLDER) for r in own):
        return
    line, column = version.position("effective")
    what = "its revision summary is still marked TODO" if own else "it has no revision entry"
    yield REVISION.finding(
        version.path,
        line,
        column,
        f"new version {version.effective} does not say what changed: {what}",
        pointer="/revisions",
        hint="add revisions: - date, reasons (for example coverage-change), summary",
    )


def _entry(revision: dict[str, object]) -> tuple[str, str]:
    return (str(revision["date"]), str(revision["summary"]))


def _notice(head: Repository, version: Version, changes: list[CodeChange]) -> Iterator[Finding]:
    organization = head.organization
    for kind, days, what in (
        (REDUCTION, organization.reduction_notice, "a reduction in coverage"),
        (
            PRIOR_AUTH,
            organization.prior_authorization_notice,
            "a new prior-authorisation requirement",
        ),
    ):
        affected = [c for c in changes if c.kind == kind]
        if not affected or version.is_draft:
            continue
        first = affected[0]
        example = f"{first.system} {first.code}: {first.what}"
        more = f" and {len(affected) - 1} more" if len(affected) > 1 else ""
        if version.published is None:
            line, column = version.position("effective")
            yield NOTICE.finding(
                version.path,
                line,
                column,
                f"{what} ({example}{more}) takes effect {version.effective} but the version "
                "says no publication date",
                pointer="/lifecycle/effective",
                hint=f"add lifecycle.published; it must be at least {days} days before "
                f"{version.effective}",
            )
        elif version.effective - version.published < timedelta(days=days):
            given = (version.effective - version.published).days
            line, column = version.position("published")
            yield NOTICE.finding(
                version.path,
                line,
                column,
                f"{what} ({example}{more}) takes effect {version.effective}, {given} days after "
                f"it was published; the organisation gives {days} days' notice",
                pointer="/lifecycle/published",
                hint=f"take effect on or after {version.published + timedelta(days=days)}, or "
                "publish earlier",
            )
