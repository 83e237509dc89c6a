"""Hypothesis strategies that generate whole policy repositories, shared by the tests.

A generated repository is a list of version specifications, rendered to YAML files the
way a policy team would write them. The specifications also feed the brute-force
oracles in the tests, which never look at the validator's own model.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Any

import yaml
from hypothesis import strategies as st

from validator.consume.coverage import LINES_OF_BUSINESS
from validator.read.files import SourceFile

#: Real codes (they exist in the code sets), by system.
CODE_POOL = {
    "CPT": ("97545", "97546", "22612", "22551"),
    "HCPCS": ("E0114",),
    "ICD-10-CM": ("M51.16", "Z51.89"),
}
DETERMINATIONS = ("covered", "conditionally-covered", "not-covered")
EARLY = date(2010, 1, 1)  # replaced policies live before the replacement
LATE = date(2016, 1, 1)  # the replacing policy starts from here


@dataclass(frozen=True)
class VersionSpec:
    number: str
    effective: date
    status: str = "active"
    retired: date | None = None
    published: date | None = None
    codes: tuple[tuple[str, str, str], ...] = ()  # (system, code, determination)
    replaces: tuple[str, ...] = ()
    legacy: tuple[str, ...] = ()
    next_review: date | None = None

    @property
    def path(self) -> str:
        return f"policies/{self.number}/{self.effective}.yaml"


@dataclass(frozen=True)
class RepositorySpec:
    versions: tuple[VersionSpec, ...]
    replacer: str | None = None
    replaced: tuple[str, ...] = field(default=())

    def sources(self) -> list[SourceFile]:
        return [SourceFile(v.path, render(v).encode()) for v in self.versions]


def render(version: VersionSpec) -> str:
    """The YAML a policy author would write for this version."""
    next_review = version.next_review or version.effective + timedelta(days=365)
    lines = [
        f'number: "{version.number}"',
        f"title: Policy {version.number}",
        "applies_to: All plans.",
        "lifecycle:",
        f"  status: {version.status}",
        f'  effective: "{version.effective}"',
        f'  next_review: "{next_review}"',
    ]
    if version.published:
        lines.append(f'  published: "{version.published}"')
    if version.retired:
        lines.append(f'  retired: "{version.retired}"')
    if version.replaces or version.legacy:
        lines.append("replaces:")
        lines += [f'  - number: "{number}"' for number in version.replaces]
        for number in version.legacy:
            lines += [f'  - number: "{number}"', "    legacy: true"]
    lines += [
        "coverage:",
        "  - id: position",
        "    determination: covered",
        "    basis: medically-necessary",
        "    text: The position.",
    ]
    if version.codes:
        lines += ["coding:", "  all_inclusive: false", "  groups:"]
        for system, code, determination in version.codes:
            lines += [
                f"    - heading: {determination}",
                f"      determination: {determination}",
                f"      system: {system}",
                "      codes:",
                f'        - code: "{code}"',
            ]
    return "\n".join(lines) + "\n"


@st.composite
def code_rows(draw: st.DrawFn) -> tuple[tuple[str, str, str], ...]:
    pairs = draw(
        st.sets(
            st.sampled_from([(s, c) for s, codes in CODE_POOL.items() for c in codes]),
            max_size=3,
        )
    )
    return tuple(
        (system, code, draw(st.sampled_from(DETERMINATIONS))) for system, code in sorted(pairs)
    )


@st.composite
def policy_versions(
    draw: st.DrawFn, number: str, start: date, span_days: int, retire_on: date | None = None
) -> list[VersionSpec]:
    """A policy's history: distinct effective dates, some drafts, maybe a retirement."""
    offsets = draw(st.lists(st.integers(0, span_days), min_size=1, max_size=4, unique=True))
    versions = []
    for offset in sorted(offsets):
        effective = start + timedelta(days=offset)
        published = (
            effective - timedelta(days=draw(st.integers(0, 90))) if draw(st.booleans()) else None
        )
        versions.append(
            VersionSpec(
                number,
                effective,
                status=draw(st.sampled_from(["active", "active", "draft"])),
                published=published,
                codes=draw(code_rows()),
            )
        )
    # Publication follows the order of effective dates, as payers post them.
    for index in range(1, len(versions)):
        earlier, later = versions[index - 1], versions[index]
        if earlier.published and later.published and later.published < earlier.published:
            versions[index] = replace(later, published=None)
    in_force = [i for i, v in enumerate(versions) if v.status != "draft"]
    retired = retire_on
    if retired is None and in_force and draw(st.booleans()):
        retired = versions[in_force[-1]].effective + timedelta(days=draw(st.integers(1, 800)))
    if retired is not None and in_force:
        last = in_force[-1]
        versions[last] = replace(versions[last], status="retired", retired=retired)
    return versions


