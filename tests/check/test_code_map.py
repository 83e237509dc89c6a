"""A lookup over unchanged files reads only the policies that list the code, and answers
what a lookup over the whole repository answers.

The code map (``check.code_map``) says which policies list each code around which days,
and which files make up each policy. Built once by a run over every file, it lets
``validate_for_code`` build the model of those policies alone from their cached results;
every code of every example repository, on every day a window starts or ends, must get
the same versions, windows, groups and coverage answers from it as from the whole model,
with the same findings. Anything the map cannot vouch for (a changed file, an entry gone
or corrupt, another day of judgement) falls back to the whole repository.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import FIXTURES, SEED, TIMELINE
from validator.check import code_map, file_index
from validator.check import validate as validate_module
from validator.check.cache import Cache, open_cache
from validator.check.source import FileResult
from validator.check.validate import Checking, Report, validate, validate_for_code
from validator.consume.coverage import Context
from validator.model import resolve

TODAY = date(2026, 11, 29)
NO_CONTEXT = Context()

#: Every example repository, and two made here: the seed's policy beside the timeline,
#: and one whose newest version is broken (its date still ends the window before it).
EXAMPLES = sorted(path for path in (FIXTURES / "valid").iterdir() if path.is_dir())


@pytest.fixture(autouse=True)
def settled(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(file_index, "SETTLE_SECONDS", 0.0)


def copied(source: Path, target: Path) -> Path:
    shutil.copytree(source, target, ignore=shutil.ignore_patterns(".policyrepo-cache"))
    return target


def with_seed(tmp_path: Path) -> Path:
    root = copied(TIMELINE, tmp_path / "repo")
    (root / "policies" / "0324").mkdir()
    shutil.copy(SEED, root / "policies" / "0324" / SEED.name)
    return root


def with_broken_version(tmp_path: Path) -> Path:
    root = with_seed(tmp_path)
    text = SEED.read_text(encoding="utf-8").replace("  status: active\n", "  status: activ\n")
    (root / "policies" / "0324" / "2014-01-01.yaml").write_text(text, encoding="utf-8")
    return root


def with_misfiled_version(tmp_path: Path) -> Path:
    """A version of 0324 in another policy's directory: it still belongs to 0324."""
    root = with_seed(tmp_path)
    (root / "policies" / "0999").mkdir()
    text = SEED.read_text(encoding="utf-8").replace("2011-04-15", "2013-04-15")
    (root / "policies" / "0999" / "2013-04-15.yaml").write_text(text, encoding="utf-8")
    return root


def checking(root: Path, tmp_path: Path) -> Checking:
    return Checking(open_cache(root, tmp_path / "cache"))


def whole(root: Path, tmp_path: Path) -> Report:
    """The run over every file that stores the map."""
    return validate(root, None, TODAY, checking(root, tmp_path), with_sources=False, code_map=True)


def days_of(report: Report) -> list[date]:
    """The days answers change on: where each window starts and ends, the days before,
    and a day before any policy."""
    days = {date(2000, 1, 1)}
    for policy in report.repository.policies.values():
        for window in policy.windows.values():
            for day in (window.start, window.end):
                if day is not None:
                    days |= {day, day - timedelta(days=1)}
    return sorted(days)


def answers(report: Report, system: str, code: str, on: date) -> list[tuple[object, ...]]:
    """What a lookup shows: each governing version, its window and group, and for a
    service its coverage answer with nothing known of the claim."""
    found: list[tuple[object, ...]] = []
    for governing in resolve.lookup(report.repository, system, code, on):
        found.append((governing.version.path, governing.window, governing.group.id))
    for answer in resolve.coverage(report.repository, system, code, on, NO_CONTEXT):
        found.append((answer.governing.version.path, answer.evaluation))
    return found


def assert_same_answers(root: Path, tmp_path: Path) -> int:
    """Every code on every day that matters: the map's model answers as the whole does.
    How many questions were asked."""
    full = whole(root, tmp_path)
    asked = 0
    for system, code in sorted(full.repository.code_index):
        for on in days_of(full):
            partial = validate_for_code(root, system, code, on, TODAY, checking(root, tmp_path))
            assert partial is not None, "the map of unchanged files should answer"
            assert partial.findings == full.findings
            assert answers(partial, system, code, on) == answers(full, system, code, on)
            asked += 1
    return asked


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda path: path.name)
def test_every_code_of_an_example_gets_the_whole_repository_answer(
    example: Path, tmp_path: Path
) -> None:
    assert assert_same_answers(copied(example, tmp_path / "repo"), tmp_path) > 0


@pytest.mark.parametrize("make", [with_seed, with_broken_version, with_misfiled_version])
def test_policies_with_retirements_and_broken_versions_answer_the_same(
    make: object, tmp_path: Path
) -> None:
    assert callable(make)
    assert assert_same_answers(make(tmp_path), tmp_path) > 0


