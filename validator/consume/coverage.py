"""Is this service covered, in this context? One answer, from a version's coverage rules.

The rules are plain JSON, exactly as a bundle publishes them (a version's
``coverage_rules``): the version's applicability, its code groups, and its coverage
statements with the conditions under which each statement's determination applies. The
repository model compiles the same rules from its files (:mod:`validator.model.coverage`),
so answers from the repository and from a bundle come from this one function.

A context says what is known about the claim line or the order: the diagnoses billed,
the line of business or product, the state, the setting, the place of service, the
member's age and sex, and the modifiers. Whatever the context leaves out and a rule
depends on is returned as ``info_needed``; a complete context always gets a decision.
The answer maps one-to-one onto Da Vinci CRD's ``coverage-information`` (``covered``,
``pa-needed``, ``doc-needed``, ``doc-purpose``, ``info-needed``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from validator.consume.conditions import (
    LINES_OF_BUSINESS,
    Context,
    Diagnosis,
    GroupsOf,
    Offering,
    Rules,
    Test,
    all_of,
    applicability_test,
    can_apply,
    diagnoses_test,
    in_group,
    modifiers_test,
)

__all__ = [
    "LINES_OF_BUSINESS",
    "Context",
    "Evaluation",
    "Offering",
    "can_apply",
    "diagnosis",
    "evaluate",
    "required_diagnoses",
]

#: US dates of service on or after this date are coded in ICD-10 (HHS final rule, 2014).
ICD10_START = date(2015, 10, 1)

#: What a context can hold, in the order answers list what is missing.
DIMENSIONS = (
    "diagnosis",
    "line-of-business",
    "state",
    "setting",
    "place-of-service",
    "age",
    "sex",
    "modifier",
)


def diagnosis_system_on(day: date) -> str:
    """The diagnosis code system of a US claim with this date of service."""
    return "ICD-10-CM" if day >= ICD10_START else "ICD-9-CM"


def diagnosis(written: str, day: date) -> Diagnosis:
    """A diagnosis as a user writes it, ``C61`` or ``ICD-9-CM:V57.22``: without a system,
    the one in use on the date of service (ICD-10-CM from 2015-10-01)."""
    system, colon, code = written.strip().rpartition(":")
    return (system.upper() if colon else diagnosis_system_on(day), code.strip().upper())


@dataclass(frozen=True)
class Evaluation:
    """One version's answer for one service in one context."""

    applies: bool  # False: the version does not apply in this context (reason says why)
    covered: str | None  # covered, not-covered or conditional; None when it does not apply
    determination: str | None
    basis: str | None
    statement: str | None
    reason: str
    info_needed: tuple[str, ...] = ()
    criteria: dict[str, Any] | None = None
    limits: tuple[dict[str, Any], ...] = ()
    modifiers: dict[str, Any] | None = None
    billing: tuple[str, ...] = ()
    prior_authorization: str | None = None  # auth-needed, no-auth or conditional
    pa_condition: str | None = None
    documentation: tuple[dict[str, Any], ...] = ()
    doc_needed: tuple[str, ...] = ()
    doc_purpose: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "applies": self.applies,
            "covered": self.covered,
            "determination": self.determination,
            "basis": self.basis,
            "statement": self.statement,
            "reason": self.reason,
            "info_needed": list(self.info_needed),
            "criteria": self.criteria,
            "limits": list(self.limits),
            "modifiers": self.modifiers,
            "billing": list(self.billing),
            "prior_authorization": self.prior_authorization,
            "pa_condition": self.pa_condition,
            "documentation": list(self.documentation),
            "doc_needed": list(self.doc_needed),
            "doc_purpose": list(self.doc_purpose),
        }


def evaluate(
    rules: Rules,
    group: str,
    context: Context,
    groups_of: GroupsOf,
    offering: Offering | None = None,
) -> Evaluation:
    """The answer of one version for a service code of ``group`` in ``context``."""
    offering = offering or Offering()
    scope = applicability_test(rules.get("applicability"), context, offering, version_level=True)
    if not scope.holds and not scope.unknown:
        return Evaluation(False, None, None, None, None, f"does not apply: {scope.why}")
    governing = [s for s in rules["statements"] if group in s.get("services", ())]
    if governing:
        evaluation, candidates = _by_statements(rules, governing, context, groups_of, offering)
    else:
        evaluation, candidates = _by_group(rules, group, context, groups_of)
    if scope.unknown:
        return _needing((*scope.needs, *evaluation.info_needed), candidates)
    return evaluation


#: An answer, and the rules it could come from once the context is complete: the
#: statement that decided, the statements still open, or a group's determination.
Outcome = tuple[Evaluation, list[dict[str, Any]]]


