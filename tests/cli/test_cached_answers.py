"""Answers come from the cache: an unchanged repository is neither read nor judged again.

``lookup``, ``show``, ``review`` and ``prior-auth`` build the model from each unchanged
file's cached results and take the repository's findings from the run that judged the
same files on the same day, so a warm answer parses no YAML, reads no policy file and
runs no repository-wide rule; it is the answer an uncached run gives, and it still says
when files have errors.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import SEED, TIMELINE
from validator.check import file_index, source
from validator.check import validate as validate_module
from validator.cli import EXIT_INCOMPLETE, main, options

QUESTIONS = [
    ["lookup", "CPT", "97545", "--on", "2012-06-01"],
    ["lookup", "ICD-9-CM", "V57.22", "--on", "2012-06-01", "--format", "json"],
    ["show", "0324", "--on", "2012-06-01"],
    ["review", "--today", "2016-01-01", "--format", "json"],
    ["prior-auth", "--on", "2012-06-01", "--format", "csv"],
]


@pytest.fixture
def seeded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(file_index, "SETTLE_SECONDS", 0.0)  # no wait for the clock
    root = tmp_path / "repo"
    shutil.copytree(TIMELINE, root, ignore=shutil.ignore_patterns(".policyrepo-cache"))
    (root / "policies" / "0324").mkdir(exist_ok=True)
    shutil.copy(SEED, root / "policies" / "0324" / SEED.name)
    return root


def forbid_checking(monkeypatch: pytest.MonkeyPatch) -> None:
    def forbidden(*_: object, **__: object) -> None:
        raise AssertionError("an unchanged repository was read or judged again")

    monkeypatch.setattr(validate_module, "read_source", forbidden)
    monkeypatch.setattr(validate_module, "check_repository", forbidden)
    monkeypatch.setattr(source, "load_document", forbidden)


@pytest.mark.parametrize("question", QUESTIONS, ids=lambda q: " ".join(q[:3]))
def test_a_warm_answer_is_the_uncached_answer_without_reading_a_file(
    seeded: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    question: list[str],
) -> None:
    where = ["--root", str(seeded)]
    uncached = main([*question, *where, "--no-cache"]), capsys.readouterr()
    cache = ["--cache-dir", str(tmp_path / "cache")]
    cold = main([*question, *where, *cache]), capsys.readouterr()
    forbid_checking(monkeypatch)
    warm = main([*question, *where, *cache]), capsys.readouterr()
    assert uncached[1].out, "the question should have an answer"
    assert uncached == cold == warm


def test_a_warm_answer_still_says_files_have_errors(
    seeded: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    broken = seeded / "policies" / "0324" / "2014-01-01.yaml"
    broken.write_text(SEED.read_text().replace("  status: active\n", "  status: activ\n"))
    argv = ["lookup", "CPT", "97545", "--root", str(seeded), "--on", "2012-06-01"]
    cache = ["--cache-dir", str(tmp_path / "cache")]
    assert main([*argv, *cache]) == EXIT_INCOMPLETE
    cold = capsys.readouterr()
    forbid_checking(monkeypatch)
    assert main([*argv, *cache]) == EXIT_INCOMPLETE
    assert capsys.readouterr() == cold
    assert "1 file with errors; answers may be incomplete" in cold.err


def test_a_warm_lookup_reads_only_the_policies_listing_the_code(
    seeded: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    argv = ["lookup", "CPT", "97545", "--root", str(seeded), "--on", "2012-06-01"]
    cache = ["--cache-dir", str(tmp_path / "cache")]
    cold = main([*argv, *cache]), capsys.readouterr()
    forbid_checking(monkeypatch)
    monkeypatch.setattr(options, "validate", None)  # the whole repository is not loaded
    read: list[str] = []
    cached = validate_module._cached
    monkeypatch.setattr(
        validate_module, "_cached", lambda c, key, path: read.append(path) or cached(c, key, path)
    )
    assert (main([*argv, *cache]), capsys.readouterr()) == cold
    assert read, "the policy listing the code is read from the cache"
    assert all(path.startswith("policies/0324/") for path in read), read
