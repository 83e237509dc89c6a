"""The consumer API: answers from a verified bundle alone."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, TIMELINE, build
from validator.consume.consumer import Bundle


@pytest.fixture(autouse=True)
def fixed_epoch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")


@pytest.mark.parametrize("module", ["validator.consumer", "validator.consume.consumer"])
def test_a_consumer_answers_from_the_bundle_alone(tmp_path: Path, module: str) -> None:
    """The done-when check: CPT 97545 on 2012-06-01 from a copy of dist/, in a process
    that imports neither YAML, JSON Schema nor any stage but the consumer side, and
    cannot see policies/; through the documented path and the old one alike. Coverage
    in context, the prior-authorisation list and CRD coverage information too."""
    assert build(ROOT, tmp_path / "built") == 0
    shutil.copytree(tmp_path / "built", tmp_path / "elsewhere" / "dist")
    program = (
        "import sys\n"
        f"from {module} import Bundle\n"
        "b = Bundle.open('dist')\n"
        "[d] = b.lookup('CPT', '97545', '2012-06-01')\n"
        "print(d.policy, d.version, d.determination, d.basis)\n"
        "print(b.lookup('CPT', '97545', '2010-06-01'))\n"
        "print(b.version_on('0324', '2012-06-01')['document']['title'])\n"
        "print([c.on for c in b.changes_after('2011-01-01')])\n"
        "[c] = b.coverage('CPT', '97545', '2012-06-01', diagnoses=['V57.22'])\n"
        "print(c.evaluation.covered, c.evaluation.reason)\n"
        "print(b.coverage('CPT', '97545', '2012-06-01')[0].evaluation.info_needed)\n"
        "print(b.prior_authorizations('2012-06-01'))\n"
        "from validator.consume.crd import coverage_information\n"
        "info = coverage_information(c.evaluation, billing_code='97545', system='CPT')\n"
        "print([e['url'] for e in info['extension']])\n"
        "other = ('yaml', 'jsonschema', 'validator.read', 'validator.model', 'validator.check',"
        " 'validator.publish', 'validator.cli')\n"
        "print(sorted(m for m in sys.modules if m.startswith(other)))\n"
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
        'not-covered billed with V57.22, listed under "Not Medically Necessary/Not Covered"\n'
        "()\n"  # listed or not, every diagnosis leaves the service not covered
        "[]\n"
        "['covered', 'doc-needed', 'billingCode', 'reason']\n"
        "[]\n"
    )


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