def _by_group(rules: Rules, group: str, context: Context, groups_of: GroupsOf) -> Outcome:
    """A service group no statement governs: its own determination, refined by the
    version's diagnosis groups that no statement claims (the seed's "Not Medically
    Necessary" ICD-9 table with "All other codes")."""
    own = rules["groups"][group]
    claimed = {g for s in rules["statements"] for g in required_diagnoses(s)}
    paired = [
        (name, g)
        for name, g in rules["groups"].items()
        if g["role"] == "diagnosis" and name not in claimed
    ]
    outcome = (own["determination"], own["basis"], f'under "{own["heading"]}"')
    if paired:
        if context.diagnoses is None:
            possible = {own["determination"]} | {g["determination"] for _, g in paired}
            if len(possible) > 1:
                candidates = [{"determination": d} for d in sorted(possible)]
                return _needing(("diagnosis",), candidates), candidates
        elif context.diagnoses:
            primary = context.diagnoses[0]
            listed = set(groups_of(*primary))
            # A group that lists the code decides before one that catches "all other
            # codes"; among several of either (a slip the rules report), the first by
            # identifier. Nothing depends on the order the groups were written in, so a
            # bundle's sorted JSON answers as the repository does.
            matches = sorted(
                (name not in listed, name)
                for name, _ in paired
                if in_group(rules, name, primary, groups_of)
            )
            if matches:
                catch_all, name = matches[0]
                g = rules["groups"][name]
                how = "as any other code" if catch_all else "listed"
                outcome = (
                    g["determination"],
                    g["basis"],
                    f'billed with {primary[1]}, {how} under "{g["heading"]}"',
                )
    determination, basis, reason = outcome
    return _decided(determination, basis, None, reason, {}), [{"determination": determination}]


def _by_statements(
    rules: Rules,
    statements: list[dict[str, Any]],
    context: Context,
    groups_of: GroupsOf,
    offering: Offering,
) -> Outcome:
    """The first statement (in printed order) whose conditions hold decides, once every
    statement printed before it is known to fail; statements that could still hold say
    what the context lacks; when none can, not covered."""
    open_ones: list[tuple[dict[str, Any], Test]] = []
    failures: list[str] = []
    for statement in statements:
        test = all_of(
            (
                applicability_test(statement.get("applicability"), context, offering),
                diagnoses_test(rules, statement.get("diagnoses"), context, groups_of),
                modifiers_test(statement.get("modifiers"), context),
            )
        )
        if test.holds and not open_ones:
            reason = _reason_met(rules, statement, context)
            decided = _decided(
                statement["determination"], statement["basis"], statement["id"], reason, statement
            )
            return decided, [statement]
        if test.holds or test.unknown:
            open_ones.append((statement, test))
            if test.holds:
                break  # statements printed after one that holds never decide
        else:
            failures.append(f"statement {statement['id']}: {test.why}")
    if open_ones:
        candidates = [statement for statement, _ in open_ones]
        return _needing(tuple(n for _, t in open_ones for n in t.needs), candidates), candidates
    not_covered = Evaluation(
        True,
        "not-covered",
        "not-covered",
        None,
        None,
        "; ".join(failures),
        doc_needed=("no-doc",),
    )
    return not_covered, []


def _decided(
    determination: str,
    basis: str | None,
    statement: str | None,
    reason: str,
    rule: dict[str, Any],
) -> Evaluation:
    covered = "not-covered" if determination == "not-covered" else "covered"
    documentation = tuple(rule.get("documentation", ()))
    kinds = sorted({doc["kind"] for doc in documentation})
    if determination == "conditionally-covered" and "clinical" not in kinds:
        kinds = sorted({*kinds, "clinical"})  # the criteria are met on clinical evidence
    purposes = sorted({p for doc in documentation for p in doc["purpose"]})
    pa = rule.get("prior_authorization")
    if covered == "not-covered":
        prior, condition = None, None  # CRD: not-covered carries no pa-needed
    elif pa is None or pa["required"] == "not-required":
        prior, condition = "no-auth", None
    else:
        prior = "auth-needed" if pa["required"] == "required" else "conditional"
        condition = pa.get("condition")
    return Evaluation(
        True,
        covered,
        determination,
        basis,
        statement,
        reason,
        criteria=rule.get("criteria"),
        limits=tuple(rule.get("limits", ())),
        modifiers=rule.get("modifiers"),
        billing=tuple(rule.get("billing", ())),
        prior_authorization=prior,
        pa_condition=condition,
        documentation=documentation,
        doc_needed=tuple(kinds) or ("no-doc",),
        doc_purpose=tuple(purposes),
    )


def _needing(needs: tuple[str, ...], candidates: list[dict[str, Any]]) -> Evaluation:
    """A conditional answer: what is missing, and whether prior authorisation or
    documentation may be needed once it is known, as the answers the candidates would
    give (see :func:`_decided`) need them."""
    wanted = tuple(d for d in DIMENSIONS if d in needs)
    may_need_pa = any(
        s["determination"] != "not-covered"
        and (s.get("prior_authorization") or {}).get("required", "not-required") != "not-required"
        for s in candidates
    )
    may_need_docs = any(
        s.get("documentation") or s["determination"] == "conditionally-covered" for s in candidates
    )
    return Evaluation(
        True,
        "conditional",
        None,
        None,
        None,
        "depends on the " + _and([d.replace("-", " ") for d in wanted]),
        info_needed=wanted,
        prior_authorization="conditional" if may_need_pa else "no-auth",
        doc_needed=("conditional",) if may_need_docs else ("no-doc",),
    )


def _reason_met(rules: Rules, statement: dict[str, Any], context: Context) -> str:
    parts = [f"statement {statement['id']}"]
    requirement = statement.get("diagnoses")
    if requirement and context.diagnoses:
        kind, names = next(iter(requirement.items()))
        headings = " and ".join(f'"{rules["groups"][g]["heading"]}"' for g in names)
        parts.append(
            f"billed with {'a diagnosis from each of' if kind == 'all_of' else 'a diagnosis in'} "
            f"{headings}"
        )
    return ", ".join(parts)


def _and(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def required_diagnoses(statement: dict[str, Any]) -> list[str]:
    """The diagnosis groups a statement's diagnosis requirement names."""
    requirement = statement.get("diagnoses") or {}
    return [g for names in requirement.values() for g in names]