def test_a_lookup_reads_only_the_policies_listing_the_code(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = with_seed(tmp_path)
    whole(root, tmp_path)
    read: list[str] = []
    cached = validate_module._cached

    def counted(cache: Cache, key: str, path: str) -> FileResult | None:
        read.append(path)
        return cached(cache, key, path)

    monkeypatch.setattr(validate_module, "_cached", counted)
    monkeypatch.setattr(validate_module, "read_source", None)  # no policy file is read
    partial = validate_for_code(
        root, "CPT", "97545", date(2012, 6, 1), TODAY, checking(root, tmp_path)
    )
    assert partial is not None
    assert sorted(partial.repository.policies) == ["0324"]
    assert all(path.startswith("policies/0324/") for path in read), read


def test_a_day_no_version_lists_the_code_reads_no_policy(tmp_path: Path) -> None:
    root = with_seed(tmp_path)
    whole(root, tmp_path)
    partial = validate_for_code(
        root, "CPT", "97545", date(2000, 1, 1), TODAY, checking(root, tmp_path)
    )
    assert partial is not None
    assert partial.repository.policies == {}


def test_without_the_map_or_with_a_file_changed_the_whole_repository_answers(
    tmp_path: Path,
) -> None:
    root = with_seed(tmp_path)
    ask = (root, "CPT", "97545", date(2012, 6, 1), TODAY)
    assert validate_for_code(*ask, checking(root, tmp_path)) is None, "no map stored yet"
    validate(root, None, TODAY, checking(root, tmp_path), with_sources=False)
    assert validate_for_code(*ask, checking(root, tmp_path)) is None, "a run without the map"
    whole(root, tmp_path)
    assert validate_for_code(*ask, checking(root, tmp_path)) is not None
    assert validate_for_code(*ask[:4], date(2030, 1, 1), checking(root, tmp_path)) is None
    assert validate_for_code(*ask, Checking()) is None, "no cache, no map"
    seed = root / "policies" / "0324" / SEED.name
    seed.write_text(seed.read_text(encoding="utf-8") + "# edited\n", encoding="utf-8")
    assert validate_for_code(*ask, checking(root, tmp_path)) is None


@pytest.mark.parametrize("damage", ["truncate", "garbage", "delete"])
def test_a_damaged_map_entry_is_not_trusted(tmp_path: Path, damage: str) -> None:
    root = with_seed(tmp_path)
    whole(root, tmp_path)
    entries = [
        path
        for path in (tmp_path / "cache").glob("*/*.json")
        if '"path": "(code map)"' in path.read_text(encoding="ascii").split("\n", 1)[0]
    ]
    assert len(entries) == code_map.SHARDS + 1
    for entry in entries:
        if damage == "delete":
            entry.unlink()
        elif damage == "truncate":
            entry.write_bytes(entry.read_bytes()[:-3])
        else:
            header = entry.read_bytes().split(b"\n", 1)[0]
            entry.write_bytes(header + b"\n[1, 2, 3]")
    ask = (root, "CPT", "97545", date(2012, 6, 1), TODAY)
    assert validate_for_code(*ask, checking(root, tmp_path)) is None


def test_a_map_of_the_wrong_shape_is_not_trusted(tmp_path: Path) -> None:
    """Entries whose checksums hold but whose days are not days: read as no map."""
    root = with_seed(tmp_path)
    whole(root, tmp_path)
    cache = open_cache(root, tmp_path / "cache")
    for entry in (tmp_path / "cache").glob("*/*.json"):
        header, _, payload = entry.read_text(encoding="ascii").partition("\n")
        if json.loads(header)["path"] == code_map.ENTRY_PATH:
            forged = re.sub(r'"[0-9]{4}-[0-9]{2}-[0-9]{2}"', "5", payload)
            cache.store(json.loads(header)["key"], code_map.ENTRY_PATH, forged)
    ask = (root, "CPT", "97545", date(2012, 6, 1), TODAY)
    assert validate_for_code(*ask, checking(root, tmp_path)) is None


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_any_code_on_any_day_answers_as_the_whole_repository(
    tmp_path_factory: pytest.TempPathFactory, data: st.DataObject
) -> None:
    tmp_path = tmp_path_factory.mktemp("map")
    example = data.draw(st.sampled_from(EXAMPLES))
    root = copied(example, tmp_path / "repo")
    full = whole(root, tmp_path)
    system, code = data.draw(st.sampled_from(sorted(full.repository.code_index)))
    on = data.draw(st.dates(date(2005, 1, 1), date(2035, 12, 31)))
    partial = validate_for_code(root, system, code, on, TODAY, checking(root, tmp_path))
    assert partial is not None
    assert answers(partial, system, code, on) == answers(full, system, code, on)


def test_unchanged_status_is_what_lets_the_map_answer(tmp_path: Path) -> None:
    """A file touched (same bytes, new time) is read again once, then the map answers."""
    root = with_seed(tmp_path)
    whole(root, tmp_path)
    seed = root / "policies" / "0324" / SEED.name
    os.utime(seed, (1, 1))
    ask = (root, "CPT", "97545", date(2012, 6, 1), TODAY)
    assert validate_for_code(*ask, checking(root, tmp_path)) is None
    whole(root, tmp_path)
    assert validate_for_code(*ask, checking(root, tmp_path)) is not None
