"""Files checked in worker processes give the report one process gives, and the bundle.

Each run is compared whole: findings, the number of files, the model (documents and
positions included), and the bundle byte for byte, whether files were checked serially,
in two processes, or read from the cache.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from datetime import date
from pathlib import Path

import pytest

from tests.check.test_cache import FIXTURE_REPOSITORIES, cached, snapshot
from tests.conftest import MINIMAL, SEED, TIMELINE, tree
from tests.publish.coverage_example import write_example
from validator.check import parallel, results
from validator.check import validate as validate_module
from validator.check.cache import CacheRefused
from validator.check.parallel import MIN_FILES_FOR_WORKERS, Progress, available_cores, check_files
from validator.check.source import FileResult
from validator.check.validate import Checking, validate
from validator.cli import main
from validator.cli.commands import bundle as bundle_command
from validator.read.files import SourceFile

TODAY = date(2020, 6, 1)


def generate(root: Path, *, broken: bool = True) -> Path:
    """A repository of a few hundred files: copies of the seed policy and of the minimal
    version under other numbers, retirement records, the organisation file, and (unless
    ``broken`` is False) files that do not load or do not match the schema."""
    seed, minimal = SEED.read_bytes(), (MINIMAL / "2020-01-01.yaml").read_bytes()
    files: dict[str, bytes] = {
        "policies/organization.yaml": (SEED.parents[1] / "organization.yaml").read_bytes()
    }
    for index in range(160):
        number = f"{1000 + index:04d}"
        files[f"policies/{number}/2011-04-15.yaml"] = seed.replace(
            b'"0324"', f'"{number}"'.encode()
        )
    for index in range(120):
        number = f"{2000 + index:04d}"
        text = minimal.replace(b'"0100"', f'"{number}"'.encode())
        files[f"policies/{number}/2020-01-01.yaml"] = text
        if index % 10 == 0:
            files[f"policies/{number}/retirement.yaml"] = (
                f'format: 2\nnumber: "{number}"\nretired: "2020-03-01"\n'
            ).encode()
        if broken and index % 20 == 1:
            files[f"policies/{number}/2020-01-01.yaml"] = text.replace(b"title:", b"title: [", 1)
        if broken and index % 30 == 2:
            files[f"policies/{number}/2020-01-01.yaml"] = text.replace(b"active", b"activ", 1)
    for path, data in files.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_bytes(data)
    return root


@pytest.fixture
def generated(tmp_path: Path) -> Path:
    return generate(tmp_path / "repo")


@pytest.fixture
def any_size(monkeypatch: pytest.MonkeyPatch) -> None:
    """Workers for any number of files, so that small repositories are checked in them."""
    monkeypatch.setattr(parallel, "MIN_FILES_FOR_WORKERS", 1)


def test_the_generated_repository_is_large_enough_for_workers(generated: Path) -> None:
    report = validate(generated, None, TODAY)
    assert report.files > 4 * MIN_FILES_FOR_WORKERS
    rules = {finding.rule for finding in report.findings}
    assert {"schema", "yaml-syntax"} <= rules
    assert any(policy.record is not None for policy in report.repository.policies.values())


def test_serial_parallel_and_cached_runs_agree(generated: Path, tmp_path: Path) -> None:
    serial = snapshot(validate(generated, None, TODAY))
    directory = tmp_path / "cache"
    assert snapshot(validate(generated, None, TODAY, Checking(None, 2))) == serial
    cold = validate(generated, None, TODAY, Checking(cached(generated, directory).cache, 2))
    assert snapshot(cold) == serial
    for jobs in (1, 2):
        checking = Checking(cached(generated, directory).cache, jobs)
        assert snapshot(validate(generated, None, TODAY, checking)) == serial


def test_only_files_not_cached_are_checked(
    generated: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    directory = tmp_path / "cache"
    validate(generated, None, TODAY, cached(generated, directory))
    changed = generated / "policies" / "1003" / "2011-04-15.yaml"
    changed.write_bytes(changed.read_bytes() + b"# reviewed\n")
    sent: list[list[str]] = []

    def spy(
        sources: list[SourceFile], jobs: int, progress: Progress
    ) -> list[tuple[FileResult, str | None]]:
        sent.append([source.path for source in sources])
        return check_files(sources, jobs, progress)

    monkeypatch.setattr(validate_module, "check_files", spy)
    report = validate(generated, None, TODAY, Checking(cached(generated, directory).cache, 2))
    assert sent == [["policies/1003/2011-04-15.yaml"]]
    assert snapshot(report) == snapshot(validate(generated, None, TODAY))


@pytest.mark.usefixtures("any_size")
@pytest.mark.parametrize("root", FIXTURE_REPOSITORIES, ids=lambda path: path.name)
def test_every_fixture_repository_gives_the_same_report_in_workers(root: Path) -> None:
    assert snapshot(validate(root, None, TODAY, Checking(None, 2))) == snapshot(
        validate(root, None, TODAY)
    )


def test_results_come_back_in_the_order_of_the_files(generated: Path) -> None:
    sources = [
        SourceFile(path.relative_to(generated).as_posix(), path.read_bytes())
        for path in sorted(generated.rglob("*.yaml"))
    ]
    for source, (result, text) in zip(sources, check_files(sources, 2), strict=True):
        assert text is not None
        if result.version is not None:
            assert result.version.path == source.path
        assert {finding.path for finding in result.findings} <= {source.path}


# --- Bundles ---------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def fixed_epoch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")


def bundle(root: Path, out: Path, *options: str) -> dict[str, bytes]:
    arguments = ["--root", str(root), "-o", str(out), "--today", "2020-06-01", *options]
    assert main(["bundle", *arguments]) == 0
    return tree(out)


@pytest.mark.usefixtures("any_size", "default_cache_place")
@pytest.mark.parametrize("example", ["generated", "coverage", "timeline"])
def test_bundles_are_byte_identical_however_files_were_checked(
    example: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tmp_path / "repo"
    if example == "generated":
        generate(root, broken=False)
    elif example == "coverage":
        write_example(root)
    else:
        shutil.copytree(TIMELINE, root)
    cache = str(tmp_path / "cache")
    expected = bundle(root, tmp_path / "serial", "--no-cache", "--jobs", "1")
    runs = [
        ("--no-cache", "--jobs", "2"),
        ("--cache-dir", cache, "--jobs", "2"),  # cold
        ("--cache-dir", cache, "--jobs", "1"),  # warm
        ("--cache-dir", cache, "--jobs", "2"),
        ("--jobs", "2"),  # the cache in the root, cold then warm
        ("--jobs", "2"),
    ]
    for index, options in enumerate(runs):
        assert bundle(root, tmp_path / f"run{index}", *options) == expected, options
    assert "policies/" in "".join(expected)
    capsys.readouterr()


def spill_refused(*_: object, **__: object) -> None:
    raise CacheRefused("no room")


def test_a_bundle_without_a_cache_spills_to_a_directory_it_deletes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """--no-cache keeps each document trimmed and reads it back from a temporary spill,
    removed when the run ends; with no spill the documents are kept whole: the same bytes."""
    root = tmp_path / "repo"
    write_example(root)
    spills = tmp_path / "tmp"
    spills.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(spills))
    read_back: list[str] = []
    whole_document = results.whole_document
    monkeypatch.setattr(
        results, "whole_document", lambda text: read_back.append(text) or whole_document(text)
    )
    spilled = bundle(root, tmp_path / "spilled", "--no-cache")
    assert read_back, "the documents were read back from the spill"
    assert list(spills.iterdir()) == [], "the spill is deleted"
    monkeypatch.setattr(bundle_command, "open_cache", spill_refused)
    read_back.clear()
    assert bundle(root, tmp_path / "whole", "--no-cache") == spilled
    assert read_back == [], "without a spill the documents are kept whole"
    assert not (root / ".policyrepo-cache").exists(), "--no-cache writes no cache in the root"
    capsys.readouterr()


# --- When workers cannot be had --------------------------------------------------------


def test_few_files_start_no_worker(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_pool(*_: object, **__: object) -> None:
        raise AssertionError("a process pool was started")

    monkeypatch.setattr(parallel, "ProcessPoolExecutor", no_pool)
    sources = [SourceFile("policies/0324/2011-04-15.yaml", SEED.read_bytes())] * 3
    assert [text for _, text in check_files(sources, 8)] == [None] * 3


def test_no_worker_processes_means_one_process(
    generated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = snapshot(validate(generated, None, TODAY))

    def refused(*_: object, **__: object) -> None:
        raise OSError(38, "Function not implemented")

    monkeypatch.setattr(parallel, "ProcessPoolExecutor", refused)
    assert snapshot(validate(generated, None, TODAY, Checking(None, 2))) == expected


def _die(chunk: list[SourceFile]) -> list[str]:
    os._exit(1)


def test_a_worker_that_dies_leaves_the_files_to_one_process(
    generated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = snapshot(validate(generated, None, TODAY))
    monkeypatch.setattr(parallel, "_check_chunk", _die)
    assert snapshot(validate(generated, None, TODAY, Checking(None, 2))) == expected


def test_jobs_must_be_a_positive_number(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for jobs in ("0", "-1", "two", "1.5"):
        assert main(["validate", "--root", str(repo), "--jobs", jobs]) == 2
        assert "--jobs" in capsys.readouterr().err
    assert main(["validate", "--root", str(repo), "--jobs", "3", "--no-cache"]) == 0


def test_every_available_core_is_counted() -> None:
    assert 1 <= available_cores() <= (os.cpu_count() or 1)
