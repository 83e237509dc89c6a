"""What a change to a policy means for coverage: per service code, reduced, expanded, a
new prior-authorisation requirement, or unchanged, and from which date.

Two versions are compared code by code on what decides coverage, not on their text:
the determination, the diagnoses that support the service, the criteria and their
thresholds, the limits, who and where the policy applies, prior authorisation,
documentation and modifiers. A change that narrows any of these is a reduction even
when the determination stays the same; one that widens it is an expansion.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from validator.model.versions import Version

#: Determinations from the most to the least coverage.
_RANK = {"covered": 2, "conditionally-covered": 1, "not-covered": 0}

REDUCTION = "reduction"
EXPANSION = "expansion"
PRIOR_AUTH = "prior-authorisation"  # a new prior-authorisation requirement
CHANGED = "changed"  # neither clearly narrower nor wider


@dataclass(frozen=True)
class CodeChange:
    """One change of what applies to a service code, from the newer version on."""

    system: str
    code: str
    kind: str  # REDUCTION, EXPANSION, PRIOR_AUTH or CHANGED
    what: str  # in words: "diagnoses that support it: 2 removed (I34.1, I34.2)"


def service_facts(version: Version) -> dict[tuple[str, str], dict[str, Any]]:
    """For each service code the version lists, what decides its coverage, as plain data:
    the version's applicability, and each rule governing the code (a statement, or the
    code's group and the diagnosis groups paired with it)."""
    rules = version.coverage_rules
    diagnosis_codes: dict[str, set[str]] = {}
    for row in version.codes:
        group = version.group_of(row)
        if group.role == "diagnosis":
            diagnosis_codes.setdefault(group.id, set()).add(f"{row.system} {row.code}")
    facts: dict[tuple[str, str], dict[str, Any]] = {}
    for row in version.codes:
        group = version.group_of(row)
        if group.role != "service":
            continue
        governing = [s for s in rules["statements"] if group.id in s["services"]]
        if governing:
            statements = {s["id"]: _statement_facts(s, diagnosis_codes) for s in governing}
        else:
            claimed = {g for s in rules["statements"] for g in _required(s)}
            paired = {
                name: {
                    "determination": g["determination"],
                    "codes": sorted(diagnosis_codes.get(name, ())),
                    "catch_all": g["catch_all"],
                }
                for name, g in rules["groups"].items()
                if g["role"] == "diagnosis" and name not in claimed
            }
            # One implicit rule, whichever table lists the code: moving a code from a
            # "not covered" table to a "covered" one is a change of its determination.
            statements = {
                "its code table": {
                    "determination": group.determination,
                    "heading": group.heading,
                    "paired": paired,
                }
            }
        facts[(row.system, row.code)] = {
            "applicability": rules.get("applicability") or {},
            "statements": statements,
        }
    return facts


def _required(statement: dict[str, Any]) -> list[str]:
    return [g for names in (statement.get("diagnoses") or {}).values() for g in names]


def _statement_facts(
    statement: dict[str, Any], diagnosis_codes: dict[str, set[str]]
) -> dict[str, Any]:
    requirement = statement.get("diagnoses") or {}
    return {
        "determination": statement["determination"],
        "applicability": statement.get("applicability") or {},
        "diagnoses": {
            kind: [sorted(diagnosis_codes.get(g, ())) for g in names]
            for kind, names in requirement.items()
        },
        "criteria": statement.get("criteria"),
        "limits": {limit["id"]: limit for limit in statement.get("limits", [])},
        "modifiers": statement.get("modifiers") or {},
        "prior_authorization": (statement.get("prior_authorization") or {}).get(
            "required", "not-required"
        ),
        "documentation": sorted(doc["id"] for doc in statement.get("documentation", [])),
    }


