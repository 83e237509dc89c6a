"""Verifying a bundle: every changed, missing or extra file named, signatures checked."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from tests.conftest import TIMELINE, build
from validator.cli import main
from validator.consume.consumer import Bundle, BundleError


@pytest.fixture(autouse=True)
def fixed_epoch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")


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
    with pytest.raises(BundleError, match="failed verification") as raised:
        Bundle.open(out, verify=True)
    problem = expected.removeprefix(f"{out}/")
    assert str(raised.value).startswith(f"bundle {out} failed verification: {problem}")
    if case == "bad manifest":
        with pytest.raises(BundleError, match="failed verification"):
            Bundle.open(out)
    else:  # opening checks the manifest alone; a file when it is read (test_open.py)
        assert Bundle.open(out).verification.ok


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
