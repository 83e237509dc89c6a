"""Hypothesis strategies that generate whole policy repositories, shared by the tests.

A generated repository is a list of version specifications, rendered to YAML files the
way a policy team would write them. The specifications also feed the brute-force
oracles in the tests, which never look at the validator's own model.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from hypothesis import strategies as st

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