def compare(old: Version | None, new: Version) -> list[CodeChange]:
    """Every code change from ``old`` (None: the policy is new) to ``new``."""
    before = service_facts(old) if old is not None else {}
    after = service_facts(new)
    changes: list[CodeChange] = []
    for key in sorted(before.keys() | after.keys()):
        system, code = key
        for kind, what in _differences(before.get(key), after.get(key)):
            changes.append(CodeChange(system, code, kind, what))
    return changes


def _differences(
    before: dict[str, Any] | None, after: dict[str, Any] | None
) -> Iterator[tuple[str, str]]:
    if before is None and after is not None:
        best = max(_RANK[s["determination"]] for s in after["statements"].values())
        kind = EXPANSION if best > 0 else REDUCTION
        yield kind, "newly listed: " + _determinations(after)
        return
    if after is None:
        if before is not None:
            best = max(_RANK[s["determination"]] for s in before["statements"].values())
            # Dropping a code that was not covered takes no coverage away.
            kind = REDUCTION if best > 0 else CHANGED
            yield kind, "no longer listed (was " + _determinations(before) + ")"
        return
    assert before is not None
    yield from _scope("applicability", before["applicability"], after["applicability"])
    old_statements, new_statements = before["statements"], after["statements"]
    if old_statements.keys() != new_statements.keys():
        yield from _regoverned(old_statements, new_statements)
    for name in sorted(old_statements.keys() & new_statements.keys()):
        yield from _statement(name, old_statements[name], new_statements[name])


_PA_LEVEL = {"not-required": 0, "conditional": 1, "required": 2}


def _regoverned(
    old: dict[str, dict[str, Any]], new: dict[str, dict[str, Any]]
) -> Iterator[tuple[str, str]]:
    """Other rules govern the code now (a table's position gave way to a statement's, or
    a statement was added or dropped): compared on the best they allow and on prior
    authorisation."""
    was = max(_RANK[s["determination"]] for s in old.values())
    now = max(_RANK[s["determination"]] for s in new.values())
    names = ", ".join(sorted(new))
    wording = f"now governed by {names} ({_determinations({'statements': new})}), was " + (
        f"{', '.join(sorted(old))} ({_determinations({'statements': old})})"
    )
    yield (EXPANSION if now > was else REDUCTION if now < was else CHANGED), wording
    old_pa = max(_PA_LEVEL[s.get("prior_authorization", "not-required")] for s in old.values())
    needing = [
        n
        for n, s in new.items()
        if _PA_LEVEL[s.get("prior_authorization", "not-required")] > old_pa
    ]
    for name in sorted(needing):
        yield PRIOR_AUTH, f"{name}: prior authorisation {new[name]['prior_authorization']}"


def _determinations(facts: dict[str, Any]) -> str:
    return ", ".join(sorted({s["determination"] for s in facts["statements"].values()}))


def _statement(name: str, old: dict[str, Any], new: dict[str, Any]) -> Iterator[tuple[str, str]]:
    if old["determination"] != new["determination"]:
        down = _RANK[new["determination"]] < _RANK[old["determination"]]
        where = f' (now under "{new["heading"]}")' if new.get("heading") else ""
        yield (
            REDUCTION if down else EXPANSION,
            f"{name}: {old['determination']} became {new['determination']}{where}",
        )
    if "paired" in old or "paired" in new:
        yield from _paired(name, old.get("paired", {}), new.get("paired", {}))
        return
    yield from _scope(f"{name} applicability", old["applicability"], new["applicability"])
    yield from _diagnoses(name, old["diagnoses"], new["diagnoses"])
    yield from _criteria(name, old["criteria"], new["criteria"])
    yield from _limits(name, old["limits"], new["limits"])
    yield from _modifiers(name, old["modifiers"], new["modifiers"])
    old_pa, new_pa = old["prior_authorization"], new["prior_authorization"]
    if old_pa != new_pa:
        needs = {"not-required": 0, "conditional": 1, "required": 2}
        more = needs[new_pa] > needs[old_pa]
        yield (
            PRIOR_AUTH if more else EXPANSION,
            f"{name}: prior authorisation {old_pa} became {new_pa}",
        )
    added = sorted(set(new["documentation"]) - set(old["documentation"]))
    removed = sorted(set(old["documentation"]) - set(new["documentation"]))
    if added:
        yield REDUCTION, f"{name}: documentation required: {', '.join(added)}"
    if removed:
        yield EXPANSION, f"{name}: documentation no longer required: {', '.join(removed)}"


