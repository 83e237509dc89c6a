"""What a change to the repository means: the semantic diff behind ``policyrepo diff``.

Between two states of the repository (two git revisions, or a revision and the work
tree): policies added, retired, consolidated or removed; versions added, changed or
deleted; and for each changed version, per service code, whether coverage is reduced or
expanded, whether prior authorisation is newly required, and from which date; otherwise
whether only dates moved or only the wording changed (an editorial change).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from validator.model.changes import EXPANSION, PRIOR_AUTH, REDUCTION, CodeChange, compare
from validator.model.timeline import Repository
from validator.model.versions import Version

_LIFECYCLE = ("status", "published", "effective", "next_review", "last_review", "approved")


@dataclass(frozen=True)
class VersionChange:
    """A version the change adds, edits or deletes, and what that means."""

    version: Version  # the version after the change (before it, for a deleted one)
    status: str  # added, changed or deleted
    code_changes: tuple[CodeChange, ...] = ()
    dates_moved: tuple[str, ...] = ()  # "next_review 2013-04-15 became 2014-04-15"
    editorial: bool = False  # only the wording changed

    @property
    def from_date(self) -> date:
        return self.version.effective

    @property
    def notice_days(self) -> int | None:
        published = self.version.published
        return None if published is None else (self.version.effective - published).days


@dataclass(frozen=True)
class PolicyChange:
    number: str
    title: str
    what: str  # added, removed, retired or consolidated
    detail: str


@dataclass(frozen=True)
class Diff:
    policies: tuple[PolicyChange, ...] = ()
    versions: tuple[VersionChange, ...] = ()
    #: Every policy a change touches, with its versions after the change (for timelines).
    affected: dict[str, list[tuple[Version, date, date | None]]] = field(default_factory=dict)

    def code_changes(self, kind: str) -> list[tuple[VersionChange, CodeChange]]:
        return [(v, c) for v in self.versions for c in v.code_changes if c.kind == kind]

    @property
    def reductions(self) -> list[tuple[VersionChange, CodeChange]]:
        return self.code_changes(REDUCTION)

    @property
    def prior_authorizations(self) -> list[tuple[VersionChange, CodeChange]]:
        return self.code_changes(PRIOR_AUTH)

    @property
    def expansions(self) -> list[tuple[VersionChange, CodeChange]]:
        return self.code_changes(EXPANSION)


def _by_path(repository: Repository) -> dict[str, Version]:
    return {version.path: version for version in repository.versions()}


def diff(base: Repository, head: Repository) -> Diff:
    """The semantic diff from ``base`` to ``head``."""
    before, after = _by_path(base), _by_path(head)
    versions: list[VersionChange] = []
    for path, version in sorted(after.items()):
        old = before.get(path)
        if old is not None and old.same_document(version):
            continue
        if old is None:
            previous = _predecessor(head, version)
            versions.append(VersionChange(version, "added", tuple(compare(previous, version))))
        else:
            versions.append(_changed(old, version))
    for path, version in sorted(before.items()):
        if path not in after:
            versions.append(VersionChange(version, "deleted"))
    policies = _policies(base, head)
    touched = {change.version.number for change in versions} | {p.number for p in policies}
    affected = {
        number: [
            (v, w.start, w.end)
            for v in head.policies[number].versions
            if (w := head.policies[number].window(v)) is not None
        ]
        for number in sorted(touched)
        if number in head.policies
    }
    return Diff(tuple(policies), tuple(versions), affected)


def _predecessor(repository: Repository, version: Version) -> Version | None:
    earlier = [
        v
        for v in repository.policies[version.number].versions
        if v.effective < version.effective and not v.is_draft
    ]
    return earlier[-1] if earlier else None


def _changed(old: Version, new: Version) -> VersionChange:
    codes = tuple(compare(old, new))
    was, now = old.document["lifecycle"], new.document["lifecycle"]
    moved = tuple(
        f"{key.replace('_', ' ')} {was.get(key) or '(none)'} became {now.get(key) or '(none)'}"
        for key in _LIFECYCLE
        if was.get(key) != now.get(key)
    )
    rest_changed = not old.same_document(new, apart_from="lifecycle")
    editorial = not codes and rest_changed and old.coverage_rules == new.coverage_rules
    return VersionChange(new, "changed", codes, moved, editorial)


def _policies(base: Repository, head: Repository) -> list[PolicyChange]:
    changes = []
    for number in sorted(head.policies.keys() - base.policies.keys()):
        policy = head.policies[number]
        changes.append(PolicyChange(number, policy.title, "added", "a new policy"))
    for number in sorted(base.policies.keys() - head.policies.keys()):
        policy = base.policies[number]
        changes.append(PolicyChange(number, policy.title, "removed", "every version deleted"))
    for number in sorted(head.policies.keys() & base.policies.keys()):
        old, new = base.policies[number], head.policies[number]
        if new.retired is not None and new.retired != old.retired:
            changes.append(
                PolicyChange(number, new.title, "retired", f"retired from {new.retired}")
            )
    for replaced, replacing in sorted(head.replaced_by.items()):
        earlier = {v.number for v in base.replaced_by.get(replaced, [])}
        for version in replacing:
            if version.number not in earlier:
                changes.append(
                    PolicyChange(
                        version.number,
                        head.policies[version.number].title,
                        "consolidated",
                        f"replaces {replaced} from {version.effective}",
                    )
                )
    return changes
