"""How each repository-wide rule grows with the versions that list one code.

Run: .venv/bin/python -m benchmarks.bench_rules [--sizes 1000 2000 4000 8000] [--repeat 5]

Builds repository models in memory (no files) of N versions, every one listing CPT
97545, in three shapes:

* ``history``: N/4 policies of 4 versions a year apart, each also listing codes of its
  own and ICD-9 and ICD-10 tables; every tenth policy is replaced by the next one and
  retired when it takes effect; applicabilities name lines of business; some groups
  have dates of service. Every rule has work; CPT 97545 is covered everywhere.
* ``agree``: N policies of one open-ended version each, all in effect at once, all
  covering CPT 97545: no conflict to report, however many rows overlap.
* ``disagree``: the same, with determinations alternating from policy to policy: every
  version but the first conflicts with one in effect, and each reports it once, so the
  findings grow with N too.

Prints, for each shape, the median seconds of each rule in ``REPOSITORY_CHECKS`` at each
N, and the ratio of each time to the time at the size before. Linear work doubles with
N, a ratio near 2; quadratic work would give 4. The garbage collector is off while a
rule is timed, as it is when ``policyrepo`` runs: its full collections of a large heap
would land in whichever rule happens to be running.
"""

from __future__ import annotations

import argparse
import gc
import itertools
import statistics
import time
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from typing import Any

from validator.check.rules.places import NOWHERE
from validator.check.validate import REPOSITORY_CHECKS
from validator.findings import Finding
from validator.model.coding import CodeGroup, CodeRow, DatesOfService
from validator.model.organization import Organization
from validator.model.timeline import Repository, Retirement
from validator.model.versions import RelatedPolicy, Replacement, Version

TODAY = date(2026, 11, 29)
SHARED = ("CPT", "97545")
SHAPES = ("history", "agree", "disagree")
ICD10_FROM = date(2015, 10, 1)


def _version(
    number: str,
    effective: date,
    groups: tuple[CodeGroup, ...],
    codes: tuple[CodeRow, ...],
    document: dict[str, Any],
    replaces: tuple[Replacement, ...] = (),
    related: tuple[RelatedPolicy, ...] = (),
) -> Version:
    return Version(
        path=f"policies/{number}/{effective}.yaml",
        number=number,
        title=f"Policy {number}",
        status="active",
        effective=effective,
        next_review=effective + timedelta(days=365),
        published=effective - timedelta(days=30),
        last_review=None,
        retired=None,
        groups=groups,
        codes=codes,
        replaces=replaces,
        related=related,
        positions={"effective": (5, 14), "status": (4, 11), "next_review": (6, 16)},
        document={"format": 2, "number": number, "title": f"Policy {number}", **document},
    )


def _row(system: str, code: str, group: int, item: int, dates: DatesOfService) -> CodeRow:
    return CodeRow(system, code, group, 20 + group * 10 + item, 17, item, dates=dates)


def history(size: int) -> tuple[list[Version], list[Retirement]]:
    """``size`` versions of size/4 policies, 4 each, a year apart; see the module."""
    icd10 = DatesOfService(ICD10_FROM, None)
    icd9 = DatesOfService(None, ICD10_FROM - timedelta(days=1))
    groups = (
        CodeGroup("services", "Services", "covered", None, "CPT", None),
        CodeGroup("icd-10", "ICD-10-CM", "covered", None, "ICD-10-CM", None, icd10),
        CodeGroup("icd-9", "ICD-9-CM", "covered", None, "ICD-9-CM", None, icd9),
    )
    coding = {
        "groups": [
            {"id": "services", "codes": [{"code": code} for code in ("97545", "1", "2", "3")]},
            {"id": "icd-10", "dates_of_service": {"from": "2015-10-01"}, "codes": [{}]},
            {"id": "icd-9", "dates_of_service": {"through": "2015-09-30"}, "codes": [{}]},
        ]
    }
    document = {
        "applicability": {"lines_of_business": ["commercial", "medicare-advantage"]},
        "coverage": [
            {"id": "general", "applicability": {"lines_of_business": ["commercial"]}},
        ],
        "coding": coding,
    }
    versions: list[Version] = []
    retirements: list[Retirement] = []
    policies = size // 4
    for policy in range(policies):
        number = f"{policy:05d}"
        first = date(2012, 1, 1) + timedelta(days=policy % 300)
        codes = (
            _row(*SHARED, 0, 0, DatesOfService()),
            *(
                _row("CPT", f"{(policy * 3 + k) % 99999:05d}", 0, k, DatesOfService())
                for k in (1, 2, 3)
            ),
            _row("ICD-10-CM", "M54.50", 1, 0, icd10),
            _row("ICD-9-CM", "724.2", 2, 0, icd9),
        )
        replaces: tuple[Replacement, ...] = ()
        if policy % 10 == 1:
            replaced = f"{policy - 1:05d}"
            replaces = (Replacement(replaced, None, False, (8, 13), "/replaces/0/number"),)
            retirements.append(
                Retirement(
                    replaced, first, f"policies/{replaced}/retirement.yaml", (3, 10), "/retired"
                )
            )
        related = (RelatedPolicy("Elsewhere", f"{(policy + 1) % policies:05d}", (9, 13), "/r"),)
        for step in range(4):
            effective = first + timedelta(days=400 * step)
            versions.append(_version(number, effective, groups, codes, document, replaces, related))
    return versions, retirements