def _paired(name: str, old: dict[str, Any], new: dict[str, Any]) -> Iterator[tuple[str, str]]:
    for group in sorted(old.keys() | new.keys()):
        before, after = old.get(group), new.get(group)
        if before == after:
            continue
        yield CHANGED, f"{name}: the diagnoses of {group} changed"


def _diagnoses(
    name: str, old: dict[str, list[list[str]]], new: dict[str, list[list[str]]]
) -> Iterator[tuple[str, str]]:
    if old == new:
        return
    if old.keys() != new.keys() or len(old.get("all_of", ())) != len(new.get("all_of", ())):
        if not old:
            yield REDUCTION, f"{name}: now requires a supporting diagnosis"
        elif not new:
            yield EXPANSION, f"{name}: no longer requires a supporting diagnosis"
        else:
            yield CHANGED, f"{name}: the diagnosis requirement changed"
        return
    for kind in old:
        for index, (before, after) in enumerate(zip(old[kind], new[kind], strict=True)):
            gone = sorted(set(before) - set(after))
            came = sorted(set(after) - set(before))
            which = f"group {index + 1} of " if kind == "all_of" else ""
            if gone:
                yield (
                    REDUCTION,
                    f"{name}: {which}diagnoses that support it: {len(gone)} removed "
                    f"({_some(gone)})",
                )
            if came:
                yield (
                    EXPANSION,
                    f"{name}: {which}diagnoses that support it: {len(came)} added ({_some(came)})",
                )


def _some(codes: list[str], shown: int = 5) -> str:
    names = [code.split(" ", 1)[1] for code in codes[:shown]]
    return ", ".join(names) + (f" and {len(codes) - shown} more" if len(codes) > shown else "")


def _criteria(
    name: str, old: dict[str, Any] | None, new: dict[str, Any] | None
) -> Iterator[tuple[str, str]]:
    if old == new:
        return
    if old is None:
        yield REDUCTION, f"{name}: criteria to meet added"
        return
    if new is None:
        yield EXPANSION, f"{name}: criteria to meet removed"
        return
    before, after = _thresholds(old), _thresholds(new)
    moved = False
    for node in sorted(before.keys() & after.keys()):
        was, now = before[node], after[node]
        if was == now or was["comparison"] != now["comparison"] or was["measure"] != now["measure"]:
            continue
        moved = True
        higher = float(now["value"]) > float(was["value"])
        harder = higher if was["comparison"] in (">", ">=") else not higher
        unit = f" {now['unit']}" if now.get("unit") else ""
        yield (
            REDUCTION if harder else EXPANSION,
            f"{name}: criterion {node}: {now['measure']} {was['comparison']} {was['value']} "
            f"became {now['comparison']} {now['value']}{unit}",
        )
    if not moved or _shape(old) != _shape(new):
        yield CHANGED, f"{name}: the criteria changed"


def _thresholds(node: dict[str, Any]) -> dict[str, dict[str, Any]]:
    found = {node["id"]: node["threshold"]} if "threshold" in node else {}
    for key in ("all_of", "any_of", "of"):
        for child in node.get(key, ()):
            found.update(_thresholds(child))
    return found


def _shape(node: dict[str, Any]) -> Any:
    """A tree without its thresholds' values: what else a change of criteria changed."""
    shape = {k: v for k, v in node.items() if k not in ("threshold", "all_of", "any_of", "of")}
    for key in ("all_of", "any_of", "of"):
        if key in node:
            shape[key] = [_shape(child) for child in node[key]]
    return shape


