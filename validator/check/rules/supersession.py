"""Supersession rules: consolidations, renumberings and related policies resolve.

A version may declare that it replaces other policies (``replaces``). Each replaced
policy must exist in the repository or be declared a legacy record, the graph of
replacements has no cycle, and a replaced policy is retired no later than its
replacement takes effect. Related policies given by number must exist; those given by
title only are looked up by title and, when absent, noted.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

from validator.check.rules.places import NOWHERE, Places
from validator.findings import Finding, Rule, Severity
from validator.model.timeline import Repository
from validator.model.versions import Replacement, Version

FAMILY = "Supersession"

UNKNOWN = Rule(
    "supersession-unknown",
    Severity.ERROR,
    "A replaced policy is not in the repository and is not declared a legacy record.",
    protects="A consolidation must name real policies, or say that the policy is kept "
    "elsewhere (`legacy: true`), so that a typo in a number is caught.",
    example="replaces:\n  - number: '0999'  # no policies/0999/",
    family=FAMILY,
)
LEGACY_IN_REPOSITORY = Rule(
    "supersession-legacy-in-repository",
    Severity.ERROR,
    "A replaced policy is declared a legacy record but is kept in the repository.",
    protects="A legacy record is not checked; one that is in the repository must be, "
    "so the declaration is stale.",
    example="replaces:\n  - number: '0101'\n    legacy: true  # but policies/0101/ exists",
    family=FAMILY,
)
CYCLE = Rule(
    "supersession-cycle",
    Severity.ERROR,
    "Policies replace each other in a cycle.",
    protects="Supersession is a history: a policy cannot, through any chain, replace itself.",
    example="# 0101 replaces 0102, and 0102 replaces 0101",
    family=FAMILY,
)
NOT_RETIRED = Rule(
    "supersession-not-retired",
    Severity.ERROR,
    "A replaced policy is still in effect when its replacement takes effect.",
    protects="After a consolidation, claims must resolve to the new policy alone; the old "
    "one must be retired no later than the new one takes effect.",
    example="# 0518 (effective 2015-01-01) replaces 0101, which has no retirement date",
    family=FAMILY,
)
GAP = Rule(
    "timeline-gap",
    Severity.WARNING,
    "A replaced policy was retired before its replacement took effect.",
    protects="Between the two dates no policy governs the codes; the data does not say "
    "why, so one of the dates is likely wrong.",
    example="# 0101 retired 2015-01-01; 0518 replaces it from 2015-03-01",
    family=FAMILY,
)
RELATED_UNKNOWN = Rule(
    "related-unknown",
    Severity.ERROR,
    "A related policy given by number is not in the repository.",
    protects="Links between policies must lead somewhere; a wrong number sends readers "
    "to the wrong policy.",
    example="related_policies:\n  - title: Physical Therapy\n    number: '0999'",
    family=FAMILY,
)
RELATED_BY_TITLE = Rule(
    "related-title-only",
    Severity.INFO,
    "A related policy given by title only matches no policy in the repository.",
    protects="Documents often name related policies by title alone (the seed does); noting "
    "them shows which links cannot be followed yet.",
    example="related_policies:\n  - title: Chiropractic Care",
    family=FAMILY,
)


def check(repository: Repository, today: date, places: Places = NOWHERE) -> Iterator[Finding]:
    cycles = list(_cycles(repository))
    in_cycle = {number for cycle in cycles for number in cycle}
    entries = _Declarations()
    if cycles:
        # Each policy replaces a number in one version at most (its first to say so).
        replacing = {
            (number, version.number): version
            for number, versions in repository.replaced_by.items()
            for version in versions
        }
        for cycle in cycles:
            yield _cycle_finding(cycle, replacing, entries)
    yield from _targets(repository, in_cycle, entries)
    yield from _related(repository)


def _targets(
    repository: Repository, in_cycle: set[str], entries: _Declarations
) -> Iterator[Finding]:
    """O(V + E) for V versions and E replacements: each replaced policy's end is worked
    out once, and each version's declarations are looked up by number."""
    for number, replacing in sorted(repository.replaced_by.items()):
        replaced = repository.policies.get(number)
        end = replaced.ends() if replaced is not None else None
        for version in replacing:
            entry = entries.of(version, number)
            line, column = entry.position
            where = (version.path, line, column)
            if replaced is None:
                if not entry.legacy:
                    yield UNKNOWN.finding(
                        *where,
                        f"replaces policy {number}, which is not in the repository",
                        pointer=entry.pointer,
                        hint="correct the number, or add `legacy: true` for a policy kept "
                        "elsewhere",
                    )
                continue
            if entry.legacy:
                legacy_line, legacy_column = entry.legacy_position or entry.position
                yield LEGACY_IN_REPOSITORY.finding(
                    version.path,
                    legacy_line,
                    legacy_column,
                    f"policy {number} is declared legacy but is in policies/{number}/",
                    pointer=entry.pointer.replace("/number", "/legacy"),
                    hint="remove `legacy: true`",
                )
            if {replaced.number, version.number} <= in_cycle:
                continue  # the cycle is the finding; its dates cannot be right either way
            if not replaced.windows:
                continue  # never in effect: nothing overlaps, nothing to retire
            if end is None or end > version.effective:
                still = (
                    "has no retirement date"
                    if end is None
                    else f"stays in effect to {end - timedelta(days=1)}"
                )
                yield NOT_RETIRED.finding(
                    *where,
                    f"replaces policy {number} from {version.effective}, but {number} {still}",
                    pointer=entry.pointer,
                    hint=f"retire policy {number} on or before {version.effective}",
                )
            elif end < version.effective:
                yield GAP.finding(
                    *where,
                    f"policy {number} applies to {end - timedelta(days=1)}, but this version "
                    f"replaces it only from {version.effective}: nothing governs the days "
                    "between",
                    pointer=entry.pointer,
                    hint="check the retirement and effective dates",
                )