@st.composite
def repositories(draw: st.DrawFn) -> RepositorySpec:
    """Independent policies, and maybe one consolidation of some of them into a new one."""
    count = draw(st.integers(1, 3))
    numbers = [f"{100 + index:04d}" for index in range(count)]
    consolidate = draw(st.booleans())
    versions: list[VersionSpec] = []
    if not consolidate:
        for number in numbers:
            versions += draw(policy_versions(number, EARLY, 4000))
        return RepositorySpec(tuple(versions))
    replacer = "0518"
    new = draw(policy_versions(replacer, LATE, 1500))
    new = [v for v in new if v.status != "retired"] or [replace(new[0], status="active")]
    new = [replace(v, retired=None) if v.status != "retired" else v for v in new]
    first_in_force = next((v for v in new if v.status != "draft"), None)
    if first_in_force is None:
        new[0] = replace(new[0], status="active")
        first_in_force = new[0]
    replaced: list[str] = []
    for number in numbers:
        # A replaced policy is retired exactly when its replacement takes effect.
        history = draw(policy_versions(number, EARLY, 1500, retire_on=first_in_force.effective))
        versions += history
        if any(v.status != "draft" for v in history):
            replaced.append(number)
        else:
            versions = [v for v in versions if v.number != number]
    legacy = ("0001",) if draw(st.booleans()) else ()
    new = [
        replace(v, replaces=tuple(replaced), legacy=legacy) if v.status != "draft" else v
        for v in new
    ]
    versions += new
    return RepositorySpec(tuple(versions), replacer, tuple(replaced))


def dates_to_probe(spec: RepositorySpec) -> list[date]:
    """Every boundary the data has, the day before it, and a few days far from any."""
    days = {EARLY - timedelta(days=1), date(2030, 1, 1)}
    for version in spec.versions:
        for boundary in (version.effective, version.retired):
            if boundary is not None:
                days.update({boundary, boundary - timedelta(days=1)})
    return sorted(days)


# Second-format repositories: coverage statements tied to service and diagnosis groups,
# with applicability, modifiers, prior authorisation and documentation. Generated as
# documents and rendered to YAML; the tests compare answers from the repository with
# answers from its bundle, so what matters here is variety, every reference consistent.

SERVICE_POOL = {"CPT": ("97545", "97546", "22612", "95250"), "HCPCS": ("E0114", "A4253")}
DIAGNOSIS_POOL = {
    "ICD-10-CM": ("M51.16", "Z51.89", "C61", "E11.9"),
    "ICD-9-CM": ("V57.22", "722.10", "250.00"),
}
#: A diagnosis no policy lists, to reach the "all other codes" rows.
UNLISTED_DIAGNOSES = ("M54.50", "ICD-9-CM:715.00")
LINES = LINES_OF_BUSINESS
PRODUCTS = (("open-access-plus", "commercial"), ("medicare-plus", "medicare-advantage"))
STATES = ("TN", "PA", "NJ", "CA")
SETTINGS = ("professional", "facility")
PLACES = ("11", "22")
SEXES = ("female", "male")
MODIFIERS = ("KX", "GA", "RT")
BASES = ("medically-necessary", "not-medically-necessary", "benefit-exclusion")
#: Versions take effect on either side of the switch to ICD-10 (2015-10-01).
COVERAGE_START = date(2014, 1, 1)
#: The first and last day a version applies (both included).
Span = tuple[date, date]