def _limits(
    name: str, old: dict[str, dict[str, Any]], new: dict[str, dict[str, Any]]
) -> Iterator[tuple[str, str]]:
    for limit in sorted(new.keys() - old.keys()):
        yield REDUCTION, f"{name}: limit added: {new[limit]['text']}"
    for limit in sorted(old.keys() - new.keys()):
        yield EXPANSION, f"{name}: limit removed: {old[limit]['text']}"
    for limit in sorted(old.keys() & new.keys()):
        was, now = old[limit], new[limit]
        if was == now:
            continue
        fewer = _per_day(now) < _per_day(was)
        more = _per_day(now) > _per_day(was)
        kind = REDUCTION if fewer else EXPANSION if more else CHANGED
        yield kind, f"{name}: limit {limit}: {_limit(was)} became {_limit(now)}"


def _limit(limit: dict[str, Any]) -> str:
    """A limit from its numbers: ``at most 18 units per 90 days``."""
    words = f"at most {limit['quantity']} {limit['kind']}"
    per = limit.get("per")
    if per is not None:
        unit = per["unit"] + ("s" if per["count"] != 1 else "")
        words += f" per {per['count']} {unit}"
    return words


def _per_day(limit: dict[str, Any]) -> float:
    """How much a limit allows per day, to tell a lower limit from a higher one."""
    per = limit.get("per")
    if per is None:
        return float(limit["quantity"])
    days: float = {"day": 1.0, "week": 7.0, "month": 30.4375, "year": 365.25}[per["unit"]]
    return float(limit["quantity"]) / (days * int(per["count"]))


def _modifiers(
    name: str, old: dict[str, list[str]], new: dict[str, list[str]]
) -> Iterator[tuple[str, str]]:
    if old == new:
        return
    stricter = any(
        set(new.get(kind, ())) - set(old.get(kind, ())) for kind in ("required", "excluded")
    )
    yield (REDUCTION if stricter else CHANGED), f"{name}: modifiers changed"


def _scope(label: str, old: dict[str, Any], new: dict[str, Any]) -> Iterator[tuple[str, str]]:
    """Applicability: each dimension narrower (a reduction) or wider (an expansion)."""
    for dimension in sorted(old.keys() | new.keys()):
        was, now = old.get(dimension), new.get(dimension)
        if was == now:
            continue
        verdict = _compare_scope(dimension, was, now)
        yield verdict, f"{label}: {dimension.replace('_', ' ')} {_show(was)} became {_show(now)}"


def _compare_scope(dimension: str, was: Any, now: Any) -> str:
    if was is None:
        return REDUCTION  # a restriction where there was none
    if now is None:
        return EXPANSION
    if dimension == "ages":
        low = (was.get("minimum", 0), now.get("minimum", 0))
        high = (was.get("maximum", 200), now.get("maximum", 200))
        if low[1] >= low[0] and high[1] <= high[0]:
            return REDUCTION
        if low[1] <= low[0] and high[1] >= high[0]:
            return EXPANSION
        return CHANGED
    if dimension == "states":
        if "include" in was and "include" in now:
            return _sets(set(was["include"]), set(now["include"]))
        if "exclude" in was and "exclude" in now:
            return _sets(set(now["exclude"]), set(was["exclude"]))
        return CHANGED
    return _sets(set(was), set(now))


def _sets(was: set[str], now: set[str]) -> str:
    if now < was:
        return REDUCTION
    if now > was:
        return EXPANSION
    return CHANGED


def _show(value: Any) -> str:
    if value is None:
        return "(any)"
    if isinstance(value, list):
        return ", ".join(map(str, value))
    if isinstance(value, dict):
        return "; ".join(f"{k} {_show(v)}" for k, v in value.items())
    return str(value)