class _Declarations:
    """Each version's replacements by the number they replace, the first of any number
    declared twice; made once a version, however many policies it replaces."""

    def __init__(self) -> None:
        self._by_version: dict[int, dict[str, Replacement]] = {}

    def of(self, version: Version, number: str) -> Replacement:
        # By identity: the repository holds its versions while the rules run.
        declared = self._by_version.get(id(version))
        if declared is None:
            declared = self._by_version[id(version)] = {}
            for replacement in version.replaces:
                declared.setdefault(replacement.number, replacement)
        return declared[number]


def _cycles(repository: Repository) -> Iterator[list[str]]:
    """Each cycle of the replacement graph once, by depth-first search: O(P + E), each
    policy's targets sorted once."""
    edges: dict[str, list[str]] = {}
    for number, replacing in repository.replaced_by.items():
        for version in replacing:
            edges.setdefault(version.number, []).append(number)
    targets_of = {node: sorted(set(targets)) for node, targets in edges.items()}
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    reported: set[frozenset[str]] = set()
    for start in sorted(edges):
        stack: list[tuple[str, int]] = [(start, 0)]
        path: list[str] = []
        on_path: dict[str, int] = {}  # node to its place in path
        while stack:
            node, index = stack.pop()
            if index == 0:
                if state.get(node) == 2:
                    continue
                state[node] = 1
                on_path[node] = len(path)
                path.append(node)
            targets = targets_of.get(node, [])
            if index < len(targets):
                stack.append((node, index + 1))
                target = targets[index]
                if state.get(target) == 1:
                    cycle = path[on_path[target] :]
                    if frozenset(cycle) not in reported:
                        reported.add(frozenset(cycle))
                        yield cycle
                elif state.get(target) != 2 and target in repository.policies:
                    stack.append((target, 0))
            else:
                state[node] = 2
                del on_path[path.pop()]


def _cycle_finding(
    cycle: list[str], replacing: dict[tuple[str, str], Version], entries: _Declarations
) -> Finding:
    first = cycle[0]
    target = cycle[1] if len(cycle) > 1 else first
    version = replacing[(target, first)]
    entry = entries.of(version, target)
    chain = " -> ".join([*cycle, first])
    return CYCLE.finding(
        version.path,
        *entry.position,
        f"policies replace each other in a cycle: {chain}",
        pointer=entry.pointer,
        hint="remove the replacement that points back",
    )


def _related(repository: Repository) -> Iterator[Finding]:
    titles = {policy.title.casefold() for policy in repository.policies.values() if policy.versions}
    for version in repository.versions():
        for related in version.related:
            if related.number is not None:
                if related.number not in repository.policies:
                    yield RELATED_UNKNOWN.finding(
                        version.path,
                        *related.position,
                        f"related policy {related.number} ({related.title}) is not in the "
                        "repository",
                        pointer=related.pointer,
                        hint="correct the number, or give the title alone",
                    )
            elif related.title.casefold() not in titles:
                yield RELATED_BY_TITLE.finding(
                    version.path,
                    *related.position,
                    f"related policy {related.title!r} is not in the repository",
                    pointer=related.pointer,
                    hint="add its number when the policy is added",
                )
