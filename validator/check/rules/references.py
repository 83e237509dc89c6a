"""Reference rules for one version: what a coverage statement names exists, and is of
the kind its place asks for; and every identifier names one thing.

A statement's ``services`` name service groups (CPT, HCPCS, ICD-9-CM-PROC, ICD-10-PCS),
its ``diagnoses`` name diagnosis groups (ICD-9-CM, ICD-10-CM), its ``billing`` names
claim-qualifier groups (MODIFIER, REVENUE, BILL-TYPE, POS) and its ``criteria`` names a
criteria tree. Group, statement, criterion, limit and documentation identifiers are each
unique within the version, so that every reference and every comparison between
versions finds exactly one thing.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from validator.check.rules.naming import Nearest
from validator.findings import Finding, Rule, Severity
from validator.model.codesystems import SYSTEMS
from validator.model.versions import CodeGroup, Version
from validator.read.document import Document

FAMILY = "Statements"

UNKNOWN = Rule(
    "reference-unknown",
    Severity.ERROR,
    "A coverage statement names a code group or criteria tree the version does not have.",
    protects="A statement decides the codes of the groups it names; a misspelt name ties "
    "it to nothing, and answers for those codes fall back to their group's heading.",
    example="coverage:\n  - id: indications\n    services: [echocardiogram]  # the group is "
    "echocardiography",
    family=FAMILY,
)
WRONG_KIND = Rule(
    "reference-wrong-kind",
    Severity.ERROR,
    "A coverage statement names a group of the wrong kind where it is: diagnoses under "
    "`services`, services under `billing`, a code group as `criteria`.",
    protects="The code system says what a group is on a claim: a diagnosis supports a "
    "service, it is not one. A diagnosis group under `services` would make the statement "
    "decide diagnoses as if they were billed services.",
    example="coverage:\n  - id: indications\n    services: [supporting-diagnoses]  # ICD-10-CM",
    family=FAMILY,
)
DUPLICATE = Rule(
    "identifier-duplicate",
    Severity.ERROR,
    "Two code groups, statements, criteria, limits or documentation requirements of one "
    "version share an identifier.",
    protects="Statements refer to groups and criteria by identifier, and versions are "
    "compared by them; a name given twice makes both ambiguous. A limit or documentation "
    "requirement repeated word for word under several statements is one thing, and may.",
    example="coding:\n  groups:\n    - id: covered-cpt\n      ...\n    - id: covered-cpt",
    family=FAMILY,
)

#: What each place in a statement names, and where each kind of group belongs.
_ROLE_OF_PLACE = {"services": "service", "diagnoses": "diagnosis", "billing": "qualifier"}
_PLACE_OF_ROLE = {role: place for place, role in _ROLE_OF_PLACE.items()}
_WHAT_GOES = {"service": "services", "diagnosis": "diagnoses", "qualifier": "claim qualifiers"}
#: A group of each role, as a hint calls it, and the systems that make one.
_KIND_OF_ROLE = {"service": "service", "diagnosis": "diagnosis", "qualifier": "claim-qualifier"}
_SYSTEMS_OF_ROLE = {
    role: ", ".join(name for name, system in SYSTEMS.items() if system.role == role)
    for role in _KIND_OF_ROLE
}
_QUALIFIERS = {
    "MODIFIER": "modifiers",
    "REVENUE": "revenue codes",
    "BILL-TYPE": "bill types",
    "POS": "places of service",
}


@dataclass(frozen=True)
class _Named:
    """What a version's statements may name: its groups and criteria trees, and the
    criteria inside the trees (by id, with their tree's)."""

    groups: dict[str, CodeGroup]
    trees: dict[str, dict[str, Any]]
    inside: dict[str, str]
    #: The nearest name of each role, and of trees, for hints.
    nearest: dict[str, Nearest]

    @classmethod
    def of(cls, version: Version) -> _Named:
        groups = {group.id: group for group in reversed(version.groups)}  # the first wins
        trees = {tree["id"]: tree for tree in reversed(version.document.get("criteria", []))}
        inside = {node: tree["id"] for tree in trees.values() for node, _ in _nodes(tree, "")}
        nearest = {
            role: Nearest([g.id for g in groups.values() if g.role == role])
            for role in _KIND_OF_ROLE
        }
        nearest["tree"] = Nearest(list(trees))
        return cls(groups, trees, inside, nearest)


def check(doc: Document, version: Version) -> Iterator[Finding]:
    named = _Named.of(version)
    for index, statement in enumerate(version.document.get("coverage", [])):
        where = f"/coverage/{index}"
        for place, name, pointer in _group_names(statement, where):
            yield from _group_reference(doc, named, place, name, pointer)
        if "criteria" in statement:
            yield from _tree_reference(doc, named, statement["criteria"], f"{where}/criteria")
    yield from _duplicates(doc, version.document)


def describe(group: CodeGroup) -> str:
    """What a group is, for a reader: "a group of ICD-10-CM diagnoses"."""
    role = SYSTEMS[group.system].role
    if role == "qualifier":
        return f"a group of {_QUALIFIERS[group.system]}"
    return f"a group of {group.system} {'services' if role == 'service' else 'diagnoses'}"


def _group_names(statement: dict[str, Any], where: str) -> Iterator[tuple[str, str, str]]:
    """Each group a statement names: the place it is named in, the name, its pointer."""
    for index, name in enumerate(statement.get("services", ())):
        yield "services", name, f"{where}/services/{index}"
    for kind, names in statement.get("diagnoses", {}).items():
        for index, name in enumerate(names):
            yield "diagnoses", name, f"{where}/diagnoses/{kind}/{index}"
    for index, name in enumerate(statement.get("billing", ())):
        yield "billing", name, f"{where}/billing/{index}"


def _group_reference(
    doc: Document, named: _Named, place: str, name: str, pointer: str
) -> Iterator[Finding]:
    wanted = _ROLE_OF_PLACE[place]
    group = named.groups.get(name)
    if group is None:
        yield UNKNOWN.finding(
            doc.path,
            *doc.position(pointer),
            f"{place} names group {name!r}, which this version does not have",
            pointer=pointer,
            hint=_suggestion(name, named.nearest[wanted], f"{_KIND_OF_ROLE[wanted]} groups"),
        )
    elif group.role != wanted:
        yield WRONG_KIND.finding(
            doc.path,
            *doc.position(pointer),
            f"{place} names group {name!r}, {describe(group)}; {_WHAT_GOES[group.role]} go "
            f"under `{_PLACE_OF_ROLE[group.role]}`",
            pointer=pointer,
            hint=f"move {name!r} under `{_PLACE_OF_ROLE[group.role]}`, and name a "
            f"{_KIND_OF_ROLE[wanted]} group ({_SYSTEMS_OF_ROLE[wanted]}) here",
        )


def _tree_reference(doc: Document, named: _Named, name: str, pointer: str) -> Iterator[Finding]:
    if name in named.trees:
        return
    tree = named.inside.get(name)
    if tree is not None:
        message = f"criteria names {name!r}, a criterion inside the tree {tree!r}"
        hint = f"name the tree, {tree!r}, or make {name!r} a tree of its own"
    elif name in named.groups:
        message = f"criteria names {name!r}, {describe(named.groups[name])}, not a criteria tree"
        hint = _suggestion(name, named.nearest["tree"], "criteria trees")
    else:
        yield UNKNOWN.finding(
            doc.path,
            *doc.position(pointer),
            f"criteria names {name!r}, which is not a criteria tree of this version",
            pointer=pointer,
            hint=_suggestion(name, named.nearest["tree"], "criteria trees"),
        )
        return
    yield WRONG_KIND.finding(doc.path, *doc.position(pointer), message, pointer=pointer, hint=hint)


def _suggestion(name: str, nearest: Nearest, kind: str) -> str:
    close = nearest.to(name)
    if close is not None:
        return f"did you mean {close!r}?"
    if nearest.known:
        return f"the version's {kind} are: {nearest.listing}"
    return f"add the {kind.removesuffix('s')} to the version, or remove the reference"


def _nodes(tree: dict[str, Any], where: str) -> Iterator[tuple[str, str]]:
    """Every criterion of a tree, the tree itself first, with the pointer of its id
    under ``where`` (the tree's own pointer)."""
    pending = [(tree, where)]
    while pending:
        node, at = pending.pop()
        yield node["id"], f"{at}/id"
        for key in ("all_of", "any_of", "of"):
            children = node.get(key, ())
            pending.extend(
                (child, f"{at}/{key}/{index}")
                for index, child in reversed(list(enumerate(children)))
            )


def _identified(document: dict[str, Any]) -> Iterator[tuple[str, str, str, Any]]:
    """Every identifier of the version in document order: the kind of thing it names,
    the identifier, the pointer of it, and the thing (for word-for-word repeats)."""
    for index, group in enumerate(document.get("coding", {}).get("groups", [])):
        yield "group", group["id"], f"/coding/groups/{index}/id", None
    for index, statement in enumerate(document.get("coverage", [])):
        yield "statement", statement["id"], f"/coverage/{index}/id", None
    for index, tree in enumerate(document.get("criteria", [])):
        for name, pointer in _nodes(tree, f"/criteria/{index}"):
            yield "criterion", name, pointer, None
    for index, statement in enumerate(document.get("coverage", [])):
        for kind in ("limits", "documentation"):
            for item, entry in enumerate(statement.get(kind, ())):
                thing = "limit" if kind == "limits" else "documentation requirement"
                yield thing, entry["id"], f"/coverage/{index}/{kind}/{item}/id", entry


def _duplicates(doc: Document, document: dict[str, Any]) -> Iterator[Finding]:
    first: dict[tuple[str, str], tuple[str, Any]] = {}
    for kind, name, pointer, entry in _identified(document):
        seen = first.get((kind, name))
        if seen is None:
            first[(kind, name)] = (pointer, entry)
            continue
        if entry is not None and entry == seen[1]:
            continue  # the same limit or requirement, repeated under another statement
        line, _ = doc.position(seen[0])
        yield DUPLICATE.finding(
            doc.path,
            *doc.position(pointer),
            f"{kind} id {name!r} is already used at line {line}",
            pointer=pointer,
            hint=f"give each {kind} its own identifier",
        )
