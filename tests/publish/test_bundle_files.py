"""Bundle format 2, file by file: what each kind holds, and that every file the tests
build matches schema/bundle.schema.json."""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from tests.conftest import ROOT, TIMELINE, build, tree
from tests.publish.coverage_example import write_example
from tests.strategies import VersionSpec, render
from validator.check.validate import validate
from validator.consume.coverage import LINES_OF_BUSINESS
from validator.model.coding import DatesOfService
from validator.model.versions import CodeGroup, CodeRow, Version
from validator.publish.code_index import Index, index_version

SCHEMA = json.loads((ROOT / "schema" / "bundle.schema.json").read_text())
VALIDATOR = Draft202012Validator(SCHEMA, format_checker=Draft202012Validator.FORMAT_CHECKER)


@pytest.fixture(autouse=True)
def fixed_epoch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")


def _bundle(root: Path, out: Path) -> dict[str, Any]:
    """Every file of the bundle of ``root``, parsed, after checking it against the schema."""
    assert build(root, out) == 0
    files = {name: json.loads(data) for name, data in tree(out).items() if name.endswith(".json")}
    for name, document in files.items():
        assert [error.message for error in VALIDATOR.iter_errors(document)] == [], name
    return files


@pytest.fixture
def example(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    files = _bundle(write_example(tmp_path / "repo"), tmp_path / "dist")
    capsys.readouterr()
    return files


def test_the_layout_of_format_2(example: dict[str, Any]) -> None:
    assert sorted(example) == [
        "catalog.json",
        "codes/HCPCS/A4.json",
        "codes/HCPCS/A9.json",
        "codes/HCPCS/E2.json",
        "codes/ICD-10-CM/E1.json",
        "codes/ICD-9-CM/25.json",
        "manifest.json",
        "organization.json",
        "policies/0400.json",
        "policies/0500.json",
        "prior-auth.json",
        "supersession.json",
    ]
    assert example["manifest.json"]["bundle_format"] == 2
    assert SCHEMA["$id"] == "urn:policyrepo:schema:bundle:2"


def test_a_policy_file_carries_each_version_s_coverage_rules(
    tmp_path: Path, example: dict[str, Any]
) -> None:
    repository = validate(write_example(tmp_path / "again"), None, date(2016, 6, 1)).repository
    policy = example["policies/0500.json"]
    [published] = policy["versions"]
    [version] = repository.policies["0500"].versions
    assert published["coverage_rules"] == version.coverage_rules
    assert published["document"] == version.document
    assert [s["id"] for s in published["coverage_rules"]["statements"]] == ["diabetes", "supplies"]
    assert published["coverage_rules"]["statements"][0]["criteria"]["id"] == "indications"


def test_a_policy_file_says_what_retired_and_replaced_it(example: dict[str, Any]) -> None:
    old = example["policies/0400.json"]
    assert old["retired"] == "2016-01-01"
    assert old["retirement"] == {
        "retired": "2016-01-01",
        "published": None,
        "reason": "Replaced by policy 0500.",
        "source": "policies/0400/retirement.yaml",
    }
    assert old["replaced_by"] == [{"policy": "0500", "from": "2016-01-01"}]
    assert example["policies/0500.json"]["retirement"] is None


def test_a_first_format_retirement_is_published_as_the_version_that_declared_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    retired = VersionSpec(
        "0100",
        date(2012, 1, 1),
        status="retired",
        retired=date(2013, 1, 1),
        codes=(("CPT", "97545", "covered"),),
    )
    root = tmp_path / "repo"
    (root / "policies" / "0100").mkdir(parents=True)
    (root / retired.path).write_text(render(retired))
    files = _bundle(root, tmp_path / "dist")
    capsys.readouterr()
    policy = files["policies/0100.json"]
    assert policy["retirement"] == {
        "retired": "2013-01-01",
        "published": None,
        "reason": None,
        "source": "policies/0100/2012-01-01.yaml",
    }
    [version] = policy["versions"]
    assert version["document"]["format"] == 2  # the first format, read as the second
    assert version["coverage_rules"]["statements"] == []


def test_index_rows_name_the_group_its_role_and_the_code_s_dates(example: dict[str, Any]) -> None:
    monitors = example["codes/HCPCS/E2.json"]["codes"]["E2102"]
    assert [(row["policy"], row["group"], row["role"]) for row in monitors] == [
        ("0400", "monitors", "service"),
        ("0500", "monitors", "service"),
    ]
    assert "dates" not in monitors[0]  # throughout its window
    assert monitors[1]["dates"] == {"from": "2016-04-01", "through": None}
    [diabetes] = example["codes/ICD-10-CM/E1.json"]["codes"]["E11.9"]
    assert (diabetes["group"], diabetes["role"], diabetes["determination"]) == (
        "diabetes",
        "diagnosis",
        "covered",
    )
    assert diabetes["window"] == {"start": "2016-01-01", "end": None}


def test_codes_of_a_group_share_one_row_unless_their_dates_differ() -> None:
    """A million code rows build fast because a group's codes share one row object."""
    group = CodeGroup("therapy", "Therapy", "covered", None, "CPT", None)
    march = DatesOfService(date(2020, 3, 1), None)
    codes = [CodeRow("CPT", code, 0, 1, 1, 0) for code in ("97545", "97546")]
    codes += [CodeRow("CPT", code, 0, 1, 1, 0, dates=march) for code in ("97547", "97548")]
    version = Version(
        path="policies/0100/2020-01-01.yaml",
        number="0100",
        title="Therapy",
        status="active",
        effective=date(2020, 1, 1),
        next_review=None,
        published=None,
        last_review=None,
        retired=None,
        groups=(group,),
        codes=tuple(codes),
        document={"coverage": []},
    )
    index: Index = defaultdict(list)
    index_version(index, version, {"start": "2020-01-01", "end": None})
    plain, other, dated, also = (
        index["CPT", code][0] for code in ("97545", "97546", "97547", "97548")
    )
    assert plain is other
    assert dated is also
    assert plain[:3] == dated[:3] == ("0100", "2020-01-01", "therapy")
    assert json.loads(dated[3]) == {
        **json.loads(plain[3]),
        "dates": {"from": "2020-03-01", "through": None},
    }


def test_organization_json_says_what_the_organisation_offers(
    tmp_path: Path, example: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    organization = example["organization.json"]
    assert organization["lines_of_business"] == ["commercial", "medicare-advantage"]
    assert organization["products"] == {"open-access-plus": "commercial"}
    assert organization["organization"]["name"] == "Example Health"
    without = _bundle(TIMELINE, tmp_path / "timeline")["organization.json"]
    capsys.readouterr()
    assert without == {
        "kind": "organization",
        "organization": None,
        "lines_of_business": list(LINES_OF_BUSINESS),
        "products": {},
    }


def test_prior_auth_json_lists_each_statement_needing_it_with_its_codes(
    example: dict[str, Any],
) -> None:
    requirements = example["prior-auth.json"]["requirements"]
    assert [(r["policy"], r["statement"], r["required"]) for r in requirements] == [
        ("0500", "diabetes", "conditional"),
        ("0500", "supplies", "required"),
    ]
    diabetes, supplies = requirements
    assert diabetes["condition"] == "When more than 3 sensors are requested."
    assert diabetes["codes"] == [
        {"system": "HCPCS", "code": "A9276"},
        {"system": "HCPCS", "code": "E2102", "dates": {"from": "2016-04-01", "through": None}},
    ]
    assert [doc["id"] for doc in diabetes["documentation"]] == ["order"]
    assert diabetes["applicability"] == {
        "version": {"states": {"exclude": ["TN"]}},
        "statement": None,
    }
    assert supplies["applicability"]["statement"] == {"lines_of_business": ["open-access-plus"]}
    assert supplies["window"] == {"start": "2016-01-01", "end": None}


def test_the_schema_refuses_what_format_2_does_not_allow(example: dict[str, Any]) -> None:
    def refused(name: str, change: Any) -> bool:
        document = json.loads(json.dumps(example[name]))
        change(document)
        return not VALIDATOR.is_valid(document)

    assert refused("codes/HCPCS/E2.json", lambda d: d["codes"]["E2102"][0].pop("group"))
    assert refused("codes/HCPCS/E2.json", lambda d: d["codes"]["E2102"][0].update(role="x"))
    assert refused("policies/0500.json", lambda d: d["versions"][0].pop("coverage_rules"))
    assert refused(
        "policies/0500.json", lambda d: d["versions"][0]["coverage_rules"].update(extra=1)
    )
    assert refused("prior-auth.json", lambda d: d["requirements"][0].update(required="no"))
    assert refused("organization.json", lambda d: d["products"].update(x="nowhere"))
    assert refused("manifest.json", lambda d: d.update(bundle_format=1))
    assert not refused("organization.json", lambda d: d.update(organization=None))