@dataclass(frozen=True)
class CoverageRepositorySpec:
    """Second-format files by path: versions, retirement records, maybe an organisation."""

    files: tuple[tuple[str, dict[str, Any]], ...]
    products: tuple[str, ...] = ()  # the organisation's products, when it declares some

    def sources(self) -> list[SourceFile]:
        return [
            SourceFile(path, yaml.safe_dump(data, sort_keys=False, allow_unicode=True).encode())
            for path, data in self.files
        ]

    @property
    def versions(self) -> list[dict[str, Any]]:
        return [data for path, data in self.files if "lifecycle" in data]

    def service_codes(self) -> list[tuple[str, str]]:
        return sorted({(s, c) for s, codes in SERVICE_POOL.items() for c in codes})

    def diagnosis_codes(self) -> list[tuple[str, str]]:
        return sorted({(s, c) for s, codes in DIAGNOSIS_POOL.items() for c in codes})

    def days(self) -> list[date]:
        """Every boundary of the data (effective, retirement and dates of service), the
        day before each, the switch to ICD-10, and days far from any."""
        days = {date(2013, 6, 1), date(2015, 9, 30), date(2015, 10, 1), date(2030, 1, 1)}
        for _, data in self.files:
            found = [data.get("retired"), data.get("lifecycle", {}).get("effective")]
            for group in data.get("coding", {}).get("groups", []):
                for dates in [group.get("dates_of_service", {})] + [
                    code.get("dates_of_service", {}) for code in group["codes"]
                ]:
                    found += [dates.get("from"), dates.get("through")]
            for text in filter(None, found):
                day = date.fromisoformat(text)
                days.update({day, day - timedelta(days=1), day + timedelta(days=1)})
        return sorted(days)


def _subset(draw: st.DrawFn, pool: tuple[str, ...] | list[str]) -> list[str]:
    return draw(st.lists(st.sampled_from(pool), min_size=1, max_size=len(pool), unique=True))


@st.composite
def applicabilities(
    draw: st.DrawFn, products: tuple[str, ...], statement: bool = False
) -> dict[str, Any]:
    """Who and where a version or a statement applies: one to three dimensions. A
    statement only includes states: excluding them could leave none of its version's."""
    keys = draw(
        st.lists(
            st.sampled_from(["lines", "states", "settings", "places", "ages", "sexes"]),
            min_size=1,
            max_size=3,
            unique=True,
        )
    )
    scope: dict[str, Any] = {}
    if "lines" in keys:
        scope["lines_of_business"] = _subset(draw, LINES[:3] + products)
    if "states" in keys:
        way = "include" if statement else draw(st.sampled_from(["include", "exclude"]))
        scope["states"] = {way: _subset(draw, STATES)}
    if "settings" in keys:
        scope["settings"] = _subset(draw, SETTINGS)
    if "places" in keys:
        scope["places_of_service"] = _subset(draw, PLACES)
    if "ages" in keys:
        low, high = sorted(draw(st.lists(st.integers(0, 90), min_size=2, max_size=2)))
        scope["ages"] = draw(
            st.sampled_from(
                [{"minimum": low}, {"maximum": high}, {"minimum": low, "maximum": high}]
            )
        )
    if "sexes" in keys:
        scope["sexes"] = _subset(draw, SEXES)
    return scope


@st.composite
def _groups(
    draw: st.DrawFn, pool: dict[str, tuple[str, ...]], role: str, count: int, span: Span
) -> list[dict[str, Any]]:
    """Code groups of one role, no code in two of them; some with dates of service
    inside the version's window (``span``, both days included)."""
    groups = []
    taken: set[tuple[str, str]] = set()
    # Names out of alphabetical order: a bundle's JSON objects keep no order of their own.
    names = draw(st.permutations(["delta", "alpha", "charlie"]))
    for index in range(count):
        system = draw(st.sampled_from(sorted(pool)))
        free = [code for code in pool[system] if (system, code) not in taken]
        codes = draw(st.lists(st.sampled_from(free), max_size=2, unique=True)) if free else []
        catch_all = role == "diagnosis" and draw(st.booleans())
        if not codes and not catch_all:
            continue
        taken.update((system, code) for code in codes)
        group: dict[str, Any] = {
            "id": f"{role}-{names[index]}",
            "heading": f"{role.title()} group {index}",
            "determination": draw(st.sampled_from(DETERMINATIONS)),
            "system": system,
            "codes": [{"code": code} for code in codes],
        }
        if catch_all:
            group["catch_all"] = "All other codes"
        for entry in [group, *group["codes"]]:
            if draw(st.integers(0, 5)) == 0:
                first, last = span
                day = first + timedelta(days=draw(st.integers(0, (last - first).days)))
                entry["dates_of_service"] = {
                    draw(st.sampled_from(["from", "through"])): day.isoformat()
                }
        groups.append(group)
    return groups


