"""Properties of bundles built from generated repositories."""

from __future__ import annotations

import json
import random
import tempfile
from datetime import date
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import tree
from tests.strategies import RepositorySpec, dates_to_probe, repositories
from validator.check.validate import Report, validate_sources
from validator.consume.consumer import Bundle
from validator.consume.signing import sign
from validator.consume.verify import MANIFEST, SIGNATURE, verify_bundle
from validator.model.resolve import lookup
from validator.publish.bundle import build_bundle, publish_bundle, write_bundle
from validator.publish.provenance import Provenance
from validator.read.files import SourceDigest

TODAY = date(2030, 1, 1)
PROVENANCE = Provenance("0" * 40, False, "2026-01-01T00:00:00Z")
SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def bundle_of(report: Report) -> tuple[dict[str, bytes], bytes]:
    return build_bundle(
        report.repository, report.organization, digests_of(report.sources), PROVENANCE
    )


@SETTINGS
@given(repositories())
def test_every_lookup_from_the_bundle_equals_the_model(spec: RepositorySpec) -> None:
    report = validate_sources(spec.sources(), TODAY)
    files, manifest = bundle_of(report)
    with tempfile.TemporaryDirectory() as scratch:
        out = Path(scratch) / "dist"
        write_bundle(files, manifest, out, None)
        consumer = Bundle.open(out)
        codes = {(s, c) for v in spec.versions for s, c, _ in v.codes}
        for day in dates_to_probe(spec):
            for system, code in codes:
                from_model = [
                    (g.version.number, g.version.effective.isoformat(), g.determination)
                    for g in lookup(report.repository, system, code, day)
                ]
                from_bundle = [
                    (d.policy, d.version, d.determination)
                    for d in consumer.lookup(system, code, day)
                ]
                assert from_bundle == from_model
            for number in {v.number for v in spec.versions}:
                in_effect = report.repository.policies[number].in_effect(day)
                published = consumer.version_on(number, day)
                assert (published["source"] if published else None) == (
                    in_effect.path if in_effect else None
                )


@SETTINGS
@given(repositories(), st.randoms(use_true_random=False))
def test_builds_are_identical_whatever_the_order_files_are_read(
    spec: RepositorySpec, shuffler: random.Random
) -> None:
    sources = spec.sources()
    first = bundle_of(validate_sources(sources, TODAY))
    again = bundle_of(validate_sources(sources, TODAY))
    shuffler.shuffle(sources)
    shuffled = bundle_of(validate_sources(sources, TODAY))
    assert first == again == shuffled


KEY = Ed25519PrivateKey.generate()


@SETTINGS
@given(repositories(), st.data())
def test_any_changed_byte_in_any_file_is_caught(spec: RepositorySpec, data: st.DataObject) -> None:
    """With the public key, a change anywhere is caught, the manifest and signature
    included; the file named is the one changed (or the signature, for the manifest)."""
    files, manifest = bundle_of(validate_sources(spec.sources(), TODAY))
    with tempfile.TemporaryDirectory() as scratch:
        out = Path(scratch) / "dist"
        write_bundle(files, manifest, out, KEY)
        public = Path(scratch) / "key.pub"
        public.write_bytes(
            KEY.public_key().public_bytes(
                serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
            )
        )
        assert verify_bundle(out, public).ok
        name = data.draw(st.sampled_from(sorted([*files, "manifest.json", "manifest.sig"])))
        target = out / name
        changed = bytearray(target.read_bytes())
        changed[data.draw(st.integers(0, len(changed) - 1))] ^= data.draw(st.integers(1, 255))
        target.write_bytes(bytes(changed))
        result = verify_bundle(out, public)
        assert not result.ok
        blamed = {problem.file for problem in result.problems}
        assert name in blamed or (name == "manifest.json" and "manifest.sig" in blamed)


@SETTINGS
@given(repositories(), st.sampled_from([None, date(2015, 1, 1), date(2025, 6, 1)]))
def test_a_bundle_written_as_it_is_built_has_the_bytes_of_one_built_whole(
    spec: RepositorySpec, as_of: date | None
) -> None:
    report = validate_sources(spec.sources(), TODAY)
    sources = digests_of(report.sources)
    files, manifest = build_bundle(
        report.repository, report.organization, sources, PROVENANCE, as_of
    )
    with tempfile.TemporaryDirectory() as scratch:
        out = Path(scratch) / "dist"
        listing = publish_bundle(
            report.repository, report.organization, sources, PROVENANCE, out, KEY, None, as_of
        )
        assert tree(out) == {**files, MANIFEST: manifest, SIGNATURE: sign(KEY, manifest)}
    assert sorted(name for name, _, _ in listing.files) == sorted(files)
    assert listing.counts == json.loads(manifest)["counts"]


def digests_of(sources: dict[str, bytes]) -> dict[str, SourceDigest]:
    return {path: SourceDigest.of(raw) for path, raw in sources.items()}
