"""The cache of each file's results: faithful, never trusted when wrong, never in the way.

A result read back from the cache must be the result checking gives (the model included,
with its document and positions); a warm run must load no YAML and run no schema; an
entry that is anything but what the cache wrote is checked again; and the cache writes
and deletes nothing outside its own files.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from tests.conftest import FIXTURES, SEED, TIMELINE
from tests.strategies import (
    CoverageRepositorySpec,
    RepositorySpec,
    coverage_repositories,
    repositories,
)
from validator.check import cache as cache_module
from validator.check import results, source
from validator.check.cache import (
    CACHE_DIR_NAME,
    CODE_SET_PACKAGES,
    TAG_NAME,
    Cache,
    CacheRefused,
    environment,
    open_cache,
)
from validator.check.validate import Checking, FileResult, Report, check_source, validate
from validator.cli import EXIT_USAGE, main
from validator.cli.options import CACHE_DIR_VARIABLE
from validator.model import codesets
from validator.model.timeline import Retirement
from validator.model.versions import Version
from validator.read.files import SourceFile, discover, read_source

TODAY = date(2020, 6, 1)

#: Every repository under tests/fixtures, valid and invalid.
FIXTURE_REPOSITORIES = sorted(
    path.parent for path in FIXTURES.rglob("policies") if (path.parent / "policies").is_dir()
)


def fixture_sources() -> list[SourceFile]:
    found = [SourceFile("policies/0324/2011-04-15.yaml", SEED.read_bytes())]
    for root in FIXTURE_REPOSITORIES:
        paths, _ = discover(root)
        found += [
            s for s in (read_source(root, path) for path in paths) if isinstance(s, SourceFile)
        ]
    return found


def assert_same_result(read_back: FileResult, checked: FileResult) -> None:
    assert read_back == checked
    assert read_back.places == checked.places
    if checked.version is not None:
        assert_same_version(read_back.version, checked.version)
    if checked.retirement is not None:
        assert read_back.retirement is not None
        assert read_back.retirement == checked.retirement


def assert_same_version(read_back: Version | None, checked: Version) -> None:
    assert read_back == checked
    assert read_back is not None
    assert read_back.document == checked.document
    assert read_back.positions == checked.positions
    assert read_back.coverage_rules == checked.coverage_rules
    assert read_back.codes == checked.codes  # the runs of a range come back row by row


def round_trip(result: FileResult) -> FileResult:
    text = results.dumps(result)
    read_back = results.loads(text, whole=True)
    trimmed = results.loads(text)  # what most readers parse: the first line alone
    if result.version is not None:
        assert trimmed.version is not None
        assert trimmed.version.trimmed
        assert trimmed.version.document == result.version.as_trimmed().document
        assert results.whole_document(text) == result.version.document
    return read_back


def snapshot(report: Report) -> tuple[object, ...]:
    """What a run gives, whole documents included (a version's equality leaves them out;
    a cached run's model holds them trimmed, and its report reads them back)."""
    versions = report.repository.versions()
    return (
        report.findings,
        report.files,
        report.repository,
        report.organization,
        report.sources,
        [(v.path, report.documents.of(v), v.positions, v.digests) for v in versions],
    )


def cached(root: Path, directory: Path) -> Checking:
    return Checking(open_cache(root, directory))


def entries(directory: Path) -> list[Path]:
    """The entries of single files' results (not of whole runs' findings)."""
    return [path for path in all_entries(directory) if b'"path": "(repository)"' not in head(path)]


def run_entries(directory: Path) -> list[Path]:
    """The entries of whole runs' findings."""
    return [path for path in all_entries(directory) if b'"path": "(repository)"' in head(path)]


def all_entries(directory: Path) -> list[Path]:
    return sorted(directory.glob("??/*.json"))


def head(path: Path) -> bytes:
    return path.read_bytes().partition(b"\n")[0]


# --- A faithful round trip -------------------------------------------------------------


@pytest.mark.parametrize("raw", fixture_sources(), ids=lambda s: s.path)
def test_every_fixture_file_reads_back_as_checked(raw: SourceFile) -> None:
    checked = check_source(raw)
    assert_same_result(round_trip(checked), checked)
    if checked.version is not None:
        version = checked.version
        assert_same_version(Version.from_json(version.to_json()), version)
        assert_same_version(Version.from_json(json.loads(json.dumps(version.to_json()))), version)


def test_the_fixtures_hold_versions_retirements_an_organisation_and_broken_files() -> None:
    checked = [check_source(raw) for raw in fixture_sources()]
    assert any(result.version is not None and result.version.format == 1 for result in checked)
    assert any(result.retirement is not None for result in checked)
    assert any(result.organization is not None for result in checked)
    assert any(result.version is None and result.findings for result in checked)


def test_a_retirement_declared_on_a_version_reads_back_with_it() -> None:
    version = check_source(fixture_sources()[0]).version
    assert version is not None
    retirement = Retirement("0324", date(2021, 1, 1), version.path, (3, 4), "/x", version=version)
    read_back = Retirement.from_json(json.loads(json.dumps(retirement.to_json())))
    assert read_back == retirement
    assert read_back.version is not None
    assert read_back.version.document == version.document


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(repositories())
def test_generated_first_format_versions_read_back_as_checked(spec: RepositorySpec) -> None:
    for raw in spec.sources():
        checked = check_source(raw)
        assert_same_result(round_trip(checked), checked)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(coverage_repositories())
def test_generated_second_format_files_read_back_as_checked(
    spec: CoverageRepositorySpec,
) -> None:
    for raw in spec.sources():
        checked = check_source(raw)
        assert_same_result(round_trip(checked), checked)


def test_text_that_is_not_results_is_refused() -> None:
    for text in ["", "[]", "{}", '{"findings": [1]}', "[" * 100_000, "\udcff"]:
        with pytest.raises(results.MalformedResults):
            results.loads(text)


# --- Warm runs -------------------------------------------------------------------------


@pytest.mark.parametrize("root", [*FIXTURE_REPOSITORIES[:12], TIMELINE], ids=lambda p: p.name)
def test_a_warm_run_parses_nothing_and_finds_the_same(
    root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    directory = tmp_path / "cache"
    cold = validate(root, None, TODAY, cached(root, directory))
    assert snapshot(cold) == snapshot(validate(root, None, TODAY))

    def forbidden(*_: object) -> None:
        raise AssertionError("a warm run read a file")

    monkeypatch.setattr(source, "load_document", forbidden)
    monkeypatch.setattr(source, "check_schema", forbidden)
    warm = validate(root, None, TODAY, cached(root, directory))
    assert snapshot(warm) == snapshot(cold)


def test_a_changed_file_alone_is_checked_again(repo: Path, tmp_path: Path) -> None:
    path = repo / "policies" / "0100" / "2020-01-01.yaml"
    validate(repo, None, TODAY, cached(repo, tmp_path / "cache"))
    path.write_bytes(path.read_bytes().replace(b"active", b"activ", 1))
    changed = validate(repo, None, TODAY, cached(repo, tmp_path / "cache"))
    assert snapshot(changed) == snapshot(validate(repo, None, TODAY))
    assert any(f.rule == "schema" for f in changed.findings)
    assert len(entries(tmp_path / "cache")) == 2  # the old entry is kept: it may come back
    assert len(run_entries(tmp_path / "cache")) == 2  # and so are the findings of each run


def test_the_same_bytes_at_another_path_are_another_entry(repo: Path, tmp_path: Path) -> None:
    checked = open_cache(repo, tmp_path / "cache")
    raw = (repo / "policies" / "0100" / "2020-01-01.yaml").read_bytes()
    one = checked.key(SourceFile("policies/0100/2020-01-01.yaml", raw))
    other = checked.key(SourceFile("policies/0101/2020-01-01.yaml", raw))
    assert one != other
    assert re.fullmatch("[0-9a-f]{64}", one)


# --- What the key depends on, and what it costs ----------------------------------------


def test_the_environment_reads_no_code_set(monkeypatch: pytest.MonkeyPatch) -> None:
    def forbidden(system: str) -> None:
        raise AssertionError(f"read the {system} code set")

    monkeypatch.setattr(codesets, "_editions", forbidden)
    environment.cache_clear()  # computed afresh, with the code sets forbidden
    assert len(environment()) == 32


def test_the_environment_names_the_packages_the_code_sets_come_from() -> None:
    # Each edition is named with the package and version it was read from; the key must
    # change when any of them does, so each must be among the packages the key names.
    found = [
        re.search(r"\(([a-z0-9-]+) ([^)]+)\)$", edition)
        for system in sorted(codesets.SYSTEMS_WITH_DATA)
        for edition in codesets.editions(system) or ()
    ]
    assert found, "the code sets are part of the test set-up"
    named = {match.groups() for match in found if match is not None}
    assert all(match is not None for match in found), "every edition names its package"
    for distribution, version in named:
        assert distribution in CODE_SET_PACKAGES
        assert cache_module._installed(distribution, CODE_SET_PACKAGES[distribution]) == version


def test_another_validator_finds_no_entry(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    validate(repo, None, TODAY, cached(repo, tmp_path / "cache"))
    monkeypatch.setattr("validator.__version__", "99.0")
    environment.cache_clear()
    try:
        validate(repo, None, TODAY, cached(repo, tmp_path / "cache"))
    finally:
        environment.cache_clear()
    assert len(entries(tmp_path / "cache")) == 2


# --- Entries that are not what the cache wrote -----------------------------------------


def _garbage(entry: Path, other: Path) -> None:
    entry.write_bytes(os.urandom(300))


def _truncated(entry: Path, other: Path) -> None:
    entry.write_bytes(entry.read_bytes()[:-40])


def _payload_changed(entry: Path, other: Path) -> None:
    header, payload = entry.read_bytes().split(b"\n", 1)
    entry.write_bytes(header + b"\n" + payload[:-1] + b" " + payload[-1:])


def _digest_agreeing_but_another_key(entry: Path, other: Path) -> None:
    entry.write_bytes(other.read_bytes())


def _header_only(entry: Path, other: Path) -> None:
    entry.write_bytes(entry.read_bytes().split(b"\n", 1)[0])


def _deeply_nested(entry: Path, other: Path) -> None:
    entry.write_bytes(b"[" * 200_000 + b"\n{}")


def _wrong_shape_right_digest(entry: Path, other: Path) -> None:
    header = json.loads(entry.read_bytes().split(b"\n", 1)[0])
    payload = b'{"findings": "none"}'
    header["sha256"] = hashlib.sha256(payload).hexdigest()
    entry.write_bytes(json.dumps(header).encode() + b"\n" + payload)


def _directory(entry: Path, other: Path) -> None:
    entry.unlink()
    entry.mkdir()
    (entry / "inside").write_text("not the cache's")


def _link_to_another_entry(entry: Path, other: Path) -> None:
    entry.unlink()
    entry.symlink_to(other)


def _link_elsewhere(entry: Path, other: Path) -> None:
    entry.unlink()
    entry.symlink_to(SEED)


def _pipe(entry: Path, other: Path) -> None:
    entry.unlink()
    os.mkfifo(entry)


SPOILERS = [
    _garbage,
    _truncated,
    _payload_changed,
    _digest_agreeing_but_another_key,
    _header_only,
    _deeply_nested,
    _wrong_shape_right_digest,
    _directory,
    _link_to_another_entry,
    _link_elsewhere,
    _pipe,
]


@pytest.mark.parametrize("spoil", SPOILERS, ids=lambda f: f.__name__.strip("_"))
def test_a_spoilt_entry_is_checked_again_and_rewritten(
    spoil: Callable[[Path, Path], None], tmp_path: Path
) -> None:
    root = tmp_path / "repo"
    shutil.copytree(TIMELINE, root)
    directory = tmp_path / "cache"
    expected = snapshot(validate(root, None, TODAY))
    validate(root, None, TODAY, cached(root, directory))
    entry, other = entries(directory)[:2]
    spoil(entry, other)
    assert snapshot(validate(root, None, TODAY, cached(root, directory))) == expected
    if spoil is _directory:
        assert (entry / "inside").read_text() == "not the cache's"  # never deleted
    else:
        assert not entry.is_symlink()
        assert open_cache(root, directory).load(entry.stem, _path_of(entry)) is not None
    assert snapshot(validate(root, None, TODAY, cached(root, directory))) == expected
    assert SEED.read_bytes().startswith(b"# yaml-language-server")  # a link's target is intact


def _path_of(entry: Path) -> str:
    return str(json.loads(entry.read_bytes().split(b"\n", 1)[0])["path"])


def test_a_linked_fan_out_directory_is_not_written_through(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    shutil.copytree(TIMELINE, root)
    directory, elsewhere = tmp_path / "cache", tmp_path / "elsewhere"
    expected = snapshot(validate(root, None, TODAY))
    validate(root, None, TODAY, cached(root, directory))
    fanout = entries(directory)[0].parent
    shutil.rmtree(fanout)
    elsewhere.mkdir()
    fanout.symlink_to(elsewhere, target_is_directory=True)
    assert snapshot(validate(root, None, TODAY, cached(root, directory))) == expected
    assert list(elsewhere.iterdir()) == []


# --- The directory ---------------------------------------------------------------------


@pytest.mark.usefixtures("default_cache_place")
def test_a_new_cache_says_what_it_is(repo: Path) -> None:
    assert main(["validate", "--root", str(repo), "--today", "2020-06-01"]) == 0
    directory = repo / CACHE_DIR_NAME
    assert (
        (directory / TAG_NAME).read_text().startswith("Signature: 8a477f597d28d172789f06886806bc55")
    )
    assert "may be deleted" in (directory / TAG_NAME).read_text()
    assert (directory / ".gitignore").read_text().splitlines()[-1] == "*"
    assert len(entries(directory)) == 1


@pytest.mark.usefixtures("default_cache_place")
def test_no_cache_writes_nothing(repo: Path, tmp_path: Path) -> None:
    before = sorted(repo.rglob("*"))
    assert main(["validate", "--root", str(repo), "--no-cache", "--today", "2020-06-01"]) == 0
    assert main(["show", "0100", "--root", str(repo), "--no-cache"]) == 0
    assert sorted(repo.rglob("*")) == before


def test_cache_dir_moves_it(repo: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "somewhere" / "cache"
    arguments = ["--root", str(repo), "--cache-dir", str(elsewhere), "--today", "2020-06-01"]
    assert main(["validate", *arguments]) == 0
    assert not (repo / CACHE_DIR_NAME).exists()
    assert len(entries(elsewhere)) == 1
    assert main(["review", *arguments]) == 0  # the query commands take it too


@pytest.mark.usefixtures("default_cache_place")
def test_the_cache_is_never_read_as_part_of_the_repository(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["validate", "--root", str(repo), "--today", "2020-06-01"]) == 0
    capsys.readouterr()
    (repo / CACHE_DIR_NAME / "2020-01-01.yaml").write_text("not: [a policy")
    assert main(["validate", "--root", str(repo), "--format", "json", "--today", "2020-06-01"]) == 0
    assert json.loads(capsys.readouterr().out)["summary"]["files"] == 1
    inside = repo / "policies" / "cache"
    code = main(["validate", "--root", str(repo), "--cache-dir", str(inside)])
    assert code == 2
    assert "inside policies/" in capsys.readouterr().err
    assert not inside.exists()


@pytest.mark.usefixtures("default_cache_place")
def test_a_directory_of_other_files_is_refused_and_left_alone(
    repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    other = tmp_path / "notes"
    other.mkdir()
    (other / "ab").mkdir()
    (other / "ab" / ("ab" * 32 + ".json")).write_text("mine")
    (other / "todo.txt").write_text("mine")
    before = sorted(other.rglob("*"))
    assert main(["validate", "--root", str(repo), "--cache-dir", str(other)]) == 2
    assert "not a policyrepo cache" in capsys.readouterr().err
    assert sorted(other.rglob("*")) == before
    with pytest.raises(CacheRefused):
        open_cache(repo, other)


@pytest.mark.usefixtures("default_cache_place")
def test_a_linked_default_cache_is_not_used(
    repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "target"
    target.mkdir()
    (repo / CACHE_DIR_NAME).symlink_to(target, target_is_directory=True)
    assert main(["validate", "--root", str(repo), "--today", "2020-06-01"]) == 0
    assert "no cache this run" in capsys.readouterr().err
    assert list(target.iterdir()) == []


@pytest.mark.usefixtures("default_cache_place")
def test_a_cache_that_cannot_be_created_is_passed_over(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (repo / CACHE_DIR_NAME).write_text("a file where the cache would go")
    assert main(["validate", "--root", str(repo), "--today", "2020-06-01"]) == 0
    assert "no cache this run" in capsys.readouterr().err
    assert (repo / CACHE_DIR_NAME).read_text() == "a file where the cache would go"


@pytest.mark.usefixtures("default_cache_place")
def test_a_cache_committed_to_the_repository_is_not_trusted(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["validate", "--root", str(repo), "--today", "2020-06-01"]) == 0
    git = ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@example.org"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "-f", "."], check=True)
    capsys.readouterr()
    assert main(["validate", "--root", str(repo), "--today", "2020-06-01"]) == 0
    assert "committed to the repository" in capsys.readouterr().err


# --- Growth ----------------------------------------------------------------------------


def test_entries_of_other_runs_are_pruned_only_when_they_outnumber_these(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    directory = tmp_path / "cache"
    validate(repo, None, TODAY, cached(repo, directory))
    old = []
    for index in range(30):
        key = f"{index:064x}"
        (directory / key[:2]).mkdir(exist_ok=True)
        old.append(directory / key[:2] / f"{key}.json")
        old[-1].write_text("an entry of another branch")
    stranger = directory / "00" / "notes.txt"
    stranger.write_text("not an entry")
    monkeypatch.setattr(cache_module, "PRUNE_SLACK", 40)
    path = repo / "policies" / "0100" / "2020-01-01.yaml"
    path.write_bytes(path.read_bytes() + b"# a comment\n")
    validate(repo, None, TODAY, cached(repo, directory))
    assert all(entry.exists() for entry in old)  # 32 entries: not many more than used
    monkeypatch.setattr(cache_module, "PRUNE_SLACK", 0)
    path.write_bytes(path.read_bytes() + b"# another\n")
    validate(repo, None, TODAY, cached(repo, directory))
    assert not any(entry.exists() for entry in old)
    assert stranger.read_text() == "not an entry"
    assert len(entries(directory)) == 1  # only this run's entry


def test_a_warm_run_prunes_nothing(repo: Path, tmp_path: Path) -> None:
    checking = cached(repo, tmp_path / "cache")
    validate(repo, None, TODAY, checking)
    again = cached(repo, tmp_path / "cache")
    validate(repo, None, TODAY, again)
    assert again.cache is not None
    assert again.cache.stored == 0
    assert again.cache.prune() == 0


def test_a_temporary_file_left_by_a_killed_run_is_removed(repo: Path, tmp_path: Path) -> None:
    directory = tmp_path / "cache"
    validate(repo, None, TODAY, cached(repo, directory))
    left = directory / "00" / f"{'0' * 64}.abc123.tmp"
    left.parent.mkdir(exist_ok=True)
    left.write_text("half an entry")
    os.utime(left, (0, 0))
    cache = open_cache(repo, directory)
    cache.stored = 1  # as after a run that stored an entry
    assert isinstance(cache, Cache)
    cache.prune()
    assert not left.exists()


# --- Runs at the same time -------------------------------------------------------------


def test_two_runs_at_once_share_one_cache(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    shutil.copytree(TIMELINE, root)
    directory = tmp_path / "cache"
    command = [
        *(sys.executable, "-m", "validator", "validate", "--root", str(root)),
        *("--format", "json", "--today", "2020-06-01", "--cache-dir", str(directory)),
    ]
    outputs = []
    for _ in range(3):  # twice cold, then warm or half warm
        runs = [
            subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            for _ in range(2)
        ]
        outputs += [(*run.communicate(), run.returncode) for run in runs]
    assert {(out, err, code) for out, err, code in outputs} == {(outputs[0][0], b"", 0)}
    cache = open_cache(root, directory)
    for entry in entries(directory):
        assert cache.load(entry.stem, _path_of(entry)) is not None
    assert not list(directory.glob("*/*.tmp"))


def test_the_environment_moves_the_cache_and_the_option_wins(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(CACHE_DIR_VARIABLE, str(tmp_path / "from-environment"))
    assert main(["validate", "--root", str(repo), "--today", "2020-06-01"]) == 0
    assert (tmp_path / "from-environment" / TAG_NAME).is_file()
    assert not (repo / CACHE_DIR_NAME).exists()
    option = ["--cache-dir", str(tmp_path / "from-option")]
    assert main(["validate", "--root", str(repo), "--today", "2020-06-01", *option]) == 0
    assert (tmp_path / "from-option" / TAG_NAME).is_file()


def test_a_refused_cache_from_the_environment_names_the_variable(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    taken = tmp_path / "taken"
    taken.mkdir()
    (taken / "notes.txt").write_text("someone else's")
    monkeypatch.setenv(CACHE_DIR_VARIABLE, str(taken))
    assert main(["validate", "--root", str(repo)]) == EXIT_USAGE
    assert f"{CACHE_DIR_VARIABLE}={taken}" in capsys.readouterr().err
    assert sorted(path.name for path in taken.iterdir()) == ["notes.txt"]