@st.composite
def _statement(
    draw: st.DrawFn,
    index: int,
    services: list[str],
    diagnoses: list[str],
    products: tuple[str, ...],
) -> dict[str, Any]:
    statement: dict[str, Any] = {
        "id": f"statement-{index}",
        "determination": draw(st.sampled_from(DETERMINATIONS)),
        "basis": draw(st.sampled_from(BASES)),
        "text": f"Statement {index}.",
    }
    if not services or draw(st.integers(0, 6)) == 0:
        return statement  # text alone, governing no codes
    statement["services"] = _subset(draw, services)
    if draw(st.booleans()):
        statement["applicability"] = draw(applicabilities(products, statement=True))
    if diagnoses and draw(st.booleans()):
        requirement: str = draw(st.sampled_from(["any_of", "all_of"]))
        statement["diagnoses"] = {requirement: _subset(draw, diagnoses)}
    if draw(st.integers(0, 3)) == 0:
        kind = draw(st.sampled_from(["required", "one_of", "excluded", "allowed"]))
        statement["modifiers"] = {kind: _subset(draw, MODIFIERS)}
    required = draw(st.sampled_from([None, "required", "not-required", "conditional"]))
    if required is not None:
        statement["prior_authorization"] = {"required": required}
        if required == "conditional":
            statement["prior_authorization"]["condition"] = "When more than 12 visits."
    if draw(st.booleans()):
        statement["documentation"] = [
            {
                "id": f"records-{index}",
                "kind": draw(st.sampled_from(["clinical", "admin", "patient"])),
                "purpose": _subset(draw, ["withpa", "withclaim", "withorder", "retain-doc"]),
                "text": "The records.",
            }
        ]
    if draw(st.integers(0, 3)) == 0:
        statement["limits"] = [
            {
                "id": f"units-{index}",
                "kind": "units",
                "quantity": 18,
                "scope": "member",
                "text": "18 units.",
            }
        ]
    if draw(st.integers(0, 3)) == 0:
        statement["criteria"] = "indications"
    return statement


@st.composite
def coverage_version(
    draw: st.DrawFn, number: str, span: Span, status: str, products: tuple[str, ...]
) -> dict[str, Any]:
    """One second-format version in effect over ``span`` (if it is not a draft): service,
    diagnosis and modifier groups, and statements."""
    effective = span[0]
    services = draw(_groups(SERVICE_POOL, "service", draw(st.integers(1, 2)), span))
    if not services:
        services = [
            {
                "id": "service-x",
                "heading": "Services",
                "determination": "covered",
                "system": "CPT",
                "codes": [{"code": SERVICE_POOL["CPT"][0]}],
            }
        ]
    diagnoses = draw(_groups(DIAGNOSIS_POOL, "diagnosis", draw(st.integers(0, 2)), span))
    qualifiers: list[dict[str, Any]] = []
    if draw(st.integers(0, 3)) == 0:
        modifiers = {"id": "modifiers", "heading": "Modifiers", "system": "MODIFIER"}
        qualifiers = [{**modifiers, "codes": [{"code": "KX"}]}]
    # A quarter of the versions govern no codes by statements, as first-format files:
    # their code tables decide, refined by their diagnosis tables.
    governed = [g["id"] for g in services] if draw(st.integers(0, 3)) else []
    statements = [
        draw(_statement(index, governed, [g["id"] for g in diagnoses], products))
        for index in range(draw(st.integers(1, 3)))
    ]
    document: dict[str, Any] = {
        "format": 2,
        "number": number,
        "title": f"Policy {number}",
        "applies_to": "The plans it says.",
        "lifecycle": {
            "status": status,
            "effective": effective.isoformat(),
            "next_review": (effective + timedelta(days=365)).isoformat(),
        },
        "coverage": statements,
        "coding": {"all_inclusive": False, "groups": services + diagnoses + qualifiers},
    }
    if draw(st.booleans()):
        document["applicability"] = draw(applicabilities(products))
    if any("criteria" in s for s in statements):
        document["criteria"] = [
            {
                "id": "indications",
                "text": "All of the following:",
                "all_of": [
                    {"id": "pain", "text": "Pain for 6 weeks."},
                    {"id": "psa", "text": "PSA over 3.", "threshold": _PSA},
                ],
            }
        ]
    return document


