"""A bundle answers coverage questions as the repository does: for any generated
second-format repository, date and context, the consumer's coverage answers, what a
diagnosis supports and what needs prior authorisation equal the model's; and each
answer, as CRD coverage information, keeps CRD's invariants."""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from tests.conftest import ROOT
from tests.strategies import (
    LINES,
    CoverageRepositorySpec,
    coverage_contexts,
    coverage_repositories,
)
from validator.check.validate import Report, validate_sources
from validator.consume.consumer import Bundle
from validator.consume.coverage import Context, Evaluation, diagnosis
from validator.consume.crd import coverage_information
from validator.findings import Severity
from validator.model import resolve
from validator.publish.bundle import build_bundle, write_bundle
from validator.publish.provenance import Provenance
from validator.read.files import SourceDigest

TODAY = date(2030, 1, 1)
PROVENANCE = Provenance("0" * 40, False, "2026-01-01T00:00:00Z")
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
BUNDLE_SCHEMA = Draft202012Validator(
    json.loads((ROOT / "schema" / "bundle.schema.json").read_text()),
    format_checker=Draft202012Validator.FORMAT_CHECKER,
)


def _valid(spec: CoverageRepositorySpec) -> Report:
    """The repository's report; only a repository without errors is ever bundled."""
    report = validate_sources(spec.sources(), TODAY)
    assume(not any(f.severity is Severity.ERROR for f in report.findings))
    return report


@contextmanager
def _bundled(report: Report) -> Iterator[Bundle]:
    files, manifest = build_bundle(
        report.repository, report.organization, digests_of(report.sources), PROVENANCE
    )
    with tempfile.TemporaryDirectory() as scratch:
        out = Path(scratch) / "dist"
        write_bundle(files, manifest, out, None)
        yield Bundle.open(out)


def _context(day: date, asked: dict[str, Any]) -> Context:
    """The model's context for the keyword arguments a consumer passes."""
    diagnoses = asked["diagnoses"]
    modifiers = asked["modifiers"]
    return Context(
        diagnoses=None if diagnoses is None else tuple(diagnosis(d, day) for d in diagnoses),
        line_of_business=asked["line_of_business"],
        state=asked["state"],
        setting=asked["setting"],
        place_of_service=asked["place_of_service"],
        age=asked["age"],
        sex=asked["sex"],
        modifiers=None if modifiers is None else tuple(modifiers),
    )


@SETTINGS
@given(coverage_repositories(), st.data())
def test_coverage_from_the_bundle_equals_the_model(
    spec: CoverageRepositorySpec, data: st.DataObject
) -> None:
    report = _valid(spec)
    contexts = [data.draw(coverage_contexts(spec)) for _ in range(3)]
    with _bundled(report) as bundle:
        for day in spec.days():
            for system, code in spec.service_codes():
                for asked in contexts:
                    from_model = [
                        (
                            a.governing.version.number,
                            a.governing.version.effective.isoformat(),
                            a.governing.group.id,
                            a.evaluation.to_json(),
                        )
                        for a in resolve.coverage(
                            report.repository, system, code, day, _context(day, asked)
                        )
                    ]
                    from_bundle = [
                        (c.policy, c.version, c.group, c.evaluation.to_json())
                        for c in bundle.coverage(system, code, day, **asked)
                    ]
                    assert from_bundle == from_model, (system, code, day, asked)
                    for answer in bundle.coverage(system, code, day, **asked):
                        _crd_invariants_hold(answer.evaluation, system, code)


def _crd_invariants_hold(evaluation: Evaluation, system: str, code: str) -> None:
    """crd-ci-q2: not-covered has no pa-needed; crd-ci-q3: info-needed exactly when
    covered, pa-needed or doc-needed is conditional."""
    if not evaluation.applies:
        return
    info = coverage_information(evaluation, billing_code=code, system=system)
    values = {(e["url"], e.get("valueCode")) for e in info["extension"]}
    if ("covered", "not-covered") in values:
        assert not any(url == "pa-needed" for url, _ in values)
    conditional = any(
        url in ("covered", "pa-needed", "doc-needed") and value == "conditional"
        for url, value in values
    )
    assert any(url == "info-needed" for url, _ in values) == conditional


@SETTINGS
@given(coverage_repositories())
def test_supports_and_prior_authorizations_from_the_bundle_equal_the_model(
    spec: CoverageRepositorySpec,
) -> None:
    report = _valid(spec)
    lines: list[str | None] = [None, *LINES, *spec.products, "no-such-line"]
    with _bundled(report) as bundle:
        for day in spec.days():
            for system, code in spec.diagnosis_codes():
                assert [
                    (s.policy, s.version, s.group, [x["id"] for x in s.statements], s.services)
                    for s in bundle.supports(system, code, day)
                ] == [
                    (
                        s.governing.version.number,
                        s.governing.version.effective.isoformat(),
                        s.governing.group.id,
                        [x["id"] for x in s.statements],
                        s.services,
                    )
                    for s in resolve.supports(report.repository, system, code, day)
                ]
            for line in lines:
                assert [
                    (p.system, p.code, p.policy, p.version, p.statement, p.required, p.condition)
                    for p in bundle.prior_authorizations(day, line)
                ] == [
                    (
                        p.system,
                        p.code,
                        p.version.number,
                        p.version.effective.isoformat(),
                        p.statement["id"],
                        p.required,
                        p.statement["prior_authorization"].get("condition"),
                    )
                    for p in resolve.prior_authorizations(report.repository, day, line)
                ]


@SETTINGS
@given(coverage_repositories(), st.data())
def test_a_full_context_never_needs_more_information(
    spec: CoverageRepositorySpec, data: st.DataObject
) -> None:
    """Every dimension given (a product, when the organisation has products): every
    answer is a decision, and the bundle's every file matches the bundle schema."""
    report = _valid(spec)
    asked = data.draw(coverage_contexts(spec, full=True))
    with _bundled(report) as bundle:
        for name in bundle.verification.entries:
            errors = list(BUNDLE_SCHEMA.iter_errors(bundle._read(name)))
            assert errors == [], (name, errors[:1])
        for day in spec.days():
            for system, code in spec.service_codes():
                for answer in bundle.coverage(system, code, day, **asked):
                    assert answer.evaluation.info_needed == (), (system, code, day, answer)
                    assert answer.evaluation.covered in (None, "covered", "not-covered")


def digests_of(sources: dict[str, bytes]) -> dict[str, SourceDigest]:
    return {path: SourceDigest.of(raw) for path, raw in sources.items()}
