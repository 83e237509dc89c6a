"""A cached run's model keeps documents trimmed, and gives each back whole on demand.

The whole document comes from the cache entry of the file's results; when the entry is
gone it comes from the file checked again, and only while the file still has the bytes
that were validated.
"""

from __future__ import annotations

import shutil
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from tests.conftest import SEED
from validator.check import documents
from validator.check.cache import open_cache
from validator.check.documents import DocumentChanged
from validator.check.source import check_source
from validator.check.validate import Checking, Report, validate
from validator.model.versions import ESSENTIALS

TODAY = date(2020, 6, 1)


@pytest.fixture
def seeded(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    (root / "policies" / "0324").mkdir(parents=True)
    shutil.copy(SEED, root / "policies" / "0324" / SEED.name)
    return root


def cached_run(root: Path, cache: Path) -> Report:
    return validate(root, None, TODAY, Checking(open_cache(root, cache)), with_sources=False)


def test_the_model_keeps_the_essentials_and_the_report_gives_back_the_whole(
    seeded: Path, tmp_path: Path
) -> None:
    uncached = validate(seeded, None, TODAY).repository.versions()[0]
    report = cached_run(seeded, tmp_path / "cache")
    (version,) = report.repository.versions()
    assert not uncached.trimmed
    assert version.trimmed
    assert "references" in uncached.document
    assert "references" not in version.document
    assert set(version.document) <= {*ESSENTIALS, "coding"}
    assert report.documents.of(version) == uncached.document
    assert version.coverage_rules == uncached.coverage_rules
    assert version.same_document(uncached)


def test_a_lost_entry_is_checked_again_from_the_unchanged_file(
    seeded: Path, tmp_path: Path
) -> None:
    report = cached_run(seeded, tmp_path / "cache")
    (version,) = report.repository.versions()
    whole = validate(seeded, None, TODAY).repository.versions()[0].document
    for entry in (tmp_path / "cache").glob("??/*.json"):
        entry.unlink()
    assert report.documents.of(version) == whole


def test_a_file_changed_since_it_was_validated_is_never_published(
    seeded: Path, tmp_path: Path
) -> None:
    report = cached_run(seeded, tmp_path / "cache")
    (version,) = report.repository.versions()
    for entry in (tmp_path / "cache").glob("??/*.json"):
        entry.unlink()
    path = seeded / version.path
    path.write_bytes(path.read_bytes().replace(b"Work Hardening", b"Work Conditioning"))
    with pytest.raises(DocumentChanged, match="changed while it was being published"):
        report.documents.of(version)


def test_an_uncached_model_holds_whole_documents(seeded: Path) -> None:
    report = validate(seeded, None, TODAY)
    (version,) = report.repository.versions()
    assert report.documents.of(version) is version.document


def test_a_file_that_no_longer_gives_a_version_is_never_published(
    seeded: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same bytes check the same way with the same validator; should they not (the
    validator changed under a running bundle), nothing is published from them."""
    report = cached_run(seeded, tmp_path / "cache")
    (version,) = report.repository.versions()
    for entry in (tmp_path / "cache").glob("??/*.json"):
        entry.unlink()
    monkeypatch.setattr(
        documents, "check_source", lambda source: replace(check_source(source), version=None)
    )
    with pytest.raises(DocumentChanged, match="no longer gives a version"):
        report.documents.of(version)