_PSA = {"measure": "PSA", "comparison": ">", "value": "3.0", "unit": "ng/mL"}


@st.composite
def coverage_repositories(draw: st.DrawFn) -> CoverageRepositorySpec:
    """One to three policies of one to three versions (some drafts), some retired, and
    maybe an organisation offering some lines of business and products."""
    files: list[tuple[str, dict[str, Any]]] = []
    products: tuple[str, ...] = ()
    if draw(st.booleans()):
        offered = _subset(draw, LINES)
        declared = [(p, line) for p, line in PRODUCTS if line in offered and draw(st.booleans())]
        organization: dict[str, Any] = {
            "name": "Example",
            "instructions_for_use": "Read the plan.",
            "trademark_notice": "Example is a mark.",
        }
        if draw(st.booleans()):
            organization["lines_of_business"] = offered
        if declared:
            organization["products"] = [
                {"id": p, "title": p.replace("-", " ").title(), "line_of_business": line}
                for p, line in declared
            ]
            products = tuple(p for p, _ in declared)
        files.append(("policies/organization.yaml", organization))
    for index in range(draw(st.integers(1, 3))):
        number = f"{200 + index:04d}"
        offsets = sorted(draw(st.lists(st.integers(0, 1800), min_size=1, max_size=3, unique=True)))
        effectives = [COVERAGE_START + timedelta(days=offset) for offset in offsets]
        statuses = [draw(st.sampled_from(["active", "active", "draft"])) for _ in offsets]
        retired = None
        if "active" in statuses and draw(st.integers(0, 2)) == 0:
            retired = effectives[-1] + timedelta(days=draw(st.integers(1, 900)))
            record = {"format": 2, "number": number, "retired": retired.isoformat()}
            files.append((f"policies/{number}/retirement.yaml", record))
        in_force = [e for e, status in zip(effectives, statuses, strict=True) if status == "active"]
        for effective, status in zip(effectives, statuses, strict=True):
            ends = [e for e in in_force if e > effective] + ([retired] if retired else [])
            end = min(ends, default=effective + timedelta(days=1200))
            span = (effective, end - timedelta(days=1))
            document = draw(coverage_version(number, span, status, products))
            files.append((f"policies/{number}/{effective}.yaml", document))
    return CoverageRepositorySpec(tuple(files), products)


@st.composite
def coverage_contexts(
    draw: st.DrawFn, spec: CoverageRepositorySpec, full: bool = False
) -> dict[str, Any]:
    """Keyword arguments of a coverage question: each dimension known or not (all known
    when ``full``; a product then, when the organisation has products)."""

    def maybe(strategy: st.SearchStrategy[Any]) -> Any:
        return draw(strategy) if full or draw(st.booleans()) else None

    diagnosis_pool = [c for codes in DIAGNOSIS_POOL.values() for c in codes]
    diagnosis_pool += [f"ICD-9-CM:{c}" for c in DIAGNOSIS_POOL["ICD-9-CM"]]
    diagnosis_pool += list(UNLISTED_DIAGNOSES)
    lines = spec.products if full and spec.products else LINES + spec.products
    return {
        "diagnoses": maybe(st.lists(st.sampled_from(diagnosis_pool), max_size=2, unique=True)),
        "line_of_business": maybe(st.sampled_from(lines)),
        "state": maybe(st.sampled_from(STATES)),
        "setting": maybe(st.sampled_from(SETTINGS)),
        "place_of_service": maybe(st.sampled_from(PLACES)),
        "age": maybe(st.integers(0, 95)),
        "sex": maybe(st.sampled_from(SEXES)),
        "modifiers": maybe(st.lists(st.sampled_from(MODIFIERS), max_size=2, unique=True)),
    }
