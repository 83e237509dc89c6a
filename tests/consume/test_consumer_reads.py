"""The consumer reads only bytes that match the verified manifest, at every read."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import SEED, TIMELINE, build
from validator.consume import consumer
from validator.consume.consumer import CACHED_FILES, Bundle, BundleError
from validator.consume.files import read_listed

DAY = "2013-06-01"


@pytest.fixture(autouse=True)
def fixed_epoch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")


@pytest.fixture
def out(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    target = tmp_path / "a" / "b" / "dist"
    assert build(TIMELINE, target) == 0
    capsys.readouterr()
    return target


def _forged_policy() -> dict[str, Any]:
    window = {"start": "2000-01-01", "end": None}
    return {
        "kind": "policy",
        "title": "forged",
        "versions": [{"version": "2000-01-01", "window": window, "document": {}}],
    }


def _forged_shard(code: str) -> dict[str, Any]:
    row = {
        "policy": "0101",
        "version": "2000-01-01",
        "determination": "covered",
        "basis": None,
        "heading": "forged",
        "window": {"start": "2000-01-01", "end": None},
    }
    return {"kind": "code-index", "system": "CPT", "codes": {code: [row]}}


def _plant(path: Path, document: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document))


def test_names_from_arguments_never_leave_the_bundle(out: Path) -> None:
    """Where a path built from the arguments would lead, a file that would answer waits;
    the consumer never opens it, since the manifest does not list it."""
    _plant(Path(os.path.normpath(out / "codes/../../../x/ab.json")), _forged_shard("ab"))
    _plant(Path(os.path.normpath(out / "policies/../../x/p.json")), _forged_policy())
    bundle = Bundle.open(out)
    assert bundle.lookup("../../../x", "ab", DAY) == []
    assert bundle.policy("../../x/p") is None
    assert bundle.version_on("../../x/p", DAY) is None
    assert bundle.lookup("CPT/../../../x", "ab", DAY) == []


def test_unknown_systems_codes_and_numbers_have_no_answer(out: Path) -> None:
    bundle = Bundle.open(out)
    assert bundle.lookup("HCPCS", "E0114", DAY) == []
    assert bundle.lookup("CPT", "", DAY) == []
    assert bundle.lookup("CPT", "99999", DAY) == []
    assert bundle.policy("0999") is None
    assert bundle.policy("") is None
    assert bundle.version_on("0999", DAY) is None


def test_a_shard_added_after_opening_is_not_served(out: Path) -> None:
    bundle = Bundle.open(out)
    _plant(out / "codes" / "HCPCS" / "E0.json", _forged_shard("E0114"))
    _plant(out / "policies" / "0999.json", _forged_policy())
    assert bundle.lookup("HCPCS", "E0114", DAY) == []
    assert bundle.policy("0999") is None


@pytest.mark.parametrize("verify", [True, False])
def test_a_shard_changed_after_opening_is_refused_when_read(out: Path, verify: bool) -> None:
    bundle = Bundle.open(out, verify=verify)
    shard = out / "codes" / "CPT" / "22.json"
    data = bytearray(shard.read_bytes())
    data[10] ^= 0x01
    shard.write_bytes(bytes(data))
    message = f"{shard}: content changed: its SHA-256 differs from the manifest's"
    with pytest.raises(BundleError) as raised:
        bundle.lookup("CPT", "22552", DAY)
    assert str(raised.value) == message
    shard.write_bytes(bytes(data) + b" ")
    with pytest.raises(BundleError) as resized:
        bundle.lookup("CPT", "22552", DAY)
    size = len(data)
    assert str(resized.value) == f"{shard}: size {size + 1} bytes, the manifest says {size}"


def test_a_policy_file_removed_or_replaced_after_opening_is_refused(out: Path) -> None:
    bundle = Bundle.open(out)
    policy = out / "policies" / "0518.json"
    policy.unlink()
    with pytest.raises(BundleError) as missing:
        bundle.version_on("0518", DAY)
    assert str(missing.value) == f"{policy}: missing: listed in the manifest but not in the bundle"
    os.symlink("../catalog.json", policy)
    with pytest.raises(BundleError) as linked:
        bundle.policy("0518")
    assert str(linked.value) == f"{policy}: not a regular file but a symbolic link"


def _rewrite_consistently(out: Path, name: str, document: dict[str, Any]) -> None:
    """Change a file of an unsigned bundle and its manifest entry to match."""
    data = json.dumps(document).encode("utf-8")
    (out / name).write_bytes(data)
    manifest = json.loads((out / "manifest.json").read_bytes())
    for entry in manifest["files"]:
        if entry["name"] == name:
            entry.update(size=len(data), sha256=hashlib.sha256(data).hexdigest())
    (out / "manifest.json").write_text(json.dumps(manifest))


def test_an_intact_file_of_the_wrong_shape_is_a_bundle_error(out: Path) -> None:
    _rewrite_consistently(out, "codes/CPT/22.json", {"kind": "code-index", "codes": []})
    _rewrite_consistently(out, "policies/0518.json", {"kind": "catalog", "policies": []})
    bundle = Bundle.open(out)
    with pytest.raises(BundleError) as shard:
        bundle.lookup("CPT", "22552", DAY)
    assert str(shard.value) == (
        f"{out}/codes/CPT/22.json: not laid out as bundle format 2 says "
        "(AttributeError: 'list' object has no attribute 'get')"
    )
    with pytest.raises(BundleError) as policy:
        bundle.version_on("0518", DAY)
    assert str(policy.value) == f"{out}/policies/0518.json: not a policy file"


def test_answers_are_copies_and_the_cache_is_bounded(out: Path) -> None:
    bundle = Bundle.open(out)
    version = bundle.version_on("0518", "2016-01-01")
    assert version is not None
    version["window"]["start"] = "1900-01-01"
    bundle.manifest["files"].clear()
    assert bundle.version_on("0518", "1950-01-01") is None
    assert len(bundle.manifest["files"]) == 10
    assert bundle._read.cache_info().maxsize == CACHED_FILES <= 1000
    assert bundle._bytes.cache_info().maxsize == CACHED_FILES


@pytest.fixture
def two_titles(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    """A bundle where CPT 97545 is listed by two policies, and 22612 by one."""
    root = tmp_path / "repo"
    shutil.copytree(TIMELINE, root, ignore=shutil.ignore_patterns(".policyrepo-cache"))
    for number, title in (("0324", "Work Hardening"), ("0999", "Work Conditioning")):
        (root / "policies" / number).mkdir()
        text = SEED.read_text(encoding="utf-8").replace('number: "0324"', f'number: "{number}"')
        text = text.replace('\ntitle: "Work Hardening Programs"\n', f"\ntitle: {title}\n")
        (root / "policies" / number / SEED.name).write_text(text, encoding="utf-8")
    assert build(root, tmp_path / "dist") == 0
    capsys.readouterr()
    return tmp_path / "dist"


@pytest.mark.parametrize(
    ("code", "on", "policies"), [("97545", "2012-06-01", 2), ("22612", "2015-06-01", 1)]
)
def test_titles_from_the_catalog_are_those_of_the_policy_files(
    two_titles: Path, monkeypatch: pytest.MonkeyPatch, code: str, on: str, policies: int
) -> None:
    """Answers from many policies take their titles from the catalog, from one policy
    from its file: the answers are the same either way, and each reads only that."""
    read: list[str] = []
    monkeypatch.setattr(
        consumer,
        "read_listed",
        lambda where, entry: read.append(entry.name) or read_listed(where, entry),
    )
    monkeypatch.setattr(consumer, "CATALOG_BYTES_PER_FILE", 0)  # never the catalog
    from_files = Bundle.open(two_titles).lookup("CPT", code, on)
    assert len({answer.policy for answer in from_files}) == policies
    assert len({answer.title for answer in from_files}) == policies
    assert consumer.CATALOG not in read
    read.clear()
    monkeypatch.setattr(consumer, "CATALOG_BYTES_PER_FILE", 10**12)  # the catalog for many
    assert Bundle.open(two_titles).lookup("CPT", code, on) == from_files
    titles_read = [
        name for name in read if name == consumer.CATALOG or name.startswith("policies/")
    ]
    assert titles_read == ([consumer.CATALOG] if policies > 1 else ["policies/0518.json"])
