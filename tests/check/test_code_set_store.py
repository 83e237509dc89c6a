"""The ICD code sets are read from their packages once, then from the cache.

A run whose rules ask whether codes exist reads the editions from the cache when an
earlier run kept them there, under the packages' versions; an entry that is not what
was written is not trusted, and editions read with a failure are not kept.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from validator.check.cache import Cache, open_cache
from validator.check.code_set_store import ENTRY_PATH, CachedEditions
from validator.model import codesets


@pytest.fixture
def cache(tmp_path: Path) -> Iterator[Cache]:
    codesets.forget_editions()  # read through the store, not from memory
    yield open_cache(tmp_path, tmp_path / "cache")
    codesets.keep_editions_in(None)
    codesets.forget_editions()  # nothing read here through a forged store stays


def packages_unread(monkeypatch: pytest.MonkeyPatch) -> None:
    def unread(system: str) -> list[object]:
        raise AssertionError(f"{system} was read from a package")

    monkeypatch.setattr(codesets, "_SOURCES", (unread,))


def entries(cache: Cache) -> list[Path]:
    return [
        path
        for path in cache.directory.glob("*/*.json")
        if f'"path": "{ENTRY_PATH}"' in path.read_text(encoding="ascii").split("\n", 1)[0]
    ]


def test_the_code_sets_are_installed_for_these_tests() -> None:
    # The codes extra is part of the test set-up: without it every test here would pass
    # over nothing.
    assert codesets.known_codes("ICD-9-CM") is not None


def test_editions_read_once_are_read_from_the_cache_after(
    cache: Cache, monkeypatch: pytest.MonkeyPatch
) -> None:
    codesets.keep_editions_in(None)
    expected = codesets.known_codes("ICD-9-CM"), codesets.editions("ICD-9-CM")
    codesets.forget_editions()
    codesets.keep_editions_in(CachedEditions(cache))
    assert (codesets.known_codes("ICD-9-CM"), codesets.editions("ICD-9-CM")) == expected
    assert len(entries(cache)) == 1
    codesets.forget_editions()  # a new process
    codesets.keep_editions_in(CachedEditions(cache))
    packages_unread(monkeypatch)
    assert (codesets.known_codes("ICD-9-CM"), codesets.editions("ICD-9-CM")) == expected
    assert "V57.22" in (codesets.known_codes("ICD-9-CM") or ())


@pytest.mark.parametrize("damage", ["truncated", "not a list", "a code not a string"])
def test_a_damaged_entry_is_read_as_none(cache: Cache, damage: str) -> None:
    store = CachedEditions(cache)
    store.save("ICD-9-CM", [("ICD-9-CM v32, FY2015", ["V57.22", "250.0"])])
    assert store.load("ICD-9-CM") == [("ICD-9-CM v32, FY2015", ["V57.22", "250.0"])]
    (entry,) = entries(cache)
    header, _, payload = entry.read_text(encoding="ascii").partition("\n")
    if damage == "truncated":
        entry.write_text(f"{header}\n{payload[:-4]}", encoding="ascii")
    else:
        forged = '{"V57.22": 1}' if damage == "not a list" else '[["ICD-9-CM v32", [5]]]'
        cache.store(store._key("ICD-9-CM"), ENTRY_PATH, forged)
    assert store.load("ICD-9-CM") is None


def test_editions_read_with_a_failure_are_not_kept(
    cache: Cache, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(system: str) -> list[object]:
        raise OSError("unreadable data file")

    monkeypatch.setattr(codesets, "_SOURCES", (broken, *codesets._SOURCES))
    codesets.keep_editions_in(CachedEditions(cache))
    with pytest.warns(RuntimeWarning, match="could not read ICD-9-CM codes"):
        assert codesets.known_codes("ICD-9-CM")
    assert entries(cache) == []
