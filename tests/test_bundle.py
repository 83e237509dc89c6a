"""Bundles: written atomically and reproducibly, verified byte for byte, signed, queried."""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from validator import bundle as bundle_module
from validator.cli import main
from validator.consumer import Bundle, BundleError
from validator.schemas import POLICY_SCHEMA, load_schema

ROOT = Path(__file__).parent.parent
TIMELINE = Path(__file__).parent / "fixtures" / "valid" / "timeline"
BUNDLE_SCHEMA = json.loads((ROOT / "schema" / "bundle.schema.json").read_text())


@pytest.fixture(autouse=True)
def fixed_epoch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")


def build(root: Path, out: Path, *args: str) -> int:
    return main(["bundle", "--root", str(root), "-o", str(out), "--today", "2020-06-01", *args])


def tree(directory: Path) -> dict[str, bytes]:
    return {
        path.relative_to(directory).as_posix(): path.read_bytes()
        for path in sorted(directory.rglob("*"))
        if path.is_file()
    }


def test_the_repository_bundle_is_schema_valid_and_verifies(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "dist"
    assert build(ROOT, out) == 0
    assert capsys.readouterr().out == "wrote " + str(out) + "/: 7 files, 1 policy\n"
    files = tree(out)
    assert sorted(files) == [
        "catalog.json",
        "codes/CPT/97.json",
        "codes/ICD-9-CM/V5.json",
        "manifest.json",
        "organization.json",
        "policies/0324.json",
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
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
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
    assert build(ROOT, out) == 3  # an internal error, reported in one line
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


@pytest.mark.parametrize("case", ["changed byte", "missing file", "extra file", "bad manifest"])
def test_verify_names_the_file_that_is_wrong(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], case: str
) -> None:
    out = tmp_path / "dist"
    assert build(TIMELINE, out) == 0
    capsys.readouterr()
    if case == "changed byte":
        target = out / "codes" / "CPT" / "22.json"
        data = bytearray(target.read_bytes())
        data[10] ^= 0x01
        target.write_bytes(bytes(data))
        expected = f"{out}/codes/CPT/22.json: content changed"
    elif case == "missing file":
        (out / "policies" / "0101.json").unlink()
        expected = f"{out}/policies/0101.json: missing"
    elif case == "extra file":
        (out / "policies" / "0999.json").write_text("{}")
        expected = f"{out}/policies/0999.json: extra file"
    else:
        (out / "manifest.json").write_text("[]")
        expected = f"{out}/manifest.json: not a bundle manifest"
    assert main(["verify", str(out)]) == 1
    captured = capsys.readouterr()
    assert captured.err.startswith(expected)
    assert "FAILED" in captured.out
    with pytest.raises(BundleError, match="failed verification"):
        Bundle.open(out)


def test_signed_bundle_verifies_with_its_key_and_fails_with_another(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["keygen", "ours"]) == 0
    assert main(["keygen", "theirs"]) == 0
    assert stat.S_IMODE(os.stat("ours.key").st_mode) == 0o600
    assert main(["keygen", "ours"]) == 2  # never overwrites a key
    out = tmp_path / "dist"
    assert build(TIMELINE, out, "--sign", "ours.key") == 0
    capsys.readouterr()
    assert main(["verify", str(out), "--key", "ours.pub"]) == 0
    assert "signature valid" in capsys.readouterr().out
    assert main(["verify", str(out)]) == 0
    assert "signature not checked" in capsys.readouterr().out
    assert main(["verify", str(out), "--key", "theirs.pub"]) == 1
    assert "manifest.sig: signature does not match" in capsys.readouterr().err
    assert Bundle.open(out, public_key="ours.pub").verification.signed
    with pytest.raises(BundleError):
        Bundle.open(out, public_key="theirs.pub")
    # A consistent rewrite of a file and the manifest passes the digests but not the key.
    manifest = json.loads((out / "manifest.json").read_bytes())
    manifest["created"] = "2030-01-01T00:00:00Z"
    (out / "manifest.json").write_text(json.dumps(manifest))
    assert main(["verify", str(out), "--key", "ours.pub"]) == 1
    assert main(["bundle", "--root", str(TIMELINE), "--sign", "ours.pub"]) == 2


def test_unsigned_bundle_fails_when_a_key_is_required(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["keygen"]) == 0
    assert build(TIMELINE, tmp_path / "dist") == 0
    assert main(["verify", str(tmp_path / "dist"), "--key", "policyrepo.pub"]) == 1
    assert "manifest.sig: missing: the bundle is not signed" in capsys.readouterr().err


def test_a_consumer_answers_from_the_bundle_alone(tmp_path: Path) -> None:
    """The done-when check: CPT 97545 on 2012-06-01 from a copy of dist/, in a process
    that never imports YAML or the validator and cannot see policies/."""
    assert build(ROOT, tmp_path / "built") == 0
    shutil.copytree(tmp_path / "built", tmp_path / "elsewhere" / "dist")
    program = (
        "import sys\n"
        "from validator.consumer import Bundle\n"
        "b = Bundle.open('dist')\n"
        "[d] = b.lookup('CPT', '97545', '2012-06-01')\n"
        "print(d.policy, d.version, d.determination, d.basis)\n"
        "print(b.lookup('CPT', '97545', '2010-06-01'))\n"
        "print(b.version_on('0324', '2012-06-01')['document']['title'])\n"
        "print([c.on for c in b.changes_after('2011-01-01')])\n"
        "print(sorted(m for m in ('yaml', 'jsonschema', 'validator.loader') if m in sys.modules))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", program],
        cwd=tmp_path / "elsewhere",
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout == (
        "0324 2011-04-15 not-covered not-medically-necessary\n"
        "[]\n"
        "Work Hardening Programs\n"
        "['2011-04-15']\n"
        "[]\n"
    )


def test_bundle_usage_errors(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    assert build(TIMELINE, tmp_path / "dist") == 2
    assert main(["verify", str(tmp_path / "nowhere")]) == 2


def test_shards_are_small_and_named_by_system_and_prefix() -> None:
    assert bundle_module.code_shard("ICD-10-CM", "M54.50") == "codes/ICD-10-CM/M5.json"
    assert bundle_module.code_shard("CPT", "97545") == "codes/CPT/97.json"


def test_consumer_lists_changes_and_versions(tmp_path: Path) -> None:
    assert build(TIMELINE, tmp_path / "dist") == 0
    bundle = Bundle.open(tmp_path / "dist")
    assert [(c.on, c.policy, c.kind, c.version) for c in bundle.changes_after("2014-06-01")] == [
        ("2015-01-01", "0101", "retired", None),
        ("2015-01-01", "0102", "retired", None),
        ("2015-01-01", "0518", "version", "2015-01-01"),
        ("2020-07-01", "0518", "version", "2020-07-01"),
    ]
    assert bundle.version_on("0518", "2020-06-30")["version"] == "2015-01-01"
    assert bundle.version_on("0101", "2015-01-01") is None
    assert bundle.version_on("0999", "2015-01-01") is None
    [answer] = bundle.lookup("CPT", "22552", "2013-06-01")
    assert (answer.title, answer.start, answer.end) == (
        "Cervical Disc Surgery",
        "2013-01-01",
        "2015-01-01",
    )
    assert bundle.lookup("HCPCS", "E0114", "2013-06-01") == []  # no such shard
