"""Opening a bundle checks its manifest alone; each file is checked when an answer reads
it, so a file that no answer reads costs nothing and stops nothing, while ``verify``
still checks them all."""

from __future__ import annotations

import base64
import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import ROOT, TIMELINE, build
from validator.cli import main
from validator.consume.consumer import Bundle, BundleError


@pytest.fixture(autouse=True)
def fixed_epoch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")


@pytest.fixture
def signed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[Path, Path]:
    """A signed bundle of the timeline repository, and the public key that checks it."""
    assert main(["keygen", str(tmp_path / "release")]) == 0
    out = tmp_path / "dist"
    assert build(TIMELINE, out, "--sign", str(tmp_path / "release.key")) == 0
    capsys.readouterr()
    return out, tmp_path / "release.pub"


def _flip_a_byte(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))


#: Opens a bundle, then answers, in a process that records every file it opens and every
#: directory it lists (Python's audit events), relative to the bundle.
TRACED = """
import os, sys
bundle, key = sys.argv[1], sys.argv[2]
touched = []

def record(event, args):
    if event in ("open", "os.listdir", "os.scandir") and isinstance(args[0], (str, bytes)):
        path = os.path.abspath(os.fsdecode(args[0]))
        if path == bundle or path.startswith(bundle + os.sep):
            touched.append(os.path.relpath(path, bundle))

sys.addaudithook(record)
from validator.consume.consumer import Bundle
opened = Bundle.open(bundle, public_key=key)
print("open", sorted(touched))
touched.clear()
print([answer.title for answer in opened.lookup("CPT", "22552", "2013-06-01")])
print("lookup", sorted(touched))
"""


def test_opening_reads_the_manifest_and_its_signature_and_a_lookup_its_files(
    signed: tuple[Path, Path],
) -> None:
    out, public = signed
    traced = subprocess.run(
        [sys.executable, "-c", TRACED, str(out), str(public)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert traced.stdout.splitlines() == [
        "open ['manifest.json', 'manifest.sig']",
        "['Cervical Disc Surgery']",
        "lookup ['codes/CPT/22.json', 'policies/0102.json']",
    ]


def test_a_changed_missing_or_extra_file_stops_only_the_answers_that_read_it(
    signed: tuple[Path, Path],
) -> None:
    """Opening does not look at the files; answers that read none of the spoilt ones
    are given, and each that reads one fails naming it, whatever was asked before."""
    out, public = signed
    _flip_a_byte(out / "codes" / "CPT" / "22.json")
    (out / "policies" / "0101.json").unlink()
    (out / "policies" / "0999.json").write_text('{"kind": "policy"}')
    bundle = Bundle.open(out, public_key=public)
    assert bundle.verification.signed
    [answer] = bundle.lookup("ICD-10-CM", "M51.16", "2016-01-01")
    assert (answer.policy, answer.title) == ("0518", "Spine Surgery")
    assert bundle.version_on("0518", "2016-01-01") is not None
    assert bundle.policy("0999") is None  # not listed: never opened
    for _ in range(2):  # nothing spoilt is kept: asked again, it fails again
        with pytest.raises(BundleError) as changed:
            bundle.lookup("CPT", "22552", "2013-06-01")
        assert str(changed.value) == (
            f"{out}/codes/CPT/22.json: content changed: its SHA-256 differs from the manifest's"
        )
        with pytest.raises(BundleError) as missing:
            bundle.lookup("ICD-9-CM", "722.10", "2014-06-01")  # the title is in 0101.json
        assert str(missing.value) == (
            f"{out}/policies/0101.json: missing: listed in the manifest but not in the bundle"
        )
    with pytest.raises(BundleError) as everything:
        Bundle.open(out, public_key=public, verify=True)
    assert str(everything.value) == (
        f"bundle {out} failed verification: "
        "codes/CPT/22.json: content changed: its SHA-256 differs from the manifest's; "
        "policies/0101.json: missing: listed in the manifest but not in the bundle; "
        "policies/0999.json: extra file, not listed in the manifest"
    )


def _rewrite_manifest(out: Path) -> None:
    """Lists a changed file's digest: the manifest's own bytes change with it."""
    manifest = json.loads((out / "manifest.json").read_bytes())
    for entry in manifest["files"]:
        if entry["name"] == "codes/CPT/22.json":
            entry["sha256"] = "0" * 64
    (out / "manifest.json").write_text(json.dumps(manifest))


def _other_signature(out: Path) -> None:
    signature = bytearray(base64.b64decode((out / "manifest.sig").read_bytes()))
    signature[0] ^= 0x01
    (out / "manifest.sig").write_bytes(base64.b64encode(bytes(signature)) + b"\n")


@pytest.mark.parametrize("tamper", [_rewrite_manifest, _other_signature])
def test_a_changed_manifest_or_signature_fails_at_open(
    signed: tuple[Path, Path], tamper: Callable[[Path], None]
) -> None:
    out, public = signed
    tamper(out)
    with pytest.raises(BundleError) as raised:
        Bundle.open(out, public_key=public)
    assert str(raised.value) == (
        f"bundle {out} failed verification: "
        "manifest.sig: signature does not match the manifest and this public key"
    )


def test_verify_catches_a_changed_byte_in_any_file(
    signed: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    out, public = signed
    names = [entry["name"] for entry in json.loads((out / "manifest.json").read_bytes())["files"]]
    assert len(names) == 10
    for name in names:
        original = (out / name).read_bytes()
        _flip_a_byte(out / name)
        assert main(["verify", str(out), "--key", str(public)]) == 1
        assert capsys.readouterr().err == (
            f"{out}/{name}: content changed: its SHA-256 differs from the manifest's\n"
        )
        with pytest.raises(BundleError, match=f"failed verification: {name}: content changed"):
            Bundle.open(out, public_key=public, verify=True)
        (out / name).write_bytes(original)
    assert main(["verify", str(out), "--key", str(public)]) == 0


def test_only_a_signature_loads_the_signature_library(signed: tuple[Path, Path]) -> None:
    """``cryptography`` is loaded only to check a signature, so a consumer of unsigned
    bundles never pays for importing it; and checking one needs none of its key formats
    (``serialization``, most of its import time) for a key as keygen writes it."""
    out, public = signed
    program = (
        "import sys\n"
        "from validator.consume.consumer import Bundle\n"
        "bundle = Bundle.open(sys.argv[1])\n"
        "bundle.lookup('CPT', '22552', '2013-06-01')\n"
        "print('cryptography' in sys.modules)\n"
        "Bundle.open(sys.argv[1], public_key=sys.argv[2])\n"
        "print('cryptography' in sys.modules)\n"
        "print('cryptography.hazmat.primitives.serialization' in sys.modules)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", program, str(out), str(public)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout == "False\nTrue\nFalse\n"