def overlapping(size: int, alternate: bool) -> tuple[list[Version], list[Retirement]]:
    """``size`` policies of one open-ended version, all in effect from 2017 on, listing
    CPT 97545 as covered, or (``alternate``) as covered and not covered in turn."""
    document = {"coverage": [], "coding": {"groups": [{"id": "services", "codes": [{}]}]}}
    versions = []
    for policy in range(size):
        determination = "not-covered" if alternate and policy % 2 else "covered"
        groups = (CodeGroup("services", "Services", determination, None, "CPT", None),)
        codes = (_row(*SHARED, 0, 0, DatesOfService()),)
        effective = date(2016, 1, 1) + timedelta(days=policy % 365)
        versions.append(_version(f"{policy:05d}", effective, groups, codes, document))
    return versions, []


def repository(shape: str, size: int) -> Repository:
    """The model of one shape at one size."""
    if shape == "history":
        versions, retirements = history(size)
    else:
        versions, retirements = overlapping(size, alternate=shape == "disagree")
    return Repository.build(versions, retirements, Organization())


Check = Callable[..., Iterator[Finding]]


def _name(check: Check) -> str:
    return f"{check.__module__.rsplit('.', 1)[-1]}.{check.__name__}"


def _seconds(check: Check, model: Repository, repeat: int) -> tuple[float, int]:
    """The median seconds of a rule, its cached indices rebuilt each time, and how many
    findings it reported."""
    times, found = [], 0
    for _ in range(repeat):
        for cached in ("code_index", "replaced_by"):
            model.__dict__.pop(cached, None)
        start = time.perf_counter()
        found = sum(1 for _ in check(model, TODAY, NOWHERE))
        times.append(time.perf_counter() - start)
    return statistics.median(times), found


def measure(shape: str, sizes: list[int], repeat: int) -> dict[str, list[tuple[float, int]]]:
    """For each rule and in all: the median seconds and findings at each size."""
    results: dict[str, list[tuple[float, int]]] = {_name(c): [] for c in REPOSITORY_CHECKS}
    results["all repository rules"] = []
    for size in sizes:
        model = repository(shape, size)
        gc.collect()
        gc.disable()
        try:
            total, findings = 0.0, 0
            for check in REPOSITORY_CHECKS:
                seconds, found = _seconds(check, model, repeat)
                results[_name(check)].append((seconds, found))
                total, findings = total + seconds, findings + found
            results["all repository rules"].append((total, findings))
        finally:
            gc.enable()
    return results


def table(shape: str, sizes: list[int], results: dict[str, list[tuple[float, int]]]) -> str:
    """One shape's figures as a Markdown table: seconds per size, then the ratios."""
    header = ["rule", *(f"{size:,}" for size in sizes)]
    header += [f"{after:,} / {before:,}" for before, after in itertools.pairwise(sizes)]
    lines = [f"{shape}:", "", "| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for rule, figures in results.items():
        seconds = [f"{s:.4f}" for s, _ in figures]
        ratios = [
            f"{after / before:.2f}" if before > 0 else "-"
            for (before, _), (after, _) in itertools.pairwise(figures)
        ]
        lines.append("| " + " | ".join([f"`{rule}`", *seconds, *ratios]) + " |")
    findings = ", ".join(f"{found:,}" for _, found in results["all repository rules"])
    lines += ["", f"findings at each size: {findings}", ""]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 2000, 4000, 8000])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--shapes", nargs="+", choices=SHAPES, default=list(SHAPES))
    args = parser.parse_args(argv)
    # Once first, unmeasured: the first run loads the ICD code sets the code rules read.
    for shape in args.shapes:
        measure(shape, [min(args.sizes)], 1)
    for shape in args.shapes:
        print(table(shape, args.sizes, measure(shape, args.sizes, args.repeat)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
