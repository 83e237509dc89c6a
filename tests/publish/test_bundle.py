"""Bundles: written atomically and reproducibly, verified byte for byte, signed, queried."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from tests.conftest import ROOT, TIMELINE, build, tree
from validator.check.documents import DocumentChanged, Documents
from validator.check.schemas import POLICY_SCHEMA, load_schema
from validator.check.validate import validate
from validator.cli import main
from validator.consume.consumer import Bundle
from validator.model.versions import Version
from validator.publish.bundle import iter_bundle
from validator.publish.code_index import code_shard
from validator.publish.provenance import Provenance

BUNDLE_SCHEMA = json.loads((ROOT / "schema" / "bundle.schema.json").read_text())


@pytest.fixture(autouse=True)
def fixed_epoch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")


def test_the_repository_bundle_is_schema_valid_and_verifies(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "dist"
    assert build(ROOT, out) == 0
    assert capsys.readouterr().out == "wrote " + str(out) + "/: 8 files, 1 policy\n"
    files = tree(out)
    assert sorted(files) == [
        "catalog.json",
        "codes/CPT/97.json",
        "codes/ICD-9-CM/V5.json",
        "manifest.json",
        "organization.json",
        "policies/0324.json",
        "prior-auth.json",
        "supersession.json",
    ]
    validator = Draft202012Validator(
        BUNDLE_SCHEMA, format_checker=Draft202012Validator.FORMAT_CHECKER
    )
    policy_validator = Draft202012Validator(load_schema(POLICY_SCHEMA))
    for name, data in files.items():
        document = json.loads(data)
        assert list(validator.iter_errors(document)) == [], name
        for version in document.get("versions", []) if name.startswith("policies/") else []:
            assert list(policy_validator.iter_errors(version["document"])) == []
    manifest = json.loads(files["manifest.json"])
    assert manifest["created"] == "2023-11-14T22:13:20Z"
    assert manifest["counts"] == {"code_rows": 3, "policies": 1, "versions": 1}
    assert main(["verify", str(out)]) == 0


def test_building_twice_gives_identical_bytes(tmp_path: Path) -> None:
    assert build(ROOT, tmp_path / "one") == 0
    assert build(ROOT, tmp_path / "two") == 0
    assert tree(tmp_path / "one") == tree(tmp_path / "two")
    assert build(ROOT, tmp_path / "one") == 0  # rebuilding in place changes no byte
    assert tree(tmp_path / "one") == tree(tmp_path / "two")


def test_no_bundle_is_written_while_the_repository_has_errors(
    repo: Path, tmp_path_factory: pytest.TempPathFactory, capsys: pytest.CaptureFixture[str]
) -> None:
    here = tmp_path_factory.mktemp("out")
    out = here / "dist"
    assert build(TIMELINE, out) == 0
    before = tree(out)
    (repo / "policies" / "0100" / "2020-01-01.yaml").write_text("number: 0100\n")
    assert build(repo, out) == 1
    err = capsys.readouterr().err
    assert "error yaml-implicit-type" in err
    assert "bundle not written: the repository has 1 error; fix them and run again" in err
    assert tree(out) == before
    assert [p.name for p in here.iterdir()] == ["dist"]  # no staging left behind


def test_a_failure_while_writing_leaves_the_old_bundle_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "dist"
    assert build(TIMELINE, out) == 0
    before = tree(out)
    written = []
    real_write = Path.write_bytes

    def failing_write(self: Path, data: bytes) -> int:
        written.append(self)
        if len(written) == 3:
            raise OSError(28, "No space left on device")
        return real_write(self, data)

    monkeypatch.setattr(Path, "write_bytes", failing_write)
    capsys.readouterr()
    assert build(ROOT, out) == 2  # a full disk is the caller's to fix, not a bug
    err = capsys.readouterr().err
    assert f"-o {out}: cannot write the bundle: No space left on device" in err
    assert "Traceback" not in err
    assert tree(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dist"]


def test_as_of_keeps_only_what_is_in_effect_on_or_after_the_date(tmp_path: Path) -> None:
    assert build(TIMELINE, tmp_path / "all") == 0
    assert build(TIMELINE, tmp_path / "snap", "--as-of", "2015-01-01") == 0
    assert set(tree(tmp_path / "snap")) < set(tree(tmp_path / "all"))
    snapshot = Bundle.open(tmp_path / "snap")
    assert [p["number"] for p in snapshot._read("catalog.json")["policies"]] == ["0518"]
    assert snapshot.manifest["as_of"] == "2015-01-01"
    assert snapshot.lookup("CPT", "22612", "2014-12-31") == []
    assert [d.policy for d in snapshot.lookup("CPT", "22612", "2015-01-01")] == ["0518"]
    edge = json.loads((tmp_path / "snap" / "supersession.json").read_bytes())["replaces"][0]
    assert edge == {
        "from": "2015-01-01",
        "legacy": True,
        "policy": "0518",
        "published": True,
        "replaces": "0077",
    }


def test_bundle_usage_errors(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    assert build(TIMELINE, tmp_path / "dist") == 2
    assert main(["verify", str(tmp_path / "nowhere")]) == 2


def test_shards_are_small_and_named_by_system_and_prefix() -> None:
    assert code_shard("ICD-10-CM", "M54.50") == "codes/ICD-10-CM/M5.json"
    assert code_shard("CPT", "97545") == "codes/CPT/97.json"


def test_each_policy_file_is_handed_on_before_the_next_policy_s_documents_are_read() -> None:
    """What a bundle holds at once is one policy's documents, not the repository's."""
    report = validate(TIMELINE, None, date(2020, 6, 1))
    asked: list[str] = []

    def document_of(version: Version) -> dict[str, Any]:
        asked.append(version.number)
        return version.document

    provenance = Provenance(None, None, None)
    written = []
    for name, _ in iter_bundle(
        report.repository, report.organization, {}, provenance, document_of=document_of
    ):
        if name.startswith("policies/"):
            assert set(asked) == {name.removeprefix("policies/").removesuffix(".json")}
            written.append(name)
        else:
            assert asked == []
        asked.clear()
    assert len(written) > 1


def test_a_document_changed_while_the_bundle_is_written_leaves_the_old_bundle_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "dist"
    assert build(TIMELINE, out) == 0
    before = tree(out)
    real = Documents.of
    policies: set[str] = set()

    def changed_in_the_second_policy(self: Documents, version: Version) -> dict[str, Any]:
        policies.add(version.number)
        if len(policies) == 2:  # the first policy's file is written by now
            raise DocumentChanged(f"{version.path} changed while it was being published")
        return real(self, version)

    monkeypatch.setattr(Documents, "of", changed_in_the_second_policy)
    capsys.readouterr()
    assert build(TIMELINE, out) == 1
    err = capsys.readouterr().err
    assert "bundle not written: " in err
    assert "changed while it was being published" in err
    assert tree(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dist"]
