"""The bundle schema file is generated from the code, and the documented command prints it."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.conftest import ROOT
from validator.publish.bundle_schema import render


def test_bundle_schema_file_is_current() -> None:
    assert (ROOT / "schema" / "bundle.schema.json").read_text(encoding="utf-8") == render(), (
        "regenerate it: python -m validator.bundle_schema > schema/bundle.schema.json"
    )


@pytest.mark.parametrize("module", ["validator.bundle_schema", "validator.publish.bundle_schema"])
def test_the_documented_command_prints_the_schema(module: str) -> None:
    printed = subprocess.run(
        [sys.executable, "-m", module], capture_output=True, text=True, check=True
    ).stdout
    assert printed == render()
