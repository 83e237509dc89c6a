"""An unchanged repository is known unchanged without reading it, and never wrongly.

The file index keeps each file's status with the cache key of its bytes; a run's
findings are kept under the keys of all its files and its day. A run that finds both
reads no policy file and gives the findings an uncached run gives; any change to the
files (an edit, even one that keeps the size and the modification time, a new file, a
deleted one) or to the day is seen, and an index that is not what was written is
ignored.
"""

from __future__ import annotations

import os
import shutil
from datetime import date
from pathlib import Path

import pytest

from tests.conftest import FIXTURES
from validator.check import file_index
from validator.check import validate as validate_module
from validator.check.cache import open_cache
from validator.check.file_index import FileIndex, status_of
from validator.check.validate import Checking, Report, validate
from validator.cli import main

TODAY = date(2040, 1, 1)  # reviews are overdue: findings to compare


@pytest.fixture
def settled(monkeypatch: pytest.MonkeyPatch) -> None:
    """Files count as settled at once: the tests need not wait for the clock."""
    monkeypatch.setattr(file_index, "SETTLE_SECONDS", 0.0)


@pytest.fixture
def timeline(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    shutil.copytree(FIXTURES / "valid" / "timeline", root)
    shutil.rmtree(root / ".policyrepo-cache", ignore_errors=True)
    return root


def findings_only(root: Path, cache: Path, *paths: str, today: date = TODAY) -> Report:
    checking = Checking(open_cache(root, cache))
    return validate(root, list(paths) or None, today, checking, findings_only=True)


def uncached(root: Path, *paths: str, today: date = TODAY) -> Report:
    return validate(root, list(paths) or None, today)


def no_reading(monkeypatch: pytest.MonkeyPatch) -> None:
    def forbidden(*_: object) -> None:
        raise AssertionError("a file was read")

    monkeypatch.setattr(validate_module, "read_source", forbidden)


def test_an_unchanged_repository_is_answered_without_reading_a_file(
    timeline: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, settled: None
) -> None:
    cold = findings_only(timeline, tmp_path / "cache")
    expected = uncached(timeline)
    assert (cold.findings, cold.files) == (expected.findings, expected.files)
    assert cold.findings, "the fixture should give findings to compare"
    named = [str(sorted(timeline.rglob("*.yaml"))[0])]
    expected_named = uncached(timeline, *named)
    no_reading(monkeypatch)
    warm = findings_only(timeline, tmp_path / "cache")
    assert (warm.findings, warm.files) == (expected.findings, expected.files)
    assert warm.repository.policies == {}  # no model was built
    warm_named = findings_only(timeline, tmp_path / "cache", *named)
    assert (warm_named.findings, warm_named.files) == (expected_named.findings, 1)


def test_an_edit_that_keeps_size_and_modification_time_is_seen(
    timeline: Path, tmp_path: Path, settled: None
) -> None:
    findings_only(timeline, tmp_path / "cache")
    path = sorted((timeline / "policies").rglob("*.yaml"))[-1]
    before = path.stat()
    raw = path.read_bytes()
    edited = raw.replace(b"active", b"actxve", 1)
    assert edited != raw
    assert len(edited) == len(raw)
    path.write_bytes(edited)
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert path.stat().st_mtime_ns == before.st_mtime_ns
    warm = findings_only(timeline, tmp_path / "cache")
    assert warm.findings == uncached(timeline).findings
    assert any(finding.rule == "schema" for finding in warm.findings)


def test_a_new_or_deleted_file_is_seen(timeline: Path, tmp_path: Path, settled: None) -> None:
    findings_only(timeline, tmp_path / "cache")
    first = sorted((timeline / "policies").rglob("*.yaml"))[-1]
    copy = first.parent / "2030-01-01.yaml"
    copy.write_bytes(first.read_bytes())
    assert findings_only(timeline, tmp_path / "cache").findings == uncached(timeline).findings
    copy.unlink()
    first.unlink()
    assert findings_only(timeline, tmp_path / "cache").findings == uncached(timeline).findings


def test_another_day_is_judged_again(timeline: Path, tmp_path: Path, settled: None) -> None:
    early = findings_only(timeline, tmp_path / "cache", today=date(2012, 1, 1))
    late = findings_only(timeline, tmp_path / "cache", today=date(2040, 1, 1))
    assert late.findings == uncached(timeline, today=date(2040, 1, 1)).findings
    assert late.findings != early.findings
    assert any(finding.rule == "review-overdue" for finding in late.findings)


def test_a_file_edited_moments_ago_is_read_again(timeline: Path, tmp_path: Path) -> None:
    # Without the settled fixture: every file of the copy is newer than SETTLE_SECONDS.
    findings_only(timeline, tmp_path / "cache")
    cache = open_cache(timeline, tmp_path / "cache")
    index = FileIndex.load(cache.directory, timeline, cache.environment)
    assert index.entries == {}


@pytest.mark.parametrize(
    "spoil",
    [
        lambda raw: raw[:-5],
        lambda raw: raw.replace(b'"policyrepo-index": 1', b'"policyrepo-index": 2'),
        lambda raw: raw.replace(b"[", b"{", 1),
        lambda raw: raw[: raw.index(b"\n") + 1] + raw[raw.index(b"\n") + 1 :].replace(b"1", b"2"),
        lambda raw: b"",
    ],
    ids=["truncated", "other format", "not json", "changed after the header", "empty"],
)
def test_an_index_that_is_not_as_written_is_ignored(
    timeline: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    settled: None,
    spoil: object,
) -> None:
    findings_only(timeline, tmp_path / "cache")
    (location,) = (tmp_path / "cache").glob("index-*.json")
    assert callable(spoil)
    location.write_bytes(spoil(location.read_bytes()))
    cache = open_cache(timeline, tmp_path / "cache")
    assert FileIndex.load(cache.directory, timeline, cache.environment).entries == {}
    assert findings_only(timeline, tmp_path / "cache").findings == uncached(timeline).findings


def test_a_cache_shared_by_two_work_trees_keeps_an_index_for_each(
    timeline: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, settled: None
) -> None:
    other = tmp_path / "other"
    shutil.copytree(timeline, other)
    broken = sorted((other / "policies").rglob("*.yaml"))[-1]
    broken.write_bytes(broken.read_bytes().replace(b"active", b"actxve", 1))
    findings_only(timeline, tmp_path / "cache")
    findings_only(other, tmp_path / "cache")
    assert len(list((tmp_path / "cache").glob("index-*.json"))) == 2
    expected, expected_other = uncached(timeline).findings, uncached(other).findings
    assert expected != expected_other
    no_reading(monkeypatch)
    assert findings_only(timeline, tmp_path / "cache").findings == expected
    assert findings_only(other, tmp_path / "cache").findings == expected_other


def test_a_status_is_only_of_a_regular_file(tmp_path: Path) -> None:
    (tmp_path / "file.yaml").write_text("x")
    (tmp_path / "link.yaml").symlink_to(tmp_path / "file.yaml")
    (tmp_path / "directory").mkdir()
    assert status_of(tmp_path, "file.yaml") is not None
    assert status_of(tmp_path, "link.yaml") is None
    assert status_of(tmp_path, "directory") is None
    assert status_of(tmp_path, "missing.yaml") is None


def test_the_command_line_answers_an_unchanged_repository_the_same(
    timeline: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    settled: None,
) -> None:
    command = ["validate", "--root", str(timeline), "--today", "2040-01-01", "--format", "json"]
    cache = ["--cache-dir", str(tmp_path / "cache")]
    first = main([*command, *cache]), capsys.readouterr().out
    uncached_run = main([*command, "--no-cache"]), capsys.readouterr().out
    no_reading(monkeypatch)
    second = main([*command, *cache]), capsys.readouterr().out
    assert first == uncached_run == second
